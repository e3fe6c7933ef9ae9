//! [`Postgres`]: the store's [`Backend`] on a PostgreSQL server, for apps whose instances run on
//! several machines and share their accounts (and, through the same database, their tokens).
//!
//! The same contract as SQLite: versioned migrations (numbered like SQLite's, so a later
//! migration is ported under the same number), the same sealed rows (the master key never
//! leaves the process), every change in one transaction. Race-freedom comes from locks instead
//! of SQLite's single writer: opening takes a transaction-level advisory lock (so of several
//! processes opening a new store with different keys exactly one writes the key check), writes
//! hold the store row `FOR SHARE` and a rotation holds it `FOR UPDATE` (so no write slips in
//! under an old key generation).
//!
//! The store's API is synchronous, the driver (tokio-postgres + deadpool-postgres, with the
//! URL, TLS, pool and timeouts of [`Target`]) async. Each call runs as a task on a small
//! runtime of its own (one thread, `jtl-connect-store`) and the caller waits for its answer on
//! a channel: this works from any thread, also from inside another runtime (an async
//! `test_connection`), where `block_on` would panic, and it can never starve the shared
//! runtime's workers, which callers on them would otherwise block. A write that runs the
//! caller's closure inside its transaction (update, rotation) does so between two such tasks,
//! holding the connection in a [`Tx`] that rolls back if it is dropped unfinished.

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
};

use deadpool_postgres::{Object, Pool};
use tokio::runtime::{Builder, Runtime};
use tokio_postgres::{error::SqlState, types::ToSql};

use super::{
    crypto::{self, Cipher},
    schema,
    sql::{Backend, GrantRow, KeyCheck, Refused, Row, Write},
};
use crate::{
    fork::Owner,
    token::postgres::{pool_error, store_error, Target},
    Error, Result,
};

/// The first half of jtl-connect's advisory-lock keys ("JTLC", as the shared token cache's);
/// the second half 1 is the account store's schema and key check.
const LOCK_CLASS: i32 = 0x4A54_4C43;
const STORE_LOCK: i32 = 1;

/// Migration `n` brings the schema from version `n` to `n + 1`, as [`schema`]'s do for
/// SQLite. The store's metadata is one row of `jtl_connect_store` (its schema version, key
/// check and generation) that every write locks.
const MIGRATIONS: &[&str] = &[
    // 1: accounts with their sealed secret, and the store row with the key check.
    "CREATE TABLE jtl_connect_store (
        singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        schema_version integer NOT NULL,
        key_check      bytea
    );
    INSERT INTO jtl_connect_store (schema_version) VALUES (0);
    CREATE TABLE jtl_connect_accounts (
        id          text PRIMARY KEY,
        system      text NOT NULL,
        name        text NOT NULL,
        fields      text NOT NULL,
        secret      bytea NOT NULL,
        secret_hint text,
        created_at  bigint NOT NULL,
        updated_at  bigint NOT NULL,
        UNIQUE (system, name)
    );
    COMMENT ON TABLE jtl_connect_accounts IS
        'jtl-connect accounts: every secret sealed with the master key, which is not here';",
    // 2: every row sealed whole, under a key generation.
    "ALTER TABLE jtl_connect_store ADD COLUMN generation bigint NOT NULL DEFAULT 1;",
    // 3: user grants (issue 20), keyed by account + user, the whole grant sealed; deleting an
    // account deletes its grants.
    "CREATE TABLE jtl_connect_user_grants (
        account_id text NOT NULL REFERENCES jtl_connect_accounts (id) ON DELETE CASCADE,
        user_id    text NOT NULL,
        sealed     bytea NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (account_id, user_id)
    );",
];

const COLUMNS: &str = "id, system, name, fields, secret, secret_hint, created_at, updated_at";

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The store's runtime, made for this process (a forked child makes its own).
fn runtime() -> Result<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, runtime)) = slot.as_ref() {
        if *owner == pid {
            return Ok(runtime.clone());
        }
        // Inherited through fork(): its thread is gone, and dropping it would wait for it.
        if let Some((_, stale)) = slot.take() {
            std::mem::forget(stale);
        }
    }
    let runtime = Arc::new(
        Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("jtl-connect-store")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("could not start the store's runtime: {e}")))?,
    );
    *slot = Some((pid, runtime.clone()));
    Ok(runtime)
}

/// Runs `work` on the store's runtime and waits for its answer.
fn run<T: Send + 'static>(work: impl Future<Output = Result<T>> + Send + 'static) -> Result<T> {
    let (answer, answered) = std::sync::mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = answer.send(work.await);
    });
    answered.recv().map_err(|_| Error::Store {
        message: "the database call ended without an answer".into(),
    })?
}

/// A step of a transaction: the connection goes in and comes back out with the answer.
type Step<T> = Pin<Box<dyn Future<Output = (Object, Result<T>)> + Send>>;

/// The PostgreSQL backend.
pub(crate) struct Postgres {
    target: Target,
    pool: Mutex<(Owner, Pool)>,
}

/// An open transaction held between steps; rolled back unless [`Tx::commit`] ended it.
struct Tx {
    client: Option<Object>,
    location: Arc<str>,
}

impl Tx {
    /// Runs one step on the transaction's connection.
    fn step<T: Send + 'static>(&mut self, work: impl FnOnce(Object) -> Step<T>) -> Result<T> {
        let client = self.client.take().ok_or_else(|| Error::Store {
            message: format!("{}: the transaction was lost", self.location),
        })?;
        let work = work(client);
        let (client, answer) = run(async move { Ok(work.await) })?;
        self.client = Some(client);
        answer
    }

    fn commit(mut self) -> Result<()> {
        let location = self.location.clone();
        let Some(client) = self.client.take() else {
            return Err(Error::Store {
                message: format!("{location}: the transaction was lost"),
            });
        };
        run(async move {
            client
                .batch_execute("COMMIT")
                .await
                .map_err(|e| store_error(&location, "cannot commit", &e))
        })
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        // The connection goes back to the pool only once it is out of the transaction.
        let rollback = async move {
            if client.batch_execute("ROLLBACK").await.is_err() {
                drop(Object::take(client));
            }
        };
        if let Ok(runtime) = runtime() {
            runtime.spawn(rollback);
        }
    }
}

fn read_row(row: &tokio_postgres::Row) -> std::result::Result<Row, tokio_postgres::Error> {
    Ok(Row {
        id: row.try_get(0)?,
        system: row.try_get(1)?,
        name: row.try_get(2)?,
        fields: row.try_get(3)?,
        secret: row.try_get(4)?,
        secret_hint: row.try_get(5)?,
        created_at: row.try_get(6)?,
        updated_at: row.try_get(7)?,
    })
}

fn is_unique_violation(error: &tokio_postgres::Error) -> bool {
    error.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

/// The store row's generation under `lock` (`FOR SHARE` or `FOR UPDATE`), `Rotated` unless
/// it is `expected`.
async fn check_generation(
    client: &Object,
    location: &str,
    expected: i64,
    lock: &str,
) -> Result<std::result::Result<(), Refused>> {
    let current: i64 = client
        .query_one(
            &format!("SELECT generation FROM jtl_connect_store {lock}"),
            &[],
        )
        .await
        .and_then(|r| r.try_get(0))
        .map_err(|e| store_error(location, "cannot read the key generation", &e))?;
    Ok(if current == expected {
        Ok(())
    } else {
        Err(Refused::Rotated(current))
    })
}

/// What the opening transaction read under its lock.
struct Opened {
    version: i64,
    key_check: Option<Vec<u8>>,
    generation: i64,
}

impl Postgres {
    /// Prepares the pool for `url` (no connection yet: the first call connects).
    pub(crate) fn open(url: &str) -> Result<Self> {
        let target = Target::parse("account store", url)?;
        let pool = target.pool()?;
        Ok(Self {
            target,
            pool: Mutex::new((Owner::current(), pool)),
        })
    }

    /// Where the database is, without a password.
    pub(crate) fn location(&self) -> &str {
        self.target.location()
    }

    /// The pool, made anew in a forked child (the parent's connections ran on its runtime).
    fn pool(&self) -> Result<Pool> {
        let mut slot = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.0.changed() {
            let stale = std::mem::replace(&mut slot.1, self.target.pool()?);
            std::mem::forget(stale);
        }
        Ok(slot.1.clone())
    }

    fn location_arc(&self) -> Arc<str> {
        Arc::from(self.location())
    }

    /// One call on a pooled connection.
    fn call<T: Send + 'static, F>(
        &self,
        work: impl FnOnce(Object, Arc<str>) -> F + Send + 'static,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
    {
        let pool = self.pool()?;
        let location = self.location_arc();
        run(async move {
            let client = pool.get().await.map_err(|e| pool_error(&location, &e))?;
            work(client, location).await
        })
    }

    /// A transaction on a pooled connection, begun.
    fn begin(&self) -> Result<Tx> {
        let pool = self.pool()?;
        let location = self.location_arc();
        let at = location.clone();
        let client = run(async move {
            let client = pool.get().await.map_err(|e| pool_error(&at, &e))?;
            client
                .batch_execute("BEGIN")
                .await
                .map_err(|e| store_error(&at, "cannot begin a transaction", &e))?;
            Ok(client)
        })?;
        Ok(Tx {
            client: Some(client),
            location,
        })
    }

    fn one(&self, condition: &'static str, values: Vec<String>) -> Result<Option<Row>> {
        self.call(move |client, location| async move {
            let params: Vec<&(dyn ToSql + Sync)> =
                values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
            client
                .query_opt(
                    &format!("SELECT {COLUMNS} FROM jtl_connect_accounts WHERE {condition}"),
                    &params,
                )
                .await
                .and_then(|row| row.as_ref().map(read_row).transpose())
                .map_err(|e| store_error(&location, "cannot read the account", &e))
        })
    }
}

fn update_sql() -> &'static str {
    "UPDATE jtl_connect_accounts SET name = $2, fields = $3, secret = $4, secret_hint = $5,
        updated_at = $6 WHERE id = $1"
}

async fn update_row(client: &Object, row: &Row) -> std::result::Result<u64, tokio_postgres::Error> {
    client
        .execute(
            update_sql(),
            &[
                &row.id,
                &row.name,
                &row.fields,
                &row.secret,
                &row.secret_hint,
                &row.updated_at,
            ],
        )
        .await
}

impl Backend for Postgres {
    fn open_checked(&self, cipher: &Cipher) -> Result<KeyCheck> {
        let mut tx = self.begin()?;
        let location = self.location_arc();
        // Under the lock, until the commit: the schema and the key check are decided by one
        // process at a time.
        let at = location.clone();
        let opened = tx.step(move |client| {
            Box::pin(async move {
                let read = async {
                    client
                        .execute(
                            "SELECT pg_advisory_xact_lock($1, $2)",
                            &[&LOCK_CLASS, &STORE_LOCK],
                        )
                        .await?;
                    let exists: bool = client
                        .query_one("SELECT to_regclass('jtl_connect_store') IS NOT NULL", &[])
                        .await?
                        .try_get(0)?;
                    if !exists {
                        return Ok(Opened {
                            version: 0,
                            key_check: None,
                            generation: 1,
                        });
                    }
                    let version: i32 = client
                        .query_one("SELECT schema_version FROM jtl_connect_store", &[])
                        .await?
                        .try_get(0)?;
                    let has_generation = version >= 2;
                    let row = client
                        .query_one(
                            if has_generation {
                                "SELECT key_check, generation FROM jtl_connect_store"
                            } else {
                                "SELECT key_check, 1::bigint FROM jtl_connect_store"
                            },
                            &[],
                        )
                        .await?;
                    Ok(Opened {
                        version: i64::from(version),
                        key_check: row.try_get(0)?,
                        generation: row.try_get(1)?,
                    })
                }
                .await
                .map_err(|e: tokio_postgres::Error| {
                    store_error(&at, "cannot read the store's schema and key check", &e)
                });
                (client, read)
            })
        })?;
        schema::check_version(opened.version)?;
        if let Some(sealed) = &opened.key_check {
            if !crypto::key_check_matches(cipher, sealed, Some(opened.generation)) {
                // Dropping the transaction rolls it back: nothing was written.
                return Ok(KeyCheck::Mismatch);
            }
        }
        let generation = opened.generation;
        let new_check = match opened.key_check {
            Some(_) => None,
            None => Some(crypto::seal_key_check(cipher, generation)?),
        };
        let version = opened.version;
        if version < schema::VERSION || new_check.is_some() {
            let at = location.clone();
            tx.step(move |client| {
                Box::pin(async move {
                    let done = async {
                        let start = usize::try_from(version).unwrap_or(0);
                        for sql in MIGRATIONS.iter().skip(start) {
                            client.batch_execute(sql).await?;
                        }
                        if start < MIGRATIONS.len() {
                            client
                                .execute(
                                    "UPDATE jtl_connect_store SET schema_version = $1",
                                    &[&(MIGRATIONS.len() as i32)],
                                )
                                .await?;
                        }
                        if let Some(check) = &new_check {
                            client
                                .execute("UPDATE jtl_connect_store SET key_check = $1", &[check])
                                .await?;
                        }
                        Ok(())
                    }
                    .await
                    .map_err(|e: tokio_postgres::Error| {
                        store_error(&at, "cannot migrate the store", &e)
                    });
                    (client, done)
                })
            })?;
            tx.commit()?;
        }
        // Up to date with a key check: the transaction only read, and rolls back on drop.
        Ok(KeyCheck::Matches(generation))
    }

    fn insert(&self, generation: i64, row: &Row) -> Write<()> {
        let row = row.clone();
        self.call(move |mut client, location| async move {
            let tx = client
                .transaction()
                .await
                .map_err(|e| store_error(&location, "cannot begin a transaction", &e))?;
            let current: i64 = tx
                .query_one("SELECT generation FROM jtl_connect_store FOR SHARE", &[])
                .await
                .and_then(|r| r.try_get(0))
                .map_err(|e| store_error(&location, "cannot read the key generation", &e))?;
            if current != generation {
                return Ok(Err(Refused::Rotated(current)));
            }
            let inserted = tx
                .execute(
                    &format!(
                        "INSERT INTO jtl_connect_accounts ({COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                    ),
                    &[
                        &row.id,
                        &row.system,
                        &row.name,
                        &row.fields,
                        &row.secret,
                        &row.secret_hint,
                        &row.created_at,
                        &row.updated_at,
                    ],
                )
                .await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Ok(Err(Refused::NameTaken)),
                Err(e) => return Err(store_error(&location, "cannot add the account", &e)),
            }
            tx.commit()
                .await
                .map_err(|e| store_error(&location, "cannot commit the new account", &e))?;
            Ok(Ok(()))
        })
    }

    fn list(&self) -> Result<Vec<Row>> {
        self.call(|client, location| async move {
            let rows = client
                .query(
                    &format!(
                        "SELECT {COLUMNS} FROM jtl_connect_accounts ORDER BY system, lower(name), name"
                    ),
                    &[],
                )
                .await
                .map_err(|e| store_error(&location, "cannot list accounts", &e))?;
            rows.iter()
                .map(read_row)
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| store_error(&location, "cannot read an account", &e))
        })
    }

    fn by_id(&self, id: &str) -> Result<Option<Row>> {
        self.one("id = $1", vec![id.to_owned()])
    }

    fn by_name(&self, system: &str, name: &str) -> Result<Option<Row>> {
        self.one(
            "system = $1 AND name = $2",
            vec![system.to_owned(), name.to_owned()],
        )
    }

    fn by_id_with_generation(&self, id: &str) -> Result<Option<(Row, i64)>> {
        let id = id.to_owned();
        self.call(move |client, location| async move {
            client
                .query_opt(
                    &format!(
                        "SELECT {COLUMNS}, (SELECT generation FROM jtl_connect_store)
                         FROM jtl_connect_accounts WHERE id = $1"
                    ),
                    &[&id],
                )
                .await
                .and_then(|row| {
                    row.map(|r| Ok((read_row(&r)?, r.try_get::<_, i64>(8)?)))
                        .transpose()
                })
                .map_err(|e| store_error(&location, "cannot read the account", &e))
        })
    }

    fn modify(
        &self,
        generation: i64,
        id: &str,
        change: &mut dyn FnMut(Row) -> Result<Row>,
    ) -> Write<Option<Row>> {
        let mut tx = self.begin()?;
        let id = id.to_owned();
        let location = self.location_arc();
        let current = tx.step(move |client| {
            Box::pin(async move {
                let read = async {
                    if let Err(refused) =
                        check_generation(&client, &location, generation, "FOR SHARE").await?
                    {
                        return Ok(Err(refused));
                    }
                    let row = client
                        .query_opt(
                            &format!(
                                "SELECT {COLUMNS} FROM jtl_connect_accounts WHERE id = $1 FOR UPDATE"
                            ),
                            &[&id],
                        )
                        .await
                        .and_then(|row| row.as_ref().map(read_row).transpose())
                        .map_err(|e| store_error(&location, "cannot read the account", &e))?;
                    Ok(Ok(row))
                }
                .await;
                (client, read)
            })
        })?;
        let current = match current {
            Err(refused) => return Ok(Err(refused)),
            Ok(None) => return Ok(Ok(None)),
            Ok(Some(row)) => row,
        };
        let changed = change(current)?;
        let written = changed.clone();
        let location = self.location_arc();
        let updated = tx.step(move |client| {
            Box::pin(async move {
                let done = match update_row(&client, &written).await {
                    Ok(_) => Ok(Ok(())),
                    Err(e) if is_unique_violation(&e) => Ok(Err(Refused::NameTaken)),
                    Err(e) => Err(store_error(&location, "cannot update the account", &e)),
                };
                (client, done)
            })
        })?;
        if let Err(refused) = updated {
            return Ok(Err(refused));
        }
        tx.commit()?;
        Ok(Ok(Some(changed)))
    }

    fn delete(&self, id: &str) -> Result<bool> {
        let id = id.to_owned();
        self.call(move |client, location| async move {
            client
                .execute("DELETE FROM jtl_connect_accounts WHERE id = $1", &[&id])
                .await
                .map(|n| n > 0)
                .map_err(|e| store_error(&location, "cannot delete the account", &e))
        })
    }

    fn rotate_with_grants(
        &self,
        generation: i64,
        reseal: &mut dyn FnMut(Row) -> Result<Row>,
        reseal_grant: &mut dyn FnMut(GrantRow) -> Result<GrantRow>,
        new_key_check: &[u8],
    ) -> Write<(usize, usize)> {
        let mut tx = self.begin()?;
        let location = self.location_arc();
        let rows = tx.step(move |client| {
            Box::pin(async move {
                let read = async {
                    // FOR UPDATE: every write waits for the rotation, then sees the new
                    // generation and is refused instead of writing under the old key.
                    if let Err(refused) =
                        check_generation(&client, &location, generation, "FOR UPDATE").await?
                    {
                        return Ok(Err(refused));
                    }
                    let rows = client
                        .query(
                            &format!("SELECT {COLUMNS} FROM jtl_connect_accounts FOR UPDATE"),
                            &[],
                        )
                        .await
                        .map_err(|e| store_error(&location, "cannot read the accounts", &e))?;
                    let rows = rows
                        .iter()
                        .map(read_row)
                        .collect::<std::result::Result<Vec<_>, _>>()
                        .map_err(|e| store_error(&location, "cannot read an account", &e))?;
                    let grants: Vec<GrantRow> = client
                        .query(
                            &format!(
                                "SELECT {GRANT_COLUMNS} FROM jtl_connect_user_grants FOR UPDATE"
                            ),
                            &[],
                        )
                        .await
                        .and_then(|rows| rows.iter().map(read_grant).collect())
                        .map_err(|e| store_error(&location, "cannot read the user grants", &e))?;
                    Ok(Ok((rows, grants)))
                }
                .await;
                (client, read)
            })
        })?;
        let (rows, grants) = match rows {
            Err(refused) => return Ok(Err(refused)),
            Ok(read) => read,
        };
        let counts = (rows.len(), grants.len());
        let resealed = rows
            .into_iter()
            .map(&mut *reseal)
            .collect::<Result<Vec<_>>>()?;
        let resealed_grants = grants
            .into_iter()
            .map(&mut *reseal_grant)
            .collect::<Result<Vec<_>>>()?;
        let check = new_key_check.to_vec();
        let location = self.location_arc();
        tx.step(move |client| {
            Box::pin(async move {
                let done = async {
                    for row in &resealed {
                        update_row(&client, row).await?;
                    }
                    for grant in &resealed_grants {
                        client
                            .execute(
                                "UPDATE jtl_connect_user_grants SET sealed = $3
                                 WHERE account_id = $1 AND user_id = $2",
                                &[&grant.account_id, &grant.user_id, &grant.sealed],
                            )
                            .await?;
                    }
                    client
                        .execute(
                            "UPDATE jtl_connect_store SET generation = $1, key_check = $2",
                            &[&(generation + 1), &check],
                        )
                        .await?;
                    Ok(())
                }
                .await
                .map_err(|e: tokio_postgres::Error| {
                    store_error(&location, "cannot re-seal the accounts", &e)
                });
                (client, done)
            })
        })?;
        tx.commit()?;
        Ok(Ok(counts))
    }

    // ---- User grants (issue 20) ---------------------------------------------------------
    fn save_grant(&self, generation: i64, row: &GrantRow) -> Write<bool> {
        let mut tx = self.begin()?;
        let location = self.location_arc();
        let row = row.clone();
        let written = tx.step(move |client| {
            Box::pin(async move {
                let done = async {
                    if let Err(refused) =
                        check_generation(&client, &location, generation, "FOR SHARE").await?
                    {
                        return Ok(Err(refused));
                    }
                    // Only for an account that exists: a grant is never left without its account.
                    client
                        .execute(
                            &format!(
                                "INSERT INTO jtl_connect_user_grants ({GRANT_COLUMNS})
                                 SELECT $1, $2, $3, $4, $5
                                 WHERE EXISTS (SELECT 1 FROM jtl_connect_accounts WHERE id = $1)
                                 ON CONFLICT (account_id, user_id)
                                 DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at"
                            ),
                            &[
                                &row.account_id,
                                &row.user_id,
                                &row.sealed,
                                &row.created_at,
                                &row.updated_at,
                            ],
                        )
                        .await
                        .map(|n| Ok(n > 0))
                        .map_err(|e| store_error(&location, "cannot save the user grant", &e))
                }
                .await;
                (client, done)
            })
        })?;
        if written.is_ok() {
            tx.commit()?;
        }
        Ok(written)
    }

    fn grant(&self, account_id: &str, user_id: &str) -> Result<Option<(GrantRow, i64)>> {
        let (account_id, user_id) = (account_id.to_owned(), user_id.to_owned());
        self.call(move |client, location| async move {
            client
                .query_opt(
                    &format!(
                        "SELECT {GRANT_COLUMNS}, (SELECT generation FROM jtl_connect_store)
                         FROM jtl_connect_user_grants WHERE account_id = $1 AND user_id = $2"
                    ),
                    &[&account_id, &user_id],
                )
                .await
                .and_then(|row| {
                    row.map(|r| Ok((read_grant(&r)?, r.try_get::<_, i64>(5)?)))
                        .transpose()
                })
                .map_err(|e| store_error(&location, "cannot read the user grant", &e))
        })
    }

    fn grants(&self, account_id: &str) -> Result<Vec<GrantRow>> {
        let account_id = account_id.to_owned();
        self.call(move |client, location| async move {
            client
                .query(
                    &format!(
                        "SELECT {GRANT_COLUMNS} FROM jtl_connect_user_grants
                         WHERE account_id = $1 ORDER BY user_id"
                    ),
                    &[&account_id],
                )
                .await
                .and_then(|rows| rows.iter().map(read_grant).collect())
                .map_err(|e| store_error(&location, "cannot list the user grants", &e))
        })
    }

    fn delete_grant(&self, account_id: &str, user_id: &str) -> Result<bool> {
        let (account_id, user_id) = (account_id.to_owned(), user_id.to_owned());
        self.call(move |client, location| async move {
            client
                .execute(
                    "DELETE FROM jtl_connect_user_grants WHERE account_id = $1 AND user_id = $2",
                    &[&account_id, &user_id],
                )
                .await
                .map(|n| n > 0)
                .map_err(|e| store_error(&location, "cannot delete the user grant", &e))
        })
    }
}

const GRANT_COLUMNS: &str = "account_id, user_id, sealed, created_at, updated_at";

fn read_grant(row: &tokio_postgres::Row) -> std::result::Result<GrantRow, tokio_postgres::Error> {
    Ok(GrantRow {
        account_id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        sealed: row.try_get(2)?,
        created_at: row.try_get(3)?,
        updated_at: row.try_get(4)?,
    })
}
