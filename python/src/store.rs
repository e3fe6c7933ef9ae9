//! [`AccountStore`]: connected JTL accounts in the core's encrypted SQLite store, and
//! [`Account`] / [`ConnectionTest`] as it returns them.

use std::path::PathBuf;

use jtl_connect::{options::ACCOUNT_STORE, store::KeySource, AccountClient, System};
use pyo3::{
    exceptions::PyTypeError,
    prelude::*,
    types::{PyBool, PyDict, PyString},
};

use crate::{
    cloud::{AsyncCloudClient, CloudClient},
    convert::{repr_opt, repr_str, type_name, Json},
    errors,
    options::{flat, Given},
    runtime::block,
    scx::{AsyncScxClient, ScxClient},
    secret::Secret,
    user_auth,
    wawi::{AsyncWawiClient, WawiClient},
};

/// A stored account as `list()` and `get()` return it: never the secret.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct Account {
    inner: jtl_connect::Account,
}

#[pymethods]
impl Account {
    /// Stable id (a UUID).
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// `jtl-cloud`, `jtl-wawi` or `jtl-scx`.
    #[getter]
    fn system(&self) -> &'static str {
        self.inner.system.as_str()
    }

    /// The name the user gave it (unique per system).
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The non-secret fields, e.g. `client_id`, `tenant_id`, `base_url`.
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.inner.fields {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    /// A masked hint of the secret (`••••1f9c`), for long secrets only.
    #[getter]
    fn secret_hint(&self) -> Option<&str> {
        self.inner.secret_hint.as_deref()
    }

    /// Creation time, Unix seconds.
    #[getter]
    fn created_at(&self) -> i64 {
        self.inner.created_at
    }

    /// Last change, Unix seconds.
    #[getter]
    fn updated_at(&self) -> i64 {
        self.inner.updated_at
    }

    /// The account as a JSON-ready dict (as an accounts page shows it).
    fn to_dict(&self) -> Json {
        Json(serde_json::to_value(&self.inner).unwrap_or_default())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Account>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Account(id={}, system={}, name={})",
            repr_str(&self.inner.id),
            repr_str(self.inner.system.as_str()),
            repr_str(&self.inner.name)
        )
    }
}

/// The outcome of `AccountStore.test_connection()`.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct ConnectionTest {
    inner: jtl_connect::ConnectionTest,
}

#[pymethods]
impl ConnectionTest {
    /// Whether the account could authenticate and call the service.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.ok
    }

    /// The HTTP status of the answer that decided the outcome, when there was one.
    #[getter]
    fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The error code when not ok.
    #[getter]
    fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// What was done, or what went wrong: never a secret, never the target's answer.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }

    /// How long it took, in milliseconds.
    #[getter]
    fn elapsed_ms(&self) -> u64 {
        self.inner.elapsed_ms
    }

    fn __bool__(&self) -> bool {
        self.inner.ok
    }

    fn __repr__(&self) -> String {
        format!(
            "ConnectionTest(ok={}, status={}, code={}, message={}, elapsed_ms={})",
            if self.inner.ok { "True" } else { "False" },
            self.inner
                .status
                .map_or_else(|| "None".to_owned(), |s| s.to_string()),
            repr_opt(self.inner.code.as_deref()),
            repr_str(&self.inner.message),
            self.inner.elapsed_ms
        )
    }
}

/// Field values from keyword arguments: `str`, `Secret` (its value), `bool` (`true`/`false`).
fn field_values(fields: Option<&Bound<'_, PyDict>>) -> PyResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    let Some(fields) = fields else {
        return Ok(out);
    };
    for (name, value) in fields.iter() {
        let name: String = name.extract()?;
        let text = if let Ok(secret) = value.cast::<Secret>() {
            secret.get().inner.expose().to_owned()
        } else if let Ok(flag) = value.cast::<PyBool>() {
            if flag.is_true() { "true" } else { "false" }.to_owned()
        } else if value.is_instance_of::<PyString>() {
            value.extract()?
        } else {
            return Err(PyTypeError::new_err(format!(
                "{name}: expected str, Secret or bool; found {}",
                type_name(&value)
            )));
        };
        out.push((name, text));
    }
    Ok(out)
}

fn borrowed(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

fn system(py: Python<'_>, name: &str) -> PyResult<System> {
    System::parse(name).map_err(|e| errors::to_py(py, &e))
}

/// Connected JTL accounts in an encrypted SQLite store (one file, safe for several processes).
///
/// `AccountStore(path=None)` opens (or creates) the store at `path`, at `$JTL_CONNECT_DB`, or
/// at the per-user default, with the master key from `JTL_CONNECT_MASTER_KEY` or a key file
/// beside the database (created with 0600 permissions); `master_key=` gives the 32 bytes
/// directly. Secrets are never returned by `list()` or `get()`.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct AccountStore {
    inner: jtl_connect::AccountStore,
}

impl AccountStore {
    /// Runs a store operation with the interpreter detached (SQLite may wait for a lock).
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&jtl_connect::AccountStore) -> jtl_connect::Result<T> + Send,
    ) -> PyResult<T> {
        py.detach(|| f(&self.inner))
            .map_err(|e| errors::to_py(py, &e))
    }
}

#[pymethods]
impl AccountStore {
    #[new]
    #[pyo3(signature = (path=None, *, master_key=None, **options))]
    fn new(
        py: Python<'_>,
        path: Option<PathBuf>,
        master_key: Option<&[u8]>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        // core's `account_store` schema: path and master_key are named here, so only the
        // HTTP options (flat) are left for the keywords.
        let Given { http, .. } = flat(py, options, &ACCOUNT_STORE)?;
        let key: Option<[u8; 32]> = master_key
            .map(|k| {
                k.try_into().map_err(|_| {
                    errors::invalid_input(
                        py,
                        format!("master_key: expected 32 bytes; found {}", k.len()),
                    )
                })
            })
            .transpose()?;
        let opened = py.detach(|| match (&path, key) {
            (Some(path), Some(key)) => jtl_connect::AccountStore::open_with_master_key(path, &key),
            (None, Some(_)) => Err(jtl_connect::Error::InvalidInput {
                message: "master_key: needs an explicit path too".into(),
            }),
            (path, None) => jtl_connect::AccountStore::open(path.as_deref()),
        });
        let mut inner = opened.map_err(|e| errors::to_py(py, &e))?;
        inner.set_http_options(http);
        Ok(Self { inner })
    }

    /// The database file.
    #[getter]
    fn path(&self) -> PathBuf {
        self.inner.path().to_path_buf()
    }

    /// Where the master key came from: `environment`, `file` or `explicit`.
    #[getter]
    fn key_source(&self) -> &'static str {
        match self.inner.key_source() {
            KeySource::Environment => "environment",
            KeySource::File(_) => "file",
            KeySource::Explicit => "explicit",
        }
    }

    /// Adds an account of `system` (`jtl-cloud`, `jtl-wawi`, `jtl-scx`) with its fields as
    /// keyword arguments, the secret included: `client_id`, `client_secret`, `tenant_id`,
    /// `environment` (Cloud); `base_url`, `api_key`, `app_id`, `app_version` (Wawi);
    /// `refresh_token`, `sandbox`, `environment` (SCX).
    #[pyo3(signature = (system, name, **fields))]
    fn add(
        &self,
        py: Python<'_>,
        system: &str,
        name: &str,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Account> {
        let system = self::system(py, system)?;
        let fields = field_values(fields)?;
        self.run(py, |store| store.add(system, name, &borrowed(&fields)))
            .map(|inner| Account { inner })
    }

    /// Every account, sorted by system and name.
    fn list(&self, py: Python<'_>) -> PyResult<Vec<Account>> {
        self.run(py, jtl_connect::AccountStore::list)
            .map(|accounts| {
                accounts
                    .into_iter()
                    .map(|inner| Account { inner })
                    .collect()
            })
    }

    /// One account by id; `NotFoundError` if there is none.
    fn get(&self, py: Python<'_>, id: &str) -> PyResult<Account> {
        self.run(py, |store| store.get(id))
            .map(|inner| Account { inner })
    }

    /// One account by system and name, or `None`.
    fn find(&self, py: Python<'_>, system: &str, name: &str) -> PyResult<Option<Account>> {
        let system = self::system(py, system)?;
        self.run(py, |store| store.find(system, name))
            .map(|found| found.map(|inner| Account { inner }))
    }

    /// Changes an account: a new `name` if given, and the fields given as keyword arguments
    /// (an empty value clears an optional field; the secret stays unless a new one is given).
    /// Changing where the secret is sent (`environment`, `base_url`, `sandbox`) needs the
    /// secret again in the same call, else `InvalidInputError` naming the secret field.
    #[pyo3(signature = (id, name=None, **fields))]
    fn update(
        &self,
        py: Python<'_>,
        id: &str,
        name: Option<&str>,
        fields: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Account> {
        let fields = field_values(fields)?;
        self.run(py, |store| store.update(id, name, &borrowed(&fields)))
            .map(|inner| Account { inner })
    }

    /// Deletes an account; `NotFoundError` if there is none.
    fn delete(&self, py: Python<'_>, id: &str) -> PyResult<()> {
        self.run(py, |store| store.delete(id))
    }

    /// A ready client for the account (`CloudClient`, `WawiClient` or `ScxClient`); calls for
    /// the same unchanged account share one token cache. `tenant_id` overrides a Cloud
    /// account's default tenant.
    #[pyo3(signature = (id, tenant_id=None))]
    fn client(&self, py: Python<'_>, id: &str, tenant_id: Option<&str>) -> PyResult<Py<PyAny>> {
        let client = self.run(py, |store| store.client(id, tenant_id))?;
        Ok(match client {
            AccountClient::Cloud(inner) => CloudClient { inner }.into_pyobject(py)?.into_any(),
            AccountClient::Wawi(inner) => WawiClient { inner }.into_pyobject(py)?.into_any(),
            AccountClient::Scx(inner) => ScxClient { inner }.into_pyobject(py)?.into_any(),
        }
        .unbind())
    }

    /// Like `client()`, for asyncio (`jtl_connect.aio` clients, sharing the token cache).
    #[pyo3(signature = (id, tenant_id=None))]
    fn async_client(
        &self,
        py: Python<'_>,
        id: &str,
        tenant_id: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        let client = self.run(py, |store| store.client(id, tenant_id))?;
        Ok(match client {
            AccountClient::Cloud(inner) => AsyncCloudClient { inner }.into_pyobject(py)?.into_any(),
            AccountClient::Wawi(inner) => AsyncWawiClient { inner }.into_pyobject(py)?.into_any(),
            AccountClient::Scx(inner) => AsyncScxClient { inner }.into_pyobject(py)?.into_any(),
        }
        .unbind())
    }

    /// Gets a token and calls the service (`/info` for Cloud when a tenant is known, one
    /// items page for Wawi, the auth exchange for SCX); reports ok or the error code.
    #[pyo3(signature = (id, tenant_id=None))]
    fn test_connection(
        &self,
        py: Python<'_>,
        id: &str,
        tenant_id: Option<&str>,
    ) -> PyResult<ConnectionTest> {
        block(py, self.inner.test_connection(id, tenant_id)).map(|inner| ConnectionTest { inner })
    }

    /// The store's key generation (1 when new; each rotation adds one).
    #[getter]
    fn key_generation(&self) -> i64 {
        self.inner.key_generation()
    }

    /// Re-seals every account under a new 32-byte master key (`new_key`; left out with a
    /// key file, a random key replaces the file's). Rows from before stop opening. Returns
    /// `{"generation", "resealed", "unreadable", "grants_resealed"}` (user grants re-sealed).
    #[pyo3(signature = (new_key=None))]
    fn rotate_master_key(&self, py: Python<'_>, new_key: Option<&[u8]>) -> PyResult<Json> {
        let key: Option<[u8; 32]> = new_key
            .map(|k| {
                k.try_into().map_err(|_| {
                    errors::invalid_input(
                        py,
                        format!("new_key: expected 32 bytes; found {}", k.len()),
                    )
                })
            })
            .transpose()?;
        let rotation = self.run(py, |store| store.rotate_master_key(key.as_ref()))?;
        Ok(Json(serde_json::to_value(rotation).unwrap_or_default()))
    }

    /// A sign-in client for the Cloud account `account_id` (its client id, secret and
    /// environment), sending users back to `redirect_uri`, asking for `scopes` (plus
    /// `openid offline_access`). `start()`, `finish()`, then `save_grant()`.
    #[pyo3(signature = (account_id, redirect_uri, scopes=None))]
    fn authorization_code_client(
        &self,
        py: Python<'_>,
        account_id: &str,
        redirect_uri: &str,
        scopes: Option<Vec<String>>,
    ) -> PyResult<user_auth::AuthorizationCodeClient> {
        user_auth::store::authorization_code_client(
            py,
            &self.inner,
            account_id,
            redirect_uri,
            scopes,
        )
        .map(Into::into)
    }

    /// Like `authorization_code_client()`, for asyncio (`aio.AuthorizationCodeClient`).
    #[pyo3(signature = (account_id, redirect_uri, scopes=None))]
    fn async_authorization_code_client(
        &self,
        py: Python<'_>,
        account_id: &str,
        redirect_uri: &str,
        scopes: Option<Vec<String>>,
    ) -> PyResult<user_auth::AsyncAuthorizationCodeClient> {
        user_auth::store::authorization_code_client(
            py,
            &self.inner,
            account_id,
            redirect_uri,
            scopes,
        )
        .map(Into::into)
    }

    /// Keeps a signed-in user's `grant` for the Cloud account `account_id`, sealed,
    /// replacing the user's earlier grant. Returns what is stored (no token).
    fn save_grant(
        &self,
        py: Python<'_>,
        account_id: &str,
        grant: &user_auth::UserGrant,
    ) -> PyResult<user_auth::StoredGrant> {
        user_auth::store::save_grant(py, &self.inner, account_id, grant)
    }

    /// One user's stored grant (no token); `NotFoundError` if the user has not signed in.
    fn grant(
        &self,
        py: Python<'_>,
        account_id: &str,
        user_id: &str,
    ) -> PyResult<user_auth::StoredGrant> {
        user_auth::store::grant(py, &self.inner, account_id, user_id)
    }

    /// Every user grant of an account (no tokens).
    fn grants(&self, py: Python<'_>, account_id: &str) -> PyResult<Vec<user_auth::StoredGrant>> {
        user_auth::store::grants(py, &self.inner, account_id)
    }

    /// Deletes one user's grant (`NotFoundError` if there is none): the user signs in again.
    fn delete_grant(&self, py: Python<'_>, account_id: &str, user_id: &str) -> PyResult<()> {
        user_auth::store::delete_grant(py, &self.inner, account_id, user_id)
    }

    /// A `CloudClient` that calls the API as the stored user `user_id` of the account: the
    /// user's token, refreshed from the sealed refresh token (rotated ones are kept);
    /// `X-Tenant-ID` is the user's tenant unless `tenant_id` is given. A revoked or expired
    /// grant raises `SignInRequiredError` on use.
    #[pyo3(signature = (account_id, user_id, tenant_id=None))]
    fn user_client(
        &self,
        py: Python<'_>,
        account_id: &str,
        user_id: &str,
        tenant_id: Option<&str>,
    ) -> PyResult<CloudClient> {
        user_auth::store::user_client(py, &self.inner, account_id, user_id, tenant_id)
            .map(|inner| CloudClient { inner })
    }

    /// Like `user_client()`, for asyncio (an `aio.CloudClient`).
    #[pyo3(signature = (account_id, user_id, tenant_id=None))]
    fn async_user_client(
        &self,
        py: Python<'_>,
        account_id: &str,
        user_id: &str,
        tenant_id: Option<&str>,
    ) -> PyResult<AsyncCloudClient> {
        user_auth::store::user_client(py, &self.inner, account_id, user_id, tenant_id)
            .map(|inner| AsyncCloudClient { inner })
    }

    fn __repr__(&self) -> String {
        format!(
            "AccountStore(path={}, key_source={})",
            repr_str(&self.inner.path().display().to_string()),
            repr_str(self.key_source())
        )
    }
}
