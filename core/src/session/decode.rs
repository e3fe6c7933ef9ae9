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

/// The bytes of the base64url alphabet (RFC 4648 §5), as a table: one load per byte of a token.
const BASE64URL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    table
};

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
        if !segment.bytes().all(|b| BASE64URL[usize::from(b)]) {
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
            match self.map.entry(key) {
                serde_json::map::Entry::Vacant(vacant) => {
                    vacant.insert(value);
                }
                serde_json::map::Entry::Occupied(occupied) => {
                    // The last of repeated members counts, as in serde_json; refused anyway.
                    let key = occupied.key().clone();
                    *occupied.into_mut() = value;
                    self.repeated.get_or_insert(key);
                }
            }
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

/// The bytes of one base64url segment.
fn bytes(segment: &str, name: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).map_err(|_| {
        malformed(format!(
            "expected the {name} in base64url; it does not decode"
        ))
    })
}

/// The members of a JOSE header the verifier reads (`alg`, `kid`, `crit`), in one pass and
/// without building a map of every member: besides the signature, the maps were most of a
/// verification's work (issue 19). Same answers as [`object`] followed by lookups.
pub(crate) struct Header {
    /// `alg`.
    pub(crate) alg: Member,
    /// `kid`.
    pub(crate) kid: Member,
    /// `crit` is present and not null.
    pub(crate) crit: bool,
}

/// One header member, as the checks need it.
#[derive(Debug, PartialEq)]
pub(crate) enum Member {
    /// Absent, or `null`.
    Absent,
    /// A string.
    Text(String),
    /// Another JSON type: its kind (`"a number"`, ...), for the message.
    Other(&'static str),
}

impl Member {
    fn of(value: Value) -> Self {
        match value {
            Value::Null => Self::Absent,
            Value::String(text) => Self::Text(text),
            other => Self::Other(super::keys::json_kind(&other)),
        }
    }
}

/// Most members a header may have for the one-pass read (which compares names pairwise);
/// a larger one is read by [`object`], which also finds its repeated members.
const HEADER_MEMBERS_READ_IN_PASSING: usize = 32;

/// A member name, borrowed from the JSON text unless it has escapes.
struct Name<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Name<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(Name(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(Name(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(Visit)
    }
}

/// The one-pass read of a header: `None` (the caller falls back to [`object`]) for a
/// repeated member or more than [`HEADER_MEMBERS_READ_IN_PASSING`] of them.
struct HeaderVisitor;

impl<'de> serde::de::Visitor<'de> for HeaderVisitor {
    type Value = Option<Header>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut access: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut header = Header {
            alg: Member::Absent,
            kid: Member::Absent,
            crit: false,
        };
        let mut names: Vec<Name<'de>> = Vec::with_capacity(4);
        while let Some(name) = access.next_key::<Name<'de>>()? {
            if names.len() == HEADER_MEMBERS_READ_IN_PASSING
                || names.iter().any(|seen| seen.0 == name.0)
            {
                return Ok(None);
            }
            match &*name.0 {
                "alg" => header.alg = Member::of(access.next_value()?),
                "kid" => header.kid = Member::of(access.next_value()?),
                "crit" => header.crit = !access.next_value::<Value>()?.is_null(),
                _ => {
                    access.next_value::<serde::de::IgnoredAny>()?;
                }
            }
            names.push(name);
        }
        Ok(Some(header))
    }
}

/// Decodes the header segment: [`Header`], or the error [`object`] gives for it.
pub(crate) fn header(segment: &str) -> Result<Header> {
    let bytes = bytes(segment, "header")?;
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
    let read = serde::Deserializer::deserialize_map(&mut deserializer, HeaderVisitor)
        .ok()
        .flatten()
        .filter(|_| deserializer.end().is_ok());
    match read {
        Some(header) => Ok(header),
        // Not JSON, not an object, repeated members or very many: `object` says which (or,
        // for a large header without repeats, reads it).
        None => object(segment, "header").map(|members| Header {
            alg: members
                .get("alg")
                .cloned()
                .map_or(Member::Absent, Member::of),
            kid: members
                .get("kid")
                .cloned()
                .map_or(Member::Absent, Member::of),
            crit: members.get("crit").is_some_and(|c| !c.is_null()),
        }),
    }
}

/// Decodes one base64url segment holding a JSON object.
pub(crate) fn object(segment: &str, name: &str) -> Result<Map<String, Value>> {
    let bytes = bytes(segment, name)?;
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

    /// The one-pass header read answers as the map and its lookups did, errors included.
    #[test]
    fn the_header_reads_like_the_map() {
        let many: String = (0..40).map(|i| format!(r#""m{i}":{i},"#)).collect();
        for json in [
            r#"{"alg":"EdDSA","typ":"JWT"}"#,
            r#"{"alg":"EdDSA","kid":"k-1","crit":null}"#,
            r#"{"alg":null,"kid":7}"#,
            r#"{"alg":["EdDSA"],"kid":{"a":1},"crit":["exp"]}"#,
            r#"{"\u0061lg":"EdDSA","k\u0069d":"k"}"#,
            r#"{"alg":"EdDSA","alg":"none"}"#,
            r#"{"alg":"EdDSA","\u0061lg":"none"}"#,
            r#"{"x":1,"y":{"z":[1,2,{"w":null}]},"x":2}"#,
            &format!(r#"{{{many}"alg":"EdDSA"}}"#),
            &format!(r#"{{{many}"m3":0}}"#),
            "[1]",
            "\"alg\"",
            r#"{"alg":"EdDSA"} x"#,
            r#"{"alg":"EdDSA""#,
        ] {
            let segment = b64(json);
            let by_map = object(&segment, "header").map(|m| {
                let member = |name: &str| m.get(name).cloned().map_or(Member::Absent, Member::of);
                (
                    member("alg"),
                    member("kid"),
                    m.get("crit").is_some_and(|c| !c.is_null()),
                )
            });
            let read = header(&segment).map(|h| (h.alg, h.kid, h.crit));
            match (read, by_map) {
                (Ok(read), Ok(expected)) => assert_eq!(read, expected, "{json}"),
                (Err(read), Err(expected)) => {
                    assert_eq!(read.to_string(), expected.to_string(), "{json}")
                }
                (read, expected) => panic!("{json}: {read:?} against {expected:?}"),
            }
        }
        assert!(
            matches!(header("!!"), Err(e) if e.reason() == Some(TokenInvalidReason::Malformed))
        );
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
