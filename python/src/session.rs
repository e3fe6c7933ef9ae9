//! App Shell session tokens: [`SessionVerifier`] / [`AsyncSessionVerifier`] return
//! [`SessionClaims`]; [`decode_unverified`] reads a token without checking it.

use jtl_connect::options::{self, Case};
use pyo3::{exceptions::PyKeyError, prelude::*, types::PyDict};
use serde_json::{Map, Value};

use crate::{
    convert::{object_to_python, repr_opt, repr_str, Json},
    errors,
    runtime::block,
};

/// A core verifier for `client`'s JWKS (or `jwks_url`) from the keyword arguments of
/// `session_verifier()` (core's `session_verifier` schema).
pub(crate) fn verifier(
    py: Python<'_>,
    client: &jtl_connect::CloudClient,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<jtl_connect::SessionVerifier> {
    let given = crate::options::kwargs(options, "session_verifier")?;
    let built = options::verifier_config(given, Case::Snake).and_then(|(config, url)| match url {
        Some(url) => jtl_connect::SessionVerifier::with_jwks_url(client, &url, config),
        None => jtl_connect::SessionVerifier::new(client, config),
    });
    built.map_err(|e| errors::to_py(py, &e))
}

/// A core app-token verifier for `app_id` from the keyword arguments of
/// `app_token_verifier()` (core's `app_token_verifier` schema; `issuer` among them).
pub(crate) fn app_verifier(
    py: Python<'_>,
    client: &jtl_connect::CloudClient,
    app_id: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<jtl_connect::SessionVerifier> {
    let given = crate::options::kwargs(options, "app_token_verifier")?;
    options::app_verifier_config(given, Case::Snake)
        .and_then(|(config, issuer)| {
            client.app_token_verifier_with(app_id, issuer.as_deref(), config)
        })
        .map_err(|e| errors::to_py(py, &e))
}

/// The verifier's counters as a dict.
fn stats<'py>(
    py: Python<'py>,
    verifier: &jtl_connect::SessionVerifier,
) -> PyResult<Bound<'py, PyDict>> {
    let stats = verifier.stats();
    let dict = PyDict::new(py);
    dict.set_item("jwks_fetches", stats.jwks_fetches)?;
    dict.set_item("signature_checks", stats.signature_checks)?;
    dict.set_item("cache_hits", stats.cache_hits)?;
    Ok(dict)
}

fn repr(name: &str, verifier: &jtl_connect::SessionVerifier) -> String {
    let config = verifier.config();
    format!(
        "{name}(jwks_url={}, issuer={}, algorithms={:?})",
        repr_str(verifier.jwks_url().as_str()),
        repr_opt(config.issuer.as_deref()),
        config.algorithms
    )
}

/// Verifies App Shell session tokens against JTL's JWKS (made by
/// `CloudClient.session_verifier()`). Keys are cached; safe to share between threads.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct SessionVerifier {
    inner: jtl_connect::SessionVerifier,
}

impl From<jtl_connect::SessionVerifier> for SessionVerifier {
    fn from(inner: jtl_connect::SessionVerifier) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl SessionVerifier {
    /// Verifies `token` and returns its claims; a `TokenVerificationError` (with `.reason`)
    /// if it is not acceptable.
    fn verify(&self, py: Python<'_>, token: &str) -> PyResult<SessionClaims> {
        // Keys cached: verified right here (the GIL released), no runtime involved.
        if let Some(done) = py.detach(|| self.inner.verify_now(token)) {
            return done
                .map(SessionClaims::from)
                .map_err(|e| errors::to_py(py, &e));
        }
        let verifier = self.inner.clone();
        let token = token.to_owned();
        block(py, async move {
            verifier.verify(&token).await.map(SessionClaims::from)
        })
    }

    /// The JWKS URL the keys come from.
    #[getter]
    fn jwks_url(&self) -> &str {
        self.inner.jwks_url().as_str()
    }

    /// Counters: `jwks_fetches`, `signature_checks`, `cache_hits`.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        repr("SessionVerifier", &self.inner)
    }
}

/// The session verifier for asyncio: `verify` is a coroutine.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncSessionVerifier {
    inner: jtl_connect::SessionVerifier,
}

impl From<jtl_connect::SessionVerifier> for AsyncSessionVerifier {
    fn from(inner: jtl_connect::SessionVerifier) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl AsyncSessionVerifier {
    /// Verifies `token` and returns its claims; a `TokenVerificationError` (with `.reason`)
    /// if it is not acceptable.
    /// A token verified before (still in the cache) comes back as an already-completed
    /// awaitable, without the runtime.
    fn verify<'py>(slf: &Bound<'py, Self>, token: &str) -> PyResult<Bound<'py, PyAny>> {
        match slf.get().inner.verify_cached(token) {
            Some(claims) => crate::runtime::Ready::awaitable(slf.py(), SessionClaims::from(claims)),
            None => slf.call_method1("_verify", (token,)),
        }
    }

    /// The coroutine behind `verify` when the token is not in the cache.
    fn _verify(&self, token: String) -> crate::bridge::Pending {
        let verifier = self.inner.clone();
        crate::bridge::Pending::new(async move {
            verifier.verify(&token).await.map(SessionClaims::from)
        })
    }

    /// The JWKS URL the keys come from.
    #[getter]
    fn jwks_url(&self) -> &str {
        self.inner.jwks_url().as_str()
    }

    /// Counters: `jwks_fetches`, `signature_checks`, `cache_hits`.
    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        stats(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        repr("AsyncSessionVerifier", &self.inner)
    }
}

/// What a verified session token says.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct SessionClaims {
    inner: jtl_connect::SessionClaims,
}

impl From<jtl_connect::SessionClaims> for SessionClaims {
    fn from(inner: jtl_connect::SessionClaims) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl SessionClaims {
    /// The JTL tenant: `tenantId` (session token) or `urn:jtl:tenant_id` (app token).
    #[getter]
    fn tenant_id(&self) -> &str {
        &self.inner.tenant_id
    }

    /// The JTL user: `userId` (session token) or `sub` (app token).
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// The customer id: the payload `kid` of a session token (never a key id); `None` for
    /// app tokens.
    #[getter]
    fn customer_id(&self) -> Option<&str> {
        self.inner.customer_id.as_deref()
    }

    /// `urn:jtl:app_id` of an app token; `None` for session tokens.
    #[getter]
    fn app_id(&self) -> Option<&str> {
        self.inner.app_id.as_deref()
    }

    /// `tenantSlug`, if the token carries it.
    #[getter]
    fn tenant_slug(&self) -> Option<&str> {
        self.inner.tenant_slug.as_deref()
    }

    /// `exp`, in Unix seconds.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// Every claim of the payload.
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        object_to_python(py, &self.inner.claims)
    }

    /// One claim, or `default` if absent.
    #[pyo3(signature = (name, default=None))]
    fn get(&self, py: Python<'_>, name: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        match self.inner.get(name) {
            Some(value) => Ok(Json(value.clone()).into_pyobject(py)?.unbind()),
            None => Ok(default.unwrap_or_else(|| py.None())),
        }
    }

    fn __getitem__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.inner.get(name) {
            Some(value) => Json(value.clone()).into_pyobject(py),
            None => Err(PyKeyError::new_err(name.to_owned())),
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<SessionClaims>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __contains__(&self, name: &str) -> bool {
        self.inner.claims.contains_key(name)
    }

    fn __repr__(&self) -> String {
        format!(
            "SessionClaims(tenant_id={}, user_id={}, customer_id={}, app_id={}, tenant_slug={}, expires_at={})",
            repr_str(&self.inner.tenant_id),
            repr_str(&self.inner.user_id),
            repr_opt(self.inner.customer_id.as_deref()),
            repr_opt(self.inner.app_id.as_deref()),
            repr_opt(self.inner.tenant_slug.as_deref()),
            self.inner.expires_at
        )
    }
}

/// Header and claims of a token read **without verifying anything**: for inspection only.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct UnverifiedToken {
    header: Map<String, Value>,
    claims: Map<String, Value>,
}

#[pymethods]
impl UnverifiedToken {
    /// The JOSE header (`alg`, `typ`, `kid`, ...).
    #[getter]
    fn header<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        object_to_python(py, &self.header)
    }

    /// The payload's claims (not verified).
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        object_to_python(py, &self.claims)
    }

    fn __repr__(&self) -> String {
        let alg = self.header.get("alg").and_then(Value::as_str);
        format!(
            "UnverifiedToken(alg={}, claims={})",
            repr_opt(alg),
            self.claims.len()
        )
    }
}

/// Reads a JWT's header and claims **without verifying its signature or any claim**: for
/// inspection only, never to decide whom to trust. A `TokenVerificationError` (`malformed`,
/// `too_large`) if it is not a JWT.
#[pyfunction]
pub(crate) fn decode_unverified(py: Python<'_>, token: &str) -> PyResult<UnverifiedToken> {
    let decoded = py.detach(|| jtl_connect::decode_unverified(token));
    decoded
        .map(|t| UnverifiedToken {
            header: t.header,
            claims: t.claims,
        })
        .map_err(|e| errors::to_py(py, &e))
}
