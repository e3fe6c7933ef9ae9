//! [`Response`]: a successful API answer (wraps [`jtl_connect::Response`]).

use napi::{
    bindgen_prelude::{Function, JsObjectValue, Object, Unknown},
    Env, JsString, JSON,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::errors::check;

/// `JSON.parse(text)`: V8's own parser builds the objects, several times faster than
/// converting serde values through napi one property at a time (issue 19).
pub(crate) fn parse<'env>(env: &'env Env, text: &str) -> napi::Result<Unknown<'env>> {
    let json: JSON<'env> = env.get_global()?.get_named_property_unchecked("JSON")?;
    let parse: Function<'env, JsString<'env>, Unknown<'env>> =
        json.get_named_property_unchecked("parse")?;
    parse.call(env.create_string(text)?)
}

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

    /// The body parsed as JSON (by `JSON.parse`); a body that is not JSON throws
    /// `JtlError` `api`.
    #[napi(ts_return_type = "any")]
    pub fn json<'env>(&self, env: &'env Env) -> napi::Result<Unknown<'env>> {
        if let Ok(text) = std::str::from_utf8(self.inner.bytes()) {
            if let Ok(value) = parse(env, text) {
                return Ok(value);
            }
        }
        // Not JSON: the core's parser says why, as the `api` error every language raises.
        let value: Value = check(env, self.inner.json())?;
        env.to_js_value(&value)
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

/// One page of a paginated endpoint (the shape [`PageText::into_js`] builds; declared here for
/// the TypeScript declarations).
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

/// A page whose records are the JSON text the server sent (the core never parses them),
/// parsed on the JavaScript thread by `JSON.parse` ([`parse`]); becomes the [`Page`] object.
pub(crate) struct PageText {
    page: jtl_connect::Page<jtl_connect::ItemsJson>,
}

impl From<jtl_connect::Page<jtl_connect::ItemsJson>> for PageText {
    fn from(page: jtl_connect::Page<jtl_connect::ItemsJson>) -> Self {
        Self { page }
    }
}

impl PageText {
    /// The [`Page`] object, its `items` from `JSON.parse`.
    pub(crate) fn into_js(self, env: &Env) -> napi::Result<Object<'_>> {
        let page = self.page;
        let mut object = Object::new(env)?;
        object.set_named_property("items", parse(env, &page.items.json)?)?;
        object.set_named_property("pageNumber", page.page_number as f64)?;
        object.set_named_property("pageSize", page.page_size.map(|n| n as f64))?;
        object.set_named_property("totalItems", page.total_items.map(|n| n as f64))?;
        object.set_named_property("totalPages", page.total_pages.map(|n| n as f64))?;
        object.set_named_property("nextPage", page.next_page.map(|n| n as f64))?;
        Ok(object)
    }
}
