//! [`AccountStore`]: connected JTL accounts in an embedded SQLite database, sealed at rest.
//! This is the storage of the "Accounts Integration" page: add, list, get, update and delete
//! accounts, get a ready client for one, test its connection, rotate the master key.
//!
//! - [`sql`]: the database behind a [`sql::Backend`] trait (SQLite: one file, WAL, busy
//!   timeout, safe for several processes); [`schema`]: its versioned migrations.
//! - [`crypto`]: keys and sealing. Every row is sealed whole (XChaCha20-Poly1305, the
//!   associated data covering the key generation, id, system, name and every field), so a row
//!   edited in the file is refused as "changed outside the store" before any client is built.
//! - [`files`]: the default path, the database and key files, created private.
//! - [`systems`]: the systems, their fields, and building a client from them; [`probe`]: the
//!   connection test.
//! - The key check is decided in one transaction (the first key wins, every other one gets
//!   `config` before it writes); a database without its key file is refused.

pub mod crypto;
mod files;
mod grants;
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
pub use systems::System;

use crate::{
    clock::unix_seconds, CloudClient, Error, HttpOptions, Result, ScxClient, Secret, WawiClient,
};
use crypto::{Cipher, RowView};
use sql::{Backend, KeyCheck, Refused, Row, Sqlite};
use systems::{build_client, check_destination_change, check_fields};

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
    /// User grants re-sealed under the new key. Serialized only when there were any, so the
    /// JSON of a store without user grants keeps its earlier shape.
    #[serde(skip_serializing_if = "is_zero")]
    pub grants_resealed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The master key in use and the generation the store is at.
struct Keys {
    cipher: Cipher,
    generation: i64,
}

/// Connected JTL accounts in a sealed SQLite store.
pub struct AccountStore {
    // An `Arc` so that user-bound clients can write rotated grants back (store/grants.rs).
    backend: std::sync::Arc<dyn Backend>,
    keys: RwLock<Keys>,
    path: PathBuf,
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

/// A new random 32-byte master key (for [`AccountStore::rotate_master_key`]).
pub fn generate_master_key() -> zeroize::Zeroizing<[u8; 32]> {
    crypto::random_key()
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

fn key_mismatch(source: &KeySource) -> Error {
    Error::config(format!(
        "the master key ({}) does not match this account store; nothing was changed. Use the key it was created with",
        match source {
            KeySource::Environment => format!("from {}", crypto::MASTER_KEY_VAR),
            KeySource::File(p) => format!("from {}", p.display()),
            KeySource::Explicit => "given".to_owned(),
        }
    ))
}

/// A row whose seal does not open: refused, never used. The name and id are the row's as
/// stored (they may be the edited ones).
fn changed_outside(row: &Row) -> Error {
    Error::Store {
        message: format!(
            "account {:?} ({}, id {}) was changed outside the store: its fields no longer match their seal, so nothing was sent; delete it and add it again",
            row.name, row.system, row.id
        ),
    }
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

impl Keys {
    /// The row's system, fields and secret, if its seal opens in this generation.
    fn open(&self, row: &Row) -> Result<(System, BTreeMap<String, String>, Secret)> {
        let system = System::parse(&row.system).map_err(|_| changed_outside(row))?;
        let fields = row.parsed_fields()?;
        let view = RowView {
            id: &row.id,
            system: &row.system,
            name: &row.name,
            fields: &fields,
            secret_hint: row.secret_hint.as_deref(),
        };
        let secret = crypto::open_row(&self.cipher, self.generation, &view, &row.secret)
            .ok_or_else(|| changed_outside(row))?;
        Ok((system, fields, secret))
    }

    /// A row sealed in this generation.
    #[allow(clippy::too_many_arguments)]
    fn seal(
        &self,
        id: &str,
        system: System,
        name: &str,
        fields: &BTreeMap<String, String>,
        secret: &Secret,
        secret_hint: Option<String>,
        created_at: i64,
    ) -> Result<Row> {
        let view = RowView {
            id,
            system: system.as_str(),
            name,
            fields,
            secret_hint: secret_hint.as_deref(),
        };
        Ok(Row {
            secret: crypto::seal_row(&self.cipher, self.generation, &view, secret)?,
            id: id.to_owned(),
            system: system.as_str().to_owned(),
            name: name.to_owned(),
            fields: fields_json(fields)?,
            secret_hint,
            created_at,
            updated_at: now(),
        })
    }
}

impl AccountStore {
    /// Opens (or creates) the store at `path`, or at [`default_path`] if `None`, with the
    /// master key from `JTL_CONNECT_MASTER_KEY` or the key file beside it. A database that
    /// holds data but has no key file is refused (`config`), and no key file is written.
    pub fn open(path: Option<&Path>) -> Result<Self> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => default_path()?,
        };
        files::prepare_dir(&path)?;
        let keys = crypto::load_master_key(&path)?;
        if let Some(store) = Self::try_open(&path, &keys.key, keys.source.clone())? {
            if keys.pending.is_some() {
                // A rotation that did not commit left its next key behind: not needed.
                let _ = std::fs::remove_file(files::pending_key_path(&path));
            }
            return Ok(store);
        }
        // A rotation that committed but did not move its key file into place: finish it.
        if let Some(pending) = &keys.pending {
            if let Some(store) = Self::try_open(&path, pending, keys.source.clone())? {
                files::promote_pending_key(&path)?;
                return Ok(store);
            }
        }
        Err(key_mismatch(&keys.source))
    }

    /// Opens the store at `path` with an explicit 32-byte master key.
    pub fn open_with_master_key(path: &Path, key: &[u8; 32]) -> Result<Self> {
        files::prepare_dir(path)?;
        Self::try_open(path, key, KeySource::Explicit)?
            .ok_or_else(|| key_mismatch(&KeySource::Explicit))
    }

    /// The store, or `None` if it belongs to another key (then nothing was written).
    fn try_open(path: &Path, key: &[u8; 32], key_source: KeySource) -> Result<Option<Self>> {
        files::create_private(path)?;
        let backend = Sqlite::open(path)?;
        let cipher = Cipher::new(key);
        let generation = match backend.open_checked(&cipher)? {
            KeyCheck::Matches(generation) => generation,
            KeyCheck::Mismatch => return Ok(None),
        };
        Ok(Some(Self {
            backend: std::sync::Arc::new(backend),
            keys: RwLock::new(Keys { cipher, generation }),
            path: path.to_path_buf(),
            key_source,
            http: HttpOptions::default(),
            clients: Mutex::new(HashMap::new()),
            user_clients: Mutex::new(HashMap::new()),
        }))
    }

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

    /// A ready client for the account. Calls for the same unchanged account share one
    /// client and so one token cache; `tenant_id` overrides a Cloud account's default tenant.
    /// A row changed outside the store is refused (`store`) before a client exists.
    pub fn client(&self, id: &str, tenant_id: Option<&str>) -> Result<AccountClient> {
        let client = self.opened_client(id)?.0;
        match (client, tenant_id) {
            (AccountClient::Cloud(cloud), Some(tenant)) => {
                Ok(AccountClient::Cloud(cloud.for_tenant(tenant)?))
            }
            (client, _) => Ok(client),
        }
    }

    /// The client of the row as it is now, with its system and fields.
    fn opened_client(&self, id: &str) -> Result<(AccountClient, System, BTreeMap<String, String>)> {
        let (row, generation) = self
            .backend
            .by_id_with_generation(id)?
            .ok_or_else(|| no_account(id))?;
        let keys = self.keys();
        if generation != keys.generation {
            return Err(Refused::Rotated(generation).into());
        }
        if let Some((_, client)) = lock(&self.clients).get(id).filter(|(seen, _)| *seen == row) {
            // The very bytes that were opened before: no need to open them again.
            let system = System::parse(&row.system)?;
            return Ok((client.clone(), system, row.parsed_fields()?));
        }
        let (system, fields, secret) = keys.open(&row)?;
        let client = build_client(system, &fields, secret, &self.http)?;
        lock(&self.clients).insert(id.to_owned(), (row, client.clone()));
        Ok((client, system, fields))
    }

    /// Gets a token and calls the service: `/info` for Cloud (when a tenant is known), one
    /// items page for Wawi, the auth exchange for SCX. Reports ok, or the status, error code
    /// and a message of the library's own (never the target's answer). A row changed outside
    /// the store is a `store` error, and nothing is sent.
    pub async fn test_connection(
        &self,
        id: &str,
        tenant_id: Option<&str>,
    ) -> Result<ConnectionTest> {
        let (_, system, fields) = self.opened_client(id)?;
        let client = self.client(id, tenant_id)?;
        Ok(probe::run(&client, system, &fields).await)
    }

    /// Re-seals every account under a new master key and the next key generation, in one
    /// transaction; ciphertexts from before (a row restored from a backup) stop opening.
    ///
    /// `new_key` may be left out when the key comes from a key file: a random key is made,
    /// and the key file is replaced once the rotation committed (through `<db>.key.new`, so a
    /// crash in between leaves a store that opens). With `JTL_CONNECT_MASTER_KEY` or an
    /// explicit key, give the new key and use it from now on. Other handles on the store
    /// get `config` errors until reopened with the new key.
    pub fn rotate_master_key(&self, new_key: Option<&[u8; 32]>) -> Result<KeyRotation> {
        let generated;
        let new_key: &[u8; 32] = match (new_key, &self.key_source) {
            (Some(key), _) => key,
            (None, KeySource::File(_)) => {
                generated = crypto::random_key();
                &generated
            }
            (None, source) => {
                return Err(Error::invalid_input(format!(
                    "new_key: required, the master key is {}; give the new 32-byte key (and use it to open the store from now on)",
                    match source {
                        KeySource::Environment => format!("from {}", crypto::MASTER_KEY_VAR),
                        _ => "given by the program".to_owned(),
                    }
                )))
            }
        };
        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        let next = Keys {
            cipher: Cipher::new(new_key),
            generation: keys.generation + 1,
        };
        let key_file = matches!(self.key_source, KeySource::File(_));
        if key_file {
            files::write_private(&files::pending_key_path(&self.path), new_key)?;
        }
        let (mut resealed, mut unreadable) = (0, 0);
        let mut reseal = |row: Row| -> Result<Row> {
            let Ok((system, fields, secret)) = keys.open(&row) else {
                unreadable += 1;
                return Ok(row);
            };
            resealed += 1;
            let mut sealed = next.seal(
                &row.id,
                system,
                &row.name,
                &fields,
                &secret,
                row.secret_hint.clone(),
                row.created_at,
            )?;
            sealed.updated_at = row.updated_at;
            Ok(sealed)
        };
        // User grants (store/grants.rs) are re-sealed in the same transaction.
        let mut grants_resealed = 0;
        let mut reseal_grant = |row: grants::GrantRow| -> Result<grants::GrantRow> {
            let Ok(grant) = grants::open(&keys.cipher, keys.generation, &row) else {
                return Ok(row);
            };
            grants_resealed += 1;
            let mut sealed = grants::seal(
                &next.cipher,
                next.generation,
                &row.account_id,
                &grant,
                row.created_at,
            )?;
            sealed.updated_at = row.updated_at;
            Ok(sealed)
        };
        let check = crypto::seal_key_check(&next.cipher, next.generation)?;
        let rotated = self.backend.rotate_with_grants(
            keys.generation,
            &mut reseal,
            &mut reseal_grant,
            &check,
        );
        match rotated {
            Ok(Ok(_)) => {}
            failed => {
                if key_file {
                    let _ = std::fs::remove_file(files::pending_key_path(&self.path));
                }
                return Err(match failed {
                    Err(e) => e,
                    Ok(Err(refused)) => refused.into(),
                    Ok(Ok(_)) => Error::Store {
                        message: "the key rotation did not finish".into(),
                    },
                });
            }
        }
        if key_file {
            files::promote_pending_key(&self.path)?;
        }
        let rotation = KeyRotation {
            generation: next.generation,
            resealed,
            unreadable,
            grants_resealed,
        };
        *keys = next;
        lock(&self.clients).clear();
        lock(&self.user_clients).clear();
        Ok(rotation)
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
