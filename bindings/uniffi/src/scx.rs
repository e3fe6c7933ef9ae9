//! [`ScxClient`]: the SCX Channel API (wraps [`jtl_connect::ScxClient`]).

use std::{fmt, sync::Arc};

use jtl_connect::Secret;
use serde_json::Value;

use crate::{
    endpoints::Endpoints,
    error::JtlError,
    http::client_methods,
    runtime::{block, spawn},
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
    /// Event type, e.g. `Seller:Order.Created`.
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

#[uniffi::export]
impl ScxClient {
    /// A client for `refresh_token`; `endpoints` default to production (use
    /// `Endpoints.sandbox()` for the SCX sandbox).
    #[uniffi::constructor(default(endpoints = None))]
    pub fn new(
        refresh_token: String,
        endpoints: Option<Arc<Endpoints>>,
    ) -> Result<Arc<Self>, JtlError> {
        let mut builder = jtl_connect::ScxClient::builder(Secret::new(refresh_token));
        if let Some(endpoints) = endpoints {
            builder = builder.endpoints(endpoints.inner.clone());
        }
        Ok(Self::wrap(builder.build()?))
    }

    /// A valid auth token (cached, refreshed before expiry).
    pub fn access_token(&self) -> Result<Arc<AccessToken>, JtlError> {
        block(self.inner.access_token()).map(AccessToken::wrap)
    }

    /// Pending events of the channel's queue.
    pub fn events(&self) -> Result<Vec<ScxEvent>, JtlError> {
        Ok(block(self.inner.events())?
            .into_iter()
            .map(ScxEvent::from)
            .collect())
    }

    /// Removes handled events from the queue.
    pub fn acknowledge(&self, event_ids: Vec<String>) -> Result<(), JtlError> {
        block(self.inner.acknowledge(&event_ids))
    }

    /// Signs a seller up for `channel`; the answer as JSON text.
    pub fn seller_sign_up(&self, channel: String) -> Result<String, JtlError> {
        block(self.inner.seller_sign_up(&channel)).map(|v: Value| v.to_string())
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
