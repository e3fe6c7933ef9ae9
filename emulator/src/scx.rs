//! SCX (facts §6): `POST /v1/auth` (refresh token → auth token with `scope` `CHANNEL` or
//! `SELLER`), the Channel API's event queue (redelivered until acknowledged, at most 10
//! deliveries, then dead-lettered), the Seller API's sign-up link, per-route rate limits
//! (facts §3.2) and SCX's `errorList` errors in German unless `Accept-Language: en`.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    body::Bytes,
    extract::{FromRequest, Multipart, Path, RawQuery, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

use crate::{
    clock::{now, rfc3339},
    faults::ExpiresInOverride,
    service::{error_response, Service},
    state::{
        scx::{Party, QueuedEvent},
        Shared,
    },
    BODY_LIMIT,
};

/// Events returned by one `GET /v1/channel/event` at most.
const EVENTS_PER_CALL: usize = 100;
/// Deliveries of one event before it is dead-lettered (facts §6.3).
pub(crate) const MAX_DELIVERIES: u32 = 10;
/// Ids one acknowledgement takes at most (facts §6.3).
const MAX_ACK_IDS: usize = 100;
/// The seller-side scope (facts §6.1).
const SELLER_SCOPE: &str = "SELLER";

/// The event types of facts §6.3 (seller-type and channel-type).
pub(crate) const EVENT_TYPES: [&str; 23] = [
    "System:Test",
    "System:Notification",
    "Seller:Order.Accepted",
    "Seller:Order.Shipping",
    "Seller:Order.Payment",
    "Seller:Order.Cancellation.Request",
    "Seller:Order.Cancellation.Accepted",
    "Seller:Order.Cancellation.Denied",
    "Seller:Order.Refund",
    "Seller:Order.Invoice",
    "Seller:Order.ReturnReceived",
    "Seller:Offer.New",
    "Seller:Offer.Update",
    "Seller:Offer.End",
    "Seller:Offer.StockUpdate",
    "Seller:Offer.PriceUpdate",
    "Seller:Report.Request",
    "Seller:Channel.Unlinked",
    "Seller:Meta.SellerAttributesUpdateRequest",
    "Seller:Ticket.Reply",
    "Channel:Order.Return",
    "Channel:Order.RefundProcessingResult",
    "Channel:ChannelDataChanged",
];

impl Shared {
    pub(crate) fn issue_scx_refresh_token(&self, seller_id: Option<String>) -> String {
        self.issue_scx_refresh_token_for(seller_id, Party::Channel)
    }

    /// A refresh token of a channel or (for the Seller API) of a seller.
    pub(crate) fn issue_scx_refresh_token_for(&self, id: Option<String>, party: Party) -> String {
        let token = format!("scx-rt-{}", uuid::Uuid::new_v4().simple());
        let prefix = match party {
            Party::Channel => "channel",
            Party::Seller => "seller",
        };
        let id = id.unwrap_or_else(|| format!("{prefix}-{}", &token[7..15]));
        self.lock()
            .scx
            .refresh_tokens
            .insert(token.clone(), (id, party));
        token
    }

    pub(crate) fn push_scx_event(&self, kind: String, event: Value) -> Value {
        let mut inner = self.lock();
        let scx = &mut inner.scx;
        let id = format!("evt-{:06}", scx.next_event);
        scx.next_event += 1;
        let entry = json!({ "id": id, "type": kind, "createdAt": rfc3339(now()), "event": event });
        scx.events.push(QueuedEvent {
            value: entry.clone(),
            deliveries: 0,
            delivered_at: None,
        });
        entry
    }

    /// Every queued (not yet acknowledged, not dead-lettered) event with its delivery count.
    pub(crate) fn scx_events(&self) -> Vec<Value> {
        self.lock()
            .scx
            .events
            .iter()
            .map(|e| {
                let mut value = e.value.clone();
                value["deliveries"] = json!(e.deliveries);
                value
            })
            .collect()
    }

    /// Events delivered [`MAX_DELIVERIES`] times without an acknowledgement.
    pub(crate) fn scx_dead_letters(&self) -> Vec<Value> {
        self.lock().scx.dead_letters.clone()
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/v1/auth",
            post(
                |State(shared): State<Arc<Shared>>, request: Request| async move {
                    let headers = request.headers().clone();
                    limited(&shared, &headers, "/v1/auth", auth(shared.clone(), request)).await
                },
            ),
        )
        .route(
            "/v1/channel/event",
            get(
                |State(shared): State<Arc<Shared>>,
                 RawQuery(query): RawQuery,
                 headers: HeaderMap| async move {
                    let work = events(shared.clone(), headers.clone(), query);
                    limited(&shared, &headers, "/v1/channel/event", work).await
                },
            )
            .delete(
                |State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes| async move {
                    let work = acknowledge(shared.clone(), headers.clone(), body);
                    limited(&shared, &headers, "/v1/channel/event", work).await
                },
            ),
        )
        .route(
            "/v1/seller/channel/{channel}",
            post(
                |State(shared): State<Arc<Shared>>,
                 Path(channel): Path<String>,
                 headers: HeaderMap| async move {
                    let path = format!("/v1/seller/channel/{channel}");
                    let work = seller_sign_up(shared.clone(), channel, headers.clone());
                    limited(&shared, &headers, &path, work).await
                },
            ),
        )
}

/// Counts the call against its route's window (facts §3.2), answers 429 once the window is
/// used up (unless the `scx_rate_limits` setting is off), and puts the `X-RateLimit-*`
/// headers on every answer.
async fn limited(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    work: impl Future<Output = Response>,
) -> Response {
    let (pattern, limit, interval) = crate::rate_limit::scx_route(path);
    // The window is per caller: the subject of a valid auth token, else one shared window.
    let caller = shared
        .bearer_claims(headers, "scx")
        .ok()
        .and_then(|c| c.get("sub").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "anonymous".to_owned());
    let (quota, enforce) = {
        let mut inner = shared.lock();
        let enforce = inner.settings.scx_rate_limits;
        let quota = inner
            .rate
            .hit(&caller, &format!("scx {pattern}"), limit, interval, now());
        (quota, enforce)
    };
    let (mut response, quota) = match quota {
        Ok(quota) => (work.await, quota),
        Err(quota) if !enforce => (work.await, quota),
        Err(quota) => (
            fail(
                Service::of(path),
                StatusCode::TOO_MANY_REQUESTS,
                "RTL100",
                &format!("Rate limit of {limit} requests per {interval} s exceeded for {pattern}."),
                &format!(
                    "Ratenlimit von {limit} Anfragen pro {interval} s für {pattern} überschritten."
                ),
                headers,
            ),
            quota,
        ),
    };
    quota.apply(response.headers_mut());
    response
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
async fn auth(shared: Arc<Shared>, request: Request) -> Response {
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
    let owner = shared
        .lock()
        .scx
        .refresh_tokens
        .get(&refresh_token)
        .cloned();
    let Some((subject, party)) = owner else {
        return fail(
            Service::ScxAuth,
            StatusCode::UNAUTHORIZED,
            "ATH100",
            "No account was found for this refresh token.",
            "Zu diesem Refresh-Token wurde kein Account gefunden.",
            &headers,
        );
    };
    let (lifetime, scope) = {
        let inner = shared.lock();
        let scope = match party {
            Party::Channel => inner.settings.scx_channel_scope.clone(),
            Party::Seller => SELLER_SCOPE.to_owned(),
        };
        (
            i64::try_from(inner.settings.scx_token_lifetime_secs).unwrap_or(i64::MAX),
            scope,
        )
    };
    let token = shared.issue_token("scx", &subject, lifetime, json!({ "scope": scope }));
    Json(json!({
        "scope": scope,
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

/// The caller's id, if the auth token is valid and of `party`: a seller token on the Channel
/// API (or a channel token on the Seller API) is refused with 403.
fn caller(shared: &Shared, headers: &HeaderMap, party: Party) -> Result<String, Response> {
    let claims = shared.bearer_claims(headers, "scx").map_err(|message| {
        let code = if headers.contains_key(header::AUTHORIZATION) {
            "ATH101"
        } else {
            "ATH000"
        };
        error_response(Service::Scx, StatusCode::UNAUTHORIZED, code, &message)
    })?;
    let is_seller = claims.get("scope").and_then(Value::as_str) == Some(SELLER_SCOPE);
    if is_seller != (party == Party::Seller) {
        let (en, de) = if is_seller {
            (
                "This is a Channel API call; a seller token is not accepted.",
                "Dies ist ein Aufruf der Channel-API; ein Seller-Token wird nicht akzeptiert.",
            )
        } else {
            (
                "This is a Seller API call; it needs a seller token (scope SELLER).",
                "Dies ist ein Aufruf der Seller-API; er erfordert ein Seller-Token (Scope SELLER).",
            )
        };
        return Err(fail(
            Service::Scx,
            StatusCode::FORBIDDEN,
            "ATH000",
            en,
            de,
            headers,
        ));
    }
    Ok(claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned())
}

/// `GET /v1/channel/event`: up to 100 visible events. Each listing counts as a delivery and
/// hides the event for `scx_redelivery_timeout_ms`; an event delivered
/// [`MAX_DELIVERIES`] times is dead-lettered instead of being listed again.
async fn events(shared: Arc<Shared>, headers: HeaderMap, query: Option<String>) -> Response {
    if let Err(r) = caller(&shared, &headers, Party::Channel) {
        return r;
    }
    let created_after = match created_after(query.as_deref()) {
        Ok(t) => t,
        Err(found) => {
            return fail(
                Service::Scx,
                StatusCode::BAD_REQUEST,
                "VAL100",
                &format!("createdAfter must be an ISO 8601 date-time; found {found:?}."),
                &format!("createdAfter muss ein ISO-8601-Zeitpunkt sein; gefunden: {found:?}."),
                &headers,
            )
        }
    };
    let mut inner = shared.lock();
    let timeout = Duration::from_millis(inner.settings.scx_redelivery_timeout_ms);
    let at = Instant::now();
    let visible = |e: &QueuedEvent| {
        e.delivered_at
            .is_none_or(|t| at.duration_since(t) >= timeout)
    };
    let (dead, alive): (Vec<_>, Vec<_>) = std::mem::take(&mut inner.scx.events)
        .into_iter()
        .partition(|e| e.deliveries >= MAX_DELIVERIES && visible(e));
    inner.scx.events = alive;
    for event in dead {
        inner.stats.count_scx_dead_letter();
        inner.scx.dead_letters.push(event.value);
    }
    let mut listed = Vec::new();
    let wanted = |e: &QueuedEvent| {
        created_after.is_none_or(|after| {
            e.value["createdAt"]
                .as_str()
                .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
                .is_some_and(|t| t > after)
        })
    };
    for event in inner
        .scx
        .events
        .iter_mut()
        .filter(|e| visible(e) && wanted(e))
    {
        if listed.len() == EVENTS_PER_CALL {
            break;
        }
        event.deliveries += 1;
        event.delivered_at = Some(at);
        listed.push(event.value.clone());
    }
    Json(json!({ "eventList": listed })).into_response()
}

/// The optional `createdAfter` filter of `GET /v1/channel/event`; the error is what was found.
fn created_after(query: Option<&str>) -> Result<Option<OffsetDateTime>, String> {
    let Some(value) = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "createdAfter")
        .map(|(_, v)| v.into_owned())
    else {
        return Ok(None);
    };
    OffsetDateTime::parse(&value, &Rfc3339)
        .map(Some)
        .map_err(|_| value)
}

/// `DELETE /v1/channel/event` with `{"eventIdList": [...]}`: 1 to 100 ids.
async fn acknowledge(shared: Arc<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = caller(&shared, &headers, Party::Channel) {
        return r;
    }
    let ids: Option<Vec<String>> = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("eventIdList").cloned())
        .and_then(|v| serde_json::from_value(v).ok());
    let Some(ids) = ids.filter(|ids| (1..=MAX_ACK_IDS).contains(&ids.len())) else {
        return fail(
            Service::Scx,
            StatusCode::BAD_REQUEST,
            "VAL100",
            "Expected a JSON body {\"eventIdList\": [\"<event id>\", ...]} with 1 to 100 event ids.",
            "Erwartet wird ein JSON-Body {\"eventIdList\": [\"<Event-ID>\", ...]} mit 1 bis 100 Event-IDs.",
            &headers,
        );
    };
    shared
        .lock()
        .scx
        .events
        .retain(|e| !ids.iter().any(|id| e.value["id"].as_str() == Some(id)));
    StatusCode::NO_CONTENT.into_response()
}

/// `^\w{5,15}$` (facts §6.4), `\w` as ASCII letters, digits and `_`.
pub(crate) fn valid_channel_name(channel: &str) -> bool {
    (5..=15).contains(&channel.len())
        && channel
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `POST /v1/seller/channel/{channel}`: a Seller API call (seller token, `User-Agent`
/// required), answering `{signUpUrl, expiresAt}` with `expiresAt` in unix seconds.
async fn seller_sign_up(shared: Arc<Shared>, channel: String, headers: HeaderMap) -> Response {
    if let Err(r) = caller(&shared, &headers, Party::Seller) {
        return r;
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    if user_agent.is_empty() {
        return fail(
            Service::Scx,
            StatusCode::BAD_REQUEST,
            "VAL100",
            "The User-Agent header is required (e.g. 'Wawi/1.11.0.3').",
            "Der User-Agent-Header ist erforderlich (z. B. 'Wawi/1.11.0.3').",
            &headers,
        );
    }
    if !valid_channel_name(&channel) {
        return fail(
            Service::Scx,
            StatusCode::BAD_REQUEST,
            "VAL100",
            "The channel must match ^\\w{5,15}$ (5 to 15 letters, digits or '_').",
            "Der Channel muss ^\\w{5,15}$ entsprechen (5 bis 15 Buchstaben, Ziffern oder '_').",
            &headers,
        );
    }
    let session = uuid::Uuid::new_v4().simple();
    Json(json!({
        "signUpUrl": format!("{}/_emulator/scx/sign-up/{channel}/{session}", shared.base_url),
        "expiresAt": now() + 3600,
    }))
    .into_response()
}
