//! [`AccountStore`]: connected JTL accounts in an embedded SQLite database or on a PostgreSQL
//! server, sealed at rest. This is the storage of the "Accounts Integration" page: add, list,
//! get, update and delete accounts, get a ready client for one, test its connection, rotate
//! the master key. This module holds the accounts' operations; the rest is by concern:
//!
//! - [`open`]: a SQLite path or a `postgresql://` URL, the key to use, the key check.
//! - [`sql`]: what the store needs from a database, the [`sql::Backend`] trait, and SQLite
//!   (one file, WAL, busy timeout, safe for several processes); [`schema`]: its versioned
//!   migrations. [`postgres`]: the same contract on PostgreSQL (pool, TLS, advisory lock).
//! - [`keys`]: the key in use, opening and sealing rows, the key rotation; [`crypto`]: the
//!   sealing itself. Every row is sealed whole (XChaCha20-Poly1305, the associated data
//!   covering the key generation, id, system, name and every field), so a row edited in the
//!   database is refused as "changed outside the store" before any client is built.
//! - [`files`]: the default path, the database and key files, created private.
//! - [`systems`]: the systems, their fields, building a client from them; [`clients`]: the
//!   clients handed out; [`probe`]: the connection test.
//! - The key check is decided in one transaction (the first key wins, every other one gets
//!   `config` before it writes); a database without its key file is refused.

mod clients;
pub mod crypto;
mod files;
mod grants;
mod keys;
mod open;
mod postgres;
mod probe;
mod schema;
mod sql;
mod systems;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard},
};

use serde::Serialize;

pub use crypto::KeySource;
pub use files::{default_path, DB_VAR};
pub use grants::StoredGrant;
pub use keys::generate_master_key;
pub use systems::System;

use crate::{
    clock::unix_seconds, CloudClient, Error, HttpOptions, Result, ScxClient, Secret, WawiClient,
};
use keys::{changed_outside, Keys};
use sql::{Backend, Refused, Row};
use systems::{check_destination_change, check_fields};

const MAX_NAME_LEN: usize = 100;

/// A stored account as `list` and `get` return it: never the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Stable id (a UUID).
    pub id: String,
    /// The system.
    pub system: System,
    /// The name the user gave it (unique per system).
    pub name: String,
    /// The non-secret fields, e.g. `client_id`, `tenant_id`, `base_url`.
    pub fields: BTreeMap<String, String>,
    /// A masked hint of the secret (`••••1f9c`), for long secrets only.
    pub secret_hint: Option<String>,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

/// A client for an account, of the account's system.
#[derive(Clone, Debug)]
pub enum AccountClient {
    /// A JTL Cloud account.
    Cloud(CloudClient),
    /// A JTL-Wawi account.
    Wawi(WawiClient),
    /// An SCX account.
    Scx(ScxClient),
}

/// The outcome of [`AccountStore::test_connection`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConnectionTest {
    /// Whether the account could authenticate and call the service.
    pub ok: bool,
    /// The HTTP status of the answer that decided the outcome, when there was one.
    pub status: Option<u16>,
    /// The error code when not ok.
    pub code: Option<String>,
    /// What was done, or what went wrong, in the library's own words: never a secret, and
    /// never the target's answer (a test pointed at an internal service reads nothing).
    pub message: String,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

/// The outcome of [`AccountStore::rotate_master_key`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRotation {
    /// The store's new key generation.
    pub generation: i64,
    /// Accounts re-sealed under the new key.
    pub resealed: usize,
    /// Accounts left as they were because their seal was already broken (changed outside the
    /// store): they stay refused; delete and add them again.
    pub unreadable: usize,
    /// User grants re-sealed under the new key.
    pub grants_resealed: usize,
}

/// Connected JTL accounts in a sealed store: a SQLite file or a PostgreSQL database.
pub struct AccountStore {
    // An `Arc` so that user-bound clients can write rotated grants back (store/grants.rs).
    backend: std::sync::Arc<dyn Backend>,
    keys: RwLock<Keys>,
    /// The SQLite file, or the PostgreSQL URL without its password.
    path: PathBuf,
    /// The PostgreSQL URL as given (it may hold the database password).
    url: Option<Secret>,
    key_source: KeySource,
    http: HttpOptions,
    /// Clients handed out, by account id, with the exact row they were built from: repeated
    /// `client(id)` calls share one token cache until the row changes in any way.
    clients: Mutex<HashMap<String, (Row, AccountClient)>>,
    /// User-bound clients handed out (store/grants.rs), by account and user.
    user_clients: Mutex<grants::UserClients>,
}

impl fmt::Debug for AccountStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountStore")
            .field("path", &self.path)
            .field("key_source", &self.key_source)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn hint(secret: &str) -> Option<String> {
    let chars: Vec<char> = secret.chars().collect();
    (chars.len() >= 16).then(|| {
        format!(
            "••••{}",
            chars[chars.len() - 4..].iter().collect::<String>()
        )
    })
}

fn now() -> i64 {
    unix_seconds(std::time::SystemTime::now())
}

fn fields_json(fields: &BTreeMap<String, String>) -> Result<String> {
    serde_json::to_string(fields).map_err(|e| Error::Store {
        message: e.to_string(),
    })
}

impl Row {
    fn account(&self) -> Result<Account> {
        Ok(Account {
            id: self.id.clone(),
            system: System::parse(&self.system)?,
            name: self.name.clone(),
            fields: self.parsed_fields()?,
            secret_hint: self.secret_hint.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }

    fn parsed_fields(&self) -> Result<BTreeMap<String, String>> {
        serde_json::from_str(&self.fields).map_err(|_| changed_outside(self))
    }
}

impl AccountStore {
    fn keys(&self) -> RwLockReadGuard<'_, Keys> {
        self.keys.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Timeouts and retries of the clients this store hands out.
    pub fn set_http_options(&mut self, http: HttpOptions) {
        self.http = http;
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the master key came from.
    pub fn key_source(&self) -> &KeySource {
        &self.key_source
    }

    /// The store's key generation (1 for a new store; each rotation adds one).
    pub fn key_generation(&self) -> i64 {
        self.keys().generation
    }

    /// Adds an account. `fields` are the system's fields by name, the secret included
    /// (`client_secret`, `api_key` or `refresh_token`); required ones must be non-empty.
    pub fn add(&self, system: System, name: &str, fields: &[(&str, &str)]) -> Result<Account> {
        let name = check_name(name)?;
        let (plain, secret) = check_fields(system, fields, None)?;
        let secret = secret.ok_or_else(|| {
            Error::invalid_input(format!(
                "{}: required for {system} accounts",
                system.secret_field()
            ))
        })?;
        let id = uuid::Uuid::new_v4().to_string();
        let keys = self.keys();
        let row = keys.seal(
            &id,
            system,
            &name,
            &plain,
            &secret,
            hint(secret.expose()),
            now(),
        )?;
        match self.backend.insert(keys.generation, &row)? {
            Ok(()) => row.account(),
            Err(Refused::NameTaken) => Err(name_taken(system, &name)),
            Err(refused) => Err(refused.into()),
        }
    }

    /// Every account, sorted by system and name. Never a secret.
    pub fn list(&self) -> Result<Vec<Account>> {
        self.backend.list()?.iter().map(Row::account).collect()
    }

    /// One account by id (`not_found` if there is none). Never the secret.
    pub fn get(&self, id: &str) -> Result<Account> {
        self.backend
            .by_id(id)?
            .ok_or_else(|| no_account(id))?
            .account()
    }

    /// One account by system and name, if it exists.
    pub fn find(&self, system: System, name: &str) -> Result<Option<Account>> {
        self.backend
            .by_name(system.as_str(), name.trim())?
            .map(|row| row.account())
            .transpose()
    }

    /// Changes an account: a new `name` if given, and the given fields (an empty value
    /// clears an optional field). The secret stays as it is unless a new one is given, and
    /// must be given again when a field that says where it is sent changes
    /// ([`System::destination_fields`]); else `invalid_input` naming the secret field.
    /// A row changed outside the store is refused (`store`), never re-sealed.
    pub fn update(&self, id: &str, name: Option<&str>, fields: &[(&str, &str)]) -> Result<Account> {
        let keys = self.keys();
        let mut change = |row: Row| -> Result<Row> {
            let (system, existing, old_secret) = keys.open(&row)?;
            let name = match name {
                Some(n) => check_name(n)?,
                None => row.name.clone(),
            };
            let (plain, new_secret) = check_fields(system, fields, Some(&existing))?;
            check_destination_change(system, &existing, &plain, new_secret.is_some())?;
            let (secret, secret_hint) = match new_secret {
                Some(secret) => {
                    let hint = hint(secret.expose());
                    (secret, hint)
                }
                None => (old_secret, row.secret_hint.clone()),
            };
            keys.seal(
                &row.id,
                system,
                &name,
                &plain,
                &secret,
                secret_hint,
                row.created_at,
            )
        };
        let changed = self.backend.modify(keys.generation, id, &mut change)?;
        lock(&self.clients).remove(id);
        match changed {
            Ok(Some(row)) => row.account(),
            Ok(None) => Err(no_account(id)),
            Err(Refused::NameTaken) => Err(name_taken(
                self.get(id)?.system,
                name.unwrap_or_default().trim(),
            )),
            Err(refused) => Err(refused.into()),
        }
    }

    /// Deletes an account (`not_found` if there is none). A row changed outside the store
    /// can always be deleted.
    pub fn delete(&self, id: &str) -> Result<()> {
        let removed = self.backend.delete(id)?;
        lock(&self.clients).remove(id);
        if removed {
            Ok(())
        } else {
            Err(no_account(id))
        }
    }
}

fn no_account(id: &str) -> Error {
    Error::NotFound {
        message: format!("no account with id {id:?}"),
        detail: Default::default(),
    }
}

fn name_taken(system: System, name: &str) -> Error {
    Error::Conflict {
        message: format!(
            "name: an account named {name:?} already exists for {system}; choose another name"
        ),
        detail: Default::default(),
    }
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid_input(
            "name: required (the account name to display); found an empty string",
        ));
    }
    if name.chars().count() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(Error::invalid_input(format!(
            "name: expected at most {MAX_NAME_LEN} printable characters"
        )));
    }
    Ok(name.to_owned())
}
