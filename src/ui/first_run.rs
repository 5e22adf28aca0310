//! The first minute: on socklab's first start (no settings file yet) the window opens a
//! ready workspace — an echo server on 127.0.0.1 and a client connected to it, receiving
//! continuously — then selects the client with its payload field focused, a greeting in it
//! and a one-line hint, so a person sends their first bytes at once and sees them come
//! back. Every step is an ordinary call: the journal shows it as the Python it is.

use crate::t;
use crate::ui::state::UiState;
use crate::ui::workspace::restore::Origin;
use crate::ui::workspace::{
    Place, SavedFamily, SavedKind, SavedResponder, SavedSocket, Workspace, FORMAT,
};

/// The first start's workspace, its greeting in the window's language.
pub fn workspace() -> Workspace {
    // Named for what they are: the engine's names (s1, s2...) would call the client s2
    // with no s1 in the list.
    let server = SavedSocket {
        family: SavedFamily::Inet,
        kind: SavedKind::Stream,
        bind: Some(Place::Inet {
            host: "127.0.0.1".into(),
            port: 0,
        }),
        listen: Some(5),
        auto_accept: true,
        responder: Some(SavedResponder {
            name: "echo".into(),
            digest: "md5".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let client = SavedSocket {
        family: SavedFamily::Inet,
        kind: SavedKind::Stream,
        connect: Some(Place::Socket {
            socket: FIRST_SERVER.into(),
        }),
        auto_receive: true,
        payload: Some(crate::ui::sending::SavedPayload {
            payload: t!("first-run-payload"),
            ..Default::default()
        }),
        ..Default::default()
    };
    Workspace {
        socklab_workspace: FORMAT,
        sockets: vec![
            SavedSocket {
                name: Some(FIRST_SERVER.into()),
                ..server
            },
            SavedSocket {
                name: Some(FIRST_CLIENT.into()),
                ..client
            },
        ],
        library: Vec::new(),
    }
}

/// The first start's server, as its client names it.
const FIRST_SERVER: &str = "echo_server";
/// The first start's client.
const FIRST_CLIENT: &str = "client";

impl UiState {
    /// Starts the set-up (the app does on a first start; tests call it): the workspace is
    /// opened at the next frame.
    pub fn begin_first_run(&mut self) {
        self.pending_open = Some((workspace(), Origin::FirstStart));
    }

    /// Whether a workspace (or the first start's) is being opened.
    pub fn opening(&self) -> bool {
        self.pending_open.is_some() || self.restore.is_some() || self.first_client.is_some()
    }

    /// The first start's client, once its workspace is open: when it is connected, it is
    /// selected with the hint (Some(true): focus its payload); a note or an error on its
    /// page (its server did not listen, its connect failed) ends the wait without the
    /// hint, which would not be true (Some(false)); None while it connects.
    pub fn first_run_tick(&mut self) -> Option<bool> {
        let id = self.first_client?;
        let Some(c) = self.sockets.get_mut(&id) else {
            self.first_client = None;
            return Some(false);
        };
        if c.last_error.is_some() || c.closed || c.status.is_some() {
            self.first_client = None;
            return Some(false);
        }
        if c.state() != crate::engine::SockState::Connected {
            return None;
        }
        // At the top, where it is seen whatever the window's size (the page's status line
        // can be below the fold, cut by the traffic panel).
        let hint = t!("first-run-hint");
        self.workspace_status = Some(hint.clone());
        self.first_hinted = Some((id, hint));
        self.selected = Some(id);
        self.first_client = None;
        Some(true)
    }

    /// The first start's hint ends once it is done or no longer true. Done (the echo came
    /// back), it says so in its place, until dismissed: the lines under it do not jump up
    /// while a person is about to click them. No longer true (the client closed, the
    /// server gone) or no longer to the point (a lesson opened, a line typed in a
    /// console), it goes.
    pub fn first_hint_tick(&mut self) {
        let Some((id, hint)) = &self.first_hinted else {
            return;
        };
        let (connected, echoed) = self.sockets.get(id).map_or((false, false), |c| {
            (
                !c.closed && c.state() == crate::engine::SockState::Connected,
                c.traffic.totals.bytes_in > 0,
            )
        });
        // A person who turned to a lesson or the console has moved on from the echo pair:
        // the hint no longer speaks to what they do (it stayed through every lesson).
        let moved_on = self.lessons_open
            || self.lesson.is_some()
            || self.consoles.iter().any(|c| !c.lines.is_empty());
        if connected && !echoed && !moved_on {
            return;
        }
        if self.workspace_status.as_ref() == Some(hint) {
            self.workspace_status =
                (connected && echoed && !moved_on).then(|| t!("first-run-echoed"));
        }
        self.first_hinted = None;
    }
}
