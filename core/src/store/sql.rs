//! The SQL of the store: [`Backend`], what the store needs from a database (sealed rows and
//! the store's metadata, every change in one transaction), and [`Sqlite`], the embedded
//! implementation (one file, WAL, busy timeout, safe for several processes). Sealing happens
//! above this layer: a backend only ever sees ciphertexts, never the master key.

use std::{
    path::Path,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

pub(crate) use super::grants::GrantRow;
use super::{
    crypto::{self, Cipher},
    schema::{self, store_error},
};
use crate::{Error, Result};

/// A stored row as the database holds it: the fields as JSON, the secret sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) system: String,
    pub(crate) name: String,
    pub(crate) fields: String,
    pub(crate) secret: Vec<u8>,
    pub(crate) secret_hint: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// How the key check of an opening ended.
pub(crate) enum KeyCheck {
    /// The key is the store's; its current generation.
    Matches(i64),
    /// The store belongs to another key; nothing was written.
    Mismatch,
}

/// A write that could not be applied as asked.
pub(crate) enum Refused {
    /// Another account of the system has this name.
    NameTaken,
    /// The store's key was rotated after this handle opened it (the new generation).
    Rotated(i64),
}

/// The outcome of a write: done, refused for a reason the caller words, or failed.
pub(crate) type Write<T> = Result<std::result::Result<T, Refused>>;

/// What the account store needs from a database. Every method is one transaction; writes
/// take the generation the caller sealed under and are refused if the store has moved on.
pub(crate) trait Backend: Send + Sync {
    /// Migrates and decides the key check atomically: the first key to write it wins, every
    /// other key gets [`KeyCheck::Mismatch`] before anything is written.
    fn open_checked(&self, cipher: &Cipher) -> Result<KeyCheck>;
    /// Inserts a new row.
    fn insert(&self, generation: i64, row: &Row) -> Write<()>;
    /// Every row, by system and name.
    fn list(&self) -> Result<Vec<Row>>;
    /// The row with this id.
    fn by_id(&self, id: &str) -> Result<Option<Row>>;
    /// The row of this system and name.
    fn by_name(&self, system: &str, name: &str) -> Result<Option<Row>>;
    /// The row with this id and the store's current generation, read together.
    fn by_id_with_generation(&self, id: &str) -> Result<Option<(Row, i64)>>;
    /// Replaces the row with this id by what `change` makes of it (`None` if there is none).
    fn modify(
        &self,
        generation: i64,
        id: &str,
        change: &mut dyn FnMut(Row) -> Result<Row>,
    ) -> Write<Option<Row>>;
    /// Deletes the row; whether there was one.
    fn delete(&self, id: &str) -> Result<bool>;

    // ---- User grants (issue 20): SQL in `store/grants.rs`. ----------------------------
    /// Inserts or replaces the grant of `row.account_id` + `row.user_id`; `false` if there is
    /// no such account.
    fn save_grant(&self, generation: i64, row: &GrantRow) -> Write<bool>;
    /// One user's grant of an account, with the store's current generation.
    fn grant(&self, account_id: &str, user_id: &str) -> Result<Option<(GrantRow, i64)>>;
    /// Every grant of an account, by user id.
    fn grants(&self, account_id: &str) -> Result<Vec<GrantRow>>;
    /// Deletes one user's grant; whether there was one.
    fn delete_grant(&self, account_id: &str, user_id: &str) -> Result<bool>;
    /// Re-seals every account with `reseal` and every user grant with `reseal_grant`, and
    /// moves the store to `generation + 1` with the new key check, all in one transaction;
    /// the numbers of accounts and of grants.
    fn rotate_with_grants(
        &self,
        generation: i64,
        reseal: &mut dyn FnMut(Row) -> Result<Row>,
        reseal_grant: &mut dyn FnMut(GrantRow) -> Result<GrantRow>,
        new_key_check: &[u8],
    ) -> Write<(usize, usize)>;
}

/// The embedded SQLite backend.
pub(crate) struct Sqlite {
    conn: Mutex<Connection>,
}

pub(super) const COLUMNS: &str =
    "id, system, name, fields, secret, secret_hint, created_at, updated_at";

pub(super) fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: row.get(0)?,
        system: row.get(1)?,
        name: row.get(2)?,
        fields: row.get(3)?,
        secret: row.get(4)?,
        secret_hint: row.get(5)?,
        created_at: row.get(6)?,
        updated_at: row.get(7)?,
    })
}

pub(super) fn is_constraint(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::ConstraintViolation)
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn generation(tx: &Transaction<'_>) -> Result<Option<i64>> {
    tx.query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| {
        r.get(0)
    })
    .optional()
    .map_err(|e| store_error("cannot read the key generation", e))
}

/// `Err(Refused::Rotated)` unless the store is still at `expected`.
pub(super) fn same_generation(
    tx: &Transaction<'_>,
    expected: i64,
) -> Result<std::result::Result<(), Refused>> {
    Ok(match generation(tx)? {
        Some(current) if current != expected => Err(Refused::Rotated(current)),
        _ => Ok(()),
    })
}

impl Sqlite {
    /// Opens (or creates) the database file, configured for several processes.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)
            .map_err(|e| store_error(&format!("cannot open {}", path.display()), e))?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| store_error("cannot set the busy timeout", e))?;
        // Switching a new file to WAL takes an exclusive lock, and SQLite answers "locked"
        // at once (without its busy handler) while another process opens the same new file:
        // retry within the busy timeout.
        let started = std::time::Instant::now();
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Err(e) if is_busy(&e) && started.elapsed() < Duration::from_secs(10) => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                result => {
                    result.map_err(|e| store_error("cannot configure the database", e))?;
                    break;
                }
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| store_error("cannot configure the database", e))?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn one(&self, condition: &str, values: &[&str]) -> Result<Option<Row>> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE {condition}");
        self.lock()
            .query_row(&sql, rusqlite::params_from_iter(values), read_row)
            .optional()
            .map_err(|e| store_error("cannot read the account", e))
    }
}

pub(super) fn immediate(conn: &mut Connection) -> Result<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| store_error("cannot lock the database", e))
}

pub(super) fn update_row(tx: &Transaction<'_>, row: &Row) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE accounts SET name = ?2, fields = ?3, secret = ?4, secret_hint = ?5, updated_at = ?6
         WHERE id = ?1",
        params![
            row.id,
            row.name,
            row.fields,
            row.secret,
            row.secret_hint,
            row.updated_at
        ],
    )
}

impl Backend for Sqlite {
    fn open_checked(&self, cipher: &Cipher) -> Result<KeyCheck> {
        let mut conn = self.lock();
        // One IMMEDIATE transaction holds SQLite's write lock from the first read to the
        // commit: of several processes opening a new store with different keys, exactly one
        // writes the key check, and every other one reads it and compares.
        let tx = immediate(&mut conn)?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| store_error("cannot read the schema version", e))?;
        schema::check_version(version)?;
        if version >= 1 {
            let stored: Option<Vec<u8>> = tx
                .query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| store_error("cannot read the key check", e))?;
            let schema_generation = if version >= 2 {
                Some(generation(&tx)?.unwrap_or(1))
            } else {
                None
            };
            if let Some(sealed) = stored {
                if !crypto::key_check_matches(cipher, &sealed, schema_generation) {
                    // Dropping the transaction rolls back: nothing was written.
                    return Ok(KeyCheck::Mismatch);
                }
            }
        }
        schema::migrate(&tx, version, cipher)?;
        let current = generation(&tx)?.unwrap_or(1);
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('key_check', ?1) ON CONFLICT (key) DO NOTHING",
            [crypto::seal_key_check(cipher, current)?],
        )
        .map_err(|e| store_error("cannot write the key check", e))?;
        // Read back what won, and compare with this key.
        let stored: Vec<u8> = tx
            .query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
                r.get(0)
            })
            .map_err(|e| store_error("cannot read the key check", e))?;
        if !crypto::key_check_matches(cipher, &stored, Some(current)) {
            return Ok(KeyCheck::Mismatch);
        }
        tx.commit()
            .map_err(|e| store_error("cannot commit the key check", e))?;
        Ok(KeyCheck::Matches(current))
    }

    fn insert(&self, generation: i64, row: &Row) -> Write<()> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if let Err(refused) = same_generation(&tx, generation)? {
            return Ok(Err(refused));
        }
        let inserted = tx.execute(
            &format!("INSERT INTO accounts ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                row.id,
                row.system,
                row.name,
                row.fields,
                row.secret,
                row.secret_hint,
                row.created_at,
                row.updated_at
            ],
        );
        match inserted {
            Ok(_) => {}
            Err(e) if is_constraint(&e) => return Ok(Err(Refused::NameTaken)),
            Err(e) => return Err(store_error("cannot add the account", e)),
        }
        tx.commit()
            .map_err(|e| store_error("cannot commit the new account", e))?;
        Ok(Ok(()))
    }

    fn list(&self) -> Result<Vec<Row>> {
        let conn = self.lock();
        let mut statement = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM accounts ORDER BY system, name COLLATE NOCASE"
            ))
            .map_err(|e| store_error("cannot list accounts", e))?;
        let rows = statement
            .query_map([], read_row)
            .map_err(|e| store_error("cannot list accounts", e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| store_error("cannot read an account", e))
    }

    fn by_id(&self, id: &str) -> Result<Option<Row>> {
        self.one("id = ?1", &[id])
    }

    fn by_name(&self, system: &str, name: &str) -> Result<Option<Row>> {
        self.one("system = ?1 AND name = ?2", &[system, name])
    }

    fn by_id_with_generation(&self, id: &str) -> Result<Option<(Row, i64)>> {
        let conn = self.lock();
        conn.query_row(
            &format!(
                "SELECT {COLUMNS}, (SELECT value FROM meta WHERE key = 'generation')
                 FROM accounts WHERE id = ?1"
            ),
            [id],
            |r| Ok((read_row(r)?, r.get::<_, Option<i64>>(8)?.unwrap_or(1))),
        )
        .optional()
        .map_err(|e| store_error("cannot read the account", e))
    }

    fn modify(
        &self,
        generation: i64,
        id: &str,
        change: &mut dyn FnMut(Row) -> Result<Row>,
    ) -> Write<Option<Row>> {
        let mut conn = self.lock();
        let tx = immediate(&mut conn)?;
        if let Err(refused) = same_generation(&tx, generation)? {
            return Ok(Err(refused));
        }
        let current = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"),
                [id],
                read_row,
            )
            .optional()
            .map_err(|e| store_error("cannot read the account", e))?;
        let Some(current) = current else {
            return Ok(Ok(None));
        };
        let changed = change(current)?;
        match update_row(&tx, &changed) {
            Ok(_) => {}
            Err(e) if is_constraint(&e) => return Ok(Err(Refused::NameTaken)),
            Err(e) => return Err(store_error("cannot update the account", e)),
        }
        tx.commit()
            .map_err(|e| store_error("cannot commit the update", e))?;
        Ok(Ok(Some(changed)))
    }

    fn delete(&self, id: &str) -> Result<bool> {
        self.lock()
            .execute("DELETE FROM accounts WHERE id = ?1", [id])
            .map(|n| n > 0)
            .map_err(|e| store_error("cannot delete the account", e))
    }

    // ---- User grants (issue 20): SQL in `store/grants.rs`. --------------------------------
    fn save_grant(&self, generation: i64, row: &GrantRow) -> Write<bool> {
        super::grants::sqlite::save(&mut self.lock(), generation, row)
    }

    fn grant(&self, account_id: &str, user_id: &str) -> Result<Option<(GrantRow, i64)>> {
        super::grants::sqlite::one(&self.lock(), account_id, user_id)
    }

    fn grants(&self, account_id: &str) -> Result<Vec<GrantRow>> {
        super::grants::sqlite::all(&self.lock(), account_id)
    }

    fn delete_grant(&self, account_id: &str, user_id: &str) -> Result<bool> {
        super::grants::sqlite::delete(&self.lock(), account_id, user_id)
    }

    fn rotate_with_grants(
        &self,
        generation: i64,
        reseal: &mut dyn FnMut(Row) -> Result<Row>,
        reseal_grant: &mut dyn FnMut(GrantRow) -> Result<GrantRow>,
        new_key_check: &[u8],
    ) -> Write<(usize, usize)> {
        super::grants::sqlite::rotate(
            &mut self.lock(),
            generation,
            reseal,
            reseal_grant,
            new_key_check,
        )
    }
}

impl From<Refused> for Error {
    fn from(refused: Refused) -> Self {
        match refused {
            // Callers word name conflicts themselves (they know system and name).
            Refused::NameTaken => Error::Store {
                message: "the name is taken".into(),
            },
            Refused::Rotated(generation) => Error::config(format!(
                "the master key of this account store was rotated (now generation {generation}) after it was opened here; open the store again with the new key"
            )),
        }
    }
}
