//! The SCX Channel API: `POST /v1/auth` (refresh token → auth token), the event queue and
//! seller sign-up, with SCX's `errorList` errors in German unless `Accept-Language: en`.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    body::Bytes,
    extract::{FromRequest, Multipart, Path, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};

use crate::{
    config::DEMO_SCX_REFRESH_TOKEN,
    faults::ExpiresInOverride,
    service::{error_response, Service},
    state::{now, rfc3339, Shared},
    BODY_LIMIT,
};

/// Events returned by one `GET /v1/channel/event` at most.
const EVENTS_PER_CALL: usize = 100;

pub(crate) struct ScxState {
    /// refresh token → seller id
    refresh_tokens: BTreeMap<String, String>,
    events: Vec<Value>,
    next_event: u64,
}

impl ScxState {
    pub(crate) fn new() -> Self {
        Self {
            refresh_tokens: BTreeMap::from([(
                DEMO_SCX_REFRESH_TOKEN.to_owned(),
                "demo-seller".to_owned(),
            )]),
            events: Vec::new(),
            next_event: 1,
        }
    }
}

impl Shared {
    pub(crate) fn issue_scx_refresh_token(&self, seller_id: Option<String>) -> String {
        let token = format!("scx-rt-{}", uuid::Uuid::new_v4().simple());
        let seller = seller_id.unwrap_or_else(|| format!("seller-{}", &token[7..15]));
        self.lock().scx.refresh_tokens.insert(token.clone(), seller);
        token
    }

    pub(crate) fn push_scx_event(&self, kind: String, event: Value) -> Value {
        let mut inner = self.lock();
        let scx = &mut inner.scx;
        let id = format!("evt-{:06}", scx.next_event);
        scx.next_event += 1;
        let entry = json!({ "id": id, "type": kind, "createdAt": rfc3339(now()), "event": event });
        scx.events.push(entry.clone());
        entry
    }

    pub(crate) fn scx_events(&self) -> Vec<Value> {
        self.lock().scx.events.clone()
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/auth", post(auth))
        .route("/v1/channel/event", get(events).delete(acknowledge))
        .route("/v1/seller/channel/{channel}", post(seller_sign_up))
}

fn english(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("en"))
}

fn fail(
    service: Service,
    status: StatusCode,
    code: &str,
    english_text: &str,
    german_text: &str,
    headers: &HeaderMap,
) -> Response {
    let message = if english(headers) {
        english_text
    } else {
        german_text
    };
    error_response(service, status, code, message)
}

/// `POST /v1/auth`: `refreshToken` as a form field (urlencoded or multipart), or as a
/// query parameter as one public client sends it.
async fn auth(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let headers = request.headers().clone();
    let expires_override = request.extensions().get::<ExpiresInOverride>().copied();
    let from_query = request
        .uri()
        .query()
        .and_then(|q| field(q.as_bytes(), "refreshToken"));
    let from_body = match body_field(request).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(refresh_token) = from_body.or(from_query).filter(|t| !t.is_empty()) else {
        return fail(
            Service::ScxAuth,
            StatusCode::BAD_REQUEST,
            "VAL100",
            "The field refreshToken is required.",
            "Das Feld refreshToken ist erforderlich.",
            &headers,
        );
    };
    let seller = shared
        .lock()
        .scx
        .refresh_tokens
        .get(&refresh_token)
        .cloned();
    let Some(seller) = seller else {
        return fail(
            Service::ScxAuth,
            StatusCode::UNAUTHORIZED,
            "ATH100",
            "No account was found for this refresh token.",
            "Zu diesem Refresh-Token wurde kein Account gefunden.",
            &headers,
        );
    };
    let lifetime =
        i64::try_from(shared.lock().settings.scx_token_lifetime_secs).unwrap_or(i64::MAX);
    let token = shared.issue_token("scx", &seller, lifetime, json!({ "scope": "CHANNEL" }));
    Json(json!({
        "scope": "CHANNEL",
        "authToken": token,
        "tokenExpireAt": rfc3339(now().saturating_add(lifetime)),
        "expiresIn": expires_override.map_or(lifetime, |o| o.0),
    }))
    .into_response()
}

fn field(form: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(form)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

async fn body_field(request: Request) -> Result<Option<String>, Response> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| {
            error_response(
                Service::ScxAuth,
                StatusCode::BAD_REQUEST,
                "VAL100",
                &e.body_text(),
            )
        })?;
        while let Ok(Some(part)) = multipart.next_field().await {
            if part.name() == Some("refreshToken") {
                return Ok(part.text().await.ok());
            }
        }
        return Ok(None);
    }
    let body = axum::body::to_bytes(request.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| {
            error_response(
                Service::ScxAuth,
                StatusCode::PAYLOAD_TOO_LARGE,
                "VAL100",
                "the request body is larger than 1 MiB",
            )
        })?;
    Ok(field(&body, "refreshToken"))
}

fn seller_of(shared: &Shared, headers: &HeaderMap) -> Result<String, Response> {
    match shared.bearer_claims(headers, "scx") {
        Ok(claims) => Ok(claims
            .get("sub")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()),
        Err(message) => {
            let code = if headers.contains_key(header::AUTHORIZATION) {
                "ATH101"
            } else {
                "ATH000"
            };
            Err(error_response(
                Service::Scx,
                StatusCode::UNAUTHORIZED,
                code,
                &message,
            ))
        }
    }
}

async fn events(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Err(r) = seller_of(&shared, &headers) {
        return r;
    }
    let events: Vec<Value> = shared
        .lock()
        .scx
        .events
        .iter()
        .take(EVENTS_PER_CALL)
        .cloned()
        .collect();
    Json(json!({ "eventList": events })).into_response()
}

async fn acknowledge(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = seller_of(&shared, &headers) {
        return r;
    }
    let ids: Option<Vec<String>> = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("eventIdList").cloned())
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(ids) = ids else {
        return fail(
            Service::Scx,
            StatusCode::BAD_REQUEST,
            "VAL100",
            "Expected a JSON body {\"eventIdList\": [\"<event id>\", ...]}.",
            "Erwartet wird ein JSON-Body {\"eventIdList\": [\"<Event-ID>\", ...]}.",
            &headers,
        );
    };
    shared
        .lock()
        .scx
        .events
        .retain(|e| !ids.iter().any(|id| e["id"].as_str() == Some(id)));
    StatusCode::NO_CONTENT.into_response()
}

async fn seller_sign_up(
    State(shared): State<Arc<Shared>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = seller_of(&shared, &headers) {
        return r;
    }
    let valid = !channel.is_empty()
        && channel.len() <= 50
        && channel
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        return fail(
            Service::Scx,
            StatusCode::BAD_REQUEST,
            "VAL100",
            "The channel must be 1 to 50 letters, digits, '_' or '-'.",
            "Der Channel muss aus 1 bis 50 Buchstaben, Ziffern, '_' oder '-' bestehen.",
            &headers,
        );
    }
    let session = uuid::Uuid::new_v4().simple();
    Json(json!({
        "signUpUrl": format!("{}/_emulator/scx/sign-up/{channel}/{session}", shared.base_url),
        "expiresAt": rfc3339(now() + 3600),
    }))
    .into_response()
}
