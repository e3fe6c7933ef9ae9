//! Node.js bindings of jtl-connect (napi-rs): conversions of arguments, results and errors
//! only. Every behaviour (token cache, retries, session verification, pagination) lives in
//! the core crate `jtl-connect`; one module here wraps one part of it.
//!
//! Every call that does I/O returns a `Promise` and runs on napi's tokio runtime, so the
//! event loop is never blocked. Failures become instances of the `JtlError` class that the
//! JavaScript layer (`lib/errors.js`) registers at load time (see [`errors`]).

pub mod cloud;
pub mod convert;
pub mod emulator;
pub mod endpoints;
pub mod errors;
pub mod graphql;
pub mod inspect;
pub mod options;
pub mod paginator;
pub mod request;
pub mod response;
pub mod runtime;
pub mod scx;
pub mod secret;
pub mod session;
pub mod store;
pub mod surface;
pub mod token;
pub mod user_auth;
pub mod wawi;
