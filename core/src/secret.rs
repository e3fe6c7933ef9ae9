//! [`Secret`]: client secrets, API keys, refresh tokens and access tokens. It never prints,
//! is wiped from memory when dropped, and is read only through an explicit [`Secret::expose`].

use std::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A secret string. `Debug` and `Display` print `Secret(***)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself. Call it only where the value is sent, never to log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (or only whitespace).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// A short, non-reversible label for logs: the first 8 hex digits of its SHA-256.
    pub fn fingerprint(&self) -> String {
        fingerprint(self.expose())
    }
}

/// First 8 hex digits of the SHA-256 of `value`: enough to tell tokens apart in logs,
/// useless for recovering them.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let secret = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(secret.to_string(), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(***))");
        assert_eq!(secret.expose(), "hunter2-very-secret");
        assert_eq!(secret.fingerprint().len(), 8);
        assert!(!secret.fingerprint().contains("hunter2"));
    }
}
