//! [`ScxClient`]: SCX (wraps [`jtl_connect::ScxClient`]): the Channel API's event queue with
//! the acknowledge-on-success helper `processEvents`, and the Seller API's sign-up link.

use std::{fmt, sync::Arc, time::SystemTime};

use jtl_connect::Secret;

use crate::{
    endpoints::Endpoints,
    errors::JtlError,
    options::HttpOptions,
    runtime::{block, spawn},
    surface::client_methods,
    token::AccessToken,
};

/// A client of the SCX Channel API: exchanges the refresh token for short-lived tokens
/// (cached, refreshed before expiry). Paths are relative to the SCX base
/// (`"channel/event"`). `toString()` never shows the refresh token.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct ScxClient {
    pub(crate) inner: jtl_connect::ScxClient,
}

impl ScxClient {
    pub(crate) fn wrap(inner: jtl_connect::ScxClient) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

impl fmt::Display for ScxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

/// One event of the SCX event queue.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ScxEvent {
    /// Event id, to acknowledge it.
    pub id: String,
    /// Event type, e.g. `Seller:Order.Accepted` or `Channel:Order.Return`.
    pub kind: String,
    /// When it was created (ISO 8601), if given.
    pub created_at: Option<String>,
    /// The payload, as JSON text.
    pub event: String,
}

impl From<jtl_connect::ScxEvent> for ScxEvent {
    fn from(event: jtl_connect::ScxEvent) -> Self {
        Self {
            id: event.id,
            kind: event.kind,
            created_at: event.created_at,
            event: event.event.to_string(),
        }
    }
}

/// Why an event handler failed: throw it (any other exception counts the same).
#[derive(Debug, Clone, uniffi::Error)]
pub enum ScxHandlerError {
    /// The handler could not process the event; it stays unacknowledged.
    Failed {
        /// What went wrong.
        reason: String,
    },
}

impl fmt::Display for ScxHandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failed { reason } => f.write_str(reason),
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for ScxHandlerError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed {
            reason: error.reason,
        }
    }
}

/// Handles one SCX event for `processEvents`: return normally to have it acknowledged, throw
/// to leave it for redelivery. Must be idempotent: SCX may deliver an event more than once.
#[uniffi::export(with_foreign)]
pub trait ScxEventHandler: Send + Sync {
    /// Processes `event`.
    fn handle(&self, event: ScxEvent) -> Result<(), ScxHandlerError>;
}

/// An event whose handler failed.
#[derive(Clone, Debug, uniffi::Record)]
pub struct FailedScxEvent {
    /// The event id.
    pub id: String,
    /// The event type.
    pub kind: String,
    /// What the handler reported.
    pub message: String,
}

/// What `processEvents` did.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ProcessedEvents {
    /// Ids of the events whose handler succeeded; all acknowledged.
    pub acknowledged: Vec<String>,
    /// The events whose handler failed: not acknowledged, so SCX delivers them again.
    pub failed: Vec<FailedScxEvent>,
}

impl From<jtl_connect::ProcessedEvents> for ProcessedEvents {
    fn from(outcome: jtl_connect::ProcessedEvents) -> Self {
        Self {
            acknowledged: outcome.acknowledged,
            failed: outcome
                .failed
                .into_iter()
                .map(|f| FailedScxEvent {
                    id: f.id,
                    kind: f.kind,
                    message: f.message,
                })
                .collect(),
        }
    }
}

/// A seller sign-up link (Seller API).
#[derive(Clone, Debug, uniffi::Record)]
pub struct SellerSignUp {
    /// Where the seller signs up with the channel.
    pub sign_up_url: String,
    /// When the link expires.
    pub expires_at: SystemTime,
}

#[uniffi::export]
impl ScxClient {
    /// A client for `refresh_token`; `endpoints` default to production (use
    /// `Endpoints.sandbox()` for the SCX sandbox). `token_cache` (`postgresql://…`) shares
    /// its tokens with every process using that database, as `CloudClient`'s does;
    /// `accept_language` is sent as `Accept-Language`; `http`: timeouts, retries, User-Agent.
    #[uniffi::constructor(default(endpoints = None, accept_language = None, token_cache = None, http = None))]
    pub fn new(
        refresh_token: String,
        endpoints: Option<Arc<Endpoints>>,
        accept_language: Option<String>,
        token_cache: Option<String>,
        http: Option<HttpOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let mut builder = jtl_connect::ScxClient::builder(Secret::new(refresh_token))
            .http_options(HttpOptions::core(http)?);
        if let Some(language) = accept_language {
            builder = builder.accept_language(language);
        }
        if let Some(endpoints) = endpoints {
            builder = builder.endpoints(endpoints.inner.clone());
        }
        if let Some(url) = token_cache {
            builder = builder.token_cache(url);
        }
        Ok(Self::wrap(builder.build()?))
    }

    /// A valid auth token (cached, refreshed before expiry).
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

    /// Pending events of the channel's queue.
    pub fn events(&self) -> Result<Vec<ScxEvent>, JtlError> {
        Ok(block(self.inner.events())?
            .into_iter()
            .map(ScxEvent::from)
            .collect())
    }

    /// Removes handled events from the queue (in batches of at most 100 ids).
    pub fn acknowledge(&self, event_ids: Vec<String>) -> Result<(), JtlError> {
        block(self.inner.acknowledge(&event_ids))
    }

    /// Fetches the pending events, calls `handler` on each, and acknowledges only the events
    /// whose handler returned normally (in batches of at most 100). A failed event is
    /// delivered again after SCX's redelivery timeout (at most 10 deliveries), so handlers
    /// must be idempotent.
    pub fn process_events(
        &self,
        handler: Arc<dyn ScxEventHandler>,
    ) -> Result<ProcessedEvents, JtlError> {
        let outcome =
            block(self.inner.process_events(|event| {
                std::future::ready(handler.handle(ScxEvent::from(event)))
            }))?;
        Ok(ProcessedEvents::from(outcome))
    }

    /// A sign-up link for a new seller of `channel` (`^\w{5,15}$`). A Seller API call: the
    /// client needs a seller's refresh token (auth scope `SELLER`); `user_agent` names the
    /// seller's JTL-Wawi (e.g. `Wawi/1.11.0.3`).
    pub fn seller_sign_up(
        &self,
        channel: String,
        user_agent: String,
    ) -> Result<SellerSignUp, JtlError> {
        let link = block(self.inner.seller_sign_up(&channel, &user_agent))?;
        Ok(SellerSignUp {
            sign_up_url: link.sign_up_url,
            expires_at: link.expires_at,
        })
    }

    /// `events`, as a suspend/async function.
    pub async fn events_async(&self) -> Result<Vec<ScxEvent>, JtlError> {
        let inner = self.inner.clone();
        Ok(spawn(async move { inner.events().await })
            .await?
            .into_iter()
            .map(ScxEvent::from)
            .collect())
    }

    /// `acknowledge`, as a suspend/async function.
    pub async fn acknowledge_async(&self, event_ids: Vec<String>) -> Result<(), JtlError> {
        let inner = self.inner.clone();
        spawn(async move { inner.acknowledge(&event_ids).await }).await
    }
}

client_methods!(ScxClient);
