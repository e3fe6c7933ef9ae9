//! Python bindings of jtl-connect (`jtl_connect._native`): conversions and error mapping only;
//! behaviour lives in the core crate.
//!
//! One module per wrapped piece of the core: [`cloud`], [`wawi`], [`scx`], [`session`],
//! [`store`], [`endpoints`], [`token`], [`secret`], [`response`], [`paginator`], [`emulator`];
//! [`convert`], [`request`], [`surface`] (the request methods of every client), [`errors`],
//! [`runtime`], [`bridge`] (the asyncio wake-up of the hot `aio` methods) and [`logging`]
//! hold what they share.

// Python methods take keyword arguments with defaults where Rust would take a builder, plus
// `**unknown` to refuse misspelled ones with the core's message: `post(path, json, params, ...)`.
#![allow(clippy::too_many_arguments)]

mod bridge;
mod cloud;
mod convert;
mod emulator;
mod endpoints;
mod errors;
mod floor;
mod graphql;
mod logging;
mod options;
mod paginator;
mod request;
mod response;
mod runtime;
mod scx;
mod secret;
mod session;
mod store;
mod surface;
mod token;
mod user_auth;
mod wawi;

use pyo3::prelude::*;

/// The native part of the `jtl_connect` package; import `jtl_connect` instead.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install(m.py())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<endpoints::Endpoints>()?;
    m.add_class::<floor::Ed25519Floor>()?;
    m.add_class::<secret::Secret>()?;
    m.add_class::<token::AccessToken>()?;
    m.add_class::<response::Response>()?;
    m.add_class::<response::Page>()?;
    m.add_class::<paginator::Paginator>()?;
    m.add_class::<paginator::AsyncPaginator>()?;
    m.add_class::<cloud::CloudClient>()?;
    m.add_class::<cloud::AsyncCloudClient>()?;
    m.add_class::<session::SessionVerifier>()?;
    m.add_class::<session::AsyncSessionVerifier>()?;
    m.add_class::<session::SessionClaims>()?;
    m.add_class::<session::UnverifiedToken>()?;
    m.add_function(wrap_pyfunction!(session::decode_unverified, m)?)?;
    m.add_class::<wawi::WawiClient>()?;
    m.add_class::<wawi::AsyncWawiClient>()?;
    m.add_class::<wawi::WawiApp>()?;
    m.add_class::<wawi::WawiRegistration>()?;
    m.add_class::<wawi::Cancellation>()?;
    m.add_function(wrap_pyfunction!(wawi::register_wawi_app, m)?)?;
    m.add_function(wrap_pyfunction!(wawi::register_wawi_app_async, m)?)?;
    m.add_class::<wawi::WawiPendingRegistration>()?;
    m.add_function(wrap_pyfunction!(wawi::start_wawi_registration, m)?)?;
    m.add_class::<scx::ProcessedEvents>()?;
    m.add_class::<scx::SellerSignUp>()?;
    m.add_class::<scx::ScxClient>()?;
    m.add_class::<scx::AsyncScxClient>()?;
    m.add_class::<scx::ScxEvent>()?;
    m.add_class::<store::AccountStore>()?;
    m.add_class::<store::Account>()?;
    m.add_class::<store::ConnectionTest>()?;
    m.add_class::<emulator::EmulatorHandle>()?;
    m.add_function(wrap_pyfunction!(logging::refresh_log_levels, m)?)?;
    user_auth::register(m)?;
    m.add_function(wrap_pyfunction!(options::option_schemas, m)?)?;
    m.add_function(wrap_pyfunction!(options::error_tables, m)?)?;
    Ok(())
}
