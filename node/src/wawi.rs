//! JTL-Wawi OnPremise: [`WawiClient`] (wraps [`jtl_connect::WawiClient`]) and the two-step
//! app registration ([`register_wawi_app`], [`start_wawi_registration`]).

use jtl_connect::options::{Schema, REGISTRATION, WAWI_APP, WAWI_CLIENT};
use jtl_connect::{
    Cancellation as CoreCancellation, PendingRegistration, RegistrationOptions, RegistrationPath,
    RegistrationStatus, Result as CoreResult, WawiApp,
};
use napi::{
    bindgen_prelude::{FnArgs, Function, Object, PromiseRaw},
    Env,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    errors::{check, with_code},
    options::{self, Checked, Given, Named},
    runtime::spawn,
    secret::Secret,
    surface::api_methods,
};

/// A client of a JTL-Wawi installation's REST API (`Authorization: Wawi <key>`,
/// `api-version`, `X-AppID`, `X-AppVersion`). Paths are relative to the base URL
/// (`"v1/items"`). Printing it never shows the key.
#[napi]
pub struct WawiClient {
    pub(crate) inner: jtl_connect::WawiClient,
}

#[napi]
impl WawiClient {
    /// `new WawiClient({ baseUrl, apiKey, appId, appVersion, apiVersion })`.
    #[napi(
        constructor,
        ts_args_type = "options: import('./lib/options').WawiClientOptions"
    )]
    pub fn new(env: &Env, options: Object<'_>) -> napi::Result<Self> {
        let given = Given::check(env, &options, WAWI_CLIENT)?;
        let base_url: Option<String> = given.get("base_url")?;
        let api_key: Option<String> = given.get("api_key")?;
        let texts = ["app_id", "app_version", "api_version", "run_as"].map(|n| given.get(n));
        let [app_id, app_version, api_version, run_as] = texts;
        let (app_id, app_version, api_version): (Option<String>, Option<String>, Option<String>) =
            (app_id?, app_version?, api_version?);
        let (run_as, http): (Option<String>, _) = (run_as?, given.json("http")?);
        let result = (|| {
            let mut builder = jtl_connect::WawiClient::builder(
                base_url.as_deref().unwrap_or_default(),
                jtl_connect::Secret::new(api_key.unwrap_or_default()),
            )
            .http_options(options::http(http)?);
            if let Some(id) = app_id {
                builder = builder.app_id(id);
            }
            if let Some(version) = app_version {
                builder = builder.app_version(version);
            }
            if let Some(version) = api_version {
                builder = builder.api_version(version);
            }
            if let Some(user) = run_as {
                builder = builder.run_as(user);
            }
            builder.build()
        })();
        Ok(Self {
            inner: check(env, result)?,
        })
    }

    /// The base URL, ending in `/`.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// `{ baseUrl }`: no key.
    #[napi(js_name = "toJSON", ts_return_type = "{ baseUrl: string }")]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "baseUrl": self.base_url() })
    }

    /// `WawiClient(<base url>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("WawiClient({})", self.inner.base_url())
    }
}

api_methods!(WawiClient);

/// How the app presents itself in JTL-Wawi's registration dialog.
#[napi(object)]
pub struct WawiAppOptions {
    /// Unique app id, e.g. `com.example.exporter`.
    pub app_id: String,
    /// Name shown to the user.
    pub display_name: String,
    /// What the app does.
    pub description: Option<String>,
    /// App version.
    pub version: String,
    /// Who makes it.
    pub provider_name: Option<String>,
    /// The maker's website.
    pub provider_website: Option<String>,
    /// Scopes the app cannot work without, e.g. `["all.read"]`.
    pub mandatory_scopes: Option<Vec<String>>,
    /// Scopes the user may grant or not.
    pub optional_scopes: Option<Vec<String>>,
    /// App icon, base64 (PNG); without one a small default PNG is sent.
    pub icon_base64: Option<String>,
}

impl Named for WawiAppOptions {
    const SCHEMA: Schema = WAWI_APP;
}

impl Named for RegistrationSettings {
    const SCHEMA: Schema = REGISTRATION;
    // How JavaScript stops a wait, beside the core's own `Cancellation`.
    const EXTRA: &'static [&'static str] = &["cancellation", "signal"];
}

impl From<WawiAppOptions> for WawiApp {
    fn from(app: WawiAppOptions) -> Self {
        WawiApp {
            app_id: app.app_id,
            display_name: app.display_name,
            description: app.description.unwrap_or_default(),
            version: app.version,
            provider_name: app.provider_name.unwrap_or_default(),
            provider_website: app.provider_website.unwrap_or_default(),
            mandatory_scopes: app.mandatory_scopes.unwrap_or_default(),
            optional_scopes: app.optional_scopes.unwrap_or_default(),
            icon_base64: app.icon_base64,
        }
    }
}

/// How to run a registration.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct RegistrationSettings {
    /// The tenant's id (a UUID), sent as `tenant-id`; JTL requires it (left out:
    /// `invalid_input` before any request).
    pub tenant_id: Option<String>,
    /// Which registration path: `v1` (default, PascalCase), `v2` (camelCase) or `unversioned`.
    #[napi(ts_type = "'v1' | 'v2' | 'unversioned'")]
    pub path: Option<String>,
    /// The challenge code (1–30 characters); random if left out.
    pub challenge_code: Option<String>,
    /// Pause between polls in seconds (default 5).
    pub poll_interval: Option<f64>,
    /// Give up after this many seconds without a decision (default 600).
    pub timeout: Option<f64>,
    /// Stops the wait when cancelled.
    pub cancellation: Option<&'static Cancellation>,
    /// Aborting it stops the wait for approval, as `cancellation` does (the Promise rejects
    /// with `timeout`).
    #[napi(ts_type = "AbortSignal")]
    pub signal: Option<Object<'static>>,
    /// Timeouts and retries of each call (`HttpOptions`).
    #[napi(ts_type = "import('./lib/options').HttpOptions")]
    pub http: Option<serde_json::Value>,
}

/// The flag that stops the wait: `cancellation`'s, set as well when `signal` aborts (an
/// `abort` listener on the signal, or set at once if it has already aborted).
fn cancellation(
    env: &Env,
    settings: &RegistrationSettings,
) -> napi::Result<Option<CoreCancellation>> {
    let given = settings.cancellation.map(|c| c.inner.clone());
    let Some(signal) = &settings.signal else {
        return Ok(given);
    };
    let cancellation = given.unwrap_or_default();
    if signal.get::<bool>("aborted")?.unwrap_or(false) {
        cancellation.cancel();
        return Ok(Some(cancellation));
    }
    type Listen<'env> = Function<'env, FnArgs<(&'static str, Function<'env, (), ()>, Value)>, ()>;
    let Some(listen) = signal.get::<Listen>("addEventListener")? else {
        let message = "signal: expected an AbortSignal; found an object without addEventListener";
        return Err(with_code(env, "invalid_input", message));
    };
    let flag = cancellation.clone();
    let on_abort = env.create_function_from_closure("onAbort", move |_| {
        flag.cancel();
        Ok(())
    })?;
    let once = serde_json::json!({ "once": true });
    listen.apply(signal, FnArgs::from(("abort", on_abort, once)))?;
    Ok(Some(cancellation))
}

/// The core's registration options from `settings` (the wait stops on `cancellation`).
fn registration_options(
    settings: RegistrationSettings,
    cancellation: Option<CoreCancellation>,
) -> CoreResult<RegistrationOptions> {
    let mut options = RegistrationOptions {
        tenant_id: settings.tenant_id,
        path: match settings.path.as_deref() {
            Some(path) => RegistrationPath::parse(path)?,
            None => RegistrationPath::default(),
        },
        challenge_code: settings.challenge_code,
        cancellation,
        http: options::http(settings.http)?,
        ..RegistrationOptions::default()
    };
    let given = [
        ("poll_interval", settings.poll_interval),
        ("timeout", settings.timeout),
    ];
    let durations = options::durations(REGISTRATION, &given)?;
    if let Some(pause) = durations.seconds("poll_interval") {
        options.poll_interval = pause;
    }
    if let Some(timeout) = durations.seconds("timeout") {
        options.timeout = timeout;
    }
    Ok(options)
}

/// An approved registration.
#[napi]
pub struct WawiRegistration {
    inner: jtl_connect::WawiRegistration,
}

#[napi]
impl WawiRegistration {
    /// The app id as registered.
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.inner.app_id.clone()
    }

    /// The permanent API key: shown once, store it now (`apiKey.expose()`).
    #[napi(getter)]
    pub fn api_key(&self) -> Secret {
        Secret::from(self.inner.api_key.clone())
    }

    /// The scopes the user granted.
    #[napi(getter)]
    pub fn granted_scopes(&self) -> Vec<String> {
        self.inner.granted_scopes.clone()
    }

    /// `{ appId, grantedScopes }`: no key.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ appId: string; grantedScopes: string[] }"
    )]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "appId": self.inner.app_id, "grantedScopes": self.inner.granted_scopes })
    }

    /// `WawiRegistration(<app id>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("WawiRegistration({})", self.inner.app_id)
    }
}

/// A registration requested (step 1) and not yet decided.
#[napi]
pub struct WawiPendingRegistration {
    inner: PendingRegistration,
}

#[napi]
impl WawiPendingRegistration {
    /// The `RegistrationRequestId`.
    #[napi(getter)]
    pub fn request_id(&self) -> String {
        self.inner.request_id().to_owned()
    }

    /// Step 2, once: the registration if the user accepted it, `null` while pending.
    /// Rejects with `JtlError` `registration_rejected` if the user rejected it, and with an
    /// `api` error of status 410 once the answer was delivered to an earlier poll.
    #[napi(ts_return_type = "Promise<WawiRegistration | null>")]
    pub fn poll<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Option<WawiRegistration>>> {
        let pending = self.inner.clone();
        spawn(env, async move { pending.poll().await }, |_, status| {
            Ok(match status {
                RegistrationStatus::Accepted(inner) => Some(WawiRegistration { inner }),
                RegistrationStatus::Pending => None,
            })
        })
    }

    /// Polls until the user decides: resolves with the registration, rejects with
    /// `registration_rejected`, or `timeout` (also when cancelled).
    #[napi]
    pub fn wait<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "RegistrationSettings")] options: Option<
            Checked<RegistrationSettings>,
        >,
    ) -> napi::Result<PromiseRaw<'env, WawiRegistration>> {
        let pending = self.inner.clone();
        let options = options.map(|o| o.0).unwrap_or_default();
        let stop = cancellation(env, &options)?;
        let options = registration_options(options, stop);
        spawn(
            env,
            async move {
                let options = options?;
                pending
                    .wait(
                        options.poll_interval,
                        options.timeout,
                        options.cancellation.as_ref(),
                    )
                    .await
            },
            |_, inner| Ok(WawiRegistration { inner }),
        )
    }

    /// `WawiPendingRegistration(<request id>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("WawiPendingRegistration({})", self.inner.request_id())
    }
}

/// Step 1 alone: asks JTL-Wawi at `baseUrl` to register `app`; the user then accepts it in
/// JTL-Wawi, and `poll()`/`wait()` of the result fetch the key.
#[napi(js_name = "startWawiRegistration")]
pub fn start_wawi_registration<'env>(
    env: &'env Env,
    base_url: String,
    #[napi(ts_arg_type = "WawiAppOptions")] app: Checked<WawiAppOptions>,
    #[napi(ts_arg_type = "RegistrationSettings")] options: Option<Checked<RegistrationSettings>>,
) -> napi::Result<PromiseRaw<'env, WawiPendingRegistration>> {
    let app = WawiApp::from(app.0);
    let options = options.map(|o| o.0).unwrap_or_default();
    let stop = cancellation(env, &options)?;
    let options = registration_options(options, stop);
    spawn(
        env,
        async move { PendingRegistration::start(&base_url, &app, &options?).await },
        |_, inner| Ok(WawiPendingRegistration { inner }),
    )
}

/// The whole registration: request it, then wait until the user accepts it in JTL-Wawi
/// (Admin → App registration). Resolves with the permanent API key and the granted scopes.
#[napi(js_name = "registerWawiApp")]
pub fn register_wawi_app<'env>(
    env: &'env Env,
    base_url: String,
    #[napi(ts_arg_type = "WawiAppOptions")] app: Checked<WawiAppOptions>,
    #[napi(ts_arg_type = "RegistrationSettings")] options: Option<Checked<RegistrationSettings>>,
) -> napi::Result<PromiseRaw<'env, WawiRegistration>> {
    let app = WawiApp::from(app.0);
    let options = options.map(|o| o.0).unwrap_or_default();
    let stop = cancellation(env, &options)?;
    let options = registration_options(options, stop);
    spawn(
        env,
        async move { jtl_connect::register_wawi_app(&base_url, &app, options?).await },
        |_, inner| Ok(WawiRegistration { inner }),
    )
}

/// A flag that stops a long wait (a Wawi registration) once `cancel()` is called.
#[napi]
pub struct Cancellation {
    inner: CoreCancellation,
}

#[napi]
impl Cancellation {
    /// A new, unset flag.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            inner: CoreCancellation::new(),
        }
    }

    /// Sets the flag and wakes every waiter.
    #[napi]
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether it is set.
    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}
