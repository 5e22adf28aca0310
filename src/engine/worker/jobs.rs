//! The worker's background work: send jobs (a message N times or until stopped, a file of any
//! size) and receive-to-file. Both advance between commands, never blocking the worker, so
//! the socket stays usable (and closable) while they run.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use socket2::SockAddr;

use super::{is_again, OpResult, Worker};
use crate::engine::addr::{Endpoint, Kind};
use crate::engine::command::{ReqId, SendJob, SendSource};
use crate::engine::errors::OpError;
use crate::engine::event::{Event, Permit, Progress, Reply};

/// Send calls per turn before commands get a look in.
const SENDS_PER_TURN: usize = 256;
/// How much of a file a stream send offers the kernel at once.
const FILE_CHUNK: usize = 256 << 10;
/// Progress reports at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Receive-to-file buffers this much before writing.
const RECORD_BUFFER: usize = 256 << 10;

/// A running send job.
pub(super) struct Job {
    pub(super) req: ReqId,
    data: Vec<u8>,
    path: Option<PathBuf>,
    times: Option<u64>,
    interval: Duration,
    all: bool,
    to: Option<(SockAddr, String)>,
    datagram: bool,
    chunk: usize,
    /// The file of the repetition under way.
    file: Option<File>,
    /// The message (or file chunk) loaded and not yet wholly sent.
    msg: Vec<u8>,
    off: usize,
    loaded: bool,
    started_reps: u64,
    /// When the next repetition may start.
    due: Instant,
    pub(super) want_write: bool,
    progress: Progress,
    progress_sent: Instant,
    progress_due: bool,
    progress_budget: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Job {
    /// What poll should wait for, and how long at most, while the job runs.
    pub(super) fn wait_for(&self, now: Instant) -> (i16, Option<Duration>) {
        if self.want_write {
            return (libc::POLLOUT, self.progress_due.then_some(PROGRESS_EVERY));
        }
        let mut t = if self.loaded || self.file.is_some() {
            Duration::ZERO
        } else {
            self.due.saturating_duration_since(now)
        };
        if self.progress_due {
            t = t.min(PROGRESS_EVERY);
        }
        (0, Some(t))
    }
}

/// Receive-to-file: every received byte goes to the file, in order.
pub(super) struct Recording {
    path: PathBuf,
    file: BufWriter<File>,
    written: u64,
}

impl Recording {
    pub(super) fn snapshot(&self) -> (PathBuf, u64) {
        (self.path.clone(), self.written)
    }
}

fn shown(path: &std::path::Path) -> Option<String> {
    Some(path.display().to_string())
}

impl Worker {
    /// Starts a send job; Err when it cannot start (the request is answered then).
    pub(super) fn start_job(&mut self, req: ReqId, spec: SendJob) -> Result<(), OpError> {
        const OP: &str = "send_job";
        if self.job.is_some() {
            return Err(OpError::refused(OP, crate::engine::Refusal::SendJobRunning));
        }
        let to = match &spec.to {
            Some(a) => Some((a.resolve(self.family, "sendto")?, a.to_string())),
            None => None,
        };
        let datagram = self.kind != Kind::Stream;
        let (data, path, total_each) = match spec.source {
            SendSource::Bytes { data } => {
                let n = data.len() as u64;
                (data, None, Some(n))
            }
            SendSource::File { path } => {
                // Open now so a wrong path fails at once, with its errno.
                let meta = std::fs::metadata(&path)
                    .map_err(|e| OpError::from_io("read file", shown(&path), &e))?;
                if meta.is_dir() {
                    return Err(OpError::os("read file", shown(&path), libc::EISDIR));
                }
                File::open(&path).map_err(|e| OpError::from_io("read file", shown(&path), &e))?;
                (Vec::new(), Some(path), Some(meta.len()))
            }
        };
        let chunk = if datagram {
            spec.datagram.clamp(1, 65_535)
        } else {
            FILE_CHUNK
        };
        let now = Instant::now();
        self.job = Some(Job {
            req,
            data,
            path,
            times: spec.times,
            interval: spec.interval,
            all: spec.all,
            to,
            datagram,
            chunk,
            file: None,
            msg: Vec::new(),
            off: 0,
            loaded: false,
            started_reps: 0,
            due: now,
            want_write: false,
            progress: Progress {
                total: spec.times.zip(total_each).map(|(t, e)| t.saturating_mul(e)),
                ..Progress::default()
            },
            progress_sent: now,
            progress_due: false,
            progress_budget: Default::default(),
        });
        self.view.snapshot_due = true;
        Ok(())
    }

    /// Ends the running job as stopped (StopSending, or the socket closing).
    pub(super) fn stop_job(&mut self) {
        if let Some(job) = self.job.take() {
            let reply = Reply::Sent {
                progress: job.progress,
                stopped: true,
            };
            self.reply(job.req, "send_job", Instant::now(), Ok(reply));
            self.view.snapshot_due = true;
        }
    }

    /// Advances the job as far as the kernel and its schedule allow right now.
    pub(super) fn job_step(&mut self) {
        // A send waiting for room goes first: the job's bytes never cut into it.
        if !self.outbox.is_empty() {
            return;
        }
        let Some(mut job) = self.job.take() else {
            return;
        };
        let end = self.drive(&mut job);
        match end {
            Some(result) => {
                self.reply(job.req, "send_job", Instant::now(), result);
                self.view.snapshot_due = true;
            }
            None => {
                self.report_progress(&mut job);
                self.job = Some(job);
            }
        }
    }

    fn report_progress(&mut self, job: &mut Job) {
        let now = Instant::now();
        if !job.progress_due || now.duration_since(job.progress_sent) < PROGRESS_EVERY {
            return;
        }
        // One report waits in the channel at most; a newer one replaces it next time.
        if let Some(permit) = Permit::try_take(&job.progress_budget, 1, 1) {
            job.progress_due = false;
            job.progress_sent = now;
            self.shared.emit(Event::Progress {
                id: self.id,
                req: job.req,
                progress: job.progress.clone(),
                _permit: Some(permit),
            });
        }
    }
}

/// Loads the next message; Ok(false) when nothing is due yet, Err(result) at the end.
fn load_next(job: &mut Job) -> Result<bool, OpResult> {
    let now = Instant::now();
    let reps_done = job.times.is_some_and(|t| job.started_reps >= t);
    match &job.path {
        None => {
            if reps_done {
                return Err(Ok(finished(job)));
            }
            if now < job.due {
                return Ok(false);
            }
            job.started_reps += 1;
            job.due = next_due(job.due, job.interval, now);
            job.msg.clone_from(&job.data);
        }
        Some(path) => {
            if job.file.is_none() {
                if reps_done {
                    return Err(Ok(finished(job)));
                }
                if now < job.due {
                    return Ok(false);
                }
                let f = File::open(path)
                    .map_err(|e| Err(OpError::from_io("read file", shown(path), &e)))?;
                job.file = Some(f);
                job.started_reps += 1;
                job.due = next_due(job.due, job.interval, now);
            }
            job.msg.resize(job.chunk, 0);
            let n = read_full(job.file.as_mut().expect("opened above"), &mut job.msg)
                .map_err(|e| Err(OpError::from_io("read file", shown(path), &e)))?;
            job.msg.truncate(n);
            if n == 0 {
                // This repetition of the file is done.
                job.file = None;
                job.progress.repetitions += 1;
                job.progress_due = true;
                return Ok(true);
            }
        }
    }
    job.off = 0;
    job.loaded = true;
    Ok(true)
}

impl Worker {
    fn drive(&mut self, job: &mut Job) -> Option<OpResult> {
        job.want_write = false;
        for _ in 0..SENDS_PER_TURN {
            if !job.loaded {
                match load_next(job) {
                    Ok(true) => {
                        if !job.loaded {
                            continue;
                        }
                    }
                    Ok(false) => return None,
                    Err(end) => return Some(end),
                }
            }
            let rest = &job.msg[job.off..];
            let flags = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
            let r = self.write_some(rest, job.to.as_ref().map(|(sa, _)| sa), flags);
            match r {
                Ok(n) => {
                    let offered = rest.len();
                    let sent = rest[..n].to_vec();
                    let peer = job.to.as_ref().map(|(sa, _)| Endpoint::from_sockaddr(sa));
                    let call = match (&peer, job.all) {
                        (Some(_), _) => "sendto",
                        (None, true) => "sendall",
                        (None, false) => "send",
                    };
                    self.count_out(&sent, peer, call);
                    job.progress.bytes += n as u64;
                    job.progress.sends += 1;
                    job.progress_due = true;
                    job.off += n;
                    let whole_file_stream = job.path.is_some() && !job.datagram;
                    // A datagram goes whole or not at all; send() keeps what the kernel took.
                    let one_call = job.datagram || (!job.all && !whole_file_stream);
                    if one_call && n < offered {
                        job.progress.partial = Some((n as u64, offered as u64));
                    }
                    if one_call || job.off >= job.msg.len() {
                        job.loaded = false;
                        if job.path.is_none() {
                            job.progress.repetitions += 1;
                        }
                    }
                }
                Err(e) if is_again(&e) => {
                    job.want_write = true;
                    return None;
                }
                Err(e) => {
                    let addr = job.to.as_ref().map(|(_, s)| s.clone());
                    let op = if job.to.is_some() { "sendto" } else { "send" };
                    let detail = self.detail_of(&e, flags);
                    return Some(Err(OpError::from_io(op, addr, &e).with_detail(detail)));
                }
            }
        }
        None
    }

    /// Starts, switches or stops receive-to-file.
    pub(super) fn record(&mut self, path: Option<PathBuf>, replace: bool) -> OpResult {
        let written = match self.recording.take() {
            Some(mut r) => {
                r.file
                    .flush()
                    .map_err(|e| OpError::from_io("record", shown(&r.path), &e))?;
                r.written
            }
            None => 0,
        };
        match path {
            None => Ok(Reply::Int(written as i64)),
            Some(path) => {
                // Never truncates a file nobody said to replace (O_EXCL); one replaced keeps
                // its inode and permissions.
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .create(replace)
                    .create_new(!replace)
                    .truncate(replace)
                    .open(&path)
                    .map_err(|e| OpError::from_io("record", shown(&path), &e))?;
                self.recording = Some(Recording {
                    path,
                    file: BufWriter::with_capacity(RECORD_BUFFER, f),
                    written: 0,
                });
                self.view.snapshot_due = true;
                Ok(Reply::Unit)
            }
        }
    }

    /// Appends received bytes to the recording; a write failure ends it, and says why.
    pub(super) fn record_bytes(&mut self, data: &[u8]) {
        let Some(r) = self.recording.as_mut() else {
            return;
        };
        match r.file.write_all(data) {
            Ok(()) => r.written += data.len() as u64,
            Err(e) => {
                let error = OpError::from_io("record", shown(&r.path), &e);
                self.recording = None;
                self.report(error);
            }
        }
    }

    /// Makes what was recorded visible in the file (each tick, and at close).
    pub(super) fn flush_recording(&mut self) {
        if let Some(r) = self.recording.as_mut() {
            if let Err(e) = r.file.flush() {
                let error = OpError::from_io("record", shown(&r.path), &e);
                self.recording = None;
                self.report(error);
            }
        }
    }
}

fn finished(job: &Job) -> Reply {
    Reply::Sent {
        progress: job.progress.clone(),
        stopped: false,
    }
}

/// The next repetition's start: one interval on, but never a burst to catch up.
fn next_due(due: Instant, interval: Duration, now: Instant) -> Instant {
    let next = due + interval;
    if next + interval < now {
        now
    } else {
        next
    }
}

/// Reads until the buffer is full or the file ends (a datagram's size must not depend on
/// how the file system splits reads).
fn read_full(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_keeps_its_rate_without_bursting() {
        let t0 = Instant::now();
        let i = Duration::from_millis(100);
        assert_eq!(next_due(t0, i, t0), t0 + i);
        // Far behind: start from now rather than firing the missed ones at once.
        let late = t0 + Duration::from_secs(5);
        assert_eq!(next_due(t0, i, late), late);
        assert_eq!(next_due(t0, Duration::ZERO, t0), t0);
    }
}
