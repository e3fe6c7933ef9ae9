//! JTL-Wawi OnPremise: [`WawiClient`] / [`AsyncWawiClient`], and the two-step app
//! registration ([`register_wawi_app`]) that yields the permanent API key.

use jtl_connect::{
    options::{REGISTRATION, WAWI_CLIENT},
    wawi::DEFAULT_API_VERSION,
    RegistrationOptions, RegistrationPath,
};
use pyo3::{exceptions::PyDeprecationWarning, prelude::*, types::PyDict};

use crate::{
    convert::{repr_str, seconds},
    errors,
    options::{flat, Given},
    runtime::{block, spawn},
    secret::{secret_arg, Secret},
    surface::{async_client, sync_client},
};

/// A client of a JTL-Wawi installation's REST API (`Authorization: Wawi <api key>`,
/// `api-version`, and the `x-appid`/`x-appversion` JTL requires on every data call: `app_id`
/// and `app_version` are required); paths are relative to `base_url`
/// (`client.get("v1/items")`). Plain `http://` is allowed: OnPremise runs in the local network.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct WawiClient {
    pub(crate) inner: jtl_connect::WawiClient,
}

/// The same client for asyncio: every request method is a coroutine.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncWawiClient {
    pub(crate) inner: jtl_connect::WawiClient,
}

/// Builds the core client from the constructor's arguments; the keyword options are
/// core's `wawi_client` schema with the HTTP options flat beside them.
fn build(
    py: Python<'_>,
    base_url: &str,
    api_key: &Bound<'_, PyAny>,
    app_id: &str,
    app_version: &str,
    api_version: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<jtl_connect::WawiClient> {
    let key = secret_arg(api_key, "api_key")?;
    let Given { own, http } = flat(py, options, &WAWI_CLIENT)?;
    let mut builder = jtl_connect::WawiClient::builder(base_url, key)
        .app_id(app_id)
        .app_version(app_version)
        .api_version(api_version)
        .http_options(http);
    if let Some(user) = own.text("run_as") {
        builder = builder.run_as(user);
    }
    builder.build().map_err(|e| errors::to_py(py, &e))
}

/// The methods both classes share besides the request methods.
macro_rules! wawi_methods {
    ($client:ident, $class:ident) => {
        $client!($class, {
            #[new]
            #[pyo3(signature = (base_url, api_key, app_id, app_version, api_version=DEFAULT_API_VERSION, **options))]
            fn new(
                py: Python<'_>,
                base_url: &str,
                api_key: &Bound<'_, PyAny>,
                app_id: &str,
                app_version: &str,
                api_version: &str,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let inner = build(py, base_url, api_key, app_id, app_version, api_version, options)?;
                Ok(Self { inner })
            }

            /// The base URL, ending in `/`.
            #[getter]
            fn base_url(&self) -> &str {
                self.inner.base_url()
            }

            fn __repr__(&self) -> String {
                format!(
                    "{}(base_url={}, api_key=Secret('***'))",
                    stringify!($class),
                    repr_str(self.inner.base_url())
                )
            }
        });
    };
}

wawi_methods!(sync_client, WawiClient);
wawi_methods!(async_client, AsyncWawiClient);

/// How an app presents itself in JTL-Wawi's registration dialog.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct WawiApp {
    inner: jtl_connect::WawiApp,
}

#[pymethods]
impl WawiApp {
    #[new]
    #[pyo3(signature = (app_id, display_name, version, *, description="", provider_name="", provider_website="", mandatory_scopes=Vec::new(), optional_scopes=Vec::new(), icon_base64=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        app_id: String,
        display_name: String,
        version: String,
        description: &str,
        provider_name: &str,
        provider_website: &str,
        mandatory_scopes: Vec<String>,
        optional_scopes: Vec<String>,
        icon_base64: Option<String>,
    ) -> Self {
        Self {
            inner: jtl_connect::WawiApp {
                app_id,
                display_name,
                description: description.to_owned(),
                version,
                provider_name: provider_name.to_owned(),
                provider_website: provider_website.to_owned(),
                mandatory_scopes,
                optional_scopes,
                icon_base64,
            },
        }
    }

    /// Unique app id, e.g. `com.example.exporter`.
    #[getter]
    fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// Name shown to the user.
    #[getter]
    fn display_name(&self) -> &str {
        &self.inner.display_name
    }

    /// App version.
    #[getter]
    fn version(&self) -> &str {
        &self.inner.version
    }

    /// What the app does.
    #[getter]
    fn description(&self) -> &str {
        &self.inner.description
    }

    /// Who makes it.
    #[getter]
    fn provider_name(&self) -> &str {
        &self.inner.provider_name
    }

    /// The maker's website.
    #[getter]
    fn provider_website(&self) -> &str {
        &self.inner.provider_website
    }

    /// Scopes the app cannot work without.
    #[getter]
    fn mandatory_scopes(&self) -> Vec<String> {
        self.inner.mandatory_scopes.clone()
    }

    /// Scopes the user may grant or not.
    #[getter]
    fn optional_scopes(&self) -> Vec<String> {
        self.inner.optional_scopes.clone()
    }

    /// App icon, base64 (PNG), if any (without one a small default PNG is sent).
    #[getter]
    fn icon_base64(&self) -> Option<&str> {
        self.inner.icon_base64.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "WawiApp(app_id={}, display_name={}, version={})",
            repr_str(&self.inner.app_id),
            repr_str(&self.inner.display_name),
            repr_str(&self.inner.version)
        )
    }
}

/// An approved registration: the permanent API key (a `Secret`: store it now, it is shown
/// once) and the granted scopes.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct WawiRegistration {
    inner: jtl_connect::WawiRegistration,
}

#[pymethods]
impl WawiRegistration {
    /// The app id as registered.
    #[getter]
    fn app_id(&self) -> &str {
        &self.inner.app_id
    }

    /// The permanent API key.
    #[getter]
    fn api_key(&self) -> Secret {
        Secret {
            inner: self.inner.api_key.clone(),
        }
    }

    /// The scopes the user granted.
    #[getter]
    fn granted_scopes(&self) -> Vec<String> {
        self.inner.granted_scopes.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "WawiRegistration(app_id={}, api_key=Secret('***'), granted_scopes={:?})",
            repr_str(&self.inner.app_id),
            self.inner.granted_scopes
        )
    }
}

/// A flag that stops a waiting `register_wawi_app` from another thread: `cancel()`.
#[pyclass(module = "jtl_connect", frozen)]
#[derive(Default)]
pub(crate) struct Cancellation {
    inner: jtl_connect::Cancellation,
}

#[pymethods]
impl Cancellation {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every waiter.
    fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether it is set.
    #[getter]
    fn is_cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }

    fn __repr__(&self) -> String {
        format!(
            "Cancellation(is_cancelled={})",
            if self.inner.is_cancelled() {
                "True"
            } else {
                "False"
            }
        )
    }
}

/// The registration options: the named arguments, and the keyword options (core's
/// `registration` schema with the HTTP options flat beside it; `registration_path` is the
/// deprecated spelling of `path`).
fn options(
    py: Python<'_>,
    challenge_code: Option<&Bound<'_, PyAny>>,
    tenant_id: &str,
    cancellation: Option<&Bound<'_, Cancellation>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<RegistrationOptions> {
    let kwargs = match kwargs {
        Some(given) if given.contains("registration_path")? => {
            let given = given.copy()?;
            let path = given.get_item("registration_path")?;
            given.del_item("registration_path")?;
            if !given.contains("path")? {
                given.set_item("path", path)?;
            }
            PyErr::warn(
                py,
                &py.get_type::<PyDeprecationWarning>(),
                c"registration_path= is deprecated: use path=",
                1,
            )?;
            Some(given)
        }
        other => other.cloned(),
    };
    let Given { own, http } = flat(py, kwargs.as_ref(), &REGISTRATION)?;
    let defaults = RegistrationOptions::default();
    let path = match own.text("path") {
        // core's message names Rust's field (`registration_path`); Python's option is `path`
        Some(path) => RegistrationPath::parse(&path).map_err(|_| {
            errors::invalid_input(
                py,
                format!(
                    "registration.path: expected \"v1\", \"v2\" or \"unversioned\"; found {path:?}"
                ),
            )
        })?,
        None => defaults.path,
    };
    Ok(RegistrationOptions {
        tenant_id: Some(tenant_id.to_owned()),
        path,
        challenge_code: challenge_code
            .map(|c| secret_arg(c, "challenge_code").map(|s| s.expose().to_owned()))
            .transpose()?,
        poll_interval: own
            .seconds("poll_interval")
            .unwrap_or(defaults.poll_interval),
        timeout: own.seconds("timeout").unwrap_or(defaults.timeout),
        cancellation: cancellation.map(|c| c.get().inner.clone()),
        http,
    })
}

/// Registers `app` with JTL-Wawi at `base_url` (e.g. `http://127.0.0.1:5883/api/eazybusiness`)
/// for the tenant `tenant_id` (a UUID, required by JTL) and waits until the user accepts it in
/// JTL-Wawi (Admin → App registration). Returns the permanent API key and the granted scopes.
/// A rejection raises `RegistrationRejectedError`; no decision within `timeout` seconds, or
/// `cancellation.cancel()`, a `TimeoutError`; 402 (no licence / app not authorised by JTL)
/// and 410 (already answered) an `ApiError` saying so; 409 (AppId already registered) a
/// `ConflictError`. `path` is `"v1"` (default), `"v2"` or `"unversioned"`; `poll_interval`,
/// `timeout` and the HTTP options (`deadline`, `max_retries`, ...) are keyword options.
#[pyfunction]
#[pyo3(signature = (base_url, app, challenge_code=None, *, tenant_id, cancellation=None, **options))]
pub(crate) fn register_wawi_app(
    py: Python<'_>,
    base_url: &str,
    app: &Bound<'_, WawiApp>,
    challenge_code: Option<&Bound<'_, PyAny>>,
    tenant_id: &str,
    cancellation: Option<&Bound<'_, Cancellation>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<WawiRegistration> {
    let options = self::options(py, challenge_code, tenant_id, cancellation, options)?;
    let app = app.get().inner.clone();
    let base_url = base_url.to_owned();
    block(py, async move {
        jtl_connect::register_wawi_app(&base_url, &app, options)
            .await
            .map(|inner| WawiRegistration { inner })
    })
}

/// `register_wawi_app` as a coroutine (`jtl_connect.aio.register_wawi_app`); cancelling the
/// task stops the wait.
#[pyfunction]
#[pyo3(signature = (base_url, app, challenge_code=None, *, tenant_id, cancellation=None, **options))]
pub(crate) async fn register_wawi_app_async(
    base_url: String,
    app: Py<WawiApp>,
    challenge_code: Option<Py<PyAny>>,
    tenant_id: String,
    cancellation: Option<Py<Cancellation>>,
    options: Option<Py<PyDict>>,
) -> PyResult<WawiRegistration> {
    let (app, options) = Python::attach(|py| -> PyResult<_> {
        let challenge_code = challenge_code.map(|c| c.into_bound(py));
        let cancellation = cancellation.map(|c| c.into_bound(py));
        let kwargs = options.map(|o| o.into_bound(py));
        let options = self::options(
            py,
            challenge_code.as_ref(),
            &tenant_id,
            cancellation.as_ref(),
            kwargs.as_ref(),
        )?;
        Ok((app.get().inner.clone(), options))
    })?;
    spawn(async move {
        jtl_connect::register_wawi_app(&base_url, &app, options)
            .await
            .map(|inner| WawiRegistration { inner })
    })
    .await
}

/// A registration request sent (step 1) and not yet answered: `poll()` once, or `wait()`.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct WawiPendingRegistration {
    inner: jtl_connect::PendingRegistration,
}

#[pymethods]
impl WawiPendingRegistration {
    /// The `RegistrationRequestId`.
    #[getter]
    fn request_id(&self) -> &str {
        self.inner.request_id()
    }

    /// Step 2, once: the registration if accepted, `None` while pending. A rejection raises
    /// `RegistrationRejectedError`; a poll after the answer was delivered an `ApiError` (410).
    fn poll(&self, py: Python<'_>) -> PyResult<Option<WawiRegistration>> {
        let pending = self.inner.clone();
        block(py, async move {
            pending.poll().await.map(|status| match status {
                jtl_connect::RegistrationStatus::Accepted(inner) => {
                    Some(WawiRegistration { inner })
                }
                jtl_connect::RegistrationStatus::Pending => None,
            })
        })
    }

    /// Polls every `poll_interval` seconds until accepted, rejected, `timeout` or
    /// `cancellation`.
    #[pyo3(signature = (*, poll_interval=5.0, timeout=600.0, cancellation=None, **unknown))]
    fn wait(
        &self,
        py: Python<'_>,
        poll_interval: f64,
        timeout: f64,
        cancellation: Option<&Bound<'_, Cancellation>>,
        unknown: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<WawiRegistration> {
        crate::options::refuse_unknown(unknown, &jtl_connect::options::REGISTRATION)?;
        let pending = self.inner.clone();
        let interval = seconds(py, "poll_interval", poll_interval)?;
        let timeout = seconds(py, "timeout", timeout)?;
        let cancellation = cancellation.map(|c| c.get().inner.clone());
        block(py, async move {
            pending
                .wait(interval, timeout, cancellation.as_ref())
                .await
                .map(|inner| WawiRegistration { inner })
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "WawiPendingRegistration(request_id={})",
            repr_str(self.inner.request_id())
        )
    }
}

/// Step 1 alone: sends the registration request of `app` and returns it pending, so the
/// caller can show the request id and poll. Arguments as `register_wawi_app`.
#[pyfunction]
#[pyo3(signature = (base_url, app, challenge_code=None, *, tenant_id, **options))]
pub(crate) fn start_wawi_registration(
    py: Python<'_>,
    base_url: &str,
    app: &Bound<'_, WawiApp>,
    challenge_code: Option<&Bound<'_, PyAny>>,
    tenant_id: &str,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<WawiPendingRegistration> {
    let options = self::options(py, challenge_code, tenant_id, None, options)?;
    let app = app.get().inner.clone();
    let base_url = base_url.to_owned();
    block(py, async move {
        jtl_connect::PendingRegistration::start(&base_url, &app, &options)
            .await
            .map(|inner| WawiPendingRegistration { inner })
    })
}
