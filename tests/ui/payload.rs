//! The payload editor: text with escapes in an encoding, hex, the live preview of the exact
//! bytes, and those bytes on a real socket.

use std::io::Read;

use crate::ui_common::*;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use socklab::ui::SocklabApp;

fn new_tcp(h: &mut Harness<'static, SocklabApp>) {
    click(h, "New TCP");
    step_until(h, "a socket", |a| a.state.selected_view().is_some());
}

fn disabled(h: &Harness<'static, SocklabApp>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn hex_mode_previews_and_refuses_bad_digits() {
    let mut h = harness();
    new_tcp(&mut h);
    click(&mut h, "Hex");
    replace_text(&mut h, "payload", "de ad:BE,0xef");
    assert!(
        h.query_by_label("4 bytes: de ad be ef").is_some(),
        "the preview shows the exact bytes"
    );
    assert!(!disabled(&h, "sendall"));
    replace_text(&mut h, "payload", "de ad b");
    assert!(h
        .query_by_label_contains("nothing is sent: at character 7")
        .is_some());
    assert!(
        disabled(&h, "send") && disabled(&h, "sendall"),
        "nothing is sent while the hex is bad"
    );
    replace_text(&mut h, "payload", "zz");
    assert!(h
        .query_by_label_contains("'z' is not a hex digit")
        .is_some());
    // Switching keeps the bytes: text and hex are two spellings of them.
    let payload = |h: &H| selected(h).form.payload.clone();
    replace_text(&mut h, "payload", "41 54 0d 0a e4 bd a0");
    click(&mut h, "Text");
    assert_eq!(payload(&h), "AT\\r\\n你");
    click(&mut h, "Hex");
    assert_eq!(payload(&h), "41 54 0d 0a e4 bd a0");
    // What is not hex stays as typed (its problem shown) rather than being lost.
    replace_text(&mut h, "payload", "4");
    click(&mut h, "Text");
    assert_eq!(payload(&h), "4");
    // The fields under the editor stay where they are when the mode is switched (hex
    // greys the encoding rows rather than taking them away).
    replace_text(&mut h, "payload", "41");
    let at = |h: &H| h.get_by_label("times").rect().min.y;
    let in_text = at(&h);
    click(&mut h, "Hex");
    h.step();
    assert_eq!(at(&h), in_text, "the repeat row did not move");
    assert!(disabled(&h, "encoding") && disabled(&h, "line ending"));
}

/// A device's check value is appended to the exact bytes, previewed, and sent: a Modbus
/// RTU request as its manual prints it (CRC C5 CD, low byte first).
#[test]
fn a_check_value_is_appended_previewed_and_sent() {
    let mut h = harness();
    new_tcp(&mut h);
    let mut conn = connect_to_peer(&mut h);
    click(&mut h, "Hex");
    replace_text(&mut h, "payload", "01 03 00 00 00 0a");
    pick_in(&mut h, "check value", "CRC-16/MODBUS");
    assert!(
        h.query_by_label("8 bytes: 01 03 00 00 00 0a c5 cd")
            .is_some(),
        "the CRC in the preview"
    );
    click(&mut h, "sendall");
    let mut got = [0u8; 8];
    conn.read_exact(&mut got).unwrap();
    assert_eq!(got, [1, 3, 0, 0, 0, 0x0a, 0xc5, 0xcd]);
    // In text mode it covers the line ending too.
    click(&mut h, "Text");
    replace_text(&mut h, "payload", "123456789");
    pick_in(&mut h, "check value", "CRC-32");
    assert!(h
        .query_by_label("13 bytes: 31 32 33 34 35 36 37 38 39 cb f4 39 26")
        .is_some());
    pick_in(&mut h, "line ending", "LF");
    assert!(
        h.query_by_label_contains("14 bytes: 31 32 33 34 35 36 37 38 39 0a ")
            .is_some(),
        "the check value after the ending"
    );
}

#[test]
fn text_mode_sends_exactly_the_escaped_bytes() {
    let mut h = harness();
    new_tcp(&mut h);
    let mut conn = connect_to_peer(&mut h);

    replace_text(&mut h, "payload", "a\\x00b");
    click(&mut h, "line ending");
    click(&mut h, "CRLF");
    assert!(h.query_by_label("5 bytes: 61 00 62 0d 0a").is_some());
    click(&mut h, "sendall");
    let mut got = [0u8; 5];
    conn.read_exact(&mut got).unwrap();
    assert_eq!(
        &got, b"a\x00b\r\n",
        "the wire carries exactly the previewed bytes"
    );
    step_until(&mut h, "journaled", |a| {
        a.state
            .journal
            .iter()
            .any(|e| e.line == "s1.sendall(b'a\\x00b\\r\\n')")
    });

    click(&mut h, "line ending");
    click(&mut h, "none");
    click(&mut h, "encoding");
    click(&mut h, "GBK");
    replace_text(&mut h, "payload", "中");
    assert!(
        h.query_by_label("2 bytes: d6 d0").is_some(),
        "GBK bytes for 中"
    );
    replace_text(&mut h, "payload", "bad \\x4");
    assert!(h
        .query_by_label_contains("\\x takes two hex digits")
        .is_some());
    assert!(disabled(&h, "send"));
}

#[test]
fn chinese_renders_in_the_payload_the_traffic_and_the_journal() {
    // The harness fails on any character no font has: the bundled CJK font must draw these
    // on a machine without a CJK font of its own.
    let mut h = harness();
    new_tcp(&mut h);
    let mut conn = connect_to_peer(&mut h);
    // Korean in UTF-8 (GBK has no Hangul).
    replace_text(&mut h, "payload", "안녕");
    assert!(h.query_by_label("6 bytes: ec 95 88 eb 85 95").is_some());
    click(&mut h, "encoding");
    click(&mut h, "GBK");
    replace_text(&mut h, "payload", "你好，世界 こんにちは");
    click(&mut h, "sendall");
    let mut got = [0u8; 10];
    conn.read_exact(&mut got).unwrap();
    assert_eq!(
        &got, b"\xc4\xe3\xba\xc3\xa3\xac\xca\xc0\xbd\xe7",
        "GBK on the wire"
    );
    step_until_drawn(&mut h, "the traffic row in Chinese", |h| {
        h.query_by_label_contains("你好，世界").is_some()
    });
    step_until_drawn(&mut h, "the journal's line", |h| {
        h.query_by_label_contains(".sendall(b'\\xc4\\xe3").is_some()
    });
}

#[test]
fn enter_in_the_payload_sends_and_shift_enter_starts_a_line() {
    let mut h = harness();
    new_tcp(&mut h);
    let mut conn = connect_to_peer(&mut h);
    replace_text(&mut h, "payload", "hi");
    h.key_press(egui::Key::Enter);
    h.step();
    let mut got = [0u8; 2];
    conn.read_exact(&mut got).unwrap();
    assert_eq!(
        &got, b"hi",
        "Enter sent the payload, and added nothing to it"
    );
    assert_eq!(h.get_by_label("payload").value().as_deref(), Some("hi"));
    // Shift+Enter is a line break in the payload, not a send: also when typed so fast
    // that Shift is up again by the end of the frame (the key event still has it).
    for pressed in [true, false] {
        h.event(egui::Event::Key {
            key: egui::Key::Enter,
            physical_key: None,
            pressed,
            repeat: false,
            modifiers: egui::Modifiers::SHIFT,
        });
    }
    h.step();
    h.get_by_label("payload").type_text("x");
    h.step();
    assert_eq!(h.get_by_label("payload").value().as_deref(), Some("hi\nx"));
    h.key_press(egui::Key::Enter);
    h.step();
    let mut got = [0u8; 4];
    conn.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hi\nx");
    step_until(&mut h, "journaled as sendall", |a| {
        a.state
            .journal
            .iter()
            .filter(|e| e.line.starts_with("s1.sendall("))
            .count()
            == 2
    });
}

/// A page with Chinese in the payload editor and the traffic view, drawn by wgpu on Mesa's
/// software renderer and compared with tests/snapshots/chinese_page.png (UPDATE_SNAPSHOTS=1
/// rewrites it): the glyphs are 你好, not boxes, and the page is laid out as committed.
#[test]
fn chinese_page_snapshot() {
    let mut h = snapshot_harness(1024.0, 680.0);
    new_tcp(&mut h);
    let mut conn = connect_to_peer(&mut h);
    click(&mut h, "encoding");
    click(&mut h, "GBK");
    replace_text(&mut h, "payload", "你好，世界");
    click(&mut h, "sendall");
    let mut got = [0u8; 10];
    conn.read_exact(&mut got).unwrap();
    step_until_drawn(&mut h, "the traffic row", |h| {
        h.query_by_label_contains("你好，世界").is_some()
    });
    // The peer has the bytes before the window has sendall's answer (its journal line
    // still "waiting", the counts still 0): the frame is taken once the answer is in.
    step_until(&mut h, "sendall's answer", |a| {
        a.state.journal.iter().all(|e| e.done)
            && a.state
                .selected_view()
                .and_then(|s| s.snapshot.as_ref())
                .is_some_and(|s| s.counters.bytes_out == 10)
    });
    // Ports and the kernel's timings change from run to run (about 450 pixels here); the
    // allowance below covers them, not a page laid out anew. A missing glyph fails the test
    // before this: the harness panics on a character no font has.
    h.state_mut().state.journal.clear_done();
    // snapshot() runs until nothing moves: a scroll that follows the clicked button
    // animates over frames, and under load fewer of them have passed when the row is drawn.
    snapshot(&mut h, "chinese_page", 3000);
}
