//! [`AccessToken`]: a bearer token with its expiry (wraps [`jtl_connect::AccessToken`]).
//! Printing it shows a fingerprint, never the token.

use std::{cell::RefCell, rc::Rc, sync::Arc};

use napi::{
    bindgen_prelude::{JavaScriptClassExt, Reference},
    Env, JsDate,
};
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

/// The JavaScript `AccessToken` last handed out by a client, next to the core token it wraps.
/// While the core's cache answers the same token (`Arc::ptr_eq`), `accessToken()` returns
/// this same object: building a class instance through napi costs microseconds, handing out
/// a held one a few napi calls (issue 19: ≤ 2 µs for a cached token). A new token (refresh,
/// 401) builds a new object. Lives on the JavaScript thread (napi references are not `Send`);
/// the handles of `forTenant`/`runAs` share it with the client they came from, as they share
/// its token cache.
#[derive(Clone, Default)]
pub(crate) struct HandedOut(Rc<RefCell<Option<Handed>>>);

/// A core token and the JavaScript object handed out for it.
type Handed = (Arc<jtl_connect::AccessToken>, Reference<AccessToken>);

impl HandedOut {
    /// The JavaScript object for `token`: the one handed out before if it wraps the same
    /// token, otherwise a new one, kept for the next call.
    pub(crate) fn object(
        &self,
        env: &Env,
        token: Arc<jtl_connect::AccessToken>,
    ) -> napi::Result<Reference<AccessToken>> {
        let mut slot = self.0.borrow_mut();
        if let Some((held, object)) = slot.as_ref() {
            if Arc::ptr_eq(held, &token) {
                return object.clone(*env);
            }
        }
        let object = AccessToken::from(token.clone()).into_reference(*env)?;
        let handed = object.clone(*env)?;
        *slot = Some((token, object));
        Ok(handed)
    }
}
