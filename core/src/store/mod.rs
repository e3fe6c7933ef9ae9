//! [`AccountStore`]: connected JTL accounts in an embedded SQLite database, their secrets
//! encrypted at rest. This is the storage of the "Accounts Integration" page: add, list,
//! get, update and delete accounts, get a ready client for one, test its connection.
//!
//! - One file (WAL, busy timeout), safe to use from several processes at once.
//! - Secrets (client secret, API key, refresh token) are sealed with XChaCha20-Poly1305
//!   under a master key ([`crypto`]); `list` and `get` return a masked hint at most.
//! - A wrong master key is detected at open and changes nothing.

pub mod crypto;
mod schema;
mod systems;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

pub use crypto::KeySource;
pub use systems::System;

use crate::{
    clock::unix_seconds, credentials::optional_env_var, endpoints::parse_url_with,
    ClientCredentials, CloudClient, Endpoints, Error, HttpOptions, Result, ScxClient, Secret,
    WawiClient,
};
use crypto::Cipher;
use schema::store_error;
use systems::Kind;

/// The environment variable naming the database file.
pub const DB_VAR: &str = "JTL_CONNECT_DB";
const KEY_CHECK: &[u8] = b"jtl-connect master key check v1";
const MAX_NAME_LEN: usize = 100;
const MAX_FIELD_LEN: usize = 4096;

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
    /// The error code when not ok.
    pub code: Option<String>,
    /// What was done, or what went wrong (never a secret).
    pub message: String,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

/// Connected JTL accounts in an encrypted SQLite store.
pub struct AccountStore {
    conn: Mutex<Connection>,
    cipher: Cipher,
    path: PathBuf,
    key_source: KeySource,
    http: HttpOptions,
    /// Clients handed out, by account id and its `updated_at`: repeated `client(id)` calls
    /// share one token cache until the account changes.
    clients: Mutex<HashMap<String, (i64, AccountClient)>>,
}

impl fmt::Debug for AccountStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountStore")
            .field("path", &self.path)
            .field("key_source", &self.key_source)
            .finish_non_exhaustive()
    }
}

impl System {
    /// Checks non-secret fields the way [`AccountStore::add`] does (known names, required
    /// ones present, URL/environment/boolean formats), leaving the secret aside: a caller can
    /// validate a form before asking for the secret.
    pub fn check_fields(self, fields: &[(&str, &str)]) -> Result<()> {
        let secret = self.secret_field();
        let mut with_secret: Vec<(&str, &str)> = fields
            .iter()
            .copied()
            .filter(|(n, _)| *n != secret)
            .collect();
        with_secret.push((secret, "placeholder"));
        check_fields(self, &with_secret, None).map(|_| ())
    }
}

/// The per-user default database path: `$JTL_CONNECT_DB`, else
/// `$XDG_DATA_HOME/jtl-connect/accounts.db` (Linux), `~/Library/Application Support/...`
/// (macOS), `%APPDATA%\jtl-connect\accounts.db` (Windows).
pub fn default_path() -> Result<PathBuf> {
    if let Some(path) = optional_env_var(DB_VAR) {
        return Ok(PathBuf::from(path));
    }
    let base = if cfg!(windows) {
        optional_env_var("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        optional_env_var("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        optional_env_var("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| optional_env_var("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join("jtl-connect").join("accounts.db"))
        .ok_or_else(|| {
            Error::config(format!(
                "no place for the account store: set {DB_VAR} (or HOME)"
            ))
        })
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

fn aad(id: &str, system: System) -> String {
    format!("account:{id}:{}", system.as_str())
}

impl AccountStore {
    /// Opens (or creates) the store at `path`, or at [`default_path`] if `None`, with the
    /// master key from `JTL_CONNECT_MASTER_KEY` or the key file beside it.
    pub fn open(path: Option<&Path>) -> Result<Self> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => default_path()?,
        };
        prepare_dir(&path)?;
        let (key, source) = crypto::load_master_key(&path)?;
        Self::open_with_key(&path, &key, source)
    }

    /// Opens the store at `path` with an explicit 32-byte master key.
    pub fn open_with_master_key(path: &Path, key: &[u8; 32]) -> Result<Self> {
        prepare_dir(path)?;
        Self::open_with_key(path, key, KeySource::Explicit)
    }

    fn open_with_key(path: &Path, key: &[u8; 32], key_source: KeySource) -> Result<Self> {
        create_private(path)?;
        let mut conn = Connection::open(path)
            .map_err(|e| store_error(&format!("cannot open {}", path.display()), e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| store_error("cannot set the busy timeout", e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
            .map_err(|e| store_error("cannot configure the database", e))?;
        let cipher = Cipher::new(key);
        // The key is checked before anything is written: a wrong key changes nothing.
        verify_key(&conn, &cipher, &key_source)?;
        schema::migrate(&mut conn)?;
        record_key_check(&mut conn, &cipher)?;
        Ok(Self {
            conn: Mutex::new(conn),
            cipher,
            path: path.to_path_buf(),
            key_source,
            http: HttpOptions::default(),
            clients: Mutex::new(HashMap::new()),
        })
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
        let now = unix_seconds(std::time::SystemTime::now());
        let sealed = self
            .cipher
            .seal(secret.expose().as_bytes(), &aad(&id, system))?;
        let fields_json = serde_json::to_string(&plain).map_err(|e| Error::Store {
            message: e.to_string(),
        })?;
        let conn = lock(&self.conn);
        let inserted = conn.execute(
            "INSERT INTO accounts (id, system, name, fields, secret, secret_hint, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            params![id, system.as_str(), name, fields_json, sealed, hint(secret.expose()), now],
        );
        match inserted {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(name_taken(system, &name));
            }
            Err(e) => return Err(store_error("cannot add the account", e)),
        }
        drop(conn);
        self.get(&id)
    }

    /// Every account, sorted by system and name. Never a secret.
    pub fn list(&self) -> Result<Vec<Account>> {
        let conn = lock(&self.conn);
        let mut statement = conn
            .prepare(
                "SELECT id, system, name, fields, secret_hint, created_at, updated_at
                 FROM accounts ORDER BY system, name COLLATE NOCASE",
            )
            .map_err(|e| store_error("cannot list accounts", e))?;
        let rows = statement
            .query_map([], row_to_account)
            .map_err(|e| store_error("cannot list accounts", e))?;
        rows.map(|r| r.map_err(|e| store_error("cannot read an account", e))?)
            .collect()
    }

    /// One account by id (`not_found` if there is none). Never the secret.
    pub fn get(&self, id: &str) -> Result<Account> {
        self.find_by("id = ?1", &[id])?
            .ok_or_else(|| not_found(&format!("no account with id {id:?}")))
    }

    /// One account by system and name, if it exists.
    pub fn find(&self, system: System, name: &str) -> Result<Option<Account>> {
        self.find_by("system = ?1 AND name = ?2", &[system.as_str(), name.trim()])
    }

    fn find_by(&self, condition: &str, values: &[&str]) -> Result<Option<Account>> {
        let conn = lock(&self.conn);
        let sql = format!(
            "SELECT id, system, name, fields, secret_hint, created_at, updated_at FROM accounts WHERE {condition}"
        );
        conn.query_row(&sql, rusqlite::params_from_iter(values), row_to_account)
            .optional()
            .map_err(|e| store_error("cannot read the account", e))?
            .transpose()
    }

    /// Changes an account: a new `name` if given, and the given fields (an empty value
    /// clears an optional field). The secret stays as it is unless a new one is given.
    pub fn update(&self, id: &str, name: Option<&str>, fields: &[(&str, &str)]) -> Result<Account> {
        let mut conn = lock(&self.conn);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| store_error("cannot lock the database", e))?;
        let current: Option<(String, String, String)> = tx
            .query_row(
                "SELECT system, name, fields FROM accounts WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .map_err(|e| store_error("cannot read the account", e))?;
        let Some((system, old_name, old_fields)) = current else {
            return Err(not_found(&format!("no account with id {id:?}")));
        };
        let system = System::parse(&system)?;
        let existing: BTreeMap<String, String> =
            serde_json::from_str(&old_fields).map_err(|e| Error::Store {
                message: format!("stored fields: {e}"),
            })?;
        let name = match name {
            Some(n) => check_name(n)?,
            None => old_name,
        };
        let (plain, secret) = check_fields(system, fields, Some(&existing))?;
        let now = unix_seconds(std::time::SystemTime::now());
        let fields_json = serde_json::to_string(&plain).map_err(|e| Error::Store {
            message: e.to_string(),
        })?;
        let changed = match secret.filter(|s| !s.is_blank()) {
            Some(secret) => {
                let sealed = self
                    .cipher
                    .seal(secret.expose().as_bytes(), &aad(id, system))?;
                tx.execute(
                    "UPDATE accounts SET name = ?2, fields = ?3, secret = ?4, secret_hint = ?5, updated_at = ?6 WHERE id = ?1",
                    params![id, name, fields_json, sealed, hint(secret.expose()), now],
                )
            }
            None => tx.execute(
                "UPDATE accounts SET name = ?2, fields = ?3, updated_at = ?4 WHERE id = ?1",
                params![id, name, fields_json, now],
            ),
        };
        match changed {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(name_taken(system, &name));
            }
            Err(e) => return Err(store_error("cannot update the account", e)),
        }
        tx.commit()
            .map_err(|e| store_error("cannot commit the update", e))?;
        drop(conn);
        lock(&self.clients).remove(id);
        self.get(id)
    }

    /// Deletes an account (`not_found` if there is none).
    pub fn delete(&self, id: &str) -> Result<()> {
        let removed = lock(&self.conn)
            .execute("DELETE FROM accounts WHERE id = ?1", [id])
            .map_err(|e| store_error("cannot delete the account", e))?;
        lock(&self.clients).remove(id);
        match removed {
            0 => Err(not_found(&format!("no account with id {id:?}"))),
            _ => Ok(()),
        }
    }

    /// A ready client for the account. Calls for the same unchanged account share one
    /// client and so one token cache; `tenant_id` overrides a Cloud account's default tenant.
    pub fn client(&self, id: &str, tenant_id: Option<&str>) -> Result<AccountClient> {
        let account = self.get(id)?;
        let cached = lock(&self.clients)
            .get(id)
            .filter(|(version, _)| *version == account.updated_at)
            .map(|(_, client)| client.clone());
        let client = match cached {
            Some(client) => client,
            None => {
                let client = self.build_client(&account)?;
                lock(&self.clients).insert(id.to_owned(), (account.updated_at, client.clone()));
                client
            }
        };
        match (client, tenant_id) {
            (AccountClient::Cloud(cloud), Some(tenant)) => {
                Ok(AccountClient::Cloud(cloud.for_tenant(tenant)?))
            }
            (client, _) => Ok(client),
        }
    }

    fn secret_of(&self, account: &Account) -> Result<Secret> {
        let sealed: Vec<u8> = lock(&self.conn)
            .query_row(
                "SELECT secret FROM accounts WHERE id = ?1",
                [&account.id],
                |row| row.get(0),
            )
            .map_err(|e| store_error("cannot read the secret", e))?;
        self.cipher
            .open_secret(&sealed, &aad(&account.id, account.system))
    }

    fn build_client(&self, account: &Account) -> Result<AccountClient> {
        let secret = self.secret_of(account)?;
        let field = |name: &str| account.fields.get(name).map(String::as_str);
        let environment = |default: Endpoints| match field("environment") {
            Some(name) => Endpoints::from_name(name),
            None => Ok(default),
        };
        Ok(match account.system {
            System::Cloud => {
                let credentials =
                    ClientCredentials::new(field("client_id").unwrap_or_default(), secret)?;
                let mut builder = CloudClient::builder(credentials)
                    .endpoints(environment(Endpoints::production())?)
                    .http_options(self.http.clone());
                if let Some(tenant) = field("tenant_id") {
                    builder = builder.tenant_id(tenant);
                }
                AccountClient::Cloud(builder.build()?)
            }
            System::Wawi => {
                let mut builder =
                    WawiClient::builder(field("base_url").unwrap_or_default(), secret)
                        .http_options(self.http.clone());
                if let Some(app_id) = field("app_id") {
                    builder = builder.app_id(app_id);
                }
                if let Some(version) = field("app_version") {
                    builder = builder.app_version(version);
                }
                AccountClient::Wawi(builder.build()?)
            }
            System::Scx => {
                let default = if field("sandbox") == Some("true") {
                    Endpoints::sandbox()
                } else {
                    Endpoints::production()
                };
                AccountClient::Scx(
                    ScxClient::builder(secret)
                        .endpoints(environment(default)?)
                        .http_options(self.http.clone())
                        .build()?,
                )
            }
        })
    }

    /// Gets a token and calls the service: `/info` for Cloud (when a tenant is known), one
    /// items page for Wawi, the auth exchange for SCX. Reports ok or the error code.
    pub async fn test_connection(
        &self,
        id: &str,
        tenant_id: Option<&str>,
    ) -> Result<ConnectionTest> {
        let client = self.client(id, tenant_id)?;
        let started = Instant::now();
        let outcome: Result<String> = match &client {
            AccountClient::Cloud(cloud) => match cloud.tenant_id() {
                Some(_) => cloud
                    .get("info")
                    .await
                    .map(|r| format!("token obtained; GET /info answered {}", r.status())),
                None => cloud
                    .access_token()
                    .await
                    .map(|_| "token obtained (no tenant set, so /info was not called)".to_owned()),
            },
            AccountClient::Wawi(wawi) => wawi.page("v1/items", &[], 1, 1).await.map(|p| {
                format!(
                    "API key accepted; {} items",
                    p.total_items.map_or("some".into(), |n| n.to_string())
                )
            }),
            AccountClient::Scx(scx) => scx
                .access_token()
                .await
                .map(|_| "refresh token accepted; auth token obtained".to_owned()),
        };
        let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        Ok(match outcome {
            Ok(message) => ConnectionTest {
                ok: true,
                code: None,
                message,
                elapsed_ms,
            },
            Err(error) => ConnectionTest {
                ok: false,
                code: Some(error.code().to_owned()),
                message: error.to_string(),
                elapsed_ms,
            },
        })
    }
}

/// Creates the database file readable by its owner only (SQLite gives its -wal and -shm
/// files the same permissions). An existing file is left as it is.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Store {
            message: format!("cannot create {}: {e}", path.display()),
        }),
    }
}

fn prepare_dir(path: &Path) -> Result<()> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| Error::Store {
        message: format!("cannot create {}: {e}", dir.display()),
    })
}

/// An existing store holds a sealed constant that only the right key opens.
fn verify_key(conn: &Connection, cipher: &Cipher, source: &KeySource) -> Result<()> {
    let has_meta: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| store_error("cannot read the schema", e))?;
    if !has_meta {
        return Ok(());
    }
    let stored: Option<Vec<u8>> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'key_check'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(|e| store_error("cannot read the key check", e))?;
    match stored.map(|sealed| cipher.open(&sealed, "meta:key_check")) {
        None => Ok(()),
        Some(Some(plain)) if plain.as_slice() == KEY_CHECK => Ok(()),
        Some(_) => Err(Error::Store {
            message: format!(
                "the master key ({}) does not match this database; nothing was changed. Use the key it was created with",
                match source {
                    KeySource::Environment => format!("from {}", crypto::MASTER_KEY_VAR),
                    KeySource::File(p) => format!("from {}", p.display()),
                    KeySource::Explicit => "given".to_owned(),
                }
            ),
        }),
    }
}

/// A new store records the sealed constant (once, even with several processes opening it).
fn record_key_check(conn: &mut Connection, cipher: &Cipher) -> Result<()> {
    let present: bool = conn
        .query_row(
            "SELECT count(*) FROM meta WHERE key = 'key_check'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| store_error("cannot read the key check", e))?;
    if present {
        return Ok(());
    }
    let sealed = cipher.seal(KEY_CHECK, "meta:key_check")?;
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', ?1)",
        [sealed],
    )
    .map_err(|e| store_error("cannot write the key check", e))?;
    // Another process may have won the race with its own key: check again.
    let stored: Vec<u8> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'key_check'",
            [],
            |row| row.get(0),
        )
        .map_err(|e| store_error("cannot read the key check", e))?;
    match cipher.open(&stored, "meta:key_check") {
        Some(plain) if plain.as_slice() == KEY_CHECK => Ok(()),
        _ => Err(Error::Store {
            message:
                "another process created this store with a different master key at the same moment"
                    .into(),
        }),
    }
}

fn row_to_account(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Account>> {
    let system: String = row.get(1)?;
    let fields: String = row.get(3)?;
    Ok((|| {
        Ok(Account {
            id: row.get(0).map_err(|e| store_error("id", e))?,
            system: System::parse(&system)?,
            name: row.get(2).map_err(|e| store_error("name", e))?,
            fields: serde_json::from_str(&fields).map_err(|e| Error::Store {
                message: format!("stored fields: {e}"),
            })?,
            secret_hint: row.get(4).map_err(|e| store_error("secret_hint", e))?,
            created_at: row.get(5).map_err(|e| store_error("created_at", e))?,
            updated_at: row.get(6).map_err(|e| store_error("updated_at", e))?,
        })
    })())
}

fn not_found(message: &str) -> Error {
    Error::NotFound {
        message: message.to_owned(),
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

/// Validates `given` for `system`, merged over `existing` on update. Returns the plain
/// fields to store and the secret if one was given.
fn check_fields(
    system: System,
    given: &[(&str, &str)],
    existing: Option<&BTreeMap<String, String>>,
) -> Result<(BTreeMap<String, String>, Option<Secret>)> {
    let mut plain = existing.cloned().unwrap_or_default();
    let mut secret = None;
    for (name, value) in given {
        let spec = system.field(name)?;
        let value = value.trim();
        if value.chars().count() > MAX_FIELD_LEN {
            return Err(Error::invalid_input(format!(
                "{name}: longer than {MAX_FIELD_LEN} characters"
            )));
        }
        if spec.secret {
            secret = Some(Secret::new(value));
            continue;
        }
        if value.is_empty() {
            plain.remove(*name);
            continue;
        }
        let value = match spec.kind {
            Kind::Text => value.to_owned(),
            Kind::Url => parse_url_with(name, value, true)?
                .as_str()
                .trim_end_matches('/')
                .to_owned(),
            Kind::Environment => {
                Endpoints::from_name(value)
                    .map_err(|e| Error::invalid_input(format!("{name}: {e}")))?;
                value.to_owned()
            }
            Kind::Bool => match value.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => "true".to_owned(),
                "false" | "0" | "no" | "off" => "false".to_owned(),
                _ => {
                    return Err(Error::invalid_input(format!(
                        "{name}: expected true or false; found {value:?}"
                    )))
                }
            },
        };
        plain.insert((*name).to_owned(), value);
    }
    for spec in system.fields().iter().filter(|f| f.required) {
        let present = if spec.secret {
            // On update the stored secret counts; a blank new one does not replace it.
            existing.is_some() || secret.as_ref().is_some_and(|s| !s.is_blank())
        } else {
            plain.contains_key(spec.name)
        };
        if !present {
            return Err(Error::invalid_input(format!(
                "{}: required for {} accounts",
                spec.name,
                system.as_str()
            )));
        }
    }
    let secret = secret.filter(|s| !s.is_blank());
    Ok((plain, secret))
}
