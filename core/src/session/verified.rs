//! A small cache of tokens already verified, keyed by the SHA-256 of the token (the token
//! itself is never stored). Bounded in size (oldest out first); an entry is never served at
//! or after the token's `exp`, nor longer than [`MAX_AGE`] after it was verified.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, SystemTime},
};

use sha2::{Digest, Sha256};

use super::claims::SessionClaims;

/// The longest an entry is served: a key withdrawn from the JWKS stops mattering for cached
/// tokens after this.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(300);

pub(crate) type Digest32 = [u8; 32];

struct Entry {
    claims: Arc<SessionClaims>,
    until: SystemTime,
}

#[derive(Default)]
struct State {
    entries: HashMap<Digest32, Entry>,
    order: VecDeque<Digest32>,
}

/// The cache; shared by clones of one verifier.
pub(crate) struct VerifiedCache {
    capacity: usize,
    state: Mutex<State>,
}

impl VerifiedCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    pub(crate) fn digest(token: &str) -> Digest32 {
        Sha256::digest(token.as_bytes()).into()
    }

    /// The claims of a token verified before, if still servable at `now`.
    pub(crate) fn get(&self, key: &Digest32, now: SystemTime) -> Option<Arc<SessionClaims>> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = state.entries.get(key)?;
        if now < entry.until {
            return Some(entry.claims.clone());
        }
        state.entries.remove(key);
        None
    }

    /// Remembers a verified token until its `exp` (at most [`MAX_AGE`] from `now`).
    pub(crate) fn insert(&self, key: Digest32, claims: Arc<SessionClaims>, now: SystemTime) {
        let until = claims.expires_at_time().min(now + MAX_AGE);
        if until <= now {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(entry) = state.entries.get_mut(&key) {
            *entry = Entry { claims, until };
            return;
        }
        while state.entries.len() >= self.capacity {
            let Some(oldest) = state.order.pop_front() else {
                break;
            };
            state.entries.remove(&oldest);
        }
        // Keys removed on expiry may still sit in `order`; keep it from growing without bound.
        if state.order.len() >= self.capacity.saturating_mul(2) {
            let State { entries, order } = &mut *state;
            order.retain(|k| entries.contains_key(k));
        }
        state.entries.insert(key, Entry { claims, until });
        state.order.push_back(key);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde_json::Map;

    use super::*;
    use crate::clock::{from_unix_seconds, unix_seconds};

    fn claims(exp: i64) -> Arc<SessionClaims> {
        Arc::new(SessionClaims {
            tenant_id: "t".into(),
            user_id: "u".into(),
            customer_id: None,
            app_id: None,
            tenant_slug: None,
            expires_at: exp,
            claims: Map::new(),
        })
    }

    #[test]
    fn serves_until_exp_or_max_age_and_stays_bounded() {
        let now = from_unix_seconds(1_800_000_000);
        let t = unix_seconds(now);
        let cache = VerifiedCache::new(2);
        let a = VerifiedCache::digest("a");
        cache.insert(a, claims(t + 60), now);
        assert!(cache.get(&a, now + Duration::from_secs(59)).is_some());
        assert!(
            cache.get(&a, now + Duration::from_secs(60)).is_none(),
            "never at exp"
        );
        let b = VerifiedCache::digest("b");
        cache.insert(b, claims(t + 3600), now);
        assert!(cache
            .get(&b, now + MAX_AGE - Duration::from_secs(1))
            .is_some());
        assert!(
            cache.get(&b, now + MAX_AGE).is_none(),
            "never past the max age"
        );
        for i in 0..10 {
            cache.insert(VerifiedCache::digest(&i.to_string()), claims(t + 3600), now);
        }
        let state = cache.state.lock().unwrap();
        assert!(state.entries.len() <= 2 && state.order.len() <= 4);
        drop(state);
        assert!(
            cache.get(&VerifiedCache::digest("9"), now).is_some(),
            "newest kept"
        );
        assert!(
            cache.get(&VerifiedCache::digest("0"), now).is_none(),
            "oldest evicted"
        );
        // An already expired token is not cached at all.
        cache.insert(a, claims(t - 1), now);
        assert!(cache.get(&a, now - Duration::from_secs(10)).is_none());
    }
}
