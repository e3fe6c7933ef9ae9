//! The option records (`HttpOptions`, `VerifierOptions`, `AppTokenVerifierOptions`): typed
//! fields in Kotlin and Swift, every one optional (`null`: the core's default), durations in
//! seconds. A record is turned into plain values (camelCase names, as Kotlin spells them) and
//! built by the core's parser (`jtl_connect::options`), so names, defaults and checks live
//! once. `...FromJson` builds a record from JSON text through the same parser, refusing
//! unknown names ("did you mean") and wrong types as Python and Node do; `checkOptions`
//! checks plain values against any of the core's schemas.

use jtl_connect::options::{self, Case, Schema};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::Value;

use crate::errors::JtlError;

/// The `User-Agent` product token of this binding (the core's follows it).
const PRODUCT: &str = concat!("jtl-connect-uniffi/", env!("CARGO_PKG_VERSION"));

/// Timeouts, retries and identification of a client (the core's `http` schema).
#[derive(Clone, Debug, Default, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpOptions {
    /// One attempt's limit in seconds (default 30).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub timeout: Option<f64>,
    /// The whole call's limit, retries and waits included, in seconds (default 90).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub deadline: Option<f64>,
    /// Retries after a 429, 5xx or connection failure (default 3; 0: none).
    #[uniffi(default = None)]
    pub max_retries: Option<u32>,
    /// The longest `Retry-After` waited for, in seconds (default 30).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub max_retry_after: Option<f64>,
    /// Your product token (`my-app/1.0`), sent before jtl-connect's own.
    #[uniffi(default = None)]
    pub user_agent: Option<String>,
}

/// Settings of a session verifier (the core's `session_verifier` schema; durations in
/// seconds).
#[derive(Clone, Debug, Default, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifierOptions {
    /// Accepted algorithms (default `["EdDSA"]`); never taken from the token's header.
    #[uniffi(default = None)]
    pub algorithms: Option<Vec<String>>,
    /// The expected `iss` (default `https://api.jtl-cloud.com`); a token without `iss`
    /// (JTL's documented shape) is accepted unless `requireIssuer` is set.
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    /// `false` turns the issuer check off, as in every language (default true).
    #[uniffi(default = None)]
    pub verify_issuer: Option<bool>,
    /// Refuse tokens without `iss` (default false).
    #[uniffi(default = None)]
    pub require_issuer: Option<bool>,
    /// Refuse tokens that live longer than this (`lifetime_too_long`), in seconds.
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub max_lifetime: Option<f64>,
    /// If set, `aud` must contain one of these.
    #[uniffi(default = None)]
    pub audience: Option<Vec<String>>,
    /// Tolerated clock difference in seconds (default 60).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub leeway: Option<f64>,
    /// Another JWKS URL than the endpoints' one.
    #[uniffi(default = None)]
    pub jwks_url: Option<String>,
    /// How long fetched keys are used, in seconds (default 600).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub jwks_ttl: Option<f64>,
    /// The least time between two refetches for an unknown key id, in seconds (default 30).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub unknown_kid_cooldown: Option<f64>,
    /// How long expired keys keep serving while JTL's JWKS cannot be reached, in seconds
    /// (default 3600).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub max_stale: Option<f64>,
    /// Longer tokens are refused before decoding (`too_large`; default 16384).
    #[uniffi(default = None)]
    pub max_token_bytes: Option<u64>,
    /// Keys tried for a token without a header `kid` (default 4).
    #[uniffi(default = None)]
    pub max_keys_tried: Option<u64>,
    /// Claims a token must carry (default `["tenantId", "userId"]`).
    #[uniffi(default = None)]
    pub required_claims: Option<Vec<String>>,
    /// Verified tokens remembered until their `exp` (default 1024; 0: none).
    #[uniffi(default = None)]
    pub verified_cache_size: Option<u64>,
}

/// Settings of an app-token verifier (the core's `app_token_verifier` schema; durations in
/// seconds).
#[derive(Clone, Debug, Default, Serialize, Deserialize, uniffi::Record)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppTokenVerifierOptions {
    /// The expected `iss` (default the endpoints' `https://id.jtl-cloud.com`).
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    /// Tolerated clock difference in seconds (default 60).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub leeway: Option<f64>,
    /// Refuse tokens that live longer than this (`lifetime_too_long`), in seconds.
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub max_lifetime: Option<f64>,
    /// How long fetched keys are used, in seconds (default 600).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub jwks_ttl: Option<f64>,
    /// The least time between two refetches for an unknown key id, in seconds (default 30).
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub unknown_kid_cooldown: Option<f64>,
    /// How long expired keys keep serving while the JWKS cannot be reached, in seconds.
    #[uniffi(default = None)]
    #[serde(serialize_with = "seconds")]
    pub max_stale: Option<f64>,
    /// Longer tokens are refused before decoding (`too_large`; default 16384).
    #[uniffi(default = None)]
    pub max_token_bytes: Option<u64>,
    /// Verified tokens remembered until their `exp` (default 1024; 0: none).
    #[uniffi(default = None)]
    pub verified_cache_size: Option<u64>,
}

/// A duration as the core's parser takes it; NaN and infinities as text, so the core refuses
/// them (`null` would mean "the default").
fn seconds<S: serde::Serializer>(value: &Option<f64>, to: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) if !v.is_finite() => to.serialize_str(&v.to_string()),
        other => other.serialize(to),
    }
}

/// A record as the core's parser takes it: an object of camelCase names (`null`: default).
pub(crate) fn plain<T: Serialize>(record: &T) -> Value {
    serde_json::to_value(record).unwrap_or(Value::Null)
}

/// JSON text checked against `schema` by the core, then read as the record `T`.
fn from_json<T: DeserializeOwned>(schema: Schema, json: &str) -> Result<T, JtlError> {
    let value = crate::surface::parse_json(json)?;
    schema.parse(value.clone(), Case::Camel)?;
    serde_json::from_value(value)
        .map_err(|e| JtlError::invalid_input(format!("{}: {e}", options::camel_case(schema.name))))
}

impl HttpOptions {
    /// The core's HTTP options, built and checked by the core.
    pub(crate) fn core(options: Option<Self>) -> Result<jtl_connect::HttpOptions, JtlError> {
        Ok(options::http_options(
            plain(&options.unwrap_or_default()),
            Case::Camel,
            PRODUCT,
        )?)
    }
}

/// `HttpOptions` from JSON text (`{"timeout": 5, "maxRetries": 0}`), checked by the core:
/// an unknown name or a wrong type is `InvalidInput` naming it.
#[uniffi::export]
pub fn http_options_from_json(json: String) -> Result<HttpOptions, JtlError> {
    from_json(options::HTTP, &json)
}

/// `VerifierOptions` from JSON text (`{"leeway": 5, "verifyIssuer": false}`), checked by the
/// core: an unknown name or a wrong type is `InvalidInput` naming it.
#[uniffi::export]
pub fn verifier_options_from_json(json: String) -> Result<VerifierOptions, JtlError> {
    from_json(options::SESSION_VERIFIER, &json)
}

/// `AppTokenVerifierOptions` from JSON text, checked by the core.
#[uniffi::export]
pub fn app_token_verifier_options_from_json(
    json: String,
) -> Result<AppTokenVerifierOptions, JtlError> {
    from_json(options::APP_TOKEN_VERIFIER, &json)
}

/// Checks plain option values (JSON text, camelCase names) against the core's schema
/// `schema` (`cloudClient`, `wawiClient`, `scxClient`, `accountStore`, `http`, ...): an
/// unknown name or a wrong type is `InvalidInput` naming it, with a "did you mean".
#[uniffi::export]
pub fn check_options(schema: String, json: String) -> Result<(), JtlError> {
    let found = options::ALL
        .iter()
        .find(|s| s.name == schema || options::camel_case(s.name) == schema)
        .ok_or_else(|| {
            JtlError::invalid_input(format!(
                "schema: expected one of {}; found {schema:?}",
                options::ALL
                    .iter()
                    .map(|s| options::camel_case(s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    found.parse(crate::surface::parse_json(&json)?, Case::Camel)?;
    Ok(())
}
