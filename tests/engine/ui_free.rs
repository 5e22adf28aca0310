//! The engine must not depend on any GUI crate: the window only draws what it reports.
//! Every file under src/engine (its submodules too) and the system-call layer it stands
//! on are read.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn engine_imports_no_gui_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/sys"), &mut files);
    rust_files(&root.join("src/engine"), &mut files);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let words: Vec<&str> = code
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .collect();
            for word in ["egui", "eframe", "rfd"] {
                let uses = words.contains(&word);
                assert!(!uses, "{}:{} uses {word}: {line}", path.display(), n + 1);
            }
            let window = code.contains("crate::ui") || code.contains("socklab::ui");
            assert!(
                !window,
                "{}:{} uses the window: {line}",
                path.display(),
                n + 1
            );
        }
    }
    assert!(
        files.iter().any(|p| p.ends_with("worker/reactor.rs")),
        "the worker's modules are read too"
    );
    assert!(
        files.iter().any(|p| p.ends_with("sys/recv.rs")),
        "the system-call layer is read too"
    );
    assert!(files.len() >= 15, "only {} engine files found", files.len());
}
