//! Parses the Python subset into statements, and checks that every construct, name and
//! attribute is one socklab supports, before anything runs.
//!
//! Longer than socklab's files usually are (~600 lines): the interpreter is rebuilt for
//! the tutorials' Python (issue 17), and is left whole until then rather than split along
//! seams the new one will not have.

use super::lexer::{lex, Pos, Tok, Token};

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    Pos(Expr),
    Kw(String, Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Index {
    Single(Expr),
    Slice(Option<Expr>, Option<Expr>, Option<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Lit(Lit),
    Name {
        name: String,
        pos: Pos,
    },
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    Attr {
        obj: Box<Expr>,
        name: String,
        pos: Pos,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
        pos: Pos,
    },
    Index {
        obj: Box<Expr>,
        index: Box<Index>,
        pos: Pos,
    },
    Binary {
        op: &'static str,
        left: Box<Expr>,
        right: Box<Expr>,
        pos: Pos,
    },
    Unary {
        op: &'static str,
        operand: Box<Expr>,
        pos: Pos,
    },
    Compare {
        first: Box<Expr>,
        rest: Vec<(&'static str, Expr)>,
        pos: Pos,
    },
    /// `a and b and c`: flat, as CPython's BoolOp (a long chain nests nothing).
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Name(String),
    Seq { items: Vec<Target>, pos: Pos },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Import {
        modules: Vec<(String, Option<String>)>,
        pos: Pos,
    },
    /// `from M import *` has names None.
    FromImport {
        module: String,
        names: Option<Vec<(String, Option<String>)>>,
        pos: Pos,
    },
    Assign {
        targets: Vec<Target>,
        value: Expr,
    },
    AugAssign {
        name: String,
        op: &'static str,
        value: Expr,
        pos: Pos,
    },
    Expr(Expr),
    Pass,
}

/// One line as the interactive console compiles it: its statements run together, and an
/// exception skips the rest of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub pos: Pos,
    pub stmts: Vec<Stmt>,
}

/// Something outside the subset, with where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported {
    pub pos: Pos,
    pub what: String,
    /// Python itself refuses this (class, message): too deep, too nested. The file then
    /// fails as CPython's compiler fails it, rather than as outside the subset.
    pub python: Option<(&'static str, String)>,
}

/// How deep an expression may nest (unary operators, chained operators, calls, brackets)
/// before it is refused as CPython's compiler refuses it (RecursionError at about 3000).
pub const MAX_DEPTH: usize = 2900;
/// A run of unary operators this long exhausts CPython's parser stack (MemoryError).
const PARSER_STACK: usize = 5995;

pub fn parse(src: &str) -> Result<Vec<Line>, Unsupported> {
    let toks = lex(src).map_err(|e| Unsupported {
        pos: e.pos,
        what: e.message,
        python: e.python,
    })?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let mut lines = Vec::new();
    while !p.at_eof() {
        if p.eat_newline() {
            continue;
        }
        lines.push(p.line()?);
    }
    for l in &lines {
        for s in &l.stmts {
            super::check::stmt(s)?;
        }
    }
    Ok(lines)
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// How deep the expression being read nests so far: a bound on its tree's depth, so
    /// nothing that walks the tree later (check, eval, drop) can exhaust the stack.
    depth: usize,
}

const BLOCK_KEYWORDS: &[&str] = &[
    "if", "elif", "else", "for", "while", "def", "class", "with", "try", "except", "finally",
    "return", "lambda", "yield", "del", "global", "nonlocal", "assert", "raise", "break",
    "continue", "async", "await",
];
const KEYWORDS: &[&str] = &[
    "import", "from", "as", "in", "is", "not", "and", "or", "None", "True", "False", "pass",
];

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.i].tok
    }
    fn pos(&self) -> Pos {
        self.toks[self.i].pos
    }
    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.i].clone();
        if !matches!(t.tok, Tok::Eof) {
            self.i += 1;
        }
        t
    }
    fn eat_newline(&mut self) -> bool {
        if matches!(self.peek(), Tok::Newline) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(o) if *o == op)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.is_op(op) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == kw)
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn unsupported<T>(&self, what: impl Into<String>) -> Result<T, Unsupported> {
        Err(Unsupported {
            pos: self.pos(),
            what: what.into(),
            python: None,
        })
    }

    /// One level deeper; refused past MAX_DEPTH. Undone with `up(n)`.
    fn down(&mut self) -> Result<(), Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported {
                pos: self.pos(),
                what: "an expression nested too deeply".into(),
                python: Some((
                    "RecursionError",
                    "maximum recursion depth exceeded during compilation".into(),
                )),
            });
        }
        Ok(())
    }

    /// `down` for a unary operator or `not`. CPython's parser gives up on a run of about
    /// 6,000 of them with MemoryError (its stack), before its compiler's RecursionError.
    fn down_unary(&mut self) -> Result<(), Unsupported> {
        self.down().map_err(|mut e| {
            let run = self.toks[self.i..]
                .iter()
                .take_while(|t| {
                    matches!(&t.tok, Tok::Op("-" | "+" | "~"))
                        || matches!(&t.tok, Tok::Name(n) if n == "not")
                })
                .count();
            if self.depth + run >= PARSER_STACK {
                e.python = Some(("MemoryError", String::new()));
            }
            e
        })
    }

    fn up(&mut self, levels: usize) {
        self.depth -= levels;
    }
    fn expect_op(&mut self, op: &str) -> Result<(), Unsupported> {
        if self.eat_op(op) {
            Ok(())
        } else {
            self.unsupported(format!(
                "this syntax (expected '{op}' here, found {})",
                describe(self.peek())
            ))
        }
    }
    fn name(&mut self) -> Result<String, Unsupported> {
        match self.peek().clone() {
            Tok::Name(n)
                if !KEYWORDS.contains(&n.as_str()) && !BLOCK_KEYWORDS.contains(&n.as_str()) =>
            {
                self.i += 1;
                Ok(n)
            }
            t => self.unsupported(format!(
                "this syntax (expected a name, found {})",
                describe(&t)
            )),
        }
    }

    fn line(&mut self) -> Result<Line, Unsupported> {
        let pos = self.pos();
        let mut stmts = vec![self.stmt()?];
        while self.eat_op(";") {
            if matches!(self.peek(), Tok::Newline | Tok::Eof) {
                break;
            }
            stmts.push(self.stmt()?);
        }
        if !self.eat_newline() && !self.at_eof() {
            return self.unsupported(format!(
                "this syntax (unexpected {})",
                describe(self.peek())
            ));
        }
        Ok(Line { pos, stmts })
    }

    fn stmt(&mut self) -> Result<Stmt, Unsupported> {
        let pos = self.pos();
        if let Tok::Name(n) = self.peek() {
            if BLOCK_KEYWORDS.contains(&n.as_str()) {
                return self.unsupported(format!("the '{n}' statement"));
            }
        }
        if self.is_op("INDENT") {
            return self.unsupported("an indented block");
        }
        if self.eat_kw("pass") {
            return Ok(Stmt::Pass);
        }
        if self.eat_kw("import") {
            let mut modules = Vec::new();
            loop {
                let m = self.dotted()?;
                let alias = if self.eat_kw("as") {
                    Some(self.name()?)
                } else {
                    None
                };
                modules.push((m, alias));
                if !self.eat_op(",") {
                    break;
                }
            }
            return Ok(Stmt::Import { modules, pos });
        }
        if self.eat_kw("from") {
            let module = self.dotted()?;
            if !self.eat_kw("import") {
                return self.unsupported("this syntax (expected 'import')");
            }
            if self.eat_op("*") {
                return Ok(Stmt::FromImport {
                    module,
                    names: None,
                    pos,
                });
            }
            let paren = self.eat_op("(");
            let mut names = Vec::new();
            loop {
                let n = self.name()?;
                let alias = if self.eat_kw("as") {
                    Some(self.name()?)
                } else {
                    None
                };
                names.push((n, alias));
                if !self.eat_op(",") || (paren && self.is_op(")")) {
                    break;
                }
            }
            if paren {
                self.expect_op(")")?;
            }
            return Ok(Stmt::FromImport {
                module,
                names: Some(names),
                pos,
            });
        }
        let first = self.expr_list()?;
        for op in ["+=", "-=", "*="] {
            if self.is_op(op) {
                let opos = self.pos();
                self.i += 1;
                let Expr::Name { name, .. } = first else {
                    return Err(Unsupported {
                        pos: opos,
                        what: "augmented assignment to anything but a name".into(),
                        python: None,
                    });
                };
                let value = self.expr_list()?;
                return Ok(Stmt::AugAssign {
                    name,
                    op: &op[..1],
                    value,
                    pos: opos,
                });
            }
        }
        if self.is_op("=") {
            let mut exprs = vec![first];
            while self.eat_op("=") {
                exprs.push(self.expr_list()?);
            }
            let value = exprs.pop().unwrap_or(Expr::Lit(Lit::None));
            let targets = exprs
                .into_iter()
                .map(|e| to_target(e, pos))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Stmt::Assign { targets, value });
        }
        for bad in [
            "**=", "//=", "/=", "%=", "&=", "|=", "^=", ">>=", "<<=", ":=", ":",
        ] {
            if self.is_op(bad) {
                return self.unsupported(format!("the '{bad}' operator here"));
            }
        }
        Ok(Stmt::Expr(first))
    }

    fn dotted(&mut self) -> Result<String, Unsupported> {
        let mut n = self.name()?;
        while self.eat_op(".") {
            n.push('.');
            n.push_str(&self.name()?);
        }
        Ok(n)
    }

    /// `a, b, c` (a tuple when there is a comma) or a single expression.
    fn expr_list(&mut self) -> Result<Expr, Unsupported> {
        let first = self.expr()?;
        if !self.is_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.ends_expr_list() {
                break;
            }
            items.push(self.expr()?);
        }
        Ok(Expr::Tuple(items))
    }

    fn ends_expr_list(&self) -> bool {
        matches!(self.peek(), Tok::Newline | Tok::Eof)
            || ["=", ")", "]", ";", "+=", "-=", "*="]
                .iter()
                .any(|o| self.is_op(o))
    }

    fn expr(&mut self) -> Result<Expr, Unsupported> {
        self.down()?;
        let e = self.or_test();
        self.up(1);
        let e = e?;
        if self.is_kw("if") {
            return self.unsupported("conditional expressions");
        }
        if self.is_kw("for") {
            return self.unsupported("comprehensions");
        }
        Ok(e)
    }

    fn or_test(&mut self) -> Result<Expr, Unsupported> {
        self.chain("or", Parser::and_test, Expr::Or)
    }

    fn and_test(&mut self) -> Result<Expr, Unsupported> {
        self.chain("and", Parser::not_test, Expr::And)
    }

    /// `a KW b KW c...`: one node holding every term.
    fn chain(
        &mut self,
        kw: &str,
        next: fn(&mut Parser) -> Result<Expr, Unsupported>,
        join: fn(Vec<Expr>) -> Expr,
    ) -> Result<Expr, Unsupported> {
        let first = next(self)?;
        if !self.is_kw(kw) {
            return Ok(first);
        }
        let mut terms = vec![first];
        while self.eat_kw(kw) {
            terms.push(next(self)?);
        }
        Ok(join(terms))
    }

    fn not_test(&mut self) -> Result<Expr, Unsupported> {
        if self.eat_kw("not") {
            self.down_unary()?;
            let operand = self.not_test();
            self.up(1);
            return Ok(Expr::Not(Box::new(operand?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, Unsupported> {
        let pos = self.pos();
        let first = self.bitor()?;
        let mut rest = Vec::new();
        loop {
            let op = if let Some(op) = ["==", "!=", "<=", ">=", "<", ">"]
                .iter()
                .find(|o| self.is_op(o))
            {
                self.i += 1;
                *op
            } else if self.eat_kw("in") {
                "in"
            } else if self.is_kw("not")
                && matches!(self.toks.get(self.i + 1).map(|t| &t.tok), Some(Tok::Name(n)) if n == "in")
            {
                self.i += 2;
                "not in"
            } else if self.eat_kw("is") {
                if self.eat_kw("not") {
                    "is not"
                } else {
                    "is"
                }
            } else {
                break;
            };
            rest.push((op, self.bitor()?));
        }
        if rest.is_empty() {
            Ok(first)
        } else {
            Ok(Expr::Compare {
                first: Box::new(first),
                rest,
                pos,
            })
        }
    }

    fn binary_level(
        &mut self,
        ops: &[&'static str],
        next: fn(&mut Parser) -> Result<Expr, Unsupported>,
    ) -> Result<Expr, Unsupported> {
        let mut l = next(self)?;
        let mut levels = 0;
        let result = loop {
            let pos = self.pos();
            let Some(op) = ops.iter().find(|o| self.is_op(o)) else {
                break Ok(l);
            };
            self.i += 1;
            if let Err(e) = self.down() {
                break Err(e);
            }
            levels += 1;
            match next(self) {
                Ok(r) => {
                    l = Expr::Binary {
                        op,
                        left: Box::new(l),
                        right: Box::new(r),
                        pos,
                    }
                }
                Err(e) => break Err(e),
            }
        };
        self.up(levels);
        result
    }

    fn bitor(&mut self) -> Result<Expr, Unsupported> {
        self.binary_level(&["|"], Parser::bitxor)
    }
    fn bitxor(&mut self) -> Result<Expr, Unsupported> {
        self.binary_level(&["^"], Parser::bitand)
    }
    fn bitand(&mut self) -> Result<Expr, Unsupported> {
        self.binary_level(&["&"], Parser::shift)
    }
    fn shift(&mut self) -> Result<Expr, Unsupported> {
        self.binary_level(&["<<", ">>"], Parser::arith)
    }
    fn arith(&mut self) -> Result<Expr, Unsupported> {
        self.binary_level(&["+", "-"], Parser::term)
    }
    fn term(&mut self) -> Result<Expr, Unsupported> {
        self.binary_level(&["*", "//", "/", "%"], Parser::factor)
    }

    fn factor(&mut self) -> Result<Expr, Unsupported> {
        let pos = self.pos();
        for op in ["-", "+", "~"] {
            if self.eat_op(op) {
                self.down_unary()?;
                let operand = self.factor();
                self.up(1);
                return Ok(Expr::Unary {
                    op,
                    operand: Box::new(operand?),
                    pos,
                });
            }
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr, Unsupported> {
        let base = self.primary()?;
        let pos = self.pos();
        if self.eat_op("**") {
            self.down()?;
            let exp = self.factor();
            self.up(1);
            let exp = exp?;
            return Ok(Expr::Binary {
                op: "**",
                left: Box::new(base),
                right: Box::new(exp),
                pos,
            });
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, Unsupported> {
        let e = self.atom()?;
        let mut levels = 0;
        let result = self.trailers(e, &mut levels);
        self.up(levels);
        result
    }

    /// `.name`, `(args)` and `[index]` after an atom: each a level deeper in the tree.
    fn trailers(&mut self, mut e: Expr, levels: &mut usize) -> Result<Expr, Unsupported> {
        loop {
            let pos = self.pos();
            if self.is_op(".") || self.is_op("(") || self.is_op("[") {
                self.down()?;
                *levels += 1;
            }
            if self.eat_op(".") {
                let name = self.name()?;
                e = Expr::Attr {
                    obj: Box::new(e),
                    name,
                    pos,
                };
            } else if self.eat_op("(") {
                let args = self.args()?;
                e = Expr::Call {
                    func: Box::new(e),
                    args,
                    pos,
                };
            } else if self.eat_op("[") {
                let index = self.subscript()?;
                self.expect_op("]")?;
                e = Expr::Index {
                    obj: Box::new(e),
                    index: Box::new(index),
                    pos,
                };
            } else {
                break;
            }
        }
        Ok(e)
    }

    fn args(&mut self) -> Result<Vec<Arg>, Unsupported> {
        let mut args = Vec::new();
        let mut seen_kw = false;
        while !self.eat_op(")") {
            if self.is_op("*") || self.is_op("**") {
                return self.unsupported("argument unpacking with * or **");
            }
            let is_kw = matches!(self.peek(), Tok::Name(_))
                && matches!(
                    self.toks.get(self.i + 1).map(|t| &t.tok),
                    Some(Tok::Op("="))
                );
            if is_kw {
                let n = self.name()?;
                self.i += 1;
                args.push(Arg::Kw(n, self.expr()?));
                seen_kw = true;
            } else {
                if seen_kw {
                    return self.unsupported("a positional argument after a keyword argument");
                }
                args.push(Arg::Pos(self.expr()?));
            }
            if !self.eat_op(",") {
                self.expect_op(")")?;
                break;
            }
        }
        Ok(args)
    }

    fn subscript(&mut self) -> Result<Index, Unsupported> {
        let start = if self.is_op(":") {
            None
        } else {
            Some(self.expr()?)
        };
        if !self.eat_op(":") {
            return match start {
                Some(e) => Ok(Index::Single(e)),
                None => self.unsupported("an empty subscript"),
            };
        }
        let stop = if self.is_op(":") || self.is_op("]") {
            None
        } else {
            Some(self.expr()?)
        };
        let step = if self.eat_op(":") && !self.is_op("]") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Index::Slice(start, stop, step))
    }

    fn atom(&mut self) -> Result<Expr, Unsupported> {
        let t = self.bump();
        Ok(match t.tok {
            Tok::Int(v) => Expr::Lit(Lit::Int(v)),
            Tok::Float(v) => Expr::Lit(Lit::Float(v)),
            Tok::Str(s) => Expr::Lit(Lit::Str(s)),
            Tok::Bytes(b) => Expr::Lit(Lit::Bytes(b)),
            Tok::Name(n) => match n.as_str() {
                "None" => Expr::Lit(Lit::None),
                "True" => Expr::Lit(Lit::Bool(true)),
                "False" => Expr::Lit(Lit::Bool(false)),
                kw if BLOCK_KEYWORDS.contains(&kw) || KEYWORDS.contains(&kw) => {
                    return Err(Unsupported {
                        pos: t.pos,
                        what: format!("'{kw}' here"),
                        python: None,
                    })
                }
                _ => Expr::Name {
                    name: n,
                    pos: t.pos,
                },
            },
            Tok::Op("(") => {
                if self.eat_op(")") {
                    return Ok(Expr::Tuple(Vec::new()));
                }
                let e = self.expr_list()?;
                self.expect_op(")")?;
                e
            }
            Tok::Op("[") => {
                let mut items = Vec::new();
                while !self.eat_op("]") {
                    items.push(self.expr()?);
                    if !self.eat_op(",") {
                        self.expect_op("]")?;
                        break;
                    }
                }
                Expr::List(items)
            }
            Tok::Op("{") => {
                return Err(Unsupported {
                    pos: t.pos,
                    what: "dicts and sets".into(),
                    python: None,
                })
            }
            other => {
                return Err(Unsupported {
                    pos: t.pos,
                    what: format!("this syntax (unexpected {})", describe(&other)),
                    python: None,
                })
            }
        })
    }
}

fn to_target(e: Expr, pos: Pos) -> Result<Target, Unsupported> {
    match e {
        Expr::Name { name, .. } => Ok(Target::Name(name)),
        Expr::Tuple(items) | Expr::List(items) => Ok(Target::Seq {
            items: items
                .into_iter()
                .map(|x| to_target(x, pos))
                .collect::<Result<_, _>>()?,
            pos,
        }),
        Expr::Attr { pos, .. } => Err(Unsupported {
            pos,
            what: "assignment to an attribute".into(),
            python: None,
        }),
        Expr::Index { pos, .. } => Err(Unsupported {
            pos,
            what: "assignment to an item".into(),
            python: None,
        }),
        _ => Err(Unsupported {
            pos,
            what: "assignment to an expression".into(),
            python: None,
        }),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("'{n}'"),
        Tok::Int(_) | Tok::Float(_) => "a number".into(),
        Tok::Str(_) | Tok::Bytes(_) => "a string".into(),
        Tok::Op(o) => format!("'{o}'"),
        Tok::Newline => "the end of the line".into(),
        Tok::Eof => "the end of the file".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tutorial_lines() {
        let src = "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\nconn, addr = s.accept()\nprint(data.decode('utf-8').upper()[1:3])\n";
        let lines = parse(src).unwrap();
        assert_eq!(lines.len(), 4);
        assert!(
            matches!(&lines[2].stmts[0], Stmt::Assign { targets, .. } if matches!(targets[0], Target::Seq { .. }))
        );
    }

    #[test]
    fn rejects_with_position() {
        let e = parse("import socket\nwhile True:\n  pass\n").unwrap_err();
        assert_eq!((e.pos.line, e.pos.col), (2, 1));
        assert!(e.what.contains("while"));
        let e = parse("x = open('f')\n").unwrap_err();
        assert!(e.what.contains("open"), "{}", e.what);
    }
}
