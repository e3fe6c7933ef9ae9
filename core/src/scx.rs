//! [`ScxClient`]: SCX (facts §6), authenticated by exchanging a refresh token for a
//! short-lived auth token (cached and refreshed like Cloud tokens).
//!
//! A channel's refresh token gives a Channel API token (`scope` `CHANNEL`, or `CHAN` in the
//! generated client's spelling): [`ScxClient::events`], [`ScxClient::acknowledge`] and the
//! helper [`ScxClient::process_events`]. A seller's refresh token gives a Seller API token
//! (`scope` `SELLER`): [`ScxClient::seller_sign_up`].
//!
//! **Redelivery.** SCX delivers an event again when it is not acknowledged within its
//! timeout, up to 10 deliveries, then dead-letters it. So a handler may see an event twice
//! (an acknowledgement can be lost, or come too late): handlers must be idempotent, e.g. keyed
//! by the event id. [`ScxClient::process_events`] acknowledges only the events whose handler
//! succeeded; a failed event comes back after the timeout.

use std::{
    collections::HashSet,
    fmt,
    future::Future,
    sync::Arc,
    time::{Duration, SystemTime},
};

use serde::Deserialize;
use serde_json::{json, Value};

use crate::{
    http::{Auth, Flavor, HttpOptions, Request, Response, Transport},
    token::{
        AccessToken, CacheOptions, ScxRefreshSource, SharedChoice, SharedTokenCache, TokenCache,
        TokenSource,
    },
    ApiClient, Endpoints, Error, Result, Secret,
};

/// One event of `GET /v1/channel/event`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ScxEvent {
    /// Event id, used to acknowledge it.
    pub id: String,
    /// Event type, e.g. `Seller:Order.Accepted` or `Channel:Order.Return` (facts §6.3).
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was created (ISO 8601), if given.
    #[serde(rename = "createdAt", default)]
    pub created_at: Option<String>,
    /// The event's payload.
    #[serde(default)]
    pub event: Value,
}

/// Ids one acknowledgement carries at most (facts §6.3: 1–100).
pub const MAX_ACK_BATCH: usize = 100;
/// The Seller API's auth scope (facts §6.1).
pub const SELLER_SCOPE: &str = "SELLER";

/// What [`ScxClient::process_events`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcessedEvents {
    /// Ids of the events whose handler succeeded, all acknowledged.
    pub acknowledged: Vec<String>,
    /// The events whose handler failed: not acknowledged, so SCX delivers them again.
    pub failed: Vec<FailedEvent>,
}

/// An event whose handler failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedEvent {
    /// The event id.
    pub id: String,
    /// The event type.
    pub kind: String,
    /// What the handler reported.
    pub message: String,
}

/// A seller sign-up link (`POST /v1/seller/channel/{channel}`, facts §6.4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SellerSignUp {
    /// Where the seller signs up with the channel.
    pub sign_up_url: String,
    /// When the link expires (SCX sends unix seconds).
    pub expires_at: SystemTime,
}

/// `^\w{5,15}$` (facts §6.4), `\w` as ASCII letters, digits and `_`.
pub fn valid_channel_name(channel: &str) -> bool {
    (5..=15).contains(&channel.len())
        && channel
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
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
        let transport = Transport::new(self.http)?.with_secrets(vec![crate::redact::Known::Plain(
            self.refresh_token.clone(),
        )]);
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
    async fn send_request(&self, request: Request) -> Result<Response> {
        let defaults: Vec<(&str, String)> = self
            .shared
            .accept_language
            .iter()
            .map(|l| ("Accept-Language", l.clone()))
            .collect();
        let call = request.into_call(self.shared.endpoints.scx_base(), &defaults, Flavor::Api)?;
        self.shared
            .transport
            .send(call, &Auth::Bearer(Arc::new(self.shared.cache.clone())))
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

    /// Acknowledges events so they are not delivered again (`DELETE /v1/channel/event`), in
    /// batches of at most [`MAX_ACK_BATCH`] ids (SCX takes 1–100 per call). No ids, no call.
    pub async fn acknowledge(&self, event_ids: &[String]) -> Result<()> {
        for batch in event_ids.chunks(MAX_ACK_BATCH) {
            self.request(Request::delete("channel/event").json(json!({ "eventIdList": batch })))
                .await?;
        }
        Ok(())
    }

    /// Fetches the pending events, runs `handler` on each, and acknowledges exactly the events
    /// whose handler returned `Ok` (in batches of at most 100), until a fetch brings no event
    /// not seen in this call. A failed event is not acknowledged: SCX delivers it again after
    /// its redelivery timeout (at most 10 deliveries, then it is dead-lettered), so handlers
    /// must be idempotent. An error fetching or acknowledging ends the call; events whose
    /// handler ran but were not acknowledged are delivered again.
    pub async fn process_events<F, Fut, E>(&self, mut handler: F) -> Result<ProcessedEvents>
    where
        F: FnMut(ScxEvent) -> Fut,
        Fut: Future<Output = std::result::Result<(), E>>,
        E: fmt::Display,
    {
        let mut outcome = ProcessedEvents::default();
        let mut seen = HashSet::new();
        loop {
            let fresh: Vec<ScxEvent> = self
                .events()
                .await?
                .into_iter()
                .filter(|e| seen.insert(e.id.clone()))
                .collect();
            if fresh.is_empty() {
                return Ok(outcome);
            }
            let mut succeeded = Vec::new();
            for event in fresh {
                let (id, kind) = (event.id.clone(), event.kind.clone());
                match handler(event).await {
                    Ok(()) => succeeded.push(id),
                    Err(e) => outcome.failed.push(FailedEvent {
                        id,
                        kind,
                        message: e.to_string(),
                    }),
                }
            }
            self.acknowledge(&succeeded).await?;
            outcome.acknowledged.extend(succeeded);
        }
    }

    /// A sign-up link for a new seller of `channel` (`POST /v1/seller/channel/{channel}`).
    ///
    /// This is a **Seller API** call (facts §6.4): the client must be built with a *seller's*
    /// refresh token (auth scope `SELLER`; a channel token is refused locally),
    /// `user_agent` names the seller's JTL-Wawi (e.g. `Wawi/1.11.0.3`: SCX checks it against the
    /// channel's minimum Wawi version), and `channel` must match `^\w{5,15}$`.
    pub async fn seller_sign_up(&self, channel: &str, user_agent: &str) -> Result<SellerSignUp> {
        if !valid_channel_name(channel) {
            return Err(Error::invalid_input(format!(
                "channel: expected 5 to 15 letters, digits or '_' (^\\w{{5,15}}$); found {channel:?}"
            )));
        }
        let user_agent = user_agent.trim();
        if user_agent.is_empty() {
            return Err(Error::invalid_input(
                "user_agent: SCX requires the seller's JTL-Wawi as User-Agent (e.g. \"Wawi/1.11.0.3\"); found an empty string",
            ));
        }
        let token = self.access_token().await?;
        if let Some(scope) = token.scope().filter(|s| *s != SELLER_SCOPE) {
            return Err(Error::invalid_input(format!(
                "seller_sign_up is a Seller API call: build the ScxClient with a seller's refresh token (auth scope SELLER); this client's token has scope {scope}"
            )));
        }
        let answer: Value = self
            .request(
                Request::post(format!("seller/channel/{channel}")).header("User-Agent", user_agent),
            )
            .await?
            .json()?;
        let sign_up_url = answer
            .get("signUpUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Api {
                message: "the sign-up answer has no signUpUrl".into(),
                detail: Default::default(),
            })?
            .to_owned();
        let expires_at = answer
            .get("expiresAt")
            .and_then(Value::as_u64)
            .map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
            .ok_or_else(|| Error::Api {
                message: format!(
                    "the sign-up answer's expiresAt is not unix seconds; found {}",
                    answer.get("expiresAt").unwrap_or(&Value::Null)
                ),
                detail: Default::default(),
            })?;
        Ok(SellerSignUp {
            sign_up_url,
            expires_at,
        })
    }
}

impl crate::ApiClient for ScxClient {
    fn request(
        &self,
        request: Request,
    ) -> impl std::future::Future<Output = Result<Response>> + Send {
        self.send_request(request)
    }
}
