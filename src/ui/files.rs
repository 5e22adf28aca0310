//! Writing files the window produces (scripts, exports, saved bytes, libraries) atomically:
//! a reader sees the old file or the whole new one, never half of it.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::t;

/// Why a file the window writes or reads was not: typed, so a caller asks to replace a file
/// only when one is really there, and says the rest with what to do about it. Said in the
/// language of the thread that shows it (made off the frame, shown on it).
#[derive(Debug)]
pub enum FileError {
    /// A file is there and was not to be replaced (the window then asks the person).
    Exists { path: PathBuf },
    /// The system refused: `op` is "write" or "read", `what` what was being written;
    /// `hint` what to do, for this errno at this path.
    Io {
        op: &'static str,
        what: Phrase,
        path: PathBuf,
        source: io::Error,
        hint: Phrase,
    },
    /// Larger than a file of its kind can be.
    TooBig {
        path: PathBuf,
        what: Phrase,
        size: u64,
        max: u64,
    },
    /// A folder where a file was to be.
    Folder { path: PathBuf },
    /// Read, but not what it should hold.
    NotValid {
        path: PathBuf,
        what: Phrase,
        line: usize,
        column: usize,
        why: String,
        hint: Phrase,
    },
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            FileError::Exists { path } => t!("files-exists", path = shown(path)),
            FileError::Io {
                op,
                what,
                path,
                source,
                hint,
            } => {
                let (what, path, said, hint) =
                    (phrase(*what), shown(path), said(source), phrase(*hint));
                if *op == "read" {
                    t!(
                        "files-could-not-read",
                        what = what,
                        path = path,
                        said = said,
                        hint = hint
                    )
                } else {
                    t!(
                        "files-could-not-write",
                        what = what,
                        path = path,
                        said = said,
                        hint = hint
                    )
                }
            }
            FileError::TooBig {
                path,
                what,
                size,
                max,
            } => t!(
                "files-too-big",
                path = shown(path),
                size = size.to_string(),
                what = phrase(*what),
                max = max.to_string()
            ),
            FileError::Folder { path } => t!("files-folder", path = shown(path)),
            FileError::NotValid {
                path,
                what,
                line,
                column,
                why,
                hint,
            } => t!(
                "files-not-valid",
                path = shown(path),
                what = phrase(*what),
                line = line.to_string(),
                column = column.to_string(),
                why = why,
                hint = phrase(*hint)
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// What the file code says of a file job: what is written or read, what is being done,
/// what to do about a failure. Typed, so none is said without its translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phrase {
    // What is written or read.
    Journal,
    Library,
    LibraryFile,
    SocklabLibrary,
    FileToSend,
    Settings,
    Received,
    Csv,
    Jsonl,
    // What is being done (a file job).
    SavingJournal,
    SavingReceived,
    SavingCsv,
    SavingJsonl,
    ReadingLibrary,
    SavingLibrary,
    LookingAtFile,
    // What to do.
    CheckPath,
    NoNewFiles,
    NoFolder,
    MayRead,
    CanWrite,
    ReadOnly,
    DiskFull,
    IsFolder,
    NotFolder,
    NameTooLong,
    LibraryFormat,
    Workspace,
    SavingWorkspace,
    ReadingWorkspace,
}

/// A phrase in this thread's language.
pub fn phrase(p: Phrase) -> String {
    match p {
        Phrase::Journal => t!("files-what-journal"),
        Phrase::Library => t!("files-what-library"),
        Phrase::LibraryFile => t!("files-what-library-file"),
        Phrase::SocklabLibrary => t!("files-what-socklab-library"),
        Phrase::FileToSend => t!("files-what-file-to-send"),
        Phrase::Settings => t!("files-what-settings"),
        Phrase::Received => t!("files-what-received"),
        Phrase::Csv => t!("files-what-csv"),
        Phrase::Jsonl => t!("files-what-jsonl"),
        Phrase::SavingJournal => t!("files-doing-save-journal"),
        Phrase::SavingReceived => t!("files-doing-save-received"),
        Phrase::SavingCsv => t!("files-doing-save-csv"),
        Phrase::SavingJsonl => t!("files-doing-save-jsonl"),
        Phrase::ReadingLibrary => t!("files-doing-read-library"),
        Phrase::SavingLibrary => t!("files-doing-save-library"),
        Phrase::LookingAtFile => t!("files-doing-check-file"),
        Phrase::CheckPath => t!("files-hint-check-path"),
        Phrase::NoNewFiles => t!("files-hint-no-new-files"),
        Phrase::NoFolder => t!("files-hint-no-folder"),
        Phrase::MayRead => t!("files-hint-may-read"),
        Phrase::CanWrite => t!("files-hint-can-write"),
        Phrase::ReadOnly => t!("files-hint-read-only"),
        Phrase::DiskFull => t!("files-hint-disk-full"),
        Phrase::IsFolder => t!("files-hint-is-folder"),
        Phrase::NotFolder => t!("files-hint-not-folder"),
        Phrase::NameTooLong => t!("files-hint-name-too-long"),
        Phrase::LibraryFormat => t!("files-hint-library-format"),
        Phrase::Workspace => t!("files-what-workspace"),
        Phrase::SavingWorkspace => t!("files-doing-save-workspace"),
        Phrase::ReadingWorkspace => t!("files-doing-read-workspace"),
    }
}

impl FileError {
    /// The error of `op` on `path`, with what to do about it. Made where the file work is
    /// done (off the frame): the hint may look at the path.
    pub fn io(op: &'static str, what: Phrase, path: &Path, source: io::Error) -> FileError {
        let hint = hint(op, path, &source);
        FileError::Io {
            op,
            what,
            path: path.to_path_buf(),
            source,
            hint,
        }
    }
}

/// What to do, for this errno, this operation and this path.
fn hint(op: &str, path: &Path, e: &io::Error) -> Phrase {
    let reading = op == "read";
    let folder_there = || {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .is_none_or(|p| p.is_dir())
    };
    match e.raw_os_error() {
        Some(libc::ENOENT) if reading => Phrase::CheckPath,
        // /proc and the like: the folder is there, but takes no new files.
        Some(libc::ENOENT) if folder_there() => Phrase::NoNewFiles,
        Some(libc::ENOENT) => Phrase::NoFolder,
        Some(libc::EACCES | libc::EPERM) if reading => Phrase::MayRead,
        Some(libc::EACCES | libc::EPERM) => Phrase::CanWrite,
        Some(libc::EROFS) => Phrase::ReadOnly,
        Some(libc::ENOSPC | libc::EDQUOT) => Phrase::DiskFull,
        Some(libc::EISDIR) => Phrase::IsFolder,
        Some(libc::ENOTDIR) => Phrase::NotFolder,
        Some(libc::ENAMETOOLONG) => Phrase::NameTooLong,
        _ if reading => Phrase::CheckPath,
        _ => Phrase::CanWrite,
    }
}

/// The system's words and the errno's name.
fn said(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(n) => format!(
            "{} ({})",
            io::Error::from_raw_os_error(n),
            crate::engine::errors::errno_name(n)
        ),
        None => e.to_string(),
    }
}

/// Whether a write may replace a file already at its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Fail with `FileError::Exists` (the window then asks the person).
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
    what: Phrase,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FileError> {
    if replace == Replace::No && std::fs::symlink_metadata(path).is_ok() {
        return Err(FileError::Exists {
            path: path.to_path_buf(),
        });
    }
    match write_through_temp(path, replace, fill) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && replace == Replace::No => {
            Err(FileError::Exists {
                path: path.to_path_buf(),
            })
        }
        r => r.map_err(|e| FileError::io("write", what, path, e)),
    }
}

fn write_through_temp(
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

/// Reads a file whole if it holds at most `max` bytes (a file that grows meanwhile is still
/// read no further than that); `what` names it in the error.
pub fn read_capped(path: &Path, max: u64, what: Phrase) -> Result<Vec<u8>, FileError> {
    let too_big = |size| FileError::TooBig {
        path: path.to_path_buf(),
        what,
        size,
        max,
    };
    let fail = |e| FileError::io("read", what, path, e);
    let f = File::open(path).map_err(fail)?;
    let size = f.metadata().map_err(fail)?.len();
    if size > max {
        return Err(too_big(size));
    }
    let mut buf = Vec::with_capacity(size as usize);
    f.take(max + 1).read_to_end(&mut buf).map_err(fail)?;
    if buf.len() as u64 > max {
        return Err(too_big(buf.len() as u64));
    }
    Ok(buf)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_atomic(&p, Replace::No, Phrase::Journal, |w| w.write_all(b"old")).unwrap();
        let r = write_atomic(&p, Replace::Yes, Phrase::Journal, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk gone"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file is removed");
        let missing = dir.path().join("no/such/dir/x");
        let e = write_atomic(&missing, Replace::No, Phrase::Csv, |_| Ok(())).unwrap_err();
        assert!(matches!(e, FileError::Io { op: "write", .. }), "{e:?}");
        let msg = e.to_string();
        let want = format!(
            "could not write the traffic log as CSV to {}: ",
            missing.display()
        );
        assert!(msg.starts_with(&want), "{msg}");
        assert!(
            msg.contains("(ENOENT); the folder does not exist"),
            "the hint fits the errno: {msg}"
        );
        // A folder that is there but takes no files (/proc answers ENOENT): another hint.
        if Path::new("/proc/self").is_dir() {
            let e = write_atomic(Path::new("/proc/x.csv"), Replace::No, Phrase::Csv, |_| {
                Ok(())
            })
            .unwrap_err();
            assert!(
                e.to_string()
                    .ends_with("(ENOENT); that folder takes no new files: pick another"),
                "{e}"
            );
        }
        // Reading a file that is not there is a different case, with its own hint.
        let e = read_capped(&missing, 10, Phrase::Library).unwrap_err();
        assert!(e.to_string().ends_with("(ENOENT); check the path"), "{e}");
    }

    #[test]
    fn a_file_is_replaced_only_when_asked_and_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("journal.py");
        std::fs::write(&p, b"mine").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        let e =
            write_atomic(&p, Replace::No, Phrase::Journal, |w| w.write_all(b"new")).unwrap_err();
        assert!(
            matches!(&e, FileError::Exists { path } if *path == p),
            "{e:?}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"mine", "left as it was");
        write_atomic(&p, Replace::Yes, Phrase::Journal, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a replaced file keeps its permissions");
        // A new file gets the usual permissions, not the temporary file's 0600.
        let q = dir.path().join("fresh.csv");
        write_atomic(&q, Replace::No, Phrase::Journal, |w| w.write_all(b"x")).unwrap();
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
        write_atomic(&p, Replace::No, Phrase::Journal, |w| {
            w.write_all(b"written")
        })
        .unwrap();
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
            read_capped(&p, 9_999, Phrase::LibraryFile),
            Err(FileError::TooBig {
                size: 10_000,
                max: 9_999,
                ..
            })
        ));
        assert_eq!(
            read_capped(&p, 10_000, Phrase::LibraryFile).unwrap().len(),
            10_000
        );
    }
}
