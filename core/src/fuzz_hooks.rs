//! One-line doors to internal parsers for the cargo-fuzz targets in `fuzz/`. Hidden from the
//! docs and not covered by semver: nothing here is API.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::{
    http::errors::Flavor, token::IssuedToken, Error, Result, SessionClaims, VerifierConfig,
};

/// JWKS parsing: (usable keys, skipped keys) or why the document is unusable.
pub fn parse_jwks(document: &Value) -> std::result::Result<(usize, usize), String> {
    crate::session::keys::parse_jwks(document).map(|(keys, skipped)| (keys.len(), skipped))
}

/// The cache lifetime a JWKS answer's `Cache-Control` gives.
pub fn jwks_ttl(cache_control: Option<&str>, default: Duration) -> Duration {
    crate::session::jwks::ttl_from(cache_control, default)
}

/// An OAuth token answer.
pub fn oauth_token(body: &Value, now: SystemTime) -> Result<IssuedToken> {
    crate::token::response::oauth(body, now)
}

/// An SCX auth answer.
pub fn scx_token(body: &Value, now: SystemTime) -> Result<IssuedToken> {
    crate::token::response::scx(body, now)
}

/// An error answer; `flavor` is `"token"`, `"scx_auth"` or anything else for an API call.
pub fn error_from_answer(
    flavor: &str,
    what: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Error {
    let flavor = match flavor {
        "token" => Flavor::TokenEndpoint,
        "scx_auth" => Flavor::ScxAuth,
        _ => Flavor::Api,
    };
    crate::http::errors::from_answer(flavor, what, status, content_type, body, retry_after)
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    crate::http::retry::parse_retry_after(value, now)
}

/// The claim checks behind the signature, at `now` (Unix seconds).
pub fn check_claims(
    claims: Map<String, Value>,
    config: &VerifierConfig,
    now: i64,
) -> Result<SessionClaims> {
    crate::session::claims::check(
        claims,
        config,
        now,
        crate::session::claims::TokenKind::Session,
    )
}
