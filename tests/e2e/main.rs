//! The real binary in a real window under Xvfb, driven with xdotool.

// System calls go through socklab::sys or rustix's safe wrappers; unsafe code is the
// system-call layer's alone.
#![forbid(unsafe_code)]

#[path = "../xwin/mod.rs"]
mod xwin;

mod xvfb;
