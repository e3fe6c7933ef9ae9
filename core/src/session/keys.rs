//! The keys of a JWKS document, parsed once per fetch into ready-to-use public keys
//! (`ed25519-dalek` for Ed25519, `ring` for RSA), with strict matching rules (modelled on panva/jose):
//! a key serves an algorithm only if its type fits (OKP/Ed25519 for `EdDSA`, RSA for `RS*`/`PS*`),
//! its `use` is `sig` (or absent), its `key_ops` allow `verify` (or are absent), and its `alg`,
//! when present, is that algorithm. Keys that fail any rule are ignored, never guessed at.
//!
//! Ed25519 keys are held as `ed25519-dalek` keys and checked with strict RFC 8032
//! verification (canonical `S`, no small-order `R` or `A`, canonical encodings): a JWKS that
//! lists a small-order ("weak") key would otherwise let the constant signature
//! `R = identity, S = 0` verify any payload (issue 14.1). Weak and non-canonically encoded
//! keys are dropped when the set is parsed.

use std::{str::FromStr, time::SystemTime};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use jsonwebtoken::{Algorithm, AlgorithmFamily};
use ring::signature::{self as ring_signature, RsaParameters, RsaPublicKeyComponents};
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

/// The public key itself.
#[derive(Clone)]
pub(crate) enum Material {
    /// A valid, canonically encoded Ed25519 point that is not of small order.
    Ed25519(VerifyingKey),
    /// An RSA public key of at least 2048 bits: modulus and exponent, big-endian (checked
    /// with `ring`, the library TLS already uses).
    Rsa(RsaPublicKeyComponents<Vec<u8>>),
}

/// A signature that cannot be checked at all: not base64url.
#[derive(Debug)]
pub(crate) struct UndecodableSignature;

/// One usable verification key.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) kid: Option<String>,
    pub(crate) kind: KeyKind,
    /// The `alg` the JWK is restricted to, if it names one.
    pub(crate) alg: Option<Algorithm>,
    pub(crate) material: Material,
}

impl Key {
    /// Whether `signature` (base64url) over `input` verifies with this key and `alg`.
    /// Ed25519 signatures are checked strictly (RFC 8032 §5.1.7 with canonical `S` and no
    /// small-order `R` or `A`); a key of the wrong kind verifies nothing.
    pub(crate) fn verify(
        &self,
        alg: Algorithm,
        signature: &str,
        input: &[u8],
    ) -> Result<bool, UndecodableSignature> {
        if !self.suits(alg) {
            return Ok(false);
        }
        match &self.material {
            Material::Ed25519(key) => {
                let Some(signature) = ed25519_signature(signature)? else {
                    return Ok(false);
                };
                Ok(verify_ed25519_strict(key, input, &signature))
            }
            Material::Rsa(key) => {
                let bytes = URL_SAFE_NO_PAD
                    .decode(signature)
                    .map_err(|_| UndecodableSignature)?;
                Ok(rsa_parameters(alg)
                    .is_some_and(|params| key.verify(params, input, &bytes).is_ok()))
            }
        }
    }

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
    /// The keys that may verify a token signed with `alg` and naming `kid` in its header (if
    /// it names one), in the order of the document. A named `kid` selects the keys with that
    /// `kid`; if the set has none, its kid-less keys (a JWKS that publishes no key ids, which
    /// JTL's docs allow) are the candidates.
    pub(crate) fn candidates<'a>(
        &'a self,
        alg: Algorithm,
        kid: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Key> + 'a {
        let by_kid = kid.is_some_and(|kid| {
            self.keys
                .iter()
                .any(|key| key.suits(alg) && key.kid.as_deref() == Some(kid))
        });
        self.keys.iter().filter(move |key| {
            key.suits(alg)
                && match kid {
                    None => true,
                    Some(kid) if by_kid => key.kid.as_deref() == Some(kid),
                    Some(_) => key.kid.is_none(),
                }
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
            let bytes: [u8; 32] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| format!("x: expected 32 bytes; found {}", bytes.len()))?;
            Ok(Key {
                kid,
                kind: KeyKind::Ed25519,
                alg,
                material: Material::Ed25519(ed25519_key(&bytes)?),
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
            Ok(Key {
                kid,
                kind: KeyKind::Rsa,
                alg,
                material: Material::Rsa(RsaPublicKeyComponents {
                    n: modulus,
                    e: exponent,
                }),
            })
        }
        other => Err(format!("key type {other:?} is not supported")),
    }
}

/// ring's verification parameters for an RSA algorithm: PKCS#1 v1.5 for `RS*`, PSS for `PS*`,
/// each for moduli of 2048 to 8192 bits (what JWKS parsing lets through).
fn rsa_parameters(alg: Algorithm) -> Option<&'static RsaParameters> {
    Some(match alg {
        Algorithm::RS256 => &ring_signature::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &ring_signature::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &ring_signature::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &ring_signature::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &ring_signature::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &ring_signature::RSA_PSS_2048_8192_SHA512,
        _ => return None,
    })
}

/// An Ed25519 public key that strict verification can use: a curve point (not of small
/// order, so not "weak") in its one canonical encoding (`y < p`, and `-0` is not a sign).
pub(crate) fn ed25519_key(bytes: &[u8; 32]) -> Result<VerifyingKey, String> {
    let key =
        VerifyingKey::from_bytes(bytes).map_err(|_| "x: not a point of Ed25519".to_owned())?;
    if key.is_weak() {
        return Err(
            "x: a weak key (a point of small order) that would verify forged signatures".into(),
        );
    }
    if key.to_edwards().compress().as_bytes() != bytes {
        return Err("x: not the canonical encoding of its point".into());
    }
    Ok(key)
}

/// The canonical encodings of the eight points of small order (the torsion subgroup `E[8]`;
/// "Taming the many EdDSAs", Chalkias et al. 2020, table 5): the identity, the point of order
/// 2, the two of order 4 and the four of order 8.
const SMALL_ORDER_ENCODINGS: [[u8; 32]; 8] = [
    small_order(0x01, 0x00, 0x00),
    small_order(0xec, 0xff, 0x7f),
    small_order(0x00, 0x00, 0x00),
    small_order(0x00, 0x00, 0x80),
    ORDER_8[0],
    ORDER_8[1],
    ORDER_8[2],
    ORDER_8[3],
];

/// A 32-byte encoding `first, fill .. fill, last` (the small-order points of order 1, 2, 4).
const fn small_order(first: u8, fill: u8, last: u8) -> [u8; 32] {
    let mut bytes = [fill; 32];
    bytes[0] = first;
    bytes[31] = last;
    bytes
}

/// The four points of order 8: `(x, y)` and `(-x, y)` for the two `y` that have them.
const ORDER_8: [[u8; 32]; 4] = [
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x85,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0xfa,
    ],
];

/// The signature segment of an EdDSA token: `None` if it decodes but is not 64 bytes, an
/// error if it is not base64url. 64 bytes are 86 characters, decoded on the stack.
fn ed25519_signature(text: &str) -> Result<Option<Signature>, UndecodableSignature> {
    if text.len() == 86 {
        // 86 characters are estimated at up to 66 bytes; exactly 64 come out of valid text.
        let mut buffer = [0u8; 66];
        let written = URL_SAFE_NO_PAD
            .decode_slice(text, &mut buffer)
            .map_err(|_| UndecodableSignature)?;
        return Ok(buffer
            .get(..written)
            .and_then(|bytes| Signature::from_slice(bytes).ok()));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| UndecodableSignature)?;
    Ok(Signature::from_slice(&bytes).ok())
}

/// Strict Ed25519 verification (RFC 8032 §5.1.7 with canonical `S` and no small-order `R` or
/// `A`), with the same answers as `VerifyingKey::verify_strict` for every input but one square
/// root cheaper: `verify_strict` decompresses `R` to test its order, which costs about as
/// much as the compression at the end of every verification (~10 % of it). Here:
///
/// - `A` of small order: refused (`is_weak`: three doublings; keys are also refused when a
///   JWKS is parsed, this keeps a weak key that got here some other way harmless);
/// - then the cofactorless `verify`: it refuses a non-canonical `S` (`S >= L`, checked when
///   the signature is parsed, without dalek's `legacy_compatibility`), computes
///   `R' = [S]B - [k]A` and accepts only if the **canonical encoding** of `R'` equals the
///   signature's 32 `R` bytes. So only a canonical encoding of a curve point can ever be
///   accepted as `R` (a non-canonical one, `y >= p` or `-0`, never equals an encoding
///   `compress` produces), and such an `R` decompresses, as `verify_strict` requires;
/// - `R` of small order: a point has small order exactly if it lies in `E[8]`, whose eight
///   points have the eight canonical encodings of [`SMALL_ORDER_ENCODINGS`]; since only a
///   canonical `R` can pass, refusing those eight byte strings refuses exactly the small-order
///   `R` that `verify_strict` refuses after decompressing.
///
/// The vectors in this module's tests (small-order `R` and `A`, non-canonical `R`, `A` and
/// `S`) check both functions give the same answer.
fn verify_ed25519_strict(key: &VerifyingKey, input: &[u8], signature: &Signature) -> bool {
    !key.is_weak()
        && !SMALL_ORDER_ENCODINGS.contains(signature.r_bytes())
        && key.verify(input, signature).is_ok()
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

    /// The eight points of small order in their canonical encodings (RFC 8032 / "Taming the
    /// many EdDSAs"): identity, order 2, two of order 4, four of order 8.
    pub(crate) const SMALL_ORDER: [&str; 8] = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    ];
    /// Non-canonical encodings of small-order points: `y = p + 1` (identity), `y = p`
    /// (order 4), and the identity with the sign bit of `x = 0` set ("-0").
    const NON_CANONICAL_SMALL: [&str; 3] = [
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000080",
    ];
    /// The group order L, little-endian.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    fn hex(text: &str) -> [u8; 32] {
        let bytes: Vec<u8> = (0..64)
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect();
        bytes.try_into().unwrap()
    }

    fn okp(bytes: &[u8; 32], kid: &str) -> Value {
        json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(bytes), "kid": kid})
    }

    /// `R = identity, S = 0`: verifies for any message under a small-order key without strict
    /// verification.
    fn constant_forgery() -> String {
        let mut signature = [0u8; 64];
        signature[0] = 1;
        URL_SAFE_NO_PAD.encode(signature)
    }

    #[test]
    fn weak_and_non_canonical_ed25519_keys_are_dropped() {
        for point in SMALL_ORDER.iter().chain(NON_CANONICAL_SMALL.iter()) {
            let err = key(okp(&hex(point), "weak")).unwrap_err();
            assert!(
                err.contains("weak") || err.contains("canonical"),
                "{point}: {err}"
            );
        }
        // A non-canonical encoding (y + p) of a point that is not of small order.
        let p_minus_19 = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        let mut found = 0;
        for y in 2u8..19 {
            let mut canonical = [0u8; 32];
            canonical[0] = y;
            if ed25519_key(&canonical).is_err() {
                continue; // not a point, or weak
            }
            let mut high = p_minus_19;
            high[0] = high[0].wrapping_add(y); // p + y, still below 2^255
            let err = key(okp(&high, "alias")).unwrap_err();
            assert!(err.contains("canonical"), "{err}");
            found += 1;
        }
        assert!(found > 0, "some small y is a point of large order");
    }

    #[test]
    fn strict_verification_refuses_forgeries_even_with_a_weak_key_held() {
        let forged = constant_forgery();
        for point in SMALL_ORDER.iter().chain(NON_CANONICAL_SMALL.iter()) {
            // Bypass the parser's filter: strictness alone must refuse.
            let Ok(weak) = VerifyingKey::from_bytes(&hex(point)) else {
                continue;
            };
            let held = Key {
                kid: None,
                kind: KeyKind::Ed25519,
                alg: None,
                material: Material::Ed25519(weak),
            };
            for message in [&b"a.b"[..], b"eyJhbGciOiJFZERTQSJ9.e30", b""] {
                assert!(
                    !held.verify(Algorithm::EdDSA, &forged, message).unwrap(),
                    "{point}"
                );
            }
        }
    }

    #[test]
    fn non_canonical_signatures_are_refused_and_mixed_sets_keep_the_good_key() {
        use ed25519_dalek::{Signer, SigningKey};
        let signing = SigningKey::from_bytes(&[7u8; 32]);
        let good = signing.verifying_key().to_bytes();
        let doc = json!({"keys": [
            okp(&hex(SMALL_ORDER[0]), "weak-identity"),
            okp(&good, "good"),
            okp(&hex(SMALL_ORDER[5]), "weak-order-8"),
        ]});
        let (keys, listed) = parse_jwks(&doc).unwrap();
        assert_eq!((keys.len(), listed), (1, 3));
        let key = &keys[0];
        assert_eq!(key.kid.as_deref(), Some("good"));
        let message = b"header.payload";
        let signature = signing.sign(message).to_bytes();
        let verify = |sig: &[u8]| {
            key.verify(Algorithm::EdDSA, &URL_SAFE_NO_PAD.encode(sig), message)
                .unwrap()
        };
        assert!(verify(&signature));
        assert!(!verify(
            &URL_SAFE_NO_PAD.decode(constant_forgery()).unwrap()
        ));
        // S + L: the same scalar, non-canonically encoded.
        let mut s_plus_l = signature;
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(s_plus_l[32 + i]) + u16::from(L[i]) + carry;
            s_plus_l[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        if carry == 0 && s_plus_l[63] & 0xe0 == 0 {
            assert!(!verify(&s_plus_l), "non-canonical S");
        }
        // S with the high bits set.
        let mut high_s = signature;
        high_s[63] |= 0xe0;
        assert!(!verify(&high_s));
        // R replaced by each small-order point, S = 0.
        for point in SMALL_ORDER {
            let mut forged = [0u8; 64];
            forged[..32].copy_from_slice(&hex(point));
            assert!(!verify(&forged), "{point}");
        }
        // Wrong length and undecodable text.
        assert!(!verify(&signature[..63]));
        assert!(key.verify(Algorithm::EdDSA, "a", message).is_err());
    }

    #[test]
    fn the_small_order_encodings_are_the_eight_points_of_small_order() {
        use curve25519_dalek::{edwards::CompressedEdwardsY, Scalar};
        for (bytes, text) in SMALL_ORDER_ENCODINGS.iter().zip(SMALL_ORDER) {
            assert_eq!(*bytes, hex(text));
            let point = CompressedEdwardsY(*bytes).decompress().unwrap();
            assert!(point.is_small_order(), "{text}");
            assert_eq!(point.compress().0, *bytes, "{text} is canonical");
        }
        // E[8] is cyclic: the multiples of a point of order 8 are all of it, each listed once.
        let generator = CompressedEdwardsY(ORDER_8[0]).decompress().unwrap();
        let mut multiples: Vec<[u8; 32]> = (0u64..8)
            .map(|i| (generator * Scalar::from(i)).compress().0)
            .collect();
        let mut listed = SMALL_ORDER_ENCODINGS.to_vec();
        multiples.sort_unstable();
        listed.sort_unstable();
        listed.dedup();
        assert_eq!(multiples, listed);
    }

    /// Signatures made by hand with the curve arithmetic: `R` chosen freely, `S = r + k·a`.
    struct HandSigner {
        a: curve25519_dalek::Scalar,
        public: [u8; 32],
    }

    impl HandSigner {
        fn new(seed: u8) -> Self {
            let signing = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
            Self {
                a: signing.to_scalar(),
                public: signing.verifying_key().to_bytes(),
            }
        }

        /// `k = H(R || A || M) mod L` for the public key `public`.
        fn k(r: &[u8; 32], public: &[u8; 32], message: &[u8]) -> curve25519_dalek::Scalar {
            use sha2::{Digest, Sha512};
            let hash: [u8; 64] = Sha512::new()
                .chain_update(r)
                .chain_update(public)
                .chain_update(message)
                .finalize()
                .into();
            curve25519_dalek::Scalar::from_bytes_mod_order_wide(&hash)
        }

        /// `R || S` with `S = r + k·a`, where `k` is computed for `claimed` as the public key.
        fn sign(
            &self,
            r: curve25519_dalek::Scalar,
            r_bytes: [u8; 32],
            claimed: &[u8; 32],
            message: &[u8],
        ) -> Signature {
            let s = r + Self::k(&r_bytes, claimed, message) * self.a;
            let mut bytes = [0u8; 64];
            bytes[..32].copy_from_slice(&r_bytes);
            bytes[32..].copy_from_slice(s.as_bytes());
            Signature::from_bytes(&bytes)
        }
    }

    /// The identity as `R` with `S = k·a`: `[S]B - [k]A` is the identity, whose encoding is
    /// `R`, so the cofactorless check accepts it for any message; the strict one must not.
    #[test]
    fn an_identity_r_that_plain_verify_accepts_is_refused() {
        let signer = HandSigner::new(9);
        let key = VerifyingKey::from_bytes(&signer.public).unwrap();
        for message in [&b"header.payload"[..], b"", b"eyJhbGciOiJFZERTQSJ9.e30"] {
            let identity = hex(SMALL_ORDER[0]);
            let forged = signer.sign(
                curve25519_dalek::Scalar::ZERO,
                identity,
                &signer.public,
                message,
            );
            assert!(
                key.verify(message, &forged).is_ok(),
                "the forgery works on plain verify"
            );
            assert!(key.verify_strict(message, &forged).is_err());
            assert!(!verify_ed25519_strict(&key, message, &forged));
        }
    }

    /// Every combination of these keys and signatures gets the same answer from
    /// [`verify_ed25519_strict`] as from `verify_strict`: good signatures, each small-order
    /// point (canonical and not) as `R` with `S = 0`, with the good `S` and with the `S` that
    /// makes the identity forgery work, non-canonical and out-of-range `S`, flipped bits, and
    /// keys that are weak, of mixed order (a key plus a point of order 8) or merely another key.
    #[test]
    fn the_cheaper_strict_check_answers_exactly_like_verify_strict() {
        use curve25519_dalek::{constants::ED25519_BASEPOINT_POINT as B, Scalar};
        use ed25519_dalek::Signer;
        let signer = HandSigner::new(3);
        let signing = ed25519_dalek::SigningKey::from_bytes(&[3; 32]);
        let good = VerifyingKey::from_bytes(&signer.public).unwrap();
        let torsion = curve25519_dalek::edwards::CompressedEdwardsY(ORDER_8[0])
            .decompress()
            .unwrap();
        let mixed_bytes = (good.to_edwards() + torsion).compress().0;
        let mixed = VerifyingKey::from_bytes(&mixed_bytes).unwrap();
        let mut keys = vec![
            good,
            mixed,
            VerifyingKey::from_bytes(&HandSigner::new(4).public).unwrap(),
        ];
        keys.extend(
            SMALL_ORDER
                .iter()
                .chain(NON_CANONICAL_SMALL.iter())
                .filter_map(|p| VerifyingKey::from_bytes(&hex(p)).ok()),
        );
        let mut accepted = 0;
        let mut compared = 0;
        for i in 0u8..24 {
            let message = format!("eyJhbGciOiJFZERTQSJ9.{i}");
            let message = message.as_bytes();
            let mut signatures = vec![signing.sign(message)];
            let genuine = signatures[0].to_bytes();
            // Signatures valid under the mixed-order key for about one message in eight.
            let r = Scalar::from(u64::from(i) + 11);
            signatures.push(signer.sign(r, (B * r).compress().0, &mixed_bytes, message));
            for point in SMALL_ORDER.iter().chain(NON_CANONICAL_SMALL.iter()) {
                let r_bytes = hex(point);
                for s in [
                    Scalar::ZERO,
                    Scalar::from_bytes_mod_order(genuine[32..].try_into().unwrap()),
                ] {
                    let mut bytes = [0u8; 64];
                    bytes[..32].copy_from_slice(&r_bytes);
                    bytes[32..].copy_from_slice(s.as_bytes());
                    signatures.push(Signature::from_bytes(&bytes));
                }
                signatures.push(signer.sign(Scalar::ZERO, r_bytes, &signer.public, message));
                signatures.push(signer.sign(Scalar::ZERO, r_bytes, &mixed_bytes, message));
            }
            let mut s_plus_l = genuine;
            let mut carry = 0u16;
            for j in 0..32 {
                let sum = u16::from(s_plus_l[32 + j]) + u16::from(L[j]) + carry;
                s_plus_l[32 + j] = sum as u8;
                carry = sum >> 8;
            }
            signatures.push(Signature::from_bytes(&s_plus_l));
            for bit in [0usize, 9, 255, 256, 300, 511] {
                let mut flipped = genuine;
                flipped[bit / 8] ^= 1 << (bit % 8);
                signatures.push(Signature::from_bytes(&flipped));
            }
            for key in &keys {
                for signature in &signatures {
                    let strict = key.verify_strict(message, signature).is_ok();
                    assert_eq!(
                        verify_ed25519_strict(key, message, signature),
                        strict,
                        "key {:02x?}, signature {:02x?}",
                        key.as_bytes(),
                        signature.to_bytes()
                    );
                    accepted += usize::from(strict);
                    compared += 1;
                }
            }
        }
        // The genuine signature for each message, and some under the mixed-order key.
        assert!(accepted > 24, "{accepted} of {compared}");
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

    #[test]
    fn rsa_signatures_verify_per_algorithm_with_ring() {
        use rsa::{
            pkcs1v15, pss,
            signature::{RandomizedSigner, SignatureEncoding, Signer},
            traits::PublicKeyParts,
            RsaPrivateKey,
        };
        use sha2::{Sha256, Sha384, Sha512};

        let mut rng = rand::thread_rng();
        let private = RsaPrivateKey::new(&mut rng, 2048).unwrap();
        let public = private.to_public_key();
        let jwk = json!({
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
            "kid": "rsa",
        });
        let held = key(jwk).unwrap();
        let input = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0";
        let signed: Vec<(Algorithm, Vec<u8>)> = vec![
            (
                Algorithm::RS256,
                pkcs1v15::SigningKey::<Sha256>::new(private.clone())
                    .sign(input)
                    .to_vec(),
            ),
            (
                Algorithm::RS384,
                pkcs1v15::SigningKey::<Sha384>::new(private.clone())
                    .sign(input)
                    .to_vec(),
            ),
            (
                Algorithm::RS512,
                pkcs1v15::SigningKey::<Sha512>::new(private.clone())
                    .sign(input)
                    .to_vec(),
            ),
            (
                Algorithm::PS256,
                pss::SigningKey::<Sha256>::new(private.clone())
                    .sign_with_rng(&mut rng, input)
                    .to_vec(),
            ),
            (
                Algorithm::PS384,
                pss::SigningKey::<Sha384>::new(private.clone())
                    .sign_with_rng(&mut rng, input)
                    .to_vec(),
            ),
            (
                Algorithm::PS512,
                pss::SigningKey::<Sha512>::new(private.clone())
                    .sign_with_rng(&mut rng, input)
                    .to_vec(),
            ),
        ];
        for (alg, signature) in &signed {
            let text = URL_SAFE_NO_PAD.encode(signature);
            assert!(held.verify(*alg, &text, input).unwrap(), "{alg:?}");
            // Another message, or the same signature read as another algorithm, fails.
            assert!(
                !held
                    .verify(*alg, &text, b"eyJhbGciOiJSUzI1NiJ9.e30")
                    .unwrap(),
                "{alg:?}"
            );
            for (other, _) in signed.iter().filter(|(other, _)| other != alg) {
                assert!(
                    !held.verify(*other, &text, input).unwrap(),
                    "{alg:?} as {other:?}"
                );
            }
            // An RSA key never serves EdDSA, and a flipped bit breaks the signature.
            assert!(!held.verify(Algorithm::EdDSA, &text, input).unwrap());
            let mut flipped = signature.clone();
            flipped[17] ^= 1;
            assert!(!held
                .verify(*alg, &URL_SAFE_NO_PAD.encode(flipped), input)
                .unwrap());
        }
        assert!(held.verify(Algorithm::RS256, "not base64!", input).is_err());
    }
}
