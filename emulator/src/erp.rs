//! The Cloud ERP REST API under `/erp/v2/` (facts §2): Bearer token + `X-Tenant-ID`, scopes,
//! the rate limit, `/info`, and the paginated catalogue with kebab-case paths, UUID-like ids
//! and v2 field names (`sKU`). The GraphQL endpoint (`/erp/v2/graphql`, [`crate::graphql`])
//! passes the same gateway checks through [`authenticate`] and [`authorize`].

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};

use crate::{
    catalogue::{self, from_rest, rest_name, to_rest, Refusal, RestRows, Row},
    clock::{now, rfc3339},
    pagination,
    rate_limit::Quota,
    service::{error_response, error_with_details, Service},
    state::{Inner, Shared},
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

/// An admitted caller: for which tenant, and where it stands in its rate window.
pub(crate) struct Caller {
    pub(crate) tenant: String,
    quota: Quota,
    /// The signed-in user of a user-bound token (id, name); `None` for client credentials.
    pub(crate) user: Option<(String, String)>,
}

impl Caller {
    /// Adds the `X-RateLimit-*` headers (facts §3.2: on every response).
    pub(crate) fn answer(&self, mut response: Response) -> Response {
        self.quota.apply(response.headers_mut());
        response
    }
}

/// Who is calling: the token's client and scopes, and the tenant it names.
pub(crate) struct Identity {
    client_id: String,
    granted: String,
    tenant: String,
    /// User-bound tokens: the user (id, name) and the tenant the token is bound to.
    user: Option<(String, String, String)>,
}

pub(crate) fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    error_response(Service::Api, status, code, message)
}

/// The first checks of JTL's gateway: a valid token (401), then the `X-Tenant-ID` header
/// (400 `TenantIdMissing`, facts §1.1 "Missing tenant").
pub(crate) fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Identity, Response> {
    let claims = shared
        .bearer_claims(headers, "access")
        .map_err(|m| fail(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", &m))?;
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let tenant =
        match headers.get("x-tenant-id").map(HeaderValue::to_str) {
            Some(Ok(t)) if !t.trim().is_empty() => t.trim().to_owned(),
            None => {
                return Err(fail(
                    StatusCode::BAD_REQUEST,
                    "TenantIdMissing",
                    "the required header X-Tenant-ID is missing; expected the tenant's id (a UUID)",
                ))
            }
            Some(_) => return Err(fail(
                StatusCode::BAD_REQUEST,
                "TenantIdMissing",
                "the header X-Tenant-ID is empty or not ASCII; expected the tenant's id (a UUID)",
            )),
        };
    // A user-bound token (`/oauth2/auth` sign-in) names the app in `client_id`, the user in
    // `sub` and its tenant in `urn:jtl:tenant_id`.
    let user = claims
        .get("urn:jtl:tenant_id")
        .and_then(Value::as_str)
        .map(|bound| (text("sub"), text("name"), bound.to_owned()));
    let client_id = match claims.get("client_id").and_then(Value::as_str) {
        Some(id) => id.to_owned(),
        None => text("sub"),
    };
    Ok(Identity {
        client_id,
        granted: text("scope"),
        tenant,
        user,
    })
}

/// The remaining checks: tenant access (403), every scope in `scopes` (403), the rate
/// limit (429 with `X-RateLimit-*` and `Retry-After`).
pub(crate) fn authorize(
    shared: &Shared,
    who: Identity,
    scopes: &[String],
) -> Result<Caller, Response> {
    let Identity {
        client_id,
        granted,
        tenant,
        user,
    } = who;
    if let Some((user_id, _, bound)) = &user {
        if !bound.eq_ignore_ascii_case(&tenant) {
            return Err(fail(
                StatusCode::FORBIDDEN,
                "TENANT_FORBIDDEN",
                &format!(
                    "the token of user {user_id:?} is bound to tenant {bound:?}, not {tenant:?}"
                ),
            ));
        }
    }
    let user = user.map(|(id, name, _)| (id, name));
    let mut inner = shared.lock();
    let permitted = inner
        .clients
        .get(&client_id)
        .is_some_and(|c| c.tenants.iter().any(|t| t.eq_ignore_ascii_case(&tenant)));
    if !permitted {
        return Err(fail(
            StatusCode::FORBIDDEN,
            "TENANT_FORBIDDEN",
            &format!("client {client_id:?} has no access to tenant {tenant:?}"),
        ));
    }
    for scope in scopes {
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
    match inner.rate.hit(&client_id, &tenant, limit, interval, now()) {
        Ok(quota) => Ok(Caller {
            tenant,
            quota,
            user,
        }),
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

fn admit(shared: &Shared, headers: &HeaderMap, scope: Option<String>) -> Result<Caller, Response> {
    let who = authenticate(shared, headers)?;
    authorize(shared, who, scope.as_slice())
}

/// The scope a call on `resource` needs: `items.read`, `salesorders.write`, ….
pub(crate) fn scope_for(resource: &str, write: bool) -> String {
    let access = if write { "write" } else { "read" };
    format!("{}.{access}", resource.replace('-', ""))
}

/// The resource named in the path, and the admitted caller with the scope it needs.
fn open(
    shared: &Shared,
    headers: &HeaderMap,
    resource: &str,
    method: Method,
) -> Result<(&'static str, Caller), Response> {
    let resource = known_resource(resource)?;
    let caller = admit(
        shared,
        headers,
        Some(scope_for(resource, method != Method::GET)),
    )?;
    Ok((resource, caller))
}

fn known_resource(name: &str) -> Result<&'static str, Response> {
    catalogue::resource(name).ok_or_else(|| {
        let hint = catalogue::RESOURCES
            .iter()
            .find(|r| r.replace('-', "").eq_ignore_ascii_case(name))
            .map(|r| format!(" (v2 paths are kebab-case: {r})"))
            .unwrap_or_default();
        fail(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!(
                "no resource {name:?}{hint}; this emulator serves {}",
                catalogue::RESOURCES.join(", ")
            ),
        )
    })
}

fn not_found(resource: &str, id: &str) -> Response {
    fail(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("no record in {resource} with id {id:?}"),
    )
}

/// Whether a `Content-Type` passes JTL's rule (facts §1.1): bare `application/json`, or
/// `application/json; charset=utf-8` when the `accept_json_charset` setting says so.
pub(crate) fn content_type_ok(content_type: &str, accept_charset: bool) -> bool {
    let mut parts = content_type.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("");
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    let params: Vec<&str> = parts.filter(|p| !p.is_empty()).collect();
    match params.as_slice() {
        [] => true,
        [param] if accept_charset => param.replace(' ', "").eq_ignore_ascii_case("charset=utf-8"),
        _ => false,
    }
}

/// The 415 for a body whose `Content-Type` JTL refuses.
pub(crate) fn check_content_type(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let accept_charset = shared.lock().settings.accept_json_charset;
    let found = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("(not ASCII)"));
    match found {
        Some(ct) if content_type_ok(ct, accept_charset) => Ok(()),
        found => {
            let allowed = if accept_charset {
                "application/json (optionally with charset=utf-8)"
            } else {
                "bare application/json (JTL refuses parameters such as charset=utf-8)"
            };
            Err(fail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                &format!(
                    "expected Content-Type {allowed}; found {}",
                    found.map_or("none".to_owned(), |f| format!("{f:?}"))
                ),
            ))
        }
    }
}

fn json_body(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<Row, Response> {
    check_content_type(shared, headers)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        fail(
            StatusCode::BAD_REQUEST,
            "INVALID_JSON",
            &format!("the request body is not valid JSON: {e}"),
        )
    })?;
    match from_rest(value) {
        Value::Object(map) => Ok(map),
        _ => Err(refused("", "", Refusal::NotAnObject)),
    }
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
            Value::Object(
                errors
                    .into_iter()
                    .map(|(k, v)| (rest_name(&k), v))
                    .collect(),
            ),
        ),
        Refusal::Conflict(message) => fail(StatusCode::CONFLICT, "CONFLICT", &message),
        Refusal::NotFound => not_found(resource, id),
        Refusal::ReadOnly => fail(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            &format!("{resource} cannot be written"),
        ),
    }
}

/// Creates a record in `tenant`'s catalogue and counts it in the stats (REST and GraphQL).
pub(crate) fn create_record(
    inner: &mut Inner,
    tenant: &str,
    resource: &'static str,
    fields: Row,
) -> Result<Row, Refusal> {
    let row = inner.catalogue(tenant).create(resource, fields)?;
    inner.stats.count_created(resource);
    Ok(row)
}

async fn info(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let caller = match admit(&shared, &headers, None) {
        Ok(c) => c,
        Err(r) => return r,
    };
    // The documented fields (facts §2 `GET /erp/v2/info`), then the emulator's own.
    caller.answer(
        Json(json!({
            "Version": "2.0.0.0",
            "Timestamp": rfc3339(now()),
            "Tenant": "eazybusiness",
            "Type": "WAWI-Api",
            "tenantId": caller.tenant,
            "runAs": headers.get("x-runas").and_then(|v| v.to_str().ok()),
            // The signed-in user of a user-bound token (user sign-in, facts §5.4).
            "user": caller.user.as_ref().map(|(id, name)| json!({ "id": id, "name": name })),
            "emulated": true,
        }))
        .into_response(),
    )
}

fn sort_rows(rows: &mut [Row], sort_by: &[String], descending: bool) -> Result<(), Response> {
    let Some(sample) = rows.first() else {
        return Ok(());
    };
    let mut keys = Vec::new();
    let mut errors = Map::new();
    for field in sort_by {
        match sample
            .keys()
            .find(|k| rest_name(k).eq_ignore_ascii_case(field))
        {
            Some(key) => keys.push(key.clone()),
            None => {
                errors.insert(
                    "sortBy".into(),
                    Value::String(format!(
                        "no field {field:?} to sort by; expected one of {}",
                        sample
                            .keys()
                            .map(|k| rest_name(k))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(error_with_details(
            Service::Api,
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "invalid sort parameters; see validationErrors",
            Value::Object(errors),
        ));
    }
    rows.sort_by(|a, b| {
        let order = keys
            .iter()
            .map(|k| pagination::compare(a.get(k), b.get(k)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal);
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    Ok(())
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
    let request = match pagination::parse_cloud(query.as_deref()) {
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
    let page = request.page;
    let skip = usize::try_from(page.number.saturating_sub(1).saturating_mul(page.size))
        .unwrap_or(usize::MAX);
    let take = usize::try_from(page.size).unwrap_or(usize::MAX);
    // Unsorted (key order): the page's rows, serialized where they are stored; sorting
    // needs a copy of them all.
    let body = if request.sort_by.is_empty() {
        shared
            .lock()
            .catalogue(&caller.tenant)
            .with_rows(resource, skip, take, |rows, total| {
                page_body(rows, total, page)
            })
    } else {
        let mut rows = shared.lock().catalogue(&caller.tenant).rows(resource);
        if let Err(r) = sort_rows(&mut rows, &request.sort_by, request.sort_descending) {
            return caller.answer(r);
        }
        let page_rows: Vec<&Row> = rows.iter().skip(skip).take(take).collect();
        page_body(&page_rows, rows.len() as u64, page)
    };
    caller.answer(body)
}

/// A REST v2 page of `rows` (of `total`) as a JSON response.
fn page_body(rows: &[&Row], total: u64, page: pagination::PageRequest) -> Response {
    let envelope = pagination::Envelope {
        items: RestRows(rows),
        total,
        page,
    };
    Json(envelope).into_response()
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
    let found = shared
        .lock()
        .catalogue(&caller.tenant)
        .get(resource, &id)
        .cloned();
    caller.answer(match found {
        Some(row) => Json(to_rest(Value::Object(row))).into_response(),
        None => not_found(resource, &id),
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
    let created = json_body(&shared, &headers, &body).and_then(|fields| {
        create_record(&mut shared.lock(), &caller.tenant, resource, fields)
            .map_err(|r| refused(resource, "", r))
    });
    caller.answer(match created {
        Ok(row) => {
            let id = row.get("id").and_then(Value::as_str).unwrap_or_default();
            let location = format!("/erp/v2/{resource}/{id}");
            let mut response =
                (StatusCode::CREATED, Json(to_rest(Value::Object(row)))).into_response();
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
    let updated = json_body(&shared, &headers, &body).and_then(|fields| {
        shared
            .lock()
            .catalogue(&caller.tenant)
            .update(resource, &id, fields, merge)
            .map_err(|r| refused(resource, &id, r))
    });
    caller.answer(match updated {
        Ok(row) => Json(to_rest(Value::Object(row))).into_response(),
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
    let deleted = shared
        .lock()
        .catalogue(&caller.tenant)
        .delete(resource, &id);
    caller.answer(if deleted {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(resource, &id)
    })
}
