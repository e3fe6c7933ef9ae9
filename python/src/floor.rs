//! `_Ed25519Floor`: the bare ed25519-dalek check of a token's signature, for `bench/python`
//! only (issue 19 measures Python's cold verification against it). Not API: no header, no
//! claims, no key lookup; the key is decoded once.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use pyo3::{exceptions::PyValueError, prelude::*};

/// The floor under any verifier: split the token, decode the signature, check it.
#[pyclass(module = "jtl_connect._native", name = "_Ed25519Floor", frozen)]
pub(crate) struct Ed25519Floor {
    key: VerifyingKey,
}

#[pymethods]
impl Ed25519Floor {
    /// `x`: the JWK's base64url public key.
    #[new]
    fn new(x: &str) -> PyResult<Self> {
        let bytes: [u8; 32] = URL_SAFE_NO_PAD
            .decode(x)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| PyValueError::new_err("x: expected 32 bytes in base64url"))?;
        let key = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| PyValueError::new_err("x: not an Ed25519 public key"))?;
        Ok(Self { key })
    }

    /// Whether the signature of `token` is this key's (nothing else is checked), by
    /// `verify_strict`: the strictness the verifier guarantees (no small-order `R`).
    fn verify(&self, py: Python<'_>, token: &str) -> bool {
        py.detach(|| {
            split(token)
                .is_some_and(|(input, signature)| self.key.verify_strict(input, &signature).is_ok())
        })
    }

    /// The same by the cofactorless `verify`, which accepts some small-order `R`: a
    /// reference for the cheapest check ed25519-dalek has, not a floor a strict verifier
    /// could reach.
    fn verify_cofactorless(&self, py: Python<'_>, token: &str) -> bool {
        py.detach(|| {
            split(token)
                .is_some_and(|(input, signature)| self.key.verify(input, &signature).is_ok())
        })
    }
}

/// The signing input and the decoded signature of a compact JWS.
fn split(token: &str) -> Option<(&[u8], Signature)> {
    let (input, signature) = token.rsplit_once('.')?;
    let bytes = URL_SAFE_NO_PAD.decode(signature).ok()?;
    Some((input.as_bytes(), Signature::from_slice(&bytes).ok()?))
}
