//! Reliability and security evidence for jtl-connect, over real HTTP against the emulator.
//! Run with `cargo test -p jtl-connect-reliability -- --nocapture` to see the tables.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod support;

mod core_bugs;
mod fault_matrix;
mod hostile_tokens;
mod postgres;
mod secret_leak;
mod store_attacks;
mod store_crash;
