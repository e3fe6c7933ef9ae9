//! The core's `tracing` events (as `log` records) go to Python's `logging`, to the logger
//! named after the Rust module: `jtl_connect.http`, `jtl_connect.token.cache`, ... (children
//! of `jtl_connect`). Tokens appear only as fingerprints.
//!
//! Loggers and their effective levels are cached on first use, so a disabled level costs no
//! trip into Python; after changing levels at run time call `refresh_log_levels()`.

use std::sync::OnceLock;

use pyo3::prelude::*;

static RESET: OnceLock<pyo3_log::ResetHandle> = OnceLock::new();

/// Installs the bridge (once per process; a logger installed before is kept).
pub(crate) fn install(py: Python<'_>) -> PyResult<()> {
    if RESET.get().is_some() {
        return Ok(());
    }
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels)?;
    if let Ok(handle) = logger.install() {
        let _ = RESET.set(handle);
    }
    Ok(())
}

/// Forgets the cached Python loggers and levels, so that levels changed at run time (for
/// example by `logging.getLogger("jtl_connect").setLevel(logging.DEBUG)` or pytest's
/// `caplog.set_level`) take effect.
#[pyfunction]
pub(crate) fn refresh_log_levels() {
    if let Some(handle) = RESET.get() {
        handle.reset();
    }
}
