//! User sign-in (OAuth 2.0 authorization code with PKCE, facts §0, §4.2, §5.4): the
//! [`AuthorizationCodeClient`], the pending [`SignIn`] and the [`UserGrant`] it ends in
//! (wrapping the core's `oauth_user` module), and the account store's grant methods.

use jtl_connect::{
    options::{Schema, AUTHORIZATION_CODE_CLIENT, SIGN_IN},
    Secret as CoreSecret,
};
use napi::{
    bindgen_prelude::{Either, PromiseRaw},
    Env, JsDate,
};
use napi_derive::napi;

use crate::{
    cloud::CloudClient,
    convert::{date, date_from_unix, seconds},
    endpoints::{self, Endpoints},
    errors::check,
    options::{self, Checked, Named},
    runtime::spawn,
    secret::Secret,
    store::{blocking, AccountStore},
};

/// A secret argument: a string or a `Secret`.
fn secret_text(value: Either<String, &Secret>) -> String {
    match value {
        Either::A(text) => text,
        Either::B(secret) => secret.inner.expose().to_owned(),
    }
}

/// A sign-in in progress (from `start()`): send the user to `url`, keep the rest (the
/// `state` and PKCE `verifier`, both secrets) on the server until the user comes back:
/// `session.signIn = pending.serialize().expose()`, later `SignIn.deserialize(text)`.
/// `toJSON()`/`util.inspect` show neither secret nor the URL's query.
#[napi]
pub struct SignIn {
    pub(crate) inner: jtl_connect::SignIn,
}

/// What `toJSON()` of a [`SignIn`] shows: no secret.
#[napi(object)]
pub struct SignInInfo {
    /// The authorize URL without its query.
    pub url: String,
    /// The redirect URI it was started with.
    pub redirect_uri: String,
}

#[napi]
impl SignIn {
    /// Where to send the user (the authorize URL with state and PKCE challenge).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The `state` sent; the redirect must bring back the same value.
    #[napi(getter)]
    pub fn state(&self) -> Secret {
        Secret::from(self.inner.state.clone())
    }

    /// The PKCE code verifier, sent only with the code exchange.
    #[napi(getter)]
    pub fn verifier(&self) -> Secret {
        Secret::from(self.inner.verifier.clone())
    }

    /// The redirect URI it was started with.
    #[napi(getter)]
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri.clone()
    }

    /// When it was started.
    #[napi(getter)]
    pub fn created_at<'env>(&self, env: &'env Env) -> napi::Result<JsDate<'env>> {
        date(env, self.inner.created_at)
    }

    /// The whole pending sign-in as JSON text, in a `Secret` (it holds the state and the
    /// verifier), for a server-side session. `SignIn.deserialize` restores it.
    #[napi]
    pub fn serialize(&self) -> Secret {
        Secret::from(self.inner.to_json())
    }

    /// A pending sign-in from `serialize()`'s text (a string or the `Secret`).
    #[napi(factory)]
    pub fn deserialize(env: &Env, text: Either<String, &Secret>) -> napi::Result<SignIn> {
        let inner = check(env, jtl_connect::SignIn::from_json(&secret_text(text)))?;
        Ok(SignIn { inner })
    }

    /// `{ url, redirectUri }` (the URL without its query): no secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> SignInInfo {
        SignInInfo {
            url: self
                .inner
                .url
                .split('?')
                .next()
                .unwrap_or_default()
                .to_owned(),
            redirect_uri: self.inner.redirect_uri.clone(),
        }
    }

    /// `SignIn(<authorize URL>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!(
            "SignIn({})",
            self.inner.url.split('?').next().unwrap_or_default()
        )
    }
}

/// A user's grant to the app (from `finish()` or a refresh): who, which tenant, which
/// scopes, and the tokens (secrets). Keep it with `store.saveGrant(accountId, grant)`
/// (sealed). `toJSON()`/`util.inspect` show who and until when, never a token.
#[napi]
pub struct UserGrant {
    pub(crate) inner: jtl_connect::UserGrant,
}

/// What `toJSON()` of a [`UserGrant`] shows: no token.
#[napi(object)]
pub struct UserGrantInfo<'env> {
    /// The user.
    pub user_id: String,
    /// The user's display name, if known.
    pub user_name: Option<String>,
    /// The tenant.
    pub tenant_id: Option<String>,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// When the access token expires.
    pub expires_at: JsDate<'env>,
}

#[napi]
impl UserGrant {
    /// The user (`sub`).
    #[napi(getter)]
    pub fn user_id(&self) -> String {
        self.inner.user_id.clone()
    }

    /// The user's display name, if the ID token carries one.
    #[napi(getter)]
    pub fn user_name(&self) -> Option<String> {
        self.inner.user_name.clone()
    }

    /// The tenant the user signed in to (`X-Tenant-ID` of the user's client).
    #[napi(getter)]
    pub fn tenant_id(&self) -> Option<String> {
        self.inner.tenant_id.clone()
    }

    /// The scopes granted.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// When the access token expires.
    #[napi(getter)]
    pub fn expires_at<'env>(&self, env: &'env Env) -> napi::Result<JsDate<'env>> {
        date(env, self.inner.expires_at)
    }

    /// The refresh token (the long-lived secret).
    #[napi(getter)]
    pub fn refresh_token(&self) -> Secret {
        Secret::from(self.inner.refresh_token.clone())
    }

    /// The current access token.
    #[napi(getter)]
    pub fn access_token(&self) -> Secret {
        Secret::from(self.inner.access_token.clone())
    }

    /// The grant as JSON text, in a `Secret` (it holds both tokens), for apps that keep
    /// grants outside the account store. `UserGrant.deserialize` restores it.
    #[napi]
    pub fn serialize(&self) -> Secret {
        Secret::from(self.inner.to_json())
    }

    /// A grant from `serialize()`'s text (a string or the `Secret`).
    #[napi(factory)]
    pub fn deserialize(env: &Env, text: Either<String, &Secret>) -> napi::Result<UserGrant> {
        let inner = check(env, jtl_connect::UserGrant::from_json(&secret_text(text)))?;
        Ok(UserGrant { inner })
    }

    /// `{ userId, userName, tenantId, scopes, expiresAt }`: no token.
    #[napi(js_name = "toJSON")]
    pub fn to_json<'env>(&self, env: &'env Env) -> napi::Result<UserGrantInfo<'env>> {
        Ok(UserGrantInfo {
            user_id: self.inner.user_id.clone(),
            user_name: self.inner.user_name.clone(),
            tenant_id: self.inner.tenant_id.clone(),
            scopes: self.inner.scopes.clone(),
            expires_at: date(env, self.inner.expires_at)?,
        })
    }

    /// `UserGrant(<user id>, tenant <tenant id>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        match &self.inner.tenant_id {
            Some(tenant) => format!("UserGrant({}, tenant {tenant})", self.inner.user_id),
            None => format!("UserGrant({})", self.inner.user_id),
        }
    }
}

/// What `new AuthorizationCodeClient({...})` takes.
#[napi(object, object_to_js = false)]
pub struct AuthorizationCodeClientOptions {
    /// The app's client id.
    pub client_id: Option<String>,
    /// The app's client secret (sent as HTTP Basic); left out: a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Where JTL sends the user back: `https://...`, or `http://` on a loopback host.
    pub redirect_uri: Option<String>,
    /// Scopes to ask for (`openid` and `offline_access` are always added).
    pub scopes: Option<Vec<String>>,
    /// Which JTL: an `Endpoints`, or `"production"`, `"beta"`, ... or an emulator URL.
    #[napi(ts_type = "Endpoints | string")]
    pub endpoints: Option<Either<String, &'static Endpoints>>,
    /// How long a started sign-in may take, in seconds (default 600).
    pub sign_in_timeout: Option<f64>,
    /// Timeouts and retries of the token requests (seconds).
    #[napi(ts_type = "import('./lib/options').HttpOptions")]
    pub http: Option<serde_json::Value>,
}

/// Signs JTL users in (authorization code + PKCE `S256` + `state`) and refreshes their
/// grants: `start()` → `SignIn` (send the user to `.url`, keep it), then
/// `await finish(pending, state, code)` → `UserGrant`. A wrong state rejects with
/// `state_mismatch`; an expired, reused or revoked code or refresh token with
/// `sign_in_required` (never retried: start a new sign-in).
#[napi]
pub struct AuthorizationCodeClient {
    pub(crate) inner: jtl_connect::AuthorizationCodeClient,
}

/// What `toJSON()` of an [`AuthorizationCodeClient`] shows: no secret.
#[napi(object)]
pub struct AuthorizationCodeClientInfo {
    /// The client id.
    pub client_id: String,
    /// The redirect URI.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The endpoints' name.
    pub endpoints: String,
}

#[napi]
impl AuthorizationCodeClient {
    /// `new AuthorizationCodeClient({ clientId, clientSecret, redirectUri, scopes, endpoints })`.
    /// No request is made. Throws `invalid_input` for a missing client id or redirect URI.
    #[napi(constructor)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "AuthorizationCodeClientOptions")] options: Checked<
            AuthorizationCodeClientOptions,
        >,
    ) -> napi::Result<Self> {
        let options = options.0;
        let endpoints = endpoints::resolve(env, options.endpoints)?;
        let result = (|| {
            let mut builder = jtl_connect::AuthorizationCodeClient::builder(
                options.client_id.unwrap_or_default(),
            )
            .client_secret(options.client_secret.map(CoreSecret::new))
            .redirect_uri(options.redirect_uri.unwrap_or_default())
            .scopes(options.scopes.unwrap_or_default())
            .endpoints(endpoints)
            .http_options(options::http(options.http)?);
            if let Some(limit) = options.sign_in_timeout {
                builder = builder.sign_in_timeout(seconds("signInTimeout", limit)?);
            }
            builder.build()
        })();
        Ok(Self {
            inner: check(env, result)?,
        })
    }

    /// The app's client id.
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// Where JTL sends the user back.
    #[napi(getter)]
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri().to_owned()
    }

    /// The scopes asked for.
    #[napi(getter)]
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes().to_vec()
    }

    /// The endpoints (authorize and token URLs).
    #[napi(getter)]
    pub fn endpoints(&self) -> Endpoints {
        Endpoints {
            inner: self.inner.endpoints().clone(),
        }
    }

    /// Whether it authenticates with a client secret (else a public client: PKCE only).
    #[napi(getter)]
    pub fn is_confidential(&self) -> bool {
        self.inner.is_confidential()
    }

    /// Starts a sign-in: a fresh state and PKCE verifier and the URL to send the user to.
    /// Nothing is sent.
    #[napi]
    pub fn start(&self) -> SignIn {
        SignIn {
            inner: self.inner.start(),
        }
    }

    /// Exchanges the `code` that came back (with `state`) for the user's grant; the state is
    /// compared in constant time first (`state_mismatch`, nothing sent).
    #[napi]
    pub fn finish<'env>(
        &self,
        env: &'env Env,
        pending: &SignIn,
        state: String,
        code: String,
    ) -> napi::Result<PromiseRaw<'env, UserGrant>> {
        let client = self.inner.clone();
        let pending = pending.inner.clone();
        spawn(
            env,
            async move { client.finish(&pending, &state, &code).await },
            |_, inner| Ok(UserGrant { inner }),
        )
    }

    /// `finish` with the whole URL (or query string) the user came back to; an `error` in it
    /// (`access_denied`) rejects with `sign_in_required`.
    #[napi]
    pub fn finish_redirect<'env>(
        &self,
        env: &'env Env,
        pending: &SignIn,
        redirect: String,
    ) -> napi::Result<PromiseRaw<'env, UserGrant>> {
        let client = self.inner.clone();
        let pending = pending.inner.clone();
        spawn(
            env,
            async move { client.finish_redirect(&pending, &redirect).await },
            |_, inner| Ok(UserGrant { inner }),
        )
    }

    /// A new access token (and, with rotation, a new refresh token: keep the result).
    #[napi]
    pub fn refresh<'env>(
        &self,
        env: &'env Env,
        grant: &UserGrant,
    ) -> napi::Result<PromiseRaw<'env, UserGrant>> {
        let client = self.inner.clone();
        let grant = grant.inner.clone();
        spawn(
            env,
            async move { client.refresh(&grant).await },
            |_, inner| Ok(UserGrant { inner }),
        )
    }

    /// A `CloudClient` acting as the user of `grant` (not stored; for a stored user use
    /// `store.userClient`, which also keeps rotated refresh tokens).
    #[napi]
    pub fn client(
        &self,
        env: &Env,
        grant: &UserGrant,
        tenant_id: Option<String>,
    ) -> napi::Result<CloudClient> {
        let mut builder = jtl_connect::CloudClient::for_user(&self.inner, grant.inner.clone());
        if let Some(tenant) = tenant_id {
            builder = builder.tenant_id(tenant);
        }
        Ok(CloudClient::from(check(env, builder.build())?))
    }

    /// `{ clientId, redirectUri, scopes, endpoints }`: no secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> AuthorizationCodeClientInfo {
        AuthorizationCodeClientInfo {
            client_id: self.client_id(),
            redirect_uri: self.redirect_uri(),
            scopes: self.scopes(),
            endpoints: self.inner.endpoints().name().to_owned(),
        }
    }

    /// `AuthorizationCodeClient(<client id>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("AuthorizationCodeClient({})", self.inner.client_id())
    }
}

/// A user's grant as the account store shows it: who, which tenant and scopes, until when;
/// never a token.
#[napi(object)]
pub struct StoredGrant<'env> {
    /// The account (a JTL Cloud app) the user signed in to.
    pub account_id: String,
    /// The user.
    pub user_id: String,
    /// The user's display name, if known.
    pub user_name: Option<String>,
    /// The user's tenant.
    pub tenant_id: Option<String>,
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// When the stored access token expires (it is refreshed on use).
    pub access_expires_at: JsDate<'env>,
    /// When the user first signed in.
    pub created_at: JsDate<'env>,
    /// Last change (sign-in or refresh).
    pub updated_at: JsDate<'env>,
}

impl<'env> StoredGrant<'env> {
    fn new(env: &'env Env, grant: jtl_connect::store::StoredGrant) -> napi::Result<Self> {
        Ok(Self {
            account_id: grant.account_id,
            user_id: grant.user_id,
            user_name: grant.user_name,
            tenant_id: grant.tenant_id,
            scopes: grant.scopes,
            access_expires_at: date_from_unix(env, grant.access_expires_at)?,
            created_at: date_from_unix(env, grant.created_at)?,
            updated_at: date_from_unix(env, grant.updated_at)?,
        })
    }
}

/// What `store.authorizationCodeClient(accountId, {...})` takes.
#[napi(object)]
pub struct StoreSignInOptions {
    /// Where JTL sends the user back (required).
    pub redirect_uri: String,
    /// Scopes to ask for (`openid` and `offline_access` are always added).
    pub scopes: Option<Vec<String>>,
}

impl Named for StoreSignInOptions {
    const SCHEMA: Schema = SIGN_IN;
}

impl Named for AuthorizationCodeClientOptions {
    const SCHEMA: Schema = AUTHORIZATION_CODE_CLIENT;
}

/// The user sign-in side of the account store.
#[napi]
impl AccountStore {
    /// A sign-in client for the Cloud account `accountId` (its client id, secret and
    /// environment): `start()`, `finish()`, then `saveGrant()`. Rejects with `not_found` for
    /// an unknown account, `invalid_input` for one of another system.
    #[napi(ts_return_type = "Promise<AuthorizationCodeClient>")]
    pub fn authorization_code_client<'env>(
        &self,
        env: &'env Env,
        account_id: String,
        #[napi(ts_arg_type = "StoreSignInOptions")] options: Checked<StoreSignInOptions>,
    ) -> napi::Result<PromiseRaw<'env, AuthorizationCodeClient>> {
        let options = options.0;
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || {
                let scopes = options.scopes.unwrap_or_default();
                let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
                store.authorization_code_client(&account_id, &options.redirect_uri, &scopes)
            }),
            |_, inner| Ok(AuthorizationCodeClient { inner }),
        )
    }

    /// Keeps a signed-in user's `grant` for the Cloud account `accountId`, sealed, replacing
    /// the user's earlier grant; resolves with what is stored (no token).
    #[napi(ts_return_type = "Promise<StoredGrant>")]
    pub fn save_grant<'env>(
        &self,
        env: &'env Env,
        account_id: String,
        grant: &UserGrant,
    ) -> napi::Result<PromiseRaw<'env, StoredGrant<'env>>> {
        let store = self.inner.clone();
        let grant = grant.inner.clone();
        spawn(
            env,
            blocking(move || store.save_grant(&account_id, &grant)),
            StoredGrant::new,
        )
    }

    /// One user's stored grant (no token); rejects with `not_found` if the user has not
    /// signed in.
    #[napi(ts_return_type = "Promise<StoredGrant>")]
    pub fn grant<'env>(
        &self,
        env: &'env Env,
        account_id: String,
        user_id: String,
    ) -> napi::Result<PromiseRaw<'env, StoredGrant<'env>>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || store.grant(&account_id, &user_id)),
            StoredGrant::new,
        )
    }

    /// Every user grant of an account (no tokens).
    #[napi(ts_return_type = "Promise<StoredGrant[]>")]
    pub fn grants<'env>(
        &self,
        env: &'env Env,
        account_id: String,
    ) -> napi::Result<PromiseRaw<'env, Vec<StoredGrant<'env>>>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || store.grants(&account_id)),
            |env, grants| {
                grants
                    .into_iter()
                    .map(|grant| StoredGrant::new(env, grant))
                    .collect()
            },
        )
    }

    /// Deletes one user's grant (rejects with `not_found` if there is none): the user has to
    /// sign in again.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete_grant<'env>(
        &self,
        env: &'env Env,
        account_id: String,
        user_id: String,
    ) -> napi::Result<PromiseRaw<'env, ()>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || store.delete_grant(&account_id, &user_id)),
            |_, ()| Ok(()),
        )
    }

    /// A `CloudClient` that calls the API as the stored user `userId` of the account: the
    /// user's token, refreshed from the sealed refresh token (rotated ones are kept);
    /// `X-Tenant-ID` is the user's tenant unless `tenantId` is given. A revoked or expired
    /// grant rejects with `sign_in_required` on use.
    #[napi(ts_return_type = "Promise<CloudClient>")]
    pub fn user_client<'env>(
        &self,
        env: &'env Env,
        account_id: String,
        user_id: String,
        tenant_id: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, CloudClient>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || store.user_client(&account_id, &user_id, tenant_id.as_deref())),
            |_, inner| Ok(CloudClient::from(inner)),
        )
    }
}
