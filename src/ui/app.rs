//! The eframe application: `logic` drains engine events into the state, `ui` draws it and
//! collects actions, which are dispatched after drawing.

use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

use crate::engine::{Engine, Event};

use super::dialogs::{Dialogs, NativeDialogs};
use super::panels;
use super::settings::{Settings, SettingsWriter};
use super::state::{Action, Bottom, CaptureState, Centre, UiState};
use crate::engine::capture::Capture;

/// The name eframe keeps socklab's files under (and the window's app id).
pub const APP_ID: &str = "socklab";

/// The desktop's name for the window (Wayland's app id, X11's WM_CLASS): the .desktop
/// entry in dist/ has this name, so the desktop shows its icon and groups the windows.
pub const DESKTOP_ID: &str = "io.github.socklab.socklab";

/// The window's icon, the 128 px one dist/ installs (None if it would not decode, which a
/// test rules out: the window then has the desktop's default).
pub fn icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!(
        "../../dist/icons/hicolor/128x128/apps/socklab.png"
    ))
    .ok()
}

/// What the window starts with besides its settings file.
#[derive(Default)]
pub struct Startup {
    /// `socklab --workspace FILE`: opened instead of the last workspace or the first
    /// start's.
    pub workspace: Option<std::path::PathBuf>,
    /// Settings to start from instead of the settings file's (tests).
    pub settings: Option<Settings>,
    /// Start as on the first start, settings file or not (tests).
    pub first_start: bool,
}

/// Height (and width) a dragged panel leaves the centre at least: its tabs and a few rows.
const CENTRE_LEAST: f32 = 220.0;
/// Width the side panels leave the page between them when the window narrows (a panel
/// keeps the width it had in a wider window): its fields and buttons; the inspector gives
/// way first, to INSPECTOR_LEAST, then the sockets list, to LIST_LEAST.
const PAGE_LEAST: f32 = 300.0;
const INSPECTOR_LEAST: f32 = 200.0;
const LIST_LEAST: f32 = 180.0;
/// The window's least size: the three columns at their least side by side (width), and
/// the page's tabs, a few of its rows and the journal's under it (height). Narrower, the
/// page would lose its room to the side panels.
pub const WINDOW_LEAST: [f32; 2] = [LIST_LEAST + PAGE_LEAST + INSPECTOR_LEAST, 600.0];

pub struct SocklabApp {
    pub engine: Engine,
    events: Receiver<Event>,
    ctx: egui::Context,
    pub state: UiState,
    /// Actions collected while drawing, applied after the frame.
    actions: Vec<Action>,
    dialogs: Box<dyn Dialogs>,
    /// Writes the settings file off the UI thread (None when the app runs without
    /// persistence, as in tests), and what was last written there.
    settings_writer: Option<SettingsWriter>,
    saved_settings: String,
    /// The zoom last applied to the window or taken from it.
    zoom_applied: f32,
    /// The zoom the window was last told its least size at (None: not yet).
    least_at: Option<f32>,
    /// The interfaces list, read once off the window's thread.
    interfaces: Receiver<Vec<crate::sys::Interface>>,
    /// Set by `SOCKLAB_TIMING`: when the process started, and frames begun since.
    startup: Option<(Instant, u32)>,
}

impl SocklabApp {
    pub fn new(cc: &eframe::CreationContext<'_>) -> SocklabApp {
        SocklabApp::with_dialogs(cc, Box::new(NativeDialogs))
    }

    /// The app with its file dialogs answered by `dialogs` (tests script them).
    pub fn with_dialogs(cc: &eframe::CreationContext<'_>, dialogs: Box<dyn Dialogs>) -> SocklabApp {
        SocklabApp::with_startup(cc, dialogs, Startup::default())
    }

    /// The app, opening what `startup` says.
    pub fn with_startup(
        cc: &eframe::CreationContext<'_>,
        dialogs: Box<dyn Dialogs>,
        startup: Startup,
    ) -> SocklabApp {
        let settings_dir = cc
            .storage
            .is_some()
            .then(|| eframe::storage_dir(APP_ID))
            .flatten();
        // No settings file yet: socklab's first start on this account (SOCKLAB_FIRST_RUN=0
        // skips its set-up, for the tests that drive a fresh window themselves).
        let first_start = settings_dir
            .as_ref()
            .is_some_and(|d| !d.join(super::settings::FILE).exists())
            && std::env::var_os("SOCKLAB_FIRST_RUN").is_none_or(|v| v != "0")
            || startup.first_start;
        let settings = match (startup.settings, &settings_dir) {
            (Some(s), _) => s,
            (None, Some(dir)) => Settings::load_dir(dir, cc.storage),
            (None, None) => Settings::load(cc.storage),
        };
        let ctx = cc.egui_ctx.clone();
        super::fonts::install(&ctx);
        super::style::install(&ctx);
        let wake = ctx.clone();
        // Workers wake the window only when they sent something: no repaint loop.
        let (engine, events) = Engine::start(super::drain::window_config(), move || {
            wake.request_repaint()
        });
        let mut state = UiState::with_settings(settings.clone());
        if cc.storage.is_some() {
            // The real window follows the desktop; the tests' windows (no storage) speak
            // English whatever the machine's locale.
            state.desktop_lang = crate::i18n::Lang::from_env();
        }
        // What is said before the first frame is in the window's language too.
        crate::i18n::set(state.lang());
        // The workspace asked for, else the first start's (its greeting in the language
        // just set), else the last one (if it is still there: one moved away since is not
        // an error to show at every start).
        let last = settings
            .last_workspace
            .as_ref()
            .map(std::path::PathBuf::from)
            .filter(|p| p.exists());
        match (startup.workspace, first_start, last) {
            (Some(path), _, _) => state.read_workspace(path, false),
            (None, true, _) => state.begin_first_run(),
            (None, false, Some(path)) => state.read_workspace(path, true),
            (None, false, None) => {}
        }
        for console in &mut state.consoles {
            let wake = ctx.clone();
            console.attach(
                engine.clone(),
                std::sync::Arc::new(move || wake.request_repaint()),
            );
        }
        let settings_writer = settings_dir.and_then(|d| {
            let wake = ctx.clone();
            match SettingsWriter::start(d, move || wake.request_repaint()) {
                Ok(w) => Some(w),
                Err(e) => {
                    state.settings_status =
                        Some(crate::t!("state-settings-no-thread", error = e.to_string()));
                    None
                }
            }
        });
        // getifaddrs talks to the kernel over netlink: not on the window's thread.
        let (found, interfaces) = crossbeam_channel::bounded(1);
        let wake = ctx.clone();
        let listed = std::thread::Builder::new()
            .name("socklab-interfaces".into())
            .spawn(move || {
                let _ = found.send(crate::sys::interfaces().unwrap_or_default());
                wake.request_repaint();
            });
        if listed.is_err() {
            state.interfaces = Some(Vec::new());
        }
        SocklabApp {
            interfaces,
            engine,
            events,
            ctx,
            state,
            actions: Vec::new(),
            dialogs,
            settings_writer,
            saved_settings: settings.to_json(),
            zoom_applied: 1.0,
            least_at: None,
            startup: None,
        }
    }

    /// Reports on standard error how long after `started` the first frame was on screen
    /// (the benchmark reads it; `SOCKLAB_TIMING=1 socklab` shows it).
    pub fn report_startup(&mut self, started: Instant) {
        self.startup = Some((started, 0));
    }

    /// Counts a frame begun; the second begins once the first is painted and shown.
    fn startup_frame(&mut self) {
        let Some((started, frames)) = &mut self.startup else {
            return;
        };
        *frames += 1;
        match *frames {
            // Ask for a second frame at once: it starts when the first has been painted.
            1 => self.ctx.request_repaint(),
            _ => {
                eprintln!(
                    "socklab: first frame painted {:.1} ms after start",
                    started.elapsed().as_secs_f64() * 1000.0
                );
                self.startup = None;
            }
        }
    }

    /// Applies the events that arrived since the last frame.
    pub fn drain_events(&mut self) {
        // Before draining: whatever arrives from here on wakes the window once more.
        self.engine.rearm_wake();
        for ev in super::drain::frame_events(&self.events) {
            self.state.apply(ev);
        }
        self.actions.append(&mut self.state.followups);
        if !self.events.is_empty() {
            self.ctx.request_repaint();
        }
    }

    /// Queues an action, as a click does.
    pub fn push(&mut self, action: Action) {
        self.actions.push(action);
    }

    fn dispatch_actions(&mut self) {
        for a in std::mem::take(&mut self.actions) {
            let a = match a {
                // A dialog is modal: it answers before the next frame.
                Action::Choose { id, purpose } => {
                    let (title, open, name) = purpose.dialog();
                    let picked = if open {
                        self.dialogs.open_file(title)
                    } else {
                        self.dialogs.save_file(title, name)
                    };
                    match picked {
                        Some(path) => Action::Chosen { id, purpose, path },
                        None => {
                            // Cancelled, or no dialog could open (no desktop portal): a
                            // workspace has no field on a page, so say where to type it.
                            use super::state::Purpose;
                            match (purpose, id.and_then(|i| self.state.sockets.get_mut(&i))) {
                                (Purpose::WorkspaceOpen | Purpose::WorkspaceSave, _) => {
                                    self.state.workspace_status =
                                        Some(crate::t!("workspace-file-no-dialog"));
                                }
                                // A page's file: its field is beside the button, and so is
                                // the line that says so.
                                (Purpose::Export, Some(s)) => {
                                    s.export_status = Some(crate::t!("state-no-file-chosen"));
                                }
                                (_, Some(s)) => {
                                    s.status = Some(crate::t!("state-no-file-chosen"));
                                }
                                _ => {}
                            }
                            continue;
                        }
                    }
                }
                Action::Theme { preference } => {
                    self.ctx.set_theme(preference);
                    continue;
                }
                a => a,
            };
            self.state.dispatch(&self.engine, a);
        }
    }
}

impl Drop for SocklabApp {
    fn drop(&mut self) {
        self.engine.shutdown();
        // The last settings are written before the process ends (eframe saved them last).
        if let Some(w) = self.settings_writer.take() {
            let now = self.state.settings.to_json();
            let last = (now != self.saved_settings).then_some(now);
            if !w.finish(last, Duration::from_secs(5)) {
                eprintln!("socklab: the settings could not be saved within 5 s");
            }
        }
    }
}

impl SocklabApp {
    /// The settings' zoom and the window's agree: a change in the settings is applied, one
    /// made with Ctrl+plus or Ctrl+minus is kept in the settings.
    fn sync_zoom(&mut self, ctx: &egui::Context) {
        let now = ctx.zoom_factor();
        // The least size is in points, so as many more pixels as the zoom is larger: the
        // window is told it again at each zoom this frame is drawn at (it took the first at
        // no zoom, before the settings' was applied).
        if self.least_at != Some(now) {
            self.least_at = Some(now);
            ctx.send_viewport_cmd(egui::ViewportCommand::MinInnerSize(WINDOW_LEAST.into()));
        }
        if self.state.settings.zoom != self.zoom_applied {
            self.zoom_applied = self.state.settings.zoom;
            ctx.set_zoom_factor(self.zoom_applied);
        } else if now != self.zoom_applied {
            self.zoom_applied = now;
            self.state.settings.zoom = now;
        }
    }
}

impl eframe::App for SocklabApp {
    fn save(&mut self, _storage: &mut dyn eframe::Storage) {
        let Some(w) = &self.settings_writer else {
            return;
        };
        let now = self.state.settings.to_json();
        if now != self.saved_settings {
            // Refused while the last one is still being written: the next save offers it.
            w.offer(now);
        }
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        crate::engine::gate::frame_begins(ctx.current_pass_index());
        crate::i18n::set(self.state.lang());
        self.sync_zoom(ctx);
        self.startup_frame();
        self.drain_events();
        let makers = crate::ui::console::Makers::of(&self.state.consoles);
        for console in &mut self.state.consoles {
            console.poll(&makers);
            // A file's program ended: what it left open is said (python3 FILE would have
            // closed it as its process ended). Sockets not yet heard of are left out.
            let sockets = &self.state.sockets;
            if let Some(made) = console.file_ended(|id| sockets.contains_key(&id)) {
                let kept: Vec<(String, String)> = made
                    .iter()
                    .filter_map(|id| self.state.sockets.get(id))
                    .filter(|s| !s.closed)
                    .map(|s| (s.info.name.clone(), crate::ui::explain::doing(s)))
                    .collect();
                console.note_kept(&kept);
            }
        }
        // The real segments for the sequence diagram, from when it is first shown, the Python
        // console is opened or a lesson begins (so the handshake of what a learner typed or
        // a lesson made is there when the diagram is opened after it).
        if (self.state.centre == Centre::Sequence
            || self.state.bottom == Bottom::Console
            || self.state.lesson.is_some())
            && matches!(self.state.capture, CaptureState::NotTried)
        {
            let wake = ctx.clone();
            self.state.capture = match Capture::start(move || wake.request_repaint()) {
                Ok(c) => {
                    // A script's connect tells the capture its port before its first send.
                    self.engine.feed_capture(&c);
                    CaptureState::On(c)
                }
                Err(e) => {
                    CaptureState::Refused(super::state::refusal(e.raw_os_error(), &e.to_string()))
                }
            };
        }
        if self.state.take_segments(!self.events.is_empty()) {
            // A segment waits for its socket's address (its snapshot is on its way).
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if let Ok(list) = self.interfaces.try_recv() {
            self.state.interfaces = Some(list);
        }
        self.state.files_tick();
        self.state.lessons_tick(&self.engine);
        // One opening at a time: a workspace read meanwhile waits for it.
        if self.state.restore.is_none() {
            if let Some((ws, origin)) = self.state.pending_open.take() {
                self.state.open_workspace(&self.engine, ws, origin);
            }
        }
        if self.state.restore.is_some() {
            match self.state.open_tick(&self.engine) {
                Some(opened) => self.state.opened(&opened),
                // Its sockets' answers wake the window; a socket waiting for its peer to
                // listen is looked at again shortly, while the opening lasts.
                None => ctx.request_repaint_after(Duration::from_millis(50)),
            }
        }
        if self.state.first_client.is_some() {
            match self.state.first_run_tick() {
                Some(true) => super::shortcuts::request_focus(ctx, super::shortcuts::FOCUS_PAYLOAD),
                Some(false) => {}
                // Its connect's answer wakes the window; looked at again shortly meanwhile.
                None => ctx.request_repaint_after(Duration::from_millis(50)),
            }
        }
        self.state.first_hint_tick();
        crate::engine::gate::hand_over();
        if !self.state.lesson_queue.is_empty() {
            // Run it waits for a console to finish; its output wakes the window, but a
            // console that finished quietly does not.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        if std::mem::take(&mut self.state.save_settings_now) {
            if let Some(w) = &self.settings_writer {
                let now = self.state.settings.to_json();
                if now != self.saved_settings {
                    // Refused while the last one is being written: eframe's next save
                    // offers it again.
                    w.offer(now);
                }
            }
        }
        if let Some(w) = &self.settings_writer {
            for r in w.results() {
                match r {
                    Ok(written) => {
                        self.saved_settings = written;
                        self.state.settings_status = None;
                    }
                    Err(e) => self.state.settings_status = Some(e),
                }
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        crate::i18n::set(self.state.lang());
        super::shortcuts::read(ui, &self.state, &mut self.actions);
        egui::Panel::top("menu").show(ui, |ui| {
            let s = &mut self.state;
            panels::top_bar(
                ui,
                s.settings_status.as_deref(),
                s.settings.lang,
                (s.lessons_open, s.settings_open, s.inspector_open),
                &mut s.inputs.workspace_path,
                &mut self.actions,
            )
        });
        crate::engine::gate::hand_over();
        if let Some(said) = &self.state.workspace_status {
            egui::Panel::top("workspace notice").show(ui, |ui| {
                panels::workspace_bar(ui, said, &mut self.actions);
            });
        }
        if let Some(c) = &self.state.confirm_replace {
            egui::Panel::top("confirm").show(ui, |ui| {
                panels::confirm_bar(ui, c, &mut self.actions);
            });
        }
        // Side panels start narrower on a small screen, so the page between keeps room.
        let width = ui.available_width();
        let inspector_least = if self.state.inspector_open {
            INSPECTOR_LEAST
        } else {
            0.0
        };
        let list_most = (width - PAGE_LEAST - inspector_least)
            .max(LIST_LEAST)
            .min(width * 0.5);
        if self.state.lessons_open {
            // The lesson under the sockets it makes (a lesson's handful leave the list
            // room), the column wider meanwhile; the page and the inspector keep theirs.
            egui::Panel::left("sockets and lessons")
                .resizable(true)
                .default_size((width * 0.3).clamp(300.0, 420.0))
                .max_size(list_most)
                .show(ui, |ui| {
                    let tall = ui.available_height();
                    egui::Panel::bottom("lessons")
                        .resizable(true)
                        .default_size(tall * 0.5)
                        // The sockets list keeps its buttons and a few rows above it.
                        .max_size((tall - CENTRE_LEAST).max(120.0))
                        .show(ui, |ui| {
                            panels::lessons::show(ui, &self.state, &mut self.actions);
                        });
                    panels::sockets::show(ui, &self.state, &mut self.actions);
                });
        } else {
            egui::Panel::left("sockets")
                .resizable(true)
                // As wide as a row at its widest from the start where the window allows
                // (1250 px and up), so a long row does not widen it later.
                .default_size((width * 0.26).clamp(220.0, panels::sockets::LIST_WIDTH))
                .max_size(list_most)
                .show(ui, |ui| {
                    panels::sockets::show(ui, &self.state, &mut self.actions);
                });
        }
        crate::engine::gate::hand_over();
        if self.state.inspector_open {
            // Dragged as wide as it goes, or the window narrowed, the inspector leaves the
            // page between its room.
            let room = ui.available_width();
            egui::Panel::right("inspector")
                .resizable(true)
                // As wide as its options' table (name, level, value read back) at 1280 px.
                .default_size((width * 0.31).clamp(260.0, 400.0))
                .max_size((room - PAGE_LEAST).max(INSPECTOR_LEAST))
                .show(ui, |ui| {
                    // Exactly the panel's width, whatever its content asks: egui places a
                    // right panel's edge by its content's right, and the options' table
                    // (wider than a narrow panel) moved it under the page.
                    let rect = ui.available_rect_before_wrap();
                    let mut inner = ui.new_child(egui::UiBuilder::new().max_rect(rect));
                    inner.set_clip_rect(rect.intersect(ui.clip_rect()));
                    panels::inspector::show(&mut inner, &mut self.state, &mut self.actions);
                    ui.allocate_rect(rect, egui::Sense::hover());
                });
            crate::engine::gate::hand_over();
        }
        // Each page keeps its own height: the console wants more lines than the journal.
        let shown = if self.state.split { 2 } else { 1 };
        let file = self.state.consoles[..shown]
            .iter()
            .any(|c| c.file.is_some());
        let (id, share, most) = match self.state.bottom {
            Bottom::Journal => ("journal", 0.22, 200.0),
            // A file run shares the console with its transcript: taller, kept apart so a
            // person's own height for either stays theirs (at 0.36 of 800 px a file
            // shown above the transcript left it one line and the transcript four).
            Bottom::Console if file => ("console with a file", 0.5, 560.0),
            // Two consoles side by side: their file bars wrap to three rows each, and each
            // transcript had seven lines at 800 px.
            Bottom::Console if self.state.split => ("two consoles", 0.46, 500.0),
            // Enough lines for a session, and the diagrams above it keep most of the height.
            Bottom::Console => ("console", 0.36, 420.0),
        };
        // Dragged as high as it goes, the panel still leaves the centre its tabs and some
        // rows: a person who dragged it too far sees what to drag back.
        let tall = ui.available_height();
        egui::Panel::bottom(id)
            .resizable(true)
            .default_size((tall * share).clamp(120.0, most))
            .max_size((tall - CENTRE_LEAST).max(120.0))
            .show(ui, |ui| {
                let split = self.state.split;
                panels::bottom_tabs(ui, self.state.bottom, &mut self.actions, |ui, actions| {
                    if self.state.bottom == Bottom::Console {
                        panels::console::header(ui, split, actions);
                    }
                });
                match self.state.bottom {
                    Bottom::Journal => {
                        let s = &mut self.state;
                        let status = s.journal_status.as_deref();
                        let path = &mut s.inputs.journal_path;
                        panels::journal::show(ui, &s.journal, status, path, &mut self.actions);
                    }
                    Bottom::Console => {
                        panels::console::show(ui, &mut self.state, &mut self.actions);
                    }
                }
            });
        crate::engine::gate::hand_over();
        egui::CentralPanel::default_margins().show(ui, |ui| {
            panels::centre_tabs(ui, self.state.centre, &mut self.actions);
            match self.state.centre {
                Centre::Page => panels::workspace::show(ui, &mut self.state, &mut self.actions),
                Centre::Sequence => panels::sequence::show(ui, &self.state, &mut self.actions),
                Centre::Timeline => panels::timeline::show(ui, &self.state),
                Centre::Graphs => panels::graphs::show(ui, &self.state),
                Centre::Boundaries => panels::boundaries::show(ui, &self.state, &mut self.actions),
            }
        });
        crate::engine::gate::hand_over();
        super::shortcuts::help(ui.ctx(), &mut self.actions);
        panels::settings::show(ui.ctx(), &mut self.state, &mut self.actions);
        self.dispatch_actions();
        if self.state.has_countdown() || self.state.writes.busy() {
            // A blocked call's countdown ticks, a file's progress moves and its end is
            // looked for; nothing else repaints on a timer.
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        } else if let Some(next) = self.state.afterlife_next_change() {
            // TIME_WAIT's seconds left, as each one goes.
            ui.ctx().request_repaint_after(next);
        }
        crate::engine::gate::frame_made();
    }
}

#[cfg(test)]
mod tests {
    /// The window's icon decodes, square, at the size dist/ names it by.
    #[test]
    fn the_window_icon_decodes() {
        let i = super::icon().expect("the embedded PNG decodes");
        assert_eq!((i.width, i.height), (128, 128));
        assert_eq!(i.rgba.len(), 128 * 128 * 4);
    }

    /// dist/ agrees with itself and with the window: the menu entry, the metainfo and the
    /// window's id are one name; every icon size is the size its folder says; the Debian
    /// package installs each of them.
    #[test]
    fn the_desktop_files_name_the_window_and_every_icon() {
        let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
        let id = super::DESKTOP_ID;
        let desktop = std::fs::read_to_string(dist.join(format!("{id}.desktop"))).unwrap();
        assert!(desktop.contains(&format!("\nStartupWMClass={id}\n")));
        assert!(desktop.contains("\nIcon=socklab\n") && desktop.contains("\nExec=socklab\n"));
        let meta = std::fs::read_to_string(dist.join(format!("{id}.metainfo.xml"))).unwrap();
        assert!(meta.contains(&format!("<id>{id}</id>")));
        assert!(meta.contains(&format!(
            "<launchable type=\"desktop-id\">{id}.desktop</launchable>"
        )));
        assert!(meta.contains(&format!(
            "<release version=\"{}\"",
            env!("CARGO_PKG_VERSION")
        )));
        let cargo = std::fs::read_to_string(dist.join("../Cargo.toml")).unwrap();
        let mut sizes = 0;
        for e in std::fs::read_dir(dist.join("icons/hicolor"))
            .unwrap()
            .flatten()
        {
            let folder = e.file_name().to_string_lossy().to_string();
            let file = if folder == "scalable" {
                "socklab.svg"
            } else {
                "socklab.png"
            };
            let path = format!("dist/icons/hicolor/{folder}/apps/{file}");
            assert!(
                cargo.contains(&format!("[\"{path}\"")),
                "the package installs {path}"
            );
            if let Some((w, h)) = folder.split_once('x') {
                let bytes = std::fs::read(dist.join("..").join(&path)).unwrap();
                let icon = eframe::icon_data::from_png_bytes(&bytes).unwrap();
                let want: (u32, u32) = (w.parse().unwrap(), h.parse().unwrap());
                assert_eq!((icon.width, icon.height), want, "{path}");
                sizes += 1;
            }
        }
        assert!(sizes >= 7, "{sizes} PNG sizes");
    }
}
