//! House widgets: labelled inputs (the label is also the accessible name tests find them
//! by), field validation shown next to the field, and the error label.

use egui::{Color32, RichText, Ui};

use super::state::ErrorView;
use crate::t;

/// A single-line text field with a visible label that names it for screen readers.
pub fn labelled_edit(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let l = field_label(ui, label);
    ui.add(
        egui::TextEdit::singleline(text)
            .id(field_id(ui, label))
            .desired_width(width),
    )
    .labelled_by(l.id)
}

/// `labelled_edit` whose label shows `face` and is named `name` to a screen reader (and to
/// the tests): the second console's "File (2)" shows as "File", as its first's does.
pub fn labelled_edit_as(
    ui: &mut Ui,
    face: &str,
    name: &str,
    text: &mut String,
    width: f32,
) -> egui::Response {
    let l = field_label(ui, face);
    named_as(&l, egui::Role::Label, true, name);
    ui.add(
        egui::TextEdit::singleline(text)
            .id(field_id(ui, name))
            .desired_width(width),
    )
    .labelled_by(l.id)
}

/// A button that shows `face` and is named `name` to a screen reader (and the tests): one
/// of two alike, side by side, is told apart by its name, not by a longer face.
pub fn button_as(ui: &mut Ui, enabled: bool, face: &str, name: &str) -> egui::Response {
    let r = ui.add_enabled(enabled, egui::Button::new(face));
    named_as(&r, egui::Role::Button, enabled, name);
    r
}

/// Gives `r` the accessible name `name` in place of the words it shows.
fn named_as(r: &egui::Response, kind: egui::Role, enabled: bool, name: &str) {
    r.widget_info(|| egui::WidgetInfo::labeled(kind, enabled, name));
}

/// A short label before an input in a wrapping row: it moves to the next line whole rather
/// than splitting ("peer" / "port"). A label split over lines counts as a widget a line,
/// and every widget after it in the row would get another id: a field would lose the
/// keyboard, a click aimed by the frame before would land on nothing.
pub fn field_label(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
}

/// An id for a text field that holds while the person types, as long as its ui holds
/// (egui's own id counts the widgets before the field in its ui, a label split over two
/// lines twice). Rows drawn with `keyed` hold theirs; the name must be unique in its ui.
pub fn field_id(ui: &Ui, name: impl std::hash::Hash + std::fmt::Debug) -> egui::Id {
    ui.unique_id().with(("field", name))
}

/// Draws `add` with widget ids that come from `key`, not from how many widgets came before.
/// egui gives a click to the id that was under the pointer in the frame before; were ids
/// counted from the top, a line appearing or going above (an error, a waiting call, the TLS
/// row when a connection ends) in the frame a click lands would hand it to another button,
/// or to none. `key` must be unique among its siblings.
pub fn keyed<R>(ui: &mut Ui, key: impl egui::AsIdSalt, add: impl FnOnce(&mut Ui) -> R) -> R {
    let id = ui.scope_id().with(key);
    ui.scope_builder(egui::UiBuilder::new().scope_id(id), add)
        .inner
}

/// System, Dark, Light: the theme, as the top bar and the settings window offer it.
pub fn theme_choice(ui: &mut Ui, actions: &mut Vec<crate::ui::state::Action>) {
    let mut pref = ui.ctx().options(|o| o.theme_preference);
    let before = pref;
    ui.selectable_value(
        &mut pref,
        egui::ThemePreference::System,
        crate::t!("theme-system"),
    );
    ui.selectable_value(
        &mut pref,
        egui::ThemePreference::Dark,
        crate::t!("theme-dark"),
    );
    ui.selectable_value(
        &mut pref,
        egui::ThemePreference::Light,
        crate::t!("theme-light"),
    );
    if pref != before {
        actions.push(crate::ui::state::Action::Theme { preference: pref });
    }
}

/// The traffic cap as typed (MiB), with the button that sets it while it is one.
pub fn cap_field(
    ui: &mut Ui,
    text: &mut String,
    now_mib: usize,
    button: &str,
    actions: &mut Vec<crate::ui::state::Action>,
) {
    use crate::ui::settings::MAX_CAP_MIB;
    labelled_edit(ui, &crate::t!("traffic-cap"), text, 50.0);
    let cap = text
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|m| (1..=MAX_CAP_MIB).contains(m));
    let tip = crate::t!(
        "traffic-cap-tip",
        cap = now_mib.to_string(),
        max = MAX_CAP_MIB.to_string()
    );
    if action_button(ui, cap.is_some(), button, &tip) {
        if let Some(mib) = cap {
            actions.push(crate::ui::state::Action::SetTrafficCap { mib });
        }
    }
}

/// A field's validation message, shown next to it while the value is unusable.
pub fn field_problem(ui: &mut Ui, problem: Option<&str>) {
    if let Some(p) = problem {
        ui.label(
            RichText::new(p)
                .color(Color32::from_rgb(220, 120, 40))
                .small(),
        );
    }
}

/// A bar filled `fraction` of its length, held to 0..=1 (a queue may hold more than its
/// buffer's size says); empty at 0 (egui fills a bar at least as far as it is high, a disc
/// that covered the first character of the words on it).
pub fn bar(fraction: f32) -> egui::ProgressBar {
    let fraction = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    let bar = egui::ProgressBar::new(fraction);
    if fraction > 0.0 {
        bar
    } else {
        bar.fill(egui::Color32::TRANSPARENT)
    }
}

/// What a field still needs before its buttons work, when nothing wrong was typed (an
/// empty port on a fresh page): guidance, not a problem's colour.
pub fn field_hint(ui: &mut Ui, hint: &str) {
    ui.label(RichText::new(hint).weak());
}

/// A warning about what an action will do (reachable from the network...), in body-size
/// text a person can read.
pub fn warning_label(ui: &mut Ui, text: &str) {
    ui.label(
        RichText::new(t!("state-warning", text = text))
            .color(crate::ui::style::warning(ui.visuals().dark_mode)),
    );
}

/// A button that stays usable (learning by error is the point) but says what will happen.
pub fn action_button(ui: &mut Ui, enabled: bool, text: &str, tip: &str) -> bool {
    ui.add_enabled(enabled, egui::Button::new(text))
        .on_hover_text(tip)
        .clicked()
}

/// An action button that a key in a field also presses (Enter in the payload): drawn
/// selected, so the person sees which one it is, and its tooltip says so.
pub fn default_button(
    ui: &mut Ui,
    enabled: bool,
    text: &str,
    tip: &str,
    is_default: bool,
    pressed: bool,
) -> bool {
    if !is_default {
        return action_button(ui, enabled, text, tip);
    }
    let clicked = ui
        .add_enabled(enabled, egui::Button::new(text).selected(true))
        .on_hover_text(t!("state-default-button-tip", tip = tip))
        .clicked();
    clicked || (enabled && pressed)
}

/// An error where the action was taken: errno, Python's line, explanation and hint.
pub fn error_label(ui: &mut Ui, e: &ErrorView) -> egui::Response {
    // A Ctrl+C is the person's own doing, not a failure: not in the failures' red.
    let head_colour = if e.error.is_interrupt() {
        crate::ui::style::warning(ui.visuals().dark_mode)
    } else {
        Color32::from_rgb(230, 80, 70)
    };
    egui::Frame::group(ui.style())
        .show(ui, |ui| {
            let head = match (e.errno_name, &e.error.kind, e.returned) {
                (Some(name), _, Some(n)) => {
                    t!("state-returned-errno", op = &e.op, n = n, errno = name)
                }
                (Some(n), _, None) => t!("state-failed-errno", op = &e.op, errno = n),
                (None, crate::engine::ErrorKind::Timeout, _) => {
                    t!("state-timed-out", op = &e.op)
                }
                (None, _, _) if e.error.is_interrupt() => t!("state-interrupted", op = &e.op),
                (None, _, _) => t!("state-failed", op = &e.op),
            };
            // One label (the head's height unchanged), the time after it in weaker type.
            let mut job = egui::text::LayoutJob::default();
            RichText::new(head).color(head_colour).strong().append_to(
                &mut job,
                ui.style(),
                egui::FontSelection::Default,
                egui::Align::Center,
            );
            RichText::new(format!("  {}", t!("state-failed-at", clock = &e.clock)))
                .color(ui.visuals().weak_text_color())
                .append_to(
                    &mut job,
                    ui.style(),
                    egui::FontSelection::Default,
                    egui::Align::Center,
                );
            ui.label(job);
            ui.monospace(&e.python_line);
            if let Some((end, clock)) = &e.since {
                ui.label(match end {
                    crate::ui::state::ConnectEnd::Connected => {
                        t!("state-since-connected", clock = clock)
                    }
                    crate::ui::state::ConnectEnd::NoConnection => {
                        t!("state-since-ended", clock = clock)
                    }
                });
            } else {
                let (why, hint) = e.explanation();
                ui.label(why);
                if let Some(h) = hint {
                    ui.label(RichText::new(t!("state-hint", hint = h)).italics());
                }
            }
        })
        .response
}
