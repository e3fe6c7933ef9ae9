//! User sign-in (OpenAPI scheme `oauth2-cloud-id-accessCode`, facts §5.4): the authorize
//! endpoint `/oauth2/auth` with a small sign-in and consent page for the demo users, and the
//! `authorization_code` (RFC 6749 §4.1 with PKCE, RFC 7636) and `refresh_token` (§6, with
//! rotation and replay detection, OAuth 2.0 Security BCP §4.14) grants of `/oauth2/token`.
//!
//! User-bound access tokens carry the user in `sub`, the app in `client_id` and the tenant in
//! `urn:jtl:tenant_id` (as JTL's app tokens do, facts §4.2); the ERP API admits them for that
//! tenant only and `/erp/v2/info` names the user.

use std::{
    collections::{BTreeMap, HashSet},
    sync::Arc,
};

use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use rand::RngCore;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{
    clock::now,
    config::{DemoUser, DEMO_USERS},
    gateway::Intended,
    oauth_error::{invalid_request, OAuthError},
    state::{
        sign_in::{Code, Refresh},
        Shared,
    },
};

fn random() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn demo_user(id: &str) -> Option<DemoUser> {
    DEMO_USERS.iter().copied().find(|u| u.id == id)
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
             <style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto}}\
             button{{display:block;width:100%;margin:.5rem 0;padding:.6rem;font-size:1rem}}</style>\
             </head><body><h1>{t}</h1>{body}</body></html>",
            t = escape(title)
        ),
    )
        .into_response();
    // A page on purpose: the gateway must not rewrite it into JSON.
    response.extensions_mut().insert(Intended);
    response
}

/// RFC 6749 §4.1.2.1: with a bad client or redirect URI the user is told, never redirected.
fn refuse_page(message: &str) -> Response {
    html(
        StatusCode::BAD_REQUEST,
        "Sign-in request refused",
        &format!("<p id=\"error\">{}</p>", escape(message)),
    )
}

fn redirect(status: StatusCode, to: &str, params: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        query.append_pair(name, value);
    }
    let separator = if to.contains('?') { '&' } else { '?' };
    let location = format!("{to}{separator}{}", query.finish());
    match HeaderValue::from_str(&location) {
        Ok(value) => {
            let mut response = status.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(_) => refuse_page("the redirect_uri cannot be sent back in a Location header"),
    }
}

/// `https://`, loopback `http://`, or a private-use scheme with a dot (RFC 8252 §7), absolute
/// and without a fragment (RFC 6749 §3.1.2).
fn redirect_uri_ok(uri: &str) -> bool {
    if uri.contains('#') || uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    match scheme {
        "https" => rest.starts_with("//") && rest.len() > 2,
        "http" => {
            let host = rest
                .strip_prefix("//")
                .and_then(|r| r.split(['/', '?']).next())
                .unwrap_or_default();
            let host = match host.rsplit_once(':') {
                Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
                _ => host,
            };
            matches!(host, "127.0.0.1" | "localhost" | "[::1]")
        }
        scheme => {
            scheme.contains('.')
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'))
        }
    }
}

/// The checked parameters of an authorize request.
struct Authorize {
    params: BTreeMap<String, String>,
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
}

/// Checks an authorize request (RFC 6749 §4.1.1, RFC 7636 §4.3): a refusal page for a bad
/// client or redirect URI, a redirect with the error for everything else.
fn check(shared: &Shared, raw: &[u8]) -> Result<Authorize, Response> {
    let mut params = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(raw) {
        if params.insert(name.to_string(), value.to_string()).is_some() {
            return Err(refuse_page(&format!(
                "the parameter {name:?} is repeated (RFC 6749 §3.1)"
            )));
        }
    }
    let client_id = params.get("client_id").cloned().unwrap_or_default();
    if client_id.is_empty() {
        return Err(refuse_page("the parameter client_id is missing"));
    }
    if !shared.lock().clients.contains_key(&client_id) {
        return Err(refuse_page(&format!("unknown client {client_id:?}")));
    }
    let redirect_uri = params.get("redirect_uri").cloned().unwrap_or_default();
    if !redirect_uri_ok(&redirect_uri) {
        return Err(refuse_page(&format!(
            "redirect_uri {redirect_uri:?} is not accepted: expected an absolute https:// URI, http:// on a loopback host, or an app scheme with a dot, without a fragment"
        )));
    }
    let state = params.get("state").cloned();
    let fail = |code: &str, description: &str| {
        let mut answer = vec![("error", code), ("error_description", description)];
        if let Some(state) = &state {
            answer.push(("state", state));
        }
        redirect(StatusCode::FOUND, &redirect_uri, &answer)
    };
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        None => {
            return Err(fail(
                "invalid_request",
                "response_type is missing; expected code",
            ))
        }
        Some(_) => {
            return Err(fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            ))
        }
    }
    let challenge = params
        .get("code_challenge")
        .map(String::as_str)
        .unwrap_or("");
    if challenge.is_empty() {
        return Err(fail(
            "invalid_request",
            "code_challenge is required (PKCE, RFC 7636 §4.4.1)",
        ));
    }
    if params.get("code_challenge_method").map(String::as_str) != Some("S256") {
        return Err(fail(
            "invalid_request",
            "code_challenge_method must be S256 (plain is not accepted)",
        ));
    }
    if challenge.len() != 43
        || !challenge
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(fail(
            "invalid_request",
            "code_challenge must be BASE64URL(SHA256(verifier)), 43 characters (RFC 7636 §4.2)",
        ));
    }
    Ok(Authorize {
        params,
        client_id,
        redirect_uri,
        state,
    })
}

impl Shared {
    /// Issues a code for `user` and the redirect that carries it.
    fn approve(&self, request: &Authorize, user: DemoUser, status: StatusCode) -> Response {
        let code = random();
        {
            let mut inner = self.lock();
            let lifetime = i64::try_from(inner.settings.auth_code_lifetime_secs).unwrap_or(60);
            inner.user_auth.codes.insert(
                code.clone(),
                Code {
                    client_id: request.client_id.clone(),
                    redirect_uri: request.redirect_uri.clone(),
                    challenge: request
                        .params
                        .get("code_challenge")
                        .cloned()
                        .unwrap_or_default(),
                    user,
                    scope: request.params.get("scope").cloned().unwrap_or_default(),
                    expires_at: now().saturating_add(lifetime),
                    used: false,
                    family: random(),
                },
            );
        }
        let mut answer = vec![("code", code.as_str())];
        if let Some(state) = &request.state {
            answer.push(("state", state));
        }
        redirect(status, &request.redirect_uri, &answer)
    }

    fn deny(request: &Authorize, status: StatusCode) -> Response {
        let mut answer = vec![
            ("error", "access_denied"),
            ("error_description", "the user declined the sign-in"),
        ];
        if let Some(state) = &request.state {
            answer.push(("state", state));
        }
        redirect(status, &request.redirect_uri, &answer)
    }

    /// Revokes the grants of `user_id` (every user: `None`): their refresh tokens answer
    /// `invalid_grant` from now on. How many refresh tokens stopped working.
    pub(crate) fn revoke_user_grants(&self, user_id: Option<&str>) -> usize {
        let mut inner = self.lock();
        let state = &mut inner.user_auth;
        let families: Vec<String> = state
            .refresh
            .values()
            .filter(|r| !r.used && user_id.is_none_or(|u| r.user.id == u))
            .map(|r| r.family.clone())
            .collect();
        let count = families.len();
        state.revoked.extend(families);
        count
    }
}

/// `GET /oauth2/auth`: the sign-in page, or at once a code or a refusal, per `sign_in_mode`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let request = match check(&shared, query.unwrap_or_default().as_bytes()) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let (mode, chosen) = {
        let inner = shared.lock();
        (
            inner.settings.sign_in_mode.clone(),
            inner.settings.sign_in_user.clone(),
        )
    };
    match mode.as_str() {
        "approve" => {
            let hinted = request.params.get("login_hint").and_then(|h| demo_user(h));
            let user = hinted
                .or_else(|| chosen.as_deref().and_then(demo_user))
                .unwrap_or(DEMO_USERS[0]);
            shared.approve(&request, user, StatusCode::FOUND)
        }
        "deny" => Shared::deny(&request, StatusCode::FOUND),
        _ => page(&request),
    }
}

fn page(request: &Authorize) -> Response {
    let hidden: String = request
        .params
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "user" | "decision"))
        .map(|(name, value)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(name),
                escape(value)
            )
        })
        .collect();
    let users: String = DEMO_USERS
        .iter()
        .map(|u| {
            format!(
                "<button type=\"submit\" name=\"user\" value=\"{id}\" data-user=\"{id}\">Sign in as {name} ({email})</button>",
                id = escape(u.id),
                name = escape(u.name),
                email = escape(u.email)
            )
        })
        .collect();
    let scope = request.params.get("scope").cloned().unwrap_or_default();
    html(
        StatusCode::OK,
        "Sign in to JTL (emulator)",
        &format!(
            "<p>The app <b id=\"client\">{client}</b> asks to act as you with the scopes <code id=\"scope\">{scope}</code>.</p>\
             <form method=\"post\" action=\"/oauth2/auth\">{hidden}{users}\
             <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form>",
            client = escape(&request.client_id),
            scope = escape(&scope),
        ),
    )
}

/// `POST /oauth2/auth`: the sign-in page's form (the request's parameters, plus `user` or
/// `decision=deny`); answers 303 to the redirect URI.
pub(crate) async fn decide(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let request = match check(&shared, &body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    if request.params.get("decision").map(String::as_str) == Some("deny") {
        return Shared::deny(&request, StatusCode::SEE_OTHER);
    }
    match request.params.get("user").and_then(|u| demo_user(u)) {
        Some(user) => shared.approve(&request, user, StatusCode::SEE_OTHER),
        None => refuse_page("choose one of the demo users to sign in"),
    }
}

fn invalid_grant(message: impl Into<String>) -> OAuthError {
    (StatusCode::BAD_REQUEST, "invalid_grant", message.into())
}

/// The `authorization_code` and `refresh_token` grants of `/oauth2/token`, for the
/// authenticated (or public, named) `client_id`. The JSON answer.
pub(crate) fn token(
    shared: &Shared,
    client_id: &str,
    params: &BTreeMap<String, String>,
    expires_override: Option<i64>,
) -> Result<Value, OAuthError> {
    let param = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let (user, scope, family) = match param("grant_type") {
        Some("authorization_code") => {
            let code = param("code").ok_or_else(|| invalid_request("parameter code is missing"))?;
            let verifier = param("code_verifier").ok_or_else(|| {
                invalid_request("parameter code_verifier is missing (PKCE, RFC 7636 §4.5)")
            })?;
            let mut inner = shared.lock();
            let state = &mut inner.user_auth;
            let Some(grant) = state.codes.get_mut(code) else {
                return Err(invalid_grant("unknown authorization code"));
            };
            if grant.used {
                // RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for.
                let family = grant.family.clone();
                state.revoked.insert(family);
                return Err(invalid_grant(
                    "the authorization code was used already; the tokens issued for it are revoked",
                ));
            }
            if now() >= grant.expires_at {
                return Err(invalid_grant("the authorization code expired"));
            }
            if grant.client_id != client_id {
                return Err(invalid_grant(
                    "the authorization code was issued to another client",
                ));
            }
            if param("redirect_uri") != Some(grant.redirect_uri.as_str()) {
                return Err(invalid_grant(
                    "redirect_uri does not match the one of the authorization request (RFC 6749 §4.1.3)",
                ));
            }
            let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
            if verifier.len() < 43 || verifier.len() > 128 || computed != grant.challenge {
                return Err(invalid_grant(
                    "code_verifier does not match the code_challenge (RFC 7636 §4.6)",
                ));
            }
            grant.used = true;
            (grant.user, grant.scope.clone(), grant.family.clone())
        }
        Some("refresh_token") => {
            let token = param("refresh_token")
                .ok_or_else(|| invalid_request("parameter refresh_token is missing"))?;
            let mut inner = shared.lock();
            let rotation = inner.settings.refresh_token_rotation;
            let state = &mut inner.user_auth;
            let Some(refresh) = state.refresh.get_mut(token) else {
                return Err(invalid_grant("unknown refresh token"));
            };
            if state.revoked.contains(&refresh.family) {
                return Err(invalid_grant("the refresh token was revoked"));
            }
            if refresh.used {
                // Replay of a rotated-out token (Security BCP §4.14.2): revoke the family.
                let family = refresh.family.clone();
                state.revoked.insert(family);
                return Err(invalid_grant(
                    "the refresh token was replaced by rotation and used again; the grant is revoked",
                ));
            }
            if refresh.client_id != client_id {
                return Err(invalid_grant(
                    "the refresh token was issued to another client",
                ));
            }
            if let Some(asked) = param("scope") {
                let granted: HashSet<&str> = refresh.scope.split(' ').collect();
                if let Some(extra) = asked.split(' ').find(|s| !granted.contains(s)) {
                    return Err((
                        StatusCode::BAD_REQUEST,
                        "invalid_scope",
                        format!("scope {extra:?} was not granted (RFC 6749 §6)"),
                    ));
                }
            }
            if rotation {
                refresh.used = true;
            }
            let answer = (refresh.user, refresh.scope.clone(), refresh.family.clone());
            if !rotation {
                let lifetime =
                    i64::try_from(inner.settings.token_lifetime_secs).unwrap_or(i64::MAX);
                drop(inner);
                return Ok(tokens(
                    shared,
                    client_id,
                    answer.0,
                    &answer.1,
                    Some(token.to_owned()),
                    lifetime,
                    expires_override,
                ));
            }
            answer
        }
        _ => {
            return Err(invalid_request(
                "expected grant_type authorization_code or refresh_token",
            ))
        }
    };
    let refresh_token = random();
    let lifetime = {
        let mut inner = shared.lock();
        inner.user_auth.refresh.insert(
            refresh_token.clone(),
            Refresh {
                client_id: client_id.to_owned(),
                user,
                scope: scope.clone(),
                family,
                used: false,
            },
        );
        i64::try_from(inner.settings.token_lifetime_secs).unwrap_or(i64::MAX)
    };
    Ok(tokens(
        shared,
        client_id,
        user,
        &scope,
        Some(refresh_token),
        lifetime,
        expires_override,
    ))
}

/// The token answer of a user grant: a user-bound access token, the refresh token, an ID token.
fn tokens(
    shared: &Shared,
    client_id: &str,
    user: DemoUser,
    scope: &str,
    refresh_token: Option<String>,
    lifetime: i64,
    expires_override: Option<i64>,
) -> Value {
    // The app's permissions are the client's scopes (its manifest, facts §4.3), not the
    // sign-in's OpenID scopes.
    let permissions = shared
        .lock()
        .clients
        .get(client_id)
        .and_then(|c| c.scopes.clone())
        .map_or_else(|| "*".to_owned(), |s| s.join(" "));
    let access_token = shared.issue_token(
        "access",
        user.id,
        lifetime,
        json!({
            "client_id": client_id,
            "scope": permissions,
            "urn:jtl:tenant_id": user.tenant_id,
            "name": user.name,
        }),
    );
    let id_token = shared.issue_token(
        "id",
        user.id,
        lifetime,
        json!({
            "aud": client_id,
            "name": user.name,
            "email": user.email,
            "urn:jtl:tenant_id": user.tenant_id,
        }),
    );
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": expires_override.unwrap_or(lifetime),
        "scope": scope,
        "id_token": id_token,
    });
    if let Some(refresh_token) = refresh_token {
        answer["refresh_token"] = json!(refresh_token);
    }
    answer
}
