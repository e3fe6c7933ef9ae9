//! JTL-Wawi OnPremise under `/api/eazybusiness/`: the data endpoints, which want
//! `Authorization: Wawi <api key>` and an `api-version` header and answer in PascalCase,
//! and (in [`registration`]) the two-step app registration that hands out those keys.

pub(crate) mod registration;

use std::{collections::BTreeMap, sync::Arc};

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
    config::DEMO_WAWI_API_KEY,
    pagination::{self, pascal_case, Casing},
    service::{error_response, error_with_details, Service},
    state::{Shared, WAWI_DATABASE},
};

pub(crate) use registration::Registration;

pub(crate) struct WawiState {
    /// API key → granted scopes.
    pub(crate) api_keys: BTreeMap<String, Vec<String>>,
    pub(crate) registrations: BTreeMap<String, Registration>,
}

impl WawiState {
    pub(crate) fn new() -> Self {
        Self {
            api_keys: BTreeMap::from([(DEMO_WAWI_API_KEY.to_owned(), vec!["all.read".to_owned()])]),
            registrations: BTreeMap::new(),
        }
    }
}

impl Shared {
    pub(crate) fn issue_wawi_api_key(&self, scopes: Vec<String>) -> String {
        let key = format!("wawi-{}", uuid::Uuid::new_v4().simple());
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

/// `Authorization: Wawi <key>` with a known key, and an `api-version` header.
fn admit(shared: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("wawi"))
        .map(|(_, key)| key.trim());
    let Some(key) = key else {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "expected 'Authorization: Wawi <api key>'",
        ));
    };
    if !shared.lock().wawi.api_keys.contains_key(key) {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "the API key is not registered",
        ));
    }
    match headers.get("api-version").and_then(|v| v.to_str().ok()) {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(fail(
            StatusCode::BAD_REQUEST,
            "MISSING_API_VERSION",
            "the api-version header is required (e.g. 'api-version: 1.0')",
        )),
    }
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
    Json(pagination::envelope(items, total, page, Casing::Pascal)).into_response()
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
