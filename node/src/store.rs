//! [`AccountStore`]: connected JTL accounts, secrets encrypted at rest (wraps
//! [`jtl_connect::AccountStore`]). SQLite is blocking I/O, so every call runs on a blocking
//! thread of the runtime and returns a Promise.

use std::{path::PathBuf, sync::Arc};

use jtl_connect::{
    options::{Case, Schema, ACCOUNT_CHANGES, ACCOUNT_STORE},
    AccountClient, Error as CoreError, Result as CoreResult, System,
};
use napi::{
    bindgen_prelude::{Either, Either3, Object, PromiseRaw, Uint8Array},
    Env, JsDate,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::{
    cloud::CloudClient,
    convert::{camel_case, date_from_unix, invalid, kind, snake_case},
    options::{Checked, Named},
    runtime::spawn,
    scx::ScxClient,
    wawi::WawiClient,
};

/// How to open a store.
#[napi(object)]
#[derive(Default)]
pub struct AccountStoreOptions {
    /// The SQLite file or a `postgresql://` URL (instead of the first argument of `open`);
    /// left out, `$JTL_CONNECT_DB` or the per-user default.
    pub path: Option<String>,
    /// The 32-byte master key; left out, it comes from `JTL_CONNECT_MASTER_KEY` or the key
    /// file beside the database (created with 0600 permissions on first use).
    pub master_key: Option<Uint8Array>,
    /// Timeouts and retries of the clients the store hands out.
    #[napi(ts_type = "import('./lib/options').HttpOptions")]
    pub http: Option<Value>,
}

impl Named for AccountStoreOptions {
    const SCHEMA: Schema = ACCOUNT_STORE;
}

/// A stored account: never the secret.
#[napi(object, object_from_js = false)]
pub struct Account<'env> {
    /// Stable id (a UUID).
    pub id: String,
    /// `jtl-cloud`, `jtl-wawi` or `jtl-scx`.
    #[napi(ts_type = "'jtl-cloud' | 'jtl-wawi' | 'jtl-scx'")]
    pub system: String,
    /// The name the user gave it (unique per system).
    pub name: String,
    /// The non-secret fields in camelCase, e.g. `clientId`, `tenantId`, `baseUrl`.
    #[napi(ts_type = "Record<string, string>")]
    pub fields: Map<String, Value>,
    /// A masked hint of the secret (`••••1f9c`), for long secrets only.
    pub secret_hint: Option<String>,
    /// When it was added.
    pub created_at: JsDate<'env>,
    /// When it last changed.
    pub updated_at: JsDate<'env>,
}

impl<'env> Account<'env> {
    fn new(env: &'env Env, account: jtl_connect::Account) -> napi::Result<Self> {
        Ok(Self {
            id: account.id,
            system: account.system.as_str().to_owned(),
            name: account.name,
            fields: account
                .fields
                .into_iter()
                .map(|(name, value)| (camel_case(&name), Value::String(value)))
                .collect(),
            secret_hint: account.secret_hint,
            created_at: date_from_unix(env, account.created_at)?,
            updated_at: date_from_unix(env, account.updated_at)?,
        })
    }
}

/// The outcome of `testConnection`.
#[napi(object)]
pub struct ConnectionTest {
    /// Whether the account could authenticate and call the service.
    pub ok: bool,
    /// The HTTP status of the answer that decided the outcome, when there was one.
    pub status: Option<u32>,
    /// The error code when not ok.
    pub code: Option<String>,
    /// What was done, or what went wrong: never a secret, never the target's answer.
    pub message: String,
    /// How long it took, in milliseconds.
    pub elapsed_ms: f64,
}

/// The outcome of `rotateMasterKey`.
#[napi(object)]
pub struct KeyRotation {
    /// The store's new key generation.
    pub generation: i64,
    /// Accounts re-sealed under the new key.
    pub resealed: f64,
    /// Accounts left as they were because they had been changed outside the store.
    pub unreadable: f64,
    /// User grants (signed-in users) re-sealed under the new key.
    pub grants_resealed: f64,
}

/// `fields` (an object, camelCase or snake_case keys; strings, numbers or booleans) as the
/// store's name/value pairs.
fn field_pairs(fields: Option<Value>) -> CoreResult<Vec<(String, String)>> {
    let map = match fields {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err(invalid(format!(
                "fields: expected an object such as {{ clientId, clientSecret }}; found {}",
                kind(&other)
            )))
        }
    };
    map.into_iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(name, value)| {
            let text = match value {
                Value::String(s) => s,
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => {
                    return Err(invalid(format!(
                        "fields.{name}: expected a string; found {}",
                        kind(&other)
                    )))
                }
            };
            Ok((snake_case(&name), text))
        })
        .collect()
}

fn borrowed(pairs: &[(String, String)]) -> Vec<(&str, &str)> {
    pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// Runs blocking store work off the event loop.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> CoreResult<T> + Send + 'static,
) -> CoreResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CoreError::Store {
            message: format!("the store operation did not finish: {e}"),
        })?
}

/// Connected JTL accounts (JTL Cloud, JTL-Wawi, SCX) in one SQLite file, secrets sealed
/// with XChaCha20-Poly1305 under a master key and never returned by `list` or `get`.
/// Open it with `AccountStore.open(path)`.
#[napi]
pub struct AccountStore {
    pub(crate) inner: Arc<jtl_connect::AccountStore>,
}

#[napi]
impl AccountStore {
    /// Opens (or creates) the store at `path`, or at `$JTL_CONNECT_DB` / the per-user
    /// default: `open(path, { masterKey, http })` or `open({ path, masterKey, http })`.
    /// Rejects with `store` for a wrong master key (nothing is changed then).
    #[napi(
        ts_args_type = "pathOrOptions?: string | AccountStoreOptions | null, options?: AccountStoreOptions",
        ts_return_type = "Promise<AccountStore>"
    )]
    pub fn open<'env>(
        env: &'env Env,
        path_or_options: Option<Either<String, Object<'_>>>,
        options: Option<Checked<AccountStoreOptions>>,
    ) -> napi::Result<PromiseRaw<'env, AccountStore>> {
        let (path, options) = match (path_or_options, options) {
            (Some(Either::B(object)), None) => {
                let options = Checked::<AccountStoreOptions>::from_object(env, &object)?;
                (options.path.clone(), options)
            }
            (Some(Either::B(_)), Some(_)) => {
                let message =
                    "options: expected open(path, options) or open(options); found two objects";
                return Err(crate::errors::with_code(env, "invalid_input", message));
            }
            (Some(Either::A(path)), Some(Checked(options))) if options.path.is_some() => {
                let _ = path;
                let message = "path: given twice (the first argument and options.path)";
                return Err(crate::errors::with_code(env, "invalid_input", message));
            }
            (Some(Either::A(path)), options) => {
                (Some(path), options.map(|o| o.0).unwrap_or_default())
            }
            (None, options) => {
                let options = options.map(|o| o.0).unwrap_or_default();
                (options.path.clone(), options)
            }
        };
        let key = options.master_key.map(|key| key.to_vec());
        let http = crate::options::http(options.http);
        spawn(
            env,
            async move {
                let http = http?;
                blocking(move || {
                    let path = path.map(PathBuf::from);
                    let mut store = match key {
                        Some(key) => {
                            let key: [u8; 32] = key.as_slice().try_into().map_err(|_| {
                                invalid(format!(
                                    "masterKey: expected 32 bytes; found {}",
                                    key.len()
                                ))
                            })?;
                            let path = match path {
                                Some(path) => path,
                                None => jtl_connect::store::default_path()?,
                            };
                            jtl_connect::AccountStore::open_with_master_key(&path, &key)?
                        }
                        None => jtl_connect::AccountStore::open(path.as_deref())?,
                    };
                    store.set_http_options(http);
                    Ok(store)
                })
                .await
            },
            |_, store| {
                Ok(AccountStore {
                    inner: Arc::new(store),
                })
            },
        )
    }

    /// The database file.
    #[napi(getter)]
    pub fn path(&self) -> String {
        self.inner.path().display().to_string()
    }

    /// Adds an account: `add('jtl-cloud', 'My shop', { clientId, clientSecret, tenantId })`,
    /// `add('jtl-wawi', name, { baseUrl, apiKey })`, `add('jtl-scx', name, { refreshToken })`.
    #[napi(
        ts_args_type = "system: 'jtl-cloud' | 'jtl-wawi' | 'jtl-scx', name: string, fields: Record<string, string | boolean>"
    )]
    pub fn add<'env>(
        &self,
        env: &'env Env,
        system: String,
        name: String,
        fields: Value,
    ) -> napi::Result<PromiseRaw<'env, Account<'env>>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || {
                let system = System::parse(&system)?;
                let pairs = field_pairs(Some(fields))?;
                store.add(system, &name, &borrowed(&pairs))
            }),
            Account::new,
        )
    }

    /// Every account, without secrets.
    #[napi]
    pub fn list<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<Account<'env>>>> {
        let store = self.inner.clone();
        spawn(env, blocking(move || store.list()), |env, accounts| {
            accounts
                .into_iter()
                .map(|account| Account::new(env, account))
                .collect()
        })
    }

    /// One account by id; rejects with `not_found`.
    #[napi]
    pub fn get<'env>(
        &self,
        env: &'env Env,
        id: String,
    ) -> napi::Result<PromiseRaw<'env, Account<'env>>> {
        let store = self.inner.clone();
        spawn(env, blocking(move || store.get(&id)), Account::new)
    }

    /// One account by system and name, or `null`.
    #[napi(ts_args_type = "system: 'jtl-cloud' | 'jtl-wawi' | 'jtl-scx', name: string")]
    pub fn find<'env>(
        &self,
        env: &'env Env,
        system: String,
        name: String,
    ) -> napi::Result<PromiseRaw<'env, Option<Account<'env>>>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || store.find(System::parse(&system)?, &name)),
            |env, account| {
                account
                    .map(|account| Account::new(env, account))
                    .transpose()
            },
        )
    }

    /// Changes an account: a new `name`, and the given `fields` (an empty string clears an
    /// optional field; the secret stays unless a new one is given). Changing where the secret
    /// is sent (`environment`, `baseUrl`, `sandbox`) needs the secret again in the same call,
    /// else it rejects with `invalid_input` and a message starting with the secret field's
    /// name (`api_key: required again when base_url changes: ...`).
    #[napi]
    pub fn update<'env>(
        &self,
        env: &'env Env,
        id: String,
        #[napi(ts_arg_type = "{ name?: string; fields?: Record<string, string | boolean> }")]
        changes: Value,
    ) -> napi::Result<PromiseRaw<'env, Account<'env>>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || {
                let Value::Object(mut changes) = changes else {
                    return Err(invalid("changes: expected { name, fields }"));
                };
                ACCOUNT_CHANGES.check_names(changes.keys().map(String::as_str), Case::Camel)?;
                let name = match changes.remove("name") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(name)) => Some(name),
                    Some(other) => {
                        return Err(invalid(format!(
                            "name: expected a string; found {}",
                            kind(&other)
                        )))
                    }
                };
                let pairs = field_pairs(changes.remove("fields"))?;
                store.update(&id, name.as_deref(), &borrowed(&pairs))
            }),
            Account::new,
        )
    }

    /// Deletes an account; rejects with `not_found`.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete<'env>(&self, env: &'env Env, id: String) -> napi::Result<PromiseRaw<'env, ()>> {
        let store = self.inner.clone();
        spawn(env, blocking(move || store.delete(&id)), |_, ()| Ok(()))
    }

    /// A ready client for the account (`CloudClient`, `WawiClient` or `ScxClient`); calls
    /// for the same unchanged account share one token cache. `tenantId` overrides a Cloud
    /// account's default tenant.
    #[napi(ts_return_type = "Promise<CloudClient | WawiClient | ScxClient>")]
    pub fn client<'env>(
        &self,
        env: &'env Env,
        id: String,
        tenant_id: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, Either3<CloudClient, WawiClient, ScxClient>>> {
        let store = self.inner.clone();
        spawn(
            env,
            blocking(move || store.client(&id, tenant_id.as_deref())),
            |_, client| {
                Ok(match client {
                    AccountClient::Cloud(inner) => Either3::A(CloudClient::from(inner)),
                    AccountClient::Wawi(inner) => Either3::B(WawiClient { inner }),
                    AccountClient::Scx(inner) => Either3::C(ScxClient::from(inner)),
                })
            },
        )
    }

    /// Gets a token and calls the service (`/info` for Cloud with a tenant, one items page
    /// for Wawi, the auth exchange for SCX); resolves with ok or the error code.
    #[napi]
    pub fn test_connection<'env>(
        &self,
        env: &'env Env,
        id: String,
        tenant_id: Option<String>,
    ) -> napi::Result<PromiseRaw<'env, ConnectionTest>> {
        let store = self.inner.clone();
        spawn(
            env,
            async move { store.test_connection(&id, tenant_id.as_deref()).await },
            |_, test| {
                Ok(ConnectionTest {
                    ok: test.ok,
                    status: test.status.map(u32::from),
                    code: test.code,
                    message: test.message,
                    elapsed_ms: test.elapsed_ms as f64,
                })
            },
        )
    }

    /// The store's key generation (1 when new; each rotation adds one).
    #[napi(getter)]
    pub fn key_generation(&self) -> i64 {
        self.inner.key_generation()
    }

    /// Re-seals every account under a new 32-byte master key (`newKey`; left out with a key
    /// file, a random key replaces the file's). Rows from before stop opening; other handles
    /// on the store reject with `config` until reopened with the new key.
    #[napi(ts_return_type = "Promise<KeyRotation>")]
    pub fn rotate_master_key<'env>(
        &self,
        env: &'env Env,
        new_key: Option<Uint8Array>,
    ) -> napi::Result<PromiseRaw<'env, KeyRotation>> {
        let store = self.inner.clone();
        let key = new_key.map(|key| key.to_vec());
        spawn(
            env,
            blocking(move || {
                let key: Option<[u8; 32]> = key
                    .map(|key| {
                        key.as_slice().try_into().map_err(|_| {
                            invalid(format!("newKey: expected 32 bytes; found {}", key.len()))
                        })
                    })
                    .transpose()?;
                store.rotate_master_key(key.as_ref())
            }),
            |_, rotation| {
                Ok(KeyRotation {
                    generation: rotation.generation,
                    resealed: rotation.resealed as f64,
                    unreadable: rotation.unreadable as f64,
                    grants_resealed: rotation.grants_resealed as f64,
                })
            },
        )
    }

    /// `{ path }`.
    #[napi(js_name = "toJSON", ts_return_type = "{ path: string }")]
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "path": self.path() })
    }

    /// `AccountStore(<path>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("AccountStore({})", self.path())
    }
}

/// One system an account can belong to, as `accountSystems()` lists it.
#[napi(object)]
pub struct AccountSystem {
    /// `jtl-cloud`, `jtl-wawi` or `jtl-scx`.
    #[napi(ts_type = "'jtl-cloud' | 'jtl-wawi' | 'jtl-scx'")]
    pub system: String,
    /// The fields its accounts take, secret included, in camelCase (`clientId`, `baseUrl`).
    pub fields: Vec<String>,
    /// The field that holds the secret (`clientSecret`, `apiKey`, `refreshToken`).
    pub secret_field: String,
    /// What a form calls the system (`JTL Cloud`).
    pub label: String,
    /// The field that best tells two accounts apart in a list (camelCase).
    pub summary: String,
    /// Each field for a form, in order: name (camelCase), label, required, secret, kind
    /// (`text`, `uuid`, `url`, `bool`, `environment`), destination (changing it needs the
    /// secret again).
    #[napi(
        ts_type = "Array<{ name: string; label: string; required: boolean; secret: boolean; kind: 'text' | 'uuid' | 'url' | 'bool' | 'environment'; destination: boolean }>"
    )]
    pub form: Value,
}

/// The systems of the account store and the fields each takes (core's table), e.g. to
/// build a form: `[{ system: 'jtl-cloud', fields: ['clientId', ...], secretField: 'clientSecret' }, ...]`.
#[napi]
pub fn account_systems() -> Vec<AccountSystem> {
    System::ALL
        .into_iter()
        .map(|system| AccountSystem {
            system: system.as_str().to_owned(),
            fields: system.field_names().into_iter().map(camel_case).collect(),
            secret_field: camel_case(system.secret_field()),
            label: system.label().to_owned(),
            summary: camel_case(system.summary_field()),
            form: form(system.table()["fields"].clone()),
        })
        .collect()
}

/// The form fields of core's table with their names in camelCase.
fn form(fields: Value) -> Value {
    match fields {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|mut f| {
                    if let Some(Value::String(name)) = f.get_mut("name") {
                        *name = camel_case(name);
                    }
                    f
                })
                .collect(),
        ),
        other => other,
    }
}
