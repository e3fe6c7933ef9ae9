//! JTL-Wawi OnPremise: [`WawiClient`] (`Authorization: Wawi <api key>`, and on every call the
//! `x-appid` and `x-appversion` JTL requires, facts §5.2; `api-version`) and, in
//! [`registration`], the two-step app registration that yields the permanent API key.

pub mod registration;

use std::{fmt, sync::Arc};

use reqwest::Url;

use crate::{
    endpoints::parse_url_with,
    http::{Auth, Flavor, HttpOptions, Request, Response, Transport},
    Error, Result, Secret,
};

/// The `api-version` sent unless configured otherwise.
pub const DEFAULT_API_VERSION: &str = "1.0";

struct Shared {
    transport: Transport,
    base: Url,
    auth: Auth,
    headers: Vec<(&'static str, String)>,
}

/// A client of a JTL-Wawi installation's REST API.
#[derive(Clone)]
pub struct WawiClient {
    shared: Arc<Shared>,
}

impl fmt::Debug for WawiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WawiClient")
            .field("base_url", &self.shared.base.as_str())
            .field("api_key", &"Secret(***)")
            .finish()
    }
}

/// Builds a [`WawiClient`].
#[derive(Debug)]
pub struct WawiClientBuilder {
    base_url: String,
    api_key: Secret,
    app_id: Option<String>,
    app_version: Option<String>,
    api_version: String,
    run_as: Option<String>,
    tenant_id: Option<String>,
    http: HttpOptions,
}

impl WawiClientBuilder {
    /// `tenant-id`: the tenant's id, which JTL's OpenAPI lists on data endpoints (sent only
    /// when given).
    pub fn tenant_id(mut self, tenant_id: impl Into<String>) -> Self {
        self.tenant_id = Some(tenant_id.into());
        self
    }

    /// `x-appid` (required): the registered app's id, e.g. `MyApp/1.0.0`.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// `x-appversion` (required): the app's version, e.g. `1.0.0`.
    pub fn app_version(mut self, version: impl Into<String>) -> Self {
        self.app_version = Some(version.into());
        self
    }

    /// `api-version` (default `1.0`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// `X-RunAs`: act as this Wawi user.
    pub fn run_as(mut self, user: impl Into<String>) -> Self {
        self.run_as = Some(user.into());
        self
    }

    /// Timeouts and retries.
    pub fn http_options(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    /// Builds the client. No request is made yet. Without an app id or app version it is an
    /// `invalid_input` error: JTL-Wawi refuses data calls without `x-appid`/`x-appversion`.
    pub fn build(self) -> Result<WawiClient> {
        let required = |name: &str, value: &Option<String>, example: &str| match value {
            Some(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
            _ => Err(Error::invalid_input(format!(
                "{name}: JTL-Wawi requires it on every data call (e.g. {example:?}); none was given"
            ))),
        };
        let app_id = required("app_id", &self.app_id, "MyApp/1.0.0");
        let app_version = required("app_version", &self.app_version, "1.0.0");
        let (app_id, app_version) = match (app_id, app_version) {
            (Ok(id), Ok(version)) => (id, version),
            (Err(_), Err(_)) => {
                return Err(Error::invalid_input(
                    "app_id, app_version: JTL-Wawi requires both on every data call (x-appid, e.g. \"MyApp/1.0.0\", and x-appversion, e.g. \"1.0.0\"); neither was given",
                ))
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        let mut base = parse_url_with("base_url", &self.base_url, true)?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        if self.api_key.is_blank() {
            return Err(Error::invalid_input(
                "api_key: expected the Wawi API key; found an empty string",
            ));
        }
        if self.api_version.trim().is_empty() {
            return Err(Error::invalid_input(
                "api_version: expected a version such as \"1.0\"; found an empty string",
            ));
        }
        let mut headers = vec![
            ("api-version", self.api_version),
            ("x-appid", app_id),
            ("x-appversion", app_version),
        ];
        headers.extend(self.tenant_id.map(|v| ("tenant-id", v)));
        headers.extend(self.run_as.map(|v| ("x-runas", v)));
        Ok(WawiClient {
            shared: Arc::new(Shared {
                transport: Transport::new(self.http)?
                    .with_secrets(vec![crate::redact::Known::Plain(self.api_key.clone())]),
                base,
                auth: Auth::Fixed {
                    scheme: "Wawi",
                    key: self.api_key,
                },
                headers,
            }),
        })
    }
}

impl WawiClient {
    /// A client for the Wawi API at `base_url` (e.g. `http://127.0.0.1:5883/api/eazybusiness`,
    /// plain http is allowed: OnPremise runs in the local network) with `api_key`, as the app
    /// `app_id` in version `app_version` (both required by JTL, facts §5.2).
    pub fn new(
        base_url: &str,
        api_key: impl Into<Secret>,
        app_id: &str,
        app_version: &str,
    ) -> Result<Self> {
        Self::builder(base_url, api_key)
            .app_id(app_id)
            .app_version(app_version)
            .build()
    }

    /// A builder for non-default headers and settings.
    pub fn builder(base_url: &str, api_key: impl Into<Secret>) -> WawiClientBuilder {
        WawiClientBuilder {
            base_url: base_url.to_owned(),
            api_key: api_key.into(),
            app_id: None,
            app_version: None,
            api_version: DEFAULT_API_VERSION.to_owned(),
            run_as: None,
            tenant_id: None,
            http: HttpOptions::default(),
        }
    }

    /// The base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        self.shared.base.as_str()
    }

    /// Sends a request; the path is relative to the base URL (`"v1/items"`). A 401 is final:
    /// an API key cannot be refreshed.
    async fn send_request(&self, request: Request) -> Result<Response> {
        let call = request.into_call(&self.shared.base, &self.shared.headers, Flavor::Api)?;
        self.shared.transport.send(call, &self.shared.auth).await
    }
}

impl crate::ApiClient for WawiClient {
    fn request(
        &self,
        request: Request,
    ) -> impl std::future::Future<Output = Result<Response>> + Send {
        self.send_request(request)
    }
}
