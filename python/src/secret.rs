//! [`Secret`]: a client secret, API key or refresh token that never prints.

use pyo3::{exceptions::PyTypeError, prelude::*, types::PyString};

use crate::convert::type_name;

/// A secret string (client secret, API key, refresh token). `repr()` and `str()` show
/// `Secret('***')`; read it with `expose()`.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct Secret {
    pub(crate) inner: jtl_connect::Secret,
}

#[pymethods]
impl Secret {
    /// Wraps `value`.
    #[new]
    fn new(value: String) -> Self {
        Self {
            inner: jtl_connect::Secret::new(value),
        }
    }

    /// The secret itself. Call it only where the value is sent, never to log or display it.
    fn expose(&self) -> &str {
        self.inner.expose()
    }

    /// A short, non-reversible label for logs: the first 8 hex digits of its SHA-256.
    #[getter]
    fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    fn __repr__(&self) -> &'static str {
        "Secret('***')"
    }

    fn __str__(&self) -> &'static str {
        "Secret('***')"
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Secret>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __hash__(&self) -> u64 {
        u64::from_str_radix(&self.inner.fingerprint(), 16).unwrap_or(0)
    }
}

/// A secret argument: a `str` or a [`Secret`]; `what` names it in errors.
pub(crate) fn secret_arg(value: &Bound<'_, PyAny>, what: &str) -> PyResult<jtl_connect::Secret> {
    if let Ok(secret) = value.cast::<Secret>() {
        return Ok(secret.get().inner.clone());
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(jtl_connect::Secret::new(text.extract::<String>()?));
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected str or Secret; found {}",
        type_name(value)
    )))
}
