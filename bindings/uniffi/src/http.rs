//! What the three clients share: [`Response`], [`Page`], [`Paginator`], and the request
//! methods (`request/get/post/put/patch/delete/page/paginate`, each also as `...Async`),
//! generated for each client by [`client_methods!`].

use std::{collections::HashMap, fmt, sync::Mutex};

use serde_json::Value;

use crate::error::JtlError;

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

/// A core request from the foreign arguments.
pub(crate) fn build_request(
    method: &str,
    path: String,
    query: Option<HashMap<String, String>>,
    json: Option<String>,
    headers: Option<HashMap<String, String>>,
) -> Result<jtl_connect::Request, JtlError> {
    let mut request = jtl_connect::Request::new(method, path)?;
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

/// The request methods of a client wrapper whose `inner` is the async core client. Blocking
/// methods run on the core's runtime; `...Async` methods are spawned on it.
macro_rules! client_methods {
    ($client:ident) => {
        #[uniffi::export]
        impl $client {
            /// Sends a request: `method` (`GET`, `POST`, ...), `path` relative to the API base,
            /// optional query parameters, JSON body (as text) and extra headers.
            #[uniffi::method(default(query = None, json = None, headers = None))]
            pub fn request(
                &self,
                method: String,
                path: String,
                query: Option<std::collections::HashMap<String, String>>,
                json: Option<String>,
                headers: Option<std::collections::HashMap<String, String>>,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let request = $crate::http::build_request(&method, path, query, json, headers)?;
                let inner = self.inner.clone();
                $crate::runtime::block(async move {
                    jtl_connect::ApiClient::request(&inner, request).await
                })
                .map($crate::http::Response::wrap)
            }

            /// `GET path`.
            pub fn get(
                &self,
                path: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::runtime::block(jtl_connect::ApiClient::get(&self.inner, &path))
                    .map($crate::http::Response::wrap)
            }

            /// `POST path` with a JSON body (as text).
            pub fn post(
                &self,
                path: String,
                json: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let body = $crate::http::parse_json(&json)?;
                $crate::runtime::block(jtl_connect::ApiClient::post(&self.inner, &path, body))
                    .map($crate::http::Response::wrap)
            }

            /// `PUT path` with a JSON body (as text).
            pub fn put(
                &self,
                path: String,
                json: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let body = $crate::http::parse_json(&json)?;
                $crate::runtime::block(jtl_connect::ApiClient::put(&self.inner, &path, body))
                    .map($crate::http::Response::wrap)
            }

            /// `PATCH path` with a JSON body (as text).
            pub fn patch(
                &self,
                path: String,
                json: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let body = $crate::http::parse_json(&json)?;
                $crate::runtime::block(jtl_connect::ApiClient::patch(&self.inner, &path, body))
                    .map($crate::http::Response::wrap)
            }

            /// `DELETE path`.
            pub fn delete(
                &self,
                path: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                $crate::runtime::block(jtl_connect::ApiClient::delete(&self.inner, &path))
                    .map($crate::http::Response::wrap)
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
                let query = $crate::http::pairs(query);
                $crate::runtime::block(jtl_connect::ApiClient::page(
                    &self.inner,
                    &path,
                    &query,
                    page_number,
                    page_size,
                ))
                .map($crate::http::Page::from)
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
            #[uniffi::method(default(query = None, json = None, headers = None))]
            pub async fn request_async(
                &self,
                method: String,
                path: String,
                query: Option<std::collections::HashMap<String, String>>,
                json: Option<String>,
                headers: Option<std::collections::HashMap<String, String>>,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let request = $crate::http::build_request(&method, path, query, json, headers)?;
                let inner = self.inner.clone();
                $crate::runtime::spawn(async move {
                    jtl_connect::ApiClient::request(&inner, request).await
                })
                .await
                .map($crate::http::Response::wrap)
            }

            /// `get`, as a suspend/async function.
            pub async fn get_async(
                &self,
                path: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let inner = self.inner.clone();
                $crate::runtime::spawn(
                    async move { jtl_connect::ApiClient::get(&inner, &path).await },
                )
                .await
                .map($crate::http::Response::wrap)
            }

            /// `post`, as a suspend/async function.
            pub async fn post_async(
                &self,
                path: String,
                json: String,
            ) -> Result<std::sync::Arc<$crate::http::Response>, $crate::error::JtlError> {
                let body = $crate::http::parse_json(&json)?;
                let inner = self.inner.clone();
                $crate::runtime::spawn(async move {
                    jtl_connect::ApiClient::post(&inner, &path, body).await
                })
                .await
                .map($crate::http::Response::wrap)
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
                let query = $crate::http::pairs(query);
                let inner = self.inner.clone();
                $crate::runtime::spawn(async move {
                    jtl_connect::ApiClient::page(&inner, &path, &query, page_number, page_size)
                        .await
                })
                .await
                .map($crate::http::Page::from)
            }
        }
    };
}

pub(crate) use client_methods;
