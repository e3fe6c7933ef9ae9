//! [`Response`]: a successful API answer (wraps [`jtl_connect::Response`]).

use napi::Env;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::errors::check;

/// A successful (2xx) answer; error answers reject with a `JtlError` instead.
#[napi]
pub struct Response {
    inner: jtl_connect::Response,
}

impl From<jtl_connect::Response> for Response {
    fn from(inner: jtl_connect::Response) -> Self {
        Self { inner }
    }
}

/// JTL's rate-limit headers of an answer.
#[napi(object)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests per interval.
    pub limit: Option<f64>,
    /// `X-RateLimit-Remaining`: requests left in this interval.
    pub remaining: Option<f64>,
    /// `X-RateLimit-Interval-Length-Seconds`.
    pub interval_secs: Option<f64>,
}

#[napi]
impl Response {
    /// The HTTP status.
    #[napi(getter)]
    pub fn status(&self) -> u32 {
        u32::from(self.inner.status())
    }

    /// Always `true`: error answers reject instead (as `fetch`'s `ok`).
    #[napi(getter)]
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.inner.status())
    }

    /// The headers, names in lower case; repeated headers joined with `", "`.
    #[napi(getter, ts_return_type = "Record<string, string>")]
    pub fn headers(&self) -> Map<String, Value> {
        let mut headers: Map<String, Value> = Map::new();
        for (name, value) in self.inner.headers() {
            let name = name.to_ascii_lowercase();
            match headers.get_mut(&name) {
                Some(Value::String(existing)) => {
                    existing.push_str(", ");
                    existing.push_str(value);
                }
                _ => {
                    headers.insert(name, Value::String(value.clone()));
                }
            }
        }
        headers
    }

    /// The first value of a header (name matched case-insensitively), or `null`.
    #[napi]
    pub fn header(&self, name: String) -> Option<String> {
        self.inner.header(&name).map(str::to_owned)
    }

    /// The body as text.
    #[napi(getter)]
    pub fn text(&self) -> String {
        self.inner.text()
    }

    /// The body parsed as JSON; a body that is not JSON throws `JtlError` `api`.
    #[napi(ts_return_type = "any")]
    pub fn json(&self, env: &Env) -> napi::Result<Value> {
        check(env, self.inner.json())
    }

    /// JTL's rate-limit headers, or `null` if the service sent none.
    #[napi(getter)]
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.inner.rate_limit().map(|limit| RateLimit {
            limit: limit.limit.map(|n| n as f64),
            remaining: limit.remaining.map(|n| n as f64),
            interval_secs: limit.interval_secs.map(|n| n as f64),
        })
    }

    /// `{ status, headers }` (the body is left out: call `json()` or read `text`).
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ status: number; headers: Record<string, string> }"
    )]
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "status": self.status(), "headers": self.headers() })
    }

    /// `Response(<status>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("Response({})", self.inner.status())
    }
}

/// One page of a paginated endpoint.
#[napi(object)]
pub struct Page {
    /// The records of this page.
    #[napi(ts_type = "any[]")]
    pub items: Vec<Value>,
    /// 1-based number of this page.
    pub page_number: f64,
    /// Records per page, if the server said.
    pub page_size: Option<f64>,
    /// Records in all pages, if the server said.
    pub total_items: Option<f64>,
    /// Number of pages, if the server said.
    pub total_pages: Option<f64>,
    /// The next page's number, or `null` on the last page.
    pub next_page: Option<f64>,
}

impl From<jtl_connect::Page> for Page {
    fn from(page: jtl_connect::Page) -> Self {
        Self {
            items: page.items,
            page_number: page.page_number as f64,
            page_size: page.page_size.map(|n| n as f64),
            total_items: page.total_items.map(|n| n as f64),
            total_pages: page.total_pages.map(|n| n as f64),
            next_page: page.next_page.map(|n| n as f64),
        }
    }
}
