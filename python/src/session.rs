//! App Shell session tokens: [`SessionVerifier`] / [`AsyncSessionVerifier`] return
//! [`SessionClaims`]; [`decode_unverified`] reads a token without checking it.

use std::str::FromStr;

use pyo3::{exceptions::PyKeyError, prelude::*, types::PyDict};
use serde_json::{Map, Value};

use crate::{
    convert::{object_to_python, optional_seconds, repr_opt, repr_str, Json},
    errors,
    runtime::{block, spawn},
};

/// The keyword arguments of `CloudClient.session_verifier()`; `None` keeps the core's default.
pub(crate) struct VerifierArgs<'a> {
    pub(crate) issuer: Option<String>,
    pub(crate) verify_issuer: bool,
    pub(crate) require_issuer: bool,
    pub(crate) max_lifetime: Option<f64>,
    pub(crate) audience: Option<Vec<String>>,
    pub(crate) algorithms: Option<Vec<String>>,
    pub(crate) leeway: Option<f64>,
    pub(crate) jwks_url: Option<&'a str>,
    pub(crate) jwks_ttl: Option<f64>,
    pub(crate) unknown_kid_cooldown: Option<f64>,
    pub(crate) max_stale: Option<f64>,
    pub(crate) max_token_bytes: Option<usize>,
    pub(crate) max_keys_tried: Option<usize>,
    pub(crate) required_claims: Option<Vec<String>>,
    pub(crate) verified_cache_size: Option<usize>,
}

/// A core verifier for `client`'s JWKS (or `args.jwks_url`) configured by `args`.
pub(crate) fn verifier(
    py: Python<'_>,
    client: &jtl_connect::CloudClient,
    args: VerifierArgs<'_>,
) -> PyResult<jtl_connect::SessionVerifier> {
    let mut config = jtl_connect::VerifierConfig::default();
    if !args.verify_issuer {
        config.issuer = None;
    } else if let Some(issuer) = args.issuer {
        config.issuer = Some(issuer);
    }
    config.require_issuer = args.require_issuer;
    config.max_lifetime = optional_seconds(py, "max_lifetime", args.max_lifetime)?;
    if let Some(audience) = args.audience {
        config.audience = Some(audience);
    }
    if let Some(names) = args.algorithms {
        config.algorithms = names
            .iter()
            .map(|name| {
                jtl_connect::Algorithm::from_str(name).map_err(|_| {
                    errors::invalid_input(
                        py,
                        format!("algorithms: expected names such as \"EdDSA\" or \"RS256\"; found {name:?}"),
                    )
                })
            })
            .collect::<PyResult<_>>()?;
    }
    if let Some(leeway) = optional_seconds(py, "leeway", args.leeway)? {
        config.leeway = leeway;
    }
    if let Some(ttl) = optional_seconds(py, "jwks_ttl", args.jwks_ttl)? {
        config.jwks_ttl = ttl;
    }
    if let Some(cooldown) = optional_seconds(py, "unknown_kid_cooldown", args.unknown_kid_cooldown)?
    {
        config.unknown_kid_cooldown = cooldown;
    }
    if let Some(stale) = optional_seconds(py, "max_stale", args.max_stale)? {
        config.max_stale = stale;
    }
    if let Some(bytes) = args.max_token_bytes {
        config.max_token_bytes = bytes;
    }
    if let Some(keys) = args.max_keys_tried {
        config.max_keys_tried = keys;
    }
    if let Some(claims) = args.required_claims {
        config.required_claims = claims;
    }
    if let Some(size) = args.verified_cache_size {
        config.verified_cache_size = size;
    }
    let built = match args.jwks_url {
        Some(url) => jtl_connect::SessionVerifier::with_jwks_url(client, url, config),
        None => jtl_connect::SessionVerifier::new(client, config),
    };
    built.map_err(|e| errors::to_py(py, &e))
}

/// The keyword arguments of `CloudClient.app_token_verifier()`; `None` keeps the default.
pub(crate) struct AppVerifierArgs {
    pub(crate) leeway: Option<f64>,
    pub(crate) max_lifetime: Option<f64>,
    pub(crate) jwks_ttl: Option<f64>,
    pub(crate) unknown_kid_cooldown: Option<f64>,
    pub(crate) max_stale: Option<f64>,
    pub(crate) max_token_bytes: Option<usize>,
    pub(crate) verified_cache_size: Option<usize>,
}

/// A core app-token verifier for `app_id` from `issuer` (default: the endpoints' issuer).
pub(crate) fn app_verifier(
    py: Python<'_>,
    client: &jtl_connect::CloudClient,
    app_id: &str,
    issuer: Option<&str>,
    args: AppVerifierArgs,
) -> PyResult<jtl_connect::SessionVerifier> {
    let mut config = jtl_connect::VerifierConfig::default();
    if let Some(leeway) = optional_seconds(py, "leeway", args.leeway)? {
        config.leeway = leeway;
    }
    config.max_lifetime = optional_seconds(py, "max_lifetime", args.max_lifetime)?;
    if let Some(ttl) = optional_seconds(py, "jwks_ttl", args.jwks_ttl)? {
        config.jwks_ttl = ttl;
    }
    if let Some(cooldown) = optional_seconds(py, "unknown_kid_cooldown", args.unknown_kid_cooldown)?
    {
        config.unknown_kid_cooldown = cooldown;
    }
    if let Some(stale) = optional_seconds(py, "max_stale", args.max_stale)? {
        config.max_stale = stale;
    }
    if let Some(bytes) = args.max_token_bytes {
        config.max_token_bytes = bytes;
    }
    if let Some(size) = args.verified_cache_size {
        config.verified_cache_size = size;
    }
    client
        .app_token_verifier_with(app_id, issuer, config)
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
    async fn _verify(&self, token: String) -> PyResult<SessionClaims> {
        let verifier = self.inner.clone();
        spawn(async move { verifier.verify(&token).await.map(SessionClaims::from) }).await
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
