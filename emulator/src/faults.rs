//! Faults a test arms per service: the next N requests to that service fail in a chosen way.

use axum::{
    extract::Request,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::{service::Service, Error};

/// How an armed fault spoils a response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with the service's own error body (or `body`), and `Retry-After`
    /// if `retry_after` is set. `status: 401` on `api` is "401 on the next N API calls".
    #[default]
    Status,
    /// Wait `delay_ms`, then answer normally (for client timeouts).
    Delay,
    /// Answer the real response cut in half: a complete HTTP message with invalid JSON.
    MalformedJson,
    /// Announce the real response's length, send half of it, then close the connection.
    Truncated,
    /// Close the connection without answering.
    Drop,
    /// Answer an HTML page (`text/html`), as a proxy in front of the service would;
    /// `status` defaults to 502.
    WrongContentType,
    /// Let the request through but make the token answer say `expires_in` (Cloud) or
    /// `expiresIn` (SCX) = `expires_in`: 0, negative or absurd values included.
    ExpiresIn,
    /// A hostile server: answer an error (`status`, default 401 on `token`, else 422) whose
    /// every field echoes the credentials the request carried: the secret of the Basic
    /// header, the base64 Basic value, the `id:secret` pair, a bearer token, a Wawi API key,
    /// a refresh token from the form or the query, an `X-ChallengeCode`, and the raw
    /// `Authorization` header. `shape` picks the dialect (default: the service's own).
    Echo,
}

/// The dialect of an `echo` fault's body. Every shape puts the request's first credential
/// (the Basic secret, the bearer token or API key, else the refresh token) in the code and
/// all of them in every other text field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EchoShape {
    /// ERP `{"errorCode","errorMessage","validationErrors":{cred: creds}}` (`api`, `jwks`).
    Erp,
    /// Wawi's PascalCase `{"ErrorCode","ErrorMessage","ValidationErrors"}` (`wawi`,
    /// `wawi_registration`).
    Wawi,
    /// OAuth `{"error","error_description","error_uri"}` (`token`).
    Oauth,
    /// SCX `{"errorList":[{"code","message","severity","hint"}, ...]}` (`scx`, `scx_auth`).
    Scx,
    /// ASP.NET problem details `{"title","detail","errors":{cred:[creds]}}`.
    Problem,
    /// `text/plain`: [`ECHO_STRADDLE_AT`] characters of filler, then the first credential
    /// (across the client's 200-character quote limit), then all of them.
    Text,
    /// `text/plain` ending in the first half of the first credential, as a server that cut it.
    Cut,
}

/// Where the first credential starts in an `echo` body of shape `text`: 10 characters
/// before the 200 the client quotes, so a client that cuts first and redacts later keeps a
/// prefix of the secret.
pub const ECHO_STRADDLE_AT: usize = 190;

/// A fault to inject: `POST /_emulator/faults` takes it as JSON, e.g.
/// `{"service": "api", "kind": "status", "status": 503, "count": 2, "retry_after": "1"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The service whose requests are spoiled.
    pub service: Service,
    /// How they are spoiled.
    #[serde(default)]
    pub kind: FaultKind,
    /// HTTP status, for `status` (required) and `wrong_content_type` (default 502).
    #[serde(default)]
    pub status: Option<u16>,
    /// How many requests the fault applies to: default 1; 0 means until cleared.
    #[serde(default)]
    pub count: Option<u32>,
    /// Delay before the fault (or, for `delay`, before the normal answer), in milliseconds.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Value of a `Retry-After` header to send with a `status` fault (seconds or HTTP date).
    #[serde(default)]
    pub retry_after: Option<String>,
    /// A body to send instead of the service's error body, for `status`.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// The lifetime the token answer claims, for `expires_in`.
    #[serde(default)]
    pub expires_in: Option<i64>,
    /// The body's dialect, for `echo` (default: the service's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<EchoShape>,
}

impl Fault {
    /// A `status` fault on `service` for one request.
    pub fn status(service: Service, status: u16) -> Self {
        Self {
            service,
            kind: FaultKind::Status,
            status: Some(status),
            count: None,
            delay_ms: None,
            retry_after: None,
            body: None,
            expires_in: None,
            shape: None,
        }
    }

    /// A fault of `kind` on `service` for one request.
    pub fn kind(service: Service, kind: FaultKind) -> Self {
        Self {
            kind,
            status: None,
            ..Self::status(service, 0)
        }
    }

    /// An `expires_in` fault: the next token answer claims this lifetime.
    pub fn expires_in(service: Service, seconds: i64) -> Self {
        Self {
            expires_in: Some(seconds),
            ..Self::kind(service, FaultKind::ExpiresIn)
        }
    }

    /// An `echo` fault: the next answer of `service` is an error echoing the request's
    /// credentials in the `shape` dialect (`None`: the service's own).
    pub fn echo(service: Service, shape: Option<EchoShape>) -> Self {
        Self {
            shape,
            ..Self::kind(service, FaultKind::Echo)
        }
    }

    /// Applies to the next `count` requests (0: until cleared).
    pub fn times(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    /// Waits this many milliseconds first.
    pub fn delay_ms(mut self, millis: u64) -> Self {
        self.delay_ms = Some(millis);
        self
    }

    /// Sends this `Retry-After` value.
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        self.retry_after = Some(value.into());
        self
    }

    /// Says what is wrong with this fault, if anything.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if matches!(self.service, Service::Admin | Service::Unknown) {
            return Err(Error::InvalidInput(format!(
                "service must be one of token, api, jwks, scx_auth, scx, wawi, wawi_registration; found {}",
                self.service.name()
            )));
        }
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return Err(Error::InvalidInput(format!(
                    "status must be an HTTP status from 200 to 599; found {status}"
                )));
            }
        }
        match self.kind {
            FaultKind::Status if self.status.is_none() => Err(Error::InvalidInput(
                "a fault of kind status needs a status (e.g. 503)".into(),
            )),
            FaultKind::Delay if self.delay_ms.is_none() => Err(Error::InvalidInput(
                "a fault of kind delay needs delay_ms".into(),
            )),
            FaultKind::ExpiresIn => match (self.service, self.expires_in) {
                (Service::Token | Service::ScxAuth, Some(_)) => Ok(()),
                (Service::Token | Service::ScxAuth, None) => Err(Error::InvalidInput(
                    "a fault of kind expires_in needs expires_in (seconds)".into(),
                )),
                (other, _) => Err(Error::InvalidInput(format!(
                    "expires_in faults apply to token or scx_auth; found {}",
                    other.name()
                ))),
            },
            FaultKind::Echo if self.body.is_some() => Err(Error::InvalidInput(
                "a fault of kind echo builds its own body; leave out body".into(),
            )),
            _ if self.shape.is_some() && self.kind != FaultKind::Echo => {
                Err(Error::InvalidInput(format!(
                    "shape applies to faults of kind echo; found kind {:?}",
                    self.kind
                )))
            }
            _ => Ok(()),
        }
    }
}

struct Armed {
    id: u64,
    fault: Fault,
    remaining: Option<u32>,
}

/// The armed faults, first armed first served.
#[derive(Default)]
pub(crate) struct FaultQueue {
    armed: Vec<Armed>,
    next_id: u64,
}

impl FaultQueue {
    pub(crate) fn arm(&mut self, fault: Fault) -> Result<u64, Error> {
        fault.validate()?;
        self.next_id += 1;
        let remaining = match fault.count.unwrap_or(1) {
            0 => None,
            n => Some(n),
        };
        self.armed.push(Armed {
            id: self.next_id,
            fault,
            remaining,
        });
        Ok(self.next_id)
    }

    /// Takes one use of the first fault armed for `service`.
    pub(crate) fn take(&mut self, service: Service) -> Option<Fault> {
        let index = self.armed.iter().position(|a| a.fault.service == service)?;
        let armed = &mut self.armed[index];
        let fault = armed.fault.clone();
        if let Some(remaining) = armed.remaining.as_mut() {
            *remaining -= 1;
            if *remaining == 0 {
                self.armed.remove(index);
            }
        }
        Some(fault)
    }

    pub(crate) fn list(&self) -> Vec<serde_json::Value> {
        self.armed
            .iter()
            .map(|a| serde_json::json!({ "id": a.id, "fault": a.fault, "remaining": a.remaining }))
            .collect()
    }

    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }
}

/// Set on a request by the gateway when an `expires_in` fault applies to it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExpiresInOverride(pub(crate) i64);

/// Largest request body an `echo` fault reads for credentials.
const ECHO_READ_LIMIT: usize = 1024 * 1024;

/// Form fields and query parameters that carry credentials.
const CREDENTIAL_PARAMS: [&str; 8] = [
    "refreshToken",
    "refresh_token",
    "client_secret",
    "access_token",
    "token",
    "apiKey",
    "api_key",
    "code",
];

/// Headers other than `Authorization` that carry credentials.
const CREDENTIAL_HEADERS: [&str; 3] = ["x-challengecode", "x-api-key", "x-refresh-token"];

/// The answer of an `echo` fault to `request`.
pub(crate) async fn echo(service: Service, fault: &Fault, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, ECHO_READ_LIMIT)
        .await
        .unwrap_or_default();
    let credentials = credentials(&parts.headers, parts.uri.query(), &body);
    echo_answer(service, fault, &credentials)
}

/// Every credential the request carried, the first (the one a client must never show)
/// first: Basic secret, bearer token or API key, form and query values, challenge codes,
/// then the base64 Basic value, the `id:secret` pair and the raw `Authorization` header.
pub(crate) fn credentials(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Vec<String> {
    let mut first = Vec::new();
    let mut more = Vec::new();
    if let Some(raw) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, value) = raw.split_once(' ').unwrap_or(("", raw));
        let value = value.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            let pair = STANDARD
                .decode(value)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            if let Some((_, secret)) = pair.as_deref().and_then(|p| p.split_once(':')) {
                first.push(secret.to_owned());
            }
            more.push(value.to_owned());
            more.extend(pair);
        } else {
            first.push(value.to_owned());
        }
        more.push(raw.to_owned());
    }
    let params = |bytes: &[u8]| -> Vec<String> {
        form_urlencoded::parse(bytes)
            .filter(|(name, _)| CREDENTIAL_PARAMS.contains(&name.as_ref()))
            .map(|(_, value)| value.into_owned())
            .collect()
    };
    first.extend(params(body));
    first.extend(params(query.unwrap_or("").as_bytes()));
    for name in CREDENTIAL_HEADERS {
        first.extend(
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_owned),
        );
    }
    first.extend(more);
    first.retain(|c| !c.is_empty());
    first.dedup();
    first
}

/// The error answer echoing `credentials` in the fault's dialect.
pub(crate) fn echo_answer(service: Service, fault: &Fault, credentials: &[String]) -> Response {
    let status = fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(match service {
            Service::Token => StatusCode::UNAUTHORIZED,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        });
    let shape = fault.shape.unwrap_or(match service {
        Service::Token => EchoShape::Oauth,
        Service::Scx | Service::ScxAuth => EchoShape::Scx,
        Service::Wawi | Service::WawiRegistration => EchoShape::Wawi,
        _ => EchoShape::Erp,
    });
    let first = credentials
        .first()
        .cloned()
        .unwrap_or_else(|| "no credentials".to_owned());
    let all = if credentials.is_empty() {
        first.clone()
    } else {
        credentials.join(" | ")
    };
    let fields: Map<String, Value> = credentials
        .iter()
        .map(|c| (c.clone(), Value::from(format!("echo {c}"))))
        .chain([
            (first.clone(), Value::from(all.clone())),
            ("authorization".to_owned(), Value::from(all.clone())),
        ])
        .collect();
    let text = |body: String| {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response()
    };
    let body = match shape {
        EchoShape::Text => {
            let filler = format!("echo {}", "x".repeat(ECHO_STRADDLE_AT - 6));
            return text(format!("{filler} {first} {all}"));
        }
        EchoShape::Cut => {
            let half: String = first.chars().take(first.chars().count() / 2).collect();
            return text(format!("echo cut {half}"));
        }
        EchoShape::Erp => json!({
            "errorCode": first,
            "errorMessage": format!("echo: {all}"),
            "validationErrors": fields,
            "errors": {},
        }),
        EchoShape::Wawi => json!({
            "ErrorCode": first,
            "ErrorMessage": format!("echo: {all}"),
            "ValidationErrors": fields,
        }),
        EchoShape::Oauth => json!({
            "error": first,
            "error_description": format!("echo: {all}"),
            "error_uri": format!("https://example.invalid/?{all}"),
        }),
        EchoShape::Scx => json!({
            "errorList": credentials.iter().map(|c| json!({
                "code": c,
                "message": format!("echo: {all}"),
                "severity": "error",
                "hint": format!("echo {c}"),
            })).collect::<Vec<_>>(),
        }),
        EchoShape::Problem => json!({
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": format!("echo: {all}"),
            "status": status.as_u16(),
            "detail": format!("echo: {all}"),
            "errors": fields.iter().map(|(k, v)| (k.clone(), json!([v, first]))).collect::<Map<_, _>>(),
        }),
    };
    (status, axum::Json(body)).into_response()
}
