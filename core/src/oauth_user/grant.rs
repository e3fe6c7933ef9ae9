//! [`UserGrant`]: what a signed-in user gave the app (who, which tenant, which scopes, the
//! refresh token and the current access token), and reading it from a token answer.

use std::{
    fmt,
    time::{Duration, SystemTime},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Map, Value};

use crate::{clock, token::response, Error, Result, Secret};

/// A user's grant to the app: the result of a sign-in ([`super::AuthorizationCodeClient::finish`])
/// and of every refresh. Keep it (the account store seals it: [`crate::AccountStore::save_grant`]);
/// with refresh-token rotation each refresh returns a grant whose `refresh_token` replaces
/// the old one, which stops working.
///
/// `Debug` shows who and until when, never a token.
#[derive(Clone, PartialEq, Eq)]
pub struct UserGrant {
    /// The user (`sub` of the ID token, or of the access token).
    pub user_id: String,
    /// The user's display name, if the ID token carries one (`name`, `preferred_username`).
    pub user_name: Option<String>,
    /// The tenant the user signed in to (`urn:jtl:tenant_id`), sent as `X-Tenant-ID`.
    pub tenant_id: Option<String>,
    /// The scopes granted (the answer's `scope`, else those asked for).
    pub scopes: Vec<String>,
    /// The refresh token: long-lived, the secret to keep sealed.
    pub refresh_token: Secret,
    /// The current access token (`Bearer`).
    pub access_token: Secret,
    /// When the access token expires.
    pub expires_at: SystemTime,
}

impl fmt::Debug for UserGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserGrant")
            .field("user_id", &self.user_id)
            .field("user_name", &self.user_name)
            .field("tenant_id", &self.tenant_id)
            .field("scopes", &self.scopes)
            .field("refresh_token", &self.refresh_token)
            .field("access_token", &self.access_token)
            .field("expires_at", &clock::unix_seconds(self.expires_at))
            .finish()
    }
}

const FORMAT: u64 = 1;

impl UserGrant {
    /// Time left on the access token (zero once expired).
    pub fn expires_in(&self) -> Duration {
        self.expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default()
    }

    /// The grant as JSON text (a [`Secret`]: it holds both tokens), for apps that keep grants
    /// outside the account store. [`UserGrant::from_json`] restores it.
    pub fn to_json(&self) -> Secret {
        Secret::new(
            json!({
                "format": FORMAT,
                "user_id": self.user_id,
                "user_name": self.user_name,
                "tenant_id": self.tenant_id,
                "scopes": self.scopes,
                "refresh_token": self.refresh_token.expose(),
                "access_token": self.access_token.expose(),
                "expires_at": clock::unix_seconds(self.expires_at),
            })
            .to_string(),
        )
    }

    /// A grant from [`UserGrant::to_json`]'s text. The error names the field, never a value.
    pub fn from_json(text: &str) -> Result<Self> {
        let bad = |what: &str| Error::invalid_input(format!("user grant: expected {what}"));
        let value: Value =
            serde_json::from_str(text).map_err(|_| bad("the JSON text of UserGrant::to_json"))?;
        if value.get("format").and_then(Value::as_u64) != Some(FORMAT) {
            return Err(bad(&format!("format {FORMAT}")));
        }
        let text = |name: &str| -> Result<String> {
            value
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| bad(&format!("the field {name:?} (a non-empty string)")))
        };
        let optional = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        let scopes = value
            .get("scopes")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("the field \"scopes\" (a list of strings)"))?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        Ok(Self {
            user_id: text("user_id")?,
            user_name: optional("user_name"),
            tenant_id: optional("tenant_id"),
            scopes,
            refresh_token: Secret::new(text("refresh_token")?),
            access_token: Secret::new(text("access_token")?),
            expires_at: clock::from_unix_seconds(
                value
                    .get("expires_at")
                    .and_then(Value::as_i64)
                    .ok_or_else(|| bad("the field \"expires_at\" (Unix seconds)"))?,
            ),
        })
    }

    /// Reads a token answer (RFC 6749 §5.1). `previous`: the grant being refreshed, whose
    /// refresh token, user and scopes carry over where the answer leaves them out (§6 lets
    /// the server keep the refresh token). `asked`: the scopes requested.
    pub(crate) fn from_answer(
        body: &Value,
        requested_at: SystemTime,
        previous: Option<&UserGrant>,
        asked: &[String],
    ) -> Result<Self> {
        let issued = response::oauth(body, requested_at)?;
        let unusable = |message: String| Error::Api {
            message: format!("the token endpoint's answer is unusable: {message}"),
            detail: crate::ApiDetail {
                status: 200,
                ..Default::default()
            },
        };
        let refresh_token = match (body.get("refresh_token"), previous) {
            (Some(Value::String(s)), _) if !s.trim().is_empty() => Secret::new(s.trim()),
            (None | Some(Value::Null), Some(previous)) => previous.refresh_token.clone(),
            _ => {
                return Err(unusable(
                    "expected a refresh_token (the sign-in asks for the scope offline_access)"
                        .into(),
                ))
            }
        };
        // The ID token came straight from the token endpoint over TLS, so its claims are read
        // without a signature check (OpenID Connect Core §3.1.3.7 allows it for this flow);
        // failing that, the access token's own claims.
        let claims = [
            body.get("id_token").and_then(Value::as_str),
            Some(issued.value.expose()),
        ]
        .into_iter()
        .flatten()
        .filter_map(unverified_claims)
        .find(|c| c.get("sub").and_then(Value::as_str).is_some());
        let claim = |names: &[&str]| {
            claims.as_ref().and_then(|c| {
                names
                    .iter()
                    .find_map(|n| c.get(*n).and_then(Value::as_str))
                    .map(str::to_owned)
            })
        };
        let user_id = match (claim(&["sub"]), previous) {
            (Some(user), Some(previous)) if user != previous.user_id => {
                return Err(unusable(format!(
                    "the refreshed tokens are for user {user:?}, not {:?}",
                    previous.user_id
                )))
            }
            (Some(user), _) => user,
            (None, Some(previous)) => previous.user_id.clone(),
            (None, None) => {
                return Err(unusable(
                    "expected an id_token or a JWT access token that names the user (sub)".into(),
                ))
            }
        };
        let scopes = match body.get("scope").and_then(Value::as_str) {
            Some(scope) => scope.split_whitespace().map(str::to_owned).collect(),
            None => previous.map_or_else(|| asked.to_vec(), |p| p.scopes.clone()),
        };
        Ok(Self {
            user_id,
            user_name: claim(&["name", "preferred_username"])
                .or_else(|| previous.and_then(|p| p.user_name.clone())),
            tenant_id: claim(&["urn:jtl:tenant_id", "tenantId", "tenant_id"])
                .or_else(|| previous.and_then(|p| p.tenant_id.clone())),
            scopes,
            refresh_token,
            expires_at: requested_at + issued.lifetime,
            access_token: issued.value,
        })
    }
}

/// The claims of a JWT, unverified; `None` for anything that is not one.
fn unverified_claims(token: &str) -> Option<Map<String, Value>> {
    let payload = token.split('.').nth(1)?;
    match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}
