//! Compact JWS with Ed25519, written out by hand on purpose: the emulator must be able to
//! mint tokens no JWT library would (kid only in the payload, no kid, unpublished keys).

use std::collections::HashMap;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{Map, Value};

/// Base64url without padding, as JOSE uses it.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Signs `header.claims` with `key` and returns the compact token.
pub(crate) fn sign(key: &SigningKey, header: &Value, claims: &Value) -> String {
    let signing_input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", b64(&signature.to_bytes()))
}

/// Why a token the emulator issued itself was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    Malformed,
    BadSignature,
    Expired,
}

impl Rejection {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::Malformed => "the access token is not a well-formed JWT",
            Self::BadSignature => "the access token signature is invalid",
            Self::Expired => "the access token has expired",
        }
    }
}

/// Verifies a token the emulator issued (EdDSA only) and returns its claims.
pub(crate) fn verify(
    key: &VerifyingKey,
    token: &str,
    now: i64,
) -> Result<Map<String, Value>, Rejection> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Rejection::Malformed);
    };
    let header: Value = decode_json(header)?;
    if header.get("alg").and_then(Value::as_str) != Some("EdDSA") {
        return Err(Rejection::BadSignature);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| Rejection::Malformed)?;
    let signature = Signature::from_slice(&signature).map_err(|_| Rejection::Malformed)?;
    let signing_input = &token[..header_and_payload_len(token)];
    key.verify(signing_input.as_bytes(), &signature)
        .map_err(|_| Rejection::BadSignature)?;
    let claims: Map<String, Value> = decode_json(payload)?;
    match claims.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp > now => Ok(claims),
        Some(_) => Err(Rejection::Expired),
        None => Err(Rejection::Malformed),
    }
}

fn header_and_payload_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

fn decode_json<T: serde::de::DeserializeOwned>(segment: &str) -> Result<T, Rejection> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Rejection::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| Rejection::Malformed)
}

/// At most this many verified tokens are remembered (then the memory starts over).
const MAX_REMEMBERED: usize = 4096;

/// Tokens whose signature held, with the key that checked them and their claims: the
/// emulator checks a bearer's signature once per key, not on every request, as a gateway
/// caching verified tokens does (the Ed25519 check of the same token was a sixth of the
/// emulator's time per request; issue 19's benchmarks). The expiry is checked every time.
#[derive(Default)]
pub(crate) struct VerifiedTokens {
    by_token: HashMap<String, ([u8; 32], Map<String, Value>)>,
}

impl VerifiedTokens {
    /// The claims of `token` if `key` verified it before and it has not expired by `now`;
    /// `None` when it must be verified (first time, or another key).
    pub(crate) fn recall(
        &self,
        key: &VerifyingKey,
        token: &str,
        now: i64,
    ) -> Option<Result<Map<String, Value>, Rejection>> {
        let (checked_by, claims) = self.by_token.get(token)?;
        if checked_by != key.as_bytes() {
            return None;
        }
        Some(match claims.get("exp").and_then(Value::as_i64) {
            Some(exp) if exp > now => Ok(claims.clone()),
            _ => Err(Rejection::Expired),
        })
    }

    /// Remembers that `key` verified `token`, whose claims are `claims`.
    pub(crate) fn remember(
        &mut self,
        key: &VerifyingKey,
        token: &str,
        claims: &Map<String, Value>,
    ) {
        if self.by_token.len() >= MAX_REMEMBERED {
            self.by_token.clear();
        }
        self.by_token
            .insert(token.to_owned(), (key.to_bytes(), claims.clone()));
    }
}
