//! App Shell session tokens: [`SessionVerifier`] (wraps [`jtl_connect::SessionVerifier`]),
//! [`SessionClaims`], and [`decode_unverified`].

use jtl_connect::options::{self, Case};
use napi::{
    bindgen_prelude::{Either, PromiseRaw},
    Env, JsDate,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::{convert::date_from_unix, errors::check, runtime::spawn};

/// A verifier for `client`'s session tokens (`CloudClient.sessionVerifier(options)`); the
/// options are core's `session_verifier` schema, in camelCase.
pub(crate) fn verifier(
    env: &Env,
    client: &jtl_connect::CloudClient,
    options: Option<Value>,
) -> napi::Result<SessionVerifier> {
    let options = options.unwrap_or(Value::Null);
    let result =
        options::verifier_config(options, Case::Camel).and_then(|(config, url)| match url {
            Some(url) => jtl_connect::SessionVerifier::with_jwks_url(client, &url, config),
            None => jtl_connect::SessionVerifier::new(client, config),
        });
    Ok(SessionVerifier {
        inner: check(env, result)?,
    })
}

/// A verifier for `app_id`'s app tokens (`CloudClient.appTokenVerifier(appId, options)`).
pub(crate) fn app_verifier(
    env: &Env,
    client: &jtl_connect::CloudClient,
    app_id: &str,
    options: Option<Value>,
) -> napi::Result<SessionVerifier> {
    let built = options::app_verifier_config(options.unwrap_or(Value::Null), Case::Camel).and_then(
        |(config, issuer)| client.app_token_verifier_with(app_id, issuer.as_deref(), config),
    );
    Ok(SessionVerifier {
        inner: check(env, built)?,
    })
}

/// What a verified session token (or app token) says.
#[napi(object, object_from_js = false)]
pub struct SessionClaims<'env> {
    /// The JTL tenant: `tenantId` (session token) or `urn:jtl:tenant_id` (app token).
    pub tenant_id: String,
    /// The JTL user: `userId` (session token) or `sub` (app token).
    pub user_id: String,
    /// The customer id: a session token's payload `kid` (never a key id); null for app tokens.
    pub customer_id: Option<String>,
    /// `urn:jtl:app_id` of an app token; null for session tokens.
    pub app_id: Option<String>,
    /// `tenantSlug`, if the token carries it.
    pub tenant_slug: Option<String>,
    /// `exp`: when the token expires.
    pub expires_at: JsDate<'env>,
    /// Every claim of the payload, including the ones above.
    #[napi(ts_type = "Record<string, any>")]
    pub claims: Map<String, Value>,
}

impl<'env> SessionClaims<'env> {
    fn new(env: &'env Env, claims: jtl_connect::SessionClaims) -> napi::Result<Self> {
        Ok(Self {
            expires_at: date_from_unix(env, claims.expires_at)?,
            tenant_id: claims.tenant_id,
            user_id: claims.user_id,
            customer_id: claims.customer_id,
            app_id: claims.app_id,
            tenant_slug: claims.tenant_slug,
            claims: claims.claims,
        })
    }
}

/// Counters of a verifier, for tests and metrics.
#[napi(object)]
pub struct VerifierStats {
    /// JWKS requests started.
    pub jwks_fetches: f64,
    /// Signature checks performed.
    pub signature_checks: f64,
    /// Verifications answered from the cache of verified tokens.
    pub cache_hits: f64,
}

/// Verifies App Shell session tokens against JTL's JWKS (fetched with the client's access
/// token, cached, refetched at most once per cooldown for unknown keys). Create it once
/// with `client.sessionVerifier()` and share it.
#[napi]
pub struct SessionVerifier {
    inner: jtl_connect::SessionVerifier,
}

#[napi]
impl SessionVerifier {
    /// Verifies `token` (the bare JWT, without `Bearer `): the claims of a token verified
    /// before (still in the cache of verified tokens, never past its `exp`) come back at
    /// once, without a round trip through the async runtime; any other token gives a Promise.
    /// `await verifier.verify(token)` works for both. Rejects with `JtlError`
    /// `token_invalid` and a `reason` (`expired`, `bad_signature`, `unknown_key`, ...), or
    /// with the error of fetching the keys.
    #[napi(ts_return_type = "SessionClaims | Promise<SessionClaims>")]
    pub fn verify<'env>(
        &self,
        env: &'env Env,
        token: String,
    ) -> napi::Result<Either<SessionClaims<'env>, PromiseRaw<'env, SessionClaims<'env>>>> {
        if let Some(claims) = self.inner.verify_cached(&token) {
            return SessionClaims::new(env, claims).map(Either::A);
        }
        let verifier = self.inner.clone();
        spawn(
            env,
            async move { verifier.verify(&token).await },
            SessionClaims::new,
        )
        .map(Either::B)
    }

    /// The claims of a token verified before and still in the cache of verified tokens
    /// (never past its `exp`), without any I/O; `null` otherwise.
    #[napi]
    pub fn verify_cached<'env>(
        &self,
        env: &'env Env,
        token: String,
    ) -> napi::Result<Option<SessionClaims<'env>>> {
        self.inner
            .verify_cached(&token)
            .map(|claims| SessionClaims::new(env, claims))
            .transpose()
    }

    /// The JWKS URL the keys come from.
    #[napi(getter)]
    pub fn jwks_url(&self) -> String {
        self.inner.jwks_url().to_string()
    }

    /// Counters since creation: JWKS fetches, signature checks, cache hits.
    #[napi]
    pub fn stats(&self) -> VerifierStats {
        let stats = self.inner.stats();
        VerifierStats {
            jwks_fetches: stats.jwks_fetches as f64,
            signature_checks: stats.signature_checks as f64,
            cache_hits: stats.cache_hits as f64,
        }
    }

    /// `{ jwksUrl }`.
    #[napi(js_name = "toJSON", ts_return_type = "{ jwksUrl: string }")]
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "jwksUrl": self.jwks_url() })
    }

    /// `SessionVerifier(<jwks url>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("SessionVerifier({})", self.inner.jwks_url())
    }
}

/// Header and claims of a JWT, read without verifying anything.
#[napi(object)]
pub struct UnverifiedToken {
    /// The JOSE header (`alg`, `kid`, ...).
    #[napi(ts_type = "Record<string, any>")]
    pub header: Map<String, Value>,
    /// The payload's claims.
    #[napi(ts_type = "Record<string, any>")]
    pub claims: Map<String, Value>,
}

/// Reads a JWT's header and claims **without verifying** its signature or any claim: for
/// inspection only, never to decide whom to trust. Throws `JtlError` `token_invalid`
/// (`malformed`, `too_large`).
#[napi]
pub fn decode_unverified(env: &Env, token: String) -> napi::Result<UnverifiedToken> {
    let decoded = check(env, jtl_connect::decode_unverified(&token))?;
    Ok(UnverifiedToken {
        header: decoded.header,
        claims: decoded.claims,
    })
}
