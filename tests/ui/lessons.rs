//! Each lesson run from start to finish as a learner clicks it: Start, then for each step
//! Run it, the step's check seen passing on the window's real sockets, Next.

use egui_kittest::kittest::Queryable;
use socklab::ui::lessons::LESSONS;

use crate::ui_common::*;

/// The window for a lesson: a step selects its socket, whose traffic may be random bytes
/// (the HMAC lesson's challenge) shown as text, in characters no test font has; the app
/// draws those as boxes.
fn lesson_harness() -> H {
    egui_kittest::Harness::builder()
        .allow_missing_glyphs()
        .with_size(egui::vec2(1500.0, 1000.0))
        .build_eframe(|cc| socklab::ui::SocklabApp::new(cc))
}

/// What the window shows, for a check that never passed: the sockets and the consoles.
fn seen(h: &H) -> String {
    let s = &h.state().state;
    let mut out = String::new();
    for v in s.sockets.values() {
        out += &format!(
            "{} {:?} closed={} in={} waiting={:?} error={:?}\n",
            v.info.name,
            v.state(),
            v.closed,
            v.traffic.iter().map(|r| r.len).sum::<usize>(),
            v.waiting.iter().map(|w| w.op).collect::<Vec<_>>(),
            v.last_error.as_ref().map(|e| &e.python_line)
        );
    }
    for (k, c) in s.consoles.iter().enumerate() {
        out += &format!("console {k}:\n");
        for l in &c.lines {
            out += &format!("  {:?} {}\n", l.kind, l.text);
        }
    }
    out
}

fn run_lesson(key: &str) {
    let mut h = lesson_harness();
    run_lesson_in(&mut h, key, free_port());
    // Every message the lesson showed exists in English (a typo'd id would show itself).
    let missing = socklab::i18n::missing();
    assert!(
        !missing.iter().any(|(_, id)| id.starts_with("lessons-")),
        "{missing:?}"
    );
}

/// Runs a lesson from the lessons list to its last check in the window `h`.
fn run_lesson_in(h: &mut H, key: &str, port: u16) {
    let k = LESSONS.iter().position(|l| l.key == key).unwrap();
    let lesson = &LESSONS[k];
    if h.state().state.lesson.is_some() {
        click(h, "All lessons");
    }
    if !h.state().state.lessons_open {
        click(h, "Lessons");
    }
    let title = socklab::i18n::text(lesson.title, None);
    click(h, &title);
    let run = h.state().state.lesson.as_ref().expect("the lesson began");
    assert_eq!(run.lesson, k);
    h.state_mut().state.lesson.as_mut().unwrap().port = port;
    for (n, step) in lesson.steps.iter().enumerate() {
        let said = socklab::ui::lessons::say(step.say);
        step_until_drawn(h, &format!("{key} step {}", n + 1), |h| {
            h.query_by_label(&said).is_some()
        });
        assert!(
            !h.state().state.lesson.as_ref().unwrap().passed[n],
            "{key} step {} passed before it was run",
            n + 1
        );
        click(h, "Run it");
        let until = std::time::Instant::now() + DEADLINE;
        while !h.state().state.lesson.as_ref().is_some_and(|r| r.passed[n]) {
            h.step();
            assert!(
                std::time::Instant::now() < until,
                "{key} step {}'s check not seen within {DEADLINE:?}\n{}",
                n + 1,
                seen(h)
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // The step's own socket is the one selected (the inspector and diagrams it points
        // at show it): the newest of its name.
        let st = &h.state().state;
        let newest = st
            .sockets
            .values()
            .filter(|v| v.info.name == step.show)
            .map(|v| v.info.id)
            .max();
        assert!(
            newest.is_some() && st.selected == newest,
            "{key} step {}: {} is not selected\n{}",
            n + 1,
            step.show,
            seen(h)
        );
        let look = socklab::i18n::text(step.look, None);
        step_until_drawn(h, &format!("{key} step {} √", n + 1), |h| {
            h.query_by_label(&format!("√ Seen: {look}")).is_some()
        });
        if n + 1 < lesson.steps.len() {
            click(h, "Next");
        }
    }
    step_until_drawn(h, &format!("{key} complete"), |h| {
        h.query_by_label("Lesson complete √ Every check passed.")
            .is_some()
    });
}

#[test]
fn lesson_tcp_echo() {
    run_lesson("echo");
}

#[test]
fn lesson_udp_chat() {
    run_lesson("udp-chat");
}

#[test]
fn lesson_threaded_server() {
    run_lesson("threads");
}

#[test]
fn lesson_hmac() {
    run_lesson("hmac");
}

#[test]
fn lesson_address_in_use() {
    let mut h = lesson_harness();
    run_lesson_in(&mut h, "reuse", free_port());
    // The listener that made the connection in TIME_WAIT had SO_REUSEADDR (step 1): the
    // new socket's failed bind is told that its own is all that is missing.
    let said: Vec<String> = h
        .state()
        .state
        .consoles
        .iter()
        .flat_map(|c| c.lines.iter())
        .map(|l| l.text.clone())
        .collect();
    assert!(
        said.iter()
            .any(|l| l.contains("TIME_WAIT") && l.contains("this socket's is all that is missing")),
        "{said:#?}"
    );
}

#[test]
fn lesson_backlog() {
    // The SYN's tries are said as this kernel times them (Linux 6.5 on waits 1 s five
    // times before doubling), not as a fixed 1, 2, 4.
    let syn = socklab::engine::inspect::SynRetries::of_kernel();
    let said = socklab::ui::lessons::say("lessons-backlog-3-say");
    assert!(
        said.contains(&format!("waiting {}... s", syn.first_gaps(", ")))
            && said.contains(&format!("after {} s", syn.give_up_secs())),
        "{said}"
    );
    run_lesson("backlog");
}

#[test]
fn lesson_blocking() {
    run_lesson("blocking");
}

#[test]
fn lesson_shutdown_and_reset() {
    run_lesson("shutdown");
}

#[test]
fn lesson_framing() {
    run_lesson("framing");
}

#[test]
fn lesson_connected_udp() {
    run_lesson("udp-connect");
}

#[test]
fn lesson_ipv6() {
    run_lesson("ipv6");
}

/// The same lesson twice in one window, on one port: its start closes what the first run
/// left (the consoles restart), so the second server binds the port again.
#[test]
fn a_lesson_runs_again_in_the_same_window() {
    let mut h = lesson_harness();
    let port = free_port();
    run_lesson_in(&mut h, "threads", port);
    run_lesson_in(&mut h, "threads", port);
    run_lesson_in(&mut h, "echo", port);
}

/// At 1280x800 a step's Run it is in sight above its code, however long the code: under
/// fourteen lines of the threads lesson's first step it was below the panel's fold.
#[test]
fn run_it_is_above_the_steps_code() {
    let mut h = egui_kittest::Harness::builder()
        .allow_missing_glyphs()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| socklab::ui::SocklabApp::new(cc));
    click(&mut h, "Lessons");
    click(&mut h, "A threaded server with several clients");
    let run = h.get_by_label("Run it").rect();
    let code = h
        .get_all_by(|n| {
            n.label()
                .or_else(|| n.value())
                .is_some_and(|t| t.starts_with("import socket, threading"))
        })
        .next()
        .unwrap()
        .rect();
    assert!(
        run.bottom() <= code.top(),
        "Run it at {run:?}, the code at {code:?}"
    );
    assert!(run.bottom() < 800.0, "{run:?}");
}

/// A step selects its socket once: a socket the learner picks after is not taken away.
#[test]
fn a_step_selects_its_socket_and_leaves_the_learners_choice() {
    let mut h = lesson_harness();
    click(&mut h, "Lessons");
    click(&mut h, &socklab::i18n::text(LESSONS[0].title, None));
    h.state_mut().state.lesson.as_mut().unwrap().port = free_port();
    click(&mut h, "Run it");
    step_until(&mut h, "srv selected", |a| {
        a.state
            .selected
            .and_then(|id| a.state.sockets.get(&id))
            .is_some_and(|v| v.info.name == "srv")
    });
    click(&mut h, "New UDP");
    step_until(&mut h, "the new socket selected", |a| {
        a.state
            .selected
            .and_then(|id| a.state.sockets.get(&id))
            .is_some_and(|v| v.info.name != "srv")
    });
    let chosen = h.state().state.selected;
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(h.state().state.selected, chosen);
}

/// Starting a lesson restarts its consoles: the sockets the old sessions held close then,
/// as the console says, not when the next statement is typed.
#[test]
fn a_lessons_restart_closes_the_old_sessions_sockets_at_once() {
    let mut h = lesson_harness();
    crate::console::open_console(&mut h);
    crate::console::run_lines(
        &mut h,
        0,
        &[
            "import socket",
            "old = socket.socket()",
            "old.bind(('127.0.0.1', 0))",
            "old.listen()",
        ],
    );
    click(&mut h, "Lessons");
    click(&mut h, &socklab::i18n::text(LESSONS[0].title, None));
    step_until(&mut h, "the old session's socket closed", |a| {
        a.state
            .sockets
            .values()
            .any(|v| v.info.name == "old" && v.closed)
    });
}

#[test]
fn every_lesson_has_a_test() {
    let src = include_str!("lessons.rs");
    for l in &LESSONS {
        assert!(
            src.contains(&format!("run_lesson(\"{}\")", l.key))
                || src.contains(&format!("run_lesson_in(&mut h, \"{}\"", l.key)),
            "lesson {} has no test",
            l.key
        );
    }
}

/// The echo lesson in the Chinese window with its lines typed into the consoles by hand,
/// as a learner copies them from the step, instead of Run it: each statement waits for its
/// console as the REPL would, every check passes, and nothing shown is left in English.
#[test]
fn a_lesson_in_chinese_typed_by_hand() {
    use socklab::i18n::{text_in, Lang};
    use socklab::ui::lessons::{statements, Code};
    let zh = |id: &str| text_in(Lang::ZhCn, id);
    let mut h = lesson_harness();
    crate::language::to_chinese(&mut h);
    let lesson = LESSONS.iter().find(|l| l.key == "echo").unwrap();
    click(&mut h, &zh("lessons-button"));
    click(&mut h, &zh(lesson.title));
    let port = free_port();
    h.state_mut().state.lesson.as_mut().unwrap().port = port;
    for (n, step) in lesson.steps.iter().enumerate() {
        step_until_drawn(&mut h, &format!("step {}", n + 1), |h| {
            h.query_by_label(&zh(step.say)).is_some()
        });
        for code in step.code {
            match code {
                Code::Python { console, text } => {
                    let text = text.replace("{PORT}", &port.to_string());
                    for statement in statements(&text) {
                        step_until(&mut h, "the console free", |a| {
                            !a.state.consoles[*console].busy()
                        });
                        let lines: Vec<&str> = statement.lines().collect();
                        for line in &lines {
                            crate::console::enter_in(&mut h, *console, line);
                        }
                        if lines.len() > 1 {
                            crate::console::enter_in(&mut h, *console, "");
                        }
                    }
                }
                Code::Interrupt { console } => {
                    let label = socklab::ui::console::named("python", *console);
                    h.get_by_label(&label).focus();
                    h.step();
                    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::C);
                }
            }
        }
        let until = std::time::Instant::now() + DEADLINE;
        while !h.state().state.lesson.as_ref().is_some_and(|r| r.passed[n]) {
            h.step();
            assert!(
                std::time::Instant::now() < until,
                "step {}'s check not seen within {DEADLINE:?}\n{}",
                n + 1,
                seen(&h)
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let look = zh(step.look);
        step_until_drawn(&mut h, &format!("step {} √", n + 1), |h| {
            h.query_by_label(&format!("√ 已看到：{look}")).is_some()
        });
        if n + 1 < lesson.steps.len() {
            click(&mut h, &zh("lessons-next"));
        }
    }
    step_until_drawn(&mut h, "complete", |h| {
        h.query_by_label(&zh("lessons-done")).is_some()
    });
    crate::language::assert_no_english(&mut h);
}

/// Help lists the lessons: from F1's overlay or the Help menu, a click starts one with the
/// lessons open beside it, and the overlay steps aside.
#[test]
fn a_lesson_starts_from_help() {
    let title = |key: &str| {
        let l = LESSONS.iter().find(|l| l.key == key).unwrap();
        socklab::i18n::text(l.title, None)
    };
    let mut h = lesson_harness();
    h.key_press(egui::Key::F1);
    let udp = title("udp-chat");
    step_until_drawn(&mut h, "the help's lessons", |h| {
        h.query_by_label(&udp).is_some() && h.query_by_label("Keyboard").is_some()
    });
    click(&mut h, &udp);
    step_until(&mut h, "the UDP lesson", |a| {
        a.state.lessons_open && a.state.lesson.as_ref().is_some_and(|r| r.lesson == 1)
    });
    step_until_drawn(&mut h, "the overlay gone", |h| {
        h.query_by_label("Keyboard").is_none()
    });
    click(&mut h, "Help");
    click(&mut h, "Start a lesson");
    let backlog = title("backlog");
    click(&mut h, &backlog);
    let k = LESSONS.iter().position(|l| l.key == "backlog").unwrap();
    step_until(&mut h, "the backlog lesson", |a| {
        a.state.lesson.as_ref().is_some_and(|r| r.lesson == k)
    });
    // And Help's first entry opens the overlay.
    click(&mut h, "Help");
    click(&mut h, "Help and shortcuts (F1)");
    step_until_drawn(&mut h, "the overlay", |h| {
        h.query_by_label("Close the selected socket").is_some()
    });
}

/// A step that types into the second console shows it, though the learner put the two
/// consoles side by side away since the lesson began (it ran where nobody saw it).
#[test]
fn a_step_shows_the_console_it_types_into() {
    let mut h = lesson_harness();
    click(&mut h, "Lessons");
    click(&mut h, &socklab::i18n::text("lessons-echo-title", None));
    h.state_mut().state.lesson.as_mut().unwrap().port = free_port();
    assert!(h.state().state.split, "a lesson with a client shows both");
    click(&mut h, "Two consoles side by side");
    click(&mut h, "Journal");
    assert!(!h.state().state.split);
    for n in 0..3 {
        click(&mut h, "Run it");
        step_until(&mut h, "the step's check", |a| {
            a.state.lesson.as_ref().is_some_and(|r| r.passed[n])
        });
        if n == 0 {
            // The server, in the first console: the console shown, not the second.
            step_until_drawn(&mut h, "the first console", |h| {
                h.query_by_label("python").is_some()
            });
            assert!(!h.state().state.split);
        }
        if n < 2 {
            click(&mut h, "Next");
        }
    }
    // The client's connect, in the second console: both shown.
    step_until_drawn(&mut h, "the second console", |h| {
        h.query_by_label("python (2)").is_some()
    });
}
