//! The window in 简体中文: switched from its menu at run time, every page drawn with no
//! message missing, the choice kept in the settings, and a snapshot of the Chinese UI.

use egui_kittest::kittest::{NodeT, Queryable};
use socklab::i18n::{text_in, Lang};

use crate::console::run_lines;
use crate::ui_common::*;

fn zh(id: &str) -> String {
    text_in(Lang::ZhCn, id)
}

/// The Start button of a lesson: its name is the lesson's title.
fn start_label(title_id: &str) -> String {
    zh(title_id)
}

/// The plain words of a text: ASCII letters only, three or more, lower case (a name in
/// code, `recv_exact`, `b'hello'`, is not one).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || ",.;:()[]!?\"“”，。：；（）".contains(c))
        .filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// Names that are code wherever they are drawn (a responder, Python's None).
const CODE: &[&str] = &["echo", "none", "rules", "hmac", "localhost"];

/// Words the English messages use and the Chinese never do: seen in the Chinese window,
/// they are text left untranslated.
fn english_only_words() -> std::collections::BTreeSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/i18n");
    let read = |lang: &str| {
        let mut all = String::new();
        for e in std::fs::read_dir(root.join(lang)).unwrap().flatten() {
            for line in std::fs::read_to_string(e.path()).unwrap().lines() {
                // Values only: ids and comments are not shown.
                if let Some((_, v)) = line.split_once(" = ") {
                    all.push_str(v);
                    all.push('\n');
                } else if line.starts_with(' ') {
                    all.push_str(line);
                    all.push('\n');
                }
            }
        }
        all
    };
    let (en, zh) = (read("en"), read("zh-CN"));
    let zh: std::collections::BTreeSet<&str> = words(&zh).collect();
    words(&en)
        .filter(|w| !zh.contains(w))
        .map(str::to_string)
        .collect()
}

/// Switches the window to Chinese from the language menu, as a person does.
pub(crate) fn to_chinese(h: &mut H) {
    click(h, "Language / 语言");
    click(h, "简体中文");
    assert_eq!(h.state().state.settings.lang, Some(Lang::ZhCn));
    step_until_drawn(h, "the Chinese tabs", |h| {
        h.query_by_label(&zh("centre-sequence")).is_some()
    });
}

/// A listener, a connected pair with bytes both ways, a bind that fails with EADDRINUSE,
/// and a Unix stream and datagram socket (their kinds named in the list), made from the
/// console.
fn sockets(h: &mut H) {
    run_lines(
        h,
        0,
        &[
            "import socket",
            "srv = socket.socket()",
            "srv.bind(('127.0.0.1', 0))",
            "srv.listen()",
            "cli = socket.create_connection(srv.getsockname())",
            "conn, addr = srv.accept()",
            "cli.sendall('你好'.encode())",
            "conn.recv(1024)",
            "srv2 = socket.socket()",
            "srv2.bind(srv.getsockname())",
            "u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
        ],
    );
}

#[test]
fn the_whole_window_in_chinese_with_no_message_missing() {
    let mut h = harness();
    to_chinese(&mut h);
    // The English names are gone from the frame.
    for english in ["Sequence diagram", "Python console", "Lessons", "Theme:"] {
        assert!(
            h.query_by_label(english).is_none(),
            "{english} is still drawn in English"
        );
    }
    click(&mut h, &zh("bottom-console"));
    step_until_drawn(&mut h, "the console", |h| {
        h.query_by_label("python").is_some()
    });
    sockets(&mut h);
    // A Unix socket's kind and its missing address, in Chinese.
    for (name, kind) in [("u", "sockets-unix-stream"), ("d", "sockets-unix-dgram")] {
        let row = format!("{name}  {}", zh(kind));
        step_until_drawn(&mut h, &row, |h| {
            h.query_all_by_label_contains(&row).next().is_some_and(|n| {
                n.accesskit_node()
                    .label()
                    .unwrap_or_default()
                    .contains(&zh("address-unnamed"))
            })
        });
    }
    click_socket_row(&mut h, "srv2");
    // The error's explanation and hint, in Chinese (the Python line stays CPython's).
    step_until_drawn(&mut h, "the Chinese explanation", |h| {
        h.query_all_by_label_contains("正在监听").next().is_some()
    });
    assert!(h
        .query_all_by_label_contains("OSError: [Errno 98] Address already in use")
        .next()
        .is_some());
    // A listener's page (its accept queue, the serve section) and a connection's.
    click_socket_row(&mut h, "srv");
    h.step();
    click_socket_row(&mut h, "conn");
    for page in [
        "centre-sequence",
        "centre-timeline",
        "centre-graphs",
        "centre-boundaries",
        "centre-page",
    ] {
        click(&mut h, &zh(page));
        if page == "centre-sequence" {
            step_until_drawn(&mut h, "the diagram's rows", |h| {
                h.query_all_by_label_contains("accept()").next().is_some()
            });
        }
        h.step();
        // Each learning page's own words (rows, states, calls) checked as it is drawn.
        assert_no_english(&mut h);
    }
    click(&mut h, &zh("bottom-journal"));
    click(&mut h, &zh("lessons-button"));
    click(&mut h, &start_label("lessons-echo-title"));
    step_until_drawn(&mut h, "the lesson's first step", |h| {
        h.query_by_label(&zh("lessons-echo-1-say")).is_some()
    });
    h.key_press(egui::Key::F1);
    h.step();
    h.key_press(egui::Key::F1);
    h.step();
    // The settings window, over the rest.
    click(&mut h, &zh("settings-button"));
    step_until_drawn(&mut h, "the settings in Chinese", |h| {
        h.query_by_label(&zh("settings-bind")).is_some()
    });
    assert_no_english(&mut h);
}

/// Nothing drawn is left in English: no word of the English messages that the Chinese
/// ones never use (Python's output, call and option names are in both or in neither), and
/// no message missing in Chinese.
pub(crate) fn assert_no_english(h: &mut H) {
    // Nothing drawn is left in English: no word of the English messages that the Chinese
    // ones never use (Python's output, call and option names are in both or in neither).
    let english = english_only_words();
    let python_error = regex::Regex::new(r"^[A-Z][A-Za-z]*(Error|Exception|Interrupt)\b").unwrap();
    let left = std::cell::RefCell::new(std::collections::BTreeSet::new());
    // Python's own lines in the consoles' transcripts: a long one is drawn as rows of its
    // own, and a row that is the end of one ("use", of "Address already in use") is
    // Python's as much as its first.
    let said_by_python: Vec<String> = h
        .state()
        .state
        .consoles
        .iter()
        .flat_map(|c| c.lines.iter())
        .filter(|l| {
            use socklab::ui::console::LineKind;
            matches!(l.kind, LineKind::Input | LineKind::Output | LineKind::Error)
        })
        .map(|l| l.text.clone())
        .collect();
    let _ = h
        .query_all_by(|n| {
            let text = n.value().or_else(|| n.label()).unwrap_or_default();
            // Python as typed and as it answered stays Python.
            // So is the regex crate's own account of a pattern it cannot read (a drawing of
            // where, in its words): what comes before it is checked, the account is not.
            let text = match text.find("regex parse error") {
                Some(i) => text[..i].to_string(),
                None if text.starts_with("error: ") && text.is_ascii() => String::new(),
                None => text,
            };
            let python = said_by_python
                .iter()
                .any(|l| text.len() >= 3 && l.contains(text.as_str()))
                || text.starts_with(">>> ")
                || text.starts_with("... ")
                || text.starts_with("import ")
                || python_error.is_match(&text);
            if !python {
                for w in words(&text).filter(|w| !CODE.contains(w)) {
                    if english.contains(w) {
                        left.borrow_mut().insert(format!("{w:?} in {text:?}"));
                    }
                }
            }
            false
        })
        .count();
    let left = left.into_inner();
    assert!(
        left.is_empty(),
        "English left in the Chinese window:\n{}",
        left.into_iter().collect::<Vec<_>>().join("\n")
    );
    let missing: Vec<_> = socklab::i18n::missing()
        .into_iter()
        .filter(|(l, _)| *l == Lang::ZhCn)
        .collect();
    assert!(
        missing.is_empty(),
        "messages missing in Chinese: {missing:?}"
    );
}

/// A listener answering with the HMAC responder in the Chinese window: its form, a payload
/// and a rule that do not parse, a client that fails the check, the verdict's report and
/// the journal's comments, all in Chinese.
#[test]
fn responders_and_their_reports_in_chinese() {
    use std::io::{Read, Write};
    let mut h = harness();
    to_chinese(&mut h);
    open_console_zh(&mut h);
    run_lines(&mut h, 0, &crate::console::LISTENING_SRV);
    click_socket_row(&mut h, "srv");
    click(&mut h, &zh("serve-responder"));
    // Each responder says what it does, in Chinese, beside its name.
    h.get_by_label(&format!("hmac  ·  {}", zh("serve-what-hmac")))
        .click();
    h.step();
    h.step();
    replace_text(&mut h, &zh("serve-key"), "secret");
    click(&mut h, &zh("serve-answer"));
    click(&mut h, &zh("workspace-auto-accept"));
    step_until(&mut h, "answering", |a| {
        a.state
            .selected_view()
            .and_then(|s| s.snapshot.as_ref())
            .is_some_and(|x| x.responder.is_some() && x.auto_accept)
    });
    let port = selected(&h)
        .local()
        .and_then(socklab::engine::Endpoint::port)
        .unwrap();
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut challenge = [0u8; 32];
    c.read_exact(&mut challenge).unwrap();
    c.write_all(b"not the digest\n").unwrap();
    let mut verdict = Vec::new();
    c.read_to_end(&mut verdict).unwrap();
    assert_eq!(verdict, b"FAIL\n");
    // The listener's tally, and the connection's own report.
    step_until_drawn(&mut h, "the tally", |h| {
        h.query_all_by_label_contains("HMAC 校验：0 次通过，1 次失败")
            .next()
            .is_some()
    });
    // The connection's report (its page would draw the random challenge, which the test's
    // fonts cannot all draw), worded as its page and the journal word it.
    let notes: Vec<String> = h
        .state()
        .state
        .sockets
        .values()
        .flat_map(|s| s.notes.iter().map(socklab::ui::explain::note))
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("HMAC 校验失败，来自 127.0.0.1:")),
        "{notes:?}"
    );
    // A rule that does not compile and a payload that does not parse, said in Chinese.
    click_socket_row(&mut h, "srv");
    click(&mut h, &zh("serve-responder"));
    h.get_by_label(&format!("rules  ·  {}", zh("serve-what-rules")))
        .click();
    h.step();
    h.step();
    click(&mut h, &zh("serve-add-rule"));
    click(&mut h, &text_in_n("serve-rule", 1));
    h.get_by_label(&zh("serve-kind-regex")).click();
    h.step();
    h.step();
    replace_text(&mut h, &text_in_n("serve-rule-pattern", 1), "(");
    replace_text(&mut h, &zh("send-payload"), "\\x4");
    step_until_drawn(&mut h, "the rule's error", |h| {
        h.query_all_by_label_contains("正则表达式有误")
            .next()
            .is_some()
    });
    step_until_drawn(&mut h, "the payload's error", |h| {
        h.query_all_by_label_contains("个字符：").next().is_some()
    });
    click(&mut h, &zh("bottom-journal"));
    step_until_drawn(&mut h, "the journal's comments", |h| {
        h.query_all_by_label_contains("开启自动接受连接")
            .next()
            .is_some()
            && h.query_all_by_label_contains(": HMAC 校验失败，来自 127.0.0.1:")
                .next()
                .is_some()
    });
    assert_no_english(&mut h);
}

/// A message with one number in the window's language (the test thread draws the window,
/// so it is Chinese here).
fn text_in_n(id: &str, n: usize) -> String {
    let mut args = socklab::i18n::Args::new();
    args.set("n", socklab::i18n::arg(n));
    assert_eq!(socklab::i18n::current(), Lang::ZhCn);
    socklab::i18n::text(id, Some(&args))
}

#[test]
fn the_language_is_kept_in_the_settings() {
    let mut h = harness();
    to_chinese(&mut h);
    let json = h.state().state.settings.to_json();
    let back = socklab::ui::settings::Settings::from_json(&json);
    assert_eq!(back.lang, Some(Lang::ZhCn));
    // And back to following the desktop.
    click(&mut h, "Language / 语言");
    click(&mut h, &zh("lang-desktop-choice"));
    assert_eq!(h.state().state.settings.lang, None);
}

/// The Chinese UI drawn by wgpu on Mesa's software renderer and compared with
/// tests/snapshots/chinese_ui.png (UPDATE_SNAPSHOTS=1 rewrites it): a socket page with an
/// error explained in Chinese, the console and a lesson.
#[test]
fn chinese_ui_snapshot() {
    let mut h = snapshot_harness(1400.0, 900.0);
    to_chinese(&mut h);
    // The lesson first: its start restarts the consoles (their sockets close).
    click(&mut h, &zh("lessons-button"));
    click(&mut h, &start_label("lessons-reuse-title"));
    open_console_zh(&mut h);
    sockets(&mut h);
    click_socket_row(&mut h, "srv2");
    step_until_drawn(&mut h, "the explanation", |h| {
        h.query_all_by_label_contains("正在监听").next().is_some()
    });
    h.state_mut().state.journal.clear_done();
    // Ports change from run to run; the allowance covers their digits, not a new layout.
    snapshot(&mut h, "chinese_ui", 3000);
}

fn open_console_zh(h: &mut H) {
    click(h, &zh("bottom-console"));
    step_until_drawn(h, "the console", |h| h.query_by_label("python").is_some());
}
