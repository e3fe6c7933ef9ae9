//! SCX's data (facts §6): the refresh tokens of channels and sellers, and the Channel API's
//! event queue with its dead letters.

use std::{collections::BTreeMap, time::Instant};

use serde_json::Value;

use crate::config::{DEMO_SCX_REFRESH_TOKEN, DEMO_SCX_SELLER_REFRESH_TOKEN};

/// Who a refresh token belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Party {
    /// A marketplace channel: the Channel API.
    Channel,
    /// A seller (a JTL-Wawi user's SCX subscription): the Seller API.
    Seller,
}

/// An event in the channel's queue, until acknowledged or dead-lettered.
pub(crate) struct QueuedEvent {
    /// The event as `GET /v1/channel/event` lists it (`id`, `type`, `createdAt`, `event`).
    pub(crate) value: Value,
    /// How often it was listed so far.
    pub(crate) deliveries: u32,
    /// When it was last delivered: it is not listed again before `scx_redelivery_timeout_ms`
    /// (as set at listing time) has passed since.
    pub(crate) delivered_at: Option<Instant>,
}

/// SCX's state: the refresh tokens it knows and the channel's event queue.
pub(crate) struct ScxState {
    /// refresh token → (channel or seller id, party)
    pub(crate) refresh_tokens: BTreeMap<String, (String, Party)>,
    /// Queued events, oldest first.
    pub(crate) events: Vec<QueuedEvent>,
    /// Events delivered too often without an acknowledgement (facts §6.3).
    pub(crate) dead_letters: Vec<Value>,
    /// The number in the next event's id (`evt-000001`, …).
    pub(crate) next_event: u64,
}

impl ScxState {
    /// The state at start: the demo channel's and the demo seller's refresh tokens, no events.
    pub(crate) fn new() -> Self {
        Self {
            refresh_tokens: BTreeMap::from([
                (
                    DEMO_SCX_REFRESH_TOKEN.to_owned(),
                    ("demo-channel".to_owned(), Party::Channel),
                ),
                (
                    DEMO_SCX_SELLER_REFRESH_TOKEN.to_owned(),
                    ("demo-seller".to_owned(), Party::Seller),
                ),
            ]),
            events: Vec::new(),
            dead_letters: Vec::new(),
            next_event: 1,
        }
    }
}
