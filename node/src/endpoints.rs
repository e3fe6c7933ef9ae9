//! [`Endpoints`]: where JTL's services live (wraps [`jtl_connect::Endpoints`]).

use napi::{bindgen_prelude::Either, Env};
use napi_derive::napi;

use jtl_connect::options::{Schema, ENDPOINTS};

use crate::{
    errors::check,
    options::{Checked, Named},
};

/// URLs to replace, for `new Endpoints({...})`. Each one left out keeps production's.
#[napi(object)]
#[derive(Default)]
pub struct EndpointsOptions {
    /// The emulator (or anything laid out like JTL) at this URL: every other URL derives
    /// from it, then the ones given below replace theirs.
    pub base_url: Option<String>,
    /// The OAuth token endpoint, e.g. `https://auth.jtl-cloud.com/oauth2/token`.
    pub token_url: Option<String>,
    /// The ERP API base, e.g. `https://api.jtl-cloud.com/erp/v2/`.
    pub api_base: Option<String>,
    /// The JWKS of App Shell session tokens.
    pub jwks_url: Option<String>,
    /// The SCX Channel API base, e.g. `https://scx.api.jtl-software.com/v1/`.
    pub scx_base: Option<String>,
}

impl Named for EndpointsOptions {
    const SCHEMA: Schema = ENDPOINTS;
}

/// Which JTL a client talks to: `Endpoints.production()`, `beta()`, `sandbox()` (SCX),
/// `emulator(url)`, or custom URLs with `new Endpoints({ tokenUrl, apiBase, jwksUrl, scxBase })`.
/// Plain `http://` is refused except for loopback hosts.
#[napi]
#[derive(Clone)]
pub struct Endpoints {
    pub(crate) inner: jtl_connect::Endpoints,
}

#[napi]
impl Endpoints {
    /// Custom endpoints: production's (or `baseUrl`'s emulator layout), with the URLs given
    /// replaced. Throws `JtlError` `invalid_input` for a malformed or plain-http URL.
    #[napi(constructor)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "EndpointsOptions")] options: Option<Checked<EndpointsOptions>>,
    ) -> napi::Result<Self> {
        let options = options.map(|o| o.0).unwrap_or_default();
        let result = (|| {
            let mut endpoints = match &options.base_url {
                Some(url) => jtl_connect::Endpoints::emulator(url)?,
                None => jtl_connect::Endpoints::production(),
            };
            if let Some(url) = &options.token_url {
                endpoints = endpoints.with_token_url(url)?;
            }
            if let Some(url) = &options.api_base {
                endpoints = endpoints.with_api_base(url)?;
            }
            if let Some(url) = &options.jwks_url {
                endpoints = endpoints.with_jwks_url(url)?;
            }
            if let Some(url) = &options.scx_base {
                endpoints = endpoints.with_scx_base(url)?;
            }
            Ok(endpoints)
        })();
        Ok(Self {
            inner: check(env, result)?,
        })
    }

    /// JTL Cloud production, and the production SCX Channel API.
    #[napi(factory)]
    pub fn production() -> Self {
        Self {
            inner: jtl_connect::Endpoints::production(),
        }
    }

    /// JTL Cloud beta (the same hosts as production).
    #[napi(factory)]
    pub fn beta() -> Self {
        Self {
            inner: jtl_connect::Endpoints::beta(),
        }
    }

    /// JTL's dev stage, with the SCX sandbox.
    #[napi(factory)]
    pub fn dev() -> Self {
        Self {
            inner: jtl_connect::Endpoints::dev(),
        }
    }

    /// JTL's qa stage, with the SCX sandbox.
    #[napi(factory)]
    pub fn qa() -> Self {
        Self {
            inner: jtl_connect::Endpoints::qa(),
        }
    }

    /// Production Cloud with the SCX sandbox.
    #[napi(factory)]
    pub fn sandbox() -> Self {
        Self {
            inner: jtl_connect::Endpoints::sandbox(),
        }
    }

    /// The emulator (or anything laid out like JTL) at `baseUrl`, e.g. `startEmulator()`'s `url`.
    #[napi(factory)]
    pub fn emulator(env: &Env, base_url: String) -> napi::Result<Self> {
        Ok(Self {
            inner: check(env, jtl_connect::Endpoints::emulator(&base_url))?,
        })
    }

    /// By name: `production`, `beta`, `dev`, `qa`, `sandbox`, or a URL (the emulator layout):
    /// how `JTL_ENVIRONMENT` is read.
    #[napi(factory)]
    pub fn from_name(env: &Env, name: String) -> napi::Result<Self> {
        Ok(Self {
            inner: check(env, jtl_connect::Endpoints::from_name(&name))?,
        })
    }

    /// `production`, `beta`, `dev`, `qa`, `sandbox`, `emulator` or `custom`.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The OAuth token endpoint.
    #[napi(getter)]
    pub fn token_url(&self) -> String {
        self.inner.token_url().to_string()
    }

    /// The ERP API base, ending in `/`.
    #[napi(getter)]
    pub fn api_base(&self) -> String {
        self.inner.api_base().to_string()
    }

    /// The JWKS URL of App Shell session tokens.
    #[napi(getter)]
    pub fn jwks_url(&self) -> String {
        self.inner.jwks_url().to_string()
    }

    /// The SCX Channel API base, ending in `/`.
    #[napi(getter)]
    pub fn scx_base(&self) -> String {
        self.inner.scx_base().to_string()
    }

    /// The GraphQL endpoint (`graphql` under the API base).
    #[napi(getter)]
    pub fn graphql_url(&self) -> String {
        self.inner.graphql_url().to_string()
    }

    /// `{ name, tokenUrl, apiBase, jwksUrl, scxBase }`.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> EndpointsInfo {
        EndpointsInfo {
            name: self.name(),
            token_url: self.token_url(),
            api_base: self.api_base(),
            jwks_url: self.jwks_url(),
            scx_base: self.scx_base(),
        }
    }

    /// `Endpoints(<name>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("Endpoints({})", self.inner.name())
    }
}

/// The URLs of an [`Endpoints`], as `toJSON()` gives them.
#[napi(object)]
pub struct EndpointsInfo {
    /// `production`, `beta`, `dev`, `qa`, `sandbox`, `emulator` or `custom`.
    pub name: String,
    /// The OAuth token endpoint.
    pub token_url: String,
    /// The ERP API base.
    pub api_base: String,
    /// The JWKS URL.
    pub jwks_url: String,
    /// The SCX base.
    pub scx_base: String,
}

/// `endpoints` as clients accept it: an [`Endpoints`] or a name/URL for
/// [`Endpoints::from_name`]; production when absent.
pub(crate) fn resolve(
    env: &Env,
    endpoints: Option<Either<String, &Endpoints>>,
) -> napi::Result<jtl_connect::Endpoints> {
    match endpoints {
        None => Ok(jtl_connect::Endpoints::production()),
        Some(Either::A(name)) => check(env, jtl_connect::Endpoints::from_name(&name)),
        Some(Either::B(endpoints)) => Ok(endpoints.inner.clone()),
    }
}
