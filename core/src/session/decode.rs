//! Taking a compact JWT apart: three base64url segments, a JSON header and a JSON payload.
//! [`decode_unverified`] exposes this for inspection; the verifier uses the same steps and
//! then checks the signature and the claims.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{Map, Value};

use crate::{Error, Result, TokenInvalidReason};

/// Tokens longer than this are refused by [`decode_unverified`] (and by default by the
/// verifier): 16 KiB.
pub(crate) const DEFAULT_MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Header and claims of a JWT, read **without verifying anything**.
///
/// For inspection only (logs, debugging, choosing a tenant's configuration before
/// verification): nothing in it can be trusted. Use [`crate::SessionVerifier::verify`] before
/// acting on any claim.
#[derive(Clone, Debug, PartialEq)]
pub struct UnverifiedToken {
    /// The JOSE header (`alg`, `typ`, `kid`, ...).
    pub header: Map<String, Value>,
    /// The payload's claims.
    pub claims: Map<String, Value>,
}

/// Reads a JWT's header and claims **without verifying its signature or any claim**: for
/// inspection only, never to decide whom to trust.
///
/// Fails with `token_invalid` (`too_large` over 16 KiB, `malformed` if it is not three
/// base64url segments with a JSON object in the first two).
pub fn decode_unverified(token: &str) -> Result<UnverifiedToken> {
    check_size(token, DEFAULT_MAX_TOKEN_BYTES)?;
    let segments = split(token)?;
    Ok(UnverifiedToken {
        header: object(segments.header, "header")?,
        claims: object(segments.payload, "payload")?,
    })
}

/// The three segments of a compact JWS.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segments<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
    /// `header.payload`: what the signature covers.
    pub(crate) signing_input: &'a str,
}

/// `too_large` if `token` is longer than `max` bytes.
pub(crate) fn check_size(token: &str, max: usize) -> Result<()> {
    if token.len() > max {
        return Err(Error::token_invalid(
            TokenInvalidReason::TooLarge,
            format!(
                "expected a token of at most {max} bytes; found {} bytes",
                token.len()
            ),
        ));
    }
    Ok(())
}

pub(crate) fn malformed(message: impl Into<String>) -> Error {
    Error::token_invalid(TokenInvalidReason::Malformed, message)
}

/// Splits a compact JWS into its segments, checking that each uses only base64url characters.
/// The signature may be empty (an `alg: none` token), so that the algorithm check can name
/// the real problem.
pub(crate) fn split(token: &str) -> Result<Segments<'_>> {
    if token
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        return Err(malformed(
            "expected the bare token; found an Authorization header value (remove \"Bearer \")",
        ));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        let found = token.split('.').count();
        return Err(malformed(format!(
            "expected a JWT of three base64url segments separated by '.'; found {found} segment{}",
            if found == 1 { "" } else { "s" }
        )));
    };
    for (name, segment) in [
        ("header", header),
        ("payload", payload),
        ("signature", signature),
    ] {
        if segment.is_empty() && name != "signature" {
            return Err(malformed(format!(
                "expected a base64url {name} segment; found an empty one"
            )));
        }
        if !segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(malformed(format!(
                "expected the {name} segment in base64url without padding; found other characters"
            )));
        }
    }
    let signing_input = &token[..header.len() + 1 + payload.len()];
    Ok(Segments {
        header,
        payload,
        signature,
        signing_input,
    })
}

/// A top-level JSON object read in one pass, with the first member name that appeared a
/// second time (serde_json alone would keep the last of repeated members silently).
struct Members {
    map: Map<String, Value>,
    repeated: Option<String>,
}

impl<'de> serde::de::Visitor<'de> for Members {
    type Value = Members;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        mut self,
        mut access: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while let Some((key, value)) = access.next_entry::<String, Value>()? {
            if self.map.contains_key(&key) {
                self.repeated.get_or_insert_with(|| key.clone());
            }
            self.map.insert(key, value);
        }
        Ok(self)
    }
}

/// `bytes` as one JSON object (and nothing after it) in a single pass; `None` if it is not.
fn members(bytes: &[u8]) -> Option<Members> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let found = Members {
        map: Map::new(),
        repeated: None,
    };
    let members = serde::Deserializer::deserialize_map(&mut deserializer, found).ok()?;
    deserializer.end().ok()?;
    Some(members)
}

/// Decodes one base64url segment holding a JSON object.
pub(crate) fn object(segment: &str, name: &str) -> Result<Map<String, Value>> {
    let bytes = URL_SAFE_NO_PAD.decode(segment).map_err(|_| {
        malformed(format!(
            "expected the {name} in base64url; it does not decode"
        ))
    })?;
    // The common case in one pass; anything else is parsed again only to say what it is.
    match members(&bytes) {
        Some(Members {
            repeated: None,
            map,
        }) => return Ok(map),
        // A verifier and whatever reads the token after it could disagree on which of
        // repeated members counts, so repeats are refused.
        Some(Members {
            repeated: Some(repeated),
            ..
        }) => {
            let shown: String = repeated.chars().take(40).collect();
            return Err(malformed(format!(
                "expected each member of the {name} once; found {shown:?} more than once"
            )));
        }
        None => {}
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(other) => Err(malformed(format!(
            "expected the {name} to be a JSON object; found {}",
            super::keys::json_kind(&other)
        ))),
        Err(e) => Err(malformed(format!(
            "expected the {name} to be JSON; it is not ({e})"
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn b64(value: &str) -> String {
        URL_SAFE_NO_PAD.encode(value)
    }

    #[test]
    fn reads_header_and_claims() {
        let token = format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"EdDSA"}"#),
            b64(r#"{"tenantId":"t"}"#)
        );
        let decoded = decode_unverified(&token).unwrap();
        assert_eq!(decoded.header["alg"], "EdDSA");
        assert_eq!(decoded.claims["tenantId"], "t");
    }

    #[test]
    fn refuses_garbage_with_the_right_reason() {
        let reason = |t: &str| decode_unverified(t).unwrap_err().reason();
        let header = b64(r#"{"alg":"EdDSA"}"#);
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            "Bearer a.b.c",
            &format!("{header}..sig"),
            &format!("{header}.{}.s=g", b64("{}")),
            &format!("{}.{}.sig", b64("[1]"), b64("{}")),
            &format!("{header}.{}.sig", b64("not json")),
            &format!("{header}.A.sig"),
        ] {
            assert_eq!(reason(bad), Some(TokenInvalidReason::Malformed), "{bad}");
        }
        let huge = "a".repeat(DEFAULT_MAX_TOKEN_BYTES + 1);
        assert_eq!(reason(&huge), Some(TokenInvalidReason::TooLarge));
    }

    #[test]
    fn the_signing_input_is_header_dot_payload() {
        let s = split("aa.bb.cc").unwrap();
        assert_eq!(
            (s.header, s.payload, s.signature, s.signing_input),
            ("aa", "bb", "cc", "aa.bb")
        );
        assert_eq!(split("aa.bb.").unwrap().signature, "");
    }
}
