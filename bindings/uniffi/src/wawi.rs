//! JTL-Wawi OnPremise: [`WawiClient`] and the two-step app registration (wraps
//! [`jtl_connect::WawiClient`] and [`jtl_connect::register_wawi_app`]).

use std::{fmt, sync::Arc, time::Duration};

use jtl_connect::{RegistrationOptions, Secret};

use crate::{
    error::JtlError,
    http::client_methods,
    runtime::{block, spawn},
};

/// A client of the JTL-Wawi REST API (`Authorization: Wawi <key>`, `X-AppID`,
/// `X-AppVersion`, `api-version`). Paths are relative to the base URL (`"v1/items"`).
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
    /// local network) with `api_key`.
    #[uniffi::constructor(default(app_id = None, app_version = None, api_version = None))]
    pub fn new(
        base_url: String,
        api_key: String,
        app_id: Option<String>,
        app_version: Option<String>,
        api_version: Option<String>,
    ) -> Result<Arc<Self>, JtlError> {
        let mut builder = jtl_connect::WawiClient::builder(&base_url, Secret::new(api_key));
        if let Some(app_id) = app_id {
            builder = builder.app_id(app_id);
        }
        if let Some(version) = app_version {
            builder = builder.app_version(version);
        }
        if let Some(version) = api_version {
            builder = builder.api_version(version);
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
    /// App icon, base64 (PNG).
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

fn options(
    challenge_code: Option<String>,
    poll_interval_ms: Option<u64>,
    timeout_seconds: Option<u64>,
) -> RegistrationOptions {
    let mut options = RegistrationOptions {
        challenge_code,
        ..RegistrationOptions::default()
    };
    if let Some(ms) = poll_interval_ms {
        options.poll_interval = Duration::from_millis(ms);
    }
    if let Some(secs) = timeout_seconds {
        options.timeout = Duration::from_secs(secs);
    }
    options
}

/// Registers `app` with the JTL-Wawi at `base_url` (the two-step flow: the user approves it in
/// Wawi while this polls) and returns the API key and granted scopes. Blocks until approved,
/// rejected (`registration_rejected`) or timed out.
#[uniffi::export(default(challenge_code = None, poll_interval_ms = None, timeout_seconds = None))]
pub fn register_wawi_app(
    base_url: String,
    app: WawiApp,
    challenge_code: Option<String>,
    poll_interval_ms: Option<u64>,
    timeout_seconds: Option<u64>,
) -> Result<Arc<WawiRegistration>, JtlError> {
    let app = jtl_connect::WawiApp::from(app);
    let options = options(challenge_code, poll_interval_ms, timeout_seconds);
    let inner =
        block(async move { jtl_connect::register_wawi_app(&base_url, &app, options).await })?;
    Ok(Arc::new(WawiRegistration { inner }))
}

/// `registerWawiApp`, as a suspend/async function.
#[uniffi::export(default(challenge_code = None, poll_interval_ms = None, timeout_seconds = None))]
pub async fn register_wawi_app_async(
    base_url: String,
    app: WawiApp,
    challenge_code: Option<String>,
    poll_interval_ms: Option<u64>,
    timeout_seconds: Option<u64>,
) -> Result<Arc<WawiRegistration>, JtlError> {
    let app = jtl_connect::WawiApp::from(app);
    let options = options(challenge_code, poll_interval_ms, timeout_seconds);
    let inner =
        spawn(async move { jtl_connect::register_wawi_app(&base_url, &app, options).await })
            .await?;
    Ok(Arc::new(WawiRegistration { inner }))
}
