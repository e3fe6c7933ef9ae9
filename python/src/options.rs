//! The keyword arguments every client takes (`timeout`, `deadline`, `max_retries`) as the
//! core's [`HttpOptions`].

use jtl_connect::HttpOptions;
use pyo3::prelude::*;

use crate::convert::optional_seconds;

/// `HttpOptions` from the defaults and the keyword arguments that were given; the
/// `User-Agent` names the Python package in front of the core's.
pub(crate) fn http_options(
    py: Python<'_>,
    timeout: Option<f64>,
    deadline: Option<f64>,
    max_retries: Option<u32>,
) -> PyResult<HttpOptions> {
    let mut options = HttpOptions::default();
    options.user_agent = format!(
        "jtl-connect-python/{} {}",
        env!("CARGO_PKG_VERSION"),
        options.user_agent
    );
    if let Some(timeout) = optional_seconds(py, "timeout", timeout)? {
        options.timeout = timeout;
    }
    if let Some(deadline) = optional_seconds(py, "deadline", deadline)? {
        options.deadline = deadline;
    }
    if let Some(retries) = max_retries {
        options.retry.max_retries = retries;
    }
    Ok(options)
}
