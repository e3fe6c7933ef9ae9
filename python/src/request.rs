//! A core [`Request`] from the arguments of `request()`, `get()`, `post()`, ...

use jtl_connect::Request;
use pyo3::prelude::*;

use crate::{convert, errors};

/// The arguments every request method takes, as Python objects.
pub(crate) struct RequestArgs<'a, 'py> {
    /// `params`: a mapping or a sequence of pairs.
    pub(crate) params: Option<&'a Bound<'py, PyAny>>,
    /// `json`: the body.
    pub(crate) json: Option<&'a Bound<'py, PyAny>>,
    /// `headers`: a mapping of `str` to `str`.
    pub(crate) headers: Option<&'a Bound<'py, PyAny>>,
    /// `timeout`: seconds for each attempt.
    pub(crate) timeout: Option<f64>,
    /// `idempotent`: whether the request may be retried.
    pub(crate) idempotent: Option<bool>,
}

impl RequestArgs<'_, '_> {
    /// Only a path: `GET path` and friends without further arguments.
    pub(crate) fn none() -> Self {
        Self {
            params: None,
            json: None,
            headers: None,
            timeout: None,
            idempotent: None,
        }
    }
}

/// Builds the request `method path` with `args`.
pub(crate) fn build(
    py: Python<'_>,
    method: &str,
    path: &str,
    args: RequestArgs<'_, '_>,
) -> PyResult<Request> {
    let mut request = Request::new(method, path).map_err(|e| errors::to_py(py, &e))?;
    for (name, value) in convert::params(args.params)? {
        request = request.query(name, value);
    }
    if let Some(json) = args.json.filter(|j| !j.is_none()) {
        request = request.json(convert::from_python(json, "json")?);
    }
    for (name, value) in convert::headers(args.headers)? {
        request = request.header(name, value);
    }
    if let Some(timeout) = convert::optional_seconds(py, "timeout", args.timeout)? {
        request = request.timeout(timeout);
    }
    if let Some(idempotent) = args.idempotent {
        request = request.idempotent(idempotent);
    }
    Ok(request)
}
