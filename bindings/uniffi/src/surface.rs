//! The request surface every client shares (`request/get/post/put/patch/delete/page/paginate`,
//! each also as `...Async`): generic functions over the core's [`ApiClient`], and
//! [`client_methods!`], which gives a client wrapper those methods.

use std::{collections::HashMap, sync::Arc};

use jtl_connect::{
    options::{Case, REQUEST},
    ApiClient, Request,
};
use serde_json::Value;

use crate::{
    errors::JtlError,
    response::{Page, Response},
    runtime::{block, spawn},
};

/// Parses a JSON request body.
pub(crate) fn parse_json(json: &str) -> Result<Value, JtlError> {
    serde_json::from_str(json)
        .map_err(|e| JtlError::invalid_input(format!("json: expected a JSON text; {e}")))
}

/// Query pairs in a stable order (sorted by name) for the core.
pub(crate) fn pairs(map: Option<HashMap<String, String>>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = map.unwrap_or_default().into_iter().collect();
    pairs.sort();
    pairs
}

/// A core request from the foreign arguments; `timeout` in seconds (checked by the core's
/// `request` schema).
pub(crate) fn build_request(
    method: &str,
    path: String,
    query: Option<HashMap<String, String>>,
    json: Option<String>,
    headers: Option<HashMap<String, String>>,
    idempotent: Option<bool>,
    timeout: Option<f64>,
) -> Result<jtl_connect::Request, JtlError> {
    let given = REQUEST.parse(serde_json::json!({ "timeout": timeout }), Case::Camel)?;
    let mut request = jtl_connect::Request::new(method, path)?;
    if let Some(idempotent) = idempotent {
        request = request.idempotent(idempotent);
    }
    if let Some(timeout) = given.seconds("timeout") {
        request = request.timeout(timeout);
    }
    for (name, value) in pairs(query) {
        request = request.query(name, value);
    }
    for (name, value) in pairs(headers) {
        request = request.header(name, value);
    }
    if let Some(json) = json {
        request = request.json(parse_json(&json)?);
    }
    Ok(request)
}

/// Sends `request` through the core's [`ApiClient`], blocking on the core's runtime.
pub(crate) fn send<C: ApiClient>(
    client: &C,
    request: Result<Request, JtlError>,
) -> Result<Arc<Response>, JtlError> {
    block(client.request(request?)).map(Response::wrap)
}

/// [`send`], spawned on the core's runtime and awaited by the foreign executor.
pub(crate) async fn send_async<C: ApiClient>(
    client: &C,
    request: Result<Request, JtlError>,
) -> Result<Arc<Response>, JtlError> {
    let (client, request) = (client.clone(), request?);
    spawn(async move { client.request(request).await })
        .await
        .map(Response::wrap)
}

/// `method path` with an optional JSON body (as text).
pub(crate) fn with_body(
    method: &str,
    path: String,
    json: Option<String>,
) -> Result<Request, JtlError> {
    build_request(method, path, None, json, None, None, None)
}

/// One page through the core's [`ApiClient::page`], blocking on the core's runtime.
pub(crate) fn page<C: ApiClient>(
    client: &C,
    path: &str,
    page_number: u64,
    page_size: u32,
    query: Option<HashMap<String, String>>,
) -> Result<Page, JtlError> {
    block(client.page(path, &pairs(query), page_number, page_size)).map(Page::from)
}

/// [`page`], spawned on the core's runtime and awaited by the foreign executor.
pub(crate) async fn page_async<C: ApiClient>(
    client: &C,
    path: String,
    page_number: u64,
    page_size: u32,
    query: Option<HashMap<String, String>>,
) -> Result<Page, JtlError> {
    let (client, query) = (client.clone(), pairs(query));
    spawn(async move { client.page(&path, &query, page_number, page_size).await })
        .await
        .map(Page::from)
}

/// The request surface (`request/get/post/put/patch/delete/page/paginate`, and `...Async`)
/// of a client wrapper whose `inner` implements the core's [`ApiClient`]: each method
/// forwards to the generic functions above, so the three clients share one implementation.
macro_rules! client_methods {
    ($client:ident) => {
        #[uniffi::export]
        impl $client {
            /// Sends a request: `method` (`GET`, `POST`, ...), `path` relative to the API base,
            /// optional query parameters, JSON body (as text) and extra headers; `idempotent`
            /// lets a POST or PATCH be retried like a GET; `timeout` (seconds) replaces the
            /// client's for this request.
            #[uniffi::method(default(query = None, json = None, headers = None, idempotent = None, timeout = None))]
            pub fn request(
                &self,
                method: String,
                path: String,
                query: Option<std::collections::HashMap<String, String>>,
                json: Option<String>,
                headers: Option<std::collections::HashMap<String, String>>,
                idempotent: Option<bool>,
                timeout: Option<f64>,
            ) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                let request = $crate::surface::build_request(&method, path, query, json, headers, idempotent, timeout);
                $crate::surface::send(&self.inner, request)
            }

            /// `GET path`.
            pub fn get(&self, path: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send(&self.inner, Ok(jtl_connect::Request::get(path)))
            }

            /// `POST path` with a JSON body (as text).
            pub fn post(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send(&self.inner, $crate::surface::with_body("POST", path, Some(json)))
            }

            /// `PUT path` with a JSON body (as text).
            pub fn put(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send(&self.inner, $crate::surface::with_body("PUT", path, Some(json)))
            }

            /// `PATCH path` with a JSON body (as text).
            pub fn patch(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send(&self.inner, $crate::surface::with_body("PATCH", path, Some(json)))
            }

            /// `DELETE path`, with an optional JSON body (as text).
            #[uniffi::method(default(json = None))]
            pub fn delete(&self, path: String, json: Option<String>) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send(&self.inner, $crate::surface::with_body("DELETE", path, json))
            }

            /// One page (1-based) of a paginated endpoint.
            #[uniffi::method(default(query = None))]
            pub fn page(
                &self,
                path: String,
                page_number: u64,
                page_size: u32,
                query: Option<std::collections::HashMap<String, String>>,
            ) -> Result<$crate::response::Page, $crate::errors::JtlError> {
                $crate::surface::page(&self.inner, &path, page_number, page_size, query)
            }

            /// Every record of a paginated endpoint, fetched lazily page by page.
            #[uniffi::method(default(query = None, page_size = None))]
            pub fn paginate(
                &self,
                path: String,
                query: Option<std::collections::HashMap<String, String>>,
                page_size: Option<u32>,
            ) -> std::sync::Arc<$crate::paginator::Paginator> {
                $crate::paginator::Paginator::wrap(jtl_connect::ApiClient::paginate(
                    &self.inner,
                    &path,
                    $crate::surface::pairs(query),
                    page_size,
                ))
            }

            /// `request`, as a suspend/async function.
            #[uniffi::method(default(query = None, json = None, headers = None, idempotent = None, timeout = None))]
            pub async fn request_async(
                &self,
                method: String,
                path: String,
                query: Option<std::collections::HashMap<String, String>>,
                json: Option<String>,
                headers: Option<std::collections::HashMap<String, String>>,
                idempotent: Option<bool>,
                timeout: Option<f64>,
            ) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                let request = $crate::surface::build_request(&method, path, query, json, headers, idempotent, timeout);
                $crate::surface::send_async(&self.inner, request).await
            }

            /// `get`, as a suspend/async function.
            pub async fn get_async(&self, path: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send_async(&self.inner, Ok(jtl_connect::Request::get(path))).await
            }

            /// `post`, as a suspend/async function.
            pub async fn post_async(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send_async(&self.inner, $crate::surface::with_body("POST", path, Some(json))).await
            }

            /// `put`, as a suspend/async function.
            pub async fn put_async(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send_async(&self.inner, $crate::surface::with_body("PUT", path, Some(json))).await
            }

            /// `patch`, as a suspend/async function.
            pub async fn patch_async(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send_async(&self.inner, $crate::surface::with_body("PATCH", path, Some(json))).await
            }

            /// `delete`, as a suspend/async function.
            #[uniffi::method(default(json = None))]
            pub async fn delete_async(&self, path: String, json: Option<String>) -> Result<std::sync::Arc<$crate::response::Response>, $crate::errors::JtlError> {
                $crate::surface::send_async(&self.inner, $crate::surface::with_body("DELETE", path, json)).await
            }

            /// `page`, as a suspend/async function.
            #[uniffi::method(default(query = None))]
            pub async fn page_async(
                &self,
                path: String,
                page_number: u64,
                page_size: u32,
                query: Option<std::collections::HashMap<String, String>>,
            ) -> Result<$crate::response::Page, $crate::errors::JtlError> {
                $crate::surface::page_async(&self.inner, path, page_number, page_size, query).await
            }
        }
    };
}

pub(crate) use client_methods;
