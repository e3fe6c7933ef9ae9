//! [`Emulator`]: the emulator of JTL's servers in-process, for tests
//! (`jtl_connect.testing.Emulator`). It serves on the core's shared runtime, so it keeps
//! answering while Python code runs, until `close()` (or garbage collection).

use std::{
    sync::{Mutex, PoisonError},
    time::Duration,
};

use jtl_emulator::{config, AppTokenSpec, ClientSpec, Config, Fault, SessionTokenSpec};
use pyo3::{
    prelude::*,
    types::{PyDict, PyString},
};
use serde_json::{Map, Value};

use crate::{
    convert::{self, optional_seconds, repr_str, Json},
    endpoints::Endpoints,
    errors,
};

/// A running emulator of JTL's servers on a free loopback port, with the demo credentials
/// (`client_id`, `client_secret`, `tenant_id`, `wawi_api_key`, `scx_refresh_token`) and the
/// admin operations tests need. A context manager: `with Emulator() as emu: ...`.
/// Keyword arguments set the emulator's settings (`token_lifetime_secs`,
/// `wawi_auto_approve_ms`, `rate_limit`, `latency_ms`, ...).
#[pyclass(module = "jtl_connect.testing", frozen)]
pub(crate) struct Emulator {
    inner: Mutex<Option<jtl_emulator::Emulator>>,
    url: String,
}

/// A minted App Shell session token.
#[pyclass(module = "jtl_connect.testing", frozen)]
pub(crate) struct MintedToken {
    inner: jtl_emulator::MintedToken,
}

#[pymethods]
impl MintedToken {
    /// The compact JWT.
    #[getter]
    fn token(&self) -> &str {
        &self.inner.token
    }

    /// The `kid` of the signing key (whether or not the token names it).
    #[getter]
    fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// `exp`, in Unix seconds.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// The `userId` claim.
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// The `tenantId` claim.
    #[getter]
    fn tenant_id(&self) -> &str {
        &self.inner.tenant_id
    }

    /// The customer id in the payload `kid`, if the token carries one.
    #[getter]
    fn customer_id(&self) -> Option<&str> {
        self.inner.customer_id.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "MintedToken(kid={}, tenant_id={}, user_id={}, expires_at={})",
            repr_str(&self.inner.kid),
            repr_str(&self.inner.tenant_id),
            repr_str(&self.inner.user_id),
            self.inner.expires_at
        )
    }
}

/// A minted JTL app token (RS256).
#[pyclass(module = "jtl_connect.testing", frozen)]
pub(crate) struct MintedAppToken {
    inner: jtl_emulator::MintedAppToken,
}

#[pymethods]
impl MintedAppToken {
    /// The compact JWT.
    #[getter]
    fn token(&self) -> &str {
        &self.inner.token
    }

    /// The `kid` in its header.
    #[getter]
    fn kid(&self) -> &str {
        &self.inner.kid
    }

    /// `exp`, in Unix seconds.
    #[getter]
    fn expires_at(&self) -> i64 {
        self.inner.expires_at
    }

    /// `sub`.
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// `urn:jtl:tenant_id`.
    #[getter]
    fn tenant_id(&self) -> &str {
        &self.inner.tenant_id
    }

    /// `urn:jtl:app_id`, if the token carries one.
    #[getter]
    fn app_id(&self) -> Option<&str> {
        self.inner.app_id.as_deref()
    }

    /// `aud`.
    #[getter]
    fn audience(&self) -> Vec<String> {
        self.inner.audience.clone()
    }

    /// `iss`, if the token carries one.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.inner.issuer.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "MintedAppToken(kid={}, tenant_id={}, user_id={}, expires_at={})",
            repr_str(&self.inner.kid),
            repr_str(&self.inner.tenant_id),
            repr_str(&self.inner.user_id),
            self.inner.expires_at
        )
    }
}

/// A JSON object from keyword arguments (`None` values included: they mean JSON `null`).
fn kwargs_object(kwargs: Option<&Bound<'_, PyDict>>, what: &str) -> PyResult<Map<String, Value>> {
    kwargs.map_or_else(
        || Ok(Map::new()),
        |k| convert::object_from_python(k.as_any(), what),
    )
}

impl Emulator {
    /// Runs `f` on the emulator with the interpreter detached; a `ConfigError` once closed.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&jtl_emulator::Emulator) -> T + Send,
    ) -> PyResult<T> {
        let result = py.detach(|| {
            let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            guard.as_ref().map(f)
        });
        result.ok_or_else(|| {
            errors::to_py(
                py,
                &jtl_connect::Error::Config {
                    message: "the emulator is closed".into(),
                },
            )
        })
    }

    /// Like [`Emulator::with`] for operations that can fail.
    fn try_with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&jtl_emulator::Emulator) -> Result<T, jtl_emulator::Error> + Send,
    ) -> PyResult<T> {
        self.with(py, f)?
            .map_err(|e| errors::emulator_error(py, &e))
    }
}

/// The emulator's settings as a JSON value.
fn settings_json(settings: &jtl_emulator::Settings) -> Value {
    serde_json::to_value(settings).unwrap_or(Value::Null)
}

#[pymethods]
impl Emulator {
    #[new]
    #[pyo3(signature = (*, port=0, **settings))]
    fn new(py: Python<'_>, port: u16, settings: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let patch = settings
            .filter(|s| !s.is_empty())
            .map(|s| convert::object_from_python(s.as_any(), "settings"))
            .transpose()?;
        let config = Config {
            port,
            ..Config::default()
        };
        let started =
            py.detach(|| jtl_connect::blocking::run(jtl_emulator::Emulator::start_with(config)));
        let emulator = match started {
            Ok(Ok(emulator)) => emulator,
            Ok(Err(error)) => return Err(errors::emulator_error(py, &error)),
            Err(error) => return Err(errors::to_py(py, &error)),
        };
        if let Some(patch) = patch {
            py.detach(|| emulator.update_settings(Value::Object(patch)))
                .map_err(|e| errors::emulator_error(py, &e))?;
        }
        Ok(Self {
            url: emulator.url().to_owned(),
            inner: Mutex::new(Some(emulator)),
        })
    }

    /// Stops serving (waits until the port is closed). Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = py.detach(|| {
            self.inner
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        });
        if let Some(emulator) = taken {
            py.detach(|| jtl_connect::blocking::run(emulator.shutdown()))
                .map_err(|e| errors::to_py(py, &e))?;
        }
        Ok(())
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash).
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// `Endpoints.emulator(url)`.
    #[getter]
    fn endpoints(&self, py: Python<'_>) -> PyResult<Endpoints> {
        jtl_connect::Endpoints::emulator(&self.url)
            .map(|inner| Endpoints { inner })
            .map_err(|e| errors::to_py(py, &e))
    }

    /// The Wawi API base, `<url>/api/eazybusiness`.
    #[getter]
    fn wawi_url(&self) -> String {
        format!("{}/api/eazybusiness", self.url)
    }

    /// The demo client id.
    #[getter]
    fn client_id(&self) -> &'static str {
        config::DEMO_CLIENT_ID
    }

    /// The demo client secret.
    #[getter]
    fn client_secret(&self) -> &'static str {
        config::DEMO_CLIENT_SECRET
    }

    /// The demo tenant.
    #[getter]
    fn tenant_id(&self) -> &'static str {
        config::DEMO_TENANT_ID
    }

    /// A second tenant the demo client may use.
    #[getter]
    fn second_tenant_id(&self) -> &'static str {
        config::DEMO_SECOND_TENANT_ID
    }

    /// A tenant the demo client may not use (requests for it answer 403).
    #[getter]
    fn foreign_tenant_id(&self) -> &'static str {
        config::FOREIGN_TENANT_ID
    }

    /// The Wawi API key accepted from the start.
    #[getter]
    fn wawi_api_key(&self) -> &'static str {
        config::DEMO_WAWI_API_KEY
    }

    /// The SCX refresh token accepted from the start.
    #[getter]
    fn scx_refresh_token(&self) -> &'static str {
        config::DEMO_SCX_REFRESH_TOKEN
    }

    /// The SCX refresh token of a seller accepted from the start (Seller API: sign-up).
    #[getter]
    fn scx_seller_refresh_token(&self) -> &'static str {
        config::DEMO_SCX_SELLER_REFRESH_TOKEN
    }

    /// The `kid` of the current session key.
    #[getter]
    fn current_kid(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, jtl_emulator::Emulator::current_kid)
    }

    /// Mints an App Shell session token as JTL documents it (no header `kid`, the payload
    /// `kid` = `customer_id`). Every keyword is optional: `tenant_id`, `user_id`,
    /// `tenant_slug`, `ttl_seconds` (negative: already expired), `iss` (`None`: no `iss`
    /// claim), `customer_id` (`None`: no payload `kid`), `kid` (where the key id goes:
    /// `"header"`, `"payload"`, `"both"`, `"none"`; default per the `session_kid_in_header`
    /// setting), `key` (`"current"`,
    /// `"previous"`, `"unpublished"`), `claims` and `header` (extra fields, set last).
    #[pyo3(signature = (**spec))]
    fn mint_session_token(
        &self,
        py: Python<'_>,
        spec: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<MintedToken> {
        let spec: SessionTokenSpec =
            serde_json::from_value(Value::Object(kwargs_object(spec, "mint_session_token")?))
                .map_err(|e| errors::invalid_input(py, format!("mint_session_token: {e}")))?;
        self.try_with(py, |emu| emu.mint_session_token(spec))
            .map(|inner| MintedToken { inner })
    }

    /// The app-token issuer (`iss` of minted app tokens; keys at `<issuer>/oauth/v2/keys`).
    #[getter]
    fn app_issuer(&self) -> &str {
        &self.url
    }

    /// The demo app id (`urn:jtl:app_id` and `aud` of minted app tokens by default).
    #[getter]
    fn app_id(&self) -> &'static str {
        config::DEMO_APP_ID
    }

    /// The customer id minted session tokens carry in their payload `kid`.
    #[getter]
    fn customer_id(&self) -> &'static str {
        config::DEMO_CUSTOMER_ID
    }

    /// Mints a JTL app token (RS256). Every keyword is optional: `tenant_id`, `user_id`
    /// (`sub`), `app_id` (`None`: no `urn:jtl:app_id`), `audience` (list; default
    /// `[app_id]`), `ttl_seconds` (negative: already expired), `iss` (`None`: no `iss`),
    /// `key` (`"current"`, `"unpublished"`, `"foreign"`), `claims` and `header` (set last).
    #[pyo3(signature = (**spec))]
    fn mint_app_token(
        &self,
        py: Python<'_>,
        spec: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<MintedAppToken> {
        let spec: AppTokenSpec =
            serde_json::from_value(Value::Object(kwargs_object(spec, "mint_app_token")?))
                .map_err(|e| errors::invalid_input(py, format!("mint_app_token: {e}")))?;
        self.try_with(py, |emu| emu.mint_app_token(spec))
            .map(|inner| MintedAppToken { inner })
    }

    /// Arms a fault on `service` (`token`, `api`, `jwks`, `scx_auth`, `scx`, `wawi`,
    /// `wawi_registration`) of `kind` (`status`, `delay`, `malformed_json`, `truncated`,
    /// `drop`, `wrong_content_type`, `expires_in`, `echo`) for the next `count` requests (0:
    /// until cleared); `shape` is the dialect of an `echo` fault (`erp`, `wawi`, `oauth`,
    /// `scx`, `problem`, `text`, `cut`). Returns the fault's id.
    #[pyo3(signature = (service, kind="status", *, status=None, count=1, delay_ms=None, retry_after=None, body=None, expires_in=None, shape=None))]
    #[allow(clippy::too_many_arguments)]
    fn inject_fault(
        &self,
        py: Python<'_>,
        service: &str,
        kind: &str,
        status: Option<u16>,
        count: u32,
        delay_ms: Option<u64>,
        retry_after: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        expires_in: Option<i64>,
        shape: Option<&str>,
    ) -> PyResult<u64> {
        let mut fault = Map::new();
        fault.insert("service".into(), service.into());
        fault.insert("kind".into(), kind.into());
        fault.insert("status".into(), status.into());
        fault.insert("count".into(), count.into());
        fault.insert("delay_ms".into(), delay_ms.into());
        if let Some(value) = retry_after {
            let text: String = if value.is_instance_of::<PyString>() {
                value.extract()?
            } else {
                value.str()?.extract()?
            };
            fault.insert("retry_after".into(), text.into());
        }
        if let Some(body) = body {
            fault.insert("body".into(), convert::from_python(body, "body")?);
        }
        fault.insert("expires_in".into(), expires_in.into());
        if let Some(shape) = shape {
            fault.insert("shape".into(), shape.into());
        }
        let fault: Fault = serde_json::from_value(Value::Object(fault))
            .map_err(|e| errors::invalid_input(py, format!("inject_fault: {e}")))?;
        self.try_with(py, |emu| emu.inject_fault(fault))
    }

    /// Disarms every fault.
    fn clear_faults(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, jtl_emulator::Emulator::clear_faults)
    }

    /// Requests per service (`token`, `api`, `jwks`, `scx_auth`, `scx`, `wawi`,
    /// `wawi_registration`), per route (`routes`) and `faults_served`, since start or reset.
    fn stats(&self, py: Python<'_>) -> PyResult<Json> {
        let stats = self.with(py, jtl_emulator::Emulator::stats)?;
        Ok(Json(serde_json::to_value(stats).unwrap_or(Value::Null)))
    }

    /// Rotates the session keys; the old key stays published for `grace` seconds (default:
    /// the `key_grace_secs` setting). Returns `{current, previous, grace_secs}`.
    #[pyo3(signature = (grace=None))]
    fn rotate_keys(&self, py: Python<'_>, grace: Option<f64>) -> PyResult<Json> {
        let grace: Option<Duration> = optional_seconds(py, "grace", grace)?;
        self.with(py, |emu| Json(emu.rotate_keys(grace)))
    }

    /// Back to the state at start (clients, data, faults, counters, settings), keeping keys.
    fn reset(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, jtl_emulator::Emulator::reset)
    }

    /// The current settings.
    fn settings(&self, py: Python<'_>) -> PyResult<Json> {
        self.with(py, |emu| Json(settings_json(&emu.settings())))
    }

    /// Changes settings (`token_lifetime_secs`, `scx_token_lifetime_secs`, `latency_ms`,
    /// `rate_limit`, `rate_limit_interval_secs`, `key_grace_secs`, `wawi_auto_approve_ms`,
    /// `session_issuer`, `session_kid_in_header`, `jwks_without_kid`); returns the new
    /// settings.
    #[pyo3(signature = (**changes))]
    fn update_settings(
        &self,
        py: Python<'_>,
        changes: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Json> {
        let patch = Value::Object(kwargs_object(changes, "update_settings")?);
        self.try_with(py, |emu| emu.update_settings(patch))
            .map(|s| Json(settings_json(&s)))
    }

    /// Registers (or replaces) an OAuth client allowed to use `tenants`, limited to `scopes`
    /// (`None`: every scope).
    #[pyo3(signature = (client_id, client_secret, tenants=Vec::new(), scopes=None))]
    fn register_client(
        &self,
        py: Python<'_>,
        client_id: String,
        client_secret: String,
        tenants: Vec<String>,
        scopes: Option<Vec<String>>,
    ) -> PyResult<()> {
        let spec = ClientSpec {
            client_id,
            client_secret,
            tenants,
            scopes,
        };
        self.try_with(py, |emu| emu.register_client(spec))
    }

    /// Issues a new SCX refresh token.
    fn issue_scx_refresh_token(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, jtl_emulator::Emulator::issue_scx_refresh_token)
    }

    /// Issues a new SCX refresh token of a seller (Seller API).
    fn issue_scx_seller_refresh_token(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, jtl_emulator::Emulator::issue_scx_seller_refresh_token)
    }

    /// Queues an SCX event; returns it as `GET /v1/channel/event` will list it.
    #[pyo3(signature = (r#type, event=None))]
    fn push_scx_event(
        &self,
        py: Python<'_>,
        r#type: &str,
        event: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Json> {
        let event = match event {
            Some(e) => convert::from_python(e, "event")?,
            None => Value::Object(Map::new()),
        };
        self.with(py, |emu| Json(emu.push_scx_event(r#type, event)))
    }

    /// Issues a Wawi API key directly, without the registration flow.
    #[pyo3(signature = (scopes=Vec::new()))]
    fn issue_wawi_api_key(&self, py: Python<'_>, scopes: Vec<String>) -> PyResult<String> {
        self.with(py, |emu| emu.issue_wawi_api_key(scopes))
    }

    /// The Wawi registration requests, decided ones included.
    fn wawi_registrations(&self, py: Python<'_>) -> PyResult<Json> {
        self.with(py, |emu| Json(Value::Array(emu.wawi_registrations())))
    }

    /// Approves a pending Wawi registration (granted scopes default to all requested).
    #[pyo3(signature = (registration_id, granted_scopes=None))]
    fn approve_wawi_registration(
        &self,
        py: Python<'_>,
        registration_id: &str,
        granted_scopes: Option<Vec<String>>,
    ) -> PyResult<()> {
        self.try_with(py, |emu| {
            emu.approve_wawi_registration(registration_id, granted_scopes)
        })
    }

    /// Rejects a pending Wawi registration.
    fn reject_wawi_registration(&self, py: Python<'_>, registration_id: &str) -> PyResult<()> {
        self.try_with(py, |emu| emu.reject_wawi_registration(registration_id))
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { ", closed" } else { "" };
        format!("Emulator(url={}{state})", repr_str(&self.url))
    }
}
