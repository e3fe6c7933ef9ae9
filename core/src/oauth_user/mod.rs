//! User-bound access (OpenAPI scheme `oauth2-cloud-id-accessCode`, facts §5.4): a user signs
//! in at JTL (`https://auth.jtl-cloud.com/oauth2/auth`) and the app acts as that user.
//!
//! The OAuth 2.0 authorization-code grant (RFC 6749 §4.1) with PKCE `S256` (RFC 7636) and
//! `state`, refresh with rotation (§6, OAuth 2.0 Security BCP §4.14), as JTL's own
//! `@jtl-software/cloud-apps-auth` signs users in on standalone sites (facts §4.2):
//!
//! 1. [`AuthorizationCodeClient::start`] makes a [`SignIn`]: send the user to its `url`, keep
//!    it (state and PKCE verifier) in the session.
//! 2. The user comes back to the redirect URI with `code` and `state`:
//!    [`AuthorizationCodeClient::finish`] compares the state in constant time and exchanges
//!    the code with the verifier for a [`UserGrant`].
//! 3. [`crate::CloudClient::for_user`] (or [`crate::AccountStore::user_client`]) makes a
//!    client that calls the ERP API as the user, with every feature of a client-credentials
//!    client; the access token is refreshed with the refresh token, one request for any
//!    number of callers, and a rotated refresh token is handed to
//!    [`crate::CloudClientBuilder::on_grant_change`] to be kept.
//!
//! `invalid_grant` (a code or refresh token that expired, was revoked, used twice or rotated
//! away) is the error code `sign_in_required` and is never retried; a `state` that does not
//! match is `state_mismatch`.
//!
//! Hand-written on the crate's own transport rather than on the `oauth2` crate: oauth2 5.x
//! supports reqwest 0.12 (the workspace uses 0.13; the 0.13 adapter is an alpha crate), brings
//! chrono and its own HTTP plumbing, and would bypass this crate's retries, deadlines,
//! redaction of secrets from errors and fork safety. The flow itself is a few form posts.

mod grant;
mod pkce;
mod sign_in;
mod source;

use std::{
    fmt,
    sync::Arc,
    time::{Duration, SystemTime},
};

use reqwest::{Method, Url};
use serde_json::Value;
use tracing::debug;

pub use grant::UserGrant;
pub use sign_in::SignIn;
pub use source::GrantHook;
pub(crate) use source::{GrantReloadFn, UserTokenSource};

use crate::{
    http::{Auth, Call, Flavor, HttpOptions, Transport},
    redact::Known,
    ApiDetail, Endpoints, Error, Result, Secret,
};

/// Scopes every sign-in asks for: `openid` (the ID token names the user) and
/// `offline_access` (a refresh token; JTL's auth server is Ory, which issues one only then).
pub const DEFAULT_SCOPES: [&str; 2] = ["openid", "offline_access"];

/// How long a started sign-in may take by default (10 minutes).
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(600);

struct Inner {
    client_id: String,
    client_secret: Option<Secret>,
    redirect_uri: Url,
    scopes: Vec<String>,
    endpoints: Endpoints,
    transport: Transport,
    http: HttpOptions,
    sign_in_timeout: Duration,
}

/// Signs users in with the authorization-code grant and PKCE, and refreshes their grants.
/// Cheap to clone.
#[derive(Clone)]
pub struct AuthorizationCodeClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for AuthorizationCodeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationCodeClient")
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &self.inner.client_secret)
            .field("redirect_uri", &self.inner.redirect_uri.as_str())
            .field("scopes", &self.inner.scopes)
            .field("endpoints", &self.inner.endpoints.name())
            .finish()
    }
}

/// Builds an [`AuthorizationCodeClient`].
#[derive(Debug)]
pub struct AuthorizationCodeClientBuilder {
    client_id: String,
    client_secret: Option<Secret>,
    redirect_uri: Option<String>,
    scopes: Vec<String>,
    endpoints: Endpoints,
    http: HttpOptions,
    sign_in_timeout: Duration,
}

impl AuthorizationCodeClientBuilder {
    /// The app's client secret: sent as HTTP Basic with the code exchange and refreshes, as
    /// for client credentials. `None` (default): a public client (a CLI, a mobile app) that
    /// sends its `client_id` in the form and relies on PKCE.
    pub fn client_secret(mut self, secret: Option<Secret>) -> Self {
        self.client_secret = secret;
        self
    }

    /// Where JTL sends the user back (required): `https://...`, `http://` on a loopback
    /// host (RFC 8252 §7.3, e.g. `http://127.0.0.1:8765/callback`), or an app's private-use
    /// scheme with a dot (`com.example.app:/callback`, RFC 8252 §7.1).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// The scopes to ask for, e.g. `["items.read"]`; `openid` and `offline_access` are
    /// always added ([`DEFAULT_SCOPES`]).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Which JTL (default production): the authorize and token URLs come from here.
    pub fn endpoints(mut self, endpoints: Endpoints) -> Self {
        self.endpoints = endpoints;
        self
    }

    /// Timeouts and retries of the token requests.
    pub fn http_options(mut self, http: HttpOptions) -> Self {
        self.http = http;
        self
    }

    /// How long a started sign-in may take before `finish` refuses it (default 10 minutes).
    pub fn sign_in_timeout(mut self, timeout: Duration) -> Self {
        self.sign_in_timeout = timeout;
        self
    }

    /// Checks the settings and builds the client. No request is made.
    pub fn build(self) -> Result<AuthorizationCodeClient> {
        let client_id = self.client_id.trim().to_owned();
        if client_id.is_empty() || client_id.contains(':') {
            return Err(Error::invalid_input(format!(
                "client_id: expected the app's client id (non-empty, without ':'); found {client_id:?}"
            )));
        }
        let client_secret = self.client_secret.filter(|s| !s.is_blank());
        let redirect_uri = check_redirect_uri(self.redirect_uri.as_deref().ok_or_else(|| {
            Error::invalid_input(
                "redirect_uri: required (where JTL sends the user back after signing in)",
            )
        })?)?;
        let mut scopes: Vec<String> = DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect();
        for scope in self.scopes {
            let scope = scope.trim().to_owned();
            if scope.is_empty()
                || scope
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '\\')
            {
                return Err(Error::invalid_input(format!(
                    "scopes: expected scope names without spaces or quotes (RFC 6749 §3.3); found {scope:?}"
                )));
            }
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        let known = client_secret
            .iter()
            .map(|secret| Known::Basic {
                user: client_id.clone(),
                password: secret.clone(),
            })
            .collect();
        let transport = Transport::new(self.http.clone())?.with_secrets(known);
        Ok(AuthorizationCodeClient {
            inner: Arc::new(Inner {
                client_id,
                client_secret,
                redirect_uri,
                scopes,
                endpoints: self.endpoints,
                transport,
                http: self.http,
                sign_in_timeout: self.sign_in_timeout,
            }),
        })
    }
}

/// `https://`, loopback `http://`, or a private-use scheme with a dot; never a fragment.
fn check_redirect_uri(uri: &str) -> Result<Url> {
    let expected = "expected https://..., http:// on a loopback host, or an app scheme like com.example.app:/callback";
    let url = Url::parse(uri.trim()).map_err(|e| {
        Error::invalid_input(format!("redirect_uri: {expected}; found {uri:?} ({e})"))
    })?;
    if url.fragment().is_some() {
        return Err(Error::invalid_input(
            "redirect_uri: must not have a fragment (RFC 6749 §3.1.2)",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" => crate::endpoints::parse_url("redirect_uri", url.as_str()),
        scheme if scheme.contains('.') => Ok(url),
        _ => Err(Error::invalid_input(format!(
            "redirect_uri: {expected}; found {uri:?}"
        ))),
    }
}

impl AuthorizationCodeClient {
    /// A builder for the app `client_id`, with production endpoints.
    pub fn builder(client_id: impl Into<String>) -> AuthorizationCodeClientBuilder {
        AuthorizationCodeClientBuilder {
            client_id: client_id.into(),
            client_secret: None,
            redirect_uri: None,
            scopes: Vec::new(),
            endpoints: Endpoints::production(),
            http: HttpOptions::default(),
            sign_in_timeout: DEFAULT_SIGN_IN_TIMEOUT,
        }
    }

    /// A client that only refreshes grants (a stored account's user clients): refresh needs
    /// no redirect URI, so a placeholder stands in.
    pub(crate) fn refresher(
        client_id: String,
        client_secret: Secret,
        endpoints: Endpoints,
        http: &HttpOptions,
    ) -> Result<Self> {
        Self::builder(client_id)
            .client_secret(Some(client_secret))
            .redirect_uri("http://127.0.0.1/")
            .endpoints(endpoints)
            .http_options(http.clone())
            .build()
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The redirect URI.
    pub fn redirect_uri(&self) -> &str {
        self.inner.redirect_uri.as_str()
    }

    /// The scopes every sign-in asks for (`openid offline_access` first).
    pub fn scopes(&self) -> &[String] {
        &self.inner.scopes
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// Whether the client authenticates with a secret (confidential) or not (public).
    pub fn is_confidential(&self) -> bool {
        self.inner.client_secret.is_some()
    }

    pub(crate) fn http_options(&self) -> &HttpOptions {
        &self.inner.http
    }

    /// The client's secret as the redactor knows it, for transports built on it.
    pub(crate) fn known_secrets(&self) -> Vec<Known> {
        self.inner
            .client_secret
            .iter()
            .map(|secret| Known::Basic {
                user: self.inner.client_id.clone(),
                password: secret.clone(),
            })
            .collect()
    }

    /// Starts a sign-in: a fresh `state` and PKCE verifier, and the authorize URL to send
    /// the user to (RFC 6749 §4.1.1 with RFC 7636 §4.3). Nothing is sent.
    pub fn start(&self) -> SignIn {
        let state = Secret::new(pkce::random_token());
        let verifier = Secret::new(pkce::random_token());
        let mut url = self.inner.endpoints.authorize_url().clone();
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.inner.client_id)
            .append_pair("redirect_uri", self.inner.redirect_uri.as_str())
            .append_pair("scope", &self.inner.scopes.join(" "))
            .append_pair("state", state.expose())
            .append_pair("code_challenge", &pkce::challenge_s256(verifier.expose()))
            .append_pair("code_challenge_method", "S256");
        SignIn {
            url: url.into(),
            state,
            verifier,
            redirect_uri: self.inner.redirect_uri.as_str().to_owned(),
            created_at: SystemTime::now(),
        }
    }

    /// Finishes a sign-in with what came back to the redirect URI: `returned_state` must be
    /// the pending sign-in's state (compared in constant time; else `state_mismatch` and
    /// nothing is sent), then `code` is exchanged with the PKCE verifier (RFC 6749 §4.1.3).
    /// An expired, reused or foreign code is `sign_in_required`.
    pub async fn finish(
        &self,
        pending: &SignIn,
        returned_state: &str,
        code: &str,
    ) -> Result<UserGrant> {
        if !pkce::same_secret(pending.state.expose(), returned_state) {
            return Err(Error::StateMismatch {
                message: "sign-in callback: the state that came back is not the one this sign-in sent (a forged, stale or crossed callback); nothing was exchanged, start the sign-in again".into(),
            });
        }
        if pending.redirect_uri != self.inner.redirect_uri.as_str() {
            return Err(Error::invalid_input(format!(
                "pending sign-in: it was started for the redirect URI {:?}, this client uses {:?}",
                pending.redirect_uri,
                self.inner.redirect_uri.as_str()
            )));
        }
        let age = SystemTime::now()
            .duration_since(pending.created_at)
            .unwrap_or_default();
        if age > self.inner.sign_in_timeout {
            return Err(Error::SignInRequired {
                message: format!(
                    "sign-in callback: the sign-in was started {}s ago, longer than the {}s allowed; start it again",
                    age.as_secs(),
                    self.inner.sign_in_timeout.as_secs()
                ),
                detail: ApiDetail::default(),
            });
        }
        let code = code.trim();
        if code.is_empty() {
            return Err(Error::invalid_input(
                "code: expected the authorization code from the redirect; found an empty string",
            ));
        }
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.inner.redirect_uri.as_str()),
            ("code_verifier", pending.verifier.expose()),
        ];
        let secrets = vec![Secret::new(code), pending.verifier.clone()];
        let requested = SystemTime::now();
        let body = self.token_request(&form, secrets, "code exchange").await?;
        let grant = UserGrant::from_answer(&body, requested, None, &self.inner.scopes)?;
        debug!(user = %grant.user_id, token = %grant.access_token.fingerprint(), "user signed in");
        Ok(grant)
    }

    /// [`AuthorizationCodeClient::finish`] with the whole redirect (the URL the user came
    /// back to, or its query string): reads `state`, `code`, and an `error` (RFC 6749
    /// §4.1.2.1; `access_denied` is `sign_in_required`). The state is checked first.
    pub async fn finish_redirect(&self, pending: &SignIn, redirect: &str) -> Result<UserGrant> {
        let query = match redirect.split_once('?') {
            Some((_, query)) => query,
            None => redirect.trim_start_matches('?'),
        };
        let query = query.split('#').next().unwrap_or_default();
        let mut state = None;
        let mut code = None;
        let mut error = None;
        let mut description = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "state" => state = Some(value.into_owned()),
                "code" => code = Some(value.into_owned()),
                "error" => error = Some(value.into_owned()),
                "error_description" => description = Some(value.into_owned()),
                _ => {}
            }
        }
        let state = state.unwrap_or_default();
        if !pkce::same_secret(pending.state.expose(), &state) {
            return Err(Error::StateMismatch {
                message: "sign-in callback: the state that came back is not the one this sign-in sent (a forged, stale or crossed callback); nothing was exchanged, start the sign-in again".into(),
            });
        }
        if let Some(error) = error {
            // The server's words, cut short and limited to printable text.
            let said: String = description
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
            let message = format!(
                "sign-in callback: the authorization server answered {error}{}{said}; sign in again",
                if said.is_empty() { "" } else { ": " }
            );
            let detail = ApiDetail {
                status: 0,
                error_code: Some(error.clone()),
                ..Default::default()
            };
            return Err(match error.as_str() {
                "access_denied"
                | "login_required"
                | "consent_required"
                | "interaction_required" => Error::SignInRequired { message, detail },
                _ => Error::Api { message, detail },
            });
        }
        let code = code.ok_or_else(|| {
            Error::invalid_input("sign-in callback: expected a code parameter; found none")
        })?;
        self.finish(pending, &state, &code).await
    }

    /// Refreshes `grant` (RFC 6749 §6): a new access token, and with rotation a new refresh
    /// token that replaces the old one (keep the returned grant; the old refresh token stops
    /// working). `invalid_grant` is `sign_in_required`, never retried.
    pub async fn refresh(&self, grant: &UserGrant) -> Result<UserGrant> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", grant.refresh_token.expose()),
        ];
        let requested = SystemTime::now();
        let body = self
            .token_request(&form, vec![grant.refresh_token.clone()], "refresh")
            .await?;
        let refreshed = UserGrant::from_answer(&body, requested, Some(grant), &self.inner.scopes)?;
        debug!(
            user = %refreshed.user_id,
            token = %refreshed.access_token.fingerprint(),
            rotated = refreshed.refresh_token != grant.refresh_token,
            "user token refreshed"
        );
        Ok(refreshed)
    }

    /// `POST <token URL>` with `form` (and `client_id` for a public client), client
    /// authentication as configured; the answer's JSON.
    async fn token_request(
        &self,
        form: &[(&str, &str)],
        secrets: Vec<Secret>,
        what: &str,
    ) -> Result<Value> {
        // Built in a block: the serializer is not `Send` and must not live across the await.
        let (body, auth) = {
            let mut body = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in form {
                body.append_pair(name, value);
            }
            let auth = match &self.inner.client_secret {
                Some(secret) => Auth::Basic {
                    user: self.inner.client_id.clone(),
                    password: secret.clone(),
                },
                None => {
                    // RFC 6749 §4.1.3: a client that does not authenticate names itself.
                    body.append_pair("client_id", &self.inner.client_id);
                    Auth::None
                }
            };
            (body.finish(), auth)
        };
        let mut call = Call::new(
            Method::POST,
            self.inner.endpoints.token_url().clone(),
            Flavor::TokenEndpoint,
        );
        call.body = Some((body.into(), "application/x-www-form-urlencoded"));
        // A code is good once and a rotated refresh token is gone once used: a request the
        // server may have seen must not be repeated (only refused connections are retried).
        call.idempotent = false;
        call.secrets = secrets;
        let answer = self
            .inner
            .transport
            .send(call, &auth)
            .await
            .map_err(|e| sign_in_required(e, what))?;
        answer.json::<Value>()
    }
}

/// `invalid_grant` from the token endpoint becomes `sign_in_required`.
fn sign_in_required(error: Error, what: &str) -> Error {
    let invalid_grant = error
        .detail()
        .and_then(|d| d.error_code.as_deref())
        .is_some_and(|c| c == "invalid_grant");
    match error {
        Error::InvalidCredentials { message, detail } if invalid_grant => Error::SignInRequired {
            message: format!(
                "{what}: {message}; the user's sign-in is no longer valid (expired, revoked, or a refresh token replaced by rotation): sign the user in again"
            ),
            detail,
        },
        other => other,
    }
}
