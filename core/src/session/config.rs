//! [`VerifierConfig`]: what a [`crate::SessionVerifier`] accepts and how it caches keys.

use std::{sync::Arc, time::Duration};

use jsonwebtoken::{Algorithm, AlgorithmFamily};

use super::decode::DEFAULT_MAX_TOKEN_BYTES;
use crate::{
    clock::{Clock, SystemClock},
    Error, Result,
};

/// The issuer of JTL's App Shell session tokens.
pub(crate) const JTL_ISSUER: &str = "https://api.jtl-cloud.com";

/// How a [`crate::SessionVerifier`] checks tokens and caches JTL's keys.
///
/// The defaults fit App Shell session tokens: `EdDSA`, issuer `https://api.jtl-cloud.com`,
/// `tenantId` and `userId` required, 60 s leeway. For JTL "app tokens" set
/// `algorithms: vec![Algorithm::RS256]` and an `audience`.
#[derive(Clone, Debug)]
pub struct VerifierConfig {
    /// Signature algorithms accepted (default `[EdDSA]`). The algorithm used is always one of
    /// these, never whatever a token's header asks for. Supported: `EdDSA` (OKP/Ed25519 keys)
    /// and the RSA family `RS256`, `RS384`, `RS512`, `PS256`, `PS384`, `PS512` (RSA keys,
    /// at least 2048 bits; they require an `audience`). HMAC algorithms are refused.
    pub algorithms: Vec<Algorithm>,
    /// The expected `iss` (default `Some("https://api.jtl-cloud.com")`): a token that carries
    /// an `iss` must carry this one (`wrong_issuer`); `None` disables the check. A token
    /// without `iss` is accepted unless [`VerifierConfig::require_issuer`] is set: JTL's
    /// documented session token has none (facts §4.1).
    pub issuer: Option<String>,
    /// Refuse tokens without `iss` (`missing_claim`) while [`VerifierConfig::issuer`] is set
    /// (default `false`).
    pub require_issuer: bool,
    /// If set, refuse tokens that live longer than this (`lifetime_too_long`): `exp - iat`,
    /// or, without `iat`, `exp` minus now (plus the leeway). Default `None`: no limit. Bounds
    /// the damage of a leaked token minted with a far `exp`.
    pub max_lifetime: Option<Duration>,
    /// If set, `aud` (a string or an array) must contain one of these. Required for RSA
    /// algorithms (JTL app tokens are audience-bound).
    pub audience: Option<Vec<String>>,
    /// Tolerated clock difference for `exp`, `nbf` and `iat` (default 60 s).
    pub leeway: Duration,
    /// How long fetched keys are used without asking again (default 10 min). A
    /// `Cache-Control: max-age` of the JWKS answer takes precedence, bounded to 1 min..1 h.
    pub jwks_ttl: Duration,
    /// A token naming an unknown `kid` (or a `kid`-less token no cached key verifies) causes
    /// at most one JWKS fetch per this interval (default 30 s), however many such tokens come.
    pub unknown_kid_cooldown: Duration,
    /// When the JWKS endpoint fails after the keys' TTL, the previous keys are still used for
    /// this long (default 1 h); after that the fetch error is returned.
    pub max_stale: Duration,
    /// Tokens longer than this are refused before any decoding (default 16 KiB).
    pub max_token_bytes: usize,
    /// A token without `kid` in its header (JTL's documented shape; a payload `kid` is the
    /// customer id, never a key id) is tried against at most this many suitable keys, in the
    /// order of the JWKS (default 4); 0 refuses such tokens.
    pub max_keys_tried: usize,
    /// Claims that must be present and not null (default `["tenantId", "userId"]`).
    /// `tenantId` and `userId` must also be non-empty strings when required.
    pub required_claims: Vec<String>,
    /// Size of the cache of already verified tokens (keyed by SHA-256 of the token; default
    /// 1024, 0 turns it off). An entry is never served at or after the token's `exp`, nor
    /// longer than 5 minutes after it was verified.
    pub verified_cache_size: usize,
    /// The clock for `exp`/`nbf`/`iat` and every cache lifetime; tests inject a
    /// [`crate::clock::ManualClock`].
    pub clock: Arc<dyn Clock>,
}

impl Default for VerifierConfig {
    fn default() -> Self {
        Self {
            algorithms: vec![Algorithm::EdDSA],
            issuer: Some(JTL_ISSUER.to_owned()),
            require_issuer: false,
            max_lifetime: None,
            audience: None,
            leeway: Duration::from_secs(60),
            jwks_ttl: Duration::from_secs(600),
            unknown_kid_cooldown: Duration::from_secs(30),
            max_stale: Duration::from_secs(3600),
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            max_keys_tried: 4,
            required_claims: vec!["tenantId".to_owned(), "userId".to_owned()],
            verified_cache_size: 1024,
            clock: Arc::new(SystemClock),
        }
    }
}

impl VerifierConfig {
    /// `config` errors for settings that cannot work or would be unsafe.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.algorithms.is_empty() {
            return Err(Error::config(
                "session verifier: expected at least one algorithm (e.g. EdDSA); found none",
            ));
        }
        for alg in &self.algorithms {
            match alg.family() {
                AlgorithmFamily::Ed | AlgorithmFamily::Rsa => {}
                AlgorithmFamily::Hmac => {
                    return Err(Error::config(format!(
                        "session verifier: {alg:?} is a shared-secret algorithm and cannot be verified with public keys; expected EdDSA or an RSA algorithm"
                    )))
                }
                AlgorithmFamily::Ec => {
                    return Err(Error::config(format!(
                        "session verifier: {alg:?} is not supported; expected EdDSA or an RSA algorithm (RS256, ...)"
                    )))
                }
            }
        }
        let rsa = self
            .algorithms
            .iter()
            .any(|a| a.family() == AlgorithmFamily::Rsa);
        match &self.audience {
            Some(list) if list.is_empty() || list.iter().any(|a| a.trim().is_empty()) => {
                return Err(Error::config(
                    "session verifier: audience: expected a list of non-empty values; found an empty one (use None to skip the check)",
                ))
            }
            None if rsa => {
                return Err(Error::config(
                    "session verifier: RSA algorithms (JTL app tokens) need an audience; found none",
                ))
            }
            _ => {}
        }
        if self.issuer.as_deref().is_some_and(|i| i.trim().is_empty()) {
            return Err(Error::config(
                "session verifier: issuer: expected a URL; found an empty string (use None to skip the check)",
            ));
        }
        if self.max_lifetime.is_some_and(|max| max.is_zero()) {
            return Err(Error::config(
                "session verifier: max_lifetime: expected a positive duration; found 0 (use None for no limit)",
            ));
        }
        if self.max_token_bytes == 0 {
            return Err(Error::config(
                "session verifier: max_token_bytes: expected a positive size; found 0",
            ));
        }
        Ok(())
    }
}
