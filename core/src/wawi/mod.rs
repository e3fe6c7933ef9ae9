//! JTL-Wawi OnPremise: [`WawiClient`] (`Authorization: Wawi <api key>`, `api-version`,
//! `X-AppID`, `X-AppVersion`) and, in [`registration`], the two-step app registration that
//! yields the permanent API key.

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
    http: HttpOptions,
}

impl WawiClientBuilder {
    /// `X-AppID`: the registered app's id.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// `X-AppVersion`.
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

    /// Builds the client. No request is made yet.
    pub fn build(self) -> Result<WawiClient> {
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
        let mut headers = vec![("api-version", self.api_version)];
        headers.extend(self.app_id.map(|v| ("X-AppID", v)));
        headers.extend(self.app_version.map(|v| ("X-AppVersion", v)));
        headers.extend(self.run_as.map(|v| ("X-RunAs", v)));
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
    /// plain http is allowed: OnPremise runs in the local network) with `api_key`.
    pub fn new(base_url: &str, api_key: impl Into<Secret>) -> Result<Self> {
        Self::builder(base_url, api_key).build()
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
            http: HttpOptions::default(),
        }
    }

    /// The base URL, ending in `/`.
    pub fn base_url(&self) -> &str {
        self.shared.base.as_str()
    }

    /// Sends a request; the path is relative to the base URL (`"v1/items"`). A 401 is final:
    /// an API key cannot be refreshed.
    pub async fn request(&self, request: Request) -> Result<Response> {
        let call = request.into_call(&self.shared.base, &self.shared.headers, Flavor::Api)?;
        self.shared.transport.send(call, &self.shared.auth).await
    }
}

crate::http::helpers::request_helpers!(WawiClient);
