//! The JWKS cache behind a [`crate::SessionVerifier`] (modelled on panva/jose
//! `createRemoteJWKSet`):
//!
//! - one fetch at a time, on its own task, shared by every waiting verification (a caller
//!   that gives up does not cancel it for the others);
//! - keys are used for their TTL (`Cache-Control: max-age` within 1 min..1 h, else the
//!   configured TTL) without asking again;
//! - an unknown `kid` refetches at most once per cooldown, so a flood of tokens with made-up
//!   `kid`s costs at most one request per cooldown;
//! - when the endpoint fails after the TTL, the previous keys stay in use for `max_stale`
//!   (and the endpoint is asked again at most once per cooldown meanwhile), then the error
//!   is returned.

use std::{
    fmt,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, MutexGuard, PoisonError,
    },
    time::{Duration, SystemTime},
};

use futures_util::{
    future::{BoxFuture, Shared},
    FutureExt,
};
use reqwest::{
    header::{HeaderValue, ACCEPT},
    Method, Url,
};
use serde_json::Value;
use tracing::{debug, warn};

use super::keys::{parse_jwks, KeySet};
use crate::{
    clock::Clock,
    error::ApiDetail,
    fork::{self, Owner},
    http::{Auth, Call, Flavor, Transport},
    Error, Result,
};

/// Bounds for a server-chosen `max-age`.
const MIN_TTL: Duration = Duration::from_secs(60);
const MAX_TTL: Duration = Duration::from_secs(3600);

type Flight = Shared<BoxFuture<'static, Result<Arc<KeySet>>>>;

#[derive(Default)]
struct State {
    keys: Option<Arc<KeySet>>,
    in_flight: Option<Flight>,
    /// When the last fetch started: the cooldown counts from here.
    last_attempt: Option<SystemTime>,
    /// When the last fetch failed, if the one after it has not succeeded yet.
    failed_at: Option<SystemTime>,
    owner: Owner,
}

/// Settings of a [`JwksCache`].
pub(crate) struct JwksOptions {
    pub(crate) ttl: Duration,
    pub(crate) cooldown: Duration,
    pub(crate) max_stale: Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

struct Inner {
    transport: Transport,
    auth: Auth,
    url: Url,
    options: JwksOptions,
    state: Mutex<State>,
    fetches: AtomicU64,
}

/// The keys of one JWKS URL; clones share them.
#[derive(Clone)]
pub(crate) struct JwksCache {
    inner: Arc<Inner>,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("JwksCache")
            .field("url", &self.inner.url.as_str())
            .field("keys", &state.keys.as_ref().map(|k| k.keys.len()))
            .field("fetches", &self.fetches())
            .finish()
    }
}

impl JwksCache {
    pub(crate) fn new(transport: Transport, auth: Auth, url: Url, options: JwksOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport,
                auth,
                url,
                options,
                state: Mutex::new(State::default()),
                fetches: AtomicU64::new(0),
            }),
        }
    }

    pub(crate) fn url(&self) -> &Url {
        &self.inner.url
    }

    /// JWKS requests started so far.
    pub(crate) fn fetches(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
    fn now(&self) -> SystemTime {
        self.inner.options.clock.now()
    }

    fn cooling_down(&self, state: &State, now: SystemTime) -> bool {
        state
            .last_attempt
            .is_some_and(|at| now < at + self.inner.options.cooldown)
    }

    /// The keys if they are cached and fresh (no fetch due): what [`Self::keys`] answers at
    /// once, without the async runtime.
    pub(crate) fn fresh_keys(&self) -> Option<Arc<KeySet>> {
        let state = self.lock();
        let now = self.now();
        state
            .keys
            .as_ref()
            .filter(|set| now < set.fresh_until)
            .cloned()
    }

    /// The keys to verify with: the cached ones while fresh, else the result of a fetch
    /// (stale keys if it fails within `max_stale`).
    pub(crate) async fn keys(&self) -> Result<Arc<KeySet>> {
        let flight = {
            let mut state = self.lock();
            let now = self.now();
            if let Some(set) = &state.keys {
                if now < set.fresh_until {
                    return Ok(set.clone());
                }
            }
            let state: &mut State = &mut state;
            fork::forget_if_forked(&mut state.owner, &mut state.in_flight);
            if let Some(set) = &state.keys {
                // The endpoint failed recently: keep serving the stale keys without asking
                // again before the cooldown is over.
                let failing = state.failed_at.is_some() && self.cooling_down(state, now);
                if failing && state.in_flight.is_none() && now < set.stale_until {
                    return Ok(set.clone());
                }
            }
            match &state.in_flight {
                Some(flight) => flight.clone(),
                None => self.start(state, now),
            }
        };
        match flight.await {
            Ok(set) => Ok(set),
            Err(error) => {
                let state = self.lock();
                match &state.keys {
                    Some(set) if self.now() < set.stale_until => Ok(set.clone()),
                    _ => Err(error),
                }
            }
        }
    }

    /// Keys newer than `seen`, for a token none of `seen` could verify: a set fetched
    /// meanwhile, or a new fetch unless one started within the cooldown (`None` then).
    pub(crate) async fn refetch(&self, seen: &Arc<KeySet>) -> Result<Option<Arc<KeySet>>> {
        let flight = {
            let mut state = self.lock();
            let state: &mut State = &mut state;
            fork::forget_if_forked(&mut state.owner, &mut state.in_flight);
            if let Some(current) = &state.keys {
                if !Arc::ptr_eq(current, seen) {
                    return Ok(Some(current.clone()));
                }
            }
            match &state.in_flight {
                Some(flight) => flight.clone(),
                None => {
                    let now = self.now();
                    if self.cooling_down(state, now) {
                        return Ok(None);
                    }
                    self.start(state, now)
                }
            }
        };
        flight.await.map(Some)
    }

    /// Starts the one fetch; the caller holds the lock, so there is never a second.
    fn start(&self, state: &mut State, now: SystemTime) -> Flight {
        state.last_attempt = Some(now);
        self.inner.fetches.fetch_add(1, Ordering::Relaxed);
        let cache = self.clone();
        let task = tokio::spawn(async move {
            let result = cache.fetch().await;
            cache.finish(result)
        });
        let flight = async move {
            task.await.unwrap_or_else(|e| {
                Err(Error::network(format!(
                    "the JWKS request stopped unexpectedly: {e}"
                )))
            })
        }
        .boxed()
        .shared();
        state.in_flight = Some(flight.clone());
        flight
    }

    async fn fetch(&self) -> Result<Fetched> {
        let url = &self.inner.url;
        let mut call = Call::new(Method::GET, url.clone(), Flavor::Api);
        call.headers
            .push((ACCEPT, HeaderValue::from_static("application/json")));
        let response = self.inner.transport.send(call, &self.inner.auth).await?;
        let ttl = ttl_from(response.header("cache-control"), self.inner.options.ttl);
        let bad = |message: String| Error::Api {
            message: format!("GET {}: {message}", url.path()),
            detail: ApiDetail {
                status: response.status(),
                ..ApiDetail::default()
            },
        };
        let document: Value = serde_json::from_slice(response.bytes())
            .map_err(|e| bad(format!("expected a JSON key set; could not parse it: {e}")))?;
        let (keys, listed) = parse_jwks(&document).map_err(bad)?;
        Ok(Fetched { keys, listed, ttl })
    }

    fn finish(&self, result: Result<Fetched>) -> Result<Arc<KeySet>> {
        let mut state = self.lock();
        state.in_flight = None;
        let now = self.now();
        let path = self.inner.url.path();
        match result {
            Ok(Fetched { keys, listed, ttl }) => {
                let fresh_until = now + ttl;
                let set = Arc::new(KeySet {
                    keys,
                    listed,
                    fresh_until,
                    stale_until: fresh_until + self.inner.options.max_stale,
                });
                debug!(
                    url_path = %path,
                    keys = listed,
                    usable = set.keys.len(),
                    ttl_secs = ttl.as_secs(),
                    "fetched the JWKS"
                );
                if set.keys.is_empty() {
                    warn!(url_path = %path, keys = listed, "the JWKS has no usable signature key");
                }
                state.keys = Some(set.clone());
                state.failed_at = None;
                Ok(set)
            }
            Err(error) => {
                state.failed_at = Some(now);
                match &state.keys {
                    Some(set) if now < set.stale_until => warn!(
                        url_path = %path,
                        error = %error.code(),
                        message = %error,
                        "JWKS fetch failed; the previous keys stay in use for now"
                    ),
                    _ => {
                        warn!(url_path = %path, error = %error.code(), message = %error, "JWKS fetch failed")
                    }
                }
                Err(error)
            }
        }
    }
}

struct Fetched {
    keys: Vec<super::keys::Key>,
    listed: usize,
    ttl: Duration,
}

/// The TTL of a JWKS answer: its `max-age` within [`MIN_TTL`]..[`MAX_TTL`] (`no-store` and
/// `no-cache` give the minimum), else `default`.
pub(crate) fn ttl_from(cache_control: Option<&str>, default: Duration) -> Duration {
    let Some(value) = cache_control else {
        return default;
    };
    for directive in value.split(',').map(str::trim) {
        if directive.eq_ignore_ascii_case("no-store") || directive.eq_ignore_ascii_case("no-cache")
        {
            return MIN_TTL;
        }
        let Some((name, seconds)) = directive.split_once('=') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("max-age") {
            if let Ok(seconds) = seconds.trim().trim_matches('"').parse::<u64>() {
                return Duration::from_secs(seconds).clamp(MIN_TTL, MAX_TTL);
            }
        }
    }
    default
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_is_honoured_within_bounds() {
        let default = Duration::from_secs(600);
        let ttl = |v| ttl_from(v, default).as_secs();
        assert_eq!(ttl(None), 600);
        assert_eq!(ttl(Some("public, max-age=300")), 300);
        assert_eq!(ttl(Some("Max-Age = \"120\"")), 120);
        assert_eq!(ttl(Some("max-age=5")), 60);
        assert_eq!(ttl(Some("max-age=86400")), 3600);
        assert_eq!(ttl(Some("no-store")), 60);
        assert_eq!(ttl(Some("public, max-age=abc")), 600);
        assert_eq!(ttl(Some("s-maxage=30")), 600);
    }
}
