//! Everything a running emulator holds, behind one lock. Handlers take the lock briefly and
//! never across an `.await`, so a plain mutex is enough.

pub(crate) mod app_keys;
pub(crate) mod clients;
pub(crate) mod scx;
pub(crate) mod sign_in;
pub(crate) mod wawi;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Mutex, MutexGuard, PoisonError},
};

use self::{
    app_keys::AppKeys,
    clients::{demo_clients, OAuthClient},
    scx::ScxState,
    sign_in::UserAuthState,
    wawi::WawiState,
};
use crate::{
    catalogue::Catalogue, config::Settings, faults::FaultQueue, jwt::VerifiedTokens, keys::KeyRing,
    rate_limit::RateLimiter, stats::Stats,
};

/// State shared by all handlers of one emulator.
pub(crate) struct Shared {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub(crate) base_url: String,
    initial: Settings,
    inner: Mutex<Inner>,
    /// The app-token issuer's RSA keys, outside the lock: each is made once, on first use,
    /// and making one must not stall every other handler.
    pub(crate) app_keys: AppKeys,
}

pub(crate) struct Inner {
    pub(crate) settings: Settings,
    pub(crate) clients: BTreeMap<String, OAuthClient>,
    pub(crate) keys: KeyRing,
    /// ERP data per tenant (created on first use); Wawi uses the key [`WAWI_DATABASE`].
    pub(crate) catalogues: HashMap<String, Catalogue>,
    pub(crate) stats: Stats,
    pub(crate) faults: FaultQueue,
    pub(crate) rate: RateLimiter,
    pub(crate) scx: ScxState,
    pub(crate) wawi: WawiState,
    /// Codes and refresh tokens of user sign-ins (`/oauth2/auth`).
    pub(crate) user_auth: UserAuthState,
    /// Bearer tokens already verified (see [`VerifiedTokens`]).
    pub(crate) bearers: VerifiedTokens,
}

/// The catalogue key of the OnPremise database (`eazybusiness` in the Wawi base URL).
pub(crate) const WAWI_DATABASE: &str = "eazybusiness";

impl Inner {
    fn fresh(settings: Settings, keys: KeyRing) -> Self {
        Self {
            settings,
            clients: demo_clients(),
            keys,
            catalogues: HashMap::new(),
            stats: Stats::new(),
            faults: FaultQueue::default(),
            rate: RateLimiter::default(),
            scx: ScxState::new(),
            wawi: WawiState::new(),
            user_auth: Default::default(),
            bearers: VerifiedTokens::default(),
        }
    }

    /// The catalogue of `tenant`, seeded on first use.
    pub(crate) fn catalogue(&mut self, tenant: &str) -> &mut Catalogue {
        self.catalogues
            .entry(tenant.to_owned())
            .or_insert_with(Catalogue::seeded)
    }
}

impl Shared {
    pub(crate) fn new(base_url: String, settings: Settings) -> Self {
        Self {
            base_url,
            initial: settings.clone(),
            inner: Mutex::new(Inner::fresh(settings, KeyRing::new())),
            app_keys: AppKeys::default(),
        }
    }

    /// Locks the state. A handler that panicked cannot leave it half-written in a way that
    /// matters to a test double, so a poisoned lock is simply taken over.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Back to the state at start, except the signing keys: tokens already handed out
    /// stay verifiable.
    pub(crate) fn reset(&self) {
        let mut inner = self.lock();
        let keys = std::mem::replace(&mut inner.keys, KeyRing::new());
        *inner = Inner::fresh(self.initial.clone(), keys);
    }
}
