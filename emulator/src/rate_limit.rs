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

/// SCX's published per-route limits (facts §3.2, production): the most specific pattern
/// matching `path`, with its limit and window. Returns `(pattern, limit, interval_secs)`.
pub(crate) fn scx_route(path: &str) -> (&'static str, u32, u64) {
    // Most specific first; `v[version]` stands for any version segment.
    const ROUTES: [(&str, u32, u64); 7] = [
        ("/channel/attribute/category", 86_400, 86_400),
        ("/channel/attribute/global", 10, 3600),
        ("/channel/categories", 10, 3600),
        ("/channel/offer", 1500, 60),
        ("/channel/event", 240, 60),
        ("/channel/order", 600, 60),
        ("/channel", 60, 60),
    ];
    let rest = path
        .strip_prefix("/v")
        .and_then(|p| p.split_once('/'))
        .filter(|(version, _)| !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()))
        .map(|(_, rest)| format!("/{rest}"));
    if let Some(rest) = rest {
        for (pattern, limit, interval) in ROUTES {
            if rest.starts_with(pattern) {
                return (pattern, limit, interval);
            }
        }
    }
    ("default", 10, 60)
}

#[cfg(test)]
mod tests {
    use super::scx_route;

    #[test]
    fn every_scx_row_of_facts_3_2_maps_to_its_limit() {
        // facts §3.2, one row per line.
        let rows = [
            ("/v1/auth", 10, 60),
            ("/v1/seller/channel/MYCHANNEL", 10, 60),
            ("/v1/channel/seller", 60, 60),
            ("/v2/channel/order/status", 600, 60),
            ("/v1/channel/event", 240, 60),
            ("/v1/channel/offer/listed", 1500, 60),
            ("/v1/channel/attribute/category/42", 86_400, 86_400),
            ("/v1/channel/attribute/global", 10, 3600),
            ("/v1/channel/categories", 10, 3600),
        ];
        for (path, limit, interval) in rows {
            let (_, l, i) = scx_route(path);
            assert_eq!((l, i), (limit, interval), "{path}");
        }
    }
}
