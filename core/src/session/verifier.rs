//! [`SessionVerifier`]: checks an App Shell session token against JTL's JWKS, step by step,
//! each failure with its own [`TokenInvalidReason`].

use std::{
    fmt,
    str::FromStr,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use jsonwebtoken::Algorithm;
use reqwest::Url;
use serde_json::{Map, Value};
use tracing::debug;

use super::{
    claims::{self, SessionClaims, TokenKind},
    config::VerifierConfig,
    decode::{self, malformed, Member, Segments},
    jwks::{JwksCache, JwksOptions},
    keys::KeySet,
    verified::{Digest32, VerifiedCache},
};
use crate::{
    endpoints::parse_url, fingerprint, http::Auth, CloudClient, Error, Result, TokenInvalidReason,
};

/// Counters of a [`SessionVerifier`] (shared by its clones), for tests and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifierStats {
    /// JWKS requests started.
    pub jwks_fetches: u64,
    /// Signature checks performed (one per key tried).
    pub signature_checks: u64,
    /// Verifications answered from the cache of verified tokens.
    pub cache_hits: u64,
}

struct Inner {
    config: VerifierConfig,
    kind: TokenKind,
    jwks: JwksCache,
    verified: Option<VerifiedCache>,
    signature_checks: AtomicU64,
    cache_hits: AtomicU64,
}

/// Verifies App Shell session tokens (and, configured for RS256 with an audience, JTL app
/// tokens) against JTL's JWKS.
///
/// Cheap to clone; clones share the key cache and the cache of verified tokens. The JWKS is
/// fetched with the client's access token (`Authorization: Bearer`, as JTL requires) on
/// first use, then cached as [`VerifierConfig`] describes.
///
/// ```no_run
/// # async fn demo(client: jtl_connect::CloudClient, token: &str) -> jtl_connect::Result<()> {
/// use jtl_connect::{SessionVerifier, VerifierConfig};
/// let verifier = SessionVerifier::new(&client, VerifierConfig::default())?;
/// let session = verifier.verify(token).await?;
/// println!("tenant {} user {}", session.tenant_id, session.user_id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SessionVerifier {
    inner: Arc<Inner>,
}

impl fmt::Debug for SessionVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionVerifier")
            .field("kind", &self.inner.kind)
            .field("jwks_url", &self.inner.jwks.url().as_str())
            .field("algorithms", &self.inner.config.algorithms)
            .field("issuer", &self.inner.config.issuer)
            .field("audience", &self.inner.config.audience)
            .field("stats", &self.stats())
            .finish()
    }
}

/// What trying the keys gave.
enum Outcome {
    Verified,
    /// No key of the set may verify this token.
    NoKey,
    /// Keys were tried; none verified the signature.
    Mismatch {
        tried: usize,
    },
}

impl SessionVerifier {
    /// A verifier for session tokens of `client`'s JTL (its endpoints' JWKS URL), fetching the
    /// keys with `client`'s access token. No request is made yet.
    ///
    /// Fails with `config` if `config` is inconsistent (no algorithm, an HMAC algorithm, an
    /// RSA algorithm without audience, an empty issuer or audience).
    pub fn new(client: &CloudClient, config: VerifierConfig) -> Result<Self> {
        let auth = Auth::Bearer(std::sync::Arc::new(client.token_cache().clone()));
        let url = client.endpoints().jwks_url().clone();
        Self::build(client, url, auth, config, TokenKind::Session)
    }

    /// Like [`SessionVerifier::new`] with another JWKS URL (e.g. the keys of JTL app tokens,
    /// `<issuer>/oauth/v2/keys`). `https://` only, or `http://` on loopback hosts.
    pub fn with_jwks_url(
        client: &CloudClient,
        jwks_url: &str,
        config: VerifierConfig,
    ) -> Result<Self> {
        let auth = Auth::Bearer(std::sync::Arc::new(client.token_cache().clone()));
        let url = parse_url("JWKS URL", jwks_url)?;
        Self::build(client, url, auth, config, TokenKind::Session)
    }

    /// A verifier of JTL app tokens: keys from `keys_url` without authentication (the
    /// issuer's key set is public), claims read the app-token way, failures naming the check.
    /// `config` must already be the app-token configuration (see `session::app`).
    pub(crate) fn for_app_tokens(
        client: &CloudClient,
        keys_url: Url,
        config: VerifierConfig,
    ) -> Result<Self> {
        Self::build(client, keys_url, Auth::None, config, TokenKind::App)
    }

    fn build(
        client: &CloudClient,
        url: Url,
        auth: Auth,
        config: VerifierConfig,
        kind: TokenKind,
    ) -> Result<Self> {
        config.validate()?;
        let jwks = JwksCache::new(
            client.transport().clone(),
            auth,
            url,
            JwksOptions {
                ttl: config.jwks_ttl,
                cooldown: config.unknown_kid_cooldown,
                max_stale: config.max_stale,
                clock: config.clock.clone(),
            },
        );
        let verified = (config.verified_cache_size > 0)
            .then(|| VerifiedCache::new(config.verified_cache_size));
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                kind,
                jwks,
                verified,
                signature_checks: AtomicU64::new(0),
                cache_hits: AtomicU64::new(0),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.inner.config
    }

    /// The claims of `token` if it was verified before and is still in the cache of verified
    /// tokens (never past its `exp`), without any I/O or signature check; `None` otherwise
    /// (then call [`SessionVerifier::verify`]). Lets bindings answer cache hits without
    /// a round trip through the async runtime.
    pub fn verify_cached(&self, token: &str) -> Option<SessionClaims> {
        let cache = self.inner.verified.as_ref()?;
        if token.len() > self.inner.config.max_token_bytes {
            return None;
        }
        self.cached(cache, &VerifiedCache::digest(token))
    }

    fn cached(&self, cache: &VerifiedCache, digest: &Digest32) -> Option<SessionClaims> {
        let hit = cache.get(digest, self.inner.config.clock.now())?;
        self.inner.cache_hits.fetch_add(1, Ordering::Relaxed);
        Some(SessionClaims::clone(&hit))
    }

    /// The JWKS URL the keys come from.
    pub fn jwks_url(&self) -> &Url {
        self.inner.jwks.url()
    }

    /// Counters since creation.
    pub fn stats(&self) -> VerifierStats {
        VerifierStats {
            jwks_fetches: self.inner.jwks.fetches(),
            signature_checks: self.inner.signature_checks.load(Ordering::Relaxed),
            cache_hits: self.inner.cache_hits.load(Ordering::Relaxed),
        }
    }

    /// Verifies `token` and returns its claims.
    ///
    /// In order: size (`too_large`, before any decoding), shape (`malformed`), the header's
    /// `alg` against the allow-list (`algorithm_not_allowed`), the key by the **header** `kid`,
    /// else each suitable key up to `max_keys_tried` (`unknown_key` after at most one refetch
    /// per cooldown; a payload `kid` is the customer id, never a key id), the signature
    /// (`bad_signature`; Ed25519 strictly, RFC 8032), then `exp` (`missing_claim`,
    /// `expired`), `nbf`/`iat` (`not_yet_valid`), the lifetime (`lifetime_too_long`), `iss`
    /// when present (`wrong_issuer`; absent only with `require_issuer`: `missing_claim`),
    /// `aud` (`wrong_audience`) and the required claims (`missing_claim`). Failing to get
    /// the keys gives the fetch's error (`network`, `api`, ...). An app-token verifier's
    /// messages name the failed check (`app token: the issuer check failed: ...`).
    pub async fn verify(&self, token: &str) -> Result<SessionClaims> {
        let digest = match self.seen(token)? {
            Seen::Verified(hit) => return Ok(hit),
            Seen::New(digest) => digest,
        };
        let payload = self
            .check_signature(token)
            .await
            .map_err(|e| self.inner.kind.name_check("signature", e))?;
        self.accept(payload, digest)
    }

    /// Verifies `token` without the async runtime when nothing needs I/O: the keys are
    /// cached and fresh (or the token is in the cache of verified tokens). `None` when the
    /// keys must be fetched first, or the token names a key the cached set lacks (a refetch
    /// may find it): then call [`SessionVerifier::verify`]. Otherwise the same answer as
    /// `verify`. Lets bindings verify synchronously, without a round trip through the
    /// runtime (issue 19).
    pub fn verify_now(&self, token: &str) -> Option<Result<SessionClaims>> {
        let digest = match self.seen(token) {
            Err(e) => return Some(Err(e)),
            Ok(Seen::Verified(hit)) => return Some(Ok(hit)),
            Ok(Seen::New(digest)) => digest,
        };
        let keys = self.inner.jwks.fresh_keys()?;
        let payload = match self.signature_with(token, &keys) {
            Ok(Some(payload)) => payload,
            Ok(None) => return None,
            Err(e) => return Some(Err(self.inner.kind.name_check("signature", e))),
        };
        Some(self.accept(payload, digest))
    }

    /// The checks before any key is needed, shared by [`Self::verify`] and
    /// [`Self::verify_now`]: the size, then the cache of verified tokens.
    fn seen(&self, token: &str) -> Result<Seen> {
        decode::check_size(token, self.inner.config.max_token_bytes)
            .map_err(|e| self.inner.kind.name_check("format", e))?;
        let Some(cache) = self.inner.verified.as_ref() else {
            return Ok(Seen::New(None));
        };
        let digest = VerifiedCache::digest(token);
        Ok(match self.cached(cache, &digest) {
            Some(hit) => Seen::Verified(hit),
            None => Seen::New(Some(digest)),
        })
    }

    /// The claims of a token whose signature held, once they pass their checks; remembered
    /// under `digest` in the cache of verified tokens.
    fn accept(
        &self,
        payload: Map<String, Value>,
        digest: Option<Digest32>,
    ) -> Result<SessionClaims> {
        let config = &self.inner.config;
        let claims = Arc::new(claims::check(
            payload,
            config,
            config.clock.unix(),
            self.inner.kind,
        )?);
        if let (Some(cache), Some(digest)) = (self.inner.verified.as_ref(), digest) {
            cache.insert(digest, claims.clone(), config.clock.now());
        }
        Ok(Arc::unwrap_or_clone(claims))
    }

    /// [`Self::check_signature`] with `keys` only: `None` if none of them verified it.
    fn signature_with(&self, token: &str, keys: &KeySet) -> Result<Option<Map<String, Value>>> {
        let parts = self.parts(token)?;
        let (alg, kid) = (parts.alg, parts.kid.as_deref());
        match self.try_keys(keys, alg, kid, &parts.segments)? {
            Outcome::Verified => Ok(Some(parts.payload)),
            // The key the header names refused it: `verify` would not refetch either.
            outcome @ Outcome::Mismatch { .. } if kid.is_some() => {
                Err(self.no_match(keys, alg, kid, &outcome, token))
            }
            Outcome::NoKey | Outcome::Mismatch { .. } => Ok(None),
        }
    }

    /// Shape, algorithm, key and signature; the payload if they hold.
    async fn check_signature(&self, token: &str) -> Result<Map<String, Value>> {
        let parts = self.parts(token)?;
        let (alg, kid) = (parts.alg, parts.kid.as_deref());

        let mut keys = self.inner.jwks.keys().await?;
        let mut refetched = false;
        loop {
            let outcome = self.try_keys(&keys, alg, kid, &parts.segments)?;
            let retry = match outcome {
                Outcome::Verified => break,
                Outcome::NoKey => true,
                // A kid-less token might be signed by a key published after the last fetch.
                Outcome::Mismatch { .. } => kid.is_none(),
            };
            if retry && !refetched {
                refetched = true;
                if let Some(newer) = self.inner.jwks.refetch(&keys).await? {
                    keys = newer;
                    continue;
                }
            }
            return Err(self.no_match(&keys, alg, kid, &outcome, token));
        }
        Ok(parts.payload)
    }

    /// The token taken apart and checked up to the signature: the segments, the header's
    /// `alg` (allowed) and `kid`, no `crit`, and the payload, in that order of checks.
    fn parts<'t>(&self, token: &'t str) -> Result<Parts<'t>> {
        let segments = decode::split(token)?;
        let header = decode::header(segments.header)?;
        let alg = self.algorithm(&header.alg)?;
        if header.crit {
            return Err(malformed(
                "expected no critical header extensions (crit); found some this verifier does not support",
            ));
        }
        let payload = decode::object(segments.payload, "payload")?;
        let kid = header_kid(header.kid)?;
        Ok(Parts {
            segments,
            alg,
            kid,
            payload,
        })
    }

    /// The header's `alg`, if the allow-list has it.
    fn algorithm(&self, alg: &Member) -> Result<Algorithm> {
        let allowed = &self.inner.config.algorithms;
        let name = match alg {
            Member::Text(name) => name.as_str(),
            Member::Other(kind) => {
                return Err(malformed(format!(
                    "header alg: expected a string; found {kind}"
                )))
            }
            Member::Absent => return Err(malformed("expected an alg in the header; found none")),
        };
        // RFC 9864's fully specified name for Ed25519 means EdDSA here.
        let parsed = if name == "Ed25519" {
            Ok(Algorithm::EdDSA)
        } else {
            Algorithm::from_str(name)
        };
        match parsed {
            Ok(alg) if allowed.contains(&alg) => Ok(alg),
            _ => {
                let shown: String = name.chars().take(20).collect();
                Err(Error::token_invalid(
                    TokenInvalidReason::AlgorithmNotAllowed,
                    format!("expected alg one of {allowed:?}; found {shown:?}"),
                ))
            }
        }
    }

    /// Checks the signature with the keys that may have made it.
    fn try_keys(
        &self,
        keys: &KeySet,
        alg: Algorithm,
        kid: Option<&str>,
        segments: &Segments<'_>,
    ) -> Result<Outcome> {
        let limit = self.inner.config.max_keys_tried;
        let limit = if kid.is_some() { limit.max(1) } else { limit };
        let mut tried = 0;
        for key in keys.candidates(alg, kid).take(limit) {
            tried += 1;
            self.inner.signature_checks.fetch_add(1, Ordering::Relaxed);
            match key.verify(alg, segments.signature, segments.signing_input.as_bytes()) {
                Ok(true) => return Ok(Outcome::Verified),
                Ok(false) => {}
                Err(_) => {
                    return Err(malformed(
                        "expected the signature in base64url; it does not decode",
                    ))
                }
            }
        }
        Ok(if tried == 0 {
            Outcome::NoKey
        } else {
            Outcome::Mismatch { tried }
        })
    }

    fn no_match(
        &self,
        keys: &KeySet,
        alg: Algorithm,
        kid: Option<&str>,
        outcome: &Outcome,
        token: &str,
    ) -> Error {
        let usable = keys.count_for(alg);
        debug!(token = %fingerprint(token), ?alg, kid, usable, "session token refused");
        match (outcome, kid) {
            (Outcome::Mismatch { .. }, Some(kid)) => Error::token_invalid(
                TokenInvalidReason::BadSignature,
                format!("expected a valid {alg:?} signature by key {}; the signature does not match", shorten(kid)),
            ),
            (Outcome::Mismatch { tried }, None) => Error::token_invalid(
                TokenInvalidReason::BadSignature,
                format!("expected a valid {alg:?} signature by one of the JWKS keys; the token names no kid and none of the {tried} keys tried matches"),
            ),
            (_, Some(kid)) => Error::token_invalid(
                TokenInvalidReason::UnknownKey,
                format!(
                    "expected a JWKS key with kid {} for {alg:?}; the key set has none ({usable} {alg:?} key{} of {} listed)",
                    shorten(kid),
                    if usable == 1 { "" } else { "s" },
                    keys.listed
                ),
            ),
            (_, None) if self.inner.config.max_keys_tried == 0 => Error::token_invalid(
                TokenInvalidReason::UnknownKey,
                "expected a kid in the header; found none (max_keys_tried is 0)",
            ),
            (_, None) => Error::token_invalid(
                TokenInvalidReason::UnknownKey,
                format!("expected a JWKS key for {alg:?}; the key set has none ({} listed)", keys.listed),
            ),
        }
    }
}

/// The header `kid`: the only place a key id can be. JTL's documented header has none; the
/// payload `kid` is the customer id (facts §4.1) and is never looked up as a key.
fn header_kid(kid: Member) -> Result<Option<String>> {
    match kid {
        Member::Absent => Ok(None),
        Member::Text(kid) => Ok(Some(kid)),
        Member::Other(kind) => Err(malformed(format!(
            "kid in the header: expected a string; found {kind}"
        ))),
    }
}

/// A token taken apart by [`SessionVerifier::parts`].
struct Parts<'t> {
    segments: Segments<'t>,
    alg: Algorithm,
    kid: Option<String>,
    payload: Map<String, Value>,
}

fn shorten(kid: &str) -> String {
    let short: String = kid.chars().take(64).collect();
    format!("{short:?}")
}

/// What [`SessionVerifier::seen`] found before any key was needed.
enum Seen {
    /// Verified before and still cached: its claims.
    Verified(SessionClaims),
    /// Not verified yet: its digest for the cache of verified tokens, if there is one.
    New(Option<Digest32>),
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    //! The RSA path, with a token signed once outside (openssl) so no private key lives here.

    use std::time::Duration;

    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use serde_json::json;

    use super::*;
    use crate::session::keys::parse_jwks;

    /// Modulus of a throwaway 2048-bit key whose private half was deleted after signing.
    const RSA_N: &str = "tNTjBjxLuQhdPIKruVt29rEPrEDS5l-th8Yr9x14wS6ongM0Nf1VcH5QMeR_sbmqFOQ5AXLBGpgBLkQgYnvPfz-Nfk5XdwOjvqzs7tTxwQov_4FF1bF788PbZogAWmyObYsFhE0c5s9Vu7GO6O1lx7pyEs1CNfHi-LIrMxxNkzLIKAlsDW0nGLm2kmry96is4ulmKVSAF8Hg0dXQ8hgu6Sn7__wiHenbs6-Ya3K4-3XxE0KV9MCk4veE0vaXCnpK7qQIg4W5e1A64amu5nq2Hw604AI2m2MMCPu8MIsr5DUKdMfoE2b1Hag2-uUyYZeCvBjguFZxBy-yS-IoxLjbJw";
    /// `{"alg":"RS256","kid":"rsa-1"}`, `aud: my-app`, `iss: https://auth.jtl-cloud.com`,
    /// `iat: 1800000000`, `exp: 4102444800`.
    const RS256_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InJzYS0xIn0.eyJ0ZW5hbnRJZCI6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMSIsImlzcyI6Imh0dHBzOi8vYXV0aC5qdGwtY2xvdWQuY29tIiwiYXVkIjoibXktYXBwIiwiaWF0IjoxODAwMDAwMDAwLCJleHAiOjQxMDI0NDQ4MDB9.TH0QCIVIXNJJGv7-qYAdo5KItdI1DAoQzh_eX0QLuUxzbPXTIKNmvHVj6YU4bTKNex_NIEEZHBGiEQBI4Rv2THDP-YY3j0JiTmJqGYLsF0eu2cd_pvp9rKUJPX2OkeNCp686FCeVmeXm2HZyXIcMHWD6lpLT2AgGgRElzoZwHqVGO8at9mPRP7FzmKGmmzmSgwAEMpU7acRT4He-ZNuSHq7LBnWL_HUba7tIM02_K4gnyZPDdYyJDa-3sfEOP_-z7e9Cmi8VS4F5qEJaAEXvEAFQQ2lGMHBKdmFYaAekXGBaVUt4YNHwGHsiFb9j8aoxt2BMbvnC9QxEtYS0XhbtOg";

    fn rsa_keys() -> KeySet {
        let doc = json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", "kid": "ed"},
            {"kty": "RSA", "n": RSA_N.trim(), "e": "AQAB", "kid": "rsa-1", "alg": "RS256", "use": "sig"},
        ]});
        let (keys, listed) = parse_jwks(&doc).unwrap();
        assert_eq!(keys.len(), 2);
        let now = std::time::SystemTime::now();
        KeySet {
            keys,
            listed,
            fresh_until: now,
            stale_until: now,
        }
    }

    fn check(alg: Algorithm, kid: Option<&str>, token: &str) -> bool {
        let keys = rsa_keys();
        let segments = decode::split(token).unwrap();
        let verified = keys.candidates(alg, kid).any(|key| {
            key.verify(alg, segments.signature, segments.signing_input.as_bytes())
                .unwrap()
        });
        verified
    }

    #[test]
    fn an_rs256_app_token_verifies_with_its_rsa_key_only() {
        let token = RS256_TOKEN.trim();
        let decoded = decode::decode_unverified(token).unwrap();
        assert_eq!(decoded.header["alg"], "RS256");
        assert!(check(Algorithm::RS256, Some("rsa-1"), token));
        assert!(check(Algorithm::RS256, None, token));
        assert!(
            !check(Algorithm::RS256, Some("ed"), token),
            "the Ed25519 key never serves RS256"
        );
        assert!(
            !check(Algorithm::EdDSA, None, token),
            "nor the RSA key EdDSA"
        );
        // The claims: audience-bound.
        let config = VerifierConfig {
            algorithms: vec![Algorithm::RS256],
            audience: Some(vec!["my-app".into()]),
            issuer: Some("https://auth.jtl-cloud.com".into()),
            required_claims: vec!["tenantId".into()],
            ..VerifierConfig::default()
        };
        config.validate().unwrap();
        let iat = decoded.claims["iat"].as_i64().unwrap();
        let claims = claims::check(
            decoded.claims.clone(),
            &config,
            iat + 10,
            TokenKind::Session,
        )
        .unwrap();
        assert_eq!(claims.tenant_id, "00000000-0000-4000-8000-000000000001");
        let other = VerifierConfig {
            audience: Some(vec!["someone-else".into()]),
            ..config.clone()
        };
        assert_eq!(
            claims::check(decoded.claims, &other, iat + 10, TokenKind::Session)
                .unwrap_err()
                .reason(),
            Some(TokenInvalidReason::WrongAudience)
        );
        // A tampered payload does not verify.
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = decode::split(token).unwrap().payload.replace('A', "B");
        parts[1] = &forged;
        assert!(!check(Algorithm::RS256, Some("rsa-1"), &parts.join(".")));
    }

    #[test]
    fn configurations_that_cannot_work_are_refused() {
        let bad = [
            VerifierConfig {
                algorithms: vec![],
                ..VerifierConfig::default()
            },
            VerifierConfig {
                algorithms: vec![Algorithm::HS256],
                ..VerifierConfig::default()
            },
            VerifierConfig {
                algorithms: vec![Algorithm::ES256],
                ..VerifierConfig::default()
            },
            VerifierConfig {
                algorithms: vec![Algorithm::RS256],
                ..VerifierConfig::default()
            },
            VerifierConfig {
                audience: Some(vec![]),
                ..VerifierConfig::default()
            },
            VerifierConfig {
                issuer: Some(" ".into()),
                ..VerifierConfig::default()
            },
            VerifierConfig {
                max_token_bytes: 0,
                ..VerifierConfig::default()
            },
        ];
        for config in bad {
            assert_eq!(
                config.validate().unwrap_err().code(),
                "config",
                "{config:?}"
            );
        }
        VerifierConfig::default().validate().unwrap();
        VerifierConfig {
            algorithms: vec![Algorithm::EdDSA, Algorithm::RS256],
            audience: Some(vec!["a".into()]),
            leeway: Duration::ZERO,
            ..VerifierConfig::default()
        }
        .validate()
        .unwrap();
    }

    #[test]
    fn kid_comes_from_the_header_only() {
        let header = |json: &str| decode::header(&URL_SAFE_NO_PAD.encode(json)).unwrap();
        assert_eq!(
            header_kid(header(r#"{"kid":"h"}"#).kid).unwrap().as_deref(),
            Some("h")
        );
        assert_eq!(header_kid(header(r#"{"kid":null}"#).kid).unwrap(), None);
        assert_eq!(header_kid(header("{}").kid).unwrap(), None);
        assert_eq!(
            header_kid(header(r#"{"kid":3}"#).kid).unwrap_err().reason(),
            Some(TokenInvalidReason::Malformed)
        );
    }
}
