//! JTL app tokens (facts §4.2): an RS256 issuer like JTL's platform IdP (`JTL_ISSUER`, a
//! Zitadel), with its key set at `/oauth/v2/keys` (entries with `kid`, `use`, `alg`), an OpenID
//! discovery document, and minting for tests: `urn:jtl:tenant_id`, `sub`, `urn:jtl:app_id`,
//! `aud`, `exp`, `iss` = the emulator's URL, signed by the published key, a key that is never
//! published, or a foreign key that claims the published key's `kid`.
//!
//! RSA keys are made on first use, not at start: 2048-bit key generation costs tens of
//! milliseconds even optimised, and most emulators never mint an app token.

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, HeaderValue},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{json, Map, Value};

use crate::{
    clock::now,
    config::{DEMO_APP_ID, DEMO_TENANT_ID},
    state::{app_keys::sign, Shared},
    Error,
};

/// How long clients may cache the issuer's key set.
const MAX_AGE: &str = "public, max-age=300";

/// Which key signs a minted app token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppKeyChoice {
    /// The key published at `/oauth/v2/keys` (default).
    #[default]
    Current,
    /// A key that is never published, under its own `kid`: verifiers find no key.
    Unpublished,
    /// A key of another issuer that claims the published key's `kid`: the signature fails.
    Foreign,
}

/// What to mint (`POST /_emulator/app-tokens`); every field is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppTokenSpec {
    /// `urn:jtl:tenant_id`; default the demo tenant.
    #[serde(alias = "tenantId")]
    pub tenant_id: Option<String>,
    /// `sub` (the user); default a fresh UUID.
    #[serde(alias = "userId")]
    pub user_id: Option<String>,
    /// `urn:jtl:app_id`: absent = [`DEMO_APP_ID`], `null` = no such claim.
    #[serde(alias = "appId", deserialize_with = "present")]
    pub app_id: Option<Option<String>>,
    /// `aud`, always written as a list; default `[app id]` (or `[DEMO_APP_ID]`).
    pub audience: Option<Vec<String>>,
    /// Lifetime in seconds from now (negative for an already expired token); default 3600.
    #[serde(alias = "ttlSeconds", alias = "ttl")]
    pub ttl_seconds: Option<i64>,
    /// `iss`: absent = the emulator's issuer URL, `null` = no `iss`, a string = that issuer.
    #[serde(deserialize_with = "present")]
    pub iss: Option<Option<String>>,
    /// Which key signs.
    pub key: AppKeyChoice,
    /// Extra claims, set last (they can override any claim above).
    pub claims: Map<String, Value>,
    /// Extra JOSE header fields, set last (e.g. `"kid": null` is written as JSON null).
    pub header: Map<String, Value>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// A minted app token.
#[derive(Clone, Debug, Serialize)]
pub struct MintedAppToken {
    /// The compact JWT (RS256).
    pub token: String,
    /// The `kid` in its header.
    pub kid: String,
    /// `exp` as a Unix time.
    pub expires_at: i64,
    /// `sub`.
    pub user_id: String,
    /// `urn:jtl:tenant_id`.
    pub tenant_id: String,
    /// `urn:jtl:app_id`, if the token carries one.
    pub app_id: Option<String>,
    /// `aud`.
    pub audience: Vec<String>,
    /// `iss`, if the token carries one.
    pub issuer: Option<String>,
}

impl Shared {
    /// The issuer URL app tokens carry (`iss`): the emulator's base URL, so that
    /// `{issuer}/oauth/v2/keys` is its key set.
    pub(crate) fn app_issuer(&self) -> &str {
        &self.base_url
    }

    pub(crate) fn mint_app_token(&self, spec: AppTokenSpec) -> Result<MintedAppToken, Error> {
        let keys = &self.app_keys;
        let current = keys.current()?;
        let (signer, kid) = match spec.key {
            AppKeyChoice::Current => (current, current.kid.clone()),
            AppKeyChoice::Unpublished => {
                let key = keys.unpublished()?;
                (key, key.kid.clone())
            }
            AppKeyChoice::Foreign => (keys.foreign()?, current.kid.clone()),
        };
        let issued = now();
        let tenant_id = spec.tenant_id.unwrap_or_else(|| DEMO_TENANT_ID.to_owned());
        let user_id = spec
            .user_id
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let app_id = spec.app_id.unwrap_or_else(|| Some(DEMO_APP_ID.to_owned()));
        let audience = spec
            .audience
            .unwrap_or_else(|| vec![app_id.clone().unwrap_or_else(|| DEMO_APP_ID.to_owned())]);
        let issuer = spec
            .iss
            .unwrap_or_else(|| Some(self.app_issuer().to_owned()));
        let expires_at = issued.saturating_add(spec.ttl_seconds.unwrap_or(3600));
        let mut claims = Map::new();
        if let Some(iss) = &issuer {
            claims.insert("iss".into(), json!(iss));
        }
        claims.insert("sub".into(), json!(user_id));
        claims.insert("aud".into(), json!(audience));
        claims.insert("exp".into(), json!(expires_at));
        claims.insert("iat".into(), json!(issued));
        claims.insert("urn:jtl:tenant_id".into(), json!(tenant_id));
        if let Some(app) = &app_id {
            claims.insert("urn:jtl:app_id".into(), json!(app));
        }
        claims.extend(spec.claims);
        let mut header = Map::new();
        header.insert("alg".into(), json!("RS256"));
        header.insert("typ".into(), json!("JWT"));
        header.insert("kid".into(), json!(kid));
        header.extend(spec.header);
        let token = sign(signer, &Value::Object(header), &Value::Object(claims));
        Ok(MintedAppToken {
            token,
            kid,
            expires_at,
            user_id,
            tenant_id,
            app_id,
            audience,
            issuer,
        })
    }
}

/// `GET /oauth/v2/keys`: the issuer's public keys. Public, like Zitadel's.
pub(crate) async fn keys(State(shared): State<Arc<Shared>>) -> Result<Response, Error> {
    let mut response = Json(shared.app_keys.jwks()?).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    Ok(response)
}

/// `GET /.well-known/openid-configuration`: where the issuer's token endpoint and keys are.
pub(crate) async fn discovery(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let issuer = shared.app_issuer();
    Json(json!({
        "issuer": issuer,
        "token_endpoint": format!("{issuer}/oauth/v2/token"),
        "jwks_uri": format!("{issuer}/oauth/v2/keys"),
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": ["openid"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }))
}
