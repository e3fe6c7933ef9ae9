//! JTL-Wawi OnPremise: [`WawiClient`] and the two-step app registration (wraps
//! [`jtl_connect::WawiClient`] and [`jtl_connect::register_wawi_app`]).

use std::{fmt, sync::Arc, time::Duration};

use jtl_connect::{
    options::{Case, REGISTRATION},
    RegistrationOptions, RegistrationPath, RegistrationStatus, Secret,
};
use serde_json::json;

use crate::{
    errors::JtlError,
    options::HttpOptions,
    runtime::{block, spawn},
    surface::client_methods,
};

/// A client of the JTL-Wawi REST API (`Authorization: Wawi <key>`, and the `x-appid` and
/// `x-appversion` JTL requires on every data call, `api-version`). Paths are relative to the base URL (`"v1/items"`).
/// `toString()` never shows the API key.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct WawiClient {
    pub(crate) inner: jtl_connect::WawiClient,
}

impl WawiClient {
    pub(crate) fn wrap(inner: jtl_connect::WawiClient) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

impl fmt::Display for WawiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WawiClient(base_url={})", self.inner.base_url())
    }
}

#[uniffi::export]
impl WawiClient {
    /// A client for the Wawi API at `base_url` (plain `http://` allowed: OnPremise runs in the
    /// local network) with `api_key`, as the app `app_id` in version `app_version` (both
    /// required by JTL; blank ones are an `invalid_input` error before any request);
    /// `run_as` acts as that Wawi user (`X-RunAs`); `http`: timeouts, retries, User-Agent.
    #[uniffi::constructor(default(api_version = None, run_as = None, http = None))]
    pub fn new(
        base_url: String,
        api_key: String,
        app_id: String,
        app_version: String,
        api_version: Option<String>,
        run_as: Option<String>,
        http: Option<HttpOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let mut builder = jtl_connect::WawiClient::builder(&base_url, Secret::new(api_key))
            .app_id(app_id)
            .app_version(app_version)
            .http_options(HttpOptions::core(http)?);
        if let Some(version) = api_version {
            builder = builder.api_version(version);
        }
        if let Some(user) = run_as {
            builder = builder.run_as(user);
        }
        Ok(Self::wrap(builder.build()?))
    }

    /// The base URL, ending in `/`.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
}

client_methods!(WawiClient);

/// The app to register with JTL-Wawi.
#[derive(Clone, Debug, uniffi::Record)]
pub struct WawiApp {
    /// Your app id (e.g. `acme/shipping`).
    pub app_id: String,
    /// Shown to the user.
    pub display_name: String,
    /// Shown to the user.
    #[uniffi(default = "")]
    pub description: String,
    /// Your app's version.
    pub version: String,
    /// Your company.
    #[uniffi(default = "")]
    pub provider_name: String,
    /// Your website.
    #[uniffi(default = "")]
    pub provider_website: String,
    /// Scopes the app cannot work without.
    #[uniffi(default = [])]
    pub mandatory_scopes: Vec<String>,
    /// Scopes the user may grant.
    #[uniffi(default = [])]
    pub optional_scopes: Vec<String>,
    /// App icon, base64 (PNG); without one a small default PNG is sent.
    #[uniffi(default = None)]
    pub icon_base64: Option<String>,
}

impl From<WawiApp> for jtl_connect::WawiApp {
    fn from(app: WawiApp) -> Self {
        Self {
            app_id: app.app_id,
            display_name: app.display_name,
            description: app.description,
            version: app.version,
            provider_name: app.provider_name,
            provider_website: app.provider_website,
            mandatory_scopes: app.mandatory_scopes,
            optional_scopes: app.optional_scopes,
            icon_base64: app.icon_base64,
        }
    }
}

/// An approved registration. `toString()` never shows the API key: read it with `apiKey()`
/// and store it (it is shown once).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct WawiRegistration {
    inner: jtl_connect::WawiRegistration,
}

impl fmt::Display for WawiRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl WawiRegistration {
    /// The app id as registered.
    pub fn app_id(&self) -> String {
        self.inner.app_id.clone()
    }

    /// The permanent API key. Never log it.
    pub fn api_key(&self) -> String {
        self.inner.api_key.expose().to_owned()
    }

    /// The scopes the user granted.
    pub fn granted_scopes(&self) -> Vec<String> {
        self.inner.granted_scopes.clone()
    }
}

/// The poll interval and timeout in seconds (default 5 and 600), checked by the core's
/// `registration` schema (numbers >= 0).
fn durations(
    poll_interval: Option<f64>,
    timeout: Option<f64>,
) -> Result<(Duration, Duration), JtlError> {
    let given = REGISTRATION.parse(
        json!({"pollInterval": poll_interval, "timeout": timeout}),
        Case::Camel,
    )?;
    let defaults = RegistrationOptions::default();
    Ok((
        given
            .seconds("poll_interval")
            .unwrap_or(defaults.poll_interval),
        given.seconds("timeout").unwrap_or(defaults.timeout),
    ))
}

/// The registration options of the foreign arguments.
fn options(
    tenant_id: String,
    registration_path: Option<String>,
    challenge_code: Option<String>,
    poll_interval: Option<f64>,
    timeout: Option<f64>,
) -> Result<RegistrationOptions, JtlError> {
    let (poll_interval, timeout) = durations(poll_interval, timeout)?;
    Ok(RegistrationOptions {
        tenant_id: Some(tenant_id),
        path: match registration_path.as_deref() {
            Some(path) => RegistrationPath::parse(path)?,
            None => RegistrationPath::default(),
        },
        challenge_code,
        poll_interval,
        timeout,
        ..RegistrationOptions::default()
    })
}

/// Registers `app` with the JTL-Wawi at `base_url` for the tenant `tenant_id` (a UUID, required
/// by JTL) — the two-step flow: the user approves it in Wawi while this polls — and returns
/// the API key and granted scopes. Blocks until approved, rejected (`registration_rejected`)
/// or timed out; 402 (no licence / app not authorised by JTL) and 410 (already answered) are
/// `api` errors saying so, 409 (AppId already registered) `conflict`. `registration_path` is
/// `v1` (default), `v2` or `unversioned`.
#[uniffi::export(default(registration_path = None, challenge_code = None, poll_interval = None, timeout = None))]
pub fn register_wawi_app(
    base_url: String,
    app: WawiApp,
    tenant_id: String,
    registration_path: Option<String>,
    challenge_code: Option<String>,
    poll_interval: Option<f64>,
    timeout: Option<f64>,
) -> Result<Arc<WawiRegistration>, JtlError> {
    let app = jtl_connect::WawiApp::from(app);
    let options = options(
        tenant_id,
        registration_path,
        challenge_code,
        poll_interval,
        timeout,
    )?;
    let inner =
        block(async move { jtl_connect::register_wawi_app(&base_url, &app, options).await })?;
    Ok(Arc::new(WawiRegistration { inner }))
}

/// `registerWawiApp`, as a suspend/async function.
#[uniffi::export(default(registration_path = None, challenge_code = None, poll_interval = None, timeout = None))]
pub async fn register_wawi_app_async(
    base_url: String,
    app: WawiApp,
    tenant_id: String,
    registration_path: Option<String>,
    challenge_code: Option<String>,
    poll_interval: Option<f64>,
    timeout: Option<f64>,
) -> Result<Arc<WawiRegistration>, JtlError> {
    let app = jtl_connect::WawiApp::from(app);
    let options = options(
        tenant_id,
        registration_path,
        challenge_code,
        poll_interval,
        timeout,
    )?;
    let inner =
        spawn(async move { jtl_connect::register_wawi_app(&base_url, &app, options).await })
            .await?;
    Ok(Arc::new(WawiRegistration { inner }))
}

/// A registration request sent (step 1) and not yet answered.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct WawiPendingRegistration {
    inner: jtl_connect::PendingRegistration,
}

impl fmt::Display for WawiPendingRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WawiPendingRegistration({})", self.inner.request_id())
    }
}

#[uniffi::export]
impl WawiPendingRegistration {
    /// The `RegistrationRequestId`.
    pub fn request_id(&self) -> String {
        self.inner.request_id().to_owned()
    }

    /// Step 2, once: the registration if accepted, `null` while pending. A rejection is
    /// `registration_rejected`; a poll after the answer was delivered an `api` error (410).
    pub fn poll(&self) -> Result<Option<Arc<WawiRegistration>>, JtlError> {
        Ok(match block(self.inner.poll())? {
            RegistrationStatus::Accepted(inner) => Some(Arc::new(WawiRegistration { inner })),
            RegistrationStatus::Pending => None,
        })
    }

    /// Polls every `poll_interval` seconds (default 5) until accepted, rejected or `timeout`
    /// seconds (default 600).
    #[uniffi::method(default(poll_interval = None, timeout = None))]
    pub fn wait(
        &self,
        poll_interval: Option<f64>,
        timeout: Option<f64>,
    ) -> Result<Arc<WawiRegistration>, JtlError> {
        let (poll_interval, timeout) = durations(poll_interval, timeout)?;
        let inner = block(self.inner.wait(poll_interval, timeout, None))?;
        Ok(Arc::new(WawiRegistration { inner }))
    }
}

/// Step 1 alone: sends the registration request of `app` and returns it pending.
#[uniffi::export(default(registration_path = None, challenge_code = None))]
pub fn start_wawi_registration(
    base_url: String,
    app: WawiApp,
    tenant_id: String,
    registration_path: Option<String>,
    challenge_code: Option<String>,
) -> Result<Arc<WawiPendingRegistration>, JtlError> {
    let app = jtl_connect::WawiApp::from(app);
    let options = options(tenant_id, registration_path, challenge_code, None, None)?;
    let inner =
        block(
            async move { jtl_connect::PendingRegistration::start(&base_url, &app, &options).await },
        )?;
    Ok(Arc::new(WawiPendingRegistration { inner }))
}
