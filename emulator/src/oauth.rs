//! The identity provider: `POST /oauth2/token` with the client-credentials grant exactly as
//! JTL documents it, and the check of the Bearer tokens it issues.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension, Json,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::{
    clock::now,
    faults::ExpiresInOverride,
    jwt,
    oauth_error::{invalid_client, invalid_request, OAuthError},
    service::{error_response, no_store, Service},
    state::{clients::OAuthClient, Shared},
    Error,
};

/// An OAuth client to register (`POST /_emulator/clients`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientSpec {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// Tenants the client may act for (`X-Tenant-ID`).
    #[serde(default)]
    pub tenants: Vec<String>,
    /// Scopes granted (e.g. `items.read`); absent means all.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

impl Shared {
    /// Registers (or replaces) an OAuth client.
    pub(crate) fn register_client(&self, spec: ClientSpec) -> Result<(), Error> {
        if spec.client_id.is_empty() || spec.client_id.contains(':') {
            return Err(Error::InvalidInput(
                "client_id must be non-empty and must not contain ':'".into(),
            ));
        }
        if spec.client_secret.is_empty() {
            return Err(Error::InvalidInput(
                "client_secret must be non-empty".into(),
            ));
        }
        self.lock().clients.insert(
            spec.client_id,
            OAuthClient {
                secret: spec.client_secret,
                tenants: spec.tenants,
                scopes: spec.scopes,
            },
        );
        Ok(())
    }

    /// Removes a client; tokens it holds stop working.
    pub(crate) fn remove_client(&self, client_id: &str) -> Result<(), Error> {
        match self.lock().clients.remove(client_id) {
            Some(_) => Ok(()),
            None => Err(Error::NotFound(format!("no client {client_id:?}"))),
        }
    }

    /// Signs an emulator token (`token_use` tells Cloud access tokens from SCX auth tokens).
    pub(crate) fn issue_token(
        &self,
        token_use: &str,
        subject: &str,
        lifetime: i64,
        extra: Value,
    ) -> String {
        let key = self.lock().keys.access().clone();
        let issued = now();
        let mut claims = json!({
            "iss": self.base_url,
            "sub": subject,
            "iat": issued,
            "exp": issued.saturating_add(lifetime),
            "jti": uuid::Uuid::new_v4().to_string(),
            "token_use": token_use,
        });
        if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
            claims.extend(extra);
        }
        let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": key.kid });
        jwt::sign(&key.signing, &header, &claims)
    }

    /// Checks `Authorization: Bearer <token>` for a token this emulator issued for
    /// `token_use`; the error is a message saying what is wrong.
    pub(crate) fn bearer_claims(
        &self,
        headers: &HeaderMap,
        token_use: &str,
    ) -> Result<Map<String, Value>, String> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or("the Authorization header is missing; expected 'Bearer <access token>'")?;
        let value = value
            .to_str()
            .map_err(|_| "the Authorization header is not ASCII")?;
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
            _ => return Err("the Authorization header must use the Bearer scheme".into()),
        };
        let (key, recalled) = {
            let inner = self.lock();
            let key = inner.keys.access().signing.verifying_key();
            let recalled = inner.bearers.recall(&key, token, now());
            (key, recalled)
        };
        let claims = match recalled {
            Some(claims) => claims,
            // Verified outside the lock; remembered only once verified.
            None => jwt::verify(&key, token, now()).inspect(|claims| {
                self.lock().bearers.remember(&key, token, claims);
            }),
        }
        .map_err(|r| r.message().to_owned())?;
        if claims.get("token_use").and_then(Value::as_str) != Some(token_use) {
            return Err(format!(
                "the token was not issued for this API (expected a {token_use} token)"
            ));
        }
        if token_use == "access" {
            // User-bound tokens name the user in `sub` and the app in `client_id`.
            let client = claims
                .get("client_id")
                .or_else(|| claims.get("sub"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !self.lock().clients.contains_key(client) {
                return Err("the client of this token no longer exists".into());
            }
        }
        Ok(claims)
    }
}

/// `POST /oauth2/token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    expires_override: Option<Extension<ExpiresInOverride>>,
    body: Bytes,
) -> Response {
    answer(&shared, &headers, expires_override, &body, false)
}

/// `POST /oauth/v2/token`: the Zitadel-style endpoint of `JTL_ISSUER` that JTL's newer CLI
/// templates use (facts §0): the same client-credentials grant, which must ask for the scope
/// `openid`. Issues the same access tokens as `/oauth2/token`.
pub(crate) async fn zitadel_token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    expires_override: Option<Extension<ExpiresInOverride>>,
    body: Bytes,
) -> Response {
    answer(&shared, &headers, expires_override, &body, true)
}

fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    expires_override: Option<Extension<ExpiresInOverride>>,
    body: &[u8],
    zitadel: bool,
) -> Response {
    let expires_override = expires_override.map(|Extension(o)| o.0);
    match grant(shared, headers, body, zitadel, expires_override) {
        Ok(Granted::Client(client_id)) => {
            let lifetime =
                i64::try_from(shared.lock().settings.token_lifetime_secs).unwrap_or(i64::MAX);
            let scope = shared
                .lock()
                .clients
                .get(&client_id)
                .and_then(|c| c.scopes.clone())
                .map_or_else(|| "*".to_owned(), |s| s.join(" "));
            let access_token = shared.issue_token(
                "access",
                &client_id,
                lifetime,
                json!({ "client_id": client_id, "scope": scope }),
            );
            let expires_in = expires_override.unwrap_or(lifetime);
            let mut answer = json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": expires_in,
            });
            if zitadel {
                answer["scope"] = json!("openid");
            }
            let mut response = Json(answer).into_response();
            no_store(&mut response);
            response
        }
        Ok(Granted::User(answer)) => {
            let mut response = Json(answer).into_response();
            no_store(&mut response);
            response
        }
        Err((status, code, message)) => error_response(Service::Token, status, code, &message),
    }
}

/// What a token request was granted.
enum Granted {
    /// Client credentials: the client id.
    Client(String),
    /// A user grant (authorization code or refresh token): the whole JSON answer.
    User(Value),
}

/// Runs the checks of RFC 6749 §4.4 and §2.3.1 in order (for `zitadel`, also that the scope
/// includes `openid`); returns the client id.
fn grant(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
    zitadel: bool,
    expires_override: Option<i64>,
) -> Result<Granted, OAuthError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(invalid_request(format!(
            "expected Content-Type application/x-www-form-urlencoded; found {:?}",
            if content_type.is_empty() {
                "none"
            } else {
                content_type
            }
        )));
    }
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(invalid_request(format!("parameter {name:?} is repeated")));
        }
    }
    let grant_type = params.get("grant_type").map(String::as_str);
    shared
        .lock()
        .stats
        .count_grant(grant_type.unwrap_or("(none)"));
    let user_grant = !zitadel && matches!(grant_type, Some("authorization_code" | "refresh_token"));
    let in_body = params.contains_key("client_secret");
    if user_grant && !in_body && headers.get(header::AUTHORIZATION).is_none() {
        // A public client (RFC 6749 §2.1, a CLI or mobile app) names itself in the body
        // and proves nothing but PKCE (§4.1.3).
        let client_id = params.get("client_id").cloned().ok_or_else(|| {
            invalid_client(
                "client authentication missing; expected 'Authorization: Basic base64(client_id:client_secret)' or, for a public client, client_id in the body",
            )
        })?;
        if !shared.lock().clients.contains_key(&client_id) {
            return Err(invalid_client(format!("unknown client {client_id:?}")));
        }
        return crate::user_auth::token(shared, &client_id, &params, expires_override)
            .map(Granted::User);
    }
    let (client_id, client_secret) = match headers.get(header::AUTHORIZATION) {
        None if in_body => {
            return Err(invalid_client(
                "client_secret_post is not supported; send the credentials as HTTP Basic (client_secret_basic)",
            ))
        }
        None => {
            return Err(invalid_client(
                "client authentication missing; expected 'Authorization: Basic base64(client_id:client_secret)'",
            ))
        }
        Some(_) if in_body => {
            return Err(invalid_request(
                "the client authenticated twice (Basic header and client_secret in the body)",
            ))
        }
        Some(value) => parse_basic(value.as_bytes())?,
    };
    let known = shared
        .lock()
        .clients
        .get(&client_id)
        .map(|c| c.secret == client_secret);
    match known {
        None => return Err(invalid_client(format!("unknown client {client_id:?}"))),
        Some(false) => {
            return Err(invalid_client(format!(
                "client authentication failed for {client_id:?}: wrong client secret"
            )))
        }
        Some(true) => {}
    }
    if let Some(body_id) = params.get("client_id") {
        if *body_id != client_id {
            return Err(invalid_request(
                "client_id in the body is not the client of the Basic header",
            ));
        }
    }
    if user_grant {
        return crate::user_auth::token(shared, &client_id, &params, expires_override)
            .map(Granted::User);
    }
    match params.get("grant_type").map(String::as_str) {
        None => Err(invalid_request(
            "parameter grant_type is missing; expected grant_type=client_credentials",
        )),
        Some("client_credentials") if zitadel => {
            let scope = params.get("scope").map(String::as_str).unwrap_or_default();
            if scope.split(' ').any(|s| s == "openid") {
                Ok(Granted::Client(client_id))
            } else {
                Err((
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    format!("expected a scope that includes openid; found {scope:?}"),
                ))
            }
        }
        Some("client_credentials") => Ok(Granted::Client(client_id)),
        Some(other) => Err((
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("grant_type {other:?} is not supported; expected client_credentials, authorization_code or refresh_token"),
        )),
    }
}

fn parse_basic(value: &[u8]) -> Result<(String, String), OAuthError> {
    let garbled = || {
        invalid_request("the Authorization header is not valid HTTP Basic: expected 'Basic base64(client_id:client_secret)'")
    };
    let value = std::str::from_utf8(value).map_err(|_| garbled())?;
    let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(garbled)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid_client(format!(
            "unsupported client authentication scheme {scheme:?}; expected Basic"
        )));
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| garbled())?;
    let decoded = String::from_utf8(decoded).map_err(|_| garbled())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(garbled)?;
    if id.is_empty() {
        return Err(garbled());
    }
    Ok((id.to_owned(), secret.to_owned()))
}
