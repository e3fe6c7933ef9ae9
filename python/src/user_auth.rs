//! User sign-in (OAuth 2.0 authorization code with PKCE, facts §0, §4.2, §5.4):
//! [`AuthorizationCodeClient`] / [`AsyncAuthorizationCodeClient`], the pending [`SignIn`] and
//! the resulting [`UserGrant`], wrapping the core's `oauth_user` module; and the account
//! store's grant methods ([`grant_methods`]), which `store.rs` exposes.

use jtl_connect::Secret as CoreSecret;
use pyo3::{prelude::*, types::PyDict};

use crate::{
    cloud::{AsyncCloudClient, CloudClient},
    convert::{optional_seconds, repr_opt, repr_str, unix_seconds},
    endpoints::Endpoints,
    errors,
    options::http_beside,
    runtime::{block, spawn},
    secret::{secret_arg, Secret},
};

/// A sign-in in progress (from `start()`): send the user to `url`; keep the rest (the
/// `state` and the PKCE `verifier`, both secrets) server-side until the user comes back,
/// e.g. `session["sign_in"] = pending.to_json().expose()` and `SignIn.from_json(...)`.
/// `repr()` shows neither secret nor the URL's query.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct SignIn {
    pub(crate) inner: jtl_connect::SignIn,
}

#[pymethods]
impl SignIn {
    /// Where to send the user (the authorize URL with state and PKCE challenge).
    #[getter]
    fn url(&self) -> &str {
        &self.inner.url
    }

    /// The `state` sent; the redirect must bring back the same value.
    #[getter]
    fn state(&self) -> Secret {
        Secret {
            inner: self.inner.state.clone(),
        }
    }

    /// The PKCE code verifier, sent only with the code exchange.
    #[getter]
    fn verifier(&self) -> Secret {
        Secret {
            inner: self.inner.verifier.clone(),
        }
    }

    /// The redirect URI the sign-in was started with.
    #[getter]
    fn redirect_uri(&self) -> &str {
        &self.inner.redirect_uri
    }

    /// When it was started, Unix seconds.
    #[getter]
    fn created_at(&self) -> f64 {
        unix_seconds(self.inner.created_at)
    }

    /// The whole pending sign-in as JSON text, in a `Secret` (it holds state and verifier):
    /// for a web app's server-side session. `SignIn.from_json` restores it.
    fn to_json(&self) -> Secret {
        Secret {
            inner: self.inner.to_json(),
        }
    }

    /// A pending sign-in from `to_json()`'s text (`str` or `Secret`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = secret_arg(text, "text")?;
        jtl_connect::SignIn::from_json(text.expose())
            .map(|inner| Self { inner })
            .map_err(|e| errors::to_py(py, &e))
    }

    fn __repr__(&self) -> String {
        format!(
            "SignIn(url={}, redirect_uri={}, state=Secret('***'), verifier=Secret('***'))",
            repr_str(self.inner.url.split('?').next().unwrap_or_default()),
            repr_str(&self.inner.redirect_uri)
        )
    }
}

/// A user's grant to the app (from `finish()` or a refresh): who, which tenant, which
/// scopes, and the tokens (secrets). Keep it with `AccountStore.save_grant` (sealed).
/// `repr()` shows who and until when, never a token.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct UserGrant {
    pub(crate) inner: jtl_connect::UserGrant,
}

#[pymethods]
impl UserGrant {
    /// The user (`sub`).
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// The user's display name, if the ID token carries one.
    #[getter]
    fn user_name(&self) -> Option<&str> {
        self.inner.user_name.as_deref()
    }

    /// The tenant the user signed in to (`X-Tenant-ID` of the user's client).
    #[getter]
    fn tenant_id(&self) -> Option<&str> {
        self.inner.tenant_id.as_deref()
    }

    /// The scopes granted.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// When the access token expires, Unix seconds.
    #[getter]
    fn expires_at(&self) -> f64 {
        unix_seconds(self.inner.expires_at)
    }

    /// The refresh token (the long-lived secret).
    #[getter]
    fn refresh_token(&self) -> Secret {
        Secret {
            inner: self.inner.refresh_token.clone(),
        }
    }

    /// The current access token.
    #[getter]
    fn access_token(&self) -> Secret {
        Secret {
            inner: self.inner.access_token.clone(),
        }
    }

    /// The grant as JSON text, in a `Secret` (it holds both tokens), for apps that keep
    /// grants outside the account store. `UserGrant.from_json` restores it.
    fn to_json(&self) -> Secret {
        Secret {
            inner: self.inner.to_json(),
        }
    }

    /// A grant from `to_json()`'s text (`str` or `Secret`).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = secret_arg(text, "text")?;
        jtl_connect::UserGrant::from_json(text.expose())
            .map(|inner| Self { inner })
            .map_err(|e| errors::to_py(py, &e))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<UserGrant>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "UserGrant(user_id={}, tenant_id={}, scopes={:?}, expires_at={})",
            repr_str(&self.inner.user_id),
            repr_opt(self.inner.tenant_id.as_deref()),
            self.inner.scopes,
            unix_seconds(self.inner.expires_at).round()
        )
    }
}

/// The constructor's arguments as a core client.
#[allow(clippy::too_many_arguments)]
fn build(
    py: Python<'_>,
    client_id: &str,
    client_secret: Option<&Bound<'_, PyAny>>,
    redirect_uri: &str,
    scopes: Option<Vec<String>>,
    endpoints: Option<&Bound<'_, Endpoints>>,
    sign_in_timeout: Option<f64>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<jtl_connect::AuthorizationCodeClient> {
    let secret: Option<CoreSecret> = client_secret
        .filter(|s| !s.is_none())
        .map(|s| secret_arg(s, "client_secret"))
        .transpose()?;
    let named = [
        "client_id",
        "client_secret",
        "redirect_uri",
        "scopes",
        "endpoints",
        "sign_in_timeout",
    ];
    let http = http_beside(py, options, "authorization_code_client", &named)?;
    let mut builder = jtl_connect::AuthorizationCodeClient::builder(client_id)
        .client_secret(secret)
        .redirect_uri(redirect_uri)
        .scopes(scopes.unwrap_or_default())
        .endpoints(Endpoints::or_production(endpoints))
        .http_options(http);
    if let Some(limit) = optional_seconds(py, "sign_in_timeout", sign_in_timeout)? {
        builder = builder.sign_in_timeout(limit);
    }
    builder.build().map_err(|e| errors::to_py(py, &e))
}

fn repr(name: &str, client: &jtl_connect::AuthorizationCodeClient) -> String {
    format!(
        "{name}(client_id={}, redirect_uri={}, scopes={:?}, endpoints={})",
        repr_str(client.client_id()),
        repr_str(client.redirect_uri()),
        client.scopes(),
        repr_str(client.endpoints().name())
    )
}

/// The methods both classes share; `$own` are the class's I/O methods.
macro_rules! auth_methods {
    ($class:ident, { $($own:tt)* }) => {
        #[pymethods]
        impl $class {
            $($own)*

            #[new]
            #[pyo3(signature = (client_id, client_secret=None, *, redirect_uri, scopes=None, endpoints=None, sign_in_timeout=None, **options))]
            #[allow(clippy::too_many_arguments)]
            fn new(
                py: Python<'_>,
                client_id: &str,
                client_secret: Option<&Bound<'_, PyAny>>,
                redirect_uri: &str,
                scopes: Option<Vec<String>>,
                endpoints: Option<&Bound<'_, Endpoints>>,
                sign_in_timeout: Option<f64>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let inner = build(
                    py, client_id, client_secret, redirect_uri, scopes, endpoints,
                    sign_in_timeout, options,
                )?;
                Ok(Self { inner })
            }

            /// The app's client id.
            #[getter]
            fn client_id(&self) -> &str {
                self.inner.client_id()
            }

            /// Where JTL sends the user back.
            #[getter]
            fn redirect_uri(&self) -> &str {
                self.inner.redirect_uri()
            }

            /// The scopes asked for (`openid` and `offline_access` always among them).
            #[getter]
            fn scopes(&self) -> Vec<String> {
                self.inner.scopes().to_vec()
            }

            /// The endpoints (authorize and token URLs).
            #[getter]
            fn endpoints(&self) -> Endpoints {
                Endpoints { inner: self.inner.endpoints().clone() }
            }

            /// Whether it authenticates with a client secret (else a public client: PKCE only).
            #[getter]
            fn is_confidential(&self) -> bool {
                self.inner.is_confidential()
            }

            /// Starts a sign-in: a fresh state and PKCE verifier and the URL to send the user
            /// to. Nothing is sent.
            fn start(&self) -> SignIn {
                SignIn { inner: self.inner.start() }
            }

            fn __repr__(&self) -> String {
                repr(stringify!($class), &self.inner)
            }
        }
    };
}

/// Signs JTL users in (authorization code + PKCE `S256` + `state`) and refreshes their grants.
///
/// `AuthorizationCodeClient(client_id, client_secret=None, *, redirect_uri, scopes=None,
/// endpoints=None)`: `start()` → `SignIn` (send the user to `.url`, keep it), then
/// `finish(pending, state, code)` → `UserGrant`. A wrong `state` raises `StateMismatchError`;
/// an expired, reused or revoked code or refresh token raises `SignInRequiredError`.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct AuthorizationCodeClient {
    inner: jtl_connect::AuthorizationCodeClient,
}

/// The same for asyncio: `finish`, `finish_redirect` and `refresh` are coroutines.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncAuthorizationCodeClient {
    inner: jtl_connect::AuthorizationCodeClient,
}

/// A user-bound core client for `grant` (`tenant_id` overrides the grant's tenant).
fn user_client(
    py: Python<'_>,
    auth: &jtl_connect::AuthorizationCodeClient,
    grant: &UserGrant,
    tenant_id: Option<&str>,
) -> PyResult<jtl_connect::CloudClient> {
    let mut builder = jtl_connect::CloudClient::for_user(auth, grant.inner.clone());
    if let Some(tenant) = tenant_id {
        builder = builder.tenant_id(tenant);
    }
    builder.build().map_err(|e| errors::to_py(py, &e))
}

auth_methods!(AuthorizationCodeClient, {
    /// Exchanges the `code` that came back (with `state`) for the user's grant: the state
    /// is compared in constant time first (`StateMismatchError`; nothing sent).
    fn finish(
        &self,
        py: Python<'_>,
        pending: &SignIn,
        state: &str,
        code: &str,
    ) -> PyResult<UserGrant> {
        let client = self.inner.clone();
        let pending = pending.inner.clone();
        block(
            py,
            async move { client.finish(&pending, state, code).await },
        )
        .map(|inner| UserGrant { inner })
    }

    /// `finish` with the whole URL (or query string) the user came back to; an `error` in
    /// it (`access_denied`) raises `SignInRequiredError`.
    fn finish_redirect(
        &self,
        py: Python<'_>,
        pending: &SignIn,
        redirect: &str,
    ) -> PyResult<UserGrant> {
        let client = self.inner.clone();
        let pending = pending.inner.clone();
        block(py, async move {
            client.finish_redirect(&pending, redirect).await
        })
        .map(|inner| UserGrant { inner })
    }

    /// A new access token (and, with rotation, a new refresh token: keep the result).
    fn refresh(&self, py: Python<'_>, grant: &UserGrant) -> PyResult<UserGrant> {
        let client = self.inner.clone();
        let grant = grant.inner.clone();
        block(py, async move { client.refresh(&grant).await }).map(|inner| UserGrant { inner })
    }

    /// A `CloudClient` acting as the user of `grant` (not stored; for a stored user use
    /// `AccountStore.user_client`, which also keeps rotated refresh tokens).
    #[pyo3(signature = (grant, tenant_id=None))]
    fn client(
        &self,
        py: Python<'_>,
        grant: &UserGrant,
        tenant_id: Option<&str>,
    ) -> PyResult<CloudClient> {
        user_client(py, &self.inner, grant, tenant_id).map(|inner| CloudClient { inner })
    }
});

auth_methods!(AsyncAuthorizationCodeClient, {
    /// Exchanges the code for the user's grant (see `AuthorizationCodeClient.finish`).
    async fn finish(
        &self,
        pending: Py<SignIn>,
        state: String,
        code: String,
    ) -> PyResult<UserGrant> {
        let client = self.inner.clone();
        let pending = pending.get().inner.clone();
        spawn(async move { client.finish(&pending, &state, &code).await })
            .await
            .map(|inner| UserGrant { inner })
    }

    /// `finish` with the whole redirect URL or query string.
    async fn finish_redirect(&self, pending: Py<SignIn>, redirect: String) -> PyResult<UserGrant> {
        let client = self.inner.clone();
        let pending = pending.get().inner.clone();
        spawn(async move { client.finish_redirect(&pending, &redirect).await })
            .await
            .map(|inner| UserGrant { inner })
    }

    /// A refreshed grant (keep it: with rotation the old refresh token stops working).
    async fn refresh(&self, grant: Py<UserGrant>) -> PyResult<UserGrant> {
        let client = self.inner.clone();
        let grant = grant.get().inner.clone();
        spawn(async move { client.refresh(&grant).await })
            .await
            .map(|inner| UserGrant { inner })
    }

    /// An `aio.CloudClient` acting as the user of `grant` (not stored).
    #[pyo3(signature = (grant, tenant_id=None))]
    fn client(
        &self,
        py: Python<'_>,
        grant: &UserGrant,
        tenant_id: Option<&str>,
    ) -> PyResult<AsyncCloudClient> {
        user_client(py, &self.inner, grant, tenant_id).map(|inner| AsyncCloudClient { inner })
    }
});

/// Adds the user sign-in classes to the module (one line in `lib.rs`).
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<AuthorizationCodeClient>()?;
    m.add_class::<AsyncAuthorizationCodeClient>()?;
    m.add_class::<SignIn>()?;
    m.add_class::<UserGrant>()?;
    m.add_class::<StoredGrant>()?;
    Ok(())
}

/// A user's grant as the account store shows it (`AccountStore.grant()`, `grants()`,
/// `save_grant()`): who, which tenant and scopes, until when; never a token.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct StoredGrant {
    inner: jtl_connect::store::StoredGrant,
}

#[pymethods]
impl StoredGrant {
    /// The account (a JTL Cloud app) the user signed in to.
    #[getter]
    fn account_id(&self) -> &str {
        &self.inner.account_id
    }

    /// The user.
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    /// The user's display name, if known.
    #[getter]
    fn user_name(&self) -> Option<&str> {
        self.inner.user_name.as_deref()
    }

    /// The user's tenant.
    #[getter]
    fn tenant_id(&self) -> Option<&str> {
        self.inner.tenant_id.as_deref()
    }

    /// The granted scopes.
    #[getter]
    fn scopes(&self) -> Vec<String> {
        self.inner.scopes.clone()
    }

    /// When the stored access token expires, Unix seconds (it is refreshed on use).
    #[getter]
    fn access_expires_at(&self) -> i64 {
        self.inner.access_expires_at
    }

    /// When the user first signed in, Unix seconds.
    #[getter]
    fn created_at(&self) -> i64 {
        self.inner.created_at
    }

    /// Last change (sign-in or refresh), Unix seconds.
    #[getter]
    fn updated_at(&self) -> i64 {
        self.inner.updated_at
    }

    /// The grant as a JSON-ready dict (no token).
    fn to_dict(&self) -> crate::convert::Json {
        crate::convert::Json(serde_json::to_value(&self.inner).unwrap_or_default())
    }

    fn __repr__(&self) -> String {
        format!(
            "StoredGrant(account_id={}, user_id={}, tenant_id={})",
            repr_str(&self.inner.account_id),
            repr_str(&self.inner.user_id),
            repr_opt(self.inner.tenant_id.as_deref())
        )
    }
}

/// The account store's side of the user sign-in: what `AccountStore`'s methods of the same
/// names call (`store.rs`), each with the interpreter detached.
pub(crate) mod store {
    use super::*;

    fn run<T: Send>(
        py: Python<'_>,
        f: impl FnOnce() -> jtl_connect::Result<T> + Send,
    ) -> PyResult<T> {
        py.detach(f).map_err(|e| errors::to_py(py, &e))
    }

    /// `AccountStore.authorization_code_client`: the account's client id, secret and
    /// environment.
    pub(crate) fn authorization_code_client(
        py: Python<'_>,
        store: &jtl_connect::AccountStore,
        account_id: &str,
        redirect_uri: &str,
        scopes: Option<Vec<String>>,
    ) -> PyResult<jtl_connect::AuthorizationCodeClient> {
        let scopes = scopes.unwrap_or_default();
        let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
        run(py, || {
            store.authorization_code_client(account_id, redirect_uri, &scopes)
        })
    }

    /// `AccountStore.save_grant`.
    pub(crate) fn save_grant(
        py: Python<'_>,
        store: &jtl_connect::AccountStore,
        account_id: &str,
        grant: &UserGrant,
    ) -> PyResult<StoredGrant> {
        run(py, || store.save_grant(account_id, &grant.inner)).map(|inner| StoredGrant { inner })
    }

    /// `AccountStore.grant`.
    pub(crate) fn grant(
        py: Python<'_>,
        store: &jtl_connect::AccountStore,
        account_id: &str,
        user_id: &str,
    ) -> PyResult<StoredGrant> {
        run(py, || store.grant(account_id, user_id)).map(|inner| StoredGrant { inner })
    }

    /// `AccountStore.grants`.
    pub(crate) fn grants(
        py: Python<'_>,
        store: &jtl_connect::AccountStore,
        account_id: &str,
    ) -> PyResult<Vec<StoredGrant>> {
        run(py, || store.grants(account_id))
            .map(|all| all.into_iter().map(|inner| StoredGrant { inner }).collect())
    }

    /// `AccountStore.delete_grant`.
    pub(crate) fn delete_grant(
        py: Python<'_>,
        store: &jtl_connect::AccountStore,
        account_id: &str,
        user_id: &str,
    ) -> PyResult<()> {
        run(py, || store.delete_grant(account_id, user_id))
    }

    /// `AccountStore.user_client` and `async_user_client`: the core client.
    pub(crate) fn user_client(
        py: Python<'_>,
        store: &jtl_connect::AccountStore,
        account_id: &str,
        user_id: &str,
        tenant_id: Option<&str>,
    ) -> PyResult<jtl_connect::CloudClient> {
        run(py, || store.user_client(account_id, user_id, tenant_id))
    }
}

impl From<jtl_connect::AuthorizationCodeClient> for AuthorizationCodeClient {
    fn from(inner: jtl_connect::AuthorizationCodeClient) -> Self {
        Self { inner }
    }
}

impl From<jtl_connect::AuthorizationCodeClient> for AsyncAuthorizationCodeClient {
    fn from(inner: jtl_connect::AuthorizationCodeClient) -> Self {
        Self { inner }
    }
}
