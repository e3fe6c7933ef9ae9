//! App Shell session tokens: [`SessionVerifier`] (wraps [`jtl_connect::SessionVerifier`]),
//! [`SessionClaims`], and [`decode_unverified`].

use std::str::FromStr;

use jtl_connect::{Algorithm, Result as CoreResult, VerifierConfig};
use napi::{
    bindgen_prelude::{Either, PromiseRaw},
    Env, JsDate,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::{
    convert::{date_from_unix, invalid, seconds},
    errors::check,
    runtime::spawn,
};

/// How a verifier checks tokens and caches JTL's keys; each setting left out keeps the
/// default, which fits App Shell session tokens.
#[napi(object)]
#[derive(Default)]
pub struct VerifierOptions {
    /// Signature algorithms accepted (default `["EdDSA"]`); never taken from the token.
    /// RSA algorithms (`RS256`, ...) need an `audience`; HMAC ones are refused.
    pub algorithms: Option<Vec<String>>,
    /// The expected `iss` (default `"https://api.jtl-cloud.com"`): a present `iss` must be
    /// this one; `false` skips the check. A token without `iss` (JTL's documented shape) is
    /// accepted unless `requireIssuer` is set.
    #[napi(ts_type = "string | false")]
    pub issuer: Option<Either<String, bool>>,
    /// Refuse tokens without `iss` (`missing_claim`; default false).
    pub require_issuer: Option<bool>,
    /// Refuse tokens that live longer than this many seconds (`lifetime_too_long`): `exp -
    /// iat`, or without `iat` `exp` minus now. Default: no limit.
    pub max_lifetime_secs: Option<f64>,
    /// `aud` must contain one of these (required for RSA algorithms).
    #[napi(ts_type = "string | string[]")]
    pub audience: Option<Either<String, Vec<String>>>,
    /// Tolerated clock difference for `exp`, `nbf` and `iat`, in seconds (default 60).
    pub leeway_secs: Option<f64>,
    /// How long fetched keys are used before asking again, in seconds (default 600).
    pub jwks_ttl_secs: Option<f64>,
    /// At most one JWKS fetch per this many seconds for unknown `kid`s (default 30).
    pub unknown_kid_cooldown_secs: Option<f64>,
    /// How long the previous keys are still used while the JWKS endpoint fails, in seconds
    /// (default 3600).
    pub max_stale_secs: Option<f64>,
    /// Tokens longer than this are refused before decoding (default 16384).
    pub max_token_bytes: Option<u32>,
    /// A token without `kid` is tried against at most this many keys (default 4).
    pub max_keys_tried: Option<u32>,
    /// Claims that must be present (default `["tenantId", "userId"]`).
    pub required_claims: Option<Vec<String>>,
    /// Size of the cache of verified tokens (default 1024; 0 turns it off).
    pub verified_cache_size: Option<u32>,
    /// Another JWKS URL than the client's endpoints' (e.g. for JTL app tokens).
    pub jwks_url: Option<String>,
}

/// The core configuration for `options`.
fn config(options: &VerifierOptions) -> CoreResult<VerifierConfig> {
    let mut config = VerifierConfig::default();
    if let Some(names) = &options.algorithms {
        config.algorithms = names
            .iter()
            .map(|name| {
                Algorithm::from_str(name.trim()).map_err(|_| {
                    invalid(format!(
                        "algorithms: expected names such as \"EdDSA\" or \"RS256\"; found {name:?}"
                    ))
                })
            })
            .collect::<CoreResult<_>>()?;
    }
    match &options.issuer {
        None => {}
        Some(Either::A(issuer)) => config.issuer = Some(issuer.clone()),
        Some(Either::B(false)) => config.issuer = None,
        Some(Either::B(true)) => {
            return Err(invalid(
                "issuer: expected the issuer URL, or false to skip the check; found true",
            ))
        }
    }
    config.require_issuer = options.require_issuer.unwrap_or(false);
    if let Some(secs) = options.max_lifetime_secs {
        config.max_lifetime = Some(seconds("maxLifetimeSecs", secs)?);
    }
    match &options.audience {
        None => {}
        Some(Either::A(one)) => config.audience = Some(vec![one.clone()]),
        Some(Either::B(list)) => config.audience = Some(list.clone()),
    }
    if let Some(secs) = options.leeway_secs {
        config.leeway = seconds("leewaySecs", secs)?;
    }
    if let Some(secs) = options.jwks_ttl_secs {
        config.jwks_ttl = seconds("jwksTtlSecs", secs)?;
    }
    if let Some(secs) = options.unknown_kid_cooldown_secs {
        config.unknown_kid_cooldown = seconds("unknownKidCooldownSecs", secs)?;
    }
    if let Some(secs) = options.max_stale_secs {
        config.max_stale = seconds("maxStaleSecs", secs)?;
    }
    if let Some(bytes) = options.max_token_bytes {
        config.max_token_bytes = bytes as usize;
    }
    if let Some(keys) = options.max_keys_tried {
        config.max_keys_tried = keys as usize;
    }
    if let Some(claims) = &options.required_claims {
        config.required_claims = claims.clone();
    }
    if let Some(size) = options.verified_cache_size {
        config.verified_cache_size = size as usize;
    }
    Ok(config)
}

/// A verifier for `client`'s session tokens (`CloudClient.sessionVerifier(options)`).
pub(crate) fn verifier(
    env: &Env,
    client: &jtl_connect::CloudClient,
    options: Option<VerifierOptions>,
) -> napi::Result<SessionVerifier> {
    let options = options.unwrap_or_default();
    let result = config(&options).and_then(|config| match &options.jwks_url {
        Some(url) => jtl_connect::SessionVerifier::with_jwks_url(client, url, config),
        None => jtl_connect::SessionVerifier::new(client, config),
    });
    Ok(SessionVerifier {
        inner: check(env, result)?,
    })
}

/// How `CloudClient.appTokenVerifier(appId, options)` checks JTL app tokens; each setting
/// left out keeps the default.
#[napi(object)]
#[derive(Default)]
pub struct AppTokenVerifierOptions {
    /// The issuer (`JTL_ISSUER`); default the endpoints' (`https://id.jtl-cloud.com`, or the
    /// emulator's URL). Keys come from `{issuer}/oauth/v2/keys`.
    pub issuer: Option<String>,
    /// Tolerated clock difference for `exp`, `nbf` and `iat`, in seconds (default 60).
    pub leeway_secs: Option<f64>,
    /// Refuse tokens that live longer than this many seconds. Default: no limit.
    pub max_lifetime_secs: Option<f64>,
    /// How long fetched keys are used before asking again, in seconds (default 600).
    pub jwks_ttl_secs: Option<f64>,
    /// At most one key fetch per this many seconds for unknown `kid`s (default 30).
    pub unknown_kid_cooldown_secs: Option<f64>,
    /// How long the previous keys are still used while the key endpoint fails (default 3600).
    pub max_stale_secs: Option<f64>,
    /// Tokens longer than this are refused before decoding (default 16384).
    pub max_token_bytes: Option<u32>,
    /// Size of the cache of verified tokens (default 1024; 0 turns it off).
    pub verified_cache_size: Option<u32>,
}

/// A verifier for `app_id`'s app tokens (`CloudClient.appTokenVerifier(appId, options)`).
pub(crate) fn app_verifier(
    env: &Env,
    client: &jtl_connect::CloudClient,
    app_id: &str,
    options: Option<AppTokenVerifierOptions>,
) -> napi::Result<SessionVerifier> {
    let options = options.unwrap_or_default();
    let built = (|| {
        let mut config = VerifierConfig::default();
        if let Some(secs) = options.leeway_secs {
            config.leeway = seconds("leewaySecs", secs)?;
        }
        if let Some(secs) = options.max_lifetime_secs {
            config.max_lifetime = Some(seconds("maxLifetimeSecs", secs)?);
        }
        if let Some(secs) = options.jwks_ttl_secs {
            config.jwks_ttl = seconds("jwksTtlSecs", secs)?;
        }
        if let Some(secs) = options.unknown_kid_cooldown_secs {
            config.unknown_kid_cooldown = seconds("unknownKidCooldownSecs", secs)?;
        }
        if let Some(secs) = options.max_stale_secs {
            config.max_stale = seconds("maxStaleSecs", secs)?;
        }
        if let Some(bytes) = options.max_token_bytes {
            config.max_token_bytes = bytes as usize;
        }
        if let Some(size) = options.verified_cache_size {
            config.verified_cache_size = size as usize;
        }
        client.app_token_verifier_with(app_id, options.issuer.as_deref(), config)
    })();
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
    /// Verifies `token` (the bare JWT, without `Bearer `). Rejects with `JtlError`
    /// `token_invalid` and a `reason` (`expired`, `bad_signature`, `unknown_key`, ...), or
    /// with the error of fetching the keys.
    #[napi]
    pub fn verify<'env>(
        &self,
        env: &'env Env,
        token: String,
    ) -> napi::Result<PromiseRaw<'env, SessionClaims<'env>>> {
        let verifier = self.inner.clone();
        spawn(
            env,
            async move { verifier.verify(&token).await },
            SessionClaims::new,
        )
    }

    /// The claims of a token verified before and still in the cache of verified tokens
    /// (never past its `exp`), without any I/O; `null` otherwise. `verify` uses it first,
    /// so a cache hit does not pay for a round trip through the async runtime.
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

    /// Verifies `token` right here, without the async runtime, when that needs no I/O (the
    /// keys are cached and fresh, or the token was verified before): its claims, or a thrown
    /// `JtlError`. `null` when the keys must be fetched first: then `verify`. Costs the
    /// verification itself (tens of µs) on the calling thread instead of a round trip through
    /// the runtime that costs more than the check (issue 19); `verify` uses it first.
    #[napi]
    pub fn verify_now<'env>(
        &self,
        env: &'env Env,
        token: String,
    ) -> napi::Result<Option<SessionClaims<'env>>> {
        match self.inner.verify_now(&token) {
            None => Ok(None),
            Some(Ok(claims)) => SessionClaims::new(env, claims).map(Some),
            Some(Err(error)) => Err(crate::errors::to_js(env, &error)),
        }
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
