//! The Python consoles (one, or two side by side): each with its file bar (run or step
//! through a .py file, its text beside the transcript with the line it stopped at), the
//! transcript, what runs now (and which socket call it waits in), and the line being typed.

use std::time::Instant;

use egui::{Color32, Key, Modifiers, RichText};

use crate::pyrt::session::Step;
use crate::t;
use crate::ui::console::{named, Console, FileView, LineKind};
use crate::ui::state::{Action, Purpose, UiState};
use crate::ui::widgets::{button_as, labelled_edit_as};

/// The input line's id: keys are read for it before it is drawn.
const INPUT: &str = "socklab console input";
/// Narrower than this, a console shows its file above the transcript, not beside it.
const SIDE_BY_SIDE: f32 = 760.0;
/// The file's field: narrower than this beside the rest of the bar, it takes a row of its
/// own (a tutorial's path, folder and file name); never wider than the most.
const FILE_MIN: f32 = 320.0;
const FILE_MAX: f32 = 640.0;
/// The arguments' field at its narrowest and widest, and the least it has beside the
/// buttons when the bar wraps (a port and a few words: "9000 hello world 你好"); less, and
/// it takes its row, the buttons the next.
const ARGS_W: f32 = 80.0;
const ARGS_MAX: f32 = 320.0;
const ARGS_WANT: f32 = 150.0;

/// The least room on the tabs' row for the line that says what the console is.
const ABOUT_LEAST: f32 = 60.0;

/// The consoles' switches, on the row of the bottom panel's tabs.
pub fn header(ui: &mut egui::Ui, split: bool, actions: &mut Vec<Action>) {
    ui.separator();
    let mut split = split;
    if ui
        .checkbox(&mut split, t!("console-split"))
        .on_hover_text(t!("console-split-tip"))
        .changed()
    {
        actions.push(Action::ConsoleSplit { on: split });
    }
    // One line: cut short where the row ends, whole in its tip. Left out where the row
    // has no room for a word of it: its "…" alone widened the panel past its edge, and the
    // consoles below were laid out that much wider than what shows of them.
    if ui.available_width() >= ABOUT_LEAST {
        ui.add(egui::Label::new(RichText::new(t!("console-about")).weak()).truncate())
            .on_hover_text(t!("console-about-tip"));
    }
}

pub fn show(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    if state.split {
        ui.columns(2, |columns| {
            for (which, ui) in columns.iter_mut().enumerate() {
                one(ui, state, which, actions);
            }
        });
    } else {
        one(ui, state, 0, actions);
    }
}

/// One console: its file bar, then the file beside the transcript (when one was run).
fn one(ui: &mut egui::Ui, state: &mut UiState, which: usize, actions: &mut Vec<Action>) {
    let input_id = egui::Id::unique(INPUT).with(which);
    if which == 0 && crate::ui::shortcuts::taken(ui.ctx(), crate::ui::shortcuts::FOCUS_CONSOLE) {
        ui.memory_mut(|m| m.request_focus(input_id));
    }
    file_bar(ui, &mut state.consoles[which], actions);
    let shown = state.consoles[which].file.is_some();
    let still = threads_waiting(state, which);
    let size = ui.available_size();
    if let Some(file) = &mut state.consoles[which].file {
        let wide = size.x >= SIDE_BY_SIDE;
        if file.wide.replace(wide) != Some(wide) {
            file.scroll_to = true;
        }
    }
    if !shown {
        body(ui, state, which, actions, input_id);
    } else if size.x >= SIDE_BY_SIDE {
        // Wide: the file on the left, the transcript on the right.
        ui.horizontal_top(|ui| {
            let source_w = (size.x * 0.45).max(160.0);
            ui.allocate_ui_with_layout(
                egui::vec2(source_w, size.y),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    if let Some(file) = &mut state.consoles[which].file {
                        source(ui, file, (which, &still), actions);
                    }
                },
            );
            ui.separator();
            let rest = ui.available_size();
            ui.allocate_ui_with_layout(rest, egui::Layout::top_down(egui::Align::Min), |ui| {
                body(ui, state, which, actions, input_id)
            });
        });
    } else {
        // Narrow (two consoles): the file above the transcript, leaving the transcript
        // room for the line, what runs and Interrupt (a low panel shortens the file; when
        // stepping, to three of its lines at least: the one it stops at and its
        // neighbours; a file that just runs leaves the room to what it prints).
        let stepping = state.consoles[which]
            .file
            .as_ref()
            .is_some_and(|f| f.stepping && f.running);
        let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
        let least = if stepping {
            (row_h * 3.0 + ui.text_style_height(&egui::TextStyle::Body) + 12.0).min(size.y * 0.6)
        } else {
            40.0
        };
        // A file that runs leaves more to what it prints (and what it waits in, said on
        // lines of their own) than one stepped through, whose lines are the point.
        let share = if stepping { 0.45 } else { 0.38 };
        let source_h = (size.y * share).min(size.y - BODY_MIN).max(least);
        ui.allocate_ui_with_layout(
            egui::vec2(size.x, source_h),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                if let Some(file) = &mut state.consoles[which].file {
                    source(ui, file, (which, &still), actions);
                }
            },
        );
        ui.separator();
        body(ui, state, which, actions, input_id);
    }
}

/// Height the transcript, what runs and the line need below a file shown above them.
const BODY_MIN: f32 = 150.0;

/// From the bottom up: the line, what runs, then the transcript in all that is left
/// (sized by what is left, the panel keeps the height it was given).
fn body(
    ui: &mut egui::Ui,
    state: &mut UiState,
    which: usize,
    actions: &mut Vec<Action>,
    input_id: egui::Id,
) {
    // Drawn bottom up: whatever does not fit is cut at the top of its own part, never
    // drawn over the file or the file bar above it (the part is what is left below them,
    // not the panel's whole rect).
    let part = ui.available_rect_before_wrap();
    ui.set_clip_rect(part.intersect(ui.clip_rect()));
    ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
        input_row(ui, &mut state.consoles[which], actions, input_id);
        running(ui, state, which);
        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            transcript(ui, &mut state.consoles[which]);
        });
    });
}

/// The file to run, its arguments, Run and Step through; while it waits at a line, Next
/// line and Continue.
fn file_bar(ui: &mut egui::Ui, console: &mut Console, actions: &mut Vec<Action>) {
    let which = console.which;
    let running = console.file.as_ref().is_some_and(|f| f.running);
    let file = t!("console-file");
    let open = t!("console-open");
    let arguments = t!("console-arguments");
    // The file's field takes what the bar leaves it, so a path shows its file's name: all
    // of one row when the rest of the bar would leave it less than FILE_MIN (the rest on
    // the row below), else what is left of the one row. (Close file is counted whether
    // shown or not: the field keeps its width as a run ends and starts.)
    let gap = ui.spacing().item_spacing.x;
    let word = |ui: &egui::Ui, text: &str, style: egui::TextStyle| {
        egui::WidgetText::from(text)
            .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, style)
            .size()
            .x
    };
    let button = |ui: &egui::Ui, text: &str| {
        word(ui, text, egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.x + gap
    };
    let head = word(ui, &file, egui::TextStyle::Body) + gap + button(ui, &open) + gap;
    let args_head = word(ui, &arguments, egui::TextStyle::Body) + gap;
    let buttons: Vec<f32> = [
        t!("console-run-button"),
        t!("console-step-button"),
        t!("console-clear"),
        t!("console-close-file"),
    ]
    .iter()
    .map(|b| button(ui, b))
    .collect();
    let rest = args_head + ARGS_W + gap + buttons.iter().sum::<f32>();
    let whole = ui.available_width();
    let one_row = whole - head - rest >= FILE_MIN;
    let field_w = if one_row {
        whole - head - rest
    } else {
        whole - head
    }
    .clamp(120.0, FILE_MAX);
    // The arguments' field, when the bar wraps: what its row leaves after the buttons that
    // fit on it beside the field at its narrowest (the others wrap below as they did).
    let args_w = if one_row {
        ARGS_W
    } else {
        let mut used = args_head + ARGS_W + gap;
        for b in &buttons {
            if used + b > whole {
                break;
            }
            used += b;
        }
        // (A pixel short of the row's end: the last button must not wrap.)
        let beside = ARGS_W + whole - used - 2.0;
        if beside < ARGS_WANT {
            whole - args_head - 2.0
        } else {
            beside
        }
    }
    .clamp(ARGS_W, ARGS_MAX);
    ui.horizontal_wrapped(|ui| {
        labelled_edit_as(
            ui,
            &file,
            &named(&file, which),
            &mut console.script_path,
            field_w,
        )
        .on_hover_text(t!("console-file-tip"));
        if button_as(ui, true, &open, &named(&open, which))
            .on_hover_text(t!("console-open-tip"))
            .clicked()
        {
            actions.push(Action::Choose {
                id: None,
                purpose: Purpose::Script { which },
            });
        }
        if !one_row {
            ui.end_row();
        }
        labelled_edit_as(
            ui,
            &arguments,
            &named(&arguments, which),
            &mut console.script_args,
            args_w,
        )
        .on_hover_text(t!("console-arguments-tip"));
        let run = t!("console-run-button");
        if button_as(ui, !running, &run, &named(&run, which))
            .on_hover_text(t!("console-run-button-tip"))
            .on_disabled_hover_text(t!("console-run-busy"))
            .clicked()
        {
            actions.push(Action::ConsoleRunFile { which, step: false });
        }
        let step = t!("console-step-button");
        if button_as(ui, !running, &step, &named(&step, which))
            .on_hover_text(t!("console-step-button-tip"))
            .on_disabled_hover_text(t!("console-run-busy"))
            .clicked()
        {
            actions.push(Action::ConsoleRunFile { which, step: true });
        }
        let clear = t!("console-clear");
        if button_as(ui, true, &clear, &named(&clear, which))
            .on_hover_text(t!("console-clear-tip"))
            .clicked()
        {
            actions.push(Action::ConsoleClear { which });
        }
        // Last: it comes and goes as a run ends and starts, and the buttons before it
        // stay where a person's hand expects them.
        if console.file.is_some() && !running && {
            let close = t!("console-close-file");
            button_as(ui, true, &close, &named(&close, which))
        }
        .on_hover_text(t!("console-close-file-tip"))
        .clicked()
        {
            actions.push(Action::ConsoleCloseFile { which });
        }
    });
}

/// The calls console `which`'s sockets wait in ("conn4.recv()") while no statement of its
/// own runs: after its file ended, those are its threads', which go on serving (as under
/// python3 -i), so "ended" alone would be untrue.
fn threads_waiting(state: &UiState, which: usize) -> Vec<String> {
    let console = &state.consoles[which];
    if console.busy() || console.file.as_ref().is_none_or(|f| f.running) {
        return Vec::new();
    }
    // Its program's calls only (not one the socket's page made), the first few named.
    const NAMED: usize = 3;
    let calls: Vec<String> = state
        .sockets
        .values()
        .filter(|s| !s.closed && !s.waiting.is_empty())
        .flat_map(|s| {
            s.waiting
                .iter()
                .filter(|w| console.has_call(w.req))
                .map(|w| format!("{}.{}()", s.info.name, w.op))
        })
        .collect();
    let mut named: Vec<String> = calls.iter().take(NAMED).cloned().collect();
    if calls.len() > NAMED {
        named.push(t!("console-file-and-more", n = calls.len() - NAMED));
    }
    named
}

/// The file's text with its line numbers; the line it waits before is highlighted and
/// scrolled to (the one it runs, after a step, in another colour); Next line and Continue
/// beside what it does now; `still`: the calls its threads wait in after it ended.
fn source(
    ui: &mut egui::Ui,
    file: &mut FileView,
    (which, still): (usize, &[String]),
    actions: &mut Vec<Action>,
) {
    let name = file
        .path
        .rsplit('/')
        .next()
        .unwrap_or(&file.path)
        .to_string();
    let state = match (file.running, file.at, file.ran) {
        (true, Some(line), _) => t!("console-file-stopped", name = &name, line = line),
        (true, None, Some(line)) => t!("console-file-running-line", name = &name, line = line),
        (true, None, None) => t!("console-file-running", name = &name),
        (false, _, _) if !file.read => t!("console-file-not-run", name = &name),
        (false, _, _) if !still.is_empty() => t!(
            "console-file-ended-threads",
            name = &name,
            calls = still.join(", ")
        ),
        (false, _, _) => t!("console-file-ended", name = &name),
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(state).strong())
            .on_hover_text(file.path.as_str());
        if file.running && file.stepping {
            let paused = file.at.is_some();
            let next = t!("console-next-line");
            if button_as(ui, paused, &next, &named(&next, which))
                .on_hover_text(t!("console-next-line-tip"))
                .clicked()
            {
                actions.push(Action::ConsoleStep {
                    which,
                    how: Step::Line,
                });
            }
            let go_on = t!("console-continue");
            if button_as(ui, true, &go_on, &named(&go_on, which))
                .on_hover_text(t!("console-continue-tip"))
                .clicked()
            {
                actions.push(Action::ConsoleStep {
                    which,
                    how: Step::Continue,
                });
            }
        }
    });
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
    let mut area = egui::ScrollArea::both()
        .id_salt(("console source", which))
        .auto_shrink([false, false])
        // The height it was given, however low: the transcript below keeps its own.
        .min_scrolled_height(0.0);
    if std::mem::take(&mut file.scroll_to) {
        if let Some(line) = file.at.or(file.ran) {
            // The current line a third of the way down the rows seen, and seen whole
            // however few they are (one row: that line, not the one before it).
            let above = ((ui.available_height() - row_h) / 3.0).max(0.0);
            let top = (line.saturating_sub(1) as f32) * row_h - above;
            area = area.vertical_scroll_offset(top.max(0.0));
        }
    }
    let width = file.lines.len().max(1).to_string().len();
    let current = Color32::from_rgba_unmultiplied(230, 160, 40, 70);
    let running = Color32::from_rgba_unmultiplied(60, 140, 230, 70);
    area.show_rows(ui, row_h, file.lines.len(), |ui, range| {
        for n in range {
            let number = n as u32 + 1;
            let text = format!("{number:>width$}  {}", file.lines[n]);
            let text = RichText::new(text).monospace();
            let text = if file.at == Some(number) {
                text.strong().background_color(current)
            } else if file.ran == Some(number) {
                text.strong().background_color(running)
            } else {
                text
            };
            ui.add(egui::Label::new(text).extend());
        }
    });
}

/// The prompt, the line being typed, and Interrupt.
fn input_row(
    ui: &mut egui::Ui,
    console: &mut Console,
    actions: &mut Vec<Action>,
    input_id: egui::Id,
) {
    let which = console.which;
    // Keys for the line, read before the field takes them.
    let focused = ui.memory(|m| m.has_focus(input_id));
    if focused {
        let interruptible =
            console.busy() || console.prompt() != ">>> " || !console.input.is_empty();
        // Ctrl+C arrives as a copy: with nothing selected to copy, it interrupts.
        let copy = ui.input(|i| {
            i.events.iter().any(|e| matches!(e, egui::Event::Copy))
                || i.key_pressed(Key::C) && i.modifiers.command_only()
        });
        if copy && interruptible && !has_selection(ui, input_id) {
            ui.input_mut(|i| {
                i.events.retain(|e| !matches!(e, egui::Event::Copy));
                i.consume_key(Modifiers::COMMAND, Key::C);
            });
            actions.push(Action::ConsoleInterrupt { which });
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowUp)) {
            actions.push(Action::ConsoleHistory { which, back: true });
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowDown)) {
            actions.push(Action::ConsoleHistory { which, back: false });
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Tab)) {
            actions.push(Action::ConsoleComplete { which });
        }
    }
    // Interrupt is there only while there is something to interrupt (a statement running,
    // a block being typed): beside the line where the row has room for both, else on a
    // row of its own above it (a narrow column, a zoomed window), never over the next
    // column.
    let can = console.busy() || console.prompt() != ">>> ";
    let beside = ui
        .horizontal(|ui| {
            // The field's name for screen readers and tests; the prompt beside it changes.
            let name = ui.label(RichText::new(named("python", which)).weak());
            ui.label(RichText::new(console.prompt()).monospace().strong());
            let room = ui.available_width();
            let beside = can && room >= INTERRUPT_W + 80.0;
            let width = if beside {
                room - INTERRUPT_W
            } else {
                (room - 8.0).max(60.0)
            };
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut console.input)
                        .id(input_id)
                        .font(egui::TextStyle::Monospace)
                        // Tab completes and Up/Down walk the history: the line keeps the
                        // keyboard instead of passing focus on.
                        .event_filter(egui::EventFilter {
                            tab: true,
                            horizontal_arrows: true,
                            vertical_arrows: true,
                            escape: false,
                        })
                        .desired_width(width),
                )
                .labelled_by(name.id);
            if std::mem::take(&mut console.cursor_to_end) {
                if let Some(mut s) = egui::TextEdit::load_state(ui.ctx(), input_id) {
                    let end = egui::text::CCursor::new(console.input.chars().count());
                    s.cursor
                        .set_char_range(Some(egui::text::CCursorRange::one(end)));
                    s.store(ui.ctx(), input_id);
                }
            }
            if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                actions.push(Action::ConsoleSubmit { which });
                field.request_focus();
            }
            if beside {
                interrupt_button(ui, which, actions);
            }
            beside
        })
        .inner;
    if can && !beside {
        ui.horizontal(|ui| interrupt_button(ui, which, actions));
    }
}

/// Room the Interrupt button takes beside the line.
const INTERRUPT_W: f32 = 150.0;

fn interrupt_button(ui: &mut egui::Ui, which: usize, actions: &mut Vec<Action>) {
    let interrupt = t!("console-interrupt");
    if button_as(ui, true, &interrupt, &named(&interrupt, which))
        .on_hover_text(t!("console-interrupt-tip"))
        .clicked()
    {
        actions.push(Action::ConsoleInterrupt { which });
    }
}

fn has_selection(ui: &egui::Ui, id: egui::Id) -> bool {
    egui::TextEdit::load_state(ui.ctx(), id)
        .and_then(|s| s.cursor.char_range())
        .is_some_and(|r| !r.is_empty())
}

/// The transcript, each line wrapped at the panel's width (the font is monospace: a
/// line's rows are known from its characters), drawn a row at a time: show_rows draws
/// only the rows in view, however long the transcript.
fn transcript(ui: &mut egui::Ui, console: &mut Console) {
    let to_end = std::mem::take(&mut console.to_end);
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
    let cell = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let columns = columns_in(ui.available_width(), cell);
    let (starts, total) = console.wrapped(columns);
    let error = Color32::from_rgb(230, 80, 70);
    // socklab's word under an error: apart from Python's text, readable in either theme.
    let explained = if ui.visuals().dark_mode {
        Color32::from_rgb(120, 170, 230)
    } else {
        Color32::from_rgb(30, 90, 170)
    };
    let area = egui::ScrollArea::vertical()
        .id_salt(("console", console.which))
        .auto_shrink([false, false])
        // Only the room left above what runs: never drawn over it.
        .min_scrolled_height(0.0)
        .stick_to_bottom(true);
    let spaced = row_h + ui.spacing().item_spacing.y;
    area.show_rows(ui, row_h, total, |ui, range| {
        if to_end {
            // The transcript's last row into view at once (no animation): the area is at
            // its bottom again and sticks there as output comes.
            let top = ui.max_rect().top() - range.start as f32 * spaced;
            let bottom = top + spaced * total as f32 - ui.spacing().item_spacing.y;
            let x = ui.max_rect().left();
            ui.scroll_to_rect_animation(
                egui::Rect::from_min_max(egui::pos2(x, bottom - 1.0), egui::pos2(x + 1.0, bottom)),
                Some(egui::Align::BOTTOM),
                egui::style::ScrollAnimation::none(),
            );
        }
        for row in range {
            let at = starts.partition_point(|s| *s <= row).saturating_sub(1);
            let Some(line) = console.lines.get(at) else {
                continue;
            };
            let piece = crate::ui::console::piece_of(&line.text, columns, row - starts[at]);
            let text = RichText::new(piece).monospace();
            let text = match line.kind {
                LineKind::Input => text.strong(),
                LineKind::Output => text,
                LineKind::Error => text.color(error),
                LineKind::Note => text.weak().italics(),
                LineKind::Explained => text.color(explained),
            };
            let r = ui.add(
                egui::Label::new(text)
                    .truncate()
                    .sense(egui::Sense::click()),
            );
            if r.clicked() {
                ui.ctx().copy_text(line.text.clone());
            }
        }
    });
}

/// The transcript's columns in `width` px of `cell` px each, the scroll bar's room kept.
/// However narrow the console, never more than fit: a row wider than its room is cut
/// with '…', and the characters under the cut are in no row.
fn columns_in(width: f32, cell: f32) -> usize {
    // (Two at least: a row takes one character whatever its width, and a wide one takes two.)
    ((width - 16.0) / cell.max(1.0)).floor().max(2.0) as usize
}

/// Waiting calls said one per line, at most; more are counted on one line.
const MAX_WAIT_LINES: usize = 2;
/// Queued lines said one per line, at most; more are counted.
const MAX_QUEUED_LINES: usize = 3;

/// While a statement runs: what it is, and each socket call of its session waiting now
/// (the other console's are the other's), a line each (drawn from the bottom up, in the
/// bottom-up layout).
fn running(ui: &mut egui::Ui, state: &UiState, which: usize) {
    let Some((first, _)) = state.consoles[which].running() else {
        return;
    };
    let now = Instant::now();
    let console = &state.consoles[which];
    // Lines typed meanwhile wait their turn: said here, nearest the line typed into, and
    // shown in the transcript only as their statement begins.
    let queued: Vec<&str> = console.queued().collect();
    let shown = queued.len().min(MAX_QUEUED_LINES);
    // (Bottom up: the count of the rest first, below the first few.)
    if queued.len() > shown {
        ui.label(RichText::new(t!("console-queued-more", n = queued.len() - shown)).weak());
    }
    for line in queued[..shown].iter().rev() {
        ui.add(
            egui::Label::new(
                RichText::new(t!("console-queued", line = *line))
                    .monospace()
                    .weak(),
            )
            .truncate(),
        );
    }
    // A server's threads may each wait (a recv per client): the first few are said, the
    // rest counted, so the lines never outgrow the console's room for them.
    let waits: Vec<_> = state
        .sockets
        .values()
        .flat_map(|view| {
            view.waiting
                .iter()
                .filter(|w| console.has_call(w.req))
                .map(move |w| (view, w))
        })
        .collect();
    // Calls that wait alike (a threaded server's recv per client, none with a timeout)
    // share one line: what ends them is said once, and the transcript keeps its room.
    let mut lines: Vec<(Vec<String>, String)> = Vec::new();
    for (view, w) in &waits {
        let left = match w.deadline {
            Some(d) => t!(
                "console-times-out",
                secs = format!("{:.1}", d.saturating_duration_since(now).as_secs_f64())
            ),
            None => t!(
                "console-blocking",
                way = crate::ui::explain::way_out(w.op, false, view)
            ),
        };
        let call = format!("{}.{}()", view.info.name, w.op);
        match lines
            .iter_mut()
            .find(|(_, l)| w.deadline.is_none() && *l == left)
        {
            Some((calls, _)) => calls.push(call),
            None => lines.push((vec![call], left)),
        }
    }
    let said: usize = lines
        .iter()
        .take(MAX_WAIT_LINES)
        .map(|(c, _)| c.len())
        .sum();
    if waits.len() > said {
        ui.label(
            RichText::new(t!("console-waiting-more", n = waits.len() - said))
                .color(crate::ui::style::warning(ui.visuals().dark_mode)),
        );
    }
    // (Bottom up: the last first, so they read in order from the top.)
    for (calls, left) in lines.into_iter().take(MAX_WAIT_LINES).rev() {
        ui.add(
            egui::Label::new(
                RichText::new(t!(
                    "console-waiting",
                    calls = calls.join(&t!("files-list-separator")),
                    left = left
                ))
                .color(crate::ui::style::warning(ui.visuals().dark_mode)),
            )
            // What ends the wait is the point of the line: wrapped, not cut.
            .wrap(),
        );
    }
    // Waits in select() and its kin, oldest first: alike ones said once, the rest counted.
    let mut said: Vec<String> = Vec::new();
    let selects = console.selects();
    for wait in &selects {
        let line = selecting(state, wait);
        if !said.contains(&line) {
            said.push(line);
        }
    }
    let more = said.len().saturating_sub(MAX_WAIT_LINES);
    said.truncate(MAX_WAIT_LINES);
    if more > 0 {
        ui.label(
            RichText::new(t!("console-selecting-more", n = more))
                .color(crate::ui::style::warning(ui.visuals().dark_mode)),
        );
    }
    for line in said.into_iter().rev() {
        ui.add(
            egui::Label::new(
                RichText::new(line).color(crate::ui::style::warning(ui.visuals().dark_mode)),
            )
            .wrap(),
        );
    }
    if let Some(line) = spinning_on_eof(state, which) {
        ui.add(
            egui::Label::new(
                RichText::new(line).color(crate::ui::style::warning(ui.visuals().dark_mode)),
            )
            .wrap(),
        );
    }
    ui.add(
        egui::Label::new(RichText::new(t!("console-running", what = first)).monospace()).truncate(),
    );
}

/// The tutorials' pitfall, said while it happens: a loop reading a stream whose peer has
/// closed gets b'' at once, again and again, unless it stops on it. Said (for the socket
/// that spun most, of those this console's program made) from the second b'' on, while
/// the statement runs.
fn spinning_on_eof(state: &UiState, which: usize) -> Option<String> {
    let console = &state.consoles[which];
    let (_, ran) = console.running()?;
    let began = Instant::now().checked_sub(ran)?;
    // Two b'' while this statement runs: a b'' at an earlier prompt is no loop of its.
    let spinning =
        |v: &&crate::ui::state::SockView| v.ended_at.iter().all(|t| t.is_some_and(|t| t >= began));
    let view = state
        .sockets
        .values()
        .filter(|v| !v.closed && spinning(v) && console.made(v.info.id))
        .max_by_key(|v| v.ended_reads)?;
    // After its own shutdown(SHUT_RD) no peer need have closed anything.
    let shut = view.snapshot.as_ref().is_some_and(|x| x.shut.read);
    let (name, n) = (view.info.name.clone(), view.ended_reads);
    Some(if shut {
        t!("console-stream-shut-loop", name = name, n = n)
    } else {
        t!("console-stream-ended-loop", name = name, n = n)
    })
}

/// Sockets a select() line names, at most; the rest are counted.
const MAX_SELECTED_SAID: usize = 3;

/// A wait in select(): what it waits for, in the words of each socket's state ("srv has a
/// connection to accept"), the descriptors it cannot name by number.
fn selecting(state: &UiState, wait: &crate::pyrt::Selecting) -> String {
    use crate::engine::{Kind, SockState};
    let name = |fd: i32| {
        state
            .sockets
            .values()
            .find(|v| !v.closed && v.info.fd == fd)
    };
    let mut said: Vec<String> = Vec::new();
    let ways = wait.read.iter().map(|fd| (*fd, true));
    let ways = ways.chain(wait.write.iter().map(|fd| (*fd, false)));
    // Only those said are put in words: a server's hundred clients cost a frame no more.
    for (fd, read) in ways.take(MAX_SELECTED_SAID) {
        let phrase = match name(fd) {
            Some(v) if !read => t!("console-select-write", name = v.info.name.clone()),
            Some(v)
                if v.snapshot
                    .as_ref()
                    .is_some_and(|s| s.state == SockState::Listening) =>
            {
                t!("console-select-accept", name = v.info.name.clone())
            }
            Some(v) if v.info.kind == Kind::Stream => {
                t!("console-select-read", name = v.info.name.clone())
            }
            Some(v) => t!("console-select-datagram", name = v.info.name.clone()),
            None if read => t!("console-select-fd-read", fd = fd),
            None => t!("console-select-fd-write", fd = fd),
        };
        said.push(phrase);
    }
    let more = wait.more + (wait.read.len() + wait.write.len()).saturating_sub(said.len());
    let mut what = said.join(&t!("console-select-or"));
    if more > 0 {
        what.push_str(&t!("console-select-more", n = more));
    }
    if what.is_empty() {
        return t!("console-selecting-nothing", call = wait.call.clone());
    }
    t!("console-selecting", call = wait.call.clone(), what = what)
}

#[cfg(test)]
mod tests {
    use super::columns_in;

    #[test]
    fn a_narrow_transcript_has_no_more_columns_than_fit() {
        // 150 px of 7.8 px cells: 17 columns, not a least of 20 drawn cut.
        assert_eq!(columns_in(150.0, 7.8), 17);
        assert_eq!(columns_in(182.0, 7.8), 21);
        assert_eq!(columns_in(10.0, 7.8), 2);
        assert_eq!(columns_in(100.0, 0.0), 84);
    }
}
