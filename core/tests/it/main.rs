//! jtl-connect against the emulator, over real HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub
)]

mod support;

mod app_token;
mod cloud;
mod conformance;
mod content_type;
mod emulator_process;
mod graphql;
mod leak;
mod prefetch;
mod redaction;
mod scx;
mod session;
mod shared_token;
mod store;
mod store_pg;
mod user_auth;
mod verify_now;
mod wawi;
