//! [`Endpoints`]: where JTL's services live.

use pyo3::prelude::*;

use crate::{convert::repr_str, errors};

/// The URLs of JTL's services: `Endpoints.production()`, `beta()`, `dev()`, `qa()`,
/// `sandbox()` (SCX sandbox), `emulator(url)`, `from_name(name)`, or custom URLs given as
/// keyword arguments (`Endpoints(token_url=..., api_base=...)` starts from production).
/// Plain `http://` is refused except for loopback hosts.
#[pyclass(module = "jtl_connect", frozen)]
#[derive(Clone)]
pub(crate) struct Endpoints {
    pub(crate) inner: jtl_connect::Endpoints,
}

impl Endpoints {
    fn wrap(
        py: Python<'_>,
        endpoints: jtl_connect::Result<jtl_connect::Endpoints>,
    ) -> PyResult<Self> {
        endpoints
            .map(|inner| Self { inner })
            .map_err(|e| errors::to_py(py, &e))
    }

    /// `base` with the URLs that were given replaced.
    fn customized(
        py: Python<'_>,
        base: jtl_connect::Endpoints,
        token_url: Option<&str>,
        api_base: Option<&str>,
        jwks_url: Option<&str>,
        scx_base: Option<&str>,
    ) -> PyResult<Self> {
        let mut endpoints = Ok(base);
        if let Some(url) = token_url {
            endpoints = endpoints.and_then(|e| e.with_token_url(url));
        }
        if let Some(url) = api_base {
            endpoints = endpoints.and_then(|e| e.with_api_base(url));
        }
        if let Some(url) = jwks_url {
            endpoints = endpoints.and_then(|e| e.with_jwks_url(url));
        }
        if let Some(url) = scx_base {
            endpoints = endpoints.and_then(|e| e.with_scx_base(url));
        }
        Self::wrap(py, endpoints)
    }

    /// The endpoints of an optional argument; production if `None`.
    pub(crate) fn or_production(
        endpoints: Option<&Bound<'_, Endpoints>>,
    ) -> jtl_connect::Endpoints {
        endpoints.map_or_else(jtl_connect::Endpoints::production, |e| {
            e.get().inner.clone()
        })
    }
}

#[pymethods]
impl Endpoints {
    /// Production endpoints with the URLs given here replaced.
    #[new]
    #[pyo3(signature = (*, token_url=None, api_base=None, jwks_url=None, scx_base=None))]
    fn new(
        py: Python<'_>,
        token_url: Option<&str>,
        api_base: Option<&str>,
        jwks_url: Option<&str>,
        scx_base: Option<&str>,
    ) -> PyResult<Self> {
        let base = jtl_connect::Endpoints::production();
        Self::customized(py, base, token_url, api_base, jwks_url, scx_base)
    }

    /// These endpoints with the URLs given here replaced.
    #[pyo3(signature = (*, token_url=None, api_base=None, jwks_url=None, scx_base=None))]
    fn replace(
        &self,
        py: Python<'_>,
        token_url: Option<&str>,
        api_base: Option<&str>,
        jwks_url: Option<&str>,
        scx_base: Option<&str>,
    ) -> PyResult<Self> {
        let base = self.inner.clone();
        Self::customized(py, base, token_url, api_base, jwks_url, scx_base)
    }

    /// JTL Cloud production, and the production SCX Channel API.
    #[staticmethod]
    fn production() -> Self {
        Self {
            inner: jtl_connect::Endpoints::production(),
        }
    }

    /// JTL Cloud beta (the same hosts as production).
    #[staticmethod]
    fn beta() -> Self {
        Self {
            inner: jtl_connect::Endpoints::beta(),
        }
    }

    /// JTL's dev stage, with the SCX sandbox.
    #[staticmethod]
    fn dev() -> Self {
        Self {
            inner: jtl_connect::Endpoints::dev(),
        }
    }

    /// JTL's qa stage, with the SCX sandbox.
    #[staticmethod]
    fn qa() -> Self {
        Self {
            inner: jtl_connect::Endpoints::qa(),
        }
    }

    /// Production Cloud with the SCX sandbox.
    #[staticmethod]
    fn sandbox() -> Self {
        Self {
            inner: jtl_connect::Endpoints::sandbox(),
        }
    }

    /// The emulator (or anything laid out like JTL) at `url`.
    #[staticmethod]
    fn emulator(py: Python<'_>, url: &str) -> PyResult<Self> {
        Self::wrap(py, jtl_connect::Endpoints::emulator(url))
    }

    /// By name, as `JTL_ENVIRONMENT` is read: `production`, `beta`, `dev`, `qa`, `sandbox`,
    /// or a URL (the emulator layout at that URL).
    #[staticmethod]
    fn from_name(py: Python<'_>, name: &str) -> PyResult<Self> {
        Self::wrap(py, jtl_connect::Endpoints::from_name(name))
    }

    /// `production`, `beta`, `dev`, `qa`, `sandbox`, `emulator` or `custom`.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The OAuth token endpoint.
    #[getter]
    fn token_url(&self) -> &str {
        self.inner.token_url().as_str()
    }

    /// The ERP API base, ending in `/`.
    #[getter]
    fn api_base(&self) -> &str {
        self.inner.api_base().as_str()
    }

    /// The JWKS URL of App Shell session tokens.
    #[getter]
    fn jwks_url(&self) -> &str {
        self.inner.jwks_url().as_str()
    }

    /// The SCX Channel API base, ending in `/`.
    #[getter]
    fn scx_base(&self) -> &str {
        self.inner.scx_base().as_str()
    }

    /// The GraphQL endpoint (`graphql` under the API base).
    #[getter]
    fn graphql_url(&self) -> String {
        self.inner.graphql_url().to_string()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Endpoints>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.inner.token_url().as_str().hash(&mut hasher);
        self.inner.api_base().as_str().hash(&mut hasher);
        self.inner.jwks_url().as_str().hash(&mut hasher);
        self.inner.scx_base().as_str().hash(&mut hasher);
        hasher.finish()
    }

    fn __repr__(&self) -> String {
        format!(
            "Endpoints(name={}, token_url={}, api_base={}, jwks_url={}, scx_base={})",
            repr_str(self.inner.name()),
            repr_str(self.inner.token_url().as_str()),
            repr_str(self.inner.api_base().as_str()),
            repr_str(self.inner.jwks_url().as_str()),
            repr_str(self.inner.scx_base().as_str())
        )
    }
}
