//! Session-token verification and inspection (wraps [`jtl_connect::SessionVerifier`] and
//! [`jtl_connect::decode_unverified`]).

use std::{sync::Arc, time::Duration};

use jtl_connect::{Algorithm, VerifierConfig};
use serde_json::Value;

use crate::{
    error::JtlError,
    runtime::{block, spawn},
};

/// The claims of a verified App Shell session token (or JTL app token).
#[derive(Clone, Debug, uniffi::Record)]
pub struct SessionClaims {
    /// `tenantId` (session token) or `urn:jtl:tenant_id` (app token).
    pub tenant_id: String,
    /// `userId` (session token) or `sub` (app token).
    pub user_id: String,
    /// The customer id: a session token's payload `kid` (never a key id).
    pub customer_id: Option<String>,
    /// `urn:jtl:app_id` of an app token.
    pub app_id: Option<String>,
    /// `tenantSlug`, if present.
    pub tenant_slug: Option<String>,
    /// `exp`, Unix seconds.
    pub expires_at: i64,
    /// Every claim, as a JSON object text.
    pub claims: String,
}

impl From<jtl_connect::SessionClaims> for SessionClaims {
    fn from(claims: jtl_connect::SessionClaims) -> Self {
        Self {
            tenant_id: claims.tenant_id,
            user_id: claims.user_id,
            customer_id: claims.customer_id,
            app_id: claims.app_id,
            tenant_slug: claims.tenant_slug,
            expires_at: claims.expires_at,
            claims: Value::Object(claims.claims).to_string(),
        }
    }
}

/// Settings of a [`SessionVerifier`]; every field is optional (the core's defaults apply).
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct VerifierOptions {
    /// Accepted algorithms (default `["EdDSA"]`); never taken from the token's header.
    #[uniffi(default = None)]
    pub algorithms: Option<Vec<String>>,
    /// The expected `iss` (default `https://api.jtl-cloud.com`): a present `iss` must match;
    /// an empty string turns the check off. A token without `iss` (JTL's documented shape)
    /// is accepted unless `require_issuer` is set.
    #[uniffi(default = None)]
    pub issuer: Option<String>,
    /// `false` turns the issuer check off, as in every language (default true).
    #[uniffi(default = None)]
    pub verify_issuer: Option<bool>,
    /// Refuse tokens without `iss` (default false).
    #[uniffi(default = None)]
    pub require_issuer: Option<bool>,
    /// Refuse tokens that live longer than this many seconds (`lifetime_too_long`).
    #[uniffi(default = None)]
    pub max_lifetime_seconds: Option<u64>,
    /// If set, `aud` must contain one of these.
    #[uniffi(default = None)]
    pub audience: Option<Vec<String>>,
    /// Tolerated clock difference in seconds (default 60).
    #[uniffi(default = None)]
    pub leeway_seconds: Option<u64>,
    /// How long fetched keys are used, in seconds (default 600).
    #[uniffi(default = None)]
    pub jwks_ttl_seconds: Option<u64>,
    /// Another JWKS URL than the endpoints' one.
    #[uniffi(default = None)]
    pub jwks_url: Option<String>,
}

impl VerifierOptions {
    fn config(self) -> Result<VerifierConfig, JtlError> {
        let mut config = VerifierConfig::default();
        if let Some(names) = self.algorithms {
            config.algorithms = names
                .iter()
                .map(|name| {
                    name.parse::<Algorithm>().map_err(|_| {
                        JtlError::invalid_input(format!(
                            "algorithms: expected EdDSA, RS256, RS384, RS512, PS256, PS384 or PS512; found {name:?}"
                        ))
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(issuer) = self.issuer {
            config.issuer = (!issuer.is_empty()).then_some(issuer);
        }
        if self.verify_issuer == Some(false) {
            config.issuer = None;
        }
        config.require_issuer = self.require_issuer.unwrap_or(false);
        config.max_lifetime = self.max_lifetime_seconds.map(Duration::from_secs);
        if self.audience.is_some() {
            config.audience = self.audience;
        }
        if let Some(secs) = self.leeway_seconds {
            config.leeway = Duration::from_secs(secs);
        }
        if let Some(secs) = self.jwks_ttl_seconds {
            config.jwks_ttl = Duration::from_secs(secs);
        }
        Ok(config)
    }
}

/// Verifies App Shell session tokens against JTL's JWKS (cached, rotated keys picked up,
/// algorithms from the allow-list only).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SessionVerifier {
    inner: jtl_connect::SessionVerifier,
}

impl SessionVerifier {
    pub(crate) fn build(
        client: &jtl_connect::CloudClient,
        mut options: VerifierOptions,
    ) -> Result<Arc<Self>, JtlError> {
        let jwks_url = options.jwks_url.take();
        let config = options.config()?;
        let inner = match jwks_url {
            Some(url) => jtl_connect::SessionVerifier::with_jwks_url(client, &url, config)?,
            None => jtl_connect::SessionVerifier::new(client, config)?,
        };
        Ok(Arc::new(Self { inner }))
    }
}

impl SessionVerifier {
    /// A verifier of `app_id`'s JTL app tokens from `issuer` (default: the endpoints'); of
    /// `options` only the leeway and the lifetime limit apply.
    pub(crate) fn app(
        client: &jtl_connect::CloudClient,
        app_id: &str,
        issuer: Option<String>,
        options: VerifierOptions,
    ) -> Result<Arc<Self>, JtlError> {
        let mut config = VerifierConfig::default();
        if let Some(secs) = options.leeway_seconds {
            config.leeway = Duration::from_secs(secs);
        }
        config.max_lifetime = options.max_lifetime_seconds.map(Duration::from_secs);
        let inner = client.app_token_verifier_with(app_id, issuer.as_deref(), config)?;
        Ok(Arc::new(Self { inner }))
    }
}

#[uniffi::export]
impl SessionVerifier {
    /// The claims of `token` if it is valid; a `TokenInvalid` error with a `reason` if not.
    pub fn verify(&self, token: String) -> Result<SessionClaims, JtlError> {
        block(self.inner.verify(&token)).map(SessionClaims::from)
    }

    /// Counters: JWKS fetches, signature checks, verified-cache hits.
    pub fn stats(&self) -> VerifierStats {
        let stats = self.inner.stats();
        VerifierStats {
            jwks_fetches: stats.jwks_fetches,
            signature_checks: stats.signature_checks,
            cache_hits: stats.cache_hits,
        }
    }

    /// `verify`, as a suspend/async function.
    pub async fn verify_async(&self, token: String) -> Result<SessionClaims, JtlError> {
        let inner = self.inner.clone();
        spawn(async move { inner.verify(&token).await })
            .await
            .map(SessionClaims::from)
    }
}

/// What a [`SessionVerifier`] has done so far.
#[derive(Clone, Debug, uniffi::Record)]
pub struct VerifierStats {
    /// JWKS requests sent.
    pub jwks_fetches: u64,
    /// Signatures checked.
    pub signature_checks: u64,
    /// Tokens answered from the verified-token cache.
    pub cache_hits: u64,
}

/// A JWT's header and claims, read without any verification.
#[derive(Clone, Debug, uniffi::Record)]
pub struct UnverifiedToken {
    /// The JOSE header, as a JSON object text.
    pub header: String,
    /// The claims, as a JSON object text.
    pub claims: String,
    /// The header's `kid`, if any.
    pub kid: Option<String>,
    /// The header's `alg`, if any.
    pub alg: Option<String>,
}

/// Reads a JWT's header and claims **without verifying** its signature or any claim: for
/// inspection only, never to decide whom to trust.
#[uniffi::export]
pub fn decode_unverified(token: String) -> Result<UnverifiedToken, JtlError> {
    let decoded = jtl_connect::decode_unverified(&token)?;
    let text = |map: &serde_json::Map<String, Value>, key: &str| {
        map.get(key).and_then(Value::as_str).map(str::to_owned)
    };
    Ok(UnverifiedToken {
        kid: text(&decoded.header, "kid"),
        alg: text(&decoded.header, "alg"),
        header: Value::Object(decoded.header).to_string(),
        claims: Value::Object(decoded.claims).to_string(),
    })
}
