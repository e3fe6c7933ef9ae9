//! `GET /account/.well-known/jwks.json`: the session-token keys. Like JTL, it wants a
//! client-credentials Bearer token.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use crate::{
    clock::now,
    service::{error_response, Service},
    state::Shared,
};

/// How long clients may cache the key set (`Cache-Control: max-age`).
const MAX_AGE: &str = "public, max-age=300";

pub(crate) async fn jwks(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Err(message) = shared.bearer_claims(&headers, "access") {
        return error_response(
            Service::Jwks,
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            &message,
        );
    }
    let keys = {
        let inner = shared.lock();
        inner.keys.jwks(now(), inner.settings.jwks_without_kid)
    };
    let mut response = Json(keys).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    response
}
