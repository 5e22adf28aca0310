//! The first minute: on socklab's first start (no settings file yet) the window sets up an
//! echo server on 127.0.0.1 and a client connected to it, selects the client with its
//! payload field focused and a one-line hint, so a person sends their first bytes at once
//! and sees them come back (the client receives continuously).
//! Every step is an ordinary action: the journal shows it as the Python it is.

use crate::engine::{AddrSpec, Family, Kind, Op, SockState, SocketId};
use crate::t;
use crate::ui::state::{Action, UiState};

/// Where the set-up is.
#[derive(Clone, Debug, PartialEq)]
pub enum FirstRun {
    /// Make the server's socket.
    Begin,
    /// The server's socket is asked for; sockets up to `after` were there before.
    Server { after: Option<SocketId> },
    /// It binds, listens and answers with echo.
    Listening { server: SocketId },
    /// The client's socket is asked for.
    Client {
        server: SocketId,
        port: u16,
        after: Option<SocketId>,
    },
    /// It connects to the server.
    Connecting { client: SocketId },
}

/// What a tick did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tick {
    Waiting,
    /// The client is connected and selected: focus its payload field.
    Ready,
    /// A step failed (its error is on its socket's page); nothing more is done.
    Stopped,
}

impl UiState {
    /// Starts the set-up (the app does on a first start; tests call it).
    pub fn begin_first_run(&mut self) {
        self.first_run = Some(FirstRun::Begin);
    }

    /// Moves the set-up on as far as the engine's answers allow.
    pub fn first_run_tick(&mut self, engine: &crate::engine::Engine) -> Tick {
        let Some(step) = self.first_run.take() else {
            return Tick::Waiting;
        };
        let newest = self.sockets.keys().next_back().copied();
        let next = match step {
            FirstRun::Begin => {
                self.dispatch(
                    engine,
                    Action::NewSocket {
                        family: Family::Inet,
                        kind: Kind::Stream,
                    },
                );
                Some(FirstRun::Server { after: newest })
            }
            FirstRun::Server { after } => match self.made_after(after) {
                None => Some(FirstRun::Server { after }),
                Some(server) => {
                    let responder = crate::serve::build("echo", &Default::default()).ok();
                    for op in [
                        Op::Bind { addr: loopback(0) },
                        Op::Listen { backlog: 5 },
                        Op::Respond { responder },
                        Op::AutoAccept {
                            on: true,
                            receive: true,
                        },
                    ] {
                        self.dispatch(engine, Action::Call { id: server, op });
                    }
                    Some(FirstRun::Listening { server })
                }
            },
            FirstRun::Listening { server } => {
                let Some(s) = self.sockets.get(&server) else {
                    return Tick::Stopped;
                };
                if s.last_error.is_some() || s.closed {
                    return Tick::Stopped;
                }
                let port = s.local().and_then(crate::engine::Endpoint::port);
                match (s.state(), port) {
                    (SockState::Listening, Some(port)) if port != 0 => {
                        self.dispatch(
                            engine,
                            Action::NewSocket {
                                family: Family::Inet,
                                kind: Kind::Stream,
                            },
                        );
                        Some(FirstRun::Client {
                            server,
                            port,
                            after: newest,
                        })
                    }
                    _ => Some(FirstRun::Listening { server }),
                }
            }
            FirstRun::Client {
                server,
                port,
                after,
            } => match self.made_after(after) {
                // A connection the server accepted is not the client.
                Some(id)
                    if self
                        .sockets
                        .get(&id)
                        .is_some_and(|s| s.info.parent.is_none()) =>
                {
                    if let Some(c) = self.sockets.get_mut(&id) {
                        c.form.peer_port = port.to_string();
                    }
                    // It connects, and receives as bytes come (the echo shows at once).
                    for op in [
                        Op::Connect {
                            addr: loopback(port),
                        },
                        Op::AutoReceive {
                            on: true,
                            bufsize: 65536,
                        },
                    ] {
                        self.dispatch(engine, Action::Call { id, op });
                    }
                    Some(FirstRun::Connecting { client: id })
                }
                _ => Some(FirstRun::Client {
                    server,
                    port,
                    after,
                }),
            },
            FirstRun::Connecting { client } => {
                let Some(c) = self.sockets.get_mut(&client) else {
                    return Tick::Stopped;
                };
                if c.last_error.is_some() || c.closed {
                    return Tick::Stopped;
                }
                if c.state() != SockState::Connected {
                    Some(FirstRun::Connecting { client })
                } else {
                    c.form.payload = t!("first-run-payload");
                    c.status = Some(t!("first-run-hint"));
                    self.selected = Some(client);
                    return Tick::Ready;
                }
            }
        };
        self.first_run = next;
        Tick::Waiting
    }

    /// The first socket made after `after` (by id), not accepted by a listener.
    fn made_after(&self, after: Option<SocketId>) -> Option<SocketId> {
        self.sockets
            .iter()
            .find(|(id, s)| after.is_none_or(|a| **id > a) && s.info.parent.is_none())
            .map(|(id, _)| *id)
    }
}

fn loopback(port: u16) -> AddrSpec {
    AddrSpec::Inet {
        host: "127.0.0.1".into(),
        port,
    }
}
