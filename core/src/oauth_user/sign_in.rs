//! [`SignIn`]: a started sign-in, waiting for the user to come back to the redirect URI.

use std::{fmt, time::SystemTime};

use serde_json::{json, Value};

use crate::{clock, Error, Result, Secret};

/// A sign-in in progress, made by [`super::AuthorizationCodeClient::start`]: send the user to
/// `url`, keep the rest until the user comes back to the redirect URI, then hand it to
/// [`super::AuthorizationCodeClient::finish`].
///
/// `state` and `verifier` are secrets: keep them server-side (a web app's session, never a
/// plain cookie or the page). [`SignIn::to_json`] and [`SignIn::from_json`] carry the whole
/// pending sign-in through a session store. `Debug` shows neither, nor the URL's query.
#[derive(Clone)]
pub struct SignIn {
    /// Where to send the user: the authorize URL with `response_type=code`, `client_id`,
    /// `redirect_uri`, `scope`, `state`, `code_challenge` and `code_challenge_method=S256`.
    pub url: String,
    /// The `state` sent (RFC 6749 §10.12): the redirect must bring back the same value.
    pub state: Secret,
    /// The PKCE code verifier (RFC 7636 §4.1), sent only with the code exchange.
    pub verifier: Secret,
    /// The redirect URI the sign-in was started with (the code exchange must repeat it).
    pub redirect_uri: String,
    /// When the sign-in was started; a sign-in older than the client's `sign_in_timeout`
    /// is refused by `finish`.
    pub created_at: SystemTime,
}

impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The query carries the state: print only where the user is sent.
        let target = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("SignIn")
            .field("url", &target)
            .field("state", &self.state)
            .field("verifier", &self.verifier)
            .field("redirect_uri", &self.redirect_uri)
            .field("created_at", &clock::unix_seconds(self.created_at))
            .finish()
    }
}

const FORMAT: u64 = 1;

impl SignIn {
    /// The pending sign-in as JSON text (a [`Secret`]: it holds the state and the verifier),
    /// for a web app's server-side session. [`SignIn::from_json`] restores it.
    pub fn to_json(&self) -> Secret {
        Secret::new(
            json!({
                "format": FORMAT,
                "url": self.url,
                "state": self.state.expose(),
                "verifier": self.verifier.expose(),
                "redirect_uri": self.redirect_uri,
                "created_at": clock::unix_seconds(self.created_at),
            })
            .to_string(),
        )
    }

    /// A pending sign-in from [`SignIn::to_json`]'s text. The error says which field is
    /// missing or wrong, never a value.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|_| {
            Error::invalid_input(
                "pending sign-in: expected the JSON text of SignIn::to_json; found text that is not JSON",
            )
        })?;
        let field = |name: &str| -> Result<String> {
            match value.get(name) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
                _ => Err(Error::invalid_input(format!(
                    "pending sign-in: expected the field {name:?} (a non-empty string)"
                ))),
            }
        };
        match value.get("format").and_then(Value::as_u64) {
            Some(FORMAT) => {}
            other => {
                return Err(Error::invalid_input(format!(
                    "pending sign-in: expected format {FORMAT}; found {other:?}"
                )))
            }
        }
        let created_at = value
            .get("created_at")
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                Error::invalid_input("pending sign-in: expected created_at (Unix seconds)")
            })?;
        Ok(Self {
            url: field("url")?,
            state: Secret::new(field("state")?),
            verifier: Secret::new(field("verifier")?),
            redirect_uri: field("redirect_uri")?,
            created_at: clock::from_unix_seconds(created_at),
        })
    }
}
