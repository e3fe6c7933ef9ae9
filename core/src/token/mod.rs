//! Access tokens and where they come from: the client-credentials grant, the SCX
//! refresh-token exchange, and the [`TokenCache`] that keeps one valid token for all callers.

mod cache;
pub(crate) mod postgres;
pub(crate) mod response;
mod shared;
mod source;

use std::{
    fmt,
    future::Future,
    pin::Pin,
    time::{Duration, SystemTime},
};

pub use cache::{CacheOptions, TokenCache};
pub(crate) use shared::SharedChoice;
pub use shared::SharedTokenCache;
pub(crate) use source::{ClientCredentialsSource, ScxRefreshSource};

use crate::{Result, Secret};

/// A bearer token with its expiry. `Debug` shows a fingerprint, never the token.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    value: Secret,
    obtained_at: SystemTime,
    expires_at: SystemTime,
    scope: Option<String>,
}

impl AccessToken {
    /// A token obtained at `obtained_at` that expires at `expires_at`.
    pub fn new(
        value: Secret,
        obtained_at: SystemTime,
        expires_at: SystemTime,
        scope: Option<String>,
    ) -> Self {
        Self {
            value,
            obtained_at,
            expires_at,
            scope,
        }
    }

    /// The token itself, to send. Never log it: use [`AccessToken::fingerprint`].
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// The token as a [`Secret`].
    pub(crate) fn secret(&self) -> &Secret {
        &self.value
    }

    /// When it expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// When it was obtained.
    pub fn obtained_at(&self) -> SystemTime {
        self.obtained_at
    }

    /// The granted scope, if the server said.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Its lifetime as issued.
    pub fn lifetime(&self) -> Duration {
        self.expires_at
            .duration_since(self.obtained_at)
            .unwrap_or_default()
    }

    /// A short hash that identifies the token in logs.
    pub fn fingerprint(&self) -> String {
        self.value.fingerprint()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("fingerprint", &self.fingerprint())
            .field("expires_at", &crate::clock::unix_seconds(self.expires_at))
            .finish()
    }
}

/// A token as a source hands it over: the value and how long the server says it lives.
#[derive(Clone)]
pub struct IssuedToken {
    /// The token.
    pub value: Secret,
    /// Its lifetime from the moment it was requested.
    pub lifetime: Duration,
    /// The granted scope, if said.
    pub scope: Option<String>,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// The future a [`TokenSource`] returns.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<IssuedToken>> + Send>>;

/// Something that can obtain a fresh token.
pub trait TokenSource: Send + Sync + fmt::Debug + 'static {
    /// Requests a new token.
    fn fetch(&self) -> TokenFuture;

    /// Told when a token it gave was refused (a 401), so that a source that shares tokens
    /// does not hand it out again. Most sources keep nothing and ignore it.
    fn rejected(&self, _token: &AccessToken) {}
}
