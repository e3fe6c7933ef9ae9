//! JTL's ERP rate limit: a fixed window per client and tenant, announced in
//! `X-RateLimit-Limit`, `X-RateLimit-Interval-Length-Seconds` and `X-RateLimit-Remaining`.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue};

#[derive(Default)]
pub(crate) struct RateLimiter {
    windows: HashMap<(String, String), Window>,
}

struct Window {
    started: i64,
    used: u32,
}

/// Where a caller stands in its window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Quota {
    limit: u32,
    interval_secs: u64,
    remaining: u32,
    /// Seconds until the window starts anew (at least 1).
    pub(crate) reset_in: i64,
}

impl RateLimiter {
    /// Counts one request; `Err` when the window's limit was already reached.
    pub(crate) fn hit(
        &mut self,
        client: &str,
        tenant: &str,
        limit: u32,
        interval_secs: u64,
        now: i64,
    ) -> Result<Quota, Quota> {
        let interval = i64::try_from(interval_secs).unwrap_or(i64::MAX).max(1);
        let window = self
            .windows
            .entry((client.to_owned(), tenant.to_owned()))
            .or_insert(Window {
                started: now,
                used: 0,
            });
        if now >= window.started.saturating_add(interval) {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        let allowed = window.used < limit;
        if allowed {
            window.used += 1;
        }
        let quota = Quota {
            limit,
            interval_secs,
            remaining: limit.saturating_sub(window.used),
            reset_in: (window.started.saturating_add(interval) - now).max(1),
        };
        if allowed {
            Ok(quota)
        } else {
            Err(quota)
        }
    }
}

impl Quota {
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert(
            "x-ratelimit-interval-length-seconds",
            HeaderValue::from(self.interval_secs),
        );
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
    }
}
