//! [`AccessToken`]: a bearer token with its expiry; never printed.

use std::sync::Arc;

use pyo3::prelude::*;

use crate::convert::{repr_opt, unix_seconds};

/// An access token (Cloud client credentials or SCX). `repr()` shows a fingerprint and the
/// expiry, never the token; read it with `expose()`.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct AccessToken {
    inner: Arc<jtl_connect::AccessToken>,
}

impl From<Arc<jtl_connect::AccessToken>> for AccessToken {
    fn from(inner: Arc<jtl_connect::AccessToken>) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl AccessToken {
    /// The token itself, to send. Never log it: use `fingerprint`.
    fn expose(&self) -> &str {
        self.inner.expose()
    }

    /// When it expires, in Unix seconds (as `time.time()`).
    #[getter]
    fn expires_at(&self) -> f64 {
        unix_seconds(self.inner.expires_at())
    }

    /// When it was obtained, in Unix seconds.
    #[getter]
    fn obtained_at(&self) -> f64 {
        unix_seconds(self.inner.obtained_at())
    }

    /// The granted scope, if the server said.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.inner.scope()
    }

    /// A short hash that identifies the token in logs.
    #[getter]
    fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    fn __repr__(&self) -> String {
        format!(
            "AccessToken(fingerprint={}, expires_at={}, scope={})",
            repr_opt(Some(&self.inner.fingerprint())),
            unix_seconds(self.inner.expires_at()).round(),
            repr_opt(self.inner.scope())
        )
    }
}
