//! [`Endpoints`]: which JTL to talk to (wraps [`jtl_connect::Endpoints`]).

use std::{fmt, sync::Arc};

use crate::errors::JtlError;

/// The URLs of JTL's services: `production()`, `beta()`, `dev()`, `qa()`, `sandbox()` (SCX),
/// `emulator(url)`, `fromName(name)`, or `custom(...)`. `http://` only for loopback hosts.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct Endpoints {
    pub(crate) inner: jtl_connect::Endpoints,
}

impl Endpoints {
    pub(crate) fn wrap(inner: jtl_connect::Endpoints) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

impl fmt::Display for Endpoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Endpoints(name={}, api_base={})",
            self.inner.name(),
            self.inner.api_base()
        )
    }
}

#[uniffi::export]
impl Endpoints {
    /// JTL Cloud production (and the production SCX Channel API).
    #[uniffi::constructor]
    pub fn production() -> Arc<Self> {
        Self::wrap(jtl_connect::Endpoints::production())
    }

    /// JTL Cloud beta.
    #[uniffi::constructor]
    pub fn beta() -> Arc<Self> {
        Self::wrap(jtl_connect::Endpoints::beta())
    }

    /// JTL Cloud dev.
    #[uniffi::constructor]
    pub fn dev() -> Arc<Self> {
        Self::wrap(jtl_connect::Endpoints::dev())
    }

    /// JTL Cloud QA.
    #[uniffi::constructor]
    pub fn qa() -> Arc<Self> {
        Self::wrap(jtl_connect::Endpoints::qa())
    }

    /// Production JTL Cloud with the SCX sandbox.
    #[uniffi::constructor]
    pub fn sandbox() -> Arc<Self> {
        Self::wrap(jtl_connect::Endpoints::sandbox())
    }

    /// Every service of the emulator (or any server with JTL's path layout) at `base_url`.
    #[uniffi::constructor]
    pub fn emulator(base_url: String) -> Result<Arc<Self>, JtlError> {
        Ok(Self::wrap(jtl_connect::Endpoints::emulator(&base_url)?))
    }

    /// By name: `production`, `beta`, `dev`, `qa`, `sandbox`, or a URL (the emulator layout),
    /// as `JTL_ENVIRONMENT` is read.
    #[uniffi::constructor]
    pub fn from_name(name: String) -> Result<Arc<Self>, JtlError> {
        Ok(Self::wrap(jtl_connect::Endpoints::from_name(&name)?))
    }

    /// Production endpoints with any of the URLs replaced.
    #[uniffi::constructor(default(jwks_url = None, scx_base = None))]
    pub fn custom(
        token_url: String,
        api_base: String,
        jwks_url: Option<String>,
        scx_base: Option<String>,
    ) -> Result<Arc<Self>, JtlError> {
        let mut endpoints = jtl_connect::Endpoints::production()
            .with_token_url(&token_url)?
            .with_api_base(&api_base)?;
        if let Some(url) = jwks_url {
            endpoints = endpoints.with_jwks_url(&url)?;
        }
        if let Some(url) = scx_base {
            endpoints = endpoints.with_scx_base(&url)?;
        }
        Ok(Self::wrap(endpoints))
    }

    /// The name (`production`, `beta`, `emulator`, ...).
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The OAuth token endpoint.
    pub fn token_url(&self) -> String {
        self.inner.token_url().to_string()
    }

    /// The ERP API base.
    pub fn api_base(&self) -> String {
        self.inner.api_base().to_string()
    }

    /// The JWKS of session tokens.
    pub fn jwks_url(&self) -> String {
        self.inner.jwks_url().to_string()
    }

    /// The SCX Channel API base.
    pub fn scx_base(&self) -> String {
        self.inner.scx_base().to_string()
    }

    /// The GraphQL endpoint (`graphql` under the API base).
    pub fn graphql_url(&self) -> String {
        self.inner.graphql_url().to_string()
    }
}
