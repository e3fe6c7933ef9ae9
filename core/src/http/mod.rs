//! The HTTP layer every client shares: one reqwest client (rustls), timeouts on every call,
//! an overall deadline, retries with backoff for idempotent requests, and 401 → one token
//! refresh → one retry.

pub(crate) mod errors;
mod request;
mod response;
pub(crate) mod retry;
mod shared;
mod surface;

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant, SystemTime},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use bytes::Bytes;
use reqwest::{
    header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT},
    Method, Url,
};
use tracing::{debug, warn};

pub use request::Request;
pub use response::{RateLimit, Response};
pub use retry::RetryPolicy;
pub use surface::ApiClient;

pub(crate) use errors::Flavor;

use crate::{
    fork::Owner,
    redact::{Known, Redactor},
    Error, Result, Secret,
};

/// Timeouts, retries and identification of a client's HTTP calls.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Time allowed for one attempt (connect, send, read the whole answer).
    pub timeout: Duration,
    /// Time allowed for a call including every retry and wait.
    pub deadline: Duration,
    /// How failed attempts are retried.
    pub retry: RetryPolicy,
    /// `User-Agent` sent with every request.
    pub user_agent: String,
    /// Largest answer read; a larger one is a `network` error.
    pub max_response_bytes: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(90),
            retry: RetryPolicy::default(),
            user_agent: format!("jtl-connect/{}", env!("CARGO_PKG_VERSION")),
            max_response_bytes: 32 * 1024 * 1024,
        }
    }
}

/// How a call authenticates.
#[derive(Clone)]
pub(crate) enum Auth {
    /// Nothing (token requests that carry their credential in the body).
    None,
    /// `Bearer <token>` from a source (the token cache); a 401 drops it and retries once.
    Bearer(Arc<dyn BearerSource>),
    /// A fixed `<scheme> <key>`, e.g. `Wawi <api key>`; a 401 is final.
    Fixed { scheme: &'static str, key: Secret },
    /// HTTP Basic `client_id:client_secret` (the token endpoint).
    Basic { user: String, password: Secret },
}

/// Where `Bearer` tokens come from. [`crate::token::TokenCache`] implements it, so this
/// module needs nothing of `token`, whose own token requests are sent through here.
pub(crate) trait BearerSource: Send + Sync {
    /// The token to send now: the cached one, or one fetched.
    fn token(&self) -> Pin<Box<dyn Future<Output = Result<Secret>> + Send + '_>>;
    /// The token held now, if any, without fetching (to remove it from errors).
    fn current(&self) -> Option<Secret>;
    /// The API answered 401 to `token`: drop it if it is still the one held.
    fn refused(&self, token: &Secret);
}

/// One prepared call.
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<(Bytes, &'static str)>,
    pub(crate) idempotent: bool,
    pub(crate) flavor: Flavor,
    pub(crate) timeout: Option<Duration>,
    /// Credentials this call carries outside `Authorization` (a refresh token in the form,
    /// a challenge code header): removed from its errors like the client's own secrets.
    pub(crate) secrets: Vec<Secret>,
}

impl Call {
    pub(crate) fn new(method: Method, url: Url, flavor: Flavor) -> Self {
        let idempotent = matches!(
            method,
            Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
        );
        Self {
            method,
            url,
            headers: Vec::new(),
            body: None,
            idempotent,
            flavor,
            timeout: None,
            secrets: Vec::new(),
        }
    }

    /// `GET /erp/v2/items`: method and path, never the query (it may hold a token).
    fn what(&self) -> String {
        format!("{} {}", self.method, self.url.path())
    }
}

/// What one attempt produced.
enum Attempt {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Bytes,
    },
    Failed {
        error: Error,
        retryable: bool,
    },
}

/// The shared HTTP client.
#[derive(Clone, Debug)]
pub(crate) struct Transport {
    /// The process's shared client of this configuration ([`shared`]) and the process it
    /// was taken in: pooled connections do not survive fork(), so a child takes its own.
    client: Arc<Mutex<(Owner, Arc<reqwest::Client>)>>,
    pub(crate) options: HttpOptions,
    /// The client's long-lived secrets: no error of any call through this transport
    /// carries them, whether or not that call sent them.
    secrets: Arc<[Known]>,
}

impl Transport {
    pub(crate) fn new(options: HttpOptions) -> Result<Self> {
        let client = shared::client(shared_config(&options))?;
        Ok(Self {
            client: Arc::new(Mutex::new((Owner::current(), client))),
            options,
            secrets: Arc::new([]),
        })
    }

    /// The same transport, removing `secrets` from every error (see [`crate::redact`]).
    pub(crate) fn with_secrets(mut self, secrets: Vec<Known>) -> Self {
        self.secrets = secrets.into();
        self
    }

    /// What to remove from the errors of `call`: the client's secrets, the credential the
    /// call sent, the token the cache holds now, and the call's own secrets. Built only
    /// when a call fails.
    fn redactor(&self, call: &Call, auth: &Auth, token: Option<&Secret>) -> Redactor {
        let mut redactor = Redactor::new(self.secrets.iter());
        match auth {
            Auth::Fixed { key, .. } => redactor.add(key.expose()),
            Auth::Basic { user, password } => redactor.add_basic(user, password.expose()),
            Auth::Bearer(source) => {
                if let Some(current) = source.current() {
                    redactor.add(current.expose());
                }
            }
            Auth::None => {}
        }
        if let Some(token) = token {
            redactor.add(token.expose());
        }
        for secret in &call.secrets {
            redactor.add(secret.expose());
        }
        redactor
    }

    /// Removes this transport's secrets and `token` from `error`: for errors built from a
    /// 2xx answer outside [`Transport::send`] (GraphQL `errors[]`).
    pub(crate) fn redact(&self, error: Error, token: Option<&Secret>) -> Error {
        let mut redactor = Redactor::new(self.secrets.iter());
        if let Some(token) = token {
            redactor.add(token.expose());
        }
        redactor.error(error)
    }

    /// The client of this process (taken anew once in a forked child).
    pub(crate) fn shared_client(&self) -> Result<Arc<reqwest::Client>> {
        let mut slot = self.client.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.0.changed() {
            slot.1 = shared::client(shared_config(&self.options))?;
        }
        Ok(slot.1.clone())
    }

    /// Sends `call` with retries; returns a 2xx answer or the typed error.
    pub(crate) async fn send(&self, call: Call, auth: &Auth) -> Result<Response> {
        let what = call.what();
        let deadline = Instant::now() + self.options.deadline;
        let policy = &self.options.retry;
        let mut retries = 0;
        let mut refreshed = false;
        loop {
            let (authorization, token) = match auth {
                Auth::None => (None, None),
                Auth::Bearer(source) => {
                    let token = source.token().await?;
                    (Some(format!("Bearer {}", token.expose())), Some(token))
                }
                Auth::Fixed { scheme, key } => (Some(format!("{scheme} {}", key.expose())), None),
                Auth::Basic { user, password } => {
                    let pair = format!("{user}:{}", password.expose());
                    (Some(format!("Basic {}", STANDARD.encode(pair))), None)
                }
            };
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::timeout(format!(
                    "{what}: no answer within the deadline of {:?}",
                    self.options.deadline
                )));
            }
            let limit = call.timeout.unwrap_or(self.options.timeout).min(left);
            let attempt =
                match tokio::time::timeout(limit, self.attempt(&call, authorization.as_deref()))
                    .await
                {
                    Ok(attempt) => attempt,
                    Err(_) => Attempt::Failed {
                        error: Error::timeout(format!("{what}: no answer within {limit:?}")),
                        retryable: call.idempotent,
                    },
                };
            let (error, retry_after) = match attempt {
                Attempt::Answer {
                    status,
                    headers,
                    body,
                } if (200..300).contains(&status) => {
                    debug!(call = %what, status, retries, "answered");
                    return Ok(Response {
                        status,
                        headers,
                        body,
                        what,
                    });
                }
                Attempt::Answer { status: 401, .. }
                    if !refreshed && matches!(auth, Auth::Bearer(_)) =>
                {
                    if let (Auth::Bearer(source), Some(token)) = (auth, &token) {
                        debug!(call = %what, token = %token.fingerprint(), "401: refreshing the token once");
                        source.refused(token);
                    }
                    refreshed = true;
                    continue;
                }
                Attempt::Answer {
                    status,
                    headers,
                    body,
                } => {
                    let header = |name: &str| {
                        headers
                            .iter()
                            .find(|(n, _)| n == name)
                            .map(|(_, v)| v.as_str())
                    };
                    let retry_after = header("retry-after")
                        .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                    let redactor = self.redactor(&call, auth, token.as_ref());
                    let error = errors::from_answer_redacted(
                        call.flavor,
                        &what,
                        status,
                        header("content-type"),
                        &body,
                        retry_after,
                        &redactor,
                    );
                    // Defence in depth: the whole error once more (message, code, fields).
                    let error = redactor.error(error);
                    if !(retry::retryable_status(status) && call.idempotent) {
                        return Err(error);
                    }
                    (error, retry_after)
                }
                Attempt::Failed { error, retryable } => {
                    let error = self.redactor(&call, auth, token.as_ref()).error(error);
                    if !retryable {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            if retries >= policy.max_retries {
                return Err(error);
            }
            let wait = match retry_after {
                Some(asked) if asked > policy.max_retry_after => return Err(error),
                Some(asked) => asked,
                None => policy.backoff(retries),
            };
            if Instant::now() + wait >= deadline {
                return Err(error);
            }
            warn!(call = %what, error = %error.code(), retry = retries + 1, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            retries += 1;
        }
    }

    async fn attempt(&self, call: &Call, authorization: Option<&str>) -> Attempt {
        let client = match self.shared_client() {
            Ok(client) => client,
            Err(error) => {
                return Attempt::Failed {
                    error,
                    retryable: false,
                }
            }
        };
        let mut request = client.request(call.method.clone(), call.url.clone());
        // A call may name its own User-Agent (SCX seller sign-up needs the Wawi version there).
        if !call.headers.iter().any(|(name, _)| name == USER_AGENT) {
            request = request.header(USER_AGENT, &self.options.user_agent);
        }
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        if let Some(authorization) = authorization {
            match HeaderValue::from_str(authorization) {
                Ok(mut value) => {
                    value.set_sensitive(true);
                    request = request.header(AUTHORIZATION, value);
                }
                Err(_) => return Attempt::Failed {
                    error: Error::invalid_input(
                        "the credential contains characters that cannot be sent in an HTTP header",
                    ),
                    retryable: false,
                },
            }
        }
        if let Some((body, content_type)) = &call.body {
            request = request
                .header(CONTENT_TYPE, *content_type)
                .body(body.clone());
        }
        let what = call.what();
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                // A refused connection never reached the server: safe to retry any method.
                let retryable = e.is_connect() || call.idempotent;
                let error = if e.is_timeout() {
                    Error::timeout(format!("{what}: timed out"))
                } else {
                    Error::network(format!("{what}: {}", describe(&e)))
                };
                return Attempt::Failed { error, retryable };
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let limit = self.options.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Attempt::Failed {
                error: Error::network(format!("{what}: the answer is larger than {limit} bytes")),
                retryable: false,
            };
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > limit {
                        return Attempt::Failed {
                            error: Error::network(format!(
                                "{what}: the answer is larger than {limit} bytes"
                            )),
                            retryable: false,
                        };
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Attempt::Failed {
                        error: Error::network(format!(
                            "{what}: the answer broke off after {} bytes ({})",
                            body.len(),
                            describe(&e)
                        )),
                        retryable: call.idempotent,
                    }
                }
            }
        }
        Attempt::Answer {
            status,
            headers,
            body: Bytes::from(body),
        }
    }
}

/// What of `options` a reqwest client fixes when it is built (the rest is set per call).
fn shared_config(options: &HttpOptions) -> shared::Config {
    shared::Config {
        connect_timeout: options.timeout.min(Duration::from_secs(10)),
    }
}

/// What went wrong, with its causes, without reqwest's own text: that names the URL,
/// whose query may carry a token.
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_connect() {
        "could not connect".to_owned()
    } else if error.is_body() || error.is_decode() {
        "could not read the answer".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
