//! The arguments of `graphql()` and `paginate_graphql()` as a core [`GraphqlRequest`].

use jtl_connect::{GraphqlRequest, IdempotencyKey};
use pyo3::{prelude::*, types::PyBool};

use crate::{convert, errors};

/// `query`, `variables`, `operation_name`, `idempotency_key` (`None`/`True`: a fresh key for
/// a mutation; a `str`: that key; `False`: none), `headers`, `timeout`.
pub(crate) fn build(
    py: Python<'_>,
    query: &str,
    variables: Option<&Bound<'_, PyAny>>,
    operation_name: Option<&str>,
    idempotency_key: Option<&Bound<'_, PyAny>>,
    headers: Option<&Bound<'_, PyAny>>,
    timeout: Option<f64>,
) -> PyResult<GraphqlRequest> {
    let mut request = GraphqlRequest::new(query);
    if let Some(variables) = variables.filter(|v| !v.is_none()) {
        request = request.variables(convert::from_python(variables, "variables")?);
    }
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    if let Some(key) = idempotency_key.filter(|k| !k.is_none()) {
        let key = if let Ok(flag) = key.cast::<PyBool>() {
            if flag.is_true() {
                IdempotencyKey::Auto
            } else {
                IdempotencyKey::Off
            }
        } else if let Ok(text) = key.extract::<String>() {
            IdempotencyKey::Key(text)
        } else {
            return Err(errors::invalid_input(
                py,
                format!(
                    "idempotency_key: expected a str, True, False or None; found {}",
                    convert::type_name(key)
                ),
            ));
        };
        request = request.idempotency_key(key);
    }
    for (name, value) in convert::headers(headers)? {
        request = request.header(name, value);
    }
    if let Some(timeout) = convert::optional_seconds(py, "timeout", timeout)? {
        request = request.timeout(timeout);
    }
    Ok(request)
}

/// Like [`build`], from arguments an `async fn` method received as owned objects.
pub(crate) fn build_owned(
    query: &str,
    variables: Option<Py<PyAny>>,
    operation_name: Option<&str>,
    idempotency_key: Option<Py<PyAny>>,
    headers: Option<Py<PyAny>>,
    timeout: Option<f64>,
) -> PyResult<GraphqlRequest> {
    Python::attach(|py| {
        let variables = variables.map(|v| v.into_bound(py));
        let key = idempotency_key.map(|k| k.into_bound(py));
        let headers = headers.map(|h| h.into_bound(py));
        build(
            py,
            query,
            variables.as_ref(),
            operation_name,
            key.as_ref(),
            headers.as_ref(),
            timeout,
        )
    })
}

/// The variables of `paginate_graphql()`, as JSON.
pub(crate) fn variables(
    variables: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<serde_json::Value>> {
    variables
        .filter(|v| !v.is_none())
        .map(|v| convert::from_python(v, "variables"))
        .transpose()
}
