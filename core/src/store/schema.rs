//! The database schema and its versioned migrations (`PRAGMA user_version`). They run inside
//! the transaction that opens the store (after its key check), so several processes opening
//! the store at once apply each exactly once.

use rusqlite::{params, Transaction};

use super::crypto::{self, Cipher, RowView};
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
    // 2: every row sealed whole, under a key generation (re-sealed in `seal_whole_rows`).
    "INSERT INTO meta (key, value) VALUES ('generation', 1) ON CONFLICT (key) DO NOTHING;",
    // 3: user grants (issue 20), keyed by account + user, the whole grant sealed; deleting an
    // account deletes its grants (a trigger: SQLite enforces foreign keys only when asked).
    "CREATE TABLE user_grants (
        account_id TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        sealed     BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, user_id)
    );
    CREATE TRIGGER accounts_delete_user_grants AFTER DELETE ON accounts
    BEGIN
        DELETE FROM user_grants WHERE account_id = OLD.id;
    END;",
];

/// The schema version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn store_error(context: &str, error: rusqlite::Error) -> Error {
    Error::Store {
        message: format!("{context}: {error}"),
    }
}

/// Refuses a database from a newer release.
pub(crate) fn check_version(current: i64) -> Result<()> {
    if current > VERSION {
        return Err(Error::Store {
            message: format!(
                "the database has schema version {current}, newer than this jtl-connect understands ({VERSION}); upgrade jtl-connect"
            ),
        });
    }
    Ok(())
}

/// Brings the database from `current` up to [`VERSION`] inside `tx`. The caller has checked
/// the key already: schema 1 rows are re-sealed with it.
pub(crate) fn migrate(tx: &Transaction<'_>, current: i64, cipher: &Cipher) -> Result<()> {
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
        if index + 1 == 2 && current == 1 {
            seal_whole_rows(tx, cipher)?;
        }
    }
    tx.pragma_update(None, "user_version", VERSION)
        .map_err(|e| store_error("cannot record the schema version", e))
}

/// id, system, name, fields, sealed secret, hint.
type V1Row = (String, String, String, String, Vec<u8>, Option<String>);

/// Schema 1 sealed only the secret to its id and system: re-seal every row whole (generation
/// 1), and the key check in its schema 2 form. A row whose secret does not open keeps its old
/// ciphertext, so it fails as "changed outside the store" when used instead of failing the
/// whole migration.
fn seal_whole_rows(tx: &Transaction<'_>, cipher: &Cipher) -> Result<()> {
    let rows: Vec<V1Row> = {
        let mut statement = tx
            .prepare("SELECT id, system, name, fields, secret, secret_hint FROM accounts")
            .map_err(|e| store_error("migration: cannot read the accounts", e))?;
        let mapped = statement
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .map_err(|e| store_error("migration: cannot read the accounts", e))?;
        mapped
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| store_error("migration: cannot read an account", e))?
    };
    for (id, system, name, fields, sealed, hint) in rows {
        let Some(secret) = crypto::open_v1_secret(cipher, &id, &system, &sealed) else {
            continue;
        };
        let Ok(fields) = serde_json::from_str(&fields) else {
            continue;
        };
        let view = RowView {
            id: &id,
            system: &system,
            name: &name,
            fields: &fields,
            secret_hint: hint.as_deref(),
        };
        let resealed = crypto::seal_row(cipher, 1, &view, &secret)?;
        tx.execute(
            "UPDATE accounts SET secret = ?2 WHERE id = ?1",
            params![id, resealed],
        )
        .map_err(|e| store_error("migration: cannot re-seal an account", e))?;
    }
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('key_check', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [crypto::seal_key_check(cipher, 1)?],
    )
    .map_err(|e| store_error("migration: cannot write the key check", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::{params, Connection};

    use super::super::{AccountStore, System};
    use super::*;

    /// A database as schema 1 wrote it: secrets sealed to id and system only.
    #[test]
    fn schema_1_rows_are_resealed_whole() {
        let dir = std::env::temp_dir().join(format!("jtl-schema-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("accounts.db");
        let key = [5u8; 32];
        let cipher = Cipher::new(&key);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('key_check', ?1)",
            [cipher
                .seal(b"jtl-connect master key check v1", "meta:key_check")
                .unwrap()],
        )
        .unwrap();
        let sealed = cipher
            .seal(b"refresh-token-1", "account:id-1:jtl-scx")
            .unwrap();
        conn.execute(
            "INSERT INTO accounts VALUES ('id-1', 'jtl-scx', 'S', '{\"sandbox\":\"true\"}', ?1, NULL, 1, 1)",
            params![sealed],
        )
        .unwrap();
        drop(conn);
        // A wrong key changes nothing, not even the schema version.
        assert_eq!(
            AccountStore::open_with_master_key(&path, &[6; 32])
                .unwrap_err()
                .code(),
            "config"
        );
        let version: i64 = Connection::open(&path)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
        let store = AccountStore::open_with_master_key(&path, &key).unwrap();
        let row = store.backend.by_id("id-1").unwrap().unwrap();
        let (system, fields, secret) = store.keys().open(&row).unwrap();
        assert_eq!(system, System::Scx);
        assert_eq!(fields["sandbox"], "true");
        assert_eq!(secret.expose(), "refresh-token-1");
        assert_eq!(store.key_generation(), 1);
        drop(store);
        // Migrated once: the second open finds schema 2 and the same key.
        let store = AccountStore::open_with_master_key(&path, &key).unwrap();
        assert_eq!(store.list().unwrap().len(), 1);
    }
}
