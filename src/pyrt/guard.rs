//! CPython's limits on how deeply a program may nest, checked before RustPython parses it:
//! RustPython's parser and compiler recurse without a limit, so a program nested deeply
//! enough would overflow the stack and crash socklab instead of raising CPython's
//! SyntaxError ("too many nested parentheses", past 200 brackets), its parser's
//! MemoryError (~6,000 unary operators in a row) or its RecursionError during compilation
//! (past ~2,900 nested operations).
//!
//! A small tokenizer: strings (any prefix, triple quotes, f-strings whose `{...}` fields
//! are code again), comments, line continuations and brackets. The nesting of an
//! expression is estimated per bracket level as the operations since the last separator
//! (`,` `;` `=` `and` `or`, a new logical line), which is what makes CPython's AST deep.

/// CPython's tokenizer refuses more open brackets than this (MAXLEVEL).
pub const MAX_BRACKETS: usize = 200;
/// CPython 3.11 compiles 2,900 nested operations and refuses 3,000.
pub const MAX_NESTING: usize = 2950;
/// CPython 3.11's parser runs out of its stack on `x = ` and this many unary operators in a
/// row (5,968: a few less inside brackets or a call).
pub const MAX_UNARY_RUN: usize = 5968;
/// The longest `a or b or ...` (or `a < b < ...`) chain socklab lets RustPython compile
/// (~300 MB at 1,000).
pub const MAX_CHAIN: usize = 1000;

#[derive(Debug, PartialEq)]
pub enum TooDeep {
    /// `SyntaxError: too many nested parentheses` at this line and column (1-based).
    Brackets { line: usize, column: usize },
    /// `RecursionError: maximum recursion depth exceeded during compilation`.
    Nesting,
    /// `MemoryError` (empty): a run of unary operators deeper than CPython's parser's
    /// stack (MAXSTACK, 6,000 levels).
    ParserStack,
    /// A chain of more than MAX_CHAIN `and`/`or`/comparisons at one level, on this line:
    /// RustPython's compiler needs memory growing with the square of its length (3 GB at
    /// 4,000), where CPython takes any; socklab refuses it with a MemoryError.
    Chain { line: usize },
}

enum Ctx {
    /// Code: the operations counted at each open bracket level (the first is the line's).
    Code {
        levels: Vec<usize>,
        /// The `and`/`or` operators at each level since its last separator.
        chains: Vec<usize>,
        closer: Option<char>,
    },
    Str {
        quote: char,
        triple: bool,
        fstring: bool,
    },
    /// An f-string field's format spec (after its `:`): text, with `{...}` fields in it.
    Spec,
}

const OPERATOR_CHARS: &str = "+-*/%@&|^~<>!";
const NESTING_WORDS: [&str; 4] = ["not", "if", "lambda", "await"];
/// Words after which an expression's nesting starts again: `a or b`, `x in y`, `x is y`
/// (a chain of comparisons is one node), a comprehension's `for`, `yield`.
const FLAT_WORDS: [&str; 6] = ["and", "or", "for", "yield", "in", "is"];
const COMPARISONS: [&str; 5] = ["<", ">", "<=", ">=", "!="];
/// The words of chains RustPython compiles in memory growing with their square.
const CHAIN_WORDS: [&str; 4] = ["and", "or", "in", "is"];

/// Checks a program's nesting; Ok when CPython's limits hold.
pub fn check(source: &str) -> Result<(), TooDeep> {
    scan(source).map(drop)
}

/// Whether the console must wait for more lines before it runs `source`, by CPython's
/// rules: a bracket, a triple-quoted string or an f-string field still open, a line ending
/// in `\` or a block header (`:`) or a decorator, or a block of several lines not yet
/// ended by a blank line. Pure text: no interpreter needed (the window asks while a
/// statement runs). Source nested past CPython's limits is whole (running it says why).
pub fn needs_more(source: &str) -> bool {
    let Ok(open) = scan(source) else {
        return false;
    };
    if open {
        return !fails_before_end(source);
    }
    let code_lines: Vec<&str> = source
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .collect();
    let Some(last) = code_lines.last() else {
        return false;
    };
    let last = last.trim_end();
    let header = strip_comment(last).trim_end().ends_with(':');
    if last.ends_with('\\') || header || last.trim_start().starts_with('@') {
        // Until a blank line: then it is whole, and its error is python3's (an
        // IndentationError after a header, a SyntaxError after `\` or a decorator).
        return !source.ends_with('\n');
    }
    // A compound statement (`if 1: pass` too) ends at a blank line.
    let first = strip_comment(code_lines[0]).trim();
    let keyword = first
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    // A header with no colon at all (`while True`) is python3's SyntaxError at once.
    let compound =
        first.ends_with(':') || (COMPOUND.contains(&keyword) && source.lines().any(has_colon));
    compound && !source.ends_with('\n')
}

/// Whether the parser finds an error before the end of `source`: what is open can then
/// never be closed (`def f(:`, `f(a b`), and python3's console says so at once, as its
/// codeop finds compiling it. An error at the very end is only the end coming too soon.
fn fails_before_end(source: &str) -> bool {
    use rustpython_vm::compiler::parser::{LexicalErrorType, ParseErrorType};
    let end = source.trim_end().len();
    match rustpython_vm::compiler::parser::parse_module(source) {
        Ok(_) => false,
        // A triple-quoted string or an f-string still open is reported where it begins.
        Err(e) => {
            !matches!(
                e.error,
                ParseErrorType::Lexical(
                    LexicalErrorType::UnclosedStringError
                        | LexicalErrorType::FStringError(_)
                        | LexicalErrorType::Eof
                )
            ) && usize::from(e.location.start()) < end
        }
    }
}

/// Whether a line has a `:` in its code outside brackets (not in a string, its comment,
/// a dict, a slice or a lambda in parentheses): a block header's colon.
pub(crate) fn has_colon(line: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut depth = 0usize;
    for c in strip_comment(line).chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if matches!(c, '(' | '[' | '{') => depth += 1,
            None if matches!(c, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            None if c == ':' && depth == 0 => return true,
            None => {}
        }
    }
    false
}

/// The keywords that begin a compound statement.
/// (`match` is also a name: only its header line, ending in `:`, is taken as one.)
const COMPOUND: [&str; 8] = ["if", "for", "while", "def", "class", "with", "try", "async"];

/// A line without its `#` comment (a `#` inside quotes is kept).
pub(crate) fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' => return &line[..i],
            None if c == '\'' || c == '"' => quote = Some(c),
            None => {}
        }
    }
    line
}

/// The nesting check; Ok(whether something is still open at the end: a bracket, a
/// triple-quoted string, an f-string field).
fn scan(source: &str) -> Result<bool, TooDeep> {
    let chars: Vec<char> = source.chars().collect();
    let mut stack: Vec<Ctx> = vec![Ctx::Code {
        levels: vec![0],
        chains: vec![0],
        closer: None,
    }];
    let (mut line, mut column) = (1usize, 0usize);
    let mut brackets = 0usize;
    // Whether the previous token ends an operand (a call or subscript follows one).
    let mut after_operand = false;
    // Past the compiler's limit (RecursionError once the whole source has parsed).
    let mut nested_too_deep = false;
    // Unary operators in a row (`- - not ~x`), each a level of CPython's parser; the
    // count before the current token.
    let (mut unary_run, mut run_before) = (0usize, 0usize);
    // A one-line string was cut by the end of its line.
    let mut cut_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
        }
        match stack.last_mut() {
            Some(Ctx::Str {
                quote,
                triple,
                fstring,
            }) => {
                let (quote, triple, fstring) = (*quote, *triple, *fstring);
                if c == '\\' {
                    if chars.get(i + 1) == Some(&'\n') {
                        line += 1;
                        column = 0;
                    } else {
                        column += 1;
                    }
                    i += 2;
                    continue;
                }
                if fstring && c == '{' {
                    if chars.get(i + 1) == Some(&'{') {
                        i += 2;
                        column += 1;
                        continue;
                    }
                    open_field(&mut stack, &mut brackets, line, column)?;
                    after_operand = false;
                } else if c == quote {
                    if !triple {
                        stack.pop();
                        after_operand = true;
                    } else if chars.get(i + 1) == Some(&quote) && chars.get(i + 2) == Some(&quote) {
                        stack.pop();
                        after_operand = true;
                        i += 3;
                        column += 2;
                        continue;
                    }
                } else if c == '\n' && !triple {
                    // An unterminated string: the parser reports it, whatever is open
                    // around it (python3 says so at once, not at a `...` prompt).
                    stack.pop();
                    cut_string = true;
                }
                i += 1;
            }
            Some(Ctx::Spec) => {
                if c == '{' {
                    open_field(&mut stack, &mut brackets, line, column)?;
                } else if c == '}' {
                    // The end of the spec is the end of its field.
                    stack.pop();
                    stack.pop();
                    brackets = brackets.saturating_sub(1);
                }
                i += 1;
            }
            Some(Ctx::Code {
                levels,
                chains,
                closer,
            }) => {
                let closer = *closer;
                if !c.is_whitespace() && c != '\\' {
                    run_before = std::mem::take(&mut unary_run);
                }
                let in_field = closer == Some('}');
                if in_field && levels.len() == 1 && c == ':' {
                    // A field's format spec follows (`{n:#x}`, `{s:'^10}`).
                    stack.push(Ctx::Spec);
                    i += 1;
                    continue;
                }
                if c == '#' && !in_field {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                    continue;
                }
                if c == '\\' && chars.get(i + 1) == Some(&'\n') {
                    i += 2;
                    line += 1;
                    column = 0;
                    continue;
                }
                if c == '\'' || c == '"' {
                    let fstring = prefix_has_f(&chars, i);
                    let triple = chars.get(i + 1) == Some(&c) && chars.get(i + 2) == Some(&c);
                    stack.push(Ctx::Str {
                        quote: c,
                        triple,
                        fstring,
                    });
                    i += if triple { 3 } else { 1 };
                    column += if triple { 2 } else { 0 };
                    continue;
                }
                if c.is_alphanumeric() || c == '_' {
                    let start = i;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    column += i - start - 1;
                    // A string prefix (f'', rb""): the quote comes next.
                    if matches!(chars.get(i), Some('\'' | '"')) {
                        continue;
                    }
                    let word: String = chars[start..i].iter().collect();
                    if NESTING_WORDS.contains(&word.as_str()) {
                        if word == "not" && !after_operand {
                            unary_run = run_before + 1;
                            if unary_run >= MAX_UNARY_RUN {
                                return Err(TooDeep::ParserStack);
                            }
                        }
                        count(levels, &mut nested_too_deep);
                        after_operand = false;
                    } else if FLAT_WORDS.contains(&word.as_str()) {
                        reset(levels);
                        if CHAIN_WORDS.contains(&word.as_str()) {
                            chain(chains, line)?;
                        }
                        after_operand = false;
                    } else if word == "else" {
                        // The rest of `a if c else b` nests under its `if`, counted.
                        after_operand = false;
                    } else {
                        // A number with a decimal point or exponent stays one token.
                        while i < chars.len() && c.is_ascii_digit() && chars[i] == '.' {
                            i += 1;
                            while i < chars.len() && chars[i].is_alphanumeric() {
                                i += 1;
                            }
                        }
                        after_operand = true;
                    }
                    continue;
                }
                match c {
                    '(' | '[' | '{' => {
                        if after_operand {
                            count(levels, &mut nested_too_deep);
                        }
                        brackets += 1;
                        if brackets > MAX_BRACKETS {
                            return Err(TooDeep::Brackets { line, column });
                        }
                        levels.push(0);
                        chains.push(0);
                        depth(levels, &mut nested_too_deep);
                        after_operand = false;
                    }
                    ')' | ']' | '}' => {
                        if c == '}' && closer == Some('}') && levels.len() == 1 {
                            // The end of an f-string's field: back to the string.
                            stack.pop();
                        } else if levels.len() > 1 {
                            levels.pop();
                            chains.pop();
                        }
                        brackets = brackets.saturating_sub(1);
                        after_operand = true;
                    }
                    ',' | ';' | '=' => {
                        // `==` is a comparison (flat); `=` separates (`:` does not: a
                        // lambda's body nests in it).
                        reset(levels);
                        if c == '=' && matches!(chars.get(i + 1), Some('=')) {
                            chain(chains, line)?;
                            i += 1;
                        } else if let Some(run) = chains.last_mut() {
                            *run = 0;
                        }
                        after_operand = false;
                    }
                    '\n' => {
                        if levels.len() == 1 {
                            reset(levels);
                            chains[0] = 0;
                        }
                        after_operand = false;
                    }
                    '.' => {
                        // Attribute access (not `...`, which is an operand).
                        if chars.get(i + 1) == Some(&'.') {
                            i += 2;
                            column += 2;
                            after_operand = true;
                        } else {
                            count(levels, &mut nested_too_deep);
                            after_operand = false;
                        }
                    }
                    _ if OPERATOR_CHARS.contains(c) => {
                        // One operator: the longest of `**=`, `**`, `-`... (a run of
                        // unary minus is as many operations as it has signs).
                        let len = operator_len(&chars[i..]);
                        if len == 1 && matches!(c, '-' | '+' | '~') && !after_operand {
                            unary_run = run_before + 1;
                            if unary_run >= MAX_UNARY_RUN {
                                return Err(TooDeep::ParserStack);
                            }
                        }
                        let op: String = chars[i..i + len].iter().collect();
                        i += len - 1;
                        column += len - 1;
                        if COMPARISONS.contains(&op.as_str()) {
                            // A chain of comparisons is one flat node, as `and`/`or`.
                            reset(levels);
                            chain(chains, line)?;
                        } else {
                            count(levels, &mut nested_too_deep);
                        }
                        after_operand = false;
                    }
                    _ => {}
                }
                i += 1;
            }
            None => break,
        }
    }
    // A one-line string cut by the end is an error (whole); anything else left open
    // waits for more.
    if cut_string || matches!(stack.last(), Some(Ctx::Str { triple: false, .. })) {
        return Ok(false);
    }
    if nested_too_deep {
        return Err(TooDeep::Nesting);
    }
    let open_bracket = stack
        .iter()
        .any(|c| matches!(c, Ctx::Code { levels, .. } if levels.len() > 1));
    Ok(stack.len() > 1 || open_bracket)
}

/// An f-string's `{` field begins: code again, counted as a bracket.
fn open_field(
    stack: &mut Vec<Ctx>,
    brackets: &mut usize,
    line: usize,
    column: usize,
) -> Result<(), TooDeep> {
    *brackets += 1;
    if *brackets > MAX_BRACKETS {
        return Err(TooDeep::Brackets { line, column });
    }
    stack.push(Ctx::Code {
        levels: vec![0],
        chains: vec![0],
        closer: Some('}'),
    });
    Ok(())
}

/// The length of the operator at the start of `rest` (1 to 3 characters).
fn operator_len(rest: &[char]) -> usize {
    const LONG: [&str; 5] = ["**=", "//=", ">>=", "<<=", "..."];
    const PAIRS: [&str; 19] = [
        "**", "//", "<<", ">>", "<=", ">=", "!=", "->", "+=", "-=", "*=", "/=", "%=", "&=", "|=",
        "^=", "@=", "==", ":=",
    ];
    let head: String = rest.iter().take(3).collect();
    if LONG.iter().any(|op| head.starts_with(op)) {
        3
    } else if PAIRS.iter().any(|op| head.starts_with(op)) {
        2
    } else {
        1
    }
}

/// Whether the letters just before a quote (a string prefix) include f.
fn prefix_has_f(chars: &[char], quote_at: usize) -> bool {
    let mut j = quote_at;
    while j > 0 && chars[j - 1].is_ascii_alphabetic() {
        j -= 1;
        if matches!(chars[j], 'f' | 'F') {
            return true;
        }
    }
    false
}

fn count(levels: &mut [usize], too_deep: &mut bool) {
    if let Some(top) = levels.last_mut() {
        *top += 1;
    }
    depth(levels, too_deep);
}

/// One more `and`/`or`/comparison in the chain at this level.
fn chain(chains: &mut [usize], line: usize) -> Result<(), TooDeep> {
    if let Some(run) = chains.last_mut() {
        *run += 1;
        if *run > MAX_CHAIN {
            return Err(TooDeep::Chain { line });
        }
    }
    Ok(())
}

fn reset(levels: &mut [usize]) {
    if let Some(top) = levels.last_mut() {
        *top = 0;
    }
}

/// Notes when the nesting passes CPython's compiler's limit (the compiler's error comes
/// after the parser's: scanning goes on).
fn depth(levels: &[usize], too_deep: &mut bool) {
    let nesting: usize = levels.iter().sum::<usize>() + levels.len();
    *too_deep |= nesting > MAX_NESTING;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_as_people_write_them_pass() {
        for src in [
            "import socket\ns = socket.socket()\nprint(f'{s!r:>10} {{x}}', 'a' 'b')\n",
            "x = [-1, -2, -3] * 3 + [1.5e3, 0x1f, ...]\n# ((((( in a comment\n",
            "s = '''(((\n((('''; t = r'\\'('; u = \"[\"\n",
            "def f(a, *b, c=1, **d):\n    return a if a else (b and c or d)\n",
            &"print(f'{n:#x} {s:\'^10} {x!r:>{w}} {y[1]:{fill}<4}')\n".repeat(300),
            &format!("data = [{}]\n", "-1, ".repeat(10_000)),
            &format!("x = {}\n", "a and ".repeat(1_000) + "b"),
        ] {
            assert_eq!(check(src), Ok(()), "{src:.60}");
        }
    }

    #[test]
    fn the_console_waits_for_what_cpython_waits_for() {
        for more in [
            "def f(a):",
            "def f(a):\n    return a + 1",
            "if x:  # why\n    y()",
            "x = (1,",
            "x = [1,\n 2",
            "foo(1,\n  2,",
            "d = {1:",
            "print('a',",
            "s = '''abc",
            "print(f'{x",
            "x = 1 + \\",
            "@decorator",
            "while True:\n    pass\nelse:",
            "if 1: pass",
        ] {
            assert!(needs_more(more), "{more:?}");
        }
        for whole in [
            "x = 1",
            "x +",
            "print('a:')",
            "d = {'a': 1}",
            "def f(a):\n    return a + 1\n",
            "x = (1,\n     2)",
            "s = '''a\nb'''",
            "# only a comment",
            "",
            "x = 'unterminated",
            // A header without its colon is an error at once, as in python3.
            "while True",
            "if x == 1",
            "if x == {1: 2}",
            "for k in d[1:]",
            // A block with an unterminated string ends at its blank line.
            "while True:\n    print('\n",
            "while True:\n    print('\n\n",
            "print('abc",
            "x = ('a\n",
            "def f(:",
            "f(a b",
            "x = (1 2",
        ] {
            assert!(!needs_more(whole), "{whole:?}");
        }
    }

    #[test]
    fn nesting_past_cpythons_limits_is_refused() {
        let brackets = format!("x = {}1{}\n", "(".repeat(201), ")".repeat(201));
        assert_eq!(
            check(&brackets),
            Err(TooDeep::Brackets {
                line: 1,
                column: 205
            })
        );
        assert_eq!(
            check(&format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200))),
            Ok(())
        );
        // f-string fields count as brackets.
        let fields = format!("x = {}1{}\n", "f'{".repeat(201), "}'".repeat(201));
        assert!(matches!(check(&fields), Err(TooDeep::Brackets { .. })));
        for deep in [
            format!("x = {}1\n", "1+".repeat(3000)),
            format!("x = a{}\n", ".b".repeat(3000)),
            format!("x = f{}\n", "()".repeat(3000)),
            format!("x = {}1\n", "not ".repeat(3000)),
            format!("x = {}1\n", "lambda: ".repeat(3000)),
            format!("x = {}1\n", "1 if 1 else ".repeat(3000)),
        ] {
            assert_eq!(check(&deep), Err(TooDeep::Nesting), "{deep:.30}");
        }
        // Chains are flat (one node), but RustPython compiles them in memory growing with
        // their square: past 1,000 operators they are refused.
        for (fine, refused) in [
            (vec!["0"; 1001].join(" or "), vec!["0"; 1002].join(" or ")),
            (vec!["0"; 1001].join(" < "), vec!["0"; 1002].join(" == ")),
            (
                vec!["0"; 1001].join(" in "),
                vec!["0"; 1002].join(" is not "),
            ),
        ] {
            assert_eq!(check(&format!("x = {fine}\n")), Ok(()));
            assert_eq!(
                check(&format!("\nx = {refused}\n")),
                Err(TooDeep::Chain { line: 2 })
            );
        }
        // Chains at different levels or in different statements count apart.
        let lines = format!("x = {}\n", vec!["0"; 900].join(" or ")).repeat(3);
        assert_eq!(check(&lines), Ok(()));
        let items = vec![vec!["0"; 900].join(" or "); 3].join(", ");
        assert_eq!(check(&format!("x = [{items}]\n")), Ok(()));
        // The parser's stack ends first on a long run of unary operators, wherever the
        // nesting passed the compiler's limit before it.
        for (deep, expected) in [
            (format!("x = {}1\n", "-".repeat(5967)), TooDeep::Nesting),
            (format!("x = {}1\n", "-".repeat(5968)), TooDeep::ParserStack),
            (
                format!("x = {}{}1\n", "not ".repeat(3000), "-~+".repeat(1000)),
                TooDeep::ParserStack,
            ),
            (
                format!("x = {}1\ny = {}1\n", "1+".repeat(3000), "-".repeat(9000)),
                TooDeep::ParserStack,
            ),
        ] {
            assert_eq!(check(&deep), Err(expected), "{deep:.30}");
        }
        for fine in [
            format!("x = {}1\n", "1+".repeat(2900)),
            format!("x = {}1\n", "-".repeat(2900)),
        ] {
            assert_eq!(check(&fine), Ok(()), "{fine:.30}");
        }
    }
}
