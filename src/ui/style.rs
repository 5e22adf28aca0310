//! The window's text sizes: nothing a person must read is under 12 px (egui's "small"
//! style is 9 px by default: the countdowns, verdicts, addresses and notes use it); scroll
//! bars that show without a pointer over them; a text cursor that does not blink.

/// The smallest text size drawn, in points (1 point is 1 px at the default zoom).
pub const MIN_TEXT: f32 = 12.0;

/// The light theme's selection: pale enough that the state badges on a selected row
/// keep WCAG AA contrast (4.5:1), outlined so the selection still shows.
pub const LIGHT_SELECTION: egui::Color32 = egui::Color32::from_rgb(214, 232, 252);

/// Waits, warnings and FINs: amber, dark enough on the light theme to keep 4.5:1 contrast
/// as text (the colour of a connecting socket's badge there).
pub fn warning(dark: bool) -> egui::Color32 {
    if dark {
        egui::Color32::from_rgb(230, 160, 40)
    } else {
        egui::Color32::from_rgb(125, 80, 0)
    }
}

pub fn install(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        for font in style.text_styles.values_mut() {
            font.size = font.size.max(MIN_TEXT);
        }
        // A scroll bar shows wherever there is more to scroll to (egui's default shows it
        // only under the pointer): a page cut at its edge must look cut, not ended.
        style.spacing.scroll = egui::style::ScrollStyle::thin();
        // A steady text cursor: a blinking one redraws the window twice a second for as long
        // as a field has the keyboard (the first start's payload field has it), which without
        // a GPU (a VM, a remote desktop) is a fifth of a core spent on an idle window.
        style.visuals.text_cursor.blink = false;
    });
    // Explanations are drawn "weak": egui fades its text to 2.7:1 on the dark panel, which
    // a newcomer found hard to read. Greys that keep WCAG AA (4.5:1) on panels and fields.
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.weak_text_color = Some(egui::Color32::from_gray(132));
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.weak_text_color = Some(egui::Color32::from_gray(110));
        style.visuals.selection.bg_fill = LIGHT_SELECTION;
        style.visuals.selection.stroke.color = egui::Color32::from_rgb(0, 70, 160);
    });
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
    fn lum(c: egui::Color32) -> f32 {
        let lin = |v: u8| {
            let v = v as f32 / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A colour as drawn over an opaque background (egui's colours are premultiplied:
    /// its default weak text is a translucent one).
    fn over(c: egui::Color32, bg: egui::Color32) -> egui::Color32 {
        let a = 1.0 - f32::from(c.a()) / 255.0;
        let mix = |x: u8, y: u8| (f32::from(x) + f32::from(y) * a).round().min(255.0) as u8;
        egui::Color32::from_rgb(mix(c.r(), bg.r()), mix(c.g(), bg.g()), mix(c.b(), bg.b()))
    }

    #[test]
    fn weak_text_passes_wcag_aa_in_both_themes() {
        let ctx = egui::Context::default();
        install(&ctx);
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            ctx.style_mut_of(theme, |style| {
                let v = &style.visuals;
                for (bg, what) in [
                    (v.panel_fill, "a panel"),
                    (v.window_fill, "a window"),
                    (v.extreme_bg_color, "a field"),
                ] {
                    let r = contrast(over(v.weak_text_color(), bg), bg);
                    assert!(r >= 4.5, "{theme:?}: weak text on {what}: {r:.2}:1");
                }
            });
        }
    }
}
