//! The Cloud ERP API under `/erp/v2/`: Bearer token + `X-Tenant-ID`, scopes, the rate limit,
//! `/info`, and the paginated catalogue with validation.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};

use crate::{
    catalogue::{self, Refusal},
    pagination::{self, Casing},
    rate_limit::Quota,
    service::{error_response, error_with_details, Service},
    state::{now, rfc3339, Shared},
};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/erp/v2/info", get(info))
        .route("/erp/v2/{resource}", get(list).post(create))
        .route(
            "/erp/v2/{resource}/{id}",
            get(read).put(replace).patch(modify).delete(remove),
        )
}

/// An admitted caller: who, for which tenant, and where it stands in its rate window.
struct Caller {
    tenant: String,
    quota: Quota,
}

impl Caller {
    fn answer(&self, mut response: Response) -> Response {
        self.quota.apply(response.headers_mut());
        response
    }
}

fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    error_response(Service::Api, status, code, message)
}

/// The checks JTL's API gateway makes, in its order: token (401), tenant header (412),
/// tenant access (403), scope (403), rate limit (429).
fn admit(shared: &Shared, headers: &HeaderMap, scope: Option<&str>) -> Result<Caller, Response> {
    let claims = shared
        .bearer_claims(headers, "access")
        .map_err(|m| fail(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", &m))?;
    let client_id = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let tenant =
        match headers.get("x-tenant-id").map(HeaderValue::to_str) {
            None => {
                return Err(fail(
                    StatusCode::PRECONDITION_FAILED,
                    "MISSING_TENANT_ID",
                    "the required header X-Tenant-ID is missing; expected the tenant's id (a UUID)",
                ))
            }
            Some(Ok(t)) if !t.trim().is_empty() => t.trim().to_owned(),
            Some(_) => return Err(fail(
                StatusCode::PRECONDITION_FAILED,
                "MISSING_TENANT_ID",
                "the header X-Tenant-ID is empty or not ASCII; expected the tenant's id (a UUID)",
            )),
        };
    let mut inner = shared.lock();
    let permitted = inner
        .clients
        .get(client_id)
        .is_some_and(|c| c.tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant)));
    if !permitted {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "TENANT_FORBIDDEN",
            &format!("client {client_id:?} has no access to tenant {tenant:?}"),
        ));
    }
    if let Some(scope) = scope {
        let granted = claims
            .get("scope")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if granted != "*" && !granted.split(' ').any(|s| s.eq_ignore_ascii_case(scope)) {
            return Err(fail(
                StatusCode::FORBIDDEN,
                "MISSING_SCOPE",
                &format!("this call needs the scope {scope:?}; the token grants {granted:?}"),
            ));
        }
    }
    let (limit, interval) = (
        inner.settings.rate_limit,
        inner.settings.rate_limit_interval_secs,
    );
    match inner.rate.hit(client_id, &tenant, limit, interval, now()) {
        Ok(quota) => Ok(Caller { tenant, quota }),
        Err(quota) => {
            let mut response = fail(
                StatusCode::TOO_MANY_REQUESTS,
                "TOO_MANY_REQUESTS",
                &format!("rate limit of {limit} requests per {interval} s exceeded"),
            );
            quota.apply(response.headers_mut());
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(quota.reset_in));
            Err(response)
        }
    }
}

fn scope_for(resource: &str, method: &Method) -> String {
    let access = if method == Method::GET {
        "read"
    } else {
        "write"
    };
    format!("{}.{access}", resource.to_ascii_lowercase())
}

/// The resource named in the path, and the admitted caller with the scope it needs.
fn open(
    shared: &Shared,
    headers: &HeaderMap,
    resource: &str,
    method: Method,
) -> Result<(&'static str, Caller), Response> {
    let resource = known_resource(resource)?;
    let caller = admit(shared, headers, Some(&scope_for(resource, &method)))?;
    Ok((resource, caller))
}

fn known_resource(name: &str) -> Result<&'static str, Response> {
    catalogue::resource(name).ok_or_else(|| {
        fail(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!(
                "no resource {name:?}; this emulator serves {}",
                catalogue::RESOURCES.join(", ")
            ),
        )
    })
}

fn record_id(resource: &str, id: &str) -> Result<u64, Response> {
    id.parse::<u64>().map_err(|_| not_found(resource, id))
}

fn not_found(resource: &str, id: &str) -> Response {
    fail(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("no record in {resource} with id {id:?}"),
    )
}

fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, Response> {
    if let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("application/json") {
            return Err(fail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                &format!("expected Content-Type application/json; found {content_type:?}"),
            ));
        }
    }
    serde_json::from_slice(body).map_err(|e| {
        fail(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            &format!("the request body is not valid JSON: {e}"),
        )
    })
}

fn refused(resource: &str, id: &str, refusal: Refusal) -> Response {
    match refusal {
        Refusal::NotAnObject => fail(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            "expected a JSON object as the request body",
        ),
        Refusal::Invalid(errors) => error_with_details(
            Service::Api,
            StatusCode::UNPROCESSABLE_ENTITY,
            "VALIDATION_ERROR",
            "one or more fields are invalid; see validationErrors",
            Value::Object(errors),
        ),
        Refusal::Conflict(message) => fail(StatusCode::CONFLICT, "CONFLICT", &message),
        Refusal::NotFound => not_found(resource, id),
    }
}

async fn info(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let caller = match admit(&shared, &headers, None) {
        Ok(c) => c,
        Err(r) => return r,
    };
    caller.answer(
        Json(json!({
            "version": "2.0.0",
            "timestamp": rfc3339(now()),
            "tenantId": caller.tenant,
            "tenant": "eazybusiness",
            "type": "WAWI-Api",
            "runAs": headers.get("x-runas").and_then(|v| v.to_str().ok()),
            "emulated": true,
        }))
        .into_response(),
    )
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Path(resource): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (resource, caller) = match open(&shared, &headers, &resource, Method::GET) {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let page = match pagination::parse(query.as_deref()) {
        Ok(p) => p,
        Err(errors) => {
            return caller.answer(error_with_details(
                Service::Api,
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "invalid pagination parameters; see validationErrors",
                Value::Object(errors),
            ))
        }
    };
    let (items, total) =
        shared
            .lock()
            .catalogue(&caller.tenant)
            .page(resource, page.number, page.size);
    caller.answer(Json(pagination::envelope(items, total, page, Casing::Camel)).into_response())
}

async fn read(
    State(shared): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (resource, caller) = match open(&shared, &headers, &resource, Method::GET) {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let found = record_id(resource, &id).and_then(|n| {
        shared
            .lock()
            .catalogue(&caller.tenant)
            .get(resource, n)
            .cloned()
            .ok_or_else(|| not_found(resource, &id))
    });
    caller.answer(match found {
        Ok(row) => Json(row).into_response(),
        Err(r) => r,
    })
}

async fn create(
    State(shared): State<Arc<Shared>>,
    Path(resource): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (resource, caller) = match open(&shared, &headers, &resource, Method::POST) {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let created = json_body(&headers, &body).and_then(|body| {
        shared
            .lock()
            .catalogue(&caller.tenant)
            .create(resource, body)
            .map_err(|r| refused(resource, "", r))
    });
    caller.answer(match created {
        Ok(row) => {
            let location = format!("/erp/v2/{resource}/{}", row["id"]);
            let mut response = (StatusCode::CREATED, Json(row)).into_response();
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err(r) => r,
    })
}

async fn replace(
    state: State<Arc<Shared>>,
    path: Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    update(state, path, headers, body, false)
}

async fn modify(
    state: State<Arc<Shared>>,
    path: Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    update(state, path, headers, body, true)
}

fn update(
    State(shared): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    merge: bool,
) -> Response {
    let (resource, caller) = match open(&shared, &headers, &resource, Method::PUT) {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let updated = record_id(resource, &id).and_then(|n| {
        let body = json_body(&headers, &body)?;
        shared
            .lock()
            .catalogue(&caller.tenant)
            .update(resource, n, body, merge)
            .map_err(|r| refused(resource, &id, r))
    });
    caller.answer(match updated {
        Ok(row) => Json(row).into_response(),
        Err(r) => r,
    })
}

async fn remove(
    State(shared): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (resource, caller) = match open(&shared, &headers, &resource, Method::DELETE) {
        Ok(opened) => opened,
        Err(r) => return r,
    };
    let deleted = record_id(resource, &id)
        .map(|n| shared.lock().catalogue(&caller.tenant).delete(resource, n));
    caller.answer(match deleted {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => not_found(resource, &id),
        Err(r) => r,
    })
}
