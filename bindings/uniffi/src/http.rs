//! What the three clients share: [`Response`], [`Page`], [`Paginator`], and the request
//! methods (`request/get/post/put/patch/delete/page/paginate`, each also as `...Async`),
//! generated for each client by [`client_methods!`].

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, Mutex},
};

use jtl_connect::{
    options::{Case, REQUEST},
    ApiClient, Request,
};
use serde_json::Value;

use crate::{
    error::JtlError,
    runtime::{block, spawn},
};

/// An answer from JTL (any 2xx; error statuses become a `JtlError`).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct Response {
    inner: jtl_connect::Response,
}

impl Response {
    pub(crate) fn wrap(inner: jtl_connect::Response) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self { inner })
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

#[uniffi::export]
impl Response {
    /// The HTTP status.
    pub fn status(&self) -> i32 {
        i32::from(self.inner.status())
    }

    /// The headers, names in lower case, in the order received (a name may repeat).
    pub fn headers(&self) -> Vec<Header> {
        self.inner
            .headers()
            .iter()
            .map(|(name, value)| Header {
                name: name.clone(),
                value: value.clone(),
            })
            .collect()
    }

    /// The first value of a header (any case), if present.
    pub fn header(&self, name: String) -> Option<String> {
        self.inner.header(&name).map(str::to_owned)
    }

    /// JTL's rate-limit headers, if the answer had them.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate_limit().map(|r| RateLimit {
            limit: r.limit,
            remaining: r.remaining,
            interval_seconds: r.interval_secs,
        })
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        self.inner.text()
    }

    /// The body as JSON text, checked to be valid JSON (`api` error otherwise); parse it with
    /// the JSON library of your choice.
    pub fn json(&self) -> Result<String, JtlError> {
        let value: Value = self.inner.json()?;
        Ok(value.to_string())
    }
}

/// One response header.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Header {
    /// The name (lower case).
    pub name: String,
    /// The value.
    pub value: String,
}

/// JTL's rate-limit headers (`X-RateLimit-*`).
#[derive(Clone, Debug, uniffi::Record)]
pub struct RateLimit {
    /// Requests allowed per interval.
    pub limit: Option<u64>,
    /// Requests left in this interval.
    pub remaining: Option<u64>,
    /// The interval's length in seconds.
    pub interval_seconds: Option<u64>,
}

/// One page of a paginated endpoint; `items` are JSON texts.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Page {
    /// The records of this page, each as JSON text.
    pub items: Vec<String>,
    /// The page number (1-based).
    pub page_number: u64,
    /// The page size, as the server said.
    pub page_size: Option<u64>,
    /// `totalItems`, if the server said.
    pub total_items: Option<u64>,
    /// `totalPages`, if the server said.
    pub total_pages: Option<u64>,
    /// The next page's number, or none after the last.
    pub next_page: Option<u64>,
}

impl From<jtl_connect::Page> for Page {
    fn from(page: jtl_connect::Page) -> Self {
        Self {
            items: page.items.iter().map(Value::to_string).collect(),
            page_number: page.page_number,
            page_size: page.page_size,
            total_items: page.total_items,
            total_pages: page.total_pages,
            next_page: page.next_page,
        }
    }
}

/// Every record of a paginated endpoint, fetched page by page as it is consumed (blocking).
#[derive(uniffi::Object)]
pub struct Paginator {
    inner: Mutex<jtl_connect::blocking::Paginator>,
}

impl Paginator {
    pub(crate) fn wrap(inner: jtl_connect::Paginator) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self {
            inner: Mutex::new(jtl_connect::blocking::Paginator::new(inner)),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, jtl_connect::blocking::Paginator> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl Paginator {
    /// The next record as JSON text, or none after the last.
    pub fn next_item(&self) -> Result<Option<String>, JtlError> {
        match self.lock().next() {
            Some(Ok(item)) => Ok(Some(item.to_string())),
            Some(Err(e)) => Err(e.into()),
            None => Ok(None),
        }
    }

    /// The next whole page, or none after the last.
    pub fn next_page(&self) -> Result<Option<Page>, JtlError> {
        Ok(self.lock().next_page()?.map(Page::from))
    }

    /// `totalItems` as the last page said.
    pub fn total_items(&self) -> Option<u64> {
        self.lock().total_items()
    }

    /// Every remaining record, as JSON texts.
    pub fn collect_all(&self) -> Result<Vec<String>, JtlError> {
        let mut guard = self.lock();
        let mut items = Vec::new();
        for item in guard.by_ref() {
            items.push(item?.to_string());
        }
        Ok(items)
    }
}

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
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let request = $crate::http::build_request(&method, path, query, json, headers, idempotent, timeout);
                $crate::http::send(&self.inner, request)
            }

            /// `GET path`.
            pub fn get(&self, path: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send(&self.inner, Ok(jtl_connect::Request::get(path)))
            }

            /// `POST path` with a JSON body (as text).
            pub fn post(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send(&self.inner, $crate::http::with_body("POST", path, Some(json)))
            }

            /// `PUT path` with a JSON body (as text).
            pub fn put(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send(&self.inner, $crate::http::with_body("PUT", path, Some(json)))
            }

            /// `PATCH path` with a JSON body (as text).
            pub fn patch(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send(&self.inner, $crate::http::with_body("PATCH", path, Some(json)))
            }

            /// `DELETE path`, with an optional JSON body (as text).
            #[uniffi::method(default(json = None))]
            pub fn delete(&self, path: String, json: Option<String>) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send(&self.inner, $crate::http::with_body("DELETE", path, json))
            }

            /// One page (1-based) of a paginated endpoint.
            #[uniffi::method(default(query = None))]
            pub fn page(
                &self,
                path: String,
                page_number: u64,
                page_size: u32,
                query: Option<std::collections::HashMap<String, String>>,
            ) -> Result<$crate::http::Page, $crate::error::JtlError> {
                $crate::http::page(&self.inner, &path, page_number, page_size, query)
            }

            /// Every record of a paginated endpoint, fetched lazily page by page.
            #[uniffi::method(default(query = None, page_size = None))]
            pub fn paginate(
                &self,
                path: String,
                query: Option<std::collections::HashMap<String, String>>,
                page_size: Option<u32>,
            ) -> std::sync::Arc<$crate::http::Paginator> {
                $crate::http::Paginator::wrap(jtl_connect::ApiClient::paginate(
                    &self.inner,
                    &path,
                    $crate::http::pairs(query),
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
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let request = $crate::http::build_request(&method, path, query, json, headers, idempotent, timeout);
                $crate::http::send_async(&self.inner, request).await
            }

            /// `get`, as a suspend/async function.
            pub async fn get_async(&self, path: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send_async(&self.inner, Ok(jtl_connect::Request::get(path))).await
            }

            /// `post`, as a suspend/async function.
            pub async fn post_async(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send_async(&self.inner, $crate::http::with_body("POST", path, Some(json))).await
            }

            /// `put`, as a suspend/async function.
            pub async fn put_async(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send_async(&self.inner, $crate::http::with_body("PUT", path, Some(json))).await
            }

            /// `patch`, as a suspend/async function.
            pub async fn patch_async(&self, path: String, json: String) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send_async(&self.inner, $crate::http::with_body("PATCH", path, Some(json))).await
            }

            /// `delete`, as a suspend/async function.
            #[uniffi::method(default(json = None))]
            pub async fn delete_async(&self, path: String, json: Option<String>) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::http::send_async(&self.inner, $crate::http::with_body("DELETE", path, json)).await
            }

            /// `page`, as a suspend/async function.
            #[uniffi::method(default(query = None))]
            pub async fn page_async(
                &self,
                path: String,
                page_number: u64,
                page_size: u32,
                query: Option<std::collections::HashMap<String, String>>,
            ) -> Result<$crate::http::Page, $crate::error::JtlError> {
                $crate::http::page_async(&self.inner, path, page_number, page_size, query).await
            }
        }
    };
}

pub(crate) use client_methods;
