//! Graphs over time for the selected socket: bytes per second in and out, the kernel's rtt
//! and congestion window (TCP_INFO), and its receive and send queues — one point per
//! reading the engine sent (it sends one when something changed).

use egui::RichText;
use egui_plot::{Legend, Line, Plot, PlotPoints};

use crate::ui::state::UiState;

pub fn show(ui: &mut egui::Ui, state: &UiState) {
    let Some(s) = state.selected.and_then(|id| state.sockets.get(&id)) else {
        ui.label("Select a socket on the left: its rate, rtt, cwnd and queues are drawn here.");
        return;
    };
    ui.label(
        RichText::new(format!(
            "{}: readings over time ({} so far; a reading comes when something changed). \
             Seconds from the first.",
            s.info.name,
            s.series.len()
        ))
        .weak(),
    );
    if s.series.len() < 2 {
        ui.label("Not enough readings yet: send or receive something.");
        return;
    }
    let (rin, rout) = s.series.rates();
    let h = ((ui.available_height() - 60.0) / 2.0).max(120.0);
    ui.columns(2, |c| {
        plot(
            &mut c[0],
            "rate (bytes/s)",
            h,
            vec![("in", rin), ("out", rout)],
        );
        plot(
            &mut c[1],
            "receive and send queue (bytes)",
            h,
            vec![
                ("receive queue", s.series.line(|x| x.recv_queue)),
                ("send queue", s.series.line(|x| x.send_queue)),
            ],
        );
    });
    ui.columns(2, |c| {
        plot(
            &mut c[0],
            "rtt (µs, TCP_INFO)",
            h,
            vec![("rtt", s.series.line(|x| x.rtt_us))],
        );
        plot(
            &mut c[1],
            "cwnd (segments, TCP_INFO)",
            h,
            vec![("cwnd", s.series.line(|x| x.cwnd))],
        );
    });
}

fn plot(ui: &mut egui::Ui, title: &str, height: f32, lines: Vec<(&str, crate::ui::series::Line)>) {
    ui.label(RichText::new(title).strong());
    Plot::new(title)
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        .show(ui, |p| {
            for (name, points) in lines {
                if !points.is_empty() {
                    p.line(Line::new(name, PlotPoints::from(points)));
                }
            }
        });
}
