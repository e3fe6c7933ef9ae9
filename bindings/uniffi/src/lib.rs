//! # jtl-connect for Kotlin and Swift (UniFFI)
//!
//! Thin wrappers over the `jtl-connect` core crate, exported with UniFFI proc macros and
//! turned into Kotlin and Swift by the workspace's `uniffi-bindgen` in library mode. Every
//! behaviour lives in the core; this crate converts types and errors only.
//!
//! Each I/O method comes twice: a blocking one (`get`) that runs on the core's shared runtime
//! (`jtl_connect::blocking`), and an async one (`getAsync`: Kotlin `suspend`, Swift `async`)
//! that is spawned on that same runtime and awaited by the foreign language.

// `JtlError` carries the exception's fields inline, as the foreign classes show them; it is
// built once per failed call at the FFI boundary, so its size does not matter.
#![allow(clippy::result_large_err)]
// Foreign functions take optional arguments with defaults (Kotlin named arguments, Swift
// labels) where Rust would take a builder: `request(method, path, query?, json?, ...)`.
#![allow(clippy::too_many_arguments)]

uniffi::setup_scaffolding!();

mod cloud;
mod endpoints;
mod errors;
mod graphql;
mod options;
mod paginator;
mod response;
mod runtime;
mod scx;
mod session;
mod store;
mod surface;
mod token;
mod user_auth;
mod wawi;

pub use cloud::CloudClient;
pub use endpoints::Endpoints;
pub use errors::JtlError;
pub use options::{
    app_token_verifier_options_from_json, check_options, http_options_from_json,
    verifier_options_from_json, AppTokenVerifierOptions, HttpOptions, VerifierOptions,
};
pub use paginator::Paginator;
pub use response::{Header, Page, RateLimit, Response};
pub use scx::{
    FailedScxEvent, ProcessedEvents, ScxClient, ScxEvent, ScxEventHandler, ScxHandlerError,
    SellerSignUp,
};
pub use session::{
    decode_unverified, SessionClaims, SessionVerifier, UnverifiedToken, VerifierStats,
};
pub use store::{Account, AccountClient, AccountStore, ConnectionTest, KeyRotation};
pub use token::AccessToken;
pub use user_auth::{AuthorizationCodeClient, SignIn, SignInOptions, StoredGrant, UserGrant};
pub use wawi::{
    register_wawi_app, register_wawi_app_async, start_wawi_registration, WawiApp, WawiClient,
    WawiPendingRegistration, WawiRegistration,
};

/// The version of jtl-connect inside this native library.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every option schema of jtl-connect as JSON text, names in snake_case:
/// `{"http": [{"name": "timeout", "type": "seconds", "default": 30.0}, ...], ...}`.
#[uniffi::export]
pub fn option_schemas() -> String {
    jtl_connect::options::schemas(jtl_connect::options::Case::Snake).to_string()
}

/// The core's error codes (`code -> [meaning, fields]`) and token-invalid reasons, as JSON
/// text.
#[uniffi::export]
pub fn error_tables() -> String {
    jtl_connect::codes::tables(jtl_connect::options::Case::Snake).to_string()
}
