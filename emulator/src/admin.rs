//! The admin API under `/_emulator/`: what a test needs to steer the emulator over HTTP.
//! Every route calls the same `Shared` method the Rust [`crate::Emulator`] handle calls.
//!
//! A web page must not be able to drive a developer's emulator (issue 14.5): every admin
//! route answers only for a loopback `Host` (so DNS rebinding gets 403), refuses a foreign
//! `Origin`, and takes state-changing requests only with `Content-Type: application/json`
//! (415 otherwise), which a cross-site page cannot send without a CORS preflight the emulator
//! never grants.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{delete, get, post, MethodRouter},
    Json, Router,
};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{json, Value};

use crate::{
    app_tokens::AppTokenSpec,
    clock::now,
    config::{
        Settings, DEMO_APP_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_CUSTOMER_ID,
        DEMO_SCX_REFRESH_TOKEN, DEMO_SECOND_TENANT_ID, DEMO_TENANT_ID, DEMO_WAWI_API_KEY,
        FOREIGN_TENANT_ID,
    },
    faults::Fault,
    oauth::ClientSpec,
    service::{error_response, Service},
    session::SessionTokenSpec,
    state::Shared,
    Case, Error,
};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    // The guard wraps each method's handler, not the router: a wrong method still gets 405.
    fn g(route: MethodRouter<Arc<Shared>>) -> MethodRouter<Arc<Shared>> {
        route.route_layer(middleware::from_fn(guard))
    }
    Router::new()
        .route("/_emulator", g(get(summary)))
        .route(
            "/_emulator/settings",
            g(get(settings).patch(update_settings)),
        )
        .route("/_emulator/clients", g(post(register_client)))
        .route("/_emulator/clients/{id}", g(delete(remove_client)))
        .route("/_emulator/session-tokens", g(post(mint_session_token)))
        .route("/_emulator/keys", g(get(keys)))
        .route("/_emulator/keys/rotate", g(post(rotate_keys)))
        .route("/_emulator/wawi/registrations", g(get(wawi_registrations)))
        .route(
            "/_emulator/wawi/registrations/{id}/approve",
            g(post(approve_wawi)),
        )
        .route(
            "/_emulator/wawi/registrations/{id}/reject",
            g(post(reject_wawi)),
        )
        .route("/_emulator/wawi/api-keys", g(post(issue_wawi_api_key)))
        .route(
            "/_emulator/scx/refresh-tokens",
            g(post(issue_scx_refresh_token)),
        )
        .route(
            "/_emulator/scx/events",
            g(get(scx_events).post(push_scx_event)),
        )
        .route(
            "/_emulator/faults",
            g(get(faults).post(inject_fault).delete(clear_faults)),
        )
        .route("/_emulator/reset", g(post(reset)))
        .route("/_emulator/stats", g(get(stats)))
        .route(
            "/_emulator/scx/seller-refresh-tokens",
            g(post(issue_scx_seller_refresh_token)),
        )
        .route("/_emulator/scx/dead-letters", g(get(scx_dead_letters)))
        .route("/_emulator/app-tokens", g(post(mint_app_token)))
        .route("/_emulator/app-keys", g(get(app_keys)))
        .route("/_emulator/users", g(get(demo_users)))
        .route("/_emulator/users/revoke", g(post(revoke_user_grants)))
        .route("/_emulator/control/{op}", g(post(control)))
}

/// `?case=` of `POST /_emulator/control/{op}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlQuery {
    #[serde(default)]
    case: Option<String>,
}

/// `POST /_emulator/control/{op}?case=snake|camel` with the arguments as the body (a JSON
/// object; empty means none): runs exactly [`crate::Emulator::control`] and answers
/// `{"result": ...}`, or the error as `{"error": code, "message": ...}` with the message
/// alone (no "invalid input: " prefix; the code says it), so that a process steering this
/// emulator (`jtl_connect::testing::EmulatorProcess`) raises what an in-process one raised.
async fn control(
    State(shared): State<Arc<Shared>>,
    Path(op): Path<String>,
    Query(query): Query<ControlQuery>,
    bytes: Bytes,
) -> Response {
    let answer = control_answer(&shared, &op, query.case.as_deref(), &bytes);
    match answer {
        Ok(result) => Json(json!({ "result": result })).into_response(),
        Err(error) => {
            let (status, code) = error.status_and_code();
            error_response(Service::Admin, status, code, &error.message())
        }
    }
}

fn control_answer(
    shared: &Shared,
    op: &str,
    case: Option<&str>,
    bytes: &[u8],
) -> Result<Value, Error> {
    let case = match case {
        None | Some("snake") => Case::Snake,
        Some("camel") => Case::Camel,
        Some(other) => {
            return Err(Error::InvalidInput(format!(
                "case: expected snake or camel; found {}",
                shown(other)
            )))
        }
    };
    let args = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .map_err(|e| Error::InvalidInput(format!("{op}: request body: {e}")))?
    };
    shared.control(op, args, case)
}

/// `GET /_emulator/users`: the demo users of the sign-in page.
async fn demo_users() -> Json<Value> {
    Json(Value::Array(
        crate::config::DEMO_USERS
            .iter()
            .map(|u| json!({ "id": u.id, "name": u.name, "email": u.email, "tenant_id": u.tenant_id }))
            .collect(),
    ))
}

/// `POST /_emulator/users/revoke` with `{"user_id": ...}` (or `{}` for every user): their
/// refresh tokens answer `invalid_grant` from now on.
async fn revoke_user_grants(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Revoke {
        #[serde(default)]
        user_id: Option<String>,
    }
    let revoke: Revoke = if bytes.is_empty() {
        Revoke { user_id: None }
    } else {
        body(&bytes)?
    };
    let revoked = shared.revoke_user_grants(revoke.user_id.as_deref());
    Ok(Json(json!({ "revoked": revoked })))
}

/// Whether a `Host` or `Origin` host part (without scheme) names a loopback host: `localhost`,
/// `127.0.0.0/8` or `[::1]`, with any port.
fn loopback_host(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, tail)) if tail.is_empty() || tail.starts_with(':') => ip,
            _ => return false,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            Some(_) => return false,
            None => authority,
        }
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn refuse(status: StatusCode, code: &str, message: String) -> Response {
    error_response(Service::Admin, status, code, &message)
}

/// Shortened for messages: header values are attacker-chosen.
fn shown(value: &str) -> String {
    let short: String = value.chars().take(80).collect();
    format!("{short:?}")
}

/// Host, Origin and Content-Type checks of every admin route (see the module docs).
async fn guard(request: Request, next: Next) -> Response {
    if let Err(refusal) = check_request(request.method(), request.headers()) {
        return refusal;
    }
    next.run(request).await
}

fn check_request(method: &Method, headers: &HeaderMap) -> Result<(), Response> {
    let text = |name| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("(not ASCII)"))
    };
    match text(header::HOST) {
        Some(host) if loopback_host(host.trim()) => {}
        found => {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "the admin API answers only for a loopback Host (127.0.0.1, localhost or [::1], any port); found {}",
                    found.map_or_else(|| "none".to_owned(), shown)
                ),
            ))
        }
    }
    if let Some(origin) = text(header::ORIGIN) {
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        if !authority.is_some_and(loopback_host) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "the admin API refuses requests from web pages of other origins; found Origin {}",
                    shown(origin)
                ),
            ));
        }
    }
    if !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        let content_type = text(header::CONTENT_TYPE);
        let essence = content_type
            .and_then(|v| v.split(';').next())
            .map(str::trim)
            .unwrap_or_default();
        if !essence.eq_ignore_ascii_case("application/json") {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!(
                    "the admin API takes {method} requests only with Content-Type: application/json (an empty body counts as {{}}); found {}",
                    content_type.map_or_else(|| "none".to_owned(), shown)
                ),
            ));
        }
    }
    Ok(())
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        error_response(Service::Admin, status, code, &self.to_string())
    }
}

/// Parses an admin body; an empty body counts as `{}`.
fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::InvalidInput(format!("request body: {e}")))?;
    if !value.is_object() {
        // serde would fill a struct from an array by position: refuse anything but an object.
        return Err(Error::InvalidInput(
            "request body: expected a JSON object".into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| Error::InvalidInput(format!("request body: {e}")))
}

fn created(value: Value) -> Response {
    (StatusCode::CREATED, Json(value)).into_response()
}

async fn summary(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let base = &shared.base_url;
    Json(json!({
        "url": base,
        "token_url": format!("{base}/oauth2/token"),
        "api_base": format!("{base}/erp/v2"),
        "jwks_url": format!("{base}/account/.well-known/jwks.json"),
        "app_issuer": base,
        "app_keys_url": format!("{base}/oauth/v2/keys"),
        "app_token_url": format!("{base}/oauth/v2/token"),
        "app_id": DEMO_APP_ID,
        "customer_id": DEMO_CUSTOMER_ID,
        "scx_base": format!("{base}/v1"),
        "wawi_base": format!("{base}/api/eazybusiness"),
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "tenant_id": DEMO_TENANT_ID,
        "second_tenant_id": DEMO_SECOND_TENANT_ID,
        "foreign_tenant_id": FOREIGN_TENANT_ID,
        "wawi_api_key": DEMO_WAWI_API_KEY,
        "scx_refresh_token": DEMO_SCX_REFRESH_TOKEN,
        "scx_seller_refresh_token": crate::config::DEMO_SCX_SELLER_REFRESH_TOKEN,
    }))
}

async fn settings(State(shared): State<Arc<Shared>>) -> Json<Settings> {
    Json(shared.lock().settings.clone())
}

async fn update_settings(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Json<Settings>, Error> {
    let patch: Value = body(&bytes)?;
    shared.update_settings(patch).map(Json)
}

impl Shared {
    /// Merges a partial settings object into the current settings.
    pub(crate) fn update_settings(&self, patch: Value) -> Result<Settings, Error> {
        let Value::Object(patch) = patch else {
            return Err(Error::InvalidInput(
                "expected a JSON object of settings to change".into(),
            ));
        };
        let mut inner = self.lock();
        let mut merged = serde_json::to_value(&inner.settings)
            .map_err(|e| Error::InvalidInput(e.to_string()))?;
        if let Value::Object(current) = &mut merged {
            current.extend(patch);
        }
        let settings: Settings = serde_json::from_value(merged)
            .map_err(|e| Error::InvalidInput(format!("settings: {e}")))?;
        inner.settings = settings.clone();
        Ok(settings)
    }
}

async fn register_client(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let spec: ClientSpec = body(&bytes)?;
    let id = spec.client_id.clone();
    shared.register_client(spec)?;
    Ok(created(json!({ "client_id": id })))
}

async fn remove_client(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    shared.remove_client(&id).map(|()| StatusCode::NO_CONTENT)
}

async fn mint_session_token(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let spec: SessionTokenSpec = body(&bytes)?;
    let minted = shared.mint_session_token(spec)?;
    Ok(created(json!(minted)))
}

async fn mint_app_token(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let spec: AppTokenSpec = body(&bytes)?;
    let minted = shared.mint_app_token(spec)?;
    Ok(created(json!(minted)))
}

async fn app_keys(State(shared): State<Arc<Shared>>) -> Result<Json<Value>, Error> {
    shared.app_keys.summary().map(Json)
}

async fn keys(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let inner = shared.lock();
    Json(json!({
        "current": inner.keys.current().kid,
        "previous": inner.keys.previous().map(|k| k.kid.clone()),
        "unpublished": inner.keys.unpublished().kid,
        "jwks": inner.keys.jwks(now(), inner.settings.jwks_without_kid),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Rotate {
    grace_secs: Option<u64>,
}

async fn rotate_keys(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Json<Value>, Error> {
    let Rotate { grace_secs } = body(&bytes)?;
    Ok(Json(shared.rotate_keys(grace_secs)))
}

impl Shared {
    /// Rotates the session keys; the old key stays published for `grace_secs`
    /// (default: the `key_grace_secs` setting).
    pub(crate) fn rotate_keys(&self, grace_secs: Option<u64>) -> Value {
        let mut inner = self.lock();
        let grace = grace_secs.unwrap_or(inner.settings.key_grace_secs);
        let previous = inner.keys.current().kid.clone();
        let current = inner.keys.rotate(now(), grace).kid.clone();
        json!({ "current": current, "previous": previous, "grace_secs": grace })
    }
}

async fn wawi_registrations(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "registrations": shared.wawi_registrations() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Approve {
    granted_scopes: Option<Vec<String>>,
}

async fn approve_wawi(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<StatusCode, Error> {
    let Approve { granted_scopes } = body(&bytes)?;
    shared
        .decide_wawi_registration(&id, true, granted_scopes)
        .map(|()| StatusCode::NO_CONTENT)
}

async fn reject_wawi(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<StatusCode, Error> {
    shared
        .decide_wawi_registration(&id, false, None)
        .map(|()| StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewApiKey {
    #[serde(default)]
    scopes: Vec<String>,
}

async fn issue_wawi_api_key(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let NewApiKey { scopes } = body(&bytes)?;
    Ok(created(
        json!({ "api_key": shared.issue_wawi_api_key(scopes) }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRefreshToken {
    seller_id: Option<String>,
}

async fn issue_scx_refresh_token(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let NewRefreshToken { seller_id } = body(&bytes)?;
    Ok(created(
        json!({ "refresh_token": shared.issue_scx_refresh_token(seller_id) }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    event: Value,
}

async fn push_scx_event(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let NewEvent { kind, event } = body(&bytes)?;
    if !crate::scx::EVENT_TYPES.contains(&kind.as_str()) {
        return Err(Error::InvalidInput(format!(
            "type must be one of SCX's event types (facts §6.3): {}; found {kind:?}",
            crate::scx::EVENT_TYPES.join(", ")
        )));
    }
    Ok(created(shared.push_scx_event(kind, event)))
}

async fn scx_events(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "eventList": shared.scx_events() }))
}

async fn inject_fault(State(shared): State<Arc<Shared>>, bytes: Bytes) -> Result<Response, Error> {
    let fault: Fault = body(&bytes)?;
    let id = shared.lock().faults.arm(fault)?;
    Ok(created(json!({ "id": id })))
}

async fn faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "faults": shared.lock().faults.list() }))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

async fn stats(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.lock().stats))
}

/// `POST /_emulator/scx/seller-refresh-tokens`: a refresh token whose auth token has scope
/// `SELLER`, for the Seller API (`POST /v1/seller/channel/{channel}`).
async fn issue_scx_seller_refresh_token(
    State(shared): State<Arc<Shared>>,
    bytes: Bytes,
) -> Result<Response, Error> {
    let NewRefreshToken { seller_id } = body(&bytes)?;
    Ok(created(json!({
        "refresh_token": shared.issue_scx_refresh_token_for(seller_id, crate::state::scx::Party::Seller)
    })))
}

/// `GET /_emulator/scx/dead-letters`: events delivered 10 times and never acknowledged.
async fn scx_dead_letters(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!({ "eventList": shared.scx_dead_letters() }))
}
