//! The two-step JTL-Wawi app registration (facts §5.1).
//!
//! 1. `POST {base}/v1/authentication` (or `/authentication`, `/v2/authentication`: see
//!    [`RegistrationPath`]) with `x-challengecode`, `tenant-id` and the app's description; JTL
//!    answers 201 (200 is accepted too). The user sees the request in JTL-Wawi (Admin → App
//!    registration) and accepts or rejects it.
//! 2. `GET {base}/v1/authentication/{RegistrationRequestId}` with the same headers, polled
//!    until `RequestStatusInfo.Status` (`requestStatusInfo.status` in v2) is 1 (rejected:
//!    a `registration_rejected` error) or 2 (accepted: `Token.ApiKey` and `GrantedScopes`).
//!    JTL hands the answer out once: a later poll gets 410. The key is permanent: store it
//!    right away.
//!
//! Errors with their own message: 402 (no licence, or the app is not authorised by JTL),
//! 409 (`conflict`: the AppId is already registered), 410 (the request was already answered).

use std::{fmt, time::Duration};

use rand::{distributions::Alphanumeric, Rng};
use reqwest::{Method, Url};
use serde_json::{json, Map, Value};
use tracing::debug;

use crate::{
    cancel::Cancellation,
    endpoints::parse_url_with,
    http::{Auth, Call, Flavor, HttpOptions, Transport},
    Error, Result, Secret,
};

/// The longest challenge code JTL-Wawi accepts.
pub const MAX_CHALLENGE_LEN: usize = 30;

/// The icon sent when a [`WawiApp`] has none: JTL requires `AppIcon` (a base64 image); this is
/// a valid 1×1 transparent PNG.
pub const DEFAULT_APP_ICON_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

/// Which registration path to call: JTL's sources name three (facts §5.1, "Where sources
/// disagree: registration path"). v1 and the unversioned path answer in PascalCase, v2 in
/// camelCase; the client reads either.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RegistrationPath {
    /// `/authentication` (the OAS 1.0 file, the v1.1 page).
    Unversioned,
    /// `/v1/authentication` (the v1.0 and v1.2 pages).
    #[default]
    V1,
    /// `/v2/authentication` (the v2.0 pages; camelCase).
    V2,
}

impl RegistrationPath {
    /// Reads `"v1"`, `"v2"` or `"unversioned"` (also `""`), as the bindings take it.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "v1" => Ok(Self::V1),
            "v2" => Ok(Self::V2),
            "" | "unversioned" | "none" => Ok(Self::Unversioned),
            other => Err(Error::invalid_input(format!(
                "registration_path: expected \"v1\", \"v2\" or \"unversioned\"; found {other:?}"
            ))),
        }
    }

    fn segment(self) -> &'static str {
        match self {
            Self::Unversioned => "authentication",
            Self::V1 => "v1/authentication",
            Self::V2 => "v2/authentication",
        }
    }
}

/// How the app presents itself in JTL-Wawi's registration dialog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WawiApp {
    /// Unique app id, e.g. `com.example.exporter`.
    pub app_id: String,
    /// Name shown to the user.
    pub display_name: String,
    /// What the app does.
    pub description: String,
    /// App version.
    pub version: String,
    /// Who makes it.
    pub provider_name: String,
    /// The maker's website.
    pub provider_website: String,
    /// Scopes the app cannot work without.
    pub mandatory_scopes: Vec<String>,
    /// Scopes the user may grant or not.
    pub optional_scopes: Vec<String>,
    /// App icon, base64 (PNG); without one, [`DEFAULT_APP_ICON_BASE64`] is sent.
    pub icon_base64: Option<String>,
}

impl WawiApp {
    /// Checks the fields JTL requires (facts §5.1: `AppId`, `DisplayName`, `Description`,
    /// `Version`, `ProviderName`, `ProviderWebsite`, `MandatoryApiScopes`), before any request;
    /// the error names every missing field.
    pub fn check(&self) -> Result<()> {
        let mut missing: Vec<&str> = [
            ("app_id", &self.app_id),
            ("display_name", &self.display_name),
            ("description", &self.description),
            ("version", &self.version),
            ("provider_name", &self.provider_name),
            ("provider_website", &self.provider_website),
        ]
        .into_iter()
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(field, _)| field)
        .collect();
        if self.mandatory_scopes.iter().all(|s| s.trim().is_empty()) {
            missing.push("mandatory_scopes");
        }
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::invalid_input(format!(
            "JTL-Wawi requires these app fields for a registration: {}; found them empty",
            missing.join(", ")
        )))
    }

    fn body(&self) -> Value {
        json!({
            "AppId": self.app_id,
            "DisplayName": self.display_name,
            "Description": self.description,
            "Version": self.version,
            "ProviderName": self.provider_name,
            "ProviderWebsite": self.provider_website,
            "MandatoryApiScopes": self.mandatory_scopes,
            "OptionalApiScopes": self.optional_scopes,
            "AppIcon": self
                .icon_base64
                .as_deref()
                .filter(|icon| !icon.trim().is_empty())
                .unwrap_or(DEFAULT_APP_ICON_BASE64),
            "RegistrationType": 0,
        })
    }
}

/// How to run the registration.
#[derive(Clone, Debug)]
pub struct RegistrationOptions {
    /// The tenant's id (a UUID), sent as `tenant-id` and `x-tenant-id` on every registration
    /// call; JTL requires it (facts §5.1), so `None` is refused before any request.
    pub tenant_id: Option<String>,
    /// Which of JTL's registration paths to call (default `/v1/authentication`).
    pub path: RegistrationPath,
    /// The challenge code (1–30 characters, sent on every call); random if `None`.
    pub challenge_code: Option<String>,
    /// Pause between polls (default 5 s, as JTL's own clients do).
    pub poll_interval: Duration,
    /// Give up after this long without a decision (default 10 min).
    pub timeout: Duration,
    /// Stops the wait when set (another thread, a Ctrl-C handler).
    pub cancellation: Option<Cancellation>,
    /// Timeouts and retries of each call.
    pub http: HttpOptions,
}

impl Default for RegistrationOptions {
    fn default() -> Self {
        Self {
            tenant_id: None,
            path: RegistrationPath::default(),
            challenge_code: None,
            poll_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(600),
            cancellation: None,
            http: HttpOptions::default(),
        }
    }
}

/// The outcome of an approved registration.
#[derive(Clone)]
pub struct WawiRegistration {
    /// The app id as registered.
    pub app_id: String,
    /// The permanent API key: shown once, store it now.
    pub api_key: Secret,
    /// The scopes the user granted.
    pub granted_scopes: Vec<String>,
}

impl fmt::Debug for WawiRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WawiRegistration")
            .field("app_id", &self.app_id)
            .field("api_key", &self.api_key)
            .field("granted_scopes", &self.granted_scopes)
            .finish()
    }
}

/// Where a registration stands.
#[derive(Clone, Debug)]
pub enum RegistrationStatus {
    /// Waiting for the user in JTL-Wawi.
    Pending,
    /// Accepted: the key is here.
    Accepted(WawiRegistration),
}

/// A registration's `Status` (facts §5.1): 0 pending, 1 rejected, 2 accepted.
const STATUS_PENDING: i64 = 0;
const STATUS_REJECTED: i64 = 1;
const STATUS_ACCEPTED: i64 = 2;

/// A registration request sent (step 1) and not yet decided.
#[derive(Clone)]
pub struct PendingRegistration {
    transport: Transport,
    poll_url: Url,
    challenge_code: Secret,
    tenant_id: String,
    request_id: String,
    app_id: String,
}

impl fmt::Debug for PendingRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingRegistration")
            .field("request_id", &self.request_id)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

fn random_challenge() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

fn text(map: &Map<String, Value>, name: &str) -> Option<String> {
    match field(map, name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl PendingRegistration {
    /// Step 1: asks JTL-Wawi at `base_url` (e.g. `http://127.0.0.1:5883/api/eazybusiness`)
    /// to register `app`.
    pub async fn start(
        base_url: &str,
        app: &WawiApp,
        options: &RegistrationOptions,
    ) -> Result<Self> {
        app.check()?;
        let tenant_id = tenant(options.tenant_id.as_deref())?;
        let challenge = options
            .challenge_code
            .clone()
            .unwrap_or_else(random_challenge);
        let length = challenge.chars().count();
        if length == 0 || length > MAX_CHALLENGE_LEN {
            return Err(Error::invalid_input(format!(
                "challenge_code: expected 1 to {MAX_CHALLENGE_LEN} characters; found {length}"
            )));
        }
        let mut base = parse_url_with("base_url", base_url, true)?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let url = base
            .join(options.path.segment())
            .map_err(|e| Error::invalid_input(format!("base_url: {e}")))?;
        let transport = Transport::new(options.http.clone())?;
        let challenge = Secret::new(challenge);
        let mut call = Call::new(Method::POST, url.clone(), Flavor::Api);
        call.headers
            .extend(registration_headers(&challenge, &tenant_id)?);
        call.secrets.push(challenge.clone());
        call.body = Some((app.body().to_string().into(), "application/json"));
        // Any 2xx is success: JTL documents 201, older installations may answer 200.
        let answer: Value = transport
            .send(call, &Auth::None)
            .await
            .map_err(|e| explain(e, &app.app_id))?
            .json()?;
        let answer = answer.as_object().cloned().unwrap_or_default();
        let request_id = text(&answer, "RegistrationRequestId").ok_or_else(|| Error::Api {
            message: "the registration answer has no RegistrationRequestId".into(),
            detail: Default::default(),
        })?;
        debug!(request_id = %request_id, app_id = %app.app_id, "Wawi registration requested");
        let poll_url = url
            .join(&format!("authentication/{request_id}"))
            .map_err(|e| Error::invalid_input(format!("base_url: {e}")))?;
        Ok(Self {
            transport,
            poll_url,
            challenge_code: challenge,
            tenant_id,
            request_id,
            app_id: app.app_id.clone(),
        })
    }

    /// The `RegistrationRequestId`.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Step 2, once: where the registration stands. A rejection is a
    /// `registration_rejected` error.
    pub async fn poll(&self) -> Result<RegistrationStatus> {
        let mut call = Call::new(Method::GET, self.poll_url.clone(), Flavor::Api);
        call.headers
            .extend(registration_headers(&self.challenge_code, &self.tenant_id)?);
        call.secrets.push(self.challenge_code.clone());
        let answer: Value = match self.transport.send(call, &Auth::None).await {
            Ok(response) => response.json()?,
            Err(e) if e.status() == Some(410) => {
                return Err(Error::Api {
                    message: format!(
                        "the registration request {} of {:?} was already answered (410 Gone): JTL-Wawi hands the answer out once. If it was accepted, an earlier poll received the API key; if that key was not stored, start a new registration",
                        self.request_id, self.app_id
                    ),
                    detail: e.detail().cloned().unwrap_or_default(),
                })
            }
            Err(e) => return Err(explain(e, &self.app_id)),
        };
        let answer = answer.as_object().cloned().unwrap_or_default();
        // `RequestStatusInfo` (v1) / `requestStatusInfo` (v2); a top-level `Status` also counts.
        let info = field(&answer, "RequestStatusInfo")
            .and_then(Value::as_object)
            .unwrap_or(&answer);
        let status = field(info, "Status")
            .or_else(|| field(&answer, "Status"))
            .and_then(Value::as_i64);
        let key = field(&answer, "Token")
            .and_then(Value::as_object)
            .and_then(|token| text(token, "ApiKey"));
        match (status, key) {
            (Some(STATUS_REJECTED), _) => Err(Error::RegistrationRejected {
                message: format!(
                    "the registration of {:?} was rejected in JTL-Wawi (Status 1)",
                    self.app_id
                ),
            }),
            (Some(STATUS_ACCEPTED) | None, Some(key)) => {
                let granted_scopes = field(&answer, "GrantedScopes")
                    .and_then(Value::as_array)
                    .map(|s| {
                        s.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                Ok(RegistrationStatus::Accepted(WawiRegistration {
                    app_id: text(info, "AppId").unwrap_or_else(|| self.app_id.clone()),
                    api_key: Secret::new(key),
                    granted_scopes,
                }))
            }
            (Some(STATUS_ACCEPTED), None) => Err(Error::Api {
                message: format!(
                    "the registration of {:?} is accepted (Status 2) but the answer carries no Token.ApiKey",
                    self.app_id
                ),
                detail: Default::default(),
            }),
            (Some(STATUS_PENDING) | None, None) => Ok(RegistrationStatus::Pending),
            (Some(other), _) => Err(Error::Api {
                message: format!(
                    "the registration answer has Status {other}; expected 0 (pending), 1 (rejected) or 2 (accepted)"
                ),
                detail: Default::default(),
            }),
        }
    }

    /// Polls every `poll_interval` until accepted, rejected, `timeout` or cancellation.
    pub async fn wait(
        &self,
        poll_interval: Duration,
        timeout: Duration,
        cancellation: Option<&Cancellation>,
    ) -> Result<WawiRegistration> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let RegistrationStatus::Accepted(registration) = self.poll().await? {
                return Ok(registration);
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return Err(Error::timeout(format!(
                    "the registration of {:?} was not approved within {timeout:?}; accept it in JTL-Wawi under Admin → App registration",
                    self.app_id
                )));
            }
            let pause = poll_interval.min(deadline - now);
            let cancelled = async {
                match cancellation {
                    Some(c) => c.cancelled().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = cancelled => {
                    return Err(Error::timeout(format!("the registration of {:?} was cancelled while waiting for approval", self.app_id)));
                }
            }
        }
    }
}

type Header = (reqwest::header::HeaderName, reqwest::header::HeaderValue);

/// `x-challengecode` plus the tenant, under both names JTL's sources use (`tenant-id` in the
/// OAS, `x-tenant-id` in later docs).
fn registration_headers(challenge: &Secret, tenant_id: &str) -> Result<Vec<Header>> {
    let mut value = reqwest::header::HeaderValue::from_str(challenge.expose())
        .map_err(|_| Error::invalid_input("challenge_code: must be printable ASCII"))?;
    value.set_sensitive(true);
    let tenant = reqwest::header::HeaderValue::from_str(tenant_id)
        .map_err(|_| Error::invalid_input("tenant_id: must be printable ASCII"))?;
    Ok(vec![
        (
            reqwest::header::HeaderName::from_static("x-challengecode"),
            value,
        ),
        (
            reqwest::header::HeaderName::from_static("tenant-id"),
            tenant.clone(),
        ),
        (
            reqwest::header::HeaderName::from_static("x-tenant-id"),
            tenant,
        ),
    ])
}

/// The tenant id JTL requires on registration calls: a UUID.
fn tenant(tenant_id: Option<&str>) -> Result<String> {
    let Some(tenant_id) = tenant_id.map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(Error::invalid_input(
            "tenant_id: JTL-Wawi requires the tenant's id (a UUID, sent as tenant-id) on every registration call; none was given",
        ));
    };
    let is_uuid = tenant_id.len() == 36
        && tenant_id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
    if !is_uuid {
        return Err(Error::invalid_input(format!(
            "tenant_id: expected a UUID such as 00000000-0000-4000-8000-000000000001; found {tenant_id:?}"
        )));
    }
    Ok(tenant_id.to_owned())
}

/// Gives the registration's own error answers a message that says what they mean.
fn explain(error: Error, app_id: &str) -> Error {
    match error.status() {
        Some(402) => Error::Api {
            message: format!(
                "JTL-Wawi refused the registration of {app_id:?} with 402: no licence is available, or the app is not authorised by JTL"
            ),
            detail: error.detail().cloned().unwrap_or_default(),
        },
        Some(409) => Error::Conflict {
            message: format!(
                "an app with the AppId {app_id:?} is already registered in this JTL-Wawi (409)"
            ),
            detail: error.detail().cloned().unwrap_or_default(),
        },
        _ => error,
    }
}

/// The whole flow: request the registration, then wait until the user accepts it in
/// JTL-Wawi. Returns the permanent API key and the granted scopes.
pub async fn register_wawi_app(
    base_url: &str,
    app: &WawiApp,
    options: RegistrationOptions,
) -> Result<WawiRegistration> {
    let pending = PendingRegistration::start(base_url, app, &options).await?;
    pending
        .wait(
            options.poll_interval,
            options.timeout,
            options.cancellation.as_ref(),
        )
        .await
}
