//! A worker's life: its start, the loop that runs commands and waits between them (or
//! moves to the reactor), what a wait's end calls for, a panic turned into a failure, and
//! the end that answers whatever was still queued.

use super::*;

/// How long a closing TLS socket waits for room for the records its session still holds.
const TLS_CLOSE_PATIENCE: Duration = Duration::from_secs(10);

/// What a panic must answer, and whether one happened.
#[derive(Default)]
pub(super) struct Crash {
    /// A panic ended the worker's work: it only closes now.
    pub(super) broken: bool,
    /// Requests being run now (a blocking call, and instant calls answered during its
    /// wait): if the worker fails, each of them is answered with the failure.
    pub(super) inflight: Vec<(ReqId, &'static str)>,
    /// Requests already answered with a panic's failure.
    pub(super) failed: Vec<ReqId>,
}

impl Worker {
    /// What runs once, before the first wait: the options read, the first snapshot, and a
    /// responder's greeting.
    pub(super) fn start_once(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        self.refresh_options();
        self.publish(true);
        if std::mem::take(&mut self.greet) {
            self.answer_open();
        }
    }

    pub(super) fn run_boxed(self: Box<Self>) {
        (*self).run()
    }

    /// The worker's life on a thread: commands in order, and between them the continuous
    /// modes. Without commands to wait for, it moves to the reactor and frees the thread.
    pub(super) fn run(mut self) {
        self.guard("start", Worker::start_once);
        loop {
            if self.crash.broken {
                break;
            }
            // A frame of the window's on this core goes first.
            self.shared.give_way();
            // In the order they came, up to the close: a command sent before it runs (one
            // that would block finds the close noted and fails with EBADF, as in Python),
            // and those after it meet a closed socket in `finish`.
            while let Some(cmd) = self.queue.front() {
                // Behind a send still waiting for room, the calls after it wait their turn
                // (further sends join it, instant calls and close go ahead).
                let close = cmd.op.is_close();
                if !(self.outbox.is_empty() || close || cmd.op.is_instant() || cmd.op.is_send()) {
                    break;
                }
                let Some(cmd) = self.queue.pop_front() else {
                    break;
                };
                self.handle_guarded(cmd);
                if close || self.crash.broken || self.released {
                    break;
                }
            }
            if self.closing.is_some() {
                break;
            }
            if self.may_rest() {
                match reactor::adopt(&self.shared.clone(), Box::new(self)) {
                    Ok(()) => return,
                    Err(w) => self = *w,
                }
            }
            // A command whose wake went astray (sent as the worker left the reactor) is
            // not left waiting for the socket.
            if !self.rx.is_empty() {
                self.pull_commands(false);
                continue;
            }
            let (interest, timeout) = self.wait_spec();
            let (wake, ready) = poll2(self.wake.fd(), self.sock.as_fd(), interest, timeout);
            self.guard("wait", |w| w.after_wait(wake != 0, ready));
        }
        self.finish_guarded();
    }

    /// Runs `f`; a panic in it (a bug in socklab) becomes a failure of this socket, never
    /// a worker that vanishes while callers wait: every request it was running is answered
    /// with the failure (or, with none, the failure is reported), and the socket closes.
    pub(super) fn guard(&mut self, what: &'static str, f: impl FnOnce(&mut Worker)) {
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(self))) {
            self.crashed(what, &panic_message(p.as_ref()));
        }
    }

    /// Runs a command under `guard`, remembered as in flight until it is answered.
    pub(super) fn handle_guarded(&mut self, cmd: Command) {
        let (req, op) = (cmd.req, cmd.op.name());
        self.crash.inflight.push((req, op));
        self.guard(op, |w| w.handle(cmd));
        if let Some(i) = self.crash.inflight.iter().rposition(|(r, _)| *r == req) {
            self.crash.inflight.remove(i);
        }
    }

    /// After a panic: answer whatever was waiting for this worker with the failure, stop
    /// everything it did on its own, and close.
    pub(super) fn crashed(&mut self, what: &'static str, message: &str) {
        let mut waiting = std::mem::take(&mut self.crash.inflight);
        if let Some(job) = self.job.take() {
            waiting.push((job.req, "send_job"));
        }
        waiting.extend(self.outbox.take_all());
        // A send being handled may be in flight and in the outbox at once: answer it once.
        let mut seen = std::collections::HashSet::new();
        waiting.retain(|(req, _)| seen.insert(*req));
        let now = Instant::now();
        for &(req, op) in &waiting {
            self.reply(req, op, now, Err(OpError::internal(op, message)));
        }
        // A call that was waiting when an instant one panicked must not be answered again
        // when its wait ends.
        self.crash
            .failed
            .extend(waiting.iter().map(|(req, _)| *req));
        if waiting.is_empty() {
            self.report(OpError::internal(what, message));
        }
        self.crash.broken = true;
        self.set_state(SockState::Error, Cause::Internal);
        self.auto.auto_recv = None;
        self.auto.auto_accept = None;
        self.answering = None;
        self.recording = None;
        self.closing.get_or_insert(ReqId(0));
    }

    /// `finish`, and if even that fails, what callers need: the registry entry gone and
    /// the socket announced closed.
    pub(super) fn finish_guarded(self) {
        let (shared, id) = (self.shared.clone(), self.id);
        if catch_unwind(AssertUnwindSafe(move || self.finish())).is_err() {
            unregister(&shared, id);
            shared.emit(Event::Closed { id });
        }
    }

    /// Whether the worker can wait in the reactor: nothing queued, not closing, and either
    /// no command ever (a fresh connection) or a continuous mode that keeps it busy on its
    /// own (auto-accept, auto-receive, a responder) and no send job or recording (those
    /// read and write files). A command sends it back to a thread.
    pub(super) fn may_rest(&self) -> bool {
        let on_its_own = self.auto.auto_accept.is_some()
            || self.auto.auto_recv.is_some()
            || self.answering.is_some();
        self.shared.config.share_idle
            && self.queue.is_empty()
            && self.closing.is_none()
            && self.rx.is_empty()
            && self.job.is_none()
            && self.outbox.is_empty()
            && self.recording.is_none()
            && self.tls.is_none()
            && (!self.commanded || on_its_own)
    }

    /// What to wait for on the socket (poll events) and for how long (ms, -1: no limit).
    pub(super) fn wait_spec(&mut self) -> (i16, i32) {
        let (job_events, timeout) = self.job_wait(self.tick_timeout());
        let (answer_events, timeout) = self.answer_timeout(timeout);
        let (out_events, timeout) = self.outbox.wait_for(timeout);
        let timeout = self.accept_retry_timeout(timeout);
        let timeout = match self.auto.pause.until {
            Some(t) => sys::sooner(timeout, sys::ms_until(t)),
            None => timeout,
        };
        // Plaintext a TLS session already holds is read at once.
        let timeout = if self.auto.auto_recv.is_some() && !self.auto.eof && self.tls_readable() {
            0
        } else {
            timeout
        };
        (
            self.tls_events(
                self.continuous_interest()
                    | self.end_interest()
                    | job_events
                    | answer_events
                    | out_events,
            ),
            timeout,
        )
    }

    /// Everything a wait's end calls for: commands (on a wake), the continuous modes, the
    /// send job, the responder, skipped-content reports and the tick. Only the commands
    /// may block, so the reactor runs this with `wake` false.
    pub(super) fn after_wait(&mut self, wake: bool, ready: i16) {
        if wake {
            self.pull_commands(false);
        }
        self.tls_step(ready);
        self.end_arrived(ready);
        let tls_plain = self.auto.auto_recv.is_some() && !self.auto.eof && self.tls_readable();
        // A datagram socket's pause ends at any wake: what came meanwhile is read now.
        let paused = self.auto.pause.until.take().is_some();
        if ready & !libc::POLLOUT != 0 || self.accept_retry_due() || tls_plain || paused {
            self.continuous_step();
        }
        if self.outbox.due(ready, Instant::now()) {
            self.outbox_step(ready);
        }
        self.job_step();
        self.answer_step();
        if self.delivery.skipped != [(0, 0); 2] && Instant::now() >= self.view.next_skip_check {
            self.view.next_skip_check =
                Instant::now() + Duration::from_millis(SKIP_CHECK_MS as u64);
            self.flush_skipped_if_room();
        }
        self.tick();
    }

    /// Continuous receive is on and has something to read from: a connection-oriented
    /// socket only once connected (ticked before connect(), it starts with the connection
    /// instead of failing with ENOTCONN).
    pub(super) fn receiving_armed(&self) -> bool {
        let connection = matches!(self.kind, Kind::Stream | Kind::Other(libc::SOCK_SEQPACKET));
        self.auto.auto_recv.is_some()
            && !self.auto.eof
            && (!connection
                || matches!(
                    self.state,
                    SockState::Connected | SockState::HalfClosed | SockState::Error
                ))
    }

    /// A datagram socket or a Unix listener whose own SHUT_RD makes poll say readable for
    /// ever while its recv or accept says EAGAIN: polled for input it would wake the
    /// worker at once, again and again. Its continuous receive or accept looks at each
    /// tick instead (a datagram may still come, a connection queued before be taken).
    pub(super) fn input_always_ready(&self) -> bool {
        self.shut.read
            && (self.kind == Kind::Dgram
                || (self.family == Family::Unix && self.state == SockState::Listening))
    }

    /// Continuous accept is on and may take a connection now.
    pub(super) fn accepting_armed(&self) -> bool {
        self.auto.auto_accept.is_some()
            && self.room_for_client()
            && self.auto.accept_pause.is_none()
    }

    /// Whether the socket's input is polled for continuous receive.
    pub(super) fn polls_input(&self) -> bool {
        self.receiving_armed() && !self.input_always_ready()
    }

    pub(super) fn continuous_interest(&self) -> i16 {
        let accepting = self.accepting_armed() && !self.input_always_ready();
        let receiving =
            self.polls_input() && !self.backpressured() && self.auto.pause.until.is_none();
        if accepting || receiving {
            libc::POLLIN
        } else {
            0
        }
    }

    /// Adds the responder's needs to a poll: what to wait for and the shorter timeout.
    pub(super) fn answer_timeout(&self, timeout_ms: i32) -> (i16, i32) {
        let (events, t) = self.answer_wait(Instant::now());
        let ms = t.map_or(timeout_ms, |d| sys::sooner(timeout_ms, sys::ms_ceil(d)));
        (events, ms)
    }

    /// Adds the send job's needs to a poll: what to wait for and the shorter timeout.
    pub(super) fn job_wait(&self, timeout_ms: i32) -> (i16, i32) {
        let Some(job) = &self.job else {
            return (0, timeout_ms);
        };
        if !self.outbox.is_empty() {
            // The job waits for the sends ahead of it (job_step).
            return (0, timeout_ms);
        }
        let (events, t) = job.wait_for(Instant::now());
        // Rounded up, so a due time is never polled early in a busy loop.
        let ms = t.map_or(timeout_ms, |d| sys::sooner(timeout_ms, sys::ms_ceil(d)));
        (events, ms)
    }

    pub(super) fn tick_timeout(&self) -> i32 {
        // A continuous mode looked at each tick (its own SHUT_RD) needs the ticks even where
        // nothing is inspected.
        let ticked =
            (self.receiving_armed() || self.accepting_armed()) && self.input_always_ready();
        if !self.shared.config.inspect
            && self.delivery.skipped == [(0, 0); 2]
            && !self.view.snapshot_due
            && !ticked
        {
            return -1;
        }
        let t = sys::ms_until(self.next_look());
        if self.delivery.skipped != [(0, 0); 2] {
            // Say soon how much was skipped, once the consumer has room again.
            return t.min(SKIP_CHECK_MS);
        }
        t
    }

    /// Moves waiting commands into the queue. While a call waits (`waiting`), close is noted
    /// so the wait ends, and the calls that may run beside it run at once.
    pub(super) fn pull_commands(&mut self, waiting: bool) {
        self.wake.drain();
        while let Ok(cmd) = self.rx.try_recv() {
            self.commanded = true;
            // A command may change the buffer, the mode or the responder: a datagram run's
            // pauses start over from the shortest, with SO_RCVBUF read again.
            self.auto.pause.restart();
            // Nothing sent after a close runs before it: it meets the closed socket.
            if waiting && self.release_beside(&cmd) {
                continue;
            }
            if waiting && self.beside_ok(&cmd.op, &self.queue) {
                self.handle_guarded(cmd);
            } else {
                if cmd.op.is_close() && self.closing.is_none() {
                    self.closing = Some(cmd.req);
                }
                self.queue.push_back(cmd);
            }
        }
    }

    /// Python's close() while a call waits (Op::Release): answered now, and the call goes
    /// on holding the socket, as the kernel's reference does in CPython; the window is
    /// told why the socket is still there. False when `cmd` is anything else, or a close
    /// came first.
    fn release_beside(&mut self, cmd: &Command) -> bool {
        let Some((_, op)) = self.blocked else {
            return false;
        };
        if !matches!(cmd.op, Op::Release) || self.closing.is_some() || self.released {
            return false;
        }
        self.released = true;
        self.reply(cmd.req, "close", Instant::now(), Ok(Reply::Unit));
        let timeout = matches!(self.timeout, Timeout::Secs(_));
        let stream = self.kind == Kind::Stream;
        self.unasked(Event::Note {
            id: self.id,
            note: Note::HeldByCall {
                op,
                timeout,
                stream,
            },
        });
        true
    }

    pub(super) fn finish(mut self) {
        // The close began here, before the descriptor goes (and the FIN with it).
        let began = Instant::now();
        self.stop_job();
        self.close_outbox();
        self.flush_recording();
        let parent = self.serving.parent.take();
        let close_req = self.closing;
        let cause = match close_req {
            _ if self.crash.broken => Cause::Internal,
            _ if self.released => Cause::Call { op: "close" },
            Some(r) if r != ReqId(0) => Cause::Call { op: "close" },
            _ => Cause::ClosedBySocklab,
        };
        // A TLS session says close_notify first, as far as the socket takes it now.
        if let Some(layer) = self.tls.as_deref_mut() {
            layer.close(&self.sock, TLS_CLOSE_PATIENCE);
        }
        self.set_state(SockState::Closed, cause);
        self.publish_at_close();
        let followed = self.afterlife_watch();
        // The descriptor closes before anyone hears it did, and before the registry forgets
        // it: while listed, its number is not adopted by anyone else (Create::Adopt).
        let gone = Instant::now();
        drop(self.sock);
        unregister(&self.shared, self.id);
        respond::leave_listener(&self.shared, parent);
        let (shared, id) = (&self.shared, self.id);
        if let Some(req) = close_req.filter(|r| *r != ReqId(0)) {
            emit_result(shared, id, req, "close", began, Ok(Reply::Unit), None);
        }
        // Whatever was still queued or sent meets a closed socket, as in Python.
        let mut rest: Vec<Command> = self.queue.into_iter().collect();
        rest.extend(self.rx.try_iter());
        for cmd in rest {
            if cmd.op.is_close() {
                if cmd.req != ReqId(0) && Some(cmd.req) != close_req {
                    emit_result(
                        shared,
                        id,
                        cmd.req,
                        "close",
                        Instant::now(),
                        Ok(Reply::Unit),
                        None,
                    );
                }
                continue;
            }
            let op = cmd.op.name();
            emit_result(
                shared,
                id,
                cmd.req,
                op,
                Instant::now(),
                Err(OpError::os(op, None, libc::EBADF)),
                cmd.op.shown_args().map(Into::into),
            );
        }
        shared.emit(Event::Closed { id });
        if let Some(watch) = followed {
            shared.afterlife.follow(shared, watch, gone);
        }
    }

    /// A TCP connection's four-tuple, to follow its life after close, where someone
    /// looks (the window; not `socklab serve`).
    fn afterlife_watch(&self) -> Option<crate::engine::afterlife::Watch> {
        let tcp = self.kind == Kind::Stream && self.family != Family::Unix;
        if !tcp || !self.shared.config.inspect {
            return None;
        }
        let reuse =
            options::getsockopt_int(self.sock.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR);
        Some(crate::engine::afterlife::Watch {
            id: self.id,
            local: self.sock.local_addr().ok()?.as_socket()?,
            peer: self.sock.peer_addr().ok()?.as_socket()?,
            reuse: reuse.is_ok_and(|v| v != 0),
            before: self.tcp_info().map(|t| t.state),
            // What makes Linux's close() reset rather than end the connection.
            resets: crate::sys::recv_queue(self.sock.as_fd()).is_some_and(|n| n > 0)
                || self.sock.linger().ok().flatten() == Some(std::time::Duration::ZERO),
        })
    }
}

/// A worker that vanished in a panic outside its own guards: whatever was sent to it is
/// answered, the consumer hears the failure, and the socket is gone from the registry.
pub(super) fn lost(shared: &Shared, id: SocketId, rx: &Receiver<Command>, message: &str) {
    unregister(shared, id);
    shared.emit(Event::Failed {
        id: Some(id),
        req: None,
        error: OpError::internal("wait", message),
        elapsed: Duration::ZERO,
        at: Instant::now(),
        args: None,
    });
    for cmd in rx.try_iter() {
        let op = cmd.op.name();
        if cmd.op.is_close() {
            if cmd.req != ReqId(0) {
                emit_result(
                    shared,
                    id,
                    cmd.req,
                    op,
                    Instant::now(),
                    Ok(Reply::Unit),
                    None,
                );
            }
        } else {
            let error = OpError::internal(op, message);
            emit_result(
                shared,
                id,
                cmd.req,
                op,
                Instant::now(),
                Err(error),
                cmd.op.shown_args().map(Into::into),
            );
        }
    }
    shared.emit(Event::Closed { id });
}

/// What a panic said, for the failure it becomes.
pub(super) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "it panicked".to_string()
    }
}
