//! The Python console: the transcript, what runs now (and which socket call it waits in),
//! and the line being typed with its prompt.

use std::time::Instant;

use egui::{Color32, Key, Modifiers, RichText};

use crate::ui::console::LineKind;
use crate::ui::state::{Action, UiState};

/// The input line's id: keys are read for it before it is drawn.
const INPUT: &str = "socklab console input";

pub fn show(ui: &mut egui::Ui, state: &mut UiState, actions: &mut Vec<Action>) {
    let input_id = egui::Id::unique(INPUT);
    if crate::ui::shortcuts::taken(ui.ctx(), crate::ui::shortcuts::FOCUS_CONSOLE) {
        ui.memory_mut(|m| m.request_focus(input_id));
    }
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Clear console")
            .on_hover_text("Forget the transcript (the session keeps its names).")
            .clicked()
        {
            actions.push(Action::ConsoleClear);
        }
        ui.label(
            RichText::new("Python as python3's console runs it, on the window's sockets.").weak(),
        )
        .on_hover_text(
            "Sockets made here appear in the list under the names they are given (srv, \
                 conn); the window's sockets are here under theirs (s1, conn1...). Up and \
                 Down bring back what was typed; a block ends at an empty line.",
        );
    });
    // From the bottom up: the line, what runs, then the transcript in all that is left
    // (sized by what is left, the panel keeps the height it was given).
    ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
        input_row(ui, state, actions, input_id);
        running(ui, state);
        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
            transcript(ui, state);
        });
    });
}

/// The prompt, the line being typed, and Interrupt.
fn input_row(
    ui: &mut egui::Ui,
    state: &mut UiState,
    actions: &mut Vec<Action>,
    input_id: egui::Id,
) {
    // Keys for the line, read before the field takes them.
    let focused = ui.memory(|m| m.has_focus(input_id));
    let console = &state.console;
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
            actions.push(Action::ConsoleInterrupt);
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowUp)) {
            actions.push(Action::ConsoleHistory { back: true });
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::ArrowDown)) {
            actions.push(Action::ConsoleHistory { back: false });
        }
        if ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Tab)) {
            actions.push(Action::ConsoleComplete);
        }
    }
    ui.horizontal(|ui| {
        // The field's name for screen readers and tests; the prompt beside it changes.
        let name = ui.label(RichText::new("python").weak());
        ui.label(RichText::new(state.console.prompt()).monospace().strong());
        let width = (ui.available_width() - 150.0).max(120.0);
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.console.input)
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
        if std::mem::take(&mut state.console.cursor_to_end) {
            if let Some(mut s) = egui::TextEdit::load_state(ui.ctx(), input_id) {
                let end = egui::text::CCursor::new(state.console.input.chars().count());
                s.cursor
                    .set_char_range(Some(egui::text::CCursorRange::one(end)));
                s.store(ui.ctx(), input_id);
            }
        }
        if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
            actions.push(Action::ConsoleSubmit);
            field.request_focus();
        }
        let can = state.console.busy() || state.console.prompt() != ">>> ";
        if ui
            .add_enabled(can, egui::Button::new("Interrupt (Ctrl+C)"))
            .on_hover_text(
                "KeyboardInterrupt in the statement running, as Ctrl+C in python3 (a blocked \
                 accept or recv ends having taken nothing); at a ... prompt, drops the block.",
            )
            .clicked()
        {
            actions.push(Action::ConsoleInterrupt);
        }
    });
}

fn has_selection(ui: &egui::Ui, id: egui::Id) -> bool {
    egui::TextEdit::load_state(ui.ctx(), id)
        .and_then(|s| s.cursor.char_range())
        .is_some_and(|r| !r.is_empty())
}

/// The transcript: one row per line, at a fixed height (show_rows draws only those seen).
fn transcript(ui: &mut egui::Ui, state: &UiState) {
    let console = &state.console;
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + ui.spacing().item_spacing.y;
    let error = Color32::from_rgb(230, 80, 70);
    egui::ScrollArea::vertical()
        .id_salt("console")
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show_rows(ui, row_h, console.lines.len(), |ui, range| {
            for line in console.lines.range(range) {
                let text = RichText::new(&line.text).monospace();
                let text = match line.kind {
                    LineKind::Input => text.strong(),
                    LineKind::Output => text,
                    LineKind::Error => text.color(error),
                    LineKind::Note => text.weak().italics(),
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

/// While a statement runs: what it is, and each socket call waiting now.
fn running(ui: &mut egui::Ui, state: &UiState) {
    let Some((first, _)) = state.console.running() else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("running: {first}")).monospace());
        let now = Instant::now();
        for view in state.sockets.values() {
            for w in &view.waiting {
                let left = match w.deadline {
                    Some(d) => format!(
                        "times out in {:.1} s",
                        d.saturating_duration_since(now).as_secs_f64()
                    ),
                    None => "blocking: waits until it happens".to_string(),
                };
                ui.label(
                    RichText::new(format!("— {}.{}() waiting, {left}", view.info.name, w.op))
                        .color(Color32::from_rgb(230, 160, 40)),
                );
            }
        }
        ui.label(RichText::new("(Ctrl+C interrupts)").weak());
    });
}
