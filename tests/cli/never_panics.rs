//! Truncated and mangled scripts must be rejected or run, never crash the interpreter.

use std::path::Path;

#[test]
fn every_prefix_of_every_parity_script_parses_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parity");
    let mut parsed = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "py") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let chars: Vec<char> = text.chars().collect();
        for end in 0..chars.len() {
            let prefix: String = chars[..end].iter().collect();
            let _ = socklab::python::parser::parse(&prefix);
            // Mangle one character too: a quote or a bracket in the middle of things.
            let mangled: String = chars
                .iter()
                .enumerate()
                .map(|(i, c)| if i == end { '(' } else { *c })
                .collect();
            let _ = socklab::python::parser::parse(&mangled);
            parsed += 2;
        }
    }
    assert!(parsed > 1000);
}

#[test]
fn runtime_errors_are_exceptions_not_crashes() {
    let src = "x = b'a' * -1\nx\n'abc'[1:2:0]\nbytes(-1)\nimport os\nos.urandom(1 << 40)\n2 ** 200\n(1,) * (1 << 40)\nint('9' * 40)\n-(-9223372036854775807 - 1)\n";
    let mut out = Vec::new();
    let mut err = Vec::new();
    let outcome = socklab::python::run_source(src, "t.py", &mut out, &mut err);
    assert_eq!(outcome, socklab::python::Outcome::Raised);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("b''\nValueError: slice step cannot be zero\nValueError: negative count\nMemoryError\nOverflowError"), "{text}");
}
