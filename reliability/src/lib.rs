//! Reliability and security evidence for jtl-connect.
//!
//! The evidence itself lives in the tests (`tests/it/`): a fault matrix against the
//! emulator's fault injection, a suite of hostile session tokens, a crash test of the account
//! store and a secret-leak test. This library holds what they share: the tables they print
//! and write under `target/reliability/`, and a writer that captures log output.
//! `docs/reliability.md` describes what is tested and the latest figures.

pub mod capture;
pub mod report;
