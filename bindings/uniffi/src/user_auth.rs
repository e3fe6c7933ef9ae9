//! User sign-in (OAuth 2.0 authorization code with PKCE, facts §0, §4.2, §5.4): the
//! [`AuthorizationCodeClient`], the pending [`SignIn`] and the [`UserGrant`] it ends in
//! (wrapping the core's `oauth_user` module), and the account store's grant methods.

use std::{fmt, sync::Arc, time::SystemTime};

use jtl_connect::Secret;

use crate::{
    cloud::CloudClient,
    endpoints::Endpoints,
    errors::JtlError,
    runtime::{block, spawn},
    store::AccountStore,
};

/// A sign-in in progress (from `start()`): send the user to `url()`, keep the rest until the
/// user comes back (`toJson()` for a server-side session; it holds the state and the PKCE
/// verifier, both secrets). `toString()` shows neither, nor the URL's query.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct SignIn {
    pub(crate) inner: jtl_connect::SignIn,
}

impl fmt::Display for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SignIn(url={}, redirect_uri={})",
            self.inner.url.split('?').next().unwrap_or_default(),
            self.inner.redirect_uri
        )
    }
}

#[uniffi::export]
impl SignIn {
    /// A pending sign-in from `toJson()`'s text.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, JtlError> {
        let text = Secret::new(text);
        Ok(Arc::new(Self {
            inner: jtl_connect::SignIn::from_json(text.expose())?,
        }))
    }

    /// Where to send the user (the authorize URL with state and PKCE challenge).
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// The redirect URI it was started with.
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri.clone()
    }

    /// When it was started.
    pub fn created_at(&self) -> SystemTime {
        self.inner.created_at
    }

    /// The whole pending sign-in as JSON text (a secret: state and verifier), for a
    /// server-side session; `SignIn.fromJson` restores it.
    pub fn to_json(&self) -> String {
        self.inner.to_json().expose().to_owned()
    }
}

/// A user's grant to the app (from `finish()` or a refresh): who, which tenant, which scopes,
/// and the tokens. Keep it with `AccountStore.saveGrant` (sealed). `toString()` shows who and
/// until when, never a token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct UserGrant {
    pub(crate) inner: jtl_connect::UserGrant,
}

impl UserGrant {
    pub(crate) fn wrap(inner: jtl_connect::UserGrant) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

impl fmt::Display for UserGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "UserGrant(user_id={}, tenant_id={}, scopes={})",
            self.inner.user_id,
            self.inner.tenant_id.as_deref().unwrap_or("none"),
            self.inner.scopes.join(" ")
        )
    }
}

#[uniffi::export]
impl UserGrant {
    /// A grant from `toJson()`'s text.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, JtlError> {
        let text = Secret::new(text);
        Ok(Self::wrap(jtl_connect::UserGrant::from_json(
            text.expose(),
        )?))
    }

    /// The user (`sub`).
    pub fn user_id(&self) -> String {
        self.inner.user_id.clone()
    }

    /// The user's display name, if the ID token carries one.
    pub fn user_name(&self) -> Option<String> {
        self.inner.user_name.clone()
    }

    /// The tenant the user signed in to (`X-Tenant-ID` of the user's client).
    pub fn tenant_id(&self) -> Option<String> {
        self.inner.tenant_id.clone()
    }

    /// The scopes granted.
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// When the access token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.inner.expires_at
    }

    /// The refresh token (the long-lived secret): send or store it, never log it.
    pub fn expose_refresh_token(&self) -> String {
        self.inner.refresh_token.expose().to_owned()
    }

    /// The grant as JSON text (a secret: both tokens), for apps that keep grants outside the
    /// account store; `UserGrant.fromJson` restores it.
    pub fn to_json(&self) -> String {
        self.inner.to_json().expose().to_owned()
    }
}

/// How to build an [`AuthorizationCodeClient`].
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct SignInOptions {
    /// The app's client secret (HTTP Basic); `null`: a public client (PKCE only).
    #[uniffi(default = None)]
    pub client_secret: Option<String>,
    /// Scopes to ask for (`openid` and `offline_access` are always added).
    #[uniffi(default = [])]
    pub scopes: Vec<String>,
    /// How long a started sign-in may take, in seconds (default 600).
    #[uniffi(default = None)]
    pub sign_in_timeout: Option<f64>,
}

/// Signs JTL users in (authorization code + PKCE `S256` + `state`) and refreshes their
/// grants: `start()` → `SignIn` (send the user to `url()`, keep it), then
/// `finish(pending, state, code)` → `UserGrant`. A wrong state throws `StateMismatch`; an
/// expired, reused or revoked code or refresh token `SignInRequired` (never retried).
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct AuthorizationCodeClient {
    inner: jtl_connect::AuthorizationCodeClient,
}

impl fmt::Display for AuthorizationCodeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AuthorizationCodeClient(client_id={}, redirect_uri={}, endpoints={})",
            self.inner.client_id(),
            self.inner.redirect_uri(),
            self.inner.endpoints().name()
        )
    }
}

#[uniffi::export]
impl AuthorizationCodeClient {
    /// A client for the app `client_id` sending users back to `redirect_uri`; `endpoints`
    /// default to production. No request is made.
    #[uniffi::constructor(default(endpoints = None, options = None))]
    pub fn new(
        client_id: String,
        redirect_uri: String,
        endpoints: Option<Arc<Endpoints>>,
        options: Option<SignInOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let options = options.unwrap_or_default();
        let mut builder = jtl_connect::AuthorizationCodeClient::builder(client_id)
            .client_secret(options.client_secret.map(Secret::new))
            .redirect_uri(redirect_uri)
            .scopes(options.scopes);
        if let Some(endpoints) = endpoints {
            builder = builder.endpoints(endpoints.inner.clone());
        }
        if let Some(limit) = options.sign_in_timeout {
            let limit = std::time::Duration::try_from_secs_f64(limit).map_err(|_| {
                JtlError::invalid_input(format!(
                    "sign_in_timeout: expected a positive number of seconds; found {limit}"
                ))
            })?;
            builder = builder.sign_in_timeout(limit);
        }
        Ok(Arc::new(Self {
            inner: builder.build()?,
        }))
    }

    /// The app's client id.
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// Where JTL sends the user back.
    pub fn redirect_uri(&self) -> String {
        self.inner.redirect_uri().to_owned()
    }

    /// The scopes asked for.
    pub fn scopes(&self) -> Vec<String> {
        self.inner.scopes().to_vec()
    }

    /// Starts a sign-in: a fresh state and PKCE verifier, and the URL to send the user to.
    pub fn start(&self) -> Arc<SignIn> {
        Arc::new(SignIn {
            inner: self.inner.start(),
        })
    }

    /// Exchanges the `code` that came back (with `state`) for the user's grant; the state is
    /// compared in constant time first (`StateMismatch`, nothing sent).
    pub fn finish(
        &self,
        pending: Arc<SignIn>,
        state: String,
        code: String,
    ) -> Result<Arc<UserGrant>, JtlError> {
        block(self.inner.finish(&pending.inner, &state, &code)).map(UserGrant::wrap)
    }

    /// `finish`, as a suspend/async function.
    pub async fn finish_async(
        &self,
        pending: Arc<SignIn>,
        state: String,
        code: String,
    ) -> Result<Arc<UserGrant>, JtlError> {
        let inner = self.inner.clone();
        let pending = pending.inner.clone();
        spawn(async move { inner.finish(&pending, &state, &code).await })
            .await
            .map(UserGrant::wrap)
    }

    /// `finish` with the whole URL (or query string) the user came back to; an `error` in
    /// it (`access_denied`) throws `SignInRequired`.
    pub fn finish_redirect(
        &self,
        pending: Arc<SignIn>,
        redirect: String,
    ) -> Result<Arc<UserGrant>, JtlError> {
        block(self.inner.finish_redirect(&pending.inner, &redirect)).map(UserGrant::wrap)
    }

    /// A new access token (and, with rotation, a new refresh token: keep the result).
    pub fn refresh(&self, grant: Arc<UserGrant>) -> Result<Arc<UserGrant>, JtlError> {
        block(self.inner.refresh(&grant.inner)).map(UserGrant::wrap)
    }

    /// `refresh`, as a suspend/async function.
    pub async fn refresh_async(&self, grant: Arc<UserGrant>) -> Result<Arc<UserGrant>, JtlError> {
        let inner = self.inner.clone();
        let grant = grant.inner.clone();
        spawn(async move { inner.refresh(&grant).await })
            .await
            .map(UserGrant::wrap)
    }

    /// A `CloudClient` acting as the user of `grant` (not stored; for a stored user use
    /// `AccountStore.userClient`, which also keeps rotated refresh tokens).
    #[uniffi::method(default(tenant_id = None))]
    pub fn client(
        &self,
        grant: Arc<UserGrant>,
        tenant_id: Option<String>,
    ) -> Result<Arc<CloudClient>, JtlError> {
        let mut builder = jtl_connect::CloudClient::for_user(&self.inner, grant.inner.clone());
        if let Some(tenant) = tenant_id {
            builder = builder.tenant_id(tenant);
        }
        Ok(CloudClient::wrap(builder.build()?))
    }
}

/// A user's grant as the account store shows it: who, which tenant and scopes, until when;
/// never a token.
#[derive(Clone, Debug, uniffi::Record)]
pub struct StoredGrant {
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
    /// When the stored access token expires, Unix seconds (it is refreshed on use).
    pub access_expires_at: i64,
    /// When the user first signed in, Unix seconds.
    pub created_at: i64,
    /// Last change (sign-in or refresh), Unix seconds.
    pub updated_at: i64,
}

impl From<jtl_connect::store::StoredGrant> for StoredGrant {
    fn from(grant: jtl_connect::store::StoredGrant) -> Self {
        Self {
            account_id: grant.account_id,
            user_id: grant.user_id,
            user_name: grant.user_name,
            tenant_id: grant.tenant_id,
            scopes: grant.scopes,
            access_expires_at: grant.access_expires_at,
            created_at: grant.created_at,
            updated_at: grant.updated_at,
        }
    }
}

/// The user sign-in side of the account store.
#[uniffi::export]
impl AccountStore {
    /// A sign-in client for the Cloud account `account_id` (its client id, secret and
    /// environment): `start()`, `finish()`, then `saveGrant()`.
    #[uniffi::method(default(scopes = []))]
    pub fn authorization_code_client(
        &self,
        account_id: String,
        redirect_uri: String,
        scopes: Vec<String>,
    ) -> Result<Arc<AuthorizationCodeClient>, JtlError> {
        let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
        let inner = self
            .inner
            .authorization_code_client(&account_id, &redirect_uri, &scopes)?;
        Ok(Arc::new(AuthorizationCodeClient { inner }))
    }

    /// Keeps a signed-in user's `grant` for the Cloud account `account_id`, sealed,
    /// replacing the user's earlier grant. Returns what is stored (no token).
    pub fn save_grant(
        &self,
        account_id: String,
        grant: Arc<UserGrant>,
    ) -> Result<StoredGrant, JtlError> {
        Ok(self.inner.save_grant(&account_id, &grant.inner)?.into())
    }

    /// One user's stored grant (no token); `NotFound` if the user has not signed in.
    pub fn grant(&self, account_id: String, user_id: String) -> Result<StoredGrant, JtlError> {
        Ok(self.inner.grant(&account_id, &user_id)?.into())
    }

    /// Every user grant of an account (no tokens).
    pub fn grants(&self, account_id: String) -> Result<Vec<StoredGrant>, JtlError> {
        Ok(self
            .inner
            .grants(&account_id)?
            .into_iter()
            .map(StoredGrant::from)
            .collect())
    }

    /// Deletes one user's grant (`NotFound` if there is none): the user signs in again.
    pub fn delete_grant(&self, account_id: String, user_id: String) -> Result<(), JtlError> {
        Ok(self.inner.delete_grant(&account_id, &user_id)?)
    }

    /// A `CloudClient` that calls the API as the stored user `user_id` of the account: the
    /// user's token, refreshed from the sealed refresh token (rotated ones are kept);
    /// `X-Tenant-ID` is the user's tenant unless `tenant_id` is given. A revoked or expired
    /// grant throws `SignInRequired` on use.
    #[uniffi::method(default(tenant_id = None))]
    pub fn user_client(
        &self,
        account_id: String,
        user_id: String,
        tenant_id: Option<String>,
    ) -> Result<Arc<CloudClient>, JtlError> {
        Ok(CloudClient::wrap(self.inner.user_client(
            &account_id,
            &user_id,
            tenant_id.as_deref(),
        )?))
    }
}
