//! [`Response`] (an answer from JTL, with its [`Header`]s and [`RateLimit`]) and [`Page`]
//! (one page of a paginated endpoint), as every client's request methods return them.

use std::fmt;

use serde_json::Value;

use crate::errors::JtlError;

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
