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

/// napi's tokio runtime with half as many worker threads as CPUs (at least one; the core's
/// rule, `TOKIO_WORKER_THREADS` overrides it) instead of one per CPU: the futures here wait
/// on sockets and do little work, the JavaScript thread needs a CPU of its own, and every
/// extra worker is one more thread to wake and park per request. On 2 CPUs one worker
/// halved the process CPU time of a GET (issue 19's `bench/node/hop.mjs`). If building
/// fails, napi makes its default one.
#[napi_derive::module_init]
fn init() {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(workers) = jtl_connect::worker_threads() {
        builder.worker_threads(workers);
    }
    if let Ok(runtime) = builder.thread_name("jtl-connect").enable_all().build() {
        napi::bindgen_prelude::create_custom_tokio_runtime(runtime);
    }
}
