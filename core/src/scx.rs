//! [`ScxClient`]: the SCX Channel API, authenticated by exchanging a refresh token for a
//! short-lived auth token (cached and refreshed like Cloud tokens), with event helpers.

use std::{fmt, sync::Arc};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    http::{Auth, Flavor, HttpOptions, Request, Response, Transport},
    token::{
        AccessToken, CacheOptions, ScxRefreshSource, SharedChoice, SharedTokenCache, TokenCache,
        TokenSource,
    },
    Endpoints, Error, Result, Secret,
};

/// One event of `GET /v1/channel/event`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ScxEvent {
    /// Event id, used to acknowledge it.
    pub id: String,
    /// Event type, e.g. `Seller:Order.Created`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was created (ISO 8601), if given.
    #[serde(rename = "createdAt", default)]
    pub created_at: Option<String>,
    /// The event's payload.
    #[serde(default)]
    pub event: Value,
}

struct Shared {
    transport: Transport,
    cache: TokenCache,
    endpoints: Endpoints,
    accept_language: Option<String>,
}

/// A client of the SCX Channel API.
#[derive(Clone)]
pub struct ScxClient {
    shared: Arc<Shared>,
}

impl fmt::Debug for ScxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScxClient")
            .field("scx_base", &self.shared.endpoints.scx_base().as_str())
            .finish_non_exhaustive()
    }
}

/// Builds an [`ScxClient`] with non-default settings.
#[derive(Debug)]
pub struct ScxClientBuilder {
    refresh_token: Secret,
    endpoints: Endpoints,
    http: HttpOptions,
    cache: CacheOptions,
    accept_language: Option<String>,
    token_cache: Option<SharedChoice>,
}

impl ScxClientBuilder {
    /// Which SCX to talk to (default: production; [`Endpoints::sandbox`] for the sandbox).
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Timeouts and retries.
    pub fn http_options(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    /// Token-cache settings.
    pub fn cache_options(mut self, cache: CacheOptions) -> Self {
        self.cache = cache;
        self
    }

    /// `Accept-Language` (SCX answers in German otherwise).
    pub fn accept_language(mut self, language: impl Into<String>) -> Self {
        self.accept_language = Some(language.into());
        self
    }

    /// Builds the client. No request is made yet.
    pub fn build(self) -> Result<ScxClient> {
        if self.refresh_token.is_blank() {
            return Err(Error::invalid_input(
                "refresh_token: expected the SCX refresh token; found an empty string",
            ));
        }
        let deadline = self.http.deadline;
        let transport = Transport::new(self.http)?;
        let shared_cache = self
            .token_cache
            .as_ref()
            .map(|url| url.open())
            .transpose()?;
        let refresh_token = self.refresh_token.clone();
        let source: Arc<dyn TokenSource> = Arc::new(ScxRefreshSource::new(
            transport.clone(),
            self.endpoints.scx_base(),
            self.refresh_token,
            self.accept_language.as_deref(),
        )?);
        let source = match shared_cache {
            // The refresh token identifies the seller; it goes into the key only as a digest.
            Some(shared) => Arc::new(shared.source(
                source,
                &["scx", self.endpoints.scx_base().as_str()],
                Some(&refresh_token),
                self.cache.refresh_margin,
                self.cache.clock.clone(),
                deadline,
            )),
            None => source,
        };
        Ok(ScxClient {
            shared: Arc::new(Shared {
                transport,
                cache: TokenCache::new(source, self.cache),
                endpoints: self.endpoints,
                accept_language: self.accept_language,
            }),
        })
    }
}

impl ScxClientBuilder {
    /// Shares auth tokens with every process that uses the same PostgreSQL database
    /// (`postgresql://user@host/db`, see [`SharedTokenCache`]), as
    /// [`crate::CloudClientBuilder::token_cache`] does.
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

impl ScxClient {
    /// A client for `refresh_token` at `endpoints`.
    pub fn new(refresh_token: impl Into<Secret>, endpoints: Endpoints) -> Result<Self> {
        Self::builder(refresh_token).endpoints(endpoints).build()
    }

    /// A builder starting from production endpoints.
    pub fn builder(refresh_token: impl Into<Secret>) -> ScxClientBuilder {
        ScxClientBuilder {
            refresh_token: refresh_token.into(),
            endpoints: Endpoints::production(),
            http: HttpOptions::default(),
            cache: CacheOptions::default(),
            accept_language: None,
            token_cache: None,
        }
    }

    /// The token cache.
    pub fn token_cache(&self) -> &TokenCache {
        &self.shared.cache
    }

    /// A valid auth token (cached, refreshed before expiry).
    pub async fn access_token(&self) -> Result<Arc<AccessToken>> {
        self.shared.cache.get().await
    }

    /// Sends a request; the path is relative to the SCX base (`"channel/event"`).
    pub async fn request(&self, request: Request) -> Result<Response> {
        let defaults: Vec<(&str, String)> = self
            .shared
            .accept_language
            .iter()
            .map(|l| ("Accept-Language", l.clone()))
            .collect();
        let call = request.into_call(self.shared.endpoints.scx_base(), &defaults, Flavor::Api)?;
        self.shared
            .transport
            .send(call, &Auth::Bearer(self.shared.cache.clone()))
            .await
    }

    /// Unacknowledged events (`GET /v1/channel/event`).
    pub async fn events(&self) -> Result<Vec<ScxEvent>> {
        #[derive(Deserialize)]
        struct List {
            #[serde(rename = "eventList", default)]
            event_list: Vec<ScxEvent>,
        }
        Ok(self.get("channel/event").await?.json::<List>()?.event_list)
    }

    /// Acknowledges events so they are not delivered again (`DELETE /v1/channel/event`).
    pub async fn acknowledge(&self, event_ids: &[String]) -> Result<()> {
        if event_ids.is_empty() {
            return Ok(());
        }
        self.request(Request::delete("channel/event").json(json!({ "eventIdList": event_ids })))
            .await
            .map(|_| ())
    }

    /// A sign-up link for a new seller of `channel` (`POST /v1/seller/channel/{channel}`):
    /// `{signUpUrl, expiresAt}`.
    pub async fn seller_sign_up(&self, channel: &str) -> Result<Value> {
        if channel.is_empty()
            || !channel
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(Error::invalid_input(format!(
                "channel: expected letters, digits, '_' or '-'; found {channel:?}"
            )));
        }
        self.request(Request::post(format!("seller/channel/{channel}")))
            .await?
            .json()
    }
}

crate::http::helpers::request_helpers!(ScxClient);
