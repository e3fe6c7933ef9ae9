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
    /// The user's token source of a user-bound client ([`CloudClient::for_user`]).
    user: Option<crate::oauth_user::UserTokenSource>,
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
    /// Set by [`CloudClient::for_user`]: act as this user.
    user: Option<UserBinding>,
}

/// What a user-bound client is built from.
struct UserBinding {
    auth: crate::AuthorizationCodeClient,
    grant: crate::UserGrant,
    hooks: Vec<crate::GrantHook>,
    reload: Option<crate::oauth_user::GrantReloadFn>,
}

impl fmt::Debug for UserBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserBinding")
            .field("grant", &self.grant)
            .finish_non_exhaustive()
    }
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
    pub fn build(mut self) -> Result<CloudClient> {
        if let Some(user) = self.user.take() {
            return self.build_for_user(user);
        }
        let tenant_id = self.tenant_id.map(|t| check_tenant(&t)).transpose()?;
        let deadline = self.http.deadline;
        let client_id = self.credentials.client_id().to_owned();
        let transport =
            Transport::new(self.http)?.with_secrets(vec![crate::redact::Known::Basic {
                user: client_id.clone(),
                password: self.credentials.client_secret().clone(),
            }]);
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
                user: None,
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
            user: None,
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

    /// A verifier of JTL app tokens for `app_id` (facts §4.2): RS256 only, `iss` must be
    /// `issuer` (`None`: the endpoints' app-token issuer, `https://id.jtl-cloud.com` in
    /// production, the emulator's URL for [`Endpoints::emulator`]), keys from
    /// `{issuer}/oauth/v2/keys` (public; cached like the session JWKS), `aud` must contain
    /// `app_id`, `urn:jtl:tenant_id` and `sub` are required. The claims come out as
    /// [`crate::SessionClaims`] with `tenant_id`, `user_id` (`sub`) and `app_id`
    /// (`urn:jtl:app_id`). Each failure names the check, as JTL's `verifyAppToken` reports
    /// per check (`app token: the audience check failed: ...`); an EdDSA session token is
    /// refused with `algorithm_not_allowed`.
    ///
    /// ```no_run
    /// # async fn demo(client: jtl_connect::CloudClient, token: &str) -> jtl_connect::Result<()> {
    /// let verifier = client.app_token_verifier("my-app-id", None)?;
    /// let claims = verifier.verify(token).await?;
    /// println!("tenant {} user {} app {:?}", claims.tenant_id, claims.user_id, claims.app_id);
    /// # Ok(()) }
    /// ```
    pub fn app_token_verifier(
        &self,
        app_id: &str,
        issuer: Option<&str>,
    ) -> Result<SessionVerifier> {
        self.app_token_verifier_with(app_id, issuer, VerifierConfig::default())
    }

    /// Like [`CloudClient::app_token_verifier`], with `config`'s leeway, lifetime limit,
    /// caching, size limits and clock; its `algorithms`, `issuer`, `require_issuer`,
    /// `audience` and `required_claims` are replaced by the app-token ones.
    pub fn app_token_verifier_with(
        &self,
        app_id: &str,
        issuer: Option<&str>,
        config: VerifierConfig,
    ) -> Result<SessionVerifier> {
        crate::session::app_verifier(self, app_id, issuer, config)
    }

    /// A valid access token (cached; one request for any number of concurrent callers).
    pub async fn access_token(&self) -> Result<Arc<AccessToken>> {
        self.shared.cache.get().await
    }

    /// Sends a request to the ERP API; the path is relative to the API base (`"items/7"`).
    async fn send_request(&self, request: Request) -> Result<Response> {
        self.send_to(self.shared.endpoints.api_base(), request)
            .await
    }

    /// Sends `request` with its path relative to `base`: tenant, run-as and language
    /// headers, the bearer token, retries. REST and GraphQL calls both come through here.
    pub(crate) async fn send_to(&self, base: &reqwest::Url, request: Request) -> Result<Response> {
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
        let call = request.into_call(base, &defaults, Flavor::Api)?;
        self.shared
            .transport
            .send(call, &Auth::Bearer(Arc::new(self.shared.cache.clone())))
            .await
    }
}

impl crate::ApiClient for CloudClient {
    fn request(
        &self,
        request: Request,
    ) -> impl std::future::Future<Output = Result<Response>> + Send {
        self.send_request(request)
    }
}

/// GraphQL (facts §1): JTL's main path for ERP data. See [`crate::graphql`].
impl CloudClient {
    /// Runs a GraphQL operation at [`Endpoints::graphql_url`] and returns its `data` object.
    ///
    /// `variables` is a JSON object (or `None`); `operation_name` picks one operation of a
    /// document that defines several. `errors[]` in the answer become a `graphql` error
    /// with the errors and any partial data. Queries are retried like idempotent
    /// requests; a mutation carries a fresh `Idempotency-Key`, so its retries cannot run it
    /// twice (use [`CloudClient::graphql_request`] to choose the key or send none).
    pub async fn graphql(
        &self,
        query: &str,
        variables: Option<serde_json::Value>,
        operation_name: Option<&str>,
    ) -> Result<serde_json::Value> {
        let mut request = crate::GraphqlRequest::new(query);
        if let Some(variables) = variables {
            request = request.variables(variables);
        }
        if let Some(name) = operation_name {
            request = request.operation_name(name);
        }
        Ok(self.graphql_request(request).await?.data)
    }

    /// [`CloudClient::graphql`], with `data` deserialized into `T`.
    pub async fn graphql_as<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        variables: Option<serde_json::Value>,
        operation_name: Option<&str>,
    ) -> Result<T> {
        let data = self.graphql(query, variables, operation_name).await?;
        serde_json::from_value(data).map_err(|e| Error::Api {
            message: format!(
                "POST {}: the GraphQL data does not have the expected shape: {e}",
                self.endpoints().graphql_url().path()
            ),
            detail: crate::ApiDetail {
                status: 200,
                ..crate::ApiDetail::default()
            },
        })
    }

    /// Runs a [`crate::GraphqlRequest`] (own headers, idempotency key, timeout) and returns
    /// the whole answer: data, extensions (e.g. whether a mutation was replayed), the key sent.
    pub async fn graphql_request(
        &self,
        request: crate::GraphqlRequest,
    ) -> Result<crate::GraphqlResponse> {
        crate::graphql::execute(self, request).await
    }

    /// Every record of the connection at `connection` (a dotted path into `data`, e.g.
    /// `"QueryItems"`), walked by `pageInfo.endCursor`: the query declares `$first: Int`
    /// and `$after: String` and passes them to the connection; records come from `nodes`
    /// or `edges[].node`. Pages (`page_size` records, default
    /// [`crate::pagination::DEFAULT_PAGE_SIZE`]) are fetched as the records are consumed;
    /// `total_items` is the connection's `totalCount`. A repeated cursor stops the walk
    /// with an error.
    pub fn paginate_graphql(
        &self,
        query: &str,
        variables: Option<serde_json::Value>,
        connection: &str,
        page_size: Option<u32>,
    ) -> Result<crate::Paginator> {
        let mut request = crate::GraphqlRequest::new(query);
        if let Some(variables) = variables {
            request = request.variables(variables);
        }
        crate::graphql::paginator(
            self.clone(),
            request,
            connection,
            page_size.unwrap_or(crate::pagination::DEFAULT_PAGE_SIZE),
        )
    }
}

/// User-bound access (facts §5.4 `oauth2-cloud-id-accessCode`): a client that calls the ERP
/// API as a signed-in user. See [`crate::oauth_user`].
impl CloudClient {
    /// A builder for a client that acts as the user of `grant` (from
    /// [`crate::AuthorizationCodeClient::finish`], or stored): `Bearer` with the user's access
    /// token, refreshed with the grant's refresh token by `auth` (one request for any number
    /// of concurrent callers; a 401 refreshes once), `X-Tenant-ID` from the grant's tenant
    /// unless [`CloudClientBuilder::tenant_id`] says otherwise, and every other feature
    /// (retries, GraphQL, pagination). Endpoints and HTTP options start as `auth`'s. Keep
    /// rotated refresh tokens with [`CloudClientBuilder::on_grant_change`].
    pub fn for_user(
        auth: &crate::AuthorizationCodeClient,
        grant: crate::UserGrant,
    ) -> CloudClientBuilder {
        let mut builder = Self::builder(ClientCredentials::public(auth.client_id()))
            .endpoints(auth.endpoints().clone())
            .http_options(auth.http_options().clone());
        builder.user = Some(UserBinding {
            auth: auth.clone(),
            grant,
            hooks: Vec::new(),
            reload: None,
        });
        builder
    }

    /// The user's grant as it is now (with the newest refresh token), for a user-bound
    /// client; `None` for a client-credentials client.
    pub fn user_grant(&self) -> Option<crate::UserGrant> {
        self.shared.user.as_ref().map(|u| u.grant())
    }

    /// The user this client acts as, for a user-bound client.
    pub fn user_id(&self) -> Option<String> {
        self.shared.user.as_ref().map(|u| u.user_id())
    }
}

impl CloudClientBuilder {
    /// For a user-bound client ([`CloudClient::for_user`]): called with every new grant after
    /// a refresh (with rotation, the new refresh token replaces the old one, which stops
    /// working): persist it here. May be given several times; ignored for client credentials.
    pub fn on_grant_change(
        mut self,
        hook: impl Fn(&crate::UserGrant) -> Result<()> + Send + Sync + 'static,
    ) -> Self {
        if let Some(user) = &mut self.user {
            user.hooks.push(Arc::new(hook));
        }
        self
    }

    /// Before a refresh, the newest stored grant (another process may have refreshed it).
    pub(crate) fn reload_grant(mut self, reload: crate::oauth_user::GrantReloadFn) -> Self {
        if let Some(user) = &mut self.user {
            user.reload = Some(reload);
        }
        self
    }

    fn build_for_user(self, user: UserBinding) -> Result<CloudClient> {
        if self.token_cache.is_some() {
            return Err(Error::invalid_input(
                "token_cache: a user-bound client refreshes its own grant; a shared token cache is for client credentials",
            ));
        }
        let tenant_id = self
            .tenant_id
            .or_else(|| user.grant.tenant_id.clone())
            .map(|t| check_tenant(&t))
            .transpose()?;
        let transport = Transport::new(self.http)?.with_secrets(user.auth.known_secrets());
        let client_id = user.auth.client_id().to_owned();
        let source =
            crate::oauth_user::UserTokenSource::new(user.auth, user.grant, user.hooks, user.reload);
        let cache = TokenCache::new(Arc::new(source.clone()), self.cache);
        Ok(CloudClient {
            shared: Arc::new(Shared {
                transport,
                cache,
                endpoints: self.endpoints,
                client_id,
                accept_language: self.accept_language,
                user: Some(source),
            }),
            tenant_id,
            run_as: None,
        })
    }
}
