//! Writing files the window produces (scripts, exports, saved bytes, libraries) atomically:
//! a reader sees the old file or the whole new one, never half of it.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The temporary file next to `path` that becomes it on success.
fn temp_of(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".socklab-tmp-{}", std::process::id()));
    path.with_file_name(name)
}

/// Writes through `fill` into a temporary file, syncs it, then renames it over `path`.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_of(path);
    let result = (|| {
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A failed write as the window says it: what, where, the errno, and what to do.
pub fn write_error(what: &str, path: &Path, e: &io::Error) -> String {
    let errno = e
        .raw_os_error()
        .map(|n| format!(" ({})", crate::engine::errors::errno_name(n)))
        .unwrap_or_default();
    format!(
        "could not write {what} to {}: {e}{errno}; pick a folder you can write to",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, |w| w.write_all(b"old")).unwrap();
        let r = write_atomic(&p, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk gone"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file is removed");
        let e = write_atomic(&dir.path().join("no/such/dir/x"), |_| Ok(())).unwrap_err();
        let msg = write_error("the traffic log", Path::new("/no/such/dir/x"), &e);
        assert!(
            msg.contains("ENOENT") && msg.contains("/no/such/dir/x"),
            "{msg}"
        );
    }
}
