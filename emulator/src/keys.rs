//! The emulator's signing keys: the published session-token keys (JWKS) with rotation and a
//! grace period, one key that is never published, and the key that signs access tokens.

use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use serde_json::{json, Value};

use crate::jwt::b64;

/// How many rotated-out keys are remembered at most.
const MAX_RETIRED: usize = 8;

/// One Ed25519 key with its `kid`.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) kid: String,
    pub(crate) signing: SigningKey,
}

impl Key {
    fn generate() -> Self {
        let signing = SigningKey::generate(&mut OsRng);
        let kid = b64(&signing.verifying_key().to_bytes()[..9]);
        Self { kid, signing }
    }

    /// The public half as an OKP JWK.
    pub(crate) fn jwk(&self) -> Value {
        json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64(self.signing.verifying_key().as_bytes()),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        })
    }
}

struct Retired {
    key: Key,
    published_until: i64,
}

/// All keys of one emulator.
pub(crate) struct KeyRing {
    current: Key,
    retired: Vec<Retired>,
    unpublished: Key,
    access: Key,
}

impl KeyRing {
    pub(crate) fn new() -> Self {
        Self {
            current: Key::generate(),
            retired: Vec::new(),
            unpublished: Key::generate(),
            access: Key::generate(),
        }
    }

    pub(crate) fn current(&self) -> &Key {
        &self.current
    }

    /// The key rotated out most recently, published or not any more.
    pub(crate) fn previous(&self) -> Option<&Key> {
        self.retired.last().map(|r| &r.key)
    }

    pub(crate) fn unpublished(&self) -> &Key {
        &self.unpublished
    }

    pub(crate) fn access(&self) -> &Key {
        &self.access
    }

    /// Makes a new current key; the old one stays published for `grace_secs`.
    pub(crate) fn rotate(&mut self, now: i64, grace_secs: u64) -> &Key {
        let old = std::mem::replace(&mut self.current, Key::generate());
        let grace = i64::try_from(grace_secs).unwrap_or(i64::MAX);
        self.retired.push(Retired {
            key: old,
            published_until: now.saturating_add(grace),
        });
        if self.retired.len() > MAX_RETIRED {
            self.retired.remove(0);
        }
        &self.current
    }

    /// The JWKS document: the current key first, then retired keys still in their grace.
    /// `without_kid` leaves `kid` out of every entry (the `jwks_without_kid` setting).
    pub(crate) fn jwks(&self, now: i64, without_kid: bool) -> Value {
        let mut keys = vec![self.current.jwk()];
        keys.extend(
            self.retired
                .iter()
                .rev()
                .filter(|r| r.published_until > now)
                .map(|r| r.key.jwk()),
        );
        if without_kid {
            for key in &mut keys {
                if let Some(entry) = key.as_object_mut() {
                    entry.remove("kid");
                }
            }
        }
        json!({ "keys": keys })
    }
}
