//! The store's files: where the database lives by default, the database file and its
//! folder created private to the user, and the key file beside it (`<database>.key`,
//! created atomically with 0600 permissions; `<database>.key.new` while a rotation runs).

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use zeroize::Zeroizing;

use super::crypto::{parse_key, random_key};
use crate::{credentials::optional_env_var, Error, Result};

/// The environment variable naming the database file.
pub const DB_VAR: &str = "JTL_CONNECT_DB";

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

/// `<database>.key` beside the database.
pub fn key_file_path(db_path: &Path) -> PathBuf {
    with_suffix(db_path, ".key")
}

/// `<database>.key.new`: the next key while a rotation commits.
pub(crate) fn pending_key_path(db_path: &Path) -> PathBuf {
    with_suffix(db_path, ".key.new")
}

fn with_suffix(db_path: &Path, suffix: &str) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    db_path.with_file_name(name)
}

/// Whether a database already holds data (its file, or its write-ahead log before the first
/// checkpoint, is not empty). Such a database has a key; a new one must not be made up.
pub(crate) fn holds_data(db_path: &Path) -> bool {
    let non_empty = |p: &Path| fs::metadata(p).is_ok_and(|m| m.len() > 0);
    non_empty(db_path) || non_empty(&with_suffix(db_path, "-wal"))
}

/// Reads a key file: `Ok(None)` if it does not exist.
pub(crate) fn read_key_file(path: &Path) -> Result<Option<Zeroizing<[u8; 32]>>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(parse_key(
            &text,
            &format!("key file {}", path.display()),
        )?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::config(format!(
            "cannot read the key file {}: {e}",
            path.display()
        ))),
    }
}

/// Creates the key file with a new random key, or reads the one another process created at
/// the same moment. The key is written to a private temporary file and hard-linked into
/// place: the link either appears complete or fails because the file exists, so no process
/// ever reads a half-written key.
pub(crate) fn create_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let key = random_key();
    let temp = with_suffix(path, &format!(".tmp-{}", uuid::Uuid::new_v4()));
    write_private(&temp, &key)?;
    let linked = fs::hard_link(&temp, path);
    let _ = fs::remove_file(&temp);
    match linked {
        Ok(()) => Ok(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key_file(path)?.ok_or_else(|| {
                Error::config(format!(
                    "the key file {} vanished while it was created",
                    path.display()
                ))
            })
        }
        Err(e) => Err(Error::Store {
            message: format!("cannot create the key file {}: {e}", path.display()),
        }),
    }
}

/// Writes `key` (base64) to a new file readable by its owner only, synced to disk;
/// an existing file at `path` is replaced.
pub(crate) fn write_private(path: &Path, key: &[u8; 32]) -> Result<()> {
    let _ = fs::remove_file(path);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let text = Zeroizing::new(STANDARD.encode(key));
    options
        .open(path)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .map_err(|e| Error::Store {
            message: format!("cannot write the key file {}: {e}", path.display()),
        })
}

/// Moves the pending key of a committed rotation into place (an atomic rename).
pub(crate) fn promote_pending_key(db_path: &Path) -> Result<()> {
    let (pending, key_file) = (pending_key_path(db_path), key_file_path(db_path));
    fs::rename(&pending, &key_file).map_err(|e| Error::Store {
        message: format!(
            "the master key was rotated, but {} could not replace {}: {e}; move it there by hand",
            pending.display(),
            key_file.display()
        ),
    })
}

/// Creates the database file readable by its owner only (SQLite gives its -wal and -shm
/// files the same permissions). An existing file is left as it is.
pub(crate) fn create_private(path: &Path) -> Result<()> {
    let mut options = fs::OpenOptions::new();
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

/// Creates the database's folder (0700) if it does not exist.
pub(crate) fn prepare_dir(path: &Path) -> Result<()> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.exists() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
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
