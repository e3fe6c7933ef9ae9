//! User grants (issue 20) in the account store: each signed-in user's [`UserGrant`] of a
//! JTL Cloud account, keyed by account + user, sealed whole like the accounts (the refresh
//! and access tokens never plain in the file), deleted with the account, re-sealed by
//! [`AccountStore::rotate_master_key`]. [`AccountStore::user_client`] hands out a client that
//! acts as the user and writes every rotated refresh token back.
//!
//! SQLite only for now ([`sqlite`]); the other backends implement the block of grant methods
//! at the end of [`super::sql::Backend`].

use std::sync::Arc;

use serde::Serialize;

use super::{
    crypto::Cipher,
    lock, no_account, now,
    sql::{Backend, Refused, Row},
    AccountStore, System,
};
use crate::{
    clock::unix_seconds, AuthorizationCodeClient, CloudClient, Endpoints, Error, Result, Secret,
    UserGrant,
};

/// A stored grant as the database holds it: the whole grant sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GrantRow {
    pub(crate) account_id: String,
    pub(crate) user_id: String,
    pub(crate) sealed: Vec<u8>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A user's grant as [`AccountStore::grant`] and [`AccountStore::grants`] show it: who,
/// which tenant and scopes, until when; never a token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredGrant {
    /// The account (a JTL Cloud app) the user signed in to.
    pub account_id: String,
    /// The user.
    pub user_id: String,
    /// The user's display name, if known.
    pub user_name: Option<String>,
    /// The user's tenant.
    pub tenant_id: Option<String>,
    /// The granted scopes.
    pub scopes: Vec<String>,
    /// When the stored access token expires, Unix seconds (it is refreshed on use).
    pub access_expires_at: i64,
    /// When the user first signed in, Unix seconds.
    pub created_at: i64,
    /// Last change (sign-in or refresh), Unix seconds.
    pub updated_at: i64,
}

/// The associated data of a sealed grant: the generation, account and user, so a grant
/// copied to another row or restored from before a key rotation does not open.
fn aad(generation: i64, account_id: &str, user_id: &str) -> String {
    format!("user-grant:v1:{generation}:{account_id}:{user_id}")
}

pub(crate) fn seal(
    cipher: &Cipher,
    generation: i64,
    account_id: &str,
    grant: &UserGrant,
    created_at: i64,
) -> Result<GrantRow> {
    let text = grant.to_json();
    Ok(GrantRow {
        sealed: cipher.seal(
            text.expose().as_bytes(),
            &aad(generation, account_id, &grant.user_id),
        )?,
        account_id: account_id.to_owned(),
        user_id: grant.user_id.clone(),
        created_at,
        updated_at: now(),
    })
}

pub(crate) fn open(cipher: &Cipher, generation: i64, row: &GrantRow) -> Result<UserGrant> {
    let changed = || {
        Error::Store {
        message: format!(
            "the grant of user {:?} for account {} was changed outside the store: it no longer matches its seal, so nothing was sent; sign the user in again",
            row.user_id, row.account_id
        ),
    }
    };
    let plain = cipher
        .open(&row.sealed, &aad(generation, &row.account_id, &row.user_id))
        .ok_or_else(changed)?;
    let text = std::str::from_utf8(&plain).map_err(|_| changed())?;
    let grant = UserGrant::from_json(text).map_err(|_| changed())?;
    if grant.user_id != row.user_id {
        return Err(changed());
    }
    Ok(grant)
}

fn info(row: &GrantRow, grant: &UserGrant) -> StoredGrant {
    StoredGrant {
        account_id: row.account_id.clone(),
        user_id: row.user_id.clone(),
        user_name: grant.user_name.clone(),
        tenant_id: grant.tenant_id.clone(),
        scopes: grant.scopes.clone(),
        access_expires_at: unix_seconds(grant.expires_at),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn no_grant(account_id: &str, user_id: &str) -> Error {
    Error::NotFound {
        message: format!(
            "no grant of user {user_id:?} for account {account_id:?}; sign the user in first"
        ),
        detail: Default::default(),
    }
}

/// Writes a grant under `generation` (the write-back of a refresh, and `save_grant`).
fn write(
    backend: &dyn Backend,
    cipher: &Cipher,
    generation: i64,
    account_id: &str,
    grant: &UserGrant,
) -> Result<GrantRow> {
    let created_at = backend
        .grant(account_id, &grant.user_id)?
        .map_or_else(now, |(row, _)| row.created_at);
    let row = seal(cipher, generation, account_id, grant, created_at)?;
    match backend.save_grant(generation, &row)? {
        Ok(true) => Ok(row),
        Ok(false) => Err(no_account(account_id)),
        Err(refused) => Err(refused.into()),
    }
}

/// What [`AccountStore::user_client`] caches: the account row it was built from, and the client.
pub(crate) type UserClients = std::collections::HashMap<(String, String), (Row, CloudClient)>;

impl AccountStore {
    /// The Cloud account `account_id`: its row (as now) with client id, secret and endpoints.
    fn cloud_account(&self, account_id: &str) -> Result<(Row, String, Secret, Endpoints)> {
        let (row, generation) = self
            .backend
            .by_id_with_generation(account_id)?
            .ok_or_else(|| no_account(account_id))?;
        let keys = self.keys();
        if generation != keys.generation {
            return Err(Refused::Rotated(generation).into());
        }
        let (system, fields, secret) = keys.open(&row)?;
        if system != System::Cloud {
            return Err(Error::invalid_input(format!(
                "account {account_id:?} is a {system} account; users sign in to JTL Cloud accounts (jtl-cloud)"
            )));
        }
        let endpoints = match fields.get("environment") {
            Some(name) => Endpoints::from_name(name)?,
            None => Endpoints::production(),
        };
        let client_id = fields.get("client_id").cloned().unwrap_or_default();
        Ok((row, client_id, secret, endpoints))
    }

    /// A sign-in client for the Cloud account `account_id` (its client id, secret and
    /// environment), sending users back to `redirect_uri` and asking for `scopes` (plus
    /// `openid offline_access`). Finish the sign-in, then [`AccountStore::save_grant`].
    pub fn authorization_code_client(
        &self,
        account_id: &str,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<AuthorizationCodeClient> {
        let (_, client_id, secret, endpoints) = self.cloud_account(account_id)?;
        AuthorizationCodeClient::builder(client_id)
            .client_secret(Some(secret))
            .redirect_uri(redirect_uri)
            .scopes(scopes.iter().copied())
            .endpoints(endpoints)
            .http_options(self.http.clone())
            .build()
    }

    /// Keeps `grant` (from [`AuthorizationCodeClient::finish`]) for the Cloud account
    /// `account_id`, sealed, replacing the user's earlier grant. `not_found` without the
    /// account; `invalid_input` for an account of another system.
    pub fn save_grant(&self, account_id: &str, grant: &UserGrant) -> Result<StoredGrant> {
        self.cloud_account(account_id)?;
        let keys = self.keys();
        let row = write(
            self.backend.as_ref(),
            &keys.cipher,
            keys.generation,
            account_id,
            grant,
        )?;
        lock(&self.user_clients).remove(&(account_id.to_owned(), grant.user_id.clone()));
        Ok(info(&row, grant))
    }

    /// One user's grant of an account (`not_found` if the user has not signed in). No token.
    pub fn grant(&self, account_id: &str, user_id: &str) -> Result<StoredGrant> {
        let (row, generation) = self
            .backend
            .grant(account_id, user_id)?
            .ok_or_else(|| no_grant(account_id, user_id))?;
        let keys = self.keys();
        if generation != keys.generation {
            return Err(Refused::Rotated(generation).into());
        }
        let grant = open(&keys.cipher, keys.generation, &row)?;
        Ok(info(&row, &grant))
    }

    /// Every user grant of an account, by user id. No token. A grant changed outside the
    /// store is a `store` error.
    pub fn grants(&self, account_id: &str) -> Result<Vec<StoredGrant>> {
        let keys = self.keys();
        self.backend
            .grants(account_id)?
            .iter()
            .map(|row| Ok(info(row, &open(&keys.cipher, keys.generation, row)?)))
            .collect()
    }

    /// Deletes one user's grant (`not_found` if there is none): the user has to sign in again.
    pub fn delete_grant(&self, account_id: &str, user_id: &str) -> Result<()> {
        let removed = self.backend.delete_grant(account_id, user_id)?;
        lock(&self.user_clients).remove(&(account_id.to_owned(), user_id.to_owned()));
        if removed {
            Ok(())
        } else {
            Err(no_grant(account_id, user_id))
        }
    }

    /// A client that calls the ERP API as `user_id` of the Cloud account `account_id`
    /// ([`CloudClient::for_user`] on the stored grant): `X-Tenant-ID` is the grant's tenant
    /// unless `tenant_id` says otherwise; each refresh's rotated refresh token is sealed back
    /// into the store, and a refresh first reads the stored grant (another process may have
    /// refreshed it). Calls for the same user of the same unchanged account share one client,
    /// so concurrent callers share one refresh.
    pub fn user_client(
        &self,
        account_id: &str,
        user_id: &str,
        tenant_id: Option<&str>,
    ) -> Result<CloudClient> {
        let (account_row, client_id, secret, endpoints) = self.cloud_account(account_id)?;
        let key = (account_id.to_owned(), user_id.to_owned());
        let cached = lock(&self.user_clients)
            .get(&key)
            .filter(|(seen, _)| *seen == account_row)
            .map(|(_, client)| client.clone());
        let client = match cached {
            Some(client) => client,
            None => {
                let client =
                    self.new_user_client(account_id, user_id, client_id, secret, endpoints)?;
                lock(&self.user_clients).insert(key, (account_row, client.clone()));
                client
            }
        };
        match tenant_id {
            Some(tenant) => client.for_tenant(tenant),
            None => Ok(client),
        }
    }

    fn new_user_client(
        &self,
        account_id: &str,
        user_id: &str,
        client_id: String,
        secret: Secret,
        endpoints: Endpoints,
    ) -> Result<CloudClient> {
        let (cipher, generation) = {
            let keys = self.keys();
            (keys.cipher.clone(), keys.generation)
        };
        let (row, stored_generation) = self
            .backend
            .grant(account_id, user_id)?
            .ok_or_else(|| no_grant(account_id, user_id))?;
        if stored_generation != generation {
            return Err(Refused::Rotated(stored_generation).into());
        }
        let grant = open(&cipher, generation, &row)?;
        let auth = AuthorizationCodeClient::refresher(client_id, secret, endpoints, &self.http)?;
        let backend: Arc<dyn Backend> = self.backend.clone();
        let (save_backend, save_cipher, save_account) =
            (backend.clone(), cipher.clone(), account_id.to_owned());
        let (load_account, load_user) = (account_id.to_owned(), user_id.to_owned());
        CloudClient::for_user(&auth, grant)
            .on_grant_change(move |grant| {
                write(
                    save_backend.as_ref(),
                    &save_cipher,
                    generation,
                    &save_account,
                    grant,
                )
                .map(|_| ())
            })
            .reload_grant(Arc::new(move || {
                let (row, _) = backend.grant(&load_account, &load_user).ok()??;
                open(&cipher, generation, &row).ok()
            }))
            .build()
    }
}

/// The grant SQL on SQLite.
pub(crate) mod sqlite {
    use rusqlite::{params, Connection, OptionalExtension};

    use super::GrantRow;
    use crate::{
        store::{
            schema::store_error,
            sql::{immediate, read_row, same_generation, update_row, Row, Write, COLUMNS},
        },
        Result,
    };

    const GRANT_COLUMNS: &str = "account_id, user_id, sealed, created_at, updated_at";

    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<GrantRow> {
        Ok(GrantRow {
            account_id: row.get(0)?,
            user_id: row.get(1)?,
            sealed: row.get(2)?,
            created_at: row.get(3)?,
            updated_at: row.get(4)?,
        })
    }

    pub(crate) fn save(conn: &mut Connection, generation: i64, row: &GrantRow) -> Write<bool> {
        let tx = immediate(conn)?;
        if let Err(refused) = same_generation(&tx, generation)? {
            return Ok(Err(refused));
        }
        // Only for an account that exists: a grant is never left without its account.
        let written = tx
            .execute(
                &format!(
                    "INSERT INTO user_grants ({GRANT_COLUMNS})
                     SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?1)
                     ON CONFLICT (account_id, user_id)
                     DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at"
                ),
                params![
                    row.account_id,
                    row.user_id,
                    row.sealed,
                    row.created_at,
                    row.updated_at
                ],
            )
            .map_err(|e| store_error("cannot save the user grant", e))?;
        tx.commit()
            .map_err(|e| store_error("cannot commit the user grant", e))?;
        Ok(Ok(written > 0))
    }

    pub(crate) fn one(
        conn: &Connection,
        account_id: &str,
        user_id: &str,
    ) -> Result<Option<(GrantRow, i64)>> {
        conn.query_row(
            &format!(
                "SELECT {GRANT_COLUMNS}, (SELECT value FROM meta WHERE key = 'generation')
                 FROM user_grants WHERE account_id = ?1 AND user_id = ?2"
            ),
            [account_id, user_id],
            |r| Ok((read(r)?, r.get::<_, Option<i64>>(5)?.unwrap_or(1))),
        )
        .optional()
        .map_err(|e| store_error("cannot read the user grant", e))
    }

    pub(crate) fn all(conn: &Connection, account_id: &str) -> Result<Vec<GrantRow>> {
        let mut statement = conn
            .prepare(&format!(
                "SELECT {GRANT_COLUMNS} FROM user_grants WHERE account_id = ?1 ORDER BY user_id"
            ))
            .map_err(|e| store_error("cannot list the user grants", e))?;
        let rows = statement
            .query_map([account_id], read)
            .map_err(|e| store_error("cannot list the user grants", e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| store_error("cannot read a user grant", e))
    }

    pub(crate) fn delete(conn: &Connection, account_id: &str, user_id: &str) -> Result<bool> {
        conn.execute(
            "DELETE FROM user_grants WHERE account_id = ?1 AND user_id = ?2",
            [account_id, user_id],
        )
        .map(|n| n > 0)
        .map_err(|e| store_error("cannot delete the user grant", e))
    }

    pub(crate) fn rotate(
        conn: &mut Connection,
        generation: i64,
        reseal: &mut dyn FnMut(Row) -> Result<Row>,
        reseal_grant: &mut dyn FnMut(GrantRow) -> Result<GrantRow>,
        new_key_check: &[u8],
    ) -> Write<(usize, usize)> {
        let tx = immediate(conn)?;
        if let Err(refused) = same_generation(&tx, generation)? {
            return Ok(Err(refused));
        }
        let rows: Vec<Row> = {
            let mut statement = tx
                .prepare(&format!("SELECT {COLUMNS} FROM accounts"))
                .map_err(|e| store_error("cannot read the accounts", e))?;
            let mapped = statement
                .query_map([], read_row)
                .map_err(|e| store_error("cannot read the accounts", e))?;
            mapped
                .collect::<rusqlite::Result<_>>()
                .map_err(|e| store_error("cannot read an account", e))?
        };
        let grants: Vec<GrantRow> = {
            let mut statement = tx
                .prepare(&format!("SELECT {GRANT_COLUMNS} FROM user_grants"))
                .map_err(|e| store_error("cannot read the user grants", e))?;
            let mapped = statement
                .query_map([], read)
                .map_err(|e| store_error("cannot read the user grants", e))?;
            mapped
                .collect::<rusqlite::Result<_>>()
                .map_err(|e| store_error("cannot read a user grant", e))?
        };
        let counts = (rows.len(), grants.len());
        for row in rows {
            let resealed = reseal(row)?;
            update_row(&tx, &resealed).map_err(|e| store_error("cannot re-seal an account", e))?;
        }
        for grant in grants {
            let resealed = reseal_grant(grant)?;
            tx.execute(
                "UPDATE user_grants SET sealed = ?3 WHERE account_id = ?1 AND user_id = ?2",
                params![resealed.account_id, resealed.user_id, resealed.sealed],
            )
            .map_err(|e| store_error("cannot re-seal a user grant", e))?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [generation + 1],
        )
        .and_then(|_| {
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'key_check'",
                [new_key_check],
            )
        })
        .map_err(|e| store_error("cannot record the new key generation", e))?;
        tx.commit()
            .map_err(|e| store_error("cannot commit the key rotation", e))?;
        Ok(Ok(counts))
    }
}
