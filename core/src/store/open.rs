//! Opening a store: a SQLite file path, or a `postgresql://` / `postgres://` URL, given
//! where a path is taken (every language's `AccountStore(path)`, the CLI's `--db`,
//! `JTL_CONNECT_DB`). Any other `scheme://` is refused, so a URL never becomes a folder.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Mutex, RwLock},
};

use super::{
    crypto::{self, Cipher, KeySource},
    files,
    keys::{key_mismatch, Keys},
    postgres::Postgres,
    sql::{Backend, KeyCheck, Sqlite},
    AccountStore,
};
use crate::{credentials::optional_env_var, Error, HttpOptions, Result, Secret, SharedTokenCache};

/// Where a store lives, as given.
enum Location {
    File(PathBuf),
    Postgres(Secret),
}

/// The scheme of `text` if it is written as a URL (`scheme://…`).
fn url_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

fn locate(path: &Path) -> Result<Location> {
    let Some(text) = path.to_str() else {
        return Ok(Location::File(path.to_path_buf()));
    };
    match url_scheme(text.trim()) {
        None => Ok(Location::File(path.to_path_buf())),
        Some(scheme) if matches!(scheme.to_ascii_lowercase().as_str(), "postgresql" | "postgres") => {
            Ok(Location::Postgres(Secret::new(text.trim())))
        }
        Some(scheme) => Err(Error::invalid_input(format!(
            "account store: expected a SQLite file path or a postgresql:// or postgres:// URL; found a URL with the scheme {:?}",
            if scheme.len() > 20 { &scheme[..20] } else { scheme }
        ))),
    }
}

impl AccountStore {
    /// Opens (or creates) the store at `path`, or at [`super::default_path`] if `None`:
    /// a SQLite file, or a PostgreSQL database when `path` is a `postgresql://` or
    /// `postgres://` URL (any other URL scheme is `invalid_input`). The master key comes from
    /// `JTL_CONNECT_MASTER_KEY` or, for SQLite only, the key file beside the database. A
    /// SQLite database that holds data but has no key file is refused (`config`), and no key
    /// file is written; a PostgreSQL store needs `JTL_CONNECT_MASTER_KEY` (`config`).
    pub fn open(path: Option<&Path>) -> Result<Self> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => files::default_path()?,
        };
        let path = match locate(&path)? {
            Location::Postgres(url) => return Self::open_postgres(&url, None),
            Location::File(path) => path,
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

    /// Opens the store at `path` (a SQLite file or a PostgreSQL URL) with an explicit
    /// 32-byte master key.
    pub fn open_with_master_key(path: &Path, key: &[u8; 32]) -> Result<Self> {
        let path = match locate(path)? {
            Location::Postgres(url) => return Self::open_postgres(&url, Some(key)),
            Location::File(path) => path,
        };
        files::prepare_dir(&path)?;
        Self::try_open(&path, key, KeySource::Explicit)?
            .ok_or_else(|| key_mismatch(&KeySource::Explicit))
    }

    /// The SQLite store, or `None` if it belongs to another key (then nothing was written).
    fn try_open(path: &Path, key: &[u8; 32], key_source: KeySource) -> Result<Option<Self>> {
        files::create_private(path)?;
        let backend = Sqlite::open(path)?;
        Self::checked(Box::new(backend), path.to_path_buf(), None, key, key_source)
    }

    fn open_postgres(url: &Secret, key: Option<&[u8; 32]>) -> Result<Self> {
        let backend = Postgres::open(url.expose())?;
        let location = PathBuf::from(backend.location());
        let (key, source) = match key {
            Some(key) => (zeroize::Zeroizing::new(*key), KeySource::Explicit),
            None => {
                let text = optional_env_var(crypto::MASTER_KEY_VAR).ok_or_else(|| {
                    Error::config(format!(
                        "the account store {} is sealed with {}, which every instance of the app must share (there is no key file beside a database server); set it to 32 bytes as base64 or 64 hex digits",
                        backend.location(),
                        crypto::MASTER_KEY_VAR
                    ))
                })?;
                (
                    crypto::parse_key(&text, crypto::MASTER_KEY_VAR)?,
                    KeySource::Environment,
                )
            }
        };
        Self::checked(
            Box::new(backend),
            location,
            Some(url.clone()),
            &key,
            source.clone(),
        )?
        .ok_or_else(|| key_mismatch(&source))
    }

    /// The store on `backend` once the key check passed, or `None` for another key.
    fn checked(
        backend: Box<dyn Backend>,
        path: PathBuf,
        url: Option<Secret>,
        key: &[u8; 32],
        key_source: KeySource,
    ) -> Result<Option<Self>> {
        let cipher = Cipher::new(key);
        let generation = match backend.open_checked(&cipher)? {
            KeyCheck::Matches(generation) => generation,
            KeyCheck::Mismatch => return Ok(None),
        };
        let mut store = Self {
            backend: std::sync::Arc::from(backend),
            keys: RwLock::new(Keys {
                cipher,
                generation,
                tokens: None,
            }),
            path,
            url,
            key_source,
            http: HttpOptions::default(),
            clients: Mutex::new(HashMap::new()),
            user_clients: Mutex::new(HashMap::new()),
        };
        let tokens = store.token_cache(key)?;
        store
            .keys
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .tokens = tokens;
        Ok(Some(store))
    }

    /// For a PostgreSQL store: the shared token cache in the same database, sealed with
    /// `key`, so its clients share their tokens with every instance of the app.
    pub(crate) fn token_cache(&self, key: &[u8; 32]) -> Result<Option<SharedTokenCache>> {
        self.url
            .as_ref()
            .map(|url| SharedTokenCache::open_with_master_key(url.expose(), key))
            .transpose()
    }

    /// Whether the store is on a PostgreSQL server (else a SQLite file).
    pub fn is_postgres(&self) -> bool {
        self.url.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(matches!(
            locate(Path::new("/tmp/a.db")).unwrap(),
            Location::File(_)
        ));
        assert!(matches!(
            locate(Path::new("C:\\data\\a.db")).unwrap(),
            Location::File(_)
        ));
        assert!(matches!(
            locate(Path::new("postgres://u@h/db")).unwrap(),
            Location::Postgres(_)
        ));
        assert!(matches!(
            locate(Path::new("postgresql://u:pw@h/db")).unwrap(),
            Location::Postgres(_)
        ));
        for url in ["mysql://u:hunter2@h/db", "sqlite:///tmp/a.db", "redis://h"] {
            let Err(error) = locate(Path::new(url)) else {
                panic!("{url} accepted")
            };
            assert_eq!(error.code(), "invalid_input");
            let text = error.to_string();
            assert!(text.contains("postgresql://"), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
    }
}
