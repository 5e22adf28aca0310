//! TLS on a TCP socket's page: start it as client (server name, ALPN, how the server's
//! certificate is checked) or server (a certificate from files, or one made for
//! localhost); on a listener, for every connection it accepts. The inspector's TLS
//! section: what was negotiated, the certificates, the check's result in plain words.

use egui::{Color32, RichText};

use crate::engine::tls::{
    CertSource, CertSummary, TlsFailure, TlsInfo, TlsSide, TlsSpec, Verification, Verify,
};
use crate::engine::{Op, SockState};
use crate::t;
use crate::ui::state::{Action, SockView, TlsForm, TlsVerify};
use crate::ui::widgets::{action_button, field_problem, labelled_edit, warning_label};

/// The page's TLS row.
pub fn show(ui: &mut egui::Ui, s: &mut SockView, actions: &mut Vec<Action>) {
    let id = s.info.id;
    let listening = s.state() == SockState::Listening;
    if let Some(info) = s.snapshot.as_ref().and_then(|x| x.tls.as_ref()) {
        ui.label(summary(info, listening));
        return;
    }
    egui::CollapsingHeader::new(t!("tls-offer"))
        .id_salt(("tls form", id.0))
        .default_open(false)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| form(ui, s, listening, actions));
        });
}

/// The choices, and the button that starts TLS with them.
fn form(ui: &mut egui::Ui, s: &mut SockView, listening: bool, actions: &mut Vec<Action>) {
    let id = s.info.id;
    let f = &mut s.form.tls;
    if listening {
        f.server = true;
        ui.label(t!("tls-listener-note"));
        ui.end_row();
    } else {
        ui.selectable_value(&mut f.server, false, t!("tls-as-client"))
            .on_hover_text(t!("tls-as-client-tip"));
        ui.selectable_value(&mut f.server, true, t!("tls-as-server"))
            .on_hover_text(t!("tls-as-server-tip"));
        ui.end_row();
    }
    if f.server {
        ui.checkbox(&mut f.own_files, t!("tls-cert-from-files"))
            .on_hover_text(t!("tls-cert-from-files-tip"));
        if f.own_files {
            ui.end_row();
            labelled_edit(ui, &t!("tls-cert"), &mut f.cert, 200.0);
            labelled_edit(ui, &t!("tls-key"), &mut f.key, 200.0);
        } else {
            ui.label(RichText::new(t!("tls-self-signed-note")).weak());
        }
    } else {
        labelled_edit(ui, &t!("tls-server-name"), &mut f.name, 130.0)
            .on_hover_text(t!("tls-server-name-tip"));
        labelled_edit(ui, "ALPN", &mut f.alpn, 90.0).on_hover_text(t!("tls-alpn-tip"));
        ui.end_row();
        let r = ui.label(t!("tls-verify"));
        egui::ComboBox::from_id_salt(("tls verify", id.0))
            .selected_text(verify_word(f.verify))
            .show_ui(ui, |ui| {
                for v in [TlsVerify::System, TlsVerify::CaFile, TlsVerify::Off] {
                    ui.selectable_value(&mut f.verify, v, verify_word(v));
                }
            })
            .response
            .labelled_by(r.id)
            .on_hover_text(t!("tls-verify-tip"));
        match f.verify {
            TlsVerify::CaFile => {
                labelled_edit(ui, &t!("tls-ca-file"), &mut f.ca, 200.0);
            }
            TlsVerify::Off => {
                ui.end_row();
                warning_label(ui, &t!("tls-verify-off-warning"));
            }
            TlsVerify::System => {}
        }
    }
    ui.end_row();
    let spec = f.spec();
    let label = if listening {
        t!("tls-start-listener")
    } else {
        t!("tls-start")
    };
    if action_button(ui, spec.is_ok(), &label, &t!("tls-start-tip")) {
        if let Ok(spec) = spec.clone() {
            actions.push(Action::Call {
                id,
                op: Op::StartTls { spec },
            });
        }
    }
    field_problem(ui, spec.err().as_deref());
}

fn verify_word(v: TlsVerify) -> String {
    match v {
        TlsVerify::System => t!("tls-verify-system"),
        TlsVerify::CaFile => t!("tls-verify-ca"),
        TlsVerify::Off => t!("tls-verify-off"),
    }
}

impl TlsForm {
    /// What the row asks for, or why it cannot be asked.
    pub fn spec(&self) -> Result<TlsSpec, String> {
        let alpn: Vec<String> = self
            .alpn
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        if alpn.iter().any(|p| p.len() > 255) {
            return Err(t!("tls-alpn-too-long"));
        }
        if self.server {
            let cert = if self.own_files {
                let (c, k) = (self.cert.trim(), self.key.trim());
                if c.is_empty() || k.is_empty() {
                    return Err(t!("tls-need-cert-files"));
                }
                CertSource::Files {
                    cert: c.into(),
                    key: k.into(),
                }
            } else {
                CertSource::SelfSigned
            };
            return Ok(TlsSpec::Server { cert, alpn });
        }
        let name = self.name.trim();
        if name.is_empty() {
            return Err(t!("tls-need-name"));
        }
        let verify = match self.verify {
            TlsVerify::System => Verify::System,
            TlsVerify::Off => Verify::Off,
            TlsVerify::CaFile => {
                let p = self.ca.trim();
                if p.is_empty() {
                    return Err(t!("tls-need-ca"));
                }
                Verify::CaFile { path: p.into() }
            }
        };
        Ok(TlsSpec::Client {
            server_name: name.to_string(),
            alpn,
            verify,
            check_name: true,
        })
    }
}

/// A line for the page: "TLSv1.3 · TLS13_AES_256_GCM_SHA384 · verified".
fn summary(info: &TlsInfo, listening: bool) -> String {
    if listening {
        return t!("tls-listener-on");
    }
    if let Some(f) = &info.failure {
        return t!("tls-failed", why = failure_words(f));
    }
    if info.handshaking {
        return t!("tls-handshaking");
    }
    let mut parts = vec![
        info.version.clone().unwrap_or_default(),
        info.suite.clone().unwrap_or_default(),
    ];
    if let Some(a) = &info.alpn {
        parts.push(format!("ALPN {a}"));
    }
    parts.push(verification_words(&info.verification).0);
    parts.join(" · ")
}

/// A failure in a few plain words.
pub fn failure_words(f: &TlsFailure) -> String {
    match f {
        TlsFailure::Expired => t!("tls-why-expired"),
        TlsFailure::NotYetValid => t!("tls-why-not-yet-valid"),
        TlsFailure::WrongName { name } => t!("tls-why-wrong-name", name = name),
        TlsFailure::UnknownIssuer => t!("tls-why-unknown-issuer"),
        TlsFailure::SelfSigned => t!("tls-why-self-signed"),
        TlsFailure::Eof => t!("tls-why-eof"),
        TlsFailure::Alert { alert } => t!("tls-why-alert", alert = alert),
        TlsFailure::Other { message } => message.clone(),
    }
}

/// The check's result and its colour (None: the usual text colour).
fn verification_words(v: &Verification) -> (String, Option<Color32>) {
    match v {
        Verification::Trusted => (t!("tls-trusted"), Some(Color32::from_rgb(60, 170, 90))),
        Verification::Refused { why } => (
            t!("tls-refused", why = failure_words(why)),
            Some(Color32::from_rgb(220, 70, 60)),
        ),
        Verification::NotEnforced { would_fail: None } => (t!("tls-not-enforced-ok"), None),
        Verification::NotEnforced {
            would_fail: Some(why),
        } => (
            t!("tls-not-enforced", why = failure_words(why)),
            Some(Color32::from_rgb(220, 140, 30)),
        ),
        Verification::None => (t!("tls-not-checked"), None),
    }
}

/// The inspector's TLS section. A listener has no session of its own: only the
/// certificate its connections present.
pub fn inspector(ui: &mut egui::Ui, info: &TlsInfo, plain: (u64, u64), listening: bool) {
    ui.separator();
    ui.strong("TLS");
    if listening {
        ui.label(t!("tls-listener-inspector"));
        if let Some(own) = &info.own {
            ui.label(RichText::new(t!("tls-own-cert")).strong());
            cert(ui, own, "own");
        }
        return;
    }
    let side = match info.side {
        TlsSide::Client => t!("tls-side-client"),
        TlsSide::Server => t!("tls-side-server"),
    };
    egui::Grid::new("tls").num_columns(2).show(ui, |ui| {
        let mut row = |k: &str, v: String| {
            ui.label(k);
            ui.label(RichText::new(v).monospace());
            ui.end_row();
        };
        row(&t!("tls-this-end"), side);
        let pending = || t!("tls-pending");
        row(
            &t!("tls-version"),
            info.version.clone().unwrap_or_else(pending),
        );
        row(&t!("tls-suite"), info.suite.clone().unwrap_or_else(pending));
        row("ALPN", info.alpn.clone().unwrap_or_else(|| "-".into()));
        row("SNI", info.sni.clone().unwrap_or_else(|| "-".into()));
        row(
            &t!("tls-wire"),
            t!(
                "tls-wire-value",
                wire_in = info.wire_in.to_string(),
                wire_out = info.wire_out.to_string(),
                plain_in = plain.0.to_string(),
                plain_out = plain.1.to_string()
            ),
        );
    });
    let (words, colour) = verification_words(&info.verification);
    let text = RichText::new(format!("{}: {words}", t!("tls-check")));
    ui.label(match colour {
        Some(c) => text.color(c),
        None => text,
    });
    if let Some(f) = &info.failure {
        ui.label(
            RichText::new(t!("tls-failed", why = failure_words(f)))
                .color(Color32::from_rgb(220, 70, 60)),
        );
    }
    if let Some(own) = &info.own {
        ui.label(RichText::new(t!("tls-own-cert")).strong());
        cert(ui, own, "own");
    }
    if !info.chain.is_empty() {
        ui.label(RichText::new(t!("tls-peer-chain")).strong());
        for (i, c) in info.chain.iter().enumerate() {
            cert(ui, c, &format!("chain {i}"));
        }
    }
}

fn cert(ui: &mut egui::Ui, c: &CertSummary, salt: &str) {
    egui::Grid::new(("tls cert", salt))
        .num_columns(2)
        .show(ui, |ui| {
            let mut row = |k: String, v: String| {
                ui.label(k);
                ui.add(egui::Label::new(RichText::new(v).monospace()).wrap());
                ui.end_row();
            };
            row(t!("tls-subject"), c.subject.clone());
            row(t!("tls-issuer"), c.issuer.clone());
            row(
                t!("tls-valid"),
                t!(
                    "tls-valid-value",
                    from = c.not_before.as_str(),
                    until = c.not_after.as_str()
                ),
            );
            row("SAN".into(), c.sans.join(", "));
            row("SHA-256".into(), c.sha256.clone());
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_asks_for_what_it_needs() {
        let mut f = TlsForm {
            name: "  ".into(),
            ..Default::default()
        };
        assert!(f.spec().is_err(), "a client needs a server name");
        f.name = "example.org".into();
        f.alpn = "h2, http/1.1,".into();
        assert_eq!(
            f.spec().unwrap(),
            TlsSpec::Client {
                server_name: "example.org".into(),
                alpn: vec!["h2".into(), "http/1.1".into()],
                verify: Verify::System,
                check_name: true,
            }
        );
        f.verify = TlsVerify::CaFile;
        assert!(f.spec().is_err(), "a CA file must be named");
        f.server = true;
        f.alpn.clear();
        assert_eq!(
            f.spec().unwrap(),
            TlsSpec::Server {
                cert: CertSource::SelfSigned,
                alpn: Vec::new()
            }
        );
        f.own_files = true;
        f.cert = "c.pem".into();
        assert!(f.spec().is_err(), "a key file too");
    }
}
