//! [`SharedTokenCache`]: access tokens shared by every process of an app through PostgreSQL.
//!
//! It sits behind a client's in-process [`super::TokenCache`] as its [`TokenSource`]: a cached
//! token still costs nanoseconds, and each process asks the database once per refresh (single
//! flight). The database holds one row per token URL + client (+ scope), the token sealed with
//! XChaCha20-Poly1305 under the master key (which never goes to the database). A process that
//! finds no fresh row takes a transaction-level advisory lock on its key, reads again (another
//! process may have just stored one), and only then asks JTL; the others wait on the lock,
//! bounded by the client's deadline, and read what it stored. The lock lives in the holder's
//! transaction, so a holder that dies releases it with its connection.

use std::{
    collections::HashMap,
    fmt,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, LazyLock, Mutex, PoisonError, Weak,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use deadpool_postgres::{GenericClient, Pool};
use sha2::{Digest, Sha256};
use tokio_postgres::error::SqlState;
use tracing::{debug, warn};
use zeroize::Zeroizing;

use super::{postgres::Target, AccessToken, IssuedToken, TokenFuture, TokenSource};
use crate::{
    clock::Clock,
    credentials::optional_env_var,
    fork::Owner,
    store::crypto::{parse_key, Cipher, MASTER_KEY_VAR},
    Error, Result, Secret,
};

/// The first half of our advisory-lock keys ("JTLC"): the two-key form keeps them apart from
/// an application's own one-key advisory locks.
const LOCK_CLASS: i32 = 0x4A54_4C43;
/// Serialises `CREATE TABLE` across processes (concurrent `IF NOT EXISTS` can still collide).
const SCHEMA_LOCK: i32 = 0;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS jtl_connect_token_cache (
    cache_key   text PRIMARY KEY,
    sealed      bytea NOT NULL,
    digest      bytea NOT NULL,
    obtained_ms bigint NOT NULL,
    expires_ms  bigint NOT NULL,
    scope       text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE jtl_connect_token_cache IS
    'jtl-connect shared token cache, schema 1: access tokens sealed with the master key';";

const READ: &str = "SELECT sealed, digest, obtained_ms, expires_ms, scope
    FROM jtl_connect_token_cache WHERE cache_key = $1";
const UPSERT: &str = "INSERT INTO jtl_connect_token_cache
        (cache_key, sealed, digest, obtained_ms, expires_ms, scope)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (cache_key) DO UPDATE SET sealed = EXCLUDED.sealed, digest = EXCLUDED.digest,
        obtained_ms = EXCLUDED.obtained_ms, expires_ms = EXCLUDED.expires_ms,
        scope = EXCLUDED.scope, updated_at = now()";
const DELETE_IF: &str = "DELETE FROM jtl_connect_token_cache WHERE cache_key = $1 AND digest = $2";
const LOCK: &str = "SELECT pg_advisory_xact_lock($1, hashtext($2))";

/// One pool per database and master key in a process, shared by every client that uses it.
/// (location and settings, a digest of the master key) → the store.
type Registry = HashMap<(String, [u8; 32]), Weak<Store>>;

static OPEN: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// What a client builder was given: a URL (kept as a [`Secret`]: it may carry the database
/// password) or an opened cache.
#[derive(Debug)]
pub(crate) enum SharedChoice {
    /// `postgresql://…`, opened at build with `JTL_CONNECT_MASTER_KEY`.
    Url(Secret),
    /// Opened by the program.
    Open(SharedTokenCache),
}

impl SharedChoice {
    /// The cache, opened if needed.
    pub(crate) fn open(&self) -> Result<SharedTokenCache> {
        match self {
            Self::Url(url) => SharedTokenCache::open(url.expose()),
            Self::Open(cache) => Ok(cache.clone()),
        }
    }
}

/// A PostgreSQL database where clients in any number of processes share their access tokens.
///
/// Made by [`crate::CloudClientBuilder::token_cache`] and
/// [`crate::ScxClientBuilder::token_cache`] from a URL; every process must use the same
/// `JTL_CONNECT_MASTER_KEY`.
#[derive(Clone)]
pub struct SharedTokenCache {
    store: Arc<Store>,
}

impl fmt::Debug for SharedTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedTokenCache")
            .field("location", &self.store.target.location())
            .finish_non_exhaustive()
    }
}

struct Store {
    target: Target,
    cipher: Cipher,
    /// Keys the digests that identify a token in its row without revealing it.
    digest_key: Zeroizing<[u8; 32]>,
    pool: Mutex<(Owner, Pool)>,
    schema_ready: AtomicBool,
}

impl SharedTokenCache {
    /// Opens (lazily: no connection yet) the cache at `url`, sealing with the master key
    /// from `JTL_CONNECT_MASTER_KEY`. Any scheme but `postgresql://`/`postgres://` is
    /// `invalid_input`; a missing key is `config`.
    pub fn open(url: &str) -> Result<Self> {
        let target = Target::parse("token_cache", url)?;
        let text = optional_env_var(MASTER_KEY_VAR).ok_or_else(|| {
            Error::config(format!(
                "token_cache: tokens in {} are sealed with {MASTER_KEY_VAR}, which every instance of the app must share; set it (32 bytes as base64 or 64 hex digits)",
                target.location()
            ))
        })?;
        let key = parse_key(&text, MASTER_KEY_VAR)?;
        Self::with_target(target, &key)
    }

    /// Like [`SharedTokenCache::open`], with the master key given by the program.
    pub fn open_with_master_key(url: &str, key: &[u8; 32]) -> Result<Self> {
        Self::with_target(Target::parse("token_cache", url)?, key)
    }

    fn with_target(target: Target, key: &[u8; 32]) -> Result<Self> {
        let registry_key = (
            target.location().to_owned() + "\n" + &format!("{target:?}"),
            {
                let mut id = [0u8; 32];
                id.copy_from_slice(&Sha256::digest(
                    [b"jtl-connect key id".as_slice(), key].concat(),
                ));
                id
            },
        );
        let mut open = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|_, store| store.strong_count() > 0);
        if let Some(store) = open.get(&registry_key).and_then(Weak::upgrade) {
            return Ok(Self { store });
        }
        let mut digest_key = Zeroizing::new([0u8; 32]);
        digest_key.copy_from_slice(&Sha256::digest(
            [b"jtl-connect token digest key".as_slice(), key].concat(),
        ));
        let pool = target.pool()?;
        let store = Arc::new(Store {
            cipher: Cipher::new(key),
            digest_key,
            pool: Mutex::new((Owner::current(), pool)),
            schema_ready: AtomicBool::new(false),
            target,
        });
        open.insert(registry_key, Arc::downgrade(&store));
        Ok(Self { store })
    }

    /// Where the database is (the URL without its password).
    pub fn location(&self) -> &str {
        self.store.target.location()
    }

    /// A source that serves `inner`'s tokens through this cache under `key` (public parts
    /// as they are; `secret_part`, such as an SCX refresh token, only as a keyed digest).
    pub(crate) fn source(
        &self,
        inner: Arc<dyn TokenSource>,
        public_parts: &[&str],
        secret_part: Option<&Secret>,
        refresh_margin: Duration,
        clock: Arc<dyn Clock>,
        lock_wait: Duration,
    ) -> SharedSource {
        let mut key = public_parts.join(" ");
        if let Some(secret) = secret_part {
            key.push(' ');
            key.push_str(&hex(&self.store.digest(secret.expose())));
        }
        SharedSource {
            shared: Arc::new(SourceInner {
                inner,
                cache: self.clone(),
                key,
                refresh_margin,
                clock,
                lock_wait,
                rejected: Mutex::new(Rejected::default()),
            }),
        }
    }
}

impl Store {
    fn digest(&self, token: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"jtl-connect token digest v1");
        hasher.update(self.digest_key.as_slice());
        hasher.update(token.as_bytes());
        hasher.finalize().into()
    }

    /// The pool, made anew in a forked child: the parent's connections ran on its runtime.
    fn pool(&self) -> Result<Pool> {
        let mut slot = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.0.changed() {
            let stale = std::mem::replace(&mut slot.1, self.target.pool()?);
            // Dropping would talk over connections that belong to the parent.
            std::mem::forget(stale);
        }
        Ok(slot.1.clone())
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        let client = self
            .pool()?
            .get()
            .await
            .map_err(|e| super::postgres::pool_error(self.target.location(), &e))?;
        if !self.schema_ready.load(Ordering::Acquire) {
            self.create_schema(&client).await?;
            self.schema_ready.store(true, Ordering::Release);
        }
        Ok(client)
    }

    async fn create_schema(&self, client: &deadpool_postgres::Object) -> Result<()> {
        let fail = |e: tokio_postgres::Error| {
            super::postgres::store_error(
                self.target.location(),
                "cannot create the token table",
                &e,
            )
        };
        // One statement per round trip keeps the lock and the DDL in one transaction.
        client
            .batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({LOCK_CLASS}, {SCHEMA_LOCK}); {SCHEMA} COMMIT;"
            ))
            .await
            .map_err(fail)
    }

    fn error(&self, doing: &str) -> impl Fn(tokio_postgres::Error) -> Error + '_ {
        let doing = doing.to_owned();
        move |e| super::postgres::store_error(self.target.location(), &doing, &e)
    }

    fn open_row(&self, key: &str, row: &tokio_postgres::Row) -> Option<Stored> {
        let sealed: Vec<u8> = row.try_get(0).ok()?;
        let digest: Vec<u8> = row.try_get(1).ok()?;
        let obtained_ms: i64 = row.try_get(2).ok()?;
        let expires_ms: i64 = row.try_get(3).ok()?;
        let scope: Option<String> = row.try_get(4).ok()?;
        let Some(plain) = self.cipher.open(&sealed, &aad(key)) else {
            // Another master key (or an edited row): treated as no token, and replaced.
            warn!(location = %self.target.location(), "a shared token could not be opened with this master key; every instance must use the same {MASTER_KEY_VAR}");
            return None;
        };
        let value = std::str::from_utf8(&plain).ok()?;
        Some(Stored {
            value: Secret::new(value),
            digest,
            obtained_at: from_ms(obtained_ms),
            expires_at: from_ms(expires_ms),
            scope,
        })
    }
}

/// A token as read from its row.
struct Stored {
    value: Secret,
    digest: Vec<u8>,
    obtained_at: SystemTime,
    expires_at: SystemTime,
    scope: Option<String>,
}

#[derive(Default)]
struct Rejected {
    /// The digest of the last token a 401 refused: a row holding it is never served again.
    digest: Option<[u8; 32]>,
    /// Its row still has to be removed (done first thing in the next fetch).
    pending_delete: bool,
}

/// The [`TokenSource`] of a client whose tokens are shared through a [`SharedTokenCache`].
pub(crate) struct SharedSource {
    shared: Arc<SourceInner>,
}

struct SourceInner {
    inner: Arc<dyn TokenSource>,
    cache: SharedTokenCache,
    key: String,
    refresh_margin: Duration,
    clock: Arc<dyn Clock>,
    lock_wait: Duration,
    rejected: Mutex<Rejected>,
}

impl fmt::Debug for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSource")
            .field("inner", &self.shared.inner)
            .field("cache", &self.shared.cache)
            .finish_non_exhaustive()
    }
}

impl TokenSource for SharedSource {
    fn fetch(&self) -> TokenFuture {
        let shared = self.shared.clone();
        Box::pin(async move { shared.fetch().await })
    }

    fn rejected(&self, token: &AccessToken) {
        let digest = self.shared.cache.store.digest(token.expose());
        let mut rejected = self
            .shared
            .rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        rejected.digest = Some(digest);
        rejected.pending_delete = true;
    }
}

impl SourceInner {
    fn rejected_digest(&self) -> Option<[u8; 32]> {
        self.rejected
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .digest
    }

    /// A stored token worth serving: not refused, and not yet due for refresh by the same
    /// rule the in-process cache uses (the margin, at most half the lifetime).
    fn usable(&self, stored: &Stored, now: SystemTime) -> Option<IssuedToken> {
        if self
            .rejected_digest()
            .is_some_and(|d| d.as_slice() == stored.digest.as_slice())
        {
            return None;
        }
        let lifetime = stored
            .expires_at
            .duration_since(stored.obtained_at)
            .unwrap_or_default();
        let left = stored.expires_at.duration_since(now).ok()?;
        if left <= self.refresh_margin.min(lifetime / 2) {
            return None;
        }
        Some(IssuedToken {
            value: stored.value.clone(),
            lifetime: left,
            scope: stored.scope.clone(),
        })
    }

    async fn fetch(&self) -> Result<IssuedToken> {
        let store = &self.cache.store;
        let started = self.clock.now();
        let mut client = store.client().await?;
        let pending = {
            let rejected = self.rejected.lock().unwrap_or_else(PoisonError::into_inner);
            rejected.digest.filter(|_| rejected.pending_delete)
        };
        if let Some(digest) = pending {
            let removed = client
                .execute(DELETE_IF, &[&self.key, &digest.as_slice()])
                .await
                .map_err(store.error("cannot remove a rejected token"))?;
            debug!(
                removed,
                "rejected token removed from the shared cache if it was still there"
            );
            let mut rejected = self.rejected.lock().unwrap_or_else(PoisonError::into_inner);
            if rejected.digest == Some(digest) {
                rejected.pending_delete = false;
            }
        }
        // The common case: another process (or this one earlier) stored a fresh token.
        let row = client
            .query_opt(READ, &[&self.key])
            .await
            .map_err(store.error("cannot read the shared token"))?;
        if let Some(issued) = row
            .and_then(|row| store.open_row(&self.key, &row))
            .and_then(|stored| self.usable(&stored, started))
        {
            debug!(token = %issued.value.fingerprint(), "token from the shared cache");
            return Ok(issued);
        }
        self.fetch_locked(&mut client, started).await
    }

    /// Under the advisory lock of this key: read again, else fetch and store.
    async fn fetch_locked(
        &self,
        client: &mut deadpool_postgres::Object,
        started: SystemTime,
    ) -> Result<IssuedToken> {
        let store = &self.cache.store;
        let wait = self.lock_wait.as_millis();
        let tx = client
            .transaction()
            .await
            .map_err(store.error("cannot begin a transaction"))?;
        // The waiters give up after the client's deadline; a holder that hangs (alive but
        // stuck, or cut off) loses the lock once it idles longer than a token request may take.
        tx.batch_execute(&format!(
            "SET LOCAL lock_timeout = {wait}; SET LOCAL statement_timeout = {}; SET LOCAL idle_in_transaction_session_timeout = {}",
            wait + 5_000,
            wait + 5_000
        ))
        .await
        .map_err(store.error("cannot set the lock timeout"))?;
        if let Err(e) = tx.execute(LOCK, &[&LOCK_CLASS, &self.key]).await {
            if matches!(
                e.code(),
                Some(&SqlState::LOCK_NOT_AVAILABLE) | Some(&SqlState::QUERY_CANCELED)
            ) {
                return Err(Error::timeout(format!(
                    "{}: waited {:?} for another instance's token request (advisory lock) without an answer",
                    store.target.location(),
                    self.lock_wait
                )));
            }
            return Err(store.error("cannot take the refresh lock")(e));
        }
        let row = tx
            .query_opt(READ, &[&self.key])
            .await
            .map_err(store.error("cannot read the shared token"))?;
        let now = self.clock.now();
        if let Some(issued) = row
            .and_then(|row| store.open_row(&self.key, &row))
            .and_then(|stored| self.usable(&stored, now))
        {
            debug!(token = %issued.value.fingerprint(), "token stored by another instance while this one waited");
            tx.commit()
                .await
                .map_err(store.error("cannot end the transaction"))?;
            return Ok(issued.with_lifetime_from(started, now));
        }
        // This process asks JTL; the others wait on the lock. A failure rolls back (drop).
        let requested = self.clock.now();
        let issued = self.inner.fetch().await?;
        let expires_at = requested + issued.lifetime;
        let digest = store.digest(issued.value.expose());
        let sealed = store
            .cipher
            .seal(issued.value.expose().as_bytes(), &aad(&self.key))?;
        let saved = async {
            tx.execute(
                UPSERT,
                &[
                    &self.key,
                    &sealed,
                    &digest.as_slice(),
                    &to_ms(requested),
                    &to_ms(expires_at),
                    &issued.scope,
                ],
            )
            .await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = saved {
            // The token is good; only sharing it failed. The next refresh tries again.
            warn!(error = %store.error("cannot store the token")(e), "token not shared");
        }
        Ok(issued.with_lifetime_from(started, requested))
    }
}

impl IssuedToken {
    /// The same token with its lifetime, counted from `from`, counted from `started` instead:
    /// the in-process cache dates a token from the moment it asked (before any lock wait).
    fn with_lifetime_from(mut self, started: SystemTime, from: SystemTime) -> Self {
        self.lifetime += from.duration_since(started).unwrap_or_default();
        self
    }
}

/// The associated data of a sealed token: its key, so rows cannot be swapped.
fn aad(key: &str) -> String {
    format!("jtl-connect shared token v1\n{key}")
}

fn to_ms(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn from_ms(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
