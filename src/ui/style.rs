//! The window's text sizes: nothing a person must read is under 12 px (egui's "small"
//! style is 9 px by default: the countdowns, verdicts, addresses and notes use it).

/// The smallest text size drawn, in points (1 point is 1 px at the default zoom).
pub const MIN_TEXT: f32 = 12.0;

pub fn install(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        for font in style.text_styles.values_mut() {
            font.size = font.size.max(MIN_TEXT);
        }
    });
}
