//! [`Request`]: one API call as the caller describes it.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use crate::{Error, Result};

/// An API request: method, path (relative to the service's base), query, JSON body, headers.
///
/// ```
/// use jtl_connect::Request;
/// let request = Request::get("items").query("pageSize", "50").header("Accept-Language", "en");
/// # let _ = request;
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) json: Option<Value>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) timeout: Option<Duration>,
}

impl Request {
    /// A request with `method` (e.g. `"GET"`, any case) for `path`.
    pub fn new(method: &str, path: impl Into<String>) -> Result<Self> {
        let method = match method.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            "HEAD" => Method::HEAD,
            "OPTIONS" => Method::OPTIONS,
            other => {
                return Err(Error::invalid_input(format!(
                "method: expected GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS; found {other:?}"
            )))
            }
        };
        Ok(Self::with_method(method, path))
    }

    fn with_method(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            json: None,
            headers: Vec::new(),
            idempotent: None,
            timeout: None,
        }
    }

    /// A GET request.
    pub fn get(path: impl Into<String>) -> Self {
        Self::with_method(Method::GET, path)
    }

    /// A POST request.
    pub fn post(path: impl Into<String>) -> Self {
        Self::with_method(Method::POST, path)
    }

    /// A PUT request.
    pub fn put(path: impl Into<String>) -> Self {
        Self::with_method(Method::PUT, path)
    }

    /// A PATCH request.
    pub fn patch(path: impl Into<String>) -> Self {
        Self::with_method(Method::PATCH, path)
    }

    /// A DELETE request.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::with_method(Method::DELETE, path)
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.json = Some(body);
        self
    }

    /// Adds a header (it replaces a client default such as `X-Tenant-ID` of the same name).
    /// `Authorization` cannot be set here: credentials belong to the client.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Declares the request safe to repeat (e.g. a POST with an idempotency key), or not.
    /// By default GET, HEAD, OPTIONS, PUT and DELETE are retried; POST and PATCH are not.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// A timeout for each attempt of this request, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The method.
    pub fn method(&self) -> &str {
        self.method.as_str()
    }

    /// The path.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl Request {
    /// Resolves the path against `base` and merges headers: `defaults` first (the client's
    /// `X-Tenant-ID` and the like), then the request's own, which win on the same name.
    pub(crate) fn into_call(
        self,
        base: &reqwest::Url,
        defaults: &[(&str, String)],
        flavor: super::Flavor,
    ) -> Result<super::Call> {
        let path = self.path.trim();
        if path.contains("://") || path.starts_with("//") {
            return Err(Error::invalid_input(format!(
                "path: expected a path relative to {base} (like \"items/7\"); found an absolute URL"
            )));
        }
        let mut url = base.join(path.trim_start_matches('/')).map_err(|e| {
            Error::invalid_input(format!("path: {path:?} is not a valid URL path ({e})"))
        })?;
        if url.origin() != base.origin() {
            return Err(Error::invalid_input(format!(
                "path: {path:?} leaves {base}"
            )));
        }
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        let mut call = super::Call::new(self.method, url, flavor);
        if let Some(idempotent) = self.idempotent {
            call.idempotent = idempotent;
        }
        call.timeout = self.timeout;
        let own: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let defaults = defaults
            .iter()
            .filter(|(name, _)| !own.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
            .map(|(n, v)| (*n, v.as_str()));
        for (name, value) in defaults.chain(own.iter().copied()) {
            if name.eq_ignore_ascii_case("authorization") {
                return Err(Error::invalid_input(
                    "headers: Authorization cannot be set per request; the client sends its own credentials",
                ));
            }
            let header_name =
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    Error::invalid_input(format!("headers: {name:?} is not a valid header name"))
                })?;
            let header_value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_input(format!(
                    "headers: the value of {name} is not a valid header value"
                ))
            })?;
            call.headers.push((header_name, header_value));
        }
        if let Some(json) = self.json {
            let body = serde_json::to_vec(&json)
                .map_err(|e| Error::invalid_input(format!("json: cannot be serialised ({e})")))?;
            call.body = Some((body.into(), "application/json"));
        }
        Ok(call)
    }
}
