//! [`Response`]: what an API call returned, read in full, with JTL's rate-limit headers.

use std::fmt;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::{error::ApiDetail, Error, Result};

/// JTL's rate-limit headers of a response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Limit`: requests per interval.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`: requests left in this interval.
    pub remaining: Option<u64>,
    /// `X-RateLimit-Interval-Length-Seconds`.
    pub interval_secs: Option<u64>,
}

/// A successful (2xx) answer. Error answers become [`Error`]s instead.
#[derive(Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) what: String,
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers, names in lower case, in the order received.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (`serde_json::Value` or any `Deserialize` type).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::Api {
            message: format!(
                "{}: expected a JSON body; could not parse it: {e}",
                self.what
            ),
            detail: ApiDetail {
                status: self.status,
                ..ApiDetail::default()
            },
        })
    }

    /// The rate-limit headers, if the service sent any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        let number = |name: &str| self.header(name).and_then(|v| v.trim().parse::<u64>().ok());
        let limit = RateLimit {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            interval_secs: number("x-ratelimit-interval-length-seconds"),
        };
        (limit != RateLimit::default()).then_some(limit)
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("request", &self.what)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}
