//! The database schema and its versioned migrations (`PRAGMA user_version`). Each migration
//! runs in an immediate transaction, so several processes opening the store at once apply
//! it exactly once.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// Migration `n` brings the schema from version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: accounts with their encrypted secret, and store-wide metadata (the key check).
    "CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    CREATE TABLE accounts (
        id          TEXT PRIMARY KEY,
        system      TEXT NOT NULL,
        name        TEXT NOT NULL,
        fields      TEXT NOT NULL,
        secret      BLOB NOT NULL,
        secret_hint TEXT,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        UNIQUE (system, name)
    );",
];

/// The schema version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn store_error(context: &str, error: rusqlite::Error) -> Error {
    Error::Store {
        message: format!("{context}: {error}"),
    }
}

/// Brings the database up to [`VERSION`]; refuses a database from a newer release.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| store_error("cannot lock the database for migration", e))?;
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| store_error("cannot read the schema version", e))?;
    if current > VERSION {
        return Err(Error::Store {
            message: format!(
                "the database has schema version {current}, newer than this jtl-connect understands ({VERSION}); upgrade jtl-connect"
            ),
        });
    }
    if current == VERSION {
        // Up to date: write nothing, so opening never changes the file.
        return Ok(());
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        tx.execute_batch(sql)
            .map_err(|e| store_error(&format!("migration to schema version {}", index + 1), e))?;
    }
    tx.pragma_update(None, "user_version", VERSION)
        .map_err(|e| store_error("cannot record the schema version", e))?;
    tx.commit()
        .map_err(|e| store_error("cannot commit the migration", e))
}
