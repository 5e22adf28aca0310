//! The real binary in a real window under Xvfb, driven with xdotool.

#[path = "../xwin/mod.rs"]
mod xwin;

mod xvfb;
