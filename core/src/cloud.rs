//! [`CloudClient`]: the JTL Cloud ERP API with a client-credentials token, `X-Tenant-ID`,
//! retries, typed errors and pagination. `for_tenant` handles share one token cache.

use std::{fmt, sync::Arc};

use crate::{
    credentials::{env_var, optional_env_var},
    http::{Auth, Flavor, HttpOptions, Request, Response, Transport},
    token::{
        AccessToken, CacheOptions, ClientCredentialsSource, SharedChoice, SharedTokenCache,
        TokenCache, TokenSource,
    },
    ClientCredentials, Endpoints, Error, Result, Secret, SessionVerifier, VerifierConfig,
};

struct Shared {
    transport: Transport,
    cache: TokenCache,
    endpoints: Endpoints,
    client_id: String,
    accept_language: Option<String>,
}

/// A client of the JTL Cloud ERP API (`Authorization: Bearer`, `X-Tenant-ID`).
///
/// Cheap to clone; clones and [`CloudClient::for_tenant`] handles share one token cache and
/// one connection pool.
#[derive(Clone)]
pub struct CloudClient {
    shared: Arc<Shared>,
    tenant_id: Option<String>,
    run_as: Option<String>,
}

impl fmt::Debug for CloudClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudClient")
            .field("client_id", &self.shared.client_id)
            .field("tenant_id", &self.tenant_id)
            .field("endpoints", &self.shared.endpoints.name())
            .finish()
    }
}

/// Builds a [`CloudClient`] with non-default settings.
#[derive(Debug)]
pub struct CloudClientBuilder {
    credentials: ClientCredentials,
    endpoints: Endpoints,
    tenant_id: Option<String>,
    http: HttpOptions,
    cache: CacheOptions,
    accept_language: Option<String>,
    token_cache: Option<SharedChoice>,
}

impl CloudClientBuilder {
    /// Which JTL to talk to (default: production).
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// The tenant for `X-Tenant-ID`.
    pub fn tenant_id(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant_id.into());
        self
    }

    /// Timeouts, retries, user agent.
    pub fn http_options(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    /// Refresh margin, clock, and the other token-cache settings.
    pub fn cache_options(mut self, cache: CacheOptions) -> Self {
        self.cache = cache;
        self
    }

    /// `Accept-Language` for every request (JTL answers in German otherwise).
    pub fn accept_language(mut self, language: impl Into<String>) -> Self {
        self.accept_language = Some(language.into());
        self
    }

    /// Builds the client. No request is made yet.
    pub fn build(self) -> Result<CloudClient> {
        let tenant_id = self.tenant_id.map(|t| check_tenant(&t)).transpose()?;
        let deadline = self.http.deadline;
        let transport = Transport::new(self.http)?;
        let client_id = self.credentials.client_id().to_owned();
        let source: Arc<dyn TokenSource> = Arc::new(ClientCredentialsSource::new(
            transport.clone(),
            self.endpoints.token_url().clone(),
            self.credentials,
        ));
        let source = match &self.token_cache {
            Some(url) => Arc::new(url.open()?.source(
                source,
                &["cloud", self.endpoints.token_url().as_str(), &client_id],
                None,
                self.cache.refresh_margin,
                self.cache.clock.clone(),
                deadline,
            )),
            None => source,
        };
        let cache = TokenCache::new(source, self.cache);
        Ok(CloudClient {
            shared: Arc::new(Shared {
                transport,
                cache,
                endpoints: self.endpoints,
                client_id,
                accept_language: self.accept_language,
            }),
            tenant_id,
            run_as: None,
        })
    }
}

impl CloudClientBuilder {
    /// Shares access tokens with every process that uses the same PostgreSQL database
    /// (`postgresql://user@host/db`, see [`SharedTokenCache`]): a cold cache sends one token
    /// request for all of them. Tokens are sealed with `JTL_CONNECT_MASTER_KEY`. Any other
    /// URL scheme is `invalid_input` at [`CloudClientBuilder::build`].
    pub fn token_cache(mut self, url: impl Into<String>) -> Self {
        self.token_cache = Some(SharedChoice::Url(Secret::new(url.into())));
        self
    }

    /// Shares access tokens through an opened [`SharedTokenCache`] (for a master key given
    /// by the program: [`SharedTokenCache::open_with_master_key`]).
    pub fn shared_token_cache(mut self, cache: SharedTokenCache) -> Self {
        self.token_cache = Some(SharedChoice::Open(cache));
        self
    }
}

fn check_tenant(tenant_id: &str) -> Result<String> {
    let tenant_id = tenant_id.trim();
    if tenant_id.is_empty()
        || tenant_id
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Error::invalid_input(format!(
            "tenant_id: expected the tenant's id (a UUID); found {tenant_id:?}"
        )));
    }
    Ok(tenant_id.to_owned())
}

impl CloudClient {
    /// A client for `credentials` at `endpoints`, without a tenant (see [`CloudClient::for_tenant`]).
    pub fn new(credentials: ClientCredentials, endpoints: Endpoints) -> Result<Self> {
        Self::builder(credentials).endpoints(endpoints).build()
    }

    /// A builder starting from production endpoints and default settings.
    pub fn builder(credentials: ClientCredentials) -> CloudClientBuilder {
        CloudClientBuilder {
            credentials,
            endpoints: Endpoints::production(),
            tenant_id: None,
            http: HttpOptions::default(),
            cache: CacheOptions::default(),
            accept_language: None,
            token_cache: None,
        }
    }

    /// From `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET`, and optionally `JTL_TENANT_ID` and
    /// `JTL_ENVIRONMENT` (`production`, `beta`, `dev`, `qa`, or an emulator URL).
    pub fn from_env() -> Result<Self> {
        let credentials = ClientCredentials::new(
            env_var("JTL_CLIENT_ID")?,
            Secret::new(env_var("JTL_CLIENT_SECRET")?),
        )?;
        let endpoints = match optional_env_var("JTL_ENVIRONMENT") {
            Some(name) => Endpoints::from_name(&name)
                .map_err(|e| Error::config(format!("JTL_ENVIRONMENT: {e}")))?,
            None => Endpoints::production(),
        };
        let mut builder = Self::builder(credentials).endpoints(endpoints);
        if let Some(tenant) = optional_env_var("JTL_TENANT_ID") {
            builder = builder.tenant_id(tenant);
        }
        builder.build()
    }

    /// A handle for another tenant that shares this client's token cache and connections.
    pub fn for_tenant(&self, tenant_id: &str) -> Result<Self> {
        Ok(Self {
            shared: self.shared.clone(),
            tenant_id: Some(check_tenant(tenant_id)?),
            run_as: self.run_as.clone(),
        })
    }

    /// A handle that acts as `user_id` (`X-RunAs`; needs the scope `Application.RunAs`).
    pub fn run_as(&self, user_id: &str) -> Self {
        Self {
            shared: self.shared.clone(),
            tenant_id: self.tenant_id.clone(),
            run_as: Some(user_id.to_owned()),
        }
    }

    /// The tenant of this handle.
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.shared.endpoints
    }

    /// The token cache (shared by every handle of this client).
    pub fn token_cache(&self) -> &TokenCache {
        &self.shared.cache
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.shared.transport
    }

    /// A verifier of App Shell session tokens that fetches JTL's JWKS with this client's
    /// access token (see [`VerifierConfig`] for issuer, leeway, algorithms and caching).
    pub fn session_verifier(&self, config: VerifierConfig) -> Result<SessionVerifier> {
        SessionVerifier::new(self, config)
    }

    /// A valid access token (cached; one request for any number of concurrent callers).
    pub async fn access_token(&self) -> Result<Arc<AccessToken>> {
        self.shared.cache.get().await
    }

    /// Sends a request to the ERP API; the path is relative to the API base (`"items/7"`).
    pub async fn request(&self, request: Request) -> Result<Response> {
        let mut defaults: Vec<(&str, String)> = Vec::with_capacity(3);
        if let Some(tenant) = &self.tenant_id {
            defaults.push(("X-Tenant-ID", tenant.clone()));
        }
        if let Some(user) = &self.run_as {
            defaults.push(("X-RunAs", user.clone()));
        }
        if let Some(language) = &self.shared.accept_language {
            defaults.push(("Accept-Language", language.clone()));
        }
        let has_tenant = self.tenant_id.is_some()
            || request
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("x-tenant-id"));
        if !has_tenant {
            return Err(Error::config(
                "no tenant: the ERP API needs X-Tenant-ID; create the client with a tenant_id or use for_tenant(id)",
            ));
        }
        let call = request.into_call(self.shared.endpoints.api_base(), &defaults, Flavor::Api)?;
        self.shared
            .transport
            .send(call, &Auth::Bearer(self.shared.cache.clone()))
            .await
    }
}

crate::http::helpers::request_helpers!(CloudClient);
