//! [`CloudClient`]: the JTL Cloud ERP API (wraps [`jtl_connect::CloudClient`]).

use std::{fmt, sync::Arc};

use jtl_connect::{ClientCredentials, Secret};

use crate::{
    endpoints::Endpoints,
    errors::JtlError,
    options::{AppTokenVerifierOptions, HttpOptions, VerifierOptions},
    runtime::{block, spawn},
    session::SessionVerifier,
    surface::client_methods,
    token::AccessToken,
};

/// A client of the JTL Cloud ERP API: a client-credentials token (one request for any number
/// of concurrent callers, refreshed before expiry), `X-Tenant-ID`, retries and typed errors.
/// Paths are relative to the API base (`"items/7"`). `forTenant(id)` handles share the token
/// cache. `toString()` never shows the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct CloudClient {
    pub(crate) inner: jtl_connect::CloudClient,
}

impl CloudClient {
    pub(crate) fn wrap(inner: jtl_connect::CloudClient) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

impl fmt::Display for CloudClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CloudClient(client_id={}, tenant_id={}, endpoints={})",
            self.inner.client_id(),
            self.inner.tenant_id().unwrap_or("none"),
            self.inner.endpoints().name()
        )
    }
}

#[uniffi::export]
impl CloudClient {
    /// A client for the app's credentials; `endpoints` default to production. No request is
    /// made yet. `accept_language` is sent as `Accept-Language`; `token_cache`
    /// (`postgresql://…`) shares its tokens with every process using that database, sealed
    /// with `JTL_CONNECT_MASTER_KEY`; `http`: timeouts, retries, User-Agent.
    #[uniffi::constructor(default(tenant_id = None, endpoints = None, accept_language = None, token_cache = None, http = None))]
    pub fn new(
        client_id: String,
        client_secret: String,
        tenant_id: Option<String>,
        endpoints: Option<Arc<Endpoints>>,
        accept_language: Option<String>,
        token_cache: Option<String>,
        http: Option<HttpOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let credentials = ClientCredentials::new(client_id, Secret::new(client_secret))?;
        let mut builder =
            jtl_connect::CloudClient::builder(credentials).http_options(HttpOptions::core(http)?);
        if let Some(language) = accept_language {
            builder = builder.accept_language(language);
        }
        if let Some(endpoints) = endpoints {
            builder = builder.endpoints(endpoints.inner.clone());
        }
        if let Some(tenant_id) = tenant_id {
            builder = builder.tenant_id(tenant_id);
        }
        if let Some(url) = token_cache {
            builder = builder.token_cache(url);
        }
        Ok(Self::wrap(builder.build()?))
    }

    /// From `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET`, and optionally `JTL_TENANT_ID` and
    /// `JTL_ENVIRONMENT` (`production`, `beta`, or an emulator URL).
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>, JtlError> {
        Ok(Self::wrap(jtl_connect::CloudClient::from_env()?))
    }

    /// A handle for another tenant that shares this client's token cache and connections.
    pub fn for_tenant(&self, tenant_id: String) -> Result<Arc<Self>, JtlError> {
        Ok(Self::wrap(self.inner.for_tenant(&tenant_id)?))
    }

    /// A handle that acts as `user_id` (`X-RunAs`).
    pub fn run_as(&self, user_id: String) -> Arc<Self> {
        Self::wrap(self.inner.run_as(&user_id))
    }

    /// The tenant of this handle.
    pub fn tenant_id(&self) -> Option<String> {
        self.inner.tenant_id().map(str::to_owned)
    }

    /// The client id.
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// The endpoints.
    pub fn endpoints(&self) -> Arc<Endpoints> {
        Endpoints::wrap(self.inner.endpoints().clone())
    }

    /// A valid access token (cached; one request for any number of concurrent callers).
    pub fn access_token(&self) -> Result<Arc<AccessToken>, JtlError> {
        if let Some(token) = self.inner.token_cache().fresh() {
            return Ok(AccessToken::wrap(token));
        }
        block(self.inner.access_token()).map(AccessToken::wrap)
    }

    /// `accessToken`, as a suspend/async function. A cached token that needs no refresh yet
    /// is answered on the first poll, without the core's runtime.
    pub async fn access_token_async(&self) -> Result<Arc<AccessToken>, JtlError> {
        if let Some(token) = self.inner.token_cache().fresh() {
            return Ok(AccessToken::wrap(token));
        }
        let inner = self.inner.clone();
        spawn(async move { inner.access_token().await })
            .await
            .map(AccessToken::wrap)
    }

    /// A verifier of App Shell session tokens that fetches JTL's JWKS with this client's
    /// token (default: EdDSA, issuer `https://api.jtl-cloud.com`, leeway 60 s).
    #[uniffi::method(default(options = None))]
    pub fn session_verifier(
        &self,
        options: Option<VerifierOptions>,
    ) -> Result<Arc<SessionVerifier>, JtlError> {
        SessionVerifier::build(&self.inner, options)
    }

    /// A verifier of JTL app tokens for `app_id`: RS256, `iss` must be `options.issuer`
    /// (default the endpoints' `https://id.jtl-cloud.com`), keys from
    /// `{issuer}/oauth/v2/keys`, `aud` must contain `app_id`; each failure names the check.
    #[uniffi::method(default(options = None))]
    pub fn app_token_verifier(
        &self,
        app_id: String,
        options: Option<AppTokenVerifierOptions>,
    ) -> Result<Arc<SessionVerifier>, JtlError> {
        SessionVerifier::app(&self.inner, &app_id, options)
    }
}

client_methods!(CloudClient);
