//! A bounded fuzz of everything that reads text from a person or a file: the Python front
//! end (socklab's nesting guard, RustPython's parser and compiler), some of what compiles
//! run by `socklab run -i` (no module imported, so no socket and no sleep), and the payload,
//! address and rule parsers.
//! Nothing may panic or abort. Inputs are generated from a grammar's tokens and mutated from
//! the parity scripts and the tutorials, with a fixed seed (a failure is reproducible).
//!
//! SOCKLAB_FUZZ_SECONDS bounds it (default 3; .ci/run gives it a minute), SOCKLAB_FUZZ_SEED
//! changes the seed. The counts are printed (run with --nocapture to see them).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use socklab::engine::Family;
use socklab::payload::{parse_hex, parse_text, Encoding};

/// xorshift64*: small, fast, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const NAMES: &[&str] = &[
    "x",
    "y",
    "s",
    "a",
    "b",
    "_",
    "print",
    "len",
    "int",
    "bytes",
    "str",
    "hex",
    "repr",
    "abs",
    "chr",
    "ord",
    "min",
    "max",
    "list",
    "tuple",
    "float",
    "bool",
    "type",
    "socket",
    "time",
    "os",
    "hmac",
    "hashlib",
    "upper",
    "lower",
    "strip",
    "decode",
    "encode",
    "fromhex",
    "open",
    "range",
    "eval",
    "exec",
    "__import__",
    "中文",
    "x1",
];
const KEYWORDS: &[&str] = &[
    "not", "and", "or", "in", "is", "None", "True", "False", "pass", "if", "else", "while", "for",
    "def", "class", "lambda", "return", "import", "from", "as", "with", "try",
];
const OPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "~", "==", "!=", "<", ">",
    "<=", ">=", "=", "+=", "-=", "*=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "@", "->",
    ":=", "**=",
];
const NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "7",
    "16",
    "255",
    "0x1f",
    "0X1F",
    "0o7",
    "0b101",
    "1_0",
    "1__0",
    "1e3",
    "1.5",
    ".5",
    "5.",
    "1e308",
    "1e-320",
    "0.0",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "3j",
    "0x",
    "0b2",
    "00",
    "012",
];
const STRINGS: &[&str] = &[
    "'a'",
    "\"b\"",
    "'\\x00'",
    "b'ab'",
    "b'\\xff\\n'",
    "'中文'",
    "'\\u4e2d'",
    "'\\U0010ffff'",
    "'\\U00110000'",
    "f'x'",
    "r'\\d'",
    "'''multi\nline'''",
    "'unterminated",
    "b'\\N{x}'",
    "b'中'",
    "'\\777'",
    "'\\'",
    "''",
    "b''",
    "'a' 'b'",
    "'a' b'b'",
    "u'x'",
    "rb'\\x'",
];
const SPACE: &[&str] = &[
    " ", "\n", "\n    ", "\t", "# note\n", "\\\n", "\r\n", "\x0c", "\n\n",
];

fn token(r: &mut Rng) -> String {
    match r.below(10) {
        0..=1 => r.pick(NAMES).to_string(),
        2 => r.pick(KEYWORDS).to_string(),
        3..=5 => r.pick(OPS).to_string(),
        6 => r.pick(NUMBERS).to_string(),
        7 => r.pick(STRINGS).to_string(),
        8 => r.pick(SPACE).to_string(),
        _ => char::from_u32(r.below(0x3000) as u32)
            .unwrap_or('?')
            .to_string(),
    }
}

/// A line or few of Python-ish tokens, sometimes with a run of one token (deep nesting,
/// long chains).
fn generate(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..1 + r.below(40) {
        let t = token(r);
        if r.chance(30) {
            let n = 1 + r.below(400);
            for _ in 0..n {
                s.push_str(&t);
            }
        } else {
            s.push_str(&t);
        }
        if r.chance(2) {
            s.push(' ');
        }
    }
    s.push('\n');
    s
}

/// An expression from the subset's grammar, nested up to `depth`: most of these parse,
/// so they reach the checker and the interpreter.
fn expr(r: &mut Rng, depth: usize) -> String {
    const BIN: &[&str] = &[
        "+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "==", "!=", "<", ">=",
        " in ", " not in ", " is ", " and ", " or ",
    ];
    const CALLS: &[&str] = &[
        "len", "int", "bytes", "str", "hex", "repr", "abs", "chr", "ord", "min", "max", "list",
        "tuple", "float", "bool", "print",
    ];
    const METHODS: &[&str] = &[
        "upper()",
        "lower()",
        "strip()",
        "strip(b'a')",
        "decode()",
        "decode('gbk')",
        "encode('utf-16-le')",
        "hex()",
        "hex(':')",
        "fromhex('ab cd')",
        "lstrip()",
    ];
    if depth == 0 || r.chance(4) {
        return match r.below(4) {
            0 => r.pick(NUMBERS).to_string(),
            1 => r.pick(STRINGS).to_string(),
            2 => ["x", "y", "None", "True", "False"][r.below(5)].to_string(),
            _ => format!("-{}", r.pick(NUMBERS)),
        };
    }
    let d = depth - 1;
    match r.below(8) {
        0 | 1 => format!("{}{}{}", expr(r, d), r.pick(BIN), expr(r, d)),
        2 => format!("({})", expr(r, d)),
        3 => format!("[{}, {}]", expr(r, d), expr(r, d)),
        4 => format!("{}({})", r.pick(CALLS), expr(r, d)),
        5 => format!("{}({}, {})", r.pick(CALLS), expr(r, d), expr(r, d)),
        6 => format!("{}.{}", expr(r, d), r.pick(METHODS)),
        _ => {
            let a = expr(r, d);
            match r.below(3) {
                0 => format!("{a}[{}]", expr(r, d)),
                1 => format!("{a}[{}:{}]", expr(r, d), expr(r, d)),
                _ => format!("{a}[::{}]", expr(r, d)),
            }
        }
    }
}

/// A few statements of the subset.
fn program(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..1 + r.below(5) {
        match r.below(4) {
            0 => s.push_str(&format!("x = {}\n", expr(r, 4))),
            1 => s.push_str(&format!("x, y = {}, {}\n", expr(r, 3), expr(r, 3))),
            2 => s.push_str(&format!("x += {}\n", expr(r, 3))),
            _ => s.push_str(&format!("{}\n", expr(r, 5))),
        }
    }
    s
}

/// A corpus text with a few edits: cut, duplicated, a token put in, a character changed.
fn mutate(r: &mut Rng, base: &str) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for _ in 0..1 + r.below(8) {
        let at = r.below(chars.len() + 1);
        match r.below(5) {
            0 if !chars.is_empty() => {
                let end = (at + r.below(20)).min(chars.len());
                chars.drain(at.min(end)..end);
            }
            1 if !chars.is_empty() => {
                let end = (at + r.below(40)).min(chars.len());
                let piece: Vec<char> = chars[at.min(end)..end].to_vec();
                let most = if r.chance(10) { 300 } else { 3 };
                let times = 1 + r.below(most);
                for _ in 0..times {
                    chars.splice(at..at, piece.iter().copied());
                }
            }
            2 => {
                let t: Vec<char> = token(r).chars().collect();
                chars.splice(at..at, t);
            }
            _ if at < chars.len() => {
                chars[at] = char::from_u32(r.below(0x80) as u32).unwrap_or('x');
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Text for the payload, address and rule parsers: escapes, hex, separators, brackets.
fn payload_text(r: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "\\",
        "\\x",
        "\\x4",
        "\\x41",
        "\\u4e2d",
        "\\u4e",
        "\\U0010ffff",
        "\\U00110000",
        "\\777",
        "\\0",
        "\\n",
        "\\r",
        "\\'",
        "\\\"",
        "\\q",
        "a",
        "Z",
        "中",
        "é",
        "0x",
        "ff",
        "0",
        "f",
        "g",
        " ",
        ":",
        ",",
        "\n",
        "[",
        "]",
        "::1",
        "127.0.0.1",
        "%",
        "=>",
        "regex:",
        "hex-",
        "exact:",
        "(",
        ")",
        "{1}",
        "{peer}",
        "{",
        "}",
        "*",
        "+",
        "?",
        "9999999999",
        "-1",
        "@",
    ];
    let mut s = String::new();
    for _ in 0..r.below(24) {
        let piece = PIECES[r.below(PIECES.len())];
        s.push_str(piece);
    }
    s
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in [root.join("tests/parity"), root.join("../shared/tutorials")] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "py") {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    texts.push(t);
                }
            }
        }
    }
    texts
}

#[derive(Default, Debug)]
struct Counts {
    inputs: u64,
    compiled: u64,
    payloads: u64,
    panics: u64,
    first_panic: Option<String>,
    /// Import-free programs that compiled, kept for running (run_some).
    to_run: Vec<String>,
}

/// How many of the compiled programs are run by `socklab run -i` (a process each).
const RUN: usize = 24;

fn fuzz(seconds: f64, seed: u64) -> Counts {
    let mut r = Rng(seed | 1);
    let corpus = corpus();
    let mut c = Counts::default();
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    while Instant::now() < until {
        for _ in 0..64 {
            c.inputs += 1;
            let src = match r.below(4) {
                0 | 1 => program(&mut r),
                2 => generate(&mut r),
                _ if corpus.is_empty() => generate(&mut r),
                _ => {
                    let base = r.pick(&corpus).clone();
                    mutate(&mut r, &base)
                }
            };
            // `socklab run`'s way in: the nesting guard, RustPython's parser and compiler.
            let ran = catch_unwind(AssertUnwindSafe(|| socklab::pyrt::compiles(&src).is_ok()));
            match ran {
                Ok(true) => {
                    c.compiled += 1;
                    // Without an import no module is reachable: no socket, no sleep.
                    if !src.contains("import") && c.to_run.len() < RUN && r.chance(4) {
                        c.to_run.push(src);
                    }
                }
                Ok(false) => {}
                Err(_) => {
                    c.panics += 1;
                    c.first_panic.get_or_insert(src);
                }
            }

            let text = payload_text(&mut r);
            let ran = catch_unwind(|| {
                for enc in Encoding::ALL {
                    let _ = parse_text(&text, enc);
                }
                let _ = parse_hex(&text);
                let (host, port) = text.rsplit_once(':').unwrap_or((&text, ""));
                for f in [Family::Inet, Family::Inet6, Family::Unix] {
                    let _ = socklab::ui::state::validate_addr(f, host, port);
                }
                let _ = socklab::serve::cli::parse_rule(&text);
                let args: Vec<String> = text.split(' ').map(str::to_string).collect();
                let _ = socklab::serve::cli::parse(&args);
            });
            c.payloads += 1;
            if ran.is_err() {
                c.panics += 1;
                c.first_panic.get_or_insert(text);
            }
        }
    }
    c
}

/// Runs each program through `socklab run -i` (a statement at a time, as the console):
/// it may raise, loop (stopped after a few seconds) or end; it must not crash. The
/// programs that crashed, with how.
fn run_some(programs: &[String]) -> Vec<String> {
    let mut crashed = Vec::new();
    for src in programs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_socklab"))
            .args(["run", "-i", "-"])
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let text = src.clone();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        });
        let mut stderr = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut err = String::new();
            let _ = stderr.read_to_string(&mut err);
            err
        });
        let until = Instant::now() + Duration::from_secs(4);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > until {
                // Still running (a loop without end): not a crash.
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let _ = writer.join();
        let err = reader.join().unwrap_or_default();
        let Some(status) = status else { continue };
        // Exit 1 includes the documented end on a failed allocation (MemoryError).
        let ok =
            matches!(status.code(), Some(0 | 1)) && !err.contains("the Python interpreter stopped");
        if !ok {
            let tail: String = err.lines().rev().take(3).collect::<Vec<_>>().join(" | ");
            crashed.push(format!("{status:?}, {tail}: {src:?}"));
        }
    }
    crashed
}

#[test]
fn nothing_a_person_types_makes_socklab_panic() {
    let seconds: f64 = std::env::var("SOCKLAB_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let seed: u64 = std::env::var("SOCKLAB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x50c4_1ab5);
    // The interpreter's own stack: inputs nest as deep as the parser lets them.
    let c = std::thread::Builder::new()
        .name("fuzz".into())
        .stack_size(256 << 20)
        .spawn(move || fuzz(seconds, seed))
        .unwrap()
        .join()
        .unwrap();
    let crashed = run_some(&c.to_run);
    println!(
        "fuzz (seed {seed}, {seconds} s): {} programs ({} compiled by RustPython, {} run), {} payload/address/rule texts, {} panics",
        c.inputs, c.compiled, c.to_run.len(), c.payloads, c.panics
    );
    assert_eq!(
        c.panics, 0,
        "{} inputs panicked; the first: {:?}",
        c.panics, c.first_panic
    );
    assert!(crashed.is_empty(), "crashed:\n{}", crashed.join("\n"));
    assert!(
        c.inputs > 100 && c.compiled > 10 && !c.to_run.is_empty(),
        "the fuzz ran: {} inputs, {} compiled",
        c.inputs,
        c.compiled
    );
}
