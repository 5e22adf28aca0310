//! A log of a million rows: only the rows on screen are drawn (row view, merged view, and
//! a filter over the whole log), so frames stay cheap however long the log grows. Speed
//! itself is measured in the benchmark; here we check what is drawn.

use std::time::{Duration, SystemTime};

use crate::ui_common::*;
use egui_kittest::kittest::Queryable;
use socklab::engine::Direction;
use socklab::ui::traffic::TrafficRow;

const ROWS: usize = 1_000_000;

fn drawn_rows(h: &H) -> usize {
    h.query_all_by_label_contains("row-").count()
}

#[test]
fn a_million_rows_draw_only_what_is_on_screen() {
    let mut h = harness();
    click(&mut h, "New UDP");
    step_until(&mut h, "a socket", |a| a.state.selected_view().is_some());
    {
        let s = h.state_mut().state.sockets.values_mut().next().unwrap();
        s.traffic.set_cap(1 << 30);
        let t0 = SystemTime::now();
        for i in 0..ROWS {
            let data = format!("row-{i}").into_bytes();
            s.traffic.push(TrafficRow {
                at: t0 + Duration::from_micros(i as u64),
                // Pairs of one direction, so the merged view has half as many runs.
                direction: if i / 2 % 2 == 0 {
                    Direction::In
                } else {
                    Direction::Out
                },
                len: data.len(),
                data: data.into(),
                peer: None,
                cut: 0,
                tls: false,
                via: None,
            });
        }
    }
    h.step();
    h.step();
    assert!(h.query_by_label(&format!("{ROWS} rows")).is_some());
    let n = drawn_rows(&h);
    assert!(n > 0 && n < 100, "{n} rows drawn of {ROWS}");
    // The view sticks to the bottom: the newest row is among those drawn.
    assert!(h
        .query_by_label_contains(&format!("row-{}", ROWS - 1))
        .is_some());

    click(&mut h, "merge chunks");
    let n = drawn_rows(&h);
    assert!(n > 0 && n < 100, "{n} merged runs drawn of {}", ROWS / 2);
    assert!(h.query_all_by_label_contains("2 chunks, ").count() > 0);
    click(&mut h, "merge chunks");

    replace_text(&mut h, "search traffic", "row-99999");
    // row-99999 and row-999990..row-999999.
    assert!(h
        .query_by_label(&format!("11 of {ROWS} rows match"))
        .is_some());
    // Only matches are drawn (as many of the 11 as the view holds).
    let n = drawn_rows(&h);
    assert!((1..=11).contains(&n), "{n} rows drawn");
    assert_eq!(h.query_all_by_label_contains("row-99999").count(), n);
}
