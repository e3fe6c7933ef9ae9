//! [`AccessToken`]: a bearer token with its expiry (wraps [`jtl_connect::AccessToken`]).
//! Printing it shows a fingerprint, never the token.

use std::sync::Arc;

use napi::{Env, JsDate};
use napi_derive::napi;

use crate::convert::date;

/// A bearer token and when it expires. `toString()`, `toJSON()` and `util.inspect` show a
/// fingerprint, never the token: read it with `expose()` where it is sent.
#[napi]
pub struct AccessToken {
    inner: Arc<jtl_connect::AccessToken>,
}

impl From<Arc<jtl_connect::AccessToken>> for AccessToken {
    fn from(inner: Arc<jtl_connect::AccessToken>) -> Self {
        Self { inner }
    }
}

/// What `toJSON()` of an [`AccessToken`] shows: no secret.
#[napi(object, object_from_js = false)]
pub struct AccessTokenInfo<'env> {
    /// First 8 hex digits of the token's SHA-256.
    pub fingerprint: String,
    /// When it expires (`JSON.stringify` writes it in ISO 8601).
    pub expires_at: JsDate<'env>,
    /// The granted scope, if the server said.
    pub scope: Option<String>,
}

#[napi]
impl AccessToken {
    /// The token itself. Send it; never log it.
    #[napi]
    pub fn expose(&self) -> String {
        self.inner.expose().to_owned()
    }

    /// When it expires.
    #[napi(getter)]
    pub fn expires_at<'env>(&self, env: &'env Env) -> napi::Result<JsDate<'env>> {
        date(env, self.inner.expires_at())
    }

    /// When it was obtained.
    #[napi(getter)]
    pub fn obtained_at<'env>(&self, env: &'env Env) -> napi::Result<JsDate<'env>> {
        date(env, self.inner.obtained_at())
    }

    /// The granted scope, if the server said.
    #[napi(getter)]
    pub fn scope(&self) -> Option<String> {
        self.inner.scope().map(str::to_owned)
    }

    /// First 8 hex digits of the token's SHA-256: tells tokens apart in logs.
    #[napi(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// `{ fingerprint, expiresAt, scope }`: no secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json<'env>(&self, env: &'env Env) -> napi::Result<AccessTokenInfo<'env>> {
        Ok(AccessTokenInfo {
            fingerprint: self.fingerprint(),
            expires_at: date(env, self.inner.expires_at())?,
            scope: self.scope(),
        })
    }

    /// `AccessToken(<fingerprint>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("AccessToken({})", self.inner.fingerprint())
    }
}
