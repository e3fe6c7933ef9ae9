//! The app-token issuer's RSA keys (facts §4.2): the published one, one never published and a
//! foreign one, each made on first use, and JWS signing with them. Pure key handling, no HTTP.

use std::sync::OnceLock;

use rand::rngs::OsRng;
use rsa::{
    pkcs1v15::SigningKey,
    signature::{SignatureEncoding, Signer},
    traits::PublicKeyParts,
    RsaPrivateKey,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{error::Error, jwt::b64};

/// Modulus size of the issuer's keys.
const RSA_BITS: usize = 2048;

/// One RSA signing key with its `kid` and public JWK.
pub(crate) struct RsaKey {
    /// The key id, in the JWK and in the token headers.
    pub(crate) kid: String,
    /// The private key, RS256 (PKCS#1 v1.5 over SHA-256).
    signing: SigningKey<Sha256>,
    /// The public key as the key set serves it.
    jwk: Value,
}

impl RsaKey {
    /// A fresh key; the error says why one could not be made.
    fn generate() -> Result<Self, String> {
        let private = RsaPrivateKey::new(&mut OsRng, RSA_BITS)
            .map_err(|e| format!("could not generate an RSA key: {e}"))?;
        let n = private.n().to_bytes_be();
        let e = private.e().to_bytes_be();
        // Like Zitadel's numeric ids, opaque; derived from the modulus so it is stable.
        let kid = b64(&Sha256::digest(&n)[..12]);
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": kid,
            "n": b64(&n),
            "e": b64(&e),
        });
        Ok(Self {
            kid,
            signing: SigningKey::<Sha256>::new(private),
            jwk,
        })
    }
}

/// The issuer's keys, each made on first use and kept for the emulator's life (a reset
/// keeps them, as it keeps the session keys).
#[derive(Default)]
pub(crate) struct AppKeys {
    /// The key published at `/oauth/v2/keys`.
    current: OnceLock<Result<RsaKey, String>>,
    /// A key never published, under its own `kid`.
    unpublished: OnceLock<Result<RsaKey, String>>,
    /// Another issuer's key, minted under the published key's `kid`.
    foreign: OnceLock<Result<RsaKey, String>>,
}

/// The key in `cell`, made now if it is not there yet. A failure is kept: it would recur.
fn get(cell: &OnceLock<Result<RsaKey, String>>) -> Result<&RsaKey, Error> {
    cell.get_or_init(RsaKey::generate)
        .as_ref()
        .map_err(|e| Error::Conflict(e.clone()))
}

impl AppKeys {
    /// The published key, made on first use.
    pub(crate) fn current(&self) -> Result<&RsaKey, Error> {
        get(&self.current)
    }

    /// The key that is never published ([`AppKeyChoice::Unpublished`](crate::AppKeyChoice::Unpublished)).
    pub(crate) fn unpublished(&self) -> Result<&RsaKey, Error> {
        get(&self.unpublished)
    }

    /// The other issuer's key ([`AppKeyChoice::Foreign`](crate::AppKeyChoice::Foreign)).
    pub(crate) fn foreign(&self) -> Result<&RsaKey, Error> {
        get(&self.foreign)
    }

    /// `{"keys": [...]}` as `/oauth/v2/keys` serves it.
    pub(crate) fn jwks(&self) -> Result<Value, Error> {
        Ok(json!({ "keys": [self.current()?.jwk.clone()] }))
    }

    /// The key ids, for `GET /_emulator/app-keys`.
    pub(crate) fn summary(&self) -> Result<Value, Error> {
        Ok(json!({
            "current": self.current()?.kid,
            "unpublished": self.unpublished()?.kid,
            "jwks": self.jwks()?,
        }))
    }
}

/// A compact JWS of `header` and `claims` signed with `key`.
pub(crate) fn sign(key: &RsaKey, header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = key.signing.sign(input.as_bytes());
    format!("{input}.{}", b64(&signature.to_bytes()))
}
