//! Tests of the emulator over real HTTP, as a raw client sees it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod support;

mod admin;
mod admin_guard;
mod child;
mod conformance_erp;
mod conformance_tokens;
mod conformance_wawi_scx;
mod echo;
mod erp;
mod faults;
mod graphql;
mod oauth;
mod scx;
mod session;
mod user_auth;
mod wawi;
