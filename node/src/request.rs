//! Request options from JavaScript as a core [`jtl_connect::Request`].

use jtl_connect::{options::REQUEST, Request, Result as CoreResult};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::convert::{header_pairs, query_pairs};

/// One API call: `client.request({ method, path, params, json, headers })`, or the options
/// of `request(method, path, options)`, `get(path, options)` and the other helpers.
#[napi(object)]
#[derive(Default)]
pub struct RequestOptions {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD` or `OPTIONS` (any case).
    pub method: Option<String>,
    /// Path relative to the service's base, e.g. `"items/7"`.
    pub path: Option<String>,
    /// Query parameters: `{ pageSize: 50, tag: ["a", "b"] }` (arrays repeat the name;
    /// `null`/`undefined` are left out) or `[name, value]` pairs.
    #[napi(
        ts_type = "Record<string, string | number | boolean | null | undefined | Array<string | number | boolean>> | Array<[string, string | number | boolean]>"
    )]
    pub params: Option<Value>,
    /// A JSON body.
    pub json: Option<Value>,
    /// Extra headers; they replace the client's defaults (`X-Tenant-ID`, ...) of the same
    /// name. `Authorization` cannot be set: the client sends its own credentials.
    #[napi(ts_type = "Record<string, string | number | boolean>")]
    pub headers: Option<Map<String, Value>>,
    /// Whether the call may be repeated after a failure. Default: GET, HEAD, OPTIONS, PUT
    /// and DELETE yes; POST and PATCH no.
    pub idempotent: Option<bool>,
    /// Timeout of each attempt in seconds, instead of the client's.
    pub timeout: Option<f64>,
}

/// A core request for `method path` with `options` (their own `method`/`path` are ignored
/// here: the caller has already chosen).
pub(crate) fn build(method: &str, path: &str, options: RequestOptions) -> CoreResult<Request> {
    let mut request = Request::new(method, path)?;
    for (name, value) in query_pairs(options.params)? {
        request = request.query(name, value);
    }
    for (name, value) in header_pairs(options.headers)? {
        request = request.header(name, value);
    }
    if let Some(json) = options.json {
        request = request.json(json);
    }
    if let Some(idempotent) = options.idempotent {
        request = request.idempotent(idempotent);
    }
    let durations = crate::options::durations(REQUEST, &[("timeout", options.timeout)])?;
    if let Some(timeout) = durations.seconds("timeout") {
        request = request.timeout(timeout);
    }
    Ok(request)
}
