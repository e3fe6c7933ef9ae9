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

/// Like [`build`], from arguments an `async fn` method received as owned objects.
pub(crate) fn build_owned(
    method: &str,
    path: &str,
    params: Option<Py<PyAny>>,
    json: Option<Py<PyAny>>,
    headers: Option<Py<PyAny>>,
    timeout: Option<f64>,
    idempotent: Option<bool>,
) -> PyResult<Request> {
    Python::attach(|py| {
        let params = params.map(|p| p.into_bound(py));
        let json = json.map(|j| j.into_bound(py));
        let headers = headers.map(|h| h.into_bound(py));
        let args = RequestArgs {
            params: params.as_ref(),
            json: json.as_ref(),
            headers: headers.as_ref(),
            timeout,
            idempotent,
        };
        build(py, method, path, args)
    })
}
