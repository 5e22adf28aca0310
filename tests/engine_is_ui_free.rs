//! The engine must not depend on any GUI crate: the window only draws what it reports.

#[test]
fn engine_imports_no_gui_crate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for word in ["egui", "eframe", "rfd"] {
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    let uses = code
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|w| w == word);
                    assert!(!uses, "{}:{} uses {word}: {line}", path.display(), n + 1);
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} engine files found");
}
