//! Request options from JavaScript as a core [`jtl_connect::Request`].

use jtl_connect::{
    options::{Schema, REQUEST},
    Request, Result as CoreResult,
};
use napi::{
    bindgen_prelude::{FromNapiValue, Object},
    Env,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::{
    convert::{header_pairs, query_pairs},
    options::{Checked, Named},
};

/// The options of `request(method, path, options)`, `get(path, options)` and the other
/// helpers (core's `request` schema; `request({ method, path, ...options })` adds the two).
#[napi(object)]
#[derive(Default)]
pub struct RequestOptions {
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

impl Named for RequestOptions {
    const SCHEMA: Schema = REQUEST;
}

/// [`RequestOptions`] in `request({ method, path, ...options })`, which adds the two names.
struct RequestCall(RequestOptions);

impl Named for RequestCall {
    const SCHEMA: Schema = REQUEST;
    const EXTRA: &'static [&'static str] = &["method", "path"];
}

impl FromNapiValue for RequestCall {
    #[allow(unsafe_code)] // napi-rs's conversion trait, forwarding to RequestOptions'
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        // SAFETY: the caller's env and value, handed on unchanged.
        unsafe { RequestOptions::from_napi_value(env, value) }.map(Self)
    }
}

/// `request({ method, path, ...options })`: the method (default `GET`), the path and the
/// options, names checked against core's `request` schema plus `method` and `path`.
pub(crate) fn call_object(
    env: &Env,
    object: &Object<'_>,
) -> napi::Result<(String, Option<String>, RequestOptions)> {
    let method: Option<String> = object.get("method")?;
    let path: Option<String> = object.get("path")?;
    let options = Checked::<RequestCall>::from_object(env, object)?;
    Ok((method.unwrap_or_else(|| "GET".to_owned()), path, options.0))
}

/// A core request for `method path` with `options`.
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
