//! [`AccountStore`]: connected JTL accounts in an encrypted SQLite file (wraps
//! [`jtl_connect::AccountStore`]). Secrets go in, and never come out of `list`/`get`.

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use jtl_connect::System;

use crate::{
    cloud::CloudClient,
    errors::JtlError,
    options::HttpOptions,
    runtime::{block, spawn},
    scx::ScxClient,
    wawi::WawiClient,
};

/// A stored account as `list` and `get` return it: never the secret.
#[derive(Clone, Debug, uniffi::Record)]
pub struct Account {
    /// Stable id (a UUID).
    pub id: String,
    /// `jtl-cloud`, `jtl-wawi` or `jtl-scx`.
    pub system: String,
    /// The name the user gave it (unique per system).
    pub name: String,
    /// The non-secret fields (`client_id`, `tenant_id`, `base_url`, ...).
    pub fields: HashMap<String, String>,
    /// A masked hint of the secret (`••••1f9c`), for long secrets only.
    pub secret_hint: Option<String>,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
}

impl From<jtl_connect::Account> for Account {
    fn from(account: jtl_connect::Account) -> Self {
        Self {
            id: account.id,
            system: account.system.as_str().to_owned(),
            name: account.name,
            fields: account.fields.into_iter().collect(),
            secret_hint: account.secret_hint,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}

/// The outcome of `testConnection`.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ConnectionTest {
    /// Whether the account could authenticate and call the service.
    pub ok: bool,
    /// The HTTP status of the answer that decided the outcome, when there was one.
    pub status: Option<u16>,
    /// The error code when not ok.
    pub code: Option<String>,
    /// What was done, or what went wrong: never a secret, never the target's answer.
    pub message: String,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
}

impl From<jtl_connect::ConnectionTest> for ConnectionTest {
    fn from(test: jtl_connect::ConnectionTest) -> Self {
        Self {
            ok: test.ok,
            status: test.status,
            code: test.code,
            message: test.message,
            elapsed_ms: test.elapsed_ms,
        }
    }
}

/// The outcome of `rotateMasterKey`.
#[derive(Clone, Debug, uniffi::Record)]
pub struct KeyRotation {
    /// The store's new key generation.
    pub generation: i64,
    /// Accounts re-sealed under the new key.
    pub resealed: u64,
    /// Accounts left as they were because they had been changed outside the store.
    pub unreadable: u64,
    /// User grants (signed-in users) re-sealed under the new key.
    pub grants_resealed: u64,
}

fn key(name: &str, bytes: Option<Vec<u8>>) -> Result<Option<[u8; 32]>, JtlError> {
    bytes
        .map(|k| {
            <[u8; 32]>::try_from(k.as_slice()).map_err(|_| {
                JtlError::from(jtl_connect::Error::InvalidInput {
                    message: format!("{name}: expected 32 bytes; found {}", k.len()),
                })
            })
        })
        .transpose()
}

/// A client for a stored account, of the account's system.
#[derive(uniffi::Enum)]
pub enum AccountClient {
    /// A JTL Cloud account.
    Cloud {
        /// The client.
        client: Arc<CloudClient>,
    },
    /// A JTL-Wawi account.
    Wawi {
        /// The client.
        client: Arc<WawiClient>,
    },
    /// An SCX account.
    Scx {
        /// The client.
        client: Arc<ScxClient>,
    },
}

/// Connected JTL accounts in an encrypted SQLite store (default path: `JTL_CONNECT_DB`, else
/// the per-user data directory). Key from `JTL_CONNECT_MASTER_KEY` or a key file beside the
/// database.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct AccountStore {
    pub(crate) inner: Arc<jtl_connect::AccountStore>,
}

fn fields(map: &HashMap<String, String>) -> Vec<(&str, &str)> {
    let mut fields: Vec<(&str, &str)> = map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    fields.sort();
    fields
}

#[uniffi::export]
impl AccountStore {
    /// Opens (or creates) the store at `path`, or at the default path; `master_key` (32
    /// bytes) instead of `JTL_CONNECT_MASTER_KEY` or the key file. A wrong key is `config`.
    /// `http`: timeouts, retries and User-Agent of the clients it hands out.
    #[uniffi::constructor(default(path = None, master_key = None, http = None))]
    pub fn new(
        path: Option<String>,
        master_key: Option<Vec<u8>>,
        http: Option<HttpOptions>,
    ) -> Result<Arc<Self>, JtlError> {
        let http = HttpOptions::core(http)?;
        let path = path.map(PathBuf::from);
        let mut inner = match key("master_key", master_key)? {
            Some(key) => {
                let path = match path {
                    Some(path) => path,
                    None => jtl_connect::store::default_path()?,
                };
                jtl_connect::AccountStore::open_with_master_key(&path, &key)?
            }
            None => jtl_connect::AccountStore::open(path.as_deref())?,
        };
        inner.set_http_options(http);
        Ok(Arc::new(Self {
            inner: Arc::new(inner),
        }))
    }

    /// The database file.
    pub fn path(&self) -> String {
        self.inner.path().display().to_string()
    }

    /// Adds an account of `system` (`jtl-cloud`, `jtl-wawi`, `jtl-scx`) with its fields,
    /// secret included (`client_secret`, `api_key` or `refresh_token`); the secret is
    /// encrypted and never returned.
    pub fn add(
        &self,
        system: String,
        name: String,
        fields: HashMap<String, String>,
    ) -> Result<Account, JtlError> {
        let system = System::parse(&system)?;
        Ok(self
            .inner
            .add(system, &name, &self::fields(&fields))?
            .into())
    }

    /// Every account, without secrets.
    pub fn list(&self) -> Result<Vec<Account>, JtlError> {
        Ok(self.inner.list()?.into_iter().map(Account::from).collect())
    }

    /// One account by id (`not_found` if there is none).
    pub fn get(&self, id: String) -> Result<Account, JtlError> {
        Ok(self.inner.get(&id)?.into())
    }

    /// Renames an account and/or changes fields (a secret field replaces the secret).
    /// Changing where the secret is sent (`environment`, `base_url`, `sandbox`) needs the
    /// secret again in the same call, else `invalid_input` naming the secret field.
    #[uniffi::method(default(name = None, fields = None))]
    pub fn update(
        &self,
        id: String,
        name: Option<String>,
        fields: Option<HashMap<String, String>>,
    ) -> Result<Account, JtlError> {
        let fields = fields.unwrap_or_default();
        Ok(self
            .inner
            .update(&id, name.as_deref(), &self::fields(&fields))?
            .into())
    }

    /// The store's key generation (1 when new; each rotation adds one).
    pub fn key_generation(&self) -> i64 {
        self.inner.key_generation()
    }

    /// Re-seals every account under a new 32-byte master key (`new_key`; left out with a
    /// key file, a random key replaces the file's). Rows from before stop opening.
    #[uniffi::method(default(new_key = None))]
    pub fn rotate_master_key(&self, new_key: Option<Vec<u8>>) -> Result<KeyRotation, JtlError> {
        let rotation = self
            .inner
            .rotate_master_key(key("new_key", new_key)?.as_ref())?;
        Ok(KeyRotation {
            generation: rotation.generation,
            resealed: rotation.resealed as u64,
            unreadable: rotation.unreadable as u64,
            grants_resealed: rotation.grants_resealed as u64,
        })
    }

    /// Deletes an account.
    pub fn delete(&self, id: String) -> Result<(), JtlError> {
        Ok(self.inner.delete(&id)?)
    }

    /// A client for the account (Cloud clients for another `tenant_id` share the token cache).
    #[uniffi::method(default(tenant_id = None))]
    pub fn client(&self, id: String, tenant_id: Option<String>) -> Result<AccountClient, JtlError> {
        Ok(match self.inner.client(&id, tenant_id.as_deref())? {
            jtl_connect::AccountClient::Cloud(client) => AccountClient::Cloud {
                client: CloudClient::wrap(client),
            },
            jtl_connect::AccountClient::Wawi(client) => AccountClient::Wawi {
                client: WawiClient::wrap(client),
            },
            jtl_connect::AccountClient::Scx(client) => AccountClient::Scx {
                client: ScxClient::wrap(client),
            },
        })
    }

    /// Gets a token and calls the service; reports ok or the error code (never throws for
    /// a failed connection).
    #[uniffi::method(default(tenant_id = None))]
    pub fn test_connection(
        &self,
        id: String,
        tenant_id: Option<String>,
    ) -> Result<ConnectionTest, JtlError> {
        let store = self.inner.clone();
        block(async move { store.test_connection(&id, tenant_id.as_deref()).await })
            .map(ConnectionTest::from)
    }

    /// `testConnection`, as a suspend/async function.
    #[uniffi::method(default(tenant_id = None))]
    pub async fn test_connection_async(
        &self,
        id: String,
        tenant_id: Option<String>,
    ) -> Result<ConnectionTest, JtlError> {
        let store = self.inner.clone();
        spawn(async move { store.test_connection(&id, tenant_id.as_deref()).await })
            .await
            .map(ConnectionTest::from)
    }
}
