//! Session-token verification and inspection (wraps [`jtl_connect::SessionVerifier`] and
//! [`jtl_connect::decode_unverified`]).

use std::sync::Arc;

use jtl_connect::options::{app_verifier_config, verifier_config, Case};
use serde_json::Value;

use crate::{
    errors::JtlError,
    options::{plain, AppTokenVerifierOptions, VerifierOptions},
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

/// Verifies App Shell session tokens against JTL's JWKS (cached, rotated keys picked up,
/// algorithms from the allow-list only).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SessionVerifier {
    inner: jtl_connect::SessionVerifier,
}

impl SessionVerifier {
    /// A session verifier built by the core from `options`.
    pub(crate) fn build(
        client: &jtl_connect::CloudClient,
        options: Option<VerifierOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let (config, jwks_url) = verifier_config(plain(&options.unwrap_or_default()), Case::Camel)?;
        let inner = match jwks_url {
            Some(url) => jtl_connect::SessionVerifier::with_jwks_url(client, &url, config)?,
            None => jtl_connect::SessionVerifier::new(client, config)?,
        };
        Ok(Arc::new(Self { inner }))
    }

    /// A verifier of `app_id`'s JTL app tokens, built by the core from `options`.
    pub(crate) fn app(
        client: &jtl_connect::CloudClient,
        app_id: &str,
        options: Option<AppTokenVerifierOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let (config, issuer) =
            app_verifier_config(plain(&options.unwrap_or_default()), Case::Camel)?;
        let inner = client.app_token_verifier_with(app_id, issuer.as_deref(), config)?;
        Ok(Arc::new(Self { inner }))
    }
}

#[uniffi::export]
impl SessionVerifier {
    /// The claims of `token` if it is valid; a `TokenInvalid` error with a `reason` if not.
    pub fn verify(&self, token: String) -> Result<SessionClaims, JtlError> {
        match self.inner.verify_now(&token) {
            Some(done) => Ok(done?.into()),
            None => block(self.inner.verify(&token)).map(SessionClaims::from),
        }
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

    /// `verify`, as a suspend/async function. A token verified before, or one whose keys are
    /// cached and fresh, is answered on the first poll, without the core's runtime.
    pub async fn verify_async(&self, token: String) -> Result<SessionClaims, JtlError> {
        if let Some(done) = self.inner.verify_now(&token) {
            return Ok(done?.into());
        }
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
