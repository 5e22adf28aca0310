//! Writing files the window produces (scripts, exports, saved bytes, libraries) atomically:
//! a reader sees the old file or the whole new one, never half of it.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Whether a write may replace a file already at its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Fail with `AlreadyExists` (the window then asks the person).
    No,
    /// The person said so (or the file is socklab's own).
    Yes,
}

/// Writes through `fill` into a temporary file in the same folder — a name nobody can
/// guess, created exclusively (O_EXCL: never a file or symlink someone put there) — syncs
/// it, renames it over `path` (only where nothing is, with `Replace::No`), and syncs the
/// folder so the rename survives a crash. A file replaced keeps its permissions; a new one
/// gets the process's usual ones (0666 less the umask).
pub fn write_atomic(
    path: &Path,
    replace: Replace,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let existing = std::fs::metadata(path).ok();
    if replace == Replace::No && existing.is_some() {
        return Err(exists(path));
    }
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".socklab-tmp")
        .tempfile_in(dir)
        .map_err(bare)?;
    let mode = existing.map_or_else(|| 0o666 & !umask(), |m| m.permissions().mode() & 0o7777);
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    {
        let mut w = BufWriter::with_capacity(1 << 20, tmp.as_file());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when `tmp` is dropped.
    match replace {
        Replace::Yes => tmp.persist(path).map_err(|e| e.error)?,
        Replace::No => tmp.persist_noclobber(path).map_err(|e| e.error)?,
    };
    File::open(dir)?.sync_all()
}

/// The system's error without the temporary file's name (the person never chose that
/// name: the message names the file they did), errno kept.
fn bare(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    // tempfile keeps the errno only as a kind.
    let errno = match e.kind() {
        io::ErrorKind::NotFound => libc::ENOENT,
        io::ErrorKind::PermissionDenied => libc::EACCES,
        io::ErrorKind::NotADirectory => libc::ENOTDIR,
        io::ErrorKind::ReadOnlyFilesystem => libc::EROFS,
        io::ErrorKind::StorageFull => libc::ENOSPC,
        io::ErrorKind::QuotaExceeded => libc::EDQUOT,
        _ => return e,
    };
    io::Error::from_raw_os_error(errno)
}

fn exists(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{} already exists", path.display()),
    )
}

/// The process's umask, as Linux reports it in /proc/self/status (reading it with
/// umask(2) would change it for every thread meanwhile); 022 where it cannot be read.
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        })
        .unwrap_or(0o022)
}

/// A file read whole, but never more than `max` bytes of it.
#[derive(Debug)]
pub enum ReadCapped {
    Read(Vec<u8>),
    /// Larger than allowed (its size, as far as it was read).
    TooBig(u64),
}

/// Reads a file whole if it holds at most `max` bytes (a file that grows meanwhile is still
/// read no further than that).
pub fn read_capped(path: &Path, max: u64) -> io::Result<ReadCapped> {
    let f = File::open(path)?;
    let size = f.metadata()?.len();
    if size > max {
        return Ok(ReadCapped::TooBig(size));
    }
    let mut buf = Vec::with_capacity(size as usize);
    f.take(max + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > max {
        return Ok(ReadCapped::TooBig(buf.len() as u64));
    }
    Ok(ReadCapped::Read(buf))
}

/// Moves a file aside to `path` + `suffix` (then -2, -3...), never over one set aside
/// before; the name it got. Where it cannot be moved, it is copied there (so whatever
/// later writes `path` does not lose it).
pub fn set_aside(path: &Path, suffix: &str) -> io::Result<std::path::PathBuf> {
    let mut last = io::Error::other("no free name");
    for n in 1..=100 {
        let mut name = path.as_os_str().to_os_string();
        name.push(suffix);
        if n > 1 {
            name.push(format!("-{n}"));
        }
        let to = std::path::PathBuf::from(name);
        let moved = crate::sys::rename_noreplace(path, &to).or_else(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                return Err(e);
            }
            let mut copy = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&to)?;
            io::copy(&mut File::open(path)?, &mut copy)?;
            copy.sync_all()
        });
        match moved {
            Ok(()) => return Ok(to),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
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
        write_atomic(&p, Replace::No, |w| w.write_all(b"old")).unwrap();
        let r = write_atomic(&p, Replace::Yes, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk gone"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file is removed");
        let e =
            write_atomic(&dir.path().join("no/such/dir/x"), Replace::No, |_| Ok(())).unwrap_err();
        let msg = write_error("the traffic log", Path::new("/no/such/dir/x"), &e);
        assert!(
            msg.contains("ENOENT") && msg.contains("/no/such/dir/x"),
            "{msg}"
        );
    }

    #[test]
    fn a_file_is_replaced_only_when_asked_and_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("journal.py");
        std::fs::write(&p, b"mine").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e = write_atomic(&p, Replace::No, |w| w.write_all(b"new")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"mine", "left as it was");
        write_atomic(&p, Replace::Yes, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a replaced file keeps its permissions");
        // A new file gets the usual permissions, not the temporary file's 0600.
        let q = dir.path().join("fresh.csv");
        write_atomic(&q, Replace::No, |w| w.write_all(b"x")).unwrap();
        let mode = std::fs::metadata(&q).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
    }

    #[test]
    fn the_temporary_file_is_no_name_another_user_could_plant() {
        // The temporary name socklab once used: pid-based, opened following symlinks.
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let p = dir.path().join("out.txt");
        let old_tmp = dir
            .path()
            .join(format!("out.txt.socklab-tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &old_tmp).unwrap();
        write_atomic(&p, Replace::No, |w| w.write_all(b"written")).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&p).unwrap(), b"written");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.ends_with(".socklab-tmp")),
            "no temporary file left: {names:?}"
        );
    }

    #[test]
    fn reading_is_capped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::File::create(&p).unwrap().set_len(10_000).unwrap();
        assert!(matches!(
            read_capped(&p, 9_999).unwrap(),
            ReadCapped::TooBig(10_000)
        ));
        assert!(
            matches!(read_capped(&p, 10_000).unwrap(), ReadCapped::Read(b) if b.len() == 10_000)
        );
    }
}
