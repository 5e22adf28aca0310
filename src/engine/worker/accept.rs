//! Continuous accept (a listener in auto-accept), and what it does when it cannot go on:
//! when the process is out of descriptors (EMFILE, ENFILE, ENOBUFS, ENOMEM), the engine out
//! of sockets, or the consumer of its events far behind, it stops polling the listener —
//! which stays readable and would otherwise wake it in a tight loop — says so once, and
//! tries again when one of its connections closes or a backoff timer passes (100 ms,
//! doubling to 1 s). Connections meanwhile wait in the kernel's listen backlog.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{is_again, spawn_accepted, Worker, BURST};
use crate::engine::addr::Endpoint;
use crate::engine::errors::OpError;
use crate::engine::event::Event;
use crate::engine::note::{Note, Shortage};
use crate::sys;

const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(1);

/// Why accepting stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Short {
    /// accept(2) failed with this errno: descriptors or kernel memory ran out.
    Descriptors { errno: i32 },
    /// The engine holds as many sockets as it may.
    Sockets { max: usize },
    /// The consumer has this many events still to read.
    Consumer { queued: usize },
}

/// Accepting held back, and when it is tried again.
pub(super) struct Pause {
    retry_at: Instant,
    backoff: Duration,
    /// Tries that found the shortage still there.
    failures: u64,
}

impl Worker {
    /// What a connection accepted here inherits.
    pub(super) fn inherit(&self) -> super::respond::Inherit {
        super::respond::Inherit {
            responder: self.serving.child_spec.clone(),
            tls: self.tls_server.clone(),
            parent: (self.id, self.serving.clients.clone()),
        }
    }

    /// One readable listener's worth of accepts (at most BURST), each handed to a worker
    /// of its own. A shortage pauses accepting; a burst that meets none ends the pause.
    /// Each is said once: a listener at its limit, freeing and taking one descriptor per
    /// closed connection, does not log twice per connection.
    pub(super) fn accept_burst(&mut self, receive: bool) {
        // O_NONBLOCK for the whole burst, not each call.
        let toggle = self.timeout == crate::engine::Timeout::Blocking;
        if toggle {
            sys::set_nonblocking(self.fd(), true);
        }
        let mut short = None;
        for _ in 0..BURST {
            if !self.room_for_client() {
                break;
            }
            short = self.engine_short();
            if short.is_some() {
                break;
            }
            match self.sock.accept() {
                Ok((conn, addr)) => {
                    // Linux's accept4 gives the new socket no O_NONBLOCK of the
                    // listener's: it is blocking, as Python's accept() makes it.
                    let peer = Endpoint::from_sockaddr(&addr);
                    let proto = self.conn_proto();
                    match spawn_accepted(
                        &self.shared,
                        (conn, peer.clone()),
                        self.family,
                        self.kind,
                        proto,
                        receive,
                        self.inherit(),
                    ) {
                        Ok(conn) => self.shared.emit(Event::Accepted {
                            listener: self.id,
                            conn,
                            peer,
                        }),
                        Err(error) => self.report(error),
                    }
                }
                Err(e) if is_again(&e) => break,
                Err(e) if out_of_resources(&e) => {
                    let errno = e.raw_os_error().unwrap_or(libc::EMFILE);
                    short = Some(Short::Descriptors { errno });
                    break;
                }
                Err(e) => {
                    // One connection's own failure (reset before it was accepted...).
                    self.report(OpError::from_io("accept", None, &e));
                    break;
                }
            }
        }
        if toggle {
            sys::set_nonblocking(self.fd(), false);
        }
        match short {
            Some(s) => self.pause_accepting(s),
            None => self.resume_accepting(),
        }
        self.view.snapshot_due = true;
    }

    /// A shortage in the engine itself: its socket limit, or its consumer far behind.
    fn engine_short(&self) -> Option<Short> {
        let max = self.shared.config.max_sockets;
        if self.shared.live.load(Ordering::Acquire) >= max {
            return Some(Short::Sockets { max });
        }
        // Each connection brings a few events of its own: a stalled consumer must not make
        // them pile up.
        let queued = self.shared.events.len();
        (queued >= self.shared.config.event_backlog).then_some(Short::Consumer { queued })
    }

    fn pause_accepting(&mut self, short: Short) {
        let now = Instant::now();
        self.serving.clients.0.paused.store(true, Ordering::Release);
        match &mut self.auto.accept_pause {
            Some(p) => {
                p.failures += 1;
                p.backoff = (p.backoff * 2).min(MAX_RETRY);
                p.retry_at = now + p.backoff;
            }
            None => {
                self.auto.accept_pause = Some(Pause {
                    retry_at: now + FIRST_RETRY,
                    backoff: FIRST_RETRY,
                    failures: 1,
                });
                // Once per shortage, not once per try.
                let note = Note::AcceptPaused {
                    short: shortage(short),
                    sockets: self.shared.live.load(Ordering::Acquire),
                };
                self.unasked(Event::Note { id: self.id, note });
            }
        }
    }

    fn resume_accepting(&mut self) {
        if let Some(p) = self.auto.accept_pause.take() {
            self.serving
                .clients
                .0
                .paused
                .store(false, Ordering::Release);
            let tries = p.failures;
            self.unasked(Event::Note {
                id: self.id,
                note: Note::AcceptingAgain { tries },
            });
        }
    }

    /// A paused listener's next try is due: its timer passed, or one of its connections
    /// closed (a descriptor and a socket were freed).
    pub(super) fn accept_retry_due(&self) -> bool {
        let Some(p) = &self.auto.accept_pause else {
            return false;
        };
        Instant::now() >= p.retry_at || self.serving.clients.0.freed.swap(false, Ordering::AcqRel)
    }

    /// A poll timeout no later than a paused listener's next try.
    pub(super) fn accept_retry_timeout(&self, timeout_ms: i32) -> i32 {
        match &self.auto.accept_pause {
            None => timeout_ms,
            Some(p) => sys::sooner(timeout_ms, sys::ms_until(p.retry_at)),
        }
    }
}

/// accept(2) errors that say the process or system ran short, not that one connection
/// failed: the listener stays readable and every retry would fail alike.
fn out_of_resources(e: &std::io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// The shortage as the note says it (the open-file limit read now).
fn shortage(short: Short) -> Shortage {
    match short {
        Short::Descriptors {
            errno: libc::EMFILE,
        } => Shortage::ProcessFiles {
            limit: sys::nofile_limit().0,
        },
        Short::Descriptors {
            errno: libc::ENFILE,
        } => Shortage::SystemFiles,
        Short::Descriptors { errno } => Shortage::Memory { errno },
        Short::Sockets { max } => Shortage::Sockets { max },
        Short::Consumer { queued } => Shortage::Consumer { queued },
    }
}
