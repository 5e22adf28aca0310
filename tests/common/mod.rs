//! What every group of tests shares: how long to wait for what should happen at once,
//! files of known content and their hashes, and the open-file limit raised.

use std::time::Duration;

/// How long a test waits for something that should happen at once before it fails.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Writes `size` pseudo-random bytes (xorshift, seeded) to `path`; returns their SHA-256.
pub fn random_file(path: &std::path::Path, size: usize, seed: u64) -> [u8; 32] {
    use sha2::Digest;
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut h = sha2::Sha256::new();
    let mut x = seed | 1;
    let mut block = vec![0u8; 1 << 16];
    let mut left = size;
    while left > 0 {
        for c in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            c.copy_from_slice(&x.to_le_bytes()[..c.len()]);
        }
        let n = left.min(block.len());
        f.write_all(&block[..n]).unwrap();
        h.update(&block[..n]);
        left -= n;
    }
    f.flush().unwrap();
    h.finalize().into()
}

/// Reads a stream to its end: (bytes, SHA-256).
pub fn drain_hash(mut r: impl std::io::Read) -> (u64, [u8; 32]) {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) => break,
            Ok(k) => {
                h.update(&buf[..k]);
                n += k as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => panic!("peer read failed: {e}"),
        }
    }
    (n, h.finalize().into())
}

/// Raises the open-file limit as far as allowed (a thousand clients need ~3000).
pub fn raise_nofile() -> u64 {
    socklab::sys::raise_nofile().unwrap_or(u64::MAX)
}

/// Runs the ignored test `name` (its path in this test binary) alone, in a child process of
/// this binary: for what is the whole process's (RustPython's one cycle collector), which
/// other tests' sessions running beside it would change.
#[allow(dead_code)] // Not every test binary has a test to run alone.
pub fn run_alone(name: &str) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", name, "--test-threads", "1"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("1 passed"),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
