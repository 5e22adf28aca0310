//! The message files are whole: every message in both languages, with the same variables,
//! every id used by the code and every id the code uses defined.

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;

use super::*;

/// A message's variables, its text with placeables as `{}`, and whether marked `# same`.
type Message = (BTreeSet<String>, String, bool);
type Messages = BTreeMap<String, Message>;

/// id → (variables, the text with placeables as written, marked `# same`) of one file.
fn messages(area: &str, lang: &str, text: &str) -> Messages {
    let res = match fluent_syntax::parser::parse(text) {
        Ok(r) => r,
        Err((_, errors)) => panic!("assets/i18n/{lang}/{area}.ftl does not parse: {errors:?}"),
    };
    let mut out = Messages::new();
    for entry in &res.body {
        match entry {
            ast::Entry::Message(m) => {
                let id = m.id.name.to_string();
                assert!(
                    m.attributes.is_empty(),
                    "{lang}/{area}.ftl: {id} has attributes; socklab uses one value per id"
                );
                let Some(value) = &m.value else {
                    panic!("{lang}/{area}.ftl: {id} has no value");
                };
                let mut vars = BTreeSet::new();
                let mut plain = String::new();
                pattern(value, &mut vars, &mut plain);
                let same = m
                    .comment
                    .as_ref()
                    .is_some_and(|c| c.content.iter().any(|l| l.trim() == "same"));
                let dup = out.insert(id.clone(), (vars, plain, same));
                assert!(dup.is_none(), "{lang}/{area}.ftl defines {id} twice");
            }
            ast::Entry::Term(t) => panic!("{lang}/{area}.ftl: term -{} (use messages)", t.id.name),
            ast::Entry::Junk { content } => {
                panic!("{lang}/{area}.ftl: cannot parse {content:?}")
            }
            _ => {}
        }
    }
    out
}

fn pattern(p: &ast::Pattern<&str>, vars: &mut BTreeSet<String>, plain: &mut String) {
    for el in &p.elements {
        match el {
            ast::PatternElement::TextElement { value } => plain.push_str(value),
            ast::PatternElement::Placeable { expression } => {
                plain.push_str("{}");
                expr(expression, vars, plain);
            }
        }
    }
}

fn expr(e: &ast::Expression<&str>, vars: &mut BTreeSet<String>, plain: &mut String) {
    match e {
        ast::Expression::Select { selector, variants } => {
            inline(selector, vars, plain);
            for v in variants {
                pattern(&v.value, vars, plain);
            }
        }
        ast::Expression::Inline(i) => inline(i, vars, plain),
    }
}

fn inline(i: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>, plain: &mut String) {
    match i {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expr(expression, vars, plain),
        ast::InlineExpression::StringLiteral { value } => plain.push_str(value),
        _ => {}
    }
}

/// Every message of a language: id → (its area, the message).
fn all(lang: Lang) -> BTreeMap<String, (String, Message)> {
    let mut out = BTreeMap::new();
    for (area, en, zh) in RESOURCES {
        let text = if lang == Lang::En { en } else { zh };
        for (id, m) in messages(area, lang.tag(), text) {
            if let Some((other, _)) = out.insert(id.clone(), (area.to_string(), m)) {
                panic!("{id} is defined in {area}.ftl and in {other}.ftl");
            }
        }
    }
    out
}

#[test]
fn every_message_is_in_both_languages_with_the_same_variables() {
    let en = all(Lang::En);
    let zh = all(Lang::ZhCn);
    let mut faults = Vec::new();
    for (id, (area, (vars, text, _))) in &en {
        match zh.get(id) {
            None => faults.push(format!("{id} ({area}.ftl) has no Chinese")),
            Some((zarea, _)) if zarea != area => {
                faults.push(format!("{id} is in en/{area}.ftl but zh-CN/{zarea}.ftl"))
            }
            Some((_, (zvars, ztext, same))) => {
                if zvars != vars {
                    faults.push(format!(
                        "{id}: variables {vars:?} in English, {zvars:?} in Chinese"
                    ));
                }
                // A Chinese text that is the English one is a translation not done, unless
                // marked `# same` (a Python line, an option's name).
                let words = text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()));
                if ztext == text && words && !same {
                    faults.push(format!("{id}: the Chinese is the English ({text:?}); translate it or mark it `# same`"));
                }
            }
        }
    }
    for (id, (area, _)) in &zh {
        if !en.contains_key(id) {
            faults.push(format!("{id} (zh-CN/{area}.ftl) has no English"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_id_the_code_asks_for_is_defined_and_every_defined_id_is_asked_for() {
    let en = all(Lang::En);
    let mut files = Vec::new();
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let ask = regex::Regex::new(r#"\bt!\(\s*"([^"]+)""#).unwrap();
    let literal = regex::Regex::new(r#""([a-z0-9]+(?:-[a-z0-9]+)+)""#).unwrap();
    let mut asked = BTreeSet::new();
    let mut quoted = BTreeSet::new();
    let mut faults = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        // Comments name ids as examples.
        let src: String = src
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        for c in ask.captures_iter(&src) {
            if !en.contains_key(&c[1]) {
                faults.push(format!(
                    "{}: t!(\"{}\") is in no .ftl file",
                    f.display(),
                    &c[1]
                ));
            }
            asked.insert(c[1].to_string());
        }
        for c in literal.captures_iter(&src) {
            quoted.insert(c[1].to_string());
        }
    }
    for id in en.keys() {
        // Ids chosen at run time (a table of them) are quoted where they are chosen.
        if !asked.contains(id) && !quoted.contains(id) {
            faults.push(format!("{id} is defined but nothing asks for it"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn every_file_is_listed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n");
    for lang in Lang::ALL {
        for e in std::fs::read_dir(root.join(lang.tag())).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let area = name
                .strip_suffix(".ftl")
                .expect("only .ftl files in assets/i18n");
            assert!(
                RESOURCES.iter().any(|(a, _, _)| *a == area),
                "{}/{name} is not in i18n::RESOURCES",
                lang.tag()
            );
        }
    }
}

#[test]
fn a_message_is_in_the_language_of_its_thread() {
    set(Lang::ZhCn);
    let zh = t!("lang-menu");
    set(Lang::En);
    let en = t!("lang-menu");
    assert_ne!(zh, en);
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{zh}"
    );
    // Another thread keeps English whatever this one speaks.
    set(Lang::ZhCn);
    let other = std::thread::spawn(|| t!("lang-menu")).join().unwrap();
    set(Lang::En);
    assert_eq!(other, en);
}

#[test]
fn plural_and_arguments() {
    set(Lang::En);
    assert_eq!(t!("count-bytes", n = 1), "1 byte");
    assert_eq!(t!("count-bytes", n = 5), "5 bytes");
    set(Lang::ZhCn);
    assert_eq!(t!("count-bytes", n = 5), "5 字节");
    set(Lang::En);
}

#[test]
fn an_id_no_language_has_is_itself_and_remembered() {
    set(Lang::En);
    assert_eq!(
        text("no-such-message-anywhere", None),
        "no-such-message-anywhere"
    );
    assert!(missing().contains(&(Lang::En, "no-such-message-anywhere".to_string())));
}

#[test]
fn locales_pick_the_language() {
    for (l, want) in [
        ("zh_CN.UTF-8", Lang::ZhCn),
        ("zh_TW", Lang::ZhCn),
        ("zh:en_US", Lang::ZhCn),
        ("zh-Hans", Lang::ZhCn),
        ("en_US.UTF-8", Lang::En),
        ("C", Lang::En),
        ("", Lang::En),
        ("de_DE:zh_CN", Lang::En),
    ] {
        assert_eq!(Lang::from_locale(l), want, "{l}");
    }
}
