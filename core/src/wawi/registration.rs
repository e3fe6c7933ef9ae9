//! The two-step JTL-Wawi app registration.
//!
//! 1. `POST {base}/v1/authentication` with `X-ChallengeCode` and the app's description; the
//!    user sees the request in JTL-Wawi (Admin → App registration) and accepts or rejects it.
//! 2. `GET {base}/v1/authentication/{RegistrationRequestId}` with the same challenge code,
//!    polled until it carries the API key (`Token.ApiKey`, or `token.apiKey` in v2) and the
//!    granted scopes. The key is shown once and is permanent: store it right away.

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
    /// App icon, base64 (PNG), if any.
    pub icon_base64: Option<String>,
}

impl WawiApp {
    fn check(&self) -> Result<()> {
        for (field, value) in [
            ("app_id", &self.app_id),
            ("display_name", &self.display_name),
            ("version", &self.version),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid_input(format!(
                    "{field}: required for the Wawi registration; found an empty string"
                )));
            }
        }
        Ok(())
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
            "AppIcon": self.icon_base64.clone().unwrap_or_default(),
            "RegistrationType": 0,
        })
    }
}

/// How to run the registration.
#[derive(Clone, Debug)]
pub struct RegistrationOptions {
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

/// A registration request sent (step 1) and not yet decided.
#[derive(Clone)]
pub struct PendingRegistration {
    transport: Transport,
    poll_url: Url,
    challenge_code: Secret,
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
            .join("v1/authentication")
            .map_err(|e| Error::invalid_input(format!("base_url: {e}")))?;
        let transport = Transport::new(options.http.clone())?;
        let challenge = Secret::new(challenge);
        let mut call = Call::new(Method::POST, url.clone(), Flavor::Api);
        call.headers.push(challenge_header(&challenge)?);
        call.secrets.push(challenge.clone());
        call.body = Some((app.body().to_string().into(), "application/json"));
        let answer: Value = transport.send(call, &Auth::None).await?.json()?;
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
        call.headers.push(challenge_header(&self.challenge_code)?);
        call.secrets.push(self.challenge_code.clone());
        let answer: Value = self.transport.send(call, &Auth::None).await?.json()?;
        let answer = answer.as_object().cloned().unwrap_or_default();
        let key = field(&answer, "Token")
            .and_then(Value::as_object)
            .and_then(|token| text(token, "ApiKey"));
        if let Some(key) = key {
            let granted_scopes = field(&answer, "GrantedScopes")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            return Ok(RegistrationStatus::Accepted(WawiRegistration {
                app_id: text(&answer, "AppId").unwrap_or_else(|| self.app_id.clone()),
                api_key: Secret::new(key),
                granted_scopes,
            }));
        }
        match field(&answer, "Status").and_then(Value::as_i64) {
            Some(2) => Err(Error::RegistrationRejected {
                message: format!(
                    "the registration of {:?} was rejected in JTL-Wawi",
                    self.app_id
                ),
            }),
            _ => Ok(RegistrationStatus::Pending),
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

fn challenge_header(
    challenge: &Secret,
) -> Result<(reqwest::header::HeaderName, reqwest::header::HeaderValue)> {
    let mut value = reqwest::header::HeaderValue::from_str(challenge.expose())
        .map_err(|_| Error::invalid_input("challenge_code: must be printable ASCII"))?;
    value.set_sensitive(true);
    Ok((
        reqwest::header::HeaderName::from_static("x-challengecode"),
        value,
    ))
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
