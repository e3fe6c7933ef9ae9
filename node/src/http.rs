//! [`HttpOptions`]: timeouts and retries of a client (wraps [`jtl_connect::HttpOptions`]).

use jtl_connect::Result as CoreResult;
use napi_derive::napi;

use crate::convert::millis;

/// Timeouts, retries and `User-Agent` of a client's calls; each one left out keeps the
/// default (30 s per attempt, 90 s per call with retries, 3 retries).
#[napi(object)]
#[derive(Default)]
pub struct HttpOptions {
    /// Time allowed for one attempt (connect, send, read the answer), in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Time allowed for a call including every retry and wait, in milliseconds.
    pub deadline_ms: Option<f64>,
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: Option<u32>,
    /// The longest `Retry-After` waited for, in milliseconds (default 30 s); a longer one
    /// ends in `rate_limited`.
    pub max_retry_after_ms: Option<f64>,
    /// `User-Agent` sent with every request.
    pub user_agent: Option<String>,
}

/// The core options for `options` (defaults where absent).
pub(crate) fn core_options(options: Option<HttpOptions>) -> CoreResult<jtl_connect::HttpOptions> {
    let mut http = jtl_connect::HttpOptions {
        user_agent: format!("jtl-connect-node/{} (node)", env!("CARGO_PKG_VERSION")),
        ..Default::default()
    };
    let Some(options) = options else {
        return Ok(http);
    };
    if let Some(ms) = options.timeout_ms {
        http.timeout = millis("http.timeoutMs", ms)?;
    }
    if let Some(ms) = options.deadline_ms {
        http.deadline = millis("http.deadlineMs", ms)?;
    }
    if let Some(retries) = options.max_retries {
        http.retry.max_retries = retries;
    }
    if let Some(ms) = options.max_retry_after_ms {
        http.retry.max_retry_after = millis("http.maxRetryAfterMs", ms)?;
    }
    if let Some(agent) = options.user_agent {
        http.user_agent = agent;
    }
    Ok(http)
}
