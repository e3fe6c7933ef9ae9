//! The master key in use: opening and sealing rows with it ([`Keys`]), the error for a key that
//! does not belong to the store, and [`AccountStore::rotate_master_key`]. The cryptography
//! itself is in [`super::crypto`]; this module decides which key and generation apply.

use std::{collections::BTreeMap, sync::PoisonError};

use super::{
    crypto::{self, Cipher, KeySource, RowView},
    fields_json, files, grants, now,
    sql::Row,
    AccountStore, KeyRotation, System,
};
use crate::{Error, Result, Secret, SharedTokenCache};

/// The master key in use, the generation the store is at, and (for a PostgreSQL store) the
/// shared token cache its clients use, sealed with the same key.
pub(crate) struct Keys {
    pub(crate) cipher: Cipher,
    pub(crate) generation: i64,
    pub(crate) tokens: Option<SharedTokenCache>,
}

/// A new random 32-byte master key (for [`AccountStore::rotate_master_key`]).
pub fn generate_master_key() -> zeroize::Zeroizing<[u8; 32]> {
    crypto::random_key()
}

pub(crate) fn key_mismatch(source: &KeySource) -> Error {
    Error::config(format!(
        "the master key ({}) does not match this account store; nothing was changed. Use the key it was created with",
        match source {
            KeySource::Environment => format!("from {}", crypto::MASTER_KEY_VAR),
            KeySource::File(p) => format!("from {}", p.display()),
            KeySource::Explicit => "given".to_owned(),
        }
    ))
}

/// A row whose seal does not open: refused, never used. The name and id are the row's as
/// stored (they may be the edited ones).
pub(crate) fn changed_outside(row: &Row) -> Error {
    Error::Store {
        message: format!(
            "account {:?} ({}, id {}) was changed outside the store: its fields no longer match their seal, so nothing was sent; delete it and add it again",
            row.name, row.system, row.id
        ),
    }
}

impl Keys {
    /// The row's system, fields and secret, if its seal opens in this generation.
    pub(crate) fn open(&self, row: &Row) -> Result<(System, BTreeMap<String, String>, Secret)> {
        let system = System::parse(&row.system).map_err(|_| changed_outside(row))?;
        let fields = row.parsed_fields()?;
        let view = RowView {
            id: &row.id,
            system: &row.system,
            name: &row.name,
            fields: &fields,
            secret_hint: row.secret_hint.as_deref(),
        };
        let secret = crypto::open_row(&self.cipher, self.generation, &view, &row.secret)
            .ok_or_else(|| changed_outside(row))?;
        Ok((system, fields, secret))
    }

    /// A row sealed in this generation.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn seal(
        &self,
        id: &str,
        system: System,
        name: &str,
        fields: &BTreeMap<String, String>,
        secret: &Secret,
        secret_hint: Option<String>,
        created_at: i64,
    ) -> Result<Row> {
        let view = RowView {
            id,
            system: system.as_str(),
            name,
            fields,
            secret_hint: secret_hint.as_deref(),
        };
        Ok(Row {
            secret: crypto::seal_row(&self.cipher, self.generation, &view, secret)?,
            id: id.to_owned(),
            system: system.as_str().to_owned(),
            name: name.to_owned(),
            fields: fields_json(fields)?,
            secret_hint,
            created_at,
            updated_at: now(),
        })
    }
}

impl AccountStore {
    /// Re-seals every account under a new master key and the next key generation, in one
    /// transaction; ciphertexts from before (a row restored from a backup) stop opening.
    ///
    /// `new_key` may be left out when the key comes from a key file: a random key is made,
    /// and the key file is replaced once the rotation committed (through `<db>.key.new`, so a
    /// crash in between leaves a store that opens). With `JTL_CONNECT_MASTER_KEY` or an
    /// explicit key (and always on PostgreSQL), give the new key and use it from now on.
    /// Other handles on the store get `config` errors until reopened with the new key.
    pub fn rotate_master_key(&self, new_key: Option<&[u8; 32]>) -> Result<KeyRotation> {
        let generated;
        let new_key: &[u8; 32] = match (new_key, &self.key_source) {
            (Some(key), _) => key,
            (None, KeySource::File(_)) => {
                generated = crypto::random_key();
                &generated
            }
            (None, source) => {
                return Err(Error::invalid_input(format!(
                    "new_key: required, the master key is {}; give the new 32-byte key (and use it to open the store from now on)",
                    match source {
                        KeySource::Environment => format!("from {}", crypto::MASTER_KEY_VAR),
                        _ => "given by the program".to_owned(),
                    }
                )))
            }
        };
        let mut keys = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        let next = Keys {
            cipher: Cipher::new(new_key),
            generation: keys.generation + 1,
            tokens: self.token_cache(new_key)?,
        };
        let key_file = matches!(self.key_source, KeySource::File(_));
        if key_file {
            files::write_private(&files::pending_key_path(&self.path), new_key)?;
        }
        let (mut resealed, mut unreadable) = (0, 0);
        let mut reseal = |row: Row| -> Result<Row> {
            let Ok((system, fields, secret)) = keys.open(&row) else {
                unreadable += 1;
                return Ok(row);
            };
            resealed += 1;
            let mut sealed = next.seal(
                &row.id,
                system,
                &row.name,
                &fields,
                &secret,
                row.secret_hint.clone(),
                row.created_at,
            )?;
            sealed.updated_at = row.updated_at;
            Ok(sealed)
        };
        // User grants (store/grants.rs) are re-sealed in the same transaction.
        let mut grants_resealed = 0;
        let mut reseal_grant = |row: grants::GrantRow| -> Result<grants::GrantRow> {
            let Ok(grant) = grants::open(&keys.cipher, keys.generation, &row) else {
                return Ok(row);
            };
            grants_resealed += 1;
            let mut sealed = grants::seal(
                &next.cipher,
                next.generation,
                &row.account_id,
                &grant,
                row.created_at,
            )?;
            sealed.updated_at = row.updated_at;
            Ok(sealed)
        };
        let check = crypto::seal_key_check(&next.cipher, next.generation)?;
        let rotated = self.backend.rotate_with_grants(
            keys.generation,
            &mut reseal,
            &mut reseal_grant,
            &check,
        );
        match rotated {
            Ok(Ok(_)) => {}
            failed => {
                if key_file {
                    let _ = std::fs::remove_file(files::pending_key_path(&self.path));
                }
                return Err(match failed {
                    Err(e) => e,
                    Ok(Err(refused)) => refused.into(),
                    Ok(Ok(_)) => Error::Store {
                        message: "the key rotation did not finish".into(),
                    },
                });
            }
        }
        if key_file {
            files::promote_pending_key(&self.path)?;
        }
        let rotation = KeyRotation {
            generation: next.generation,
            resealed,
            unreadable,
            grants_resealed,
        };
        *keys = next;
        super::lock(&self.clients).clear();
        super::lock(&self.user_clients).clear();
        Ok(rotation)
    }
}
