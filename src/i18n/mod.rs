//! The window's words in English and 简体中文: Fluent messages (assets/i18n/LANG/AREA.ftl),
//! looked up by id with `t!("id")` or `t!("id", name = value)`.
//!
//! The language is per thread: the window's thread sets it from the settings at the start
//! of each frame, so everything drawn (and every error explained there) is in it, while the
//! engine, `socklab run` and the tests on other threads keep English. A message missing in
//! the language asked falls back to English and is remembered (`missing()`), which the
//! language test reads after drawing every page.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::{Mutex, OnceLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

/// The languages the window speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The language's name in itself, as a language menu lists it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The folder of its messages under assets/i18n, and its BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::ZhCn => 1,
        }
    }

    /// The language the desktop asks for (LC_ALL, LC_MESSAGES, LANG, as gettext reads
    /// them; LANGUAGE's list first): Chinese for any zh locale, English otherwise.
    pub fn from_env() -> Lang {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let wanted = get("LANGUAGE")
            .or_else(|| get("LC_ALL"))
            .or_else(|| get("LC_MESSAGES"))
            .or_else(|| get("LANG"));
        Lang::from_locale(wanted.as_deref().unwrap_or(""))
    }

    /// "zh_CN.UTF-8", "zh_TW", "zh:en_US" → Chinese; anything else → English. The first
    /// entry of a LANGUAGE list decides.
    pub fn from_locale(locale: &str) -> Lang {
        let first = locale.split(':').next().unwrap_or("");
        let lang = first.split(['_', '-', '.', '@']).next().unwrap_or("");
        if lang.eq_ignore_ascii_case("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

macro_rules! resource {
    ($area:literal) => {
        (
            $area,
            include_str!(concat!("../../assets/i18n/en/", $area, ".ftl")),
            include_str!(concat!("../../assets/i18n/zh-CN/", $area, ".ftl")),
        )
    };
}

/// The message files, by area: (area, English, Chinese). A new file is listed here; the
/// test `every_file_is_listed` fails for one that is not.
pub const RESOURCES: &[(&str, &str, &str)] = &[
    resource!("common"),
    resource!("window"),
    resource!("send"),
    resource!("workspace"),
    resource!("serve"),
    resource!("journal"),
    resource!("files"),
    resource!("traffic"),
    resource!("inspector"),
    resource!("sockets"),
    resource!("shortcuts"),
    resource!("console"),
    resource!("diagram"),
    resource!("state"),
    resource!("errors"),
    resource!("options"),
    resource!("payload"),
    resource!("lessons"),
    resource!("settings"),
    resource!("tls"),
    resource!("cli"),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [Bundle; 2] {
    static BUNDLES: OnceLock<[Bundle; 2]> = OnceLock::new();
    BUNDLES.get_or_init(|| Lang::ALL.map(build))
}

/// One language's bundle. A file that does not parse keeps what did parse (its test
/// fails); a message defined twice keeps the first.
fn build(lang: Lang) -> Bundle {
    let id = lang.tag().parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around placeables: egui would draw them as boxes.
    bundle.set_use_isolating(false);
    for (_, en, zh) in RESOURCES {
        let text = if lang == Lang::En { en } else { zh };
        let res = match FluentResource::try_new(text.to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        bundle.add_resource_overriding(res);
    }
    bundle
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Sets this thread's language.
pub fn set(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// This thread's language.
pub fn current() -> Lang {
    CURRENT.with(|c| c.get())
}

fn missing_list() -> &'static Mutex<Vec<(Lang, String)>> {
    static MISSING: Mutex<Vec<(Lang, String)>> = Mutex::new(Vec::new());
    &MISSING
}

/// The messages asked for that a language lacks (or could not format), as (language,
/// id), in the order first asked; each once.
pub fn missing() -> Vec<(Lang, String)> {
    missing_list().lock().map(|m| m.clone()).unwrap_or_default()
}

fn note_missing(lang: Lang, id: &str) {
    if let Ok(mut m) = missing_list().lock() {
        if m.len() < 1000 && !m.iter().any(|(l, i)| *l == lang && i == id) {
            m.push((lang, id.to_string()));
        }
    }
}

/// The message `id` in `lang`, with `args`; None when the language lacks it.
fn format_in(lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
    let bundle = &bundles()[lang.index()];
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        note_missing(lang, id);
    }
    Some(text.into_owned())
}

/// The message `id` in this thread's language; in English when the language lacks it; the
/// id itself when English lacks it too.
pub fn text(id: &str, args: Option<&FluentArgs>) -> String {
    let lang = current();
    if let Some(s) = format_in(lang, id, args) {
        return s;
    }
    note_missing(lang, id);
    if lang != Lang::En {
        if let Some(s) = format_in(Lang::En, id, args) {
            return s;
        }
        note_missing(Lang::En, id);
    }
    id.to_string()
}

/// The message `id` in `lang` (for a text that must be in a given language whatever this
/// thread speaks, as the language menu's own label).
pub fn text_in(lang: Lang, id: &str) -> String {
    format_in(lang, id, None).unwrap_or_else(|| id.to_string())
}

/// Arguments of a message.
pub type Args = FluentArgs<'static>;

/// A value a message takes: text, or a number (which plural forms select on).
pub fn arg<T: IntoArg>(v: T) -> FluentValue<'static> {
    v.into_arg()
}

pub trait IntoArg {
    fn into_arg(self) -> FluentValue<'static>;
}

impl IntoArg for &str {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::String(Cow::Owned(self.to_string()))
    }
}
impl IntoArg for String {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::String(Cow::Owned(self))
    }
}
impl IntoArg for &String {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::String(Cow::Owned(self.clone()))
    }
}
impl IntoArg for Cow<'_, str> {
    fn into_arg(self) -> FluentValue<'static> {
        FluentValue::String(Cow::Owned(self.into_owned()))
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> FluentValue<'static> {
                FluentValue::from(self)
            }
        }
        impl IntoArg for &$t {
            fn into_arg(self) -> FluentValue<'static> {
                FluentValue::from(*self)
            }
        }
    )*};
}
number_arg!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// A window text by its message id, in the language of this thread:
/// `t!("menu-file")`, `t!("sockets-count", n = 3, name = &name)`.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::text($id, None)
    };
    ($id:literal, $($k:ident = $v:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $( args.set(stringify!($k), $crate::i18n::arg($v)); )+
        $crate::i18n::text($id, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
