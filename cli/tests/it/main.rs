//! The `jtl-connect` binary against an in-process emulator: every command, bad input
//! included. Each test has its own emulator, database directory and master key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    unreachable_pub,
    dead_code
)]

mod support;

mod accounts;
mod completions;
mod decode_verify;
mod emulator;
mod general;
mod graphql;
mod login;
mod paginate;
mod postgres;
mod request;
mod token;
mod wawi;
