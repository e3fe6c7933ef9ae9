//! [`AccessToken`]: a bearer token whose `toString` shows a fingerprint, never the token.

use std::{fmt, sync::Arc, time::SystemTime};

/// A bearer token with its expiry. `toString()` prints a fingerprint; read the token itself
/// with `expose()` and never log it.
#[derive(uniffi::Object)]
#[uniffi::export(Display, Debug)]
pub struct AccessToken {
    inner: Arc<jtl_connect::AccessToken>,
}

impl AccessToken {
    pub(crate) fn wrap(inner: Arc<jtl_connect::AccessToken>) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.inner, f)
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AccessToken(fingerprint={}, expires_at={})",
            self.inner.fingerprint(),
            jtl_connect::clock::unix_seconds(self.inner.expires_at())
        )
    }
}

#[uniffi::export]
impl AccessToken {
    /// The token itself, to send. Never log it: use `fingerprint()`.
    pub fn expose(&self) -> String {
        self.inner.expose().to_owned()
    }

    /// When it expires.
    pub fn expires_at(&self) -> SystemTime {
        self.inner.expires_at()
    }

    /// When it was obtained.
    pub fn obtained_at(&self) -> SystemTime {
        self.inner.obtained_at()
    }

    /// The granted scope, if the server said.
    pub fn scope(&self) -> Option<String> {
        self.inner.scope().map(str::to_owned)
    }

    /// A short hash that identifies the token in logs.
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }
}
