//! Error answers (`jtl_connect::__fuzz::error_from_answer`) in every dialect, and
//! `Retry-After` (`parse_retry_after`). The first bytes choose the endpoint flavour, the
//! status and the content type; the rest is the body. No panic; the error keeps the status,
//! has one of the documented codes, and says which call answered.
#![no_main]

use std::time::{Duration, SystemTime};

use jtl_connect::__fuzz::{error_from_answer, parse_retry_after};
use libfuzzer_sys::fuzz_target;

const CODES: [&str; 9] = [
    "invalid_credentials",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "rate_limited",
    "api",
    "network",
    "timeout",
];

fuzz_target!(|data: &[u8]| {
    let Some((&[flavor, high, low, kind], body)) = data.split_first_chunk::<4>() else {
        return;
    };
    let flavor = ["api", "token", "scx_auth"][usize::from(flavor % 3)];
    // Error statuses only: 400..=599.
    let status = 400 + u16::from_be_bytes([high, low]) % 200;
    let content_type = match kind % 4 {
        0 => None,
        1 => Some("application/json"),
        2 => Some("text/html; charset=utf-8"),
        _ => Some("text/plain"),
    };
    let retry_after = std::str::from_utf8(body)
        .ok()
        .and_then(|text| parse_retry_after(text, SystemTime::now()));
    if let (Some(wait), Ok(text)) = (retry_after, std::str::from_utf8(body)) {
        // Fractional seconds are capped at 10^9 s; whole seconds and dates are taken as they
        // are (the client refuses to wait past `max_retry_after` anyway).
        let text = text.trim();
        if text.parse::<u64>().is_err() && text.parse::<f64>().is_ok() {
            assert!(
                wait <= Duration::from_secs(1_000_000_000),
                "Retry-After {wait:?}"
            );
        }
    }
    let error = error_from_answer(flavor, "GET /fuzz", status, content_type, body, retry_after);
    assert_eq!(error.status(), Some(status));
    assert!(CODES.contains(&error.code()), "code {}", error.code());
    assert!(
        error.to_string().starts_with("GET /fuzz answered"),
        "{error}"
    );
    if status == 429 && error.code() == "rate_limited" {
        assert_eq!(error.retry_after(), retry_after);
    }
});
