//! [`CloudClient`]: the JTL Cloud ERP API (wraps [`jtl_connect::CloudClient`]).

use jtl_connect::{options::CLOUD_CLIENT, ClientCredentials, Secret};
use napi::{
    bindgen_prelude::{Either, Object, PromiseRaw, Reference},
    Env,
};
use napi_derive::napi;

use crate::{
    endpoints::Endpoints,
    errors::check,
    options::{self, Given},
    runtime::spawn,
    session::{self, SessionVerifier},
    surface::api_methods,
    token::{AccessToken, HandedOut},
};

/// A client of the JTL Cloud ERP API: a client-credentials token (one request for any number
/// of concurrent callers, refreshed before expiry), `X-Tenant-ID`, retries and typed errors.
/// Paths are relative to the API base (`"items/7"`). `forTenant(id)` handles share the token
/// cache. Printing it never shows the secret.
#[napi]
pub struct CloudClient {
    pub(crate) inner: jtl_connect::CloudClient,
    /// The `AccessToken` object last handed out (see [`HandedOut`]).
    token: HandedOut,
}

impl From<jtl_connect::CloudClient> for CloudClient {
    fn from(inner: jtl_connect::CloudClient) -> Self {
        Self {
            inner,
            token: HandedOut::default(),
        }
    }
}

/// What `toJSON()` of a [`CloudClient`] shows: no secret.
#[napi(object)]
pub struct CloudClientInfo {
    /// The client id.
    pub client_id: String,
    /// The tenant of this handle, if any.
    pub tenant_id: Option<String>,
    /// The endpoints' name.
    pub endpoints: String,
}

#[napi]
impl CloudClient {
    /// `new CloudClient({ clientId, clientSecret, tenantId, endpoints })`. No request is made
    /// yet. Throws `JtlError` `invalid_input` for a missing id or secret or a bad tenant id.
    #[napi(
        constructor,
        ts_args_type = "options: import('./lib/options').CloudClientOptions"
    )]
    pub fn new(env: &Env, options: Object<'_>) -> napi::Result<Self> {
        let given = Given::check(env, &options, CLOUD_CLIENT)?;
        let endpoints = given.endpoints()?;
        let secret: Option<String> = given.get("client_secret")?;
        let tenant: Option<String> = given.get("tenant_id")?;
        let language: Option<String> = given.get("accept_language")?;
        let cache: Option<String> = given.get("token_cache")?;
        let client_id: Option<String> = given.get("client_id")?;
        let http = given.json("http")?;
        let result = (|| {
            let credentials = ClientCredentials::new(
                client_id.unwrap_or_default(),
                Secret::new(secret.unwrap_or_default()),
            )?;
            let mut builder = jtl_connect::CloudClient::builder(credentials)
                .endpoints(endpoints)
                .http_options(options::http(http)?);
            if let Some(tenant) = tenant {
                builder = builder.tenant_id(tenant);
            }
            if let Some(language) = language {
                builder = builder.accept_language(language);
            }
            if let Some(url) = cache {
                builder = builder.token_cache(url);
            }
            builder.build()
        })();
        Ok(Self::from(check(env, result)?))
    }

    /// From `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET`, and optionally `JTL_TENANT_ID` and
    /// `JTL_ENVIRONMENT` (`production`, `beta`, ... or an emulator URL). Throws `JtlError`
    /// `config` naming a missing variable.
    #[napi(factory)]
    pub fn from_env(env: &Env) -> napi::Result<Self> {
        Ok(Self::from(check(
            env,
            jtl_connect::CloudClient::from_env(),
        )?))
    }

    /// A handle for another tenant that shares this client's token cache and connections.
    #[napi]
    pub fn for_tenant(&self, env: &Env, tenant_id: String) -> napi::Result<CloudClient> {
        Ok(Self {
            inner: check(env, self.inner.for_tenant(&tenant_id))?,
            token: self.token.clone(),
        })
    }

    /// A handle that acts as `userId` (`X-RunAs`; needs the scope `Application.RunAs`).
    #[napi]
    pub fn run_as(&self, user_id: String) -> CloudClient {
        Self {
            inner: self.inner.run_as(&user_id),
            token: self.token.clone(),
        }
    }

    /// The client id.
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.inner.client_id().to_owned()
    }

    /// The tenant of this handle, or `null`.
    #[napi(getter)]
    pub fn tenant_id(&self) -> Option<String> {
        self.inner.tenant_id().map(str::to_owned)
    }

    /// The endpoints.
    #[napi(getter)]
    pub fn endpoints(&self) -> Endpoints {
        Endpoints {
            inner: self.inner.endpoints().clone(),
        }
    }

    /// A valid access token (cached; one request for any number of concurrent callers). A
    /// token that needs no refresh yet is answered at once, without the async runtime;
    /// otherwise a Promise. `await` works for both. While the token stays the same, so does
    /// the `AccessToken` object.
    #[napi(ts_return_type = "AccessToken | Promise<AccessToken>")]
    pub fn access_token<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<Either<Reference<AccessToken>, PromiseRaw<'env, Reference<AccessToken>>>>
    {
        if let Some(token) = self.inner.token_cache().fresh() {
            return self.token.object(env, token).map(Either::A);
        }
        let client = self.inner.clone();
        let handed = self.token.clone();
        spawn(
            env,
            async move { client.access_token().await },
            move |env, token| handed.object(env, token),
        )
        .map(Either::B)
    }

    /// A verifier of App Shell session tokens, fetching JTL's keys with this client's token.
    /// Create it once and share it: it caches the keys.
    #[napi]
    pub fn session_verifier(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "import('./lib/options').VerifierOptions")] options: Option<
            serde_json::Value,
        >,
    ) -> napi::Result<SessionVerifier> {
        session::verifier(env, &self.inner, options)
    }

    /// A verifier of JTL app tokens for `appId`: RS256, `iss` must be the issuer (default the
    /// endpoints' `https://id.jtl-cloud.com`), keys from `{issuer}/oauth/v2/keys`, `aud` must
    /// contain `appId`. Claims: `tenantId` (`urn:jtl:tenant_id`), `userId` (`sub`), `appId`.
    /// Each failure names the check (signature, issuer, audience, expiry).
    #[napi]
    pub fn app_token_verifier(
        &self,
        env: &Env,
        app_id: String,
        #[napi(ts_arg_type = "import('./lib/options').AppTokenVerifierOptions")] options: Option<
            serde_json::Value,
        >,
    ) -> napi::Result<SessionVerifier> {
        session::app_verifier(env, &self.inner, &app_id, options)
    }

    /// `{ clientId, tenantId, endpoints }`: no secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> CloudClientInfo {
        CloudClientInfo {
            client_id: self.client_id(),
            tenant_id: self.tenant_id(),
            endpoints: self.inner.endpoints().name().to_owned(),
        }
    }

    /// `CloudClient(<client id>, tenant <tenant id>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        match self.inner.tenant_id() {
            Some(tenant) => format!("CloudClient({}, tenant {tenant})", self.inner.client_id()),
            None => format!("CloudClient({})", self.inner.client_id()),
        }
    }
}

api_methods!(CloudClient);
