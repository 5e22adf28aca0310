//! The lessons panel: the list of lessons, or the lesson under way a step at a time, with
//! its Python, a click that runs it, and what to look at (checked live).

use crate::i18n::text;
use crate::t;
use crate::ui::lessons::{Code, LESSONS};
use crate::ui::state::{Action, UiState};

pub fn show(ui: &mut egui::Ui, s: &UiState, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading(t!("lessons-heading"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(t!("lessons-close"))
                .on_hover_text(t!("lessons-close-tip"))
                .clicked()
            {
                actions.push(Action::LessonsShow { open: false });
            }
        });
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| match &s.lesson {
            None => list(ui, &s.settings.lessons_done, actions),
            Some(run) => lesson(ui, s, run, actions),
        });
}

fn list(ui: &mut egui::Ui, done: &[String], actions: &mut Vec<Action>) {
    ui.label(t!("lessons-intro"));
    ui.add_space(6.0);
    for (k, l) in LESSONS.iter().enumerate() {
        ui.group(|ui| {
            ui.set_width(ui.available_width());
            let title = text(l.title, None);
            ui.horizontal_wrapped(|ui| {
                // The title is the Start button's name, for a screen reader and tests.
                let name = ui.strong(&title);
                if done.contains(&l.key.to_string()) {
                    ui.label(t!("lessons-completed"));
                }
                if ui
                    .button(t!("lessons-start"))
                    .labelled_by(name.id)
                    .clicked()
                {
                    actions.push(Action::LessonStart {
                        lesson: k,
                        port: None,
                    });
                }
            });
            ui.label(text(l.summary, None));
        });
    }
}

fn lesson(
    ui: &mut egui::Ui,
    s: &UiState,
    run: &crate::ui::lessons::LessonRun,
    actions: &mut Vec<Action>,
) {
    let l = run.lesson();
    let n = l.steps.len();
    let k = run.step.min(n.saturating_sub(1));
    let Some(step) = l.steps.get(k) else {
        return;
    };
    // The way around first: a long step never pushes Back and Next out of sight.
    ui.horizontal_wrapped(|ui| {
        if ui.button(t!("lessons-all")).clicked() {
            actions.push(Action::LessonEnd);
        }
        if ui
            .add_enabled(k > 0, egui::Button::new(t!("lessons-back")))
            .clicked()
        {
            actions.push(Action::LessonGo { step: k - 1 });
        }
        if ui
            .add_enabled(k + 1 < n, egui::Button::new(t!("lessons-next")))
            .clicked()
        {
            actions.push(Action::LessonGo { step: k + 1 });
        }
        // Run it here too, not under the code: a step's code of fourteen lines put it
        // below the panel's fold at 1280x800.
        let seen = run.passed.get(k).copied().unwrap_or(false);
        let busy = !s.lesson_queue.is_empty() || seen;
        if ui
            .add_enabled(!busy, egui::Button::new(t!("lessons-run")))
            .on_hover_text(t!("lessons-run-tip"))
            .clicked()
        {
            actions.push(Action::LessonDo);
        }
    });
    ui.strong(text(l.title, None));
    ui.label(t!("lessons-step", k = k + 1, n = n));
    ui.add_space(4.0);
    ui.label(crate::ui::lessons::say(step.say));
    ui.add_space(4.0);
    for (c, code) in step.code.iter().enumerate() {
        match code {
            Code::Python { console, text: py } => {
                let name = crate::ui::console::named("python", *console);
                ui.label(t!("lessons-in-console", console = name));
                // As typed: not wrapped (a wrapped line would read as two), scrolled
                // sideways when wider than the panel, with a solid scroll bar that shows
                // there is more (a floating one shows only under the pointer, and the
                // line looked cut); selectable to copy.
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
                    egui::ScrollArea::horizontal()
                        .id_salt(("lesson code", run.lesson, k, c))
                        .show(ui, |ui| {
                            ui.add(
                                egui::Label::new(egui::RichText::new(run.python(py)).monospace())
                                    .wrap_mode(egui::TextWrapMode::Extend),
                            );
                        });
                });
            }
            Code::Interrupt { console } => {
                let name = crate::ui::console::named("python", *console);
                ui.label(t!("lessons-interrupt", console = name));
            }
        }
    }
    let seen = run.passed.get(k).copied().unwrap_or(false);
    let dark = ui.visuals().dark_mode;
    let good = super::sockets::badge_color(crate::engine::SockState::Connected, dark);
    if s.lesson_stopped && !seen {
        let bad = super::sockets::badge_color(crate::engine::SockState::Error, dark);
        ui.colored_label(bad, t!("lessons-stopped"));
    }
    ui.add_space(6.0);
    let what = text(step.look, None);
    if seen {
        ui.colored_label(good, t!("lessons-seen", what = &what));
    } else {
        ui.label(t!("lessons-not-yet", what = &what));
    }
    if run.done() {
        ui.add_space(6.0);
        ui.colored_label(good, t!("lessons-done"));
    }
}
