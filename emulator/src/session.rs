//! Minting App Shell session tokens as JTL documents them (facts §4.1): header
//! `{"alg":"EdDSA","typ":"JWT"}` without `kid`, payload `{exp, userId, tenantId, kid}` where the
//! payload `kid` is the **customer id**, never a key id. Signed by the current, the previous or
//! a never-published key; the key id goes into the header where the settings or a test want it.

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

use crate::{
    clock::now,
    config::{DEMO_CUSTOMER_ID, DEMO_TENANT_ID},
    jwt,
    state::Shared,
    Error,
};

/// Where the signing key's id goes in a minted token. JTL's documented header has none (the
/// payload `kid` is the customer id); its samples read a header `kid`. Without a choice in the
/// mint request, the `session_kid_in_header` setting decides (`header` or `none`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KidPlacement {
    /// In the JOSE header.
    Header,
    /// In the payload `kid`, replacing the customer id (the first edition's misreading, for
    /// negative tests: a verifier must not take it for a key id).
    Payload,
    /// In the header and the payload `kid`.
    Both,
    /// Nowhere (JTL's documented shape).
    None,
}

/// Which key signs a minted token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningKeyChoice {
    /// The current published key (default).
    #[default]
    Current,
    /// The key rotated out last (published only during its grace period).
    Previous,
    /// A key that is never published: verification must fail with an unknown key.
    Unpublished,
}

/// What to mint (`POST /_emulator/session-tokens`); every field is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionTokenSpec {
    /// `tenantId` claim; default the demo tenant.
    #[serde(alias = "tenantId")]
    pub tenant_id: Option<String>,
    /// `userId` claim; default a fresh UUID.
    #[serde(alias = "userId")]
    pub user_id: Option<String>,
    /// `tenantSlug` claim; omitted by default.
    #[serde(alias = "tenantSlug")]
    pub tenant_slug: Option<String>,
    /// Lifetime in seconds from now (negative for an already expired token); default 3600.
    #[serde(alias = "ttlSeconds", alias = "ttl")]
    pub ttl_seconds: Option<i64>,
    /// `iss`: absent = the `session_issuer` setting (default none), `null` = no `iss` claim,
    /// a string = that issuer.
    #[serde(deserialize_with = "present")]
    pub iss: Option<Option<String>>,
    /// Where the key id goes; absent = the `session_kid_in_header` setting (`header` or `none`).
    pub kid: Option<KidPlacement>,
    /// The payload `kid`: the customer id. Absent = [`crate::config::DEMO_CUSTOMER_ID`],
    /// `null` = no payload `kid`. Replaced by the key id when `kid` is `payload` or `both`.
    #[serde(alias = "customerId", deserialize_with = "present")]
    pub customer_id: Option<Option<String>>,
    /// Which key signs.
    pub key: SigningKeyChoice,
    /// Extra claims, set last (so they can also override `exp`, `nbf`, `iat`, ...).
    pub claims: Map<String, Value>,
    /// Extra JOSE header fields, set last (e.g. a different `alg`, for negative tests).
    pub header: Map<String, Value>,
    /// The header exactly as written, instead of the one built from the fields above: it is
    /// base64url-encoded and signed verbatim, so it may be anything, including JSON with a
    /// member twice (`{"alg":"none","alg":"EdDSA"}`), look-alike letters, or no JSON at all.
    /// `kid` placement in the header and `header` do not apply then.
    pub raw_header: Option<String>,
    /// The payload exactly as written, instead of the claims built from the fields above:
    /// base64url-encoded and signed verbatim (duplicate claims such as two `exp`, non-JSON
    /// text, ...). `tenant_id`, `user_id`, `ttl_seconds`, `iss`, `claims` and a `kid` in the
    /// payload do not apply then; the answer's `expires_at` is the payload's numeric `exp`
    /// as a JSON parser reads it (the last one of duplicates), else 0.
    pub raw_payload: Option<String>,
}

/// A minted session token.
#[derive(Clone, Debug, Serialize)]
pub struct MintedToken {
    /// The compact JWT.
    pub token: String,
    /// The `kid` of the signing key (whether or not the token names it).
    pub kid: String,
    /// `exp` as a Unix time.
    pub expires_at: i64,
    /// The `userId` claim.
    pub user_id: String,
    /// The `tenantId` claim.
    pub tenant_id: String,
    /// The customer id in the payload `kid`, if the token carries one.
    pub customer_id: Option<String>,
}

/// Signs a header and payload given as text, byte for byte: `jwt::sign` serialises JSON
/// values, and negative tests need tokens no serialiser would write (duplicate members,
/// non-JSON payloads). For JSON built here both give the same token.
fn sign_raw(key: &SigningKey, header: &str, payload: &str) -> String {
    let signing_input = format!(
        "{}.{}",
        jwt::b64(header.as_bytes()),
        jwt::b64(payload.as_bytes())
    );
    let signature = key.sign(signing_input.as_bytes());
    format!("{signing_input}.{}", jwt::b64(&signature.to_bytes()))
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl Shared {
    pub(crate) fn mint_session_token(&self, spec: SessionTokenSpec) -> Result<MintedToken, Error> {
        let (key, issuer, kid_in_header) = {
            let inner = self.lock();
            let key = match spec.key {
                SigningKeyChoice::Current => inner.keys.current().clone(),
                SigningKeyChoice::Unpublished => inner.keys.unpublished().clone(),
                SigningKeyChoice::Previous => inner.keys.previous().cloned().ok_or_else(|| {
                    Error::Conflict("no previous key yet: rotate the keys first".into())
                })?,
            };
            (
                key,
                inner.settings.session_issuer.clone(),
                inner.settings.session_kid_in_header,
            )
        };
        let issued = now();
        let tenant_id = spec.tenant_id.unwrap_or_else(|| DEMO_TENANT_ID.to_owned());
        let user_id = spec
            .user_id
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let placement = spec.kid.unwrap_or(if kid_in_header {
            KidPlacement::Header
        } else {
            KidPlacement::None
        });
        let mut customer_id = spec
            .customer_id
            .unwrap_or_else(|| Some(DEMO_CUSTOMER_ID.to_owned()));
        if matches!(placement, KidPlacement::Payload | KidPlacement::Both) {
            customer_id = None;
        }
        // The documented payload: exp, userId, tenantId, kid (= customer id); nothing else
        // unless asked for.
        let mut claims = Map::new();
        claims.insert(
            "exp".into(),
            json!(issued.saturating_add(spec.ttl_seconds.unwrap_or(3600))),
        );
        claims.insert("userId".into(), json!(user_id));
        claims.insert("tenantId".into(), json!(tenant_id));
        if let Some(customer) = &customer_id {
            claims.insert("kid".into(), json!(customer));
        }
        if let Some(slug) = spec.tenant_slug {
            claims.insert("tenantSlug".into(), json!(slug));
        }
        if let Some(iss) = spec.iss.unwrap_or(issuer) {
            claims.insert("iss".into(), json!(iss));
        }
        let mut header = Map::new();
        header.insert("alg".into(), json!("EdDSA"));
        header.insert("typ".into(), json!("JWT"));
        if matches!(placement, KidPlacement::Header | KidPlacement::Both) {
            header.insert("kid".into(), json!(key.kid));
        }
        if matches!(placement, KidPlacement::Payload | KidPlacement::Both) {
            claims.insert("kid".into(), json!(key.kid));
        }
        claims.extend(spec.claims);
        header.extend(spec.header);
        let header = spec
            .raw_header
            .unwrap_or_else(|| Value::Object(header).to_string());
        let payload = match spec.raw_payload {
            Some(raw) => raw,
            None => Value::Object(claims).to_string(),
        };
        let parsed = serde_json::from_str::<Value>(&payload).ok();
        let expires_at = parsed
            .as_ref()
            .and_then(|claims| claims.get("exp").and_then(Value::as_i64))
            .unwrap_or_default();
        // What the token really carries (extra claims may have replaced it).
        let customer_id = match &placement {
            KidPlacement::Payload | KidPlacement::Both => None,
            _ => parsed
                .as_ref()
                .and_then(|claims| claims.get("kid").and_then(Value::as_str))
                .map(str::to_owned),
        };
        let token = sign_raw(&key.signing, &header, &payload);
        Ok(MintedToken {
            token,
            kid: key.kid,
            expires_at,
            user_id,
            tenant_id,
            customer_id,
        })
    }
}
