//! The keys of a JWKS document, parsed once per fetch into ready-to-use
//! [`jsonwebtoken::DecodingKey`]s, with strict matching rules (modelled on panva/jose):
//! a key serves an algorithm only if its type fits (OKP/Ed25519 for `EdDSA`, RSA for `RS*`/`PS*`),
//! its `use` is `sig` (or absent), its `key_ops` allow `verify` (or are absent), and its `alg`,
//! when present, is that algorithm. Keys that fail any rule are ignored, never guessed at.

use std::{str::FromStr, time::SystemTime};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::{Map, Value};

/// RSA keys shorter than this (in bytes of modulus) are ignored: 2048 bits.
const MIN_RSA_MODULUS_BYTES: usize = 256;

/// At most this many keys of one document are kept (a JWKS has a handful).
const MAX_KEYS: usize = 64;

/// What kind of public key a [`Key`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// OKP with curve Ed25519.
    Ed25519,
    /// RSA, at least 2048 bits.
    Rsa,
}

/// One usable verification key.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) kid: Option<String>,
    pub(crate) kind: KeyKind,
    /// The `alg` the JWK is restricted to, if it names one.
    pub(crate) alg: Option<Algorithm>,
    pub(crate) decoding: DecodingKey,
}

impl Key {
    /// Whether this key may verify a signature made with `alg`.
    pub(crate) fn suits(&self, alg: Algorithm) -> bool {
        let kind_fits = match self.kind {
            KeyKind::Ed25519 => alg == Algorithm::EdDSA,
            KeyKind::Rsa => alg.family() == AlgorithmFamily::Rsa,
        };
        kind_fits && self.alg.is_none_or(|restricted| restricted == alg)
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("kind", &self.kind)
            .field("alg", &self.alg)
            .finish()
    }
}

/// The keys of one successful JWKS fetch and how long they may be used.
#[derive(Debug)]
pub(crate) struct KeySet {
    pub(crate) keys: Vec<Key>,
    /// Keys listed in the document, usable or not.
    pub(crate) listed: usize,
    /// Until then the set is used without asking the endpoint again.
    pub(crate) fresh_until: SystemTime,
    /// After `fresh_until`, the set is still used while the endpoint fails, until then.
    pub(crate) stale_until: SystemTime,
}

impl KeySet {
    /// The keys that may verify a token signed with `alg` and naming `kid` (if it names one),
    /// in the order of the document.
    pub(crate) fn candidates<'a>(
        &'a self,
        alg: Algorithm,
        kid: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Key> + 'a {
        self.keys.iter().filter(move |key| {
            key.suits(alg) && kid.is_none_or(|kid| key.kid.as_deref() == Some(kid))
        })
    }

    /// How many keys could serve `alg` at all.
    pub(crate) fn count_for(&self, alg: Algorithm) -> usize {
        self.keys.iter().filter(|k| k.suits(alg)).count()
    }
}

/// Reads a JWKS document `{"keys": [...]}`. Returns the usable keys and how many were listed;
/// an error only if the document itself is not a key set.
pub(crate) fn parse_jwks(document: &Value) -> Result<(Vec<Key>, usize), String> {
    let list = document
        .as_object()
        .and_then(|o| o.get("keys"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            format!(
                "expected a JSON key set {{\"keys\": [...]}}; found {}",
                json_kind(document)
            )
        })?;
    let mut keys = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        let parsed = entry
            .as_object()
            .ok_or_else(|| format!("expected an object; found {}", json_kind(entry)))
            .and_then(parse_key);
        match parsed {
            Ok(key) if keys.len() < MAX_KEYS => keys.push(key),
            Ok(_) => tracing::debug!(index, "JWKS: ignoring a key beyond the first {MAX_KEYS}"),
            Err(why) => tracing::debug!(index, why = %why, "JWKS: ignoring a key"),
        }
    }
    Ok((keys, list.len()))
}

/// One JWK, if it is a public signature key this verifier can use.
pub(crate) fn parse_key(jwk: &Map<String, Value>) -> Result<Key, String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        match jwk.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(format!(
                "{name}: expected a string; found {}",
                json_kind(other)
            )),
        }
    };
    if let Some(usage) = text("use")? {
        if usage != "sig" {
            return Err(format!("use is {usage:?}, not \"sig\""));
        }
    }
    if let Some(ops) = jwk.get("key_ops").filter(|v| !v.is_null()) {
        let allows_verify = ops
            .as_array()
            .is_some_and(|ops| ops.iter().any(|op| op.as_str() == Some("verify")));
        if !allows_verify {
            return Err("key_ops does not include \"verify\"".into());
        }
    }
    let kid = text("kid")?.map(str::to_owned);
    let kty = text("kty")?.ok_or("kty is missing")?;
    let alg_name = text("alg")?;
    match kty {
        "OKP" => {
            let crv = text("crv")?.unwrap_or_default();
            if crv != "Ed25519" {
                return Err(format!(
                    "OKP key on curve {crv:?}; only Ed25519 is supported"
                ));
            }
            let alg = match alg_name {
                None => None,
                // RFC 9864's fully specified name means the same here.
                Some("EdDSA" | "Ed25519") => Some(Algorithm::EdDSA),
                Some(other) => return Err(format!("Ed25519 key with alg {other:?}")),
            };
            let x = text("x")?.ok_or("OKP key without x")?;
            let bytes = b64(x).map_err(|e| format!("x: {e}"))?;
            if bytes.len() != 32 {
                return Err(format!("x: expected 32 bytes; found {}", bytes.len()));
            }
            let decoding = DecodingKey::from_ed_components(x).map_err(|e| format!("x: {e}"))?;
            Ok(Key {
                kid,
                kind: KeyKind::Ed25519,
                alg,
                decoding,
            })
        }
        "RSA" => {
            let alg = match alg_name {
                None => None,
                Some(name) => match Algorithm::from_str(name) {
                    Ok(alg) if alg.family() == AlgorithmFamily::Rsa => Some(alg),
                    _ => return Err(format!("RSA key with alg {name:?}")),
                },
            };
            let n = text("n")?.ok_or("RSA key without n")?;
            let e = text("e")?.ok_or("RSA key without e")?;
            let modulus = b64(n).map_err(|err| format!("n: {err}"))?;
            let exponent = b64(e).map_err(|err| format!("e: {err}"))?;
            let significant = modulus.iter().skip_while(|b| **b == 0).count();
            if significant < MIN_RSA_MODULUS_BYTES {
                return Err(format!(
                    "RSA key of {} bits; at least 2048 are required",
                    significant * 8
                ));
            }
            if exponent.is_empty() || exponent.len() > 8 {
                return Err("e: not a plausible RSA exponent".into());
            }
            let decoding = DecodingKey::from_rsa_raw_components(&modulus, &exponent);
            Ok(Key {
                kid,
                kind: KeyKind::Rsa,
                alg,
                decoding,
            })
        }
        other => Err(format!("key type {other:?} is not supported")),
    }
}

fn b64(value: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| "not base64url (without padding)".to_owned())
}

/// `"a string"`, `"a number"`, ... for messages that must not quote attacker-controlled data.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::json;

    use super::*;

    const X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    fn key(value: Value) -> Result<Key, String> {
        parse_key(value.as_object().unwrap())
    }

    #[test]
    fn an_ed25519_key_serves_eddsa_only() {
        let k = key(json!({"kty": "OKP", "crv": "Ed25519", "x": X, "kid": "a", "use": "sig", "alg": "EdDSA"})).unwrap();
        assert_eq!(k.kid.as_deref(), Some("a"));
        assert!(k.suits(Algorithm::EdDSA));
        assert!(!k.suits(Algorithm::RS256));
        assert!(!k.suits(Algorithm::HS256));
        // Without use/alg/kid it is still usable.
        assert!(key(json!({"kty": "OKP", "crv": "Ed25519", "x": X}))
            .unwrap()
            .suits(Algorithm::EdDSA));
    }

    #[test]
    fn keys_for_other_purposes_or_contradicting_alg_are_ignored() {
        for bad in [
            json!({"kty": "OKP", "crv": "Ed25519", "x": X, "use": "enc"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": X, "alg": "RS256"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": X, "key_ops": ["encrypt"]}),
            json!({"kty": "OKP", "crv": "X25519", "x": X}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": "c2hvcnQ"}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": "not base64!"}),
            json!({"kty": "OKP", "crv": "Ed25519"}),
            json!({"kty": "oct", "k": "c2VjcmV0"}),
            json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
            json!({"kty": "EC", "crv": "P-256", "x": X, "y": X}),
            json!({"crv": "Ed25519", "x": X}),
            json!({"kty": "OKP", "crv": "Ed25519", "x": X, "kid": 7}),
        ] {
            assert!(key(bad.clone()).is_err(), "{bad}");
        }
        assert!(
            key(json!({"kty": "OKP", "crv": "Ed25519", "x": X, "key_ops": ["verify"]})).is_ok()
        );
    }

    #[test]
    fn a_document_keeps_only_usable_keys() {
        let doc = json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": X, "kid": "good"},
            {"kty": "OKP", "crv": "Ed25519", "x": X, "kid": "enc", "use": "enc"},
            "garbage",
        ]});
        let (keys, listed) = parse_jwks(&doc).unwrap();
        assert_eq!(listed, 3);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("good"));
        assert!(parse_jwks(&json!([1, 2])).is_err());
        assert!(parse_jwks(&json!({"keys": {}})).is_err());
        assert_eq!(parse_jwks(&json!({"keys": []})).unwrap().0.len(), 0);
    }
}
