//! Graphs over time for the selected socket: bytes per second in and out, the kernel's rtt
//! and congestion window (TCP_INFO), and its receive and send queues — one point per
//! reading the engine sent (it sends one when something changed).

use egui::RichText;
use egui_plot::{HoverPosition, Legend, Line, Plot, PlotPoints};

use crate::t;
use crate::ui::series::{hover_text, Unit};
use crate::ui::state::UiState;

pub fn show(ui: &mut egui::Ui, state: &UiState) {
    let Some(s) = state.selected.and_then(|id| state.sockets.get(&id)) else {
        ui.label(t!("diagram-graphs-none"));
        return;
    };
    ui.label(
        RichText::new(t!(
            "diagram-graphs-about",
            name = &s.info.name,
            n = s.series.len()
        ))
        .weak(),
    );
    if s.series.len() < 2 {
        ui.label(t!("diagram-graphs-few"));
        return;
    }
    let now = (!s.closed).then(std::time::Instant::now);
    if let Some(wait) = now.and_then(|n| s.series.settles_in(n)) {
        // One frame when the rates fall to zero, if no reading comes first.
        ui.ctx().request_repaint_after(wait);
    }
    let (rin, rout) = s.series.rates(now);
    let h = ((ui.available_height() - 60.0) / 2.0).max(120.0);
    ui.columns(2, |c| {
        plot(
            &mut c[0],
            ("rate (bytes/s)", t!("diagram-graph-rate")),
            (h, Unit::BytesPerSec),
            vec![
                (t!("diagram-graph-in"), rin),
                (t!("diagram-graph-out"), rout),
            ],
        );
        // A UDP socket's SIOCINQ is its next datagram's size: what waits is drawn as the
        // buffer's use (a Unix datagram socket's kernel does not say it).
        let udp = s.snapshot.as_ref().is_some_and(|x| x.recv_buffer.is_some());
        let received = if udp {
            (
                t!("diagram-graph-recv-buffer"),
                s.series.line(|x| x.recv_buffer_used, now),
            )
        } else {
            (
                t!("diagram-graph-recv-queue"),
                s.series.line(|x| x.recv_queue, now),
            )
        };
        plot(
            &mut c[1],
            ("receive and send queue (bytes)", t!("diagram-graph-queues")),
            (h, Unit::Bytes),
            vec![
                received,
                (
                    t!("diagram-graph-send-queue"),
                    s.series.line(|x| x.send_queue, now),
                ),
            ],
        );
    });
    // rtt and cwnd are a TCP connection's (TCP_INFO): other sockets would get two empty
    // plots.
    if s.info.kind != crate::engine::Kind::Stream
        || !matches!(
            s.info.family,
            crate::engine::Family::Inet | crate::engine::Family::Inet6
        )
    {
        ui.label(RichText::new(t!("diagram-graphs-tcp-only")).weak());
        return;
    }
    ui.columns(2, |c| {
        plot(
            &mut c[0],
            ("rtt (µs, TCP_INFO)", t!("diagram-graph-rtt")),
            (h, Unit::Micros),
            vec![("rtt".to_string(), s.series.line(|x| x.rtt_us, now))],
        );
        plot(
            &mut c[1],
            ("cwnd (segments, TCP_INFO)", t!("diagram-graph-cwnd")),
            (h, Unit::Segments),
            vec![("cwnd".to_string(), s.series.line(|x| x.cwnd, now))],
        );
    });
}

/// The plot's id (its memory: zoom, bounds), by its English title.
pub fn plot_id(title: &str) -> egui::Id {
    egui::Id::unique(("graph", title))
}

/// A plot under its title; `id` (the English title) keeps its zoom and the lines hidden
/// whatever the language.
fn plot(
    ui: &mut egui::Ui,
    (id, title): (&str, String),
    (height, unit): (f32, Unit),
    lines: Vec<(String, crate::ui::series::Line)>,
) {
    ui.label(RichText::new(title).strong());
    Plot::new(id)
        .id(plot_id(id))
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        // Every reading is a count or a time, never below 0: the axis starts there (a flat
        // line, cwnd's 10 segments, would otherwise be centred with negative ticks below),
        // and an all-zero one is drawn at the bottom, not centred.
        .include_y(0.0)
        .include_y(1.0)
        .y_axis_formatter(|mark, _| crate::ui::series::axis_text(mark.value, mark.step_size))
        .x_axis_formatter(|mark, _| crate::ui::series::time_axis_text(mark.value, mark.step_size))
        .x_grid_spacer(egui_plot::uniform_grid_spacer(|i| {
            crate::ui::series::time_steps(i.base_step_size)
        }))
        .label_formatter(move |at| match at {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(hover_text(unit, plot_name, position.x, position.y)),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |p| {
            for (name, points) in lines {
                if !points.is_empty() {
                    // Steps share a pixel column at each reading: drawn as a line, not a filled band.
                    p.line(Line::new(name, PlotPoints::from(points)).allow_band(false));
                }
            }
        });
}
