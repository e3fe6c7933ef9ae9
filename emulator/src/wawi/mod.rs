//! JTL-Wawi OnPremise under `/api/eazybusiness/`: the data endpoints, which want the API key
//! (`x-api-key` or `Authorization: Wawi <key>`) with `x-appid` and `x-appversion`, and answer in
//! PascalCase,
//! and (in [`registration`]) the two-step app registration that hands out those keys.

pub(crate) mod registration;

use std::sync::Arc;

use axum::{
    extract::{Path, RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::Value;

use crate::{
    catalogue,
    pagination::{self, pascal_case},
    service::{error_response, error_with_details, Service},
    state::{Shared, WAWI_DATABASE},
};

impl Shared {
    pub(crate) fn issue_wawi_api_key(&self, scopes: Vec<String>) -> String {
        let key = uuid::Uuid::new_v4().to_string();
        self.lock().wawi.api_keys.insert(key.clone(), scopes);
        key
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .merge(registration::routes())
        .route("/api/eazybusiness/v1/{resource}", get(list))
        .route("/api/eazybusiness/v1/{resource}/{id}", get(read))
}

fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    error_response(Service::Wawi, status, code, message)
}

/// What every Wawi data endpoint wants (facts §5.2): `x-appid` and `x-appversion` (400
/// without them), and a registered API key as `x-api-key: <key>` (the OAS) or
/// `Authorization: Wawi <key>` (the versioning page). `api-version` is optional.
fn admit(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let present = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| !v.trim().is_empty())
    };
    let missing: Vec<&str> = ["x-appid", "x-appversion"]
        .into_iter()
        .filter(|name| !present(name))
        .collect();
    if !missing.is_empty() {
        return Err(fail(
            StatusCode::BAD_REQUEST,
            "MISSING_APP_HEADERS",
            &format!(
                "the header(s) {} are required on every data endpoint (the app's id, e.g. 'MyApp/1.0.0', and its version, e.g. '1.0.0')",
                missing.join(" and ")
            ),
        ));
    }
    let from_authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("wawi"))
        .map(|(_, key)| key.trim());
    let from_api_key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let Some(key) = from_api_key.or(from_authorization) else {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "expected the API key as 'x-api-key: <api key>' or 'Authorization: Wawi <api key>'",
        ));
    };
    if !shared.lock().wawi.api_keys.contains_key(key) {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "the API key is not registered",
        ));
    }
    Ok(())
}

/// `PagedList` edges per the OAS (facts §5.3): with no next page `NextPageNumber` is
/// `TotalPages`, with no previous page `PreviousPageNumber` is 1; the `wawi_paging_null_ends`
/// setting keeps the docs' `null`.
fn paging_edges(shared: &Shared, mut page: Value) -> Value {
    if shared.lock().settings.wawi_paging_null_ends {
        return page;
    }
    let total_pages = page["TotalPages"].clone();
    if page["NextPageNumber"].is_null() {
        page["NextPageNumber"] = total_pages;
    }
    if page["PreviousPageNumber"].is_null() {
        page["PreviousPageNumber"] = Value::from(1);
    }
    page
}

fn known_resource(name: &str) -> Result<&'static str, Response> {
    catalogue::wawi_resource(name).ok_or_else(|| {
        fail(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!("no resource {name:?}"),
        )
    })
}

async fn list(
    State(shared): State<Arc<Shared>>,
    Path(resource): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let resource = match admit(&shared, &headers).and_then(|()| known_resource(&resource)) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let page = match pagination::parse(query.as_deref()) {
        Ok(p) => p,
        Err(errors) => {
            return error_with_details(
                Service::Wawi,
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "invalid pagination parameters; see ValidationErrors",
                Value::Object(errors),
            )
        }
    };
    let (items, total) =
        shared
            .lock()
            .catalogue(WAWI_DATABASE)
            .wawi_page(resource, page.number, page.size);
    let envelope = pagination::pascal_envelope(items, total, page);
    Json(paging_edges(&shared, envelope)).into_response()
}

async fn read(
    State(shared): State<Arc<Shared>>,
    Path((resource, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let resource = match admit(&shared, &headers).and_then(|()| known_resource(&resource)) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let row = id
        .parse::<u64>()
        .ok()
        .and_then(|n| shared.lock().catalogue(WAWI_DATABASE).wawi_get(resource, n));
    match row {
        Some(row) => Json(pascal_case(row)).into_response(),
        None => fail(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            &format!("no record in {resource} with id {id:?}"),
        ),
    }
}
