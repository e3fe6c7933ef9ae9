//! [`TokenCache`]: one valid token for any number of callers.
//!
//! Modelled on the AWS SDK's identity cache: callers get the cached token without waiting
//! while it is fresh; inside the refresh margin they still get it at once and one refresh
//! starts in the background; only when it is (nearly) expired do they wait, all on the same
//! single request. That request runs on its own task, so a caller that gives up does not
//! cancel it for the others. A failed background refresh keeps serving the still-valid token
//! and tries again after a short pause.

use std::{
    fmt,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, SystemTime},
};

use futures_util::{
    future::{BoxFuture, Shared},
    FutureExt,
};
use rand::Rng;
use tracing::{debug, warn};

use super::{AccessToken, IssuedToken, TokenSource};
use crate::{
    clock::Clock,
    clock::SystemClock,
    fork::{self, Owner},
    Error, Result,
};

/// How a [`TokenCache`] schedules refreshes.
#[derive(Clone, Debug)]
pub struct CacheOptions {
    /// Refresh this long before expiry (default 5 min), capped at half the token's lifetime,
    /// plus up to 10 % jitter so that many processes do not refresh at the same instant.
    pub refresh_margin: Duration,
    /// Callers wait for a new token once less than this is left (default 10 s, at most a
    /// tenth of the lifetime): a request must not carry a token that expires on the way.
    pub min_remaining: Duration,
    /// Pause after a failed background refresh before the next try (default 5 s).
    pub failure_pause: Duration,
    /// The clock; tests inject a [`crate::clock::ManualClock`].
    pub clock: Arc<dyn Clock>,
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self {
            refresh_margin: Duration::from_secs(300),
            min_remaining: Duration::from_secs(10),
            failure_pause: Duration::from_secs(5),
            clock: Arc::new(SystemClock),
        }
    }
}

type Flight = Shared<BoxFuture<'static, Result<Arc<AccessToken>>>>;

struct Cached {
    token: Arc<AccessToken>,
    refresh_at: SystemTime,
    usable_until: SystemTime,
}

#[derive(Default)]
struct State {
    current: Option<Cached>,
    in_flight: Option<Flight>,
    paused_until: Option<SystemTime>,
    owner: Owner,
}

struct Inner {
    source: Arc<dyn TokenSource>,
    options: CacheOptions,
    state: Mutex<State>,
}

/// A cache of one access token, shared by clones (and by `for_tenant` handles).
#[derive(Clone)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("source", &self.inner.source)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    /// A cache over `source`.
    pub fn new(source: Arc<dyn TokenSource>, options: CacheOptions) -> Self {
        Self {
            inner: Arc::new(Inner {
                source,
                options,
                state: Mutex::new(State::default()),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A valid token: the cached one, or a new one (one request for all concurrent callers).
    pub async fn get(&self) -> Result<Arc<AccessToken>> {
        let flight = {
            let mut state = self.lock();
            let now = self.inner.options.clock.now();
            if let Some(cached) = &state.current {
                if now < cached.refresh_at {
                    return Ok(cached.token.clone());
                }
            }
            let state: &mut State = &mut state;
            fork::forget_if_forked(&mut state.owner, &mut state.in_flight);
            if let Some(cached) = &state.current {
                if now < cached.usable_until {
                    let token = cached.token.clone();
                    let paused = state.paused_until.is_some_and(|until| now < until);
                    if state.in_flight.is_none() && !paused {
                        debug!(token = %token.fingerprint(), "refreshing in the background");
                        // Runs on its own task; nobody needs to wait for it.
                        drop(self.start(state));
                    }
                    return Ok(token);
                }
            }
            match &state.in_flight {
                Some(flight) => flight.clone(),
                None => self.start(state),
            }
        };
        flight.await
    }

    /// The cached token without fetching, if one is still usable.
    pub fn peek(&self) -> Option<Arc<AccessToken>> {
        let now = self.inner.options.clock.now();
        self.lock()
            .current
            .as_ref()
            .filter(|c| now < c.usable_until)
            .map(|c| c.token.clone())
    }

    /// The cached token if it needs no refresh yet (before the refresh margin), without
    /// touching the async runtime: what [`TokenCache::get`] answers at once. `None` means
    /// "call `get`" (no token, or one due for a refresh). Lets bindings answer a cached token
    /// synchronously (issue 19).
    pub fn fresh(&self) -> Option<Arc<AccessToken>> {
        let now = self.inner.options.clock.now();
        self.lock()
            .current
            .as_ref()
            .filter(|c| now < c.refresh_at)
            .map(|c| c.token.clone())
    }

    /// Drops the cached token if it is `rejected` (the one a 401 refused), so the next
    /// [`TokenCache::get`] fetches a new one. A newer token fetched meanwhile stays.
    pub fn invalidate_if(&self, rejected: &AccessToken) {
        self.invalidate_value(rejected.expose());
    }

    /// [`TokenCache::invalidate_if`] by the token's value.
    fn invalidate_value(&self, value: &str) {
        let mut state = self.lock();
        let held = state.current.as_ref().map(|c| c.token.clone());
        if let Some(rejected) = held.filter(|t| t.expose() == value) {
            let rejected = &*rejected;
            debug!(token = %rejected.fingerprint(), "dropping a rejected token");
            state.current = None;
            drop(state);
            // A shared source must not serve it again (nor leave it for other processes).
            self.inner.source.rejected(rejected);
        }
    }

    /// Drops the cached token unconditionally.
    pub fn clear(&self) {
        self.lock().current = None;
    }

    /// Starts the one request; the caller holds the lock, so there is never a second.
    fn start(&self, state: &mut State) -> Flight {
        let cache = self.clone();
        let requested = self.inner.options.clock.now();
        let fetch = self.inner.source.fetch();
        let task = tokio::spawn(async move {
            let result = fetch.await;
            cache.finish(requested, result)
        });
        let flight = async move {
            task.await.unwrap_or_else(|e| {
                Err(Error::network(format!(
                    "the token request stopped unexpectedly: {e}"
                )))
            })
        }
        .boxed()
        .shared();
        state.in_flight = Some(flight.clone());
        flight
    }

    fn finish(
        &self,
        requested: SystemTime,
        result: Result<IssuedToken>,
    ) -> Result<Arc<AccessToken>> {
        let mut state = self.lock();
        state.in_flight = None;
        match result {
            Ok(issued) => {
                let options = &self.inner.options;
                let lifetime = issued.lifetime;
                let expires_at = requested + lifetime;
                let margin = options.refresh_margin.min(lifetime / 2);
                let jitter = random_fraction(margin / 10);
                let token = Arc::new(AccessToken::new(
                    issued.value,
                    requested,
                    expires_at,
                    issued.scope,
                ));
                state.current = Some(Cached {
                    token: token.clone(),
                    refresh_at: expires_at - margin - jitter,
                    usable_until: expires_at - options.min_remaining.min(lifetime / 10),
                });
                state.paused_until = None;
                Ok(token)
            }
            Err(error) => {
                let now = self.inner.options.clock.now();
                if state.current.as_ref().is_some_and(|c| now < c.usable_until) {
                    warn!(error = %error.code(), "token refresh failed; the current token is still valid and stays in use");
                }
                state.paused_until = Some(now + self.inner.options.failure_pause);
                Err(error)
            }
        }
    }
}

fn random_fraction(max: Duration) -> Duration {
    let millis = u64::try_from(max.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::thread_rng().gen_range(0..=millis))
}

/// The token cache is where API calls get their `Bearer` token from.
impl crate::http::BearerSource for TokenCache {
    fn token(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<crate::Secret>> + Send + '_>>
    {
        Box::pin(async move { Ok(self.get().await?.secret().clone()) })
    }

    fn current(&self) -> Option<crate::Secret> {
        self.peek().map(|token| token.secret().clone())
    }

    fn refused(&self, token: &crate::Secret) {
        self.invalidate_value(token.expose());
    }
}
