//! Credentials: a Cloud app's client id and secret, read from arguments or the environment.

use std::fmt;

use crate::{Error, Result, Secret};

/// A JTL Cloud app's client id (public) and client secret (private).
#[derive(Clone)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: Secret,
}

impl ClientCredentials {
    /// Checks and wraps the pair.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Result<Self> {
        let client_id = client_id.into().trim().to_owned();
        let client_secret = client_secret.into();
        if client_id.is_empty() {
            return Err(Error::invalid_input(
                "client_id: expected the app's client id; found an empty string",
            ));
        }
        if client_id.contains(':') {
            return Err(Error::invalid_input(
                "client_id: must not contain ':' (it separates id and secret in HTTP Basic)",
            ));
        }
        if client_secret.is_blank() {
            return Err(Error::invalid_input(
                "client_secret: expected the app's client secret; found an empty string",
            ));
        }
        Ok(Self {
            client_id,
            client_secret,
        })
    }

    /// A client id without a secret, for the builder of a user-bound client (which
    /// authenticates through its [`crate::AuthorizationCodeClient`], never with this).
    pub(crate) fn public(client_id: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            client_secret: Secret::new(""),
        }
    }

    /// Reads `JTL_CLIENT_ID` and `JTL_CLIENT_SECRET`; the error names a missing variable.
    pub fn from_env() -> Result<Self> {
        Self::new(
            env_var("JTL_CLIENT_ID")?,
            Secret::new(env_var("JTL_CLIENT_SECRET")?),
        )
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret.
    pub fn client_secret(&self) -> &Secret {
        &self.client_secret
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

/// A required environment variable, or a `config` error naming it.
pub(crate) fn env_var(name: &str) -> Result<String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_owned()),
        Ok(_) => Err(Error::config(format!(
            "environment variable {name} is empty"
        ))),
        Err(std::env::VarError::NotPresent) => Err(Error::config(format!(
            "environment variable {name} is not set"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::config(format!(
            "environment variable {name} is not valid UTF-8"
        ))),
    }
}

/// An optional environment variable: `None` when unset or blank.
pub(crate) fn optional_env_var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_redacts() {
        let c = ClientCredentials::new("id-1", "top-secret-value").unwrap();
        let shown = format!("{c:?}");
        assert!(
            shown.contains("id-1") && !shown.contains("top-secret-value"),
            "{shown}"
        );
        assert_eq!(
            ClientCredentials::new("", "x").unwrap_err().code(),
            "invalid_input"
        );
        assert!(ClientCredentials::new("a:b", "x").is_err());
        let err = ClientCredentials::new("id", " ").unwrap_err();
        assert!(err.to_string().contains("client_secret"), "{err}");
    }
}
