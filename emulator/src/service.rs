//! Which JTL service a path belongs to, and how that service writes its errors.
//! Every error the emulator sends, including axum's own rejections, goes through
//! [`error_response`], so each service answers in its own documented JSON shape.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The services of the emulator, as counted in `/_emulator/stats` and targeted by faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// `POST /oauth2/token` (and the app-token issuer's `POST /oauth/v2/token`, and the user
    /// sign-in at `/oauth2/auth`): the identity provider.
    Token,
    /// `/erp/v2/...`: the Cloud ERP API.
    Api,
    /// `GET /account/.well-known/jwks.json`: session-token keys (and the app-token issuer's
    /// `GET /oauth/v2/keys`).
    Jwks,
    /// `POST /v1/auth`: the SCX refresh-token exchange.
    ScxAuth,
    /// Every other SCX path under `/v1/`.
    Scx,
    /// `/api/eazybusiness/...` data endpoints of JTL-Wawi.
    Wawi,
    /// `/api/eazybusiness/[v1/|v2/]authentication...`: Wawi app registration.
    WawiRegistration,
    /// `/_emulator/...`: the admin API (never faulted, never counted).
    Admin,
    /// Anything else.
    Unknown,
}

/// The services that are counted and can be faulted, in display order.
pub(crate) const COUNTED: [Service; 7] = [
    Service::Token,
    Service::Api,
    Service::Jwks,
    Service::ScxAuth,
    Service::Scx,
    Service::Wawi,
    Service::WawiRegistration,
];

impl Service {
    /// Classifies a request path.
    pub fn of(path: &str) -> Self {
        // The app-token issuer's endpoints (facts §0, §4.2) count as the identity provider's
        // token endpoint and key set: the same faults apply to them.
        if path == "/oauth2/token" || path == "/oauth/v2/token" || path == "/oauth2/auth" {
            Self::Token
        } else if path == "/erp/v2" || path.starts_with("/erp/v2/") {
            Self::Api
        } else if path == "/account/.well-known/jwks.json" || path == "/oauth/v2/keys" {
            Self::Jwks
        } else if path == "/v1/auth" {
            Self::ScxAuth
        } else if path.starts_with("/v1/") {
            Self::Scx
        } else if is_wawi_registration(path) {
            Self::WawiRegistration
        } else if path.starts_with("/api/eazybusiness/") {
            Self::Wawi
        } else if path.starts_with("/_emulator") {
            Self::Admin
        } else {
            Self::Unknown
        }
    }

    /// The name used in stats and fault requests.
    pub fn name(self) -> &'static str {
        match self {
            Self::Token => "token",
            Self::Api => "api",
            Self::Jwks => "jwks",
            Self::ScxAuth => "scx_auth",
            Self::Scx => "scx",
            Self::Wawi => "wawi",
            Self::WawiRegistration => "wawi_registration",
            Self::Admin => "admin",
            Self::Unknown => "unknown",
        }
    }
}

/// `/api/eazybusiness/authentication...`, also under `v1/` or `v2/` (facts §5.1).
fn is_wawi_registration(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/eazybusiness/") else {
        return false;
    };
    let rest = rest
        .strip_prefix("v1/")
        .or_else(|| rest.strip_prefix("v2/"))
        .unwrap_or(rest);
    rest == "authentication" || rest.starts_with("authentication/")
}

/// An error answer in the shape `service` uses:
/// - token endpoint: OAuth 2.0 `{"error", "error_description"}` (RFC 6749 §5.2);
/// - ERP API and JWKS: `{"errorCode", "errorMessage", "validationErrors", "errors"}`;
/// - SCX: `{"errorList": [{"code", "message", "severity", "hint"}]}`;
/// - Wawi: the ERP shape in PascalCase (`ErrorCode`, `ErrorMessage`, `ValidationErrors`);
/// - admin and unknown paths: `{"error", "message"}`.
pub(crate) fn error_response(
    service: Service,
    status: StatusCode,
    code: &str,
    message: &str,
) -> Response {
    error_with_details(service, status, code, message, json!({}))
}

/// Like [`error_response`], with field-level validation errors (`{"field": "message"}`).
pub(crate) fn error_with_details(
    service: Service,
    status: StatusCode,
    code: &str,
    message: &str,
    validation_errors: Value,
) -> Response {
    let body = match service {
        Service::Token => json!({ "error": code, "error_description": message }),
        Service::Api | Service::Jwks => json!({
            "errorCode": code,
            "errorMessage": message,
            "validationErrors": validation_errors,
            "errors": {},
        }),
        Service::Scx | Service::ScxAuth => json!({
            "errorList": [{ "code": code, "message": message, "severity": "error", "hint": null }],
        }),
        Service::Wawi | Service::WawiRegistration => json!({
            "ErrorCode": code,
            "ErrorMessage": message,
            "ValidationErrors": validation_errors,
        }),
        Service::Admin | Service::Unknown => json!({ "error": code, "message": message }),
    };
    let mut response = (status, Json(body)).into_response();
    if service == Service::Token {
        no_store(&mut response);
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"jtl-emulator\""),
            );
        }
    }
    response
}

/// The error code a service uses for a bare status (faults, rejections, fallbacks).
pub(crate) fn default_code(service: Service, status: StatusCode) -> &'static str {
    match service {
        Service::Token => match status.as_u16() {
            400 => "invalid_request",
            401 => "invalid_client",
            _ if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS => {
                "temporarily_unavailable"
            }
            _ => "invalid_request",
        },
        Service::Scx | Service::ScxAuth => match status.as_u16() {
            401 | 403 => "ATH000",
            400 | 404 | 405 | 413 | 415 | 422 => "VAL100",
            429 => "RTL100",
            _ => "SYS100",
        },
        _ => match status.as_u16() {
            400 => "BAD_REQUEST",
            401 => "UNAUTHORIZED",
            402 => "LICENSE_REQUIRED",
            403 => "FORBIDDEN",
            404 => "NOT_FOUND",
            405 => "METHOD_NOT_ALLOWED",
            408 => "REQUEST_TIMEOUT",
            409 => "CONFLICT",
            412 => "PRECONDITION_FAILED",
            413 => "PAYLOAD_TOO_LARGE",
            415 => "UNSUPPORTED_MEDIA_TYPE",
            422 => "VALIDATION_ERROR",
            429 => "TOO_MANY_REQUESTS",
            502 => "BAD_GATEWAY",
            503 => "SERVICE_UNAVAILABLE",
            504 => "GATEWAY_TIMEOUT",
            _ if status.is_server_error() => "INTERNAL_SERVER_ERROR",
            _ => "ERROR",
        },
    }
}

/// Token responses must not be cached (RFC 6749 §5.1).
pub(crate) fn no_store(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}
