//! Fonts for every script a payload or an address may hold. egui's own fonts cover Latin,
//! Greek and Cyrillic; eframe asks the system (fontconfig) for a font for anything else.
//! On a machine with no CJK font, the bundled subset of WenQuanYi Micro Hei answers for
//! Chinese, Japanese and Korean, so 你好 never draws as boxes. It is asked last, and only
//! when such a character is first drawn: a window without CJK text never loads it.

use std::sync::Arc;

use egui::epaint::text::{
    FallbackRequest, FontData, FontFamily, FontInsert, FontPriority, FontProvider, InsertFontFamily,
};

/// The bundled font (assets/fonts/README.md says what it holds and its licence).
pub static BUNDLED_CJK: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei-cjk-subset.ttf");

/// Answers, after the system's fonts, for characters the bundled CJK font has.
struct BundledCjk {
    font: Option<skrifa::FontRef<'static>>,
}

impl BundledCjk {
    fn new() -> BundledCjk {
        BundledCjk {
            font: skrifa::FontRef::new(BUNDLED_CJK).ok(),
        }
    }

    /// Whether the bundled font has a glyph for `c`.
    fn has(&self, c: char) -> bool {
        use skrifa::MetadataProvider;
        self.font
            .as_ref()
            .is_some_and(|f| f.charmap().map(c).is_some())
    }
}

impl FontProvider for BundledCjk {
    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        let c = request.cluster.chars().next()?;
        if !self.has(c) {
            return None;
        }
        let families = [FontFamily::Proportional, FontFamily::Monospace]
            .into_iter()
            .map(|family| InsertFontFamily {
                family,
                priority: FontPriority::Lowest,
            })
            .collect();
        Some(FontInsert::new(
            "socklab-cjk",
            FontData::from_static(BUNDLED_CJK),
            families,
        ))
    }
}

/// Installs the bundled font as the last source of glyphs (after eframe's system fonts).
pub fn install(ctx: &egui::Context) {
    ctx.add_font_provider(Arc::new(BundledCjk::new()));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_font_has_chinese_japanese_and_korean() {
        let font = super::BundledCjk::new();
        for c in "你好世界繁體こんにちはカタカナ안녕하세요。，！".chars() {
            assert!(font.has(c), "{c} is missing");
        }
        assert!(font.has('→'), "the arrows of the read-back lines");
        assert!(!font.has('A'), "Latin comes from egui's own fonts");
    }
}
