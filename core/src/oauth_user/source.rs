//! The token source of a user-bound client: the grant's access token first, then refreshes
//! with its refresh token. It sits behind the same [`crate::TokenCache`] as every other
//! source, so concurrent callers share one refresh request, and it hands each rotated grant
//! to the [`GrantHook`]s so that the new refresh token is kept.

use std::{
    fmt,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, SystemTime},
};

use tracing::{debug, warn};

use super::{AuthorizationCodeClient, UserGrant};
use crate::{
    token::{AccessToken, IssuedToken, TokenFuture, TokenSource},
    Result,
};

/// Called with every new grant of a user-bound client (after each refresh; with rotation it
/// holds the new refresh token, and the old one no longer works). Persist it here. An error
/// is logged (as its code) and the client carries on with the new grant in memory.
pub type GrantHook = Arc<dyn Fn(&UserGrant) -> Result<()> + Send + Sync>;

/// Reads the newest stored grant before a refresh: another process may have refreshed (and
/// rotated) it meanwhile.
pub(crate) type GrantReloadFn = Arc<dyn Fn() -> Option<UserGrant> + Send + Sync>;

/// A stored access token is used only with at least this much life left.
const MIN_LEFT: Duration = Duration::from_secs(30);

struct State {
    grant: UserGrant,
    /// Whether the grant's current access token has been handed to the cache already: the
    /// next fetch refreshes.
    served: bool,
}

struct Inner {
    client: AuthorizationCodeClient,
    state: Mutex<State>,
    hooks: Vec<GrantHook>,
    reload: Option<GrantReloadFn>,
}

/// A [`TokenSource`] for one user's grant.
#[derive(Clone)]
pub(crate) struct UserTokenSource {
    inner: Arc<Inner>,
}

impl fmt::Debug for UserTokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserTokenSource")
            .field("client_id", &self.inner.client.client_id())
            .field("user_id", &self.lock().grant.user_id)
            .finish()
    }
}

impl UserTokenSource {
    pub(crate) fn new(
        client: AuthorizationCodeClient,
        grant: UserGrant,
        hooks: Vec<GrantHook>,
        reload: Option<GrantReloadFn>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                state: Mutex::new(State {
                    grant,
                    served: false,
                }),
                hooks,
                reload,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The grant as it is now (with the newest refresh token).
    pub(crate) fn grant(&self) -> UserGrant {
        self.lock().grant.clone()
    }

    /// The user.
    pub(crate) fn user_id(&self) -> String {
        self.lock().grant.user_id.clone()
    }

    /// The current access token of `grant` if it has life left; marks it served.
    fn take_unserved(state: &mut State) -> Option<IssuedToken> {
        if state.served {
            return None;
        }
        let left = state
            .grant
            .expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        state.served = true;
        (left >= MIN_LEFT).then(|| IssuedToken {
            value: state.grant.access_token.clone(),
            lifetime: left,
            scope: Some(state.grant.scopes.join(" ")),
        })
    }

    async fn next(self) -> Result<IssuedToken> {
        let current = {
            let mut state = self.lock();
            if let Some(token) = Self::take_unserved(&mut state) {
                return Ok(token);
            }
            state.grant.clone()
        };
        // Another process may have refreshed this grant: its newer tokens win.
        if let Some(stored) = self.inner.reload.as_ref().and_then(|reload| reload()) {
            let mut state = self.lock();
            if stored.refresh_token != current.refresh_token
                || stored.access_token != current.access_token
            {
                debug!(user = %stored.user_id, "using the grant another process refreshed");
                state.grant = stored;
                state.served = false;
                if let Some(token) = Self::take_unserved(&mut state) {
                    return Ok(token);
                }
            }
        }
        let grant = self.lock().grant.clone();
        let refreshed = match self.inner.client.refresh(&grant).await {
            Err(error) if error.code() == "sign_in_required" => {
                // Another process may have rotated the refresh token between our read and
                // our request: its newer grant, if the store has one, gets one more try.
                let newer = self
                    .inner
                    .reload
                    .as_ref()
                    .and_then(|reload| reload())
                    .filter(|stored| stored.refresh_token != grant.refresh_token);
                let Some(newer) = newer else {
                    return Err(error);
                };
                {
                    let mut state = self.lock();
                    state.grant = newer.clone();
                    state.served = false;
                    if let Some(token) = Self::take_unserved(&mut state) {
                        return Ok(token);
                    }
                }
                self.inner.client.refresh(&newer).await?
            }
            other => other?,
        };
        {
            let mut state = self.lock();
            state.grant = refreshed.clone();
            state.served = true;
        }
        for hook in &self.inner.hooks {
            if let Err(error) = hook(&refreshed) {
                warn!(user = %refreshed.user_id, error = %error.code(), "the new user grant could not be kept; it stays in use in memory");
            }
        }
        let left = refreshed
            .expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        Ok(IssuedToken {
            value: refreshed.access_token.clone(),
            lifetime: left,
            scope: Some(refreshed.scopes.join(" ")),
        })
    }
}

impl TokenSource for UserTokenSource {
    fn fetch(&self) -> TokenFuture {
        Box::pin(self.clone().next())
    }

    fn rejected(&self, token: &AccessToken) {
        // A 401 on the grant's token: never serve it again, refresh instead.
        let mut state = self.lock();
        if state.grant.access_token.expose() == token.expose() {
            state.served = true;
        }
    }
}
