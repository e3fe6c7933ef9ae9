//! JTL-Wawi's data: the API keys it accepts and the app registration requests (facts §5.1).

use std::{collections::BTreeMap, time::Instant};

use crate::config::DEMO_WAWI_API_KEY;

/// Wawi's state: the API keys it accepts and the app registrations it was asked for.
pub(crate) struct WawiState {
    /// API key → granted scopes.
    pub(crate) api_keys: BTreeMap<String, Vec<String>>,
    /// Registration requests by id (`POST /authentication`).
    pub(crate) registrations: BTreeMap<String, Registration>,
}

impl WawiState {
    /// The state at start: the demo API key (`all.read`), no registrations.
    pub(crate) fn new() -> Self {
        Self {
            api_keys: BTreeMap::from([(DEMO_WAWI_API_KEY.to_owned(), vec!["all.read".to_owned()])]),
            registrations: BTreeMap::new(),
        }
    }
}

/// One app's registration request, from `POST /authentication` until its answer was polled.
pub(crate) struct Registration {
    /// The `x-challengecode` the app sent; polls must repeat it.
    pub(crate) challenge: String,
    /// The app's `AppId`.
    pub(crate) app_id: String,
    /// The app's `DisplayName`.
    pub(crate) display_name: String,
    /// Scopes the app needs.
    pub(crate) mandatory_scopes: Vec<String>,
    /// Scopes the app would like.
    pub(crate) optional_scopes: Vec<String>,
    /// When it was asked for (for `wawi_auto_approve_ms`).
    pub(crate) requested: Instant,
    /// The user's answer so far.
    pub(crate) decision: Decision,
    /// Whether a poll has already carried the answer: later polls get 410.
    pub(crate) answer_delivered: bool,
}

/// What the user answered (here: the admin API or the auto-approval).
#[derive(Clone)]
pub(crate) enum Decision {
    /// Not answered yet.
    Pending,
    /// Accepted: the API key handed out and the scopes granted.
    Accepted {
        /// The new API key.
        api_key: String,
        /// The scopes granted.
        scopes: Vec<String>,
    },
    /// Rejected.
    Rejected,
}

impl Decision {
    /// JTL's `Status` values (OAS): 0 pending, 1 rejected, 2 accepted.
    pub(crate) fn status(&self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Rejected => 1,
            Self::Accepted { .. } => 2,
        }
    }
}
