//! The front door every request passes: counts it, adds the configured latency, serves an
//! armed fault instead of (or around) the real answer, and makes sure every error leaves as
//! JSON in the service's own shape, including axum's plain-text rejections.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    body::{Body, Bytes},
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use futures_util::{stream, StreamExt};

use crate::{
    faults::{ExpiresInOverride, Fault, FaultKind},
    server::ConnectionKill,
    service::{default_code, error_response, Service},
    state::Shared,
};

/// Largest error body read back when rewriting a plain-text rejection.
const REWRITE_LIMIT: usize = 64 * 1024;

pub(crate) async fn gateway(
    State(shared): State<Arc<Shared>>,
    mut request: Request,
    next: Next,
) -> Response {
    let service = Service::of(request.uri().path());
    if matches!(service, Service::Admin | Service::Unknown) {
        return ensure_json(service, next.run(request).await).await;
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();
    let (latency, fault) = {
        let mut inner = shared.lock();
        inner
            .stats
            .count(service, request.method().as_str(), &route);
        let fault = inner.faults.take(service);
        if fault.is_some() {
            inner.stats.count_fault();
        }
        (inner.settings.latency_ms, fault)
    };
    sleep_ms(latency).await;
    let Some(fault) = fault else {
        return ensure_json(service, next.run(request).await).await;
    };
    sleep_ms(fault.delay_ms.unwrap_or(0)).await;
    match fault.kind {
        FaultKind::Delay => ensure_json(service, next.run(request).await).await,
        FaultKind::Status => status_fault(service, &fault),
        FaultKind::ExpiresIn => {
            if let Some(seconds) = fault.expires_in {
                request.extensions_mut().insert(ExpiresInOverride(seconds));
            }
            ensure_json(service, next.run(request).await).await
        }
        FaultKind::WrongContentType => html_page(fault.status.unwrap_or(502)),
        FaultKind::Echo => crate::faults::echo(service, &fault, request).await,
        FaultKind::MalformedJson => {
            let (parts, body) = next.run(request).await.into_parts();
            let body = read(body).await;
            let half = body.slice(..body.len() / 2);
            let mut response = Response::from_parts(parts, Body::from(half));
            response.headers_mut().remove(header::CONTENT_LENGTH);
            response
        }
        FaultKind::Truncated => {
            let (mut parts, body) = next.run(request).await.into_parts();
            let body = read(body).await;
            let half = body.slice(..body.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
            // The stream ends early with an error: hyper aborts the connection mid-body.
            // Hyper flushes only while the body stream is pending and aborts without flushing
            // on an error, so the error comes after a pause or not even the head would leave.
            let chunks =
                stream::iter([Ok::<Bytes, std::io::Error>(half)]).chain(stream::once(async {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Err(std::io::Error::new(
                        std::io::ErrorKind::ConnectionAborted,
                        "truncated by fault",
                    ))
                }));
            Response::from_parts(parts, Body::from_stream(chunks))
        }
        FaultKind::Drop => {
            if let Some(kill) = request.extensions().get::<ConnectionKill>() {
                kill.kill();
            }
            // The connection task drops this future together with the socket.
            std::future::pending::<Response>().await
        }
    }
}

async fn sleep_ms(millis: u64) {
    if millis > 0 {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
}

async fn read(body: Body) -> Bytes {
    axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default()
}

fn status_fault(service: Service, fault: &Fault) -> Response {
    let status = fault
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = match &fault.body {
        Some(body) => (status, axum::Json(body.clone())).into_response(),
        None => error_response(
            service,
            status,
            default_code(service, status),
            &format!("injected fault: {status}"),
        ),
    };
    if let Some(retry_after) = fault
        .retry_after
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, retry_after);
    }
    response
}

fn html_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<html><head><title>{status}</title></head><body><h1>{status}</h1><p>upstream proxy</p></body></html>"),
    )
        .into_response();
    response.extensions_mut().insert(Intended);
    response
}

/// Marks a response whose non-JSON error body is deliberate.
#[derive(Clone, Copy)]
pub(crate) struct Intended;

/// Rewrites an error that is not JSON (axum's rejections, 405s, body-limit refusals) into
/// the service's JSON error shape, keeping status and headers.
async fn ensure_json(service: Service, response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error())
        || is_json
        || response.extensions().get::<Intended>().is_some()
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, REWRITE_LIMIT)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let allowed = parts
        .headers
        .get(header::ALLOW)
        .and_then(|v| v.to_str().ok());
    let message = match (text.trim(), allowed) {
        ("", Some(allowed)) => format!("method not allowed here; this path accepts {allowed}"),
        ("", None) => status.canonical_reason().unwrap_or("error").to_owned(),
        (t, _) => t.to_owned(),
    };
    let mut rewritten = error_response(service, status, default_code(service, status), &message);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rewritten.headers_mut().entry(name).or_insert(value.clone());
        }
    }
    rewritten
}

/// The answer for paths no service has.
pub(crate) async fn not_found(request: Request) -> Result<Response, Infallible> {
    let service = Service::of(request.uri().path());
    Ok(error_response(
        service,
        StatusCode::NOT_FOUND,
        default_code(service, StatusCode::NOT_FOUND),
        &format!("no route for {} {}", request.method(), request.uri().path()),
    ))
}
