//! Keys and sealing: XChaCha20-Poly1305 (random 192-bit nonces are safe to pick at random)
//! under a 256-bit master key from `JTL_CONNECT_MASTER_KEY` or a key file created with 0600
//! permissions beside the database.
//!
//! Each account's secret is sealed with associated data that covers the whole row: the key
//! generation, id, system, name, every field and the hint. Whoever edits the database file
//! without the master key (a `base_url` pointed at their own host, say) breaks the seal, and
//! the store refuses the row before a client is built, so nothing is ever sent there. A key
//! rotation starts a new generation, so rows restored from before it no longer open.

use std::{collections::BTreeMap, path::Path};

use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use zeroize::Zeroizing;

use super::files;
pub use super::files::key_file_path;
use crate::{credentials::optional_env_var, Error, Result, Secret};

const NONCE_LEN: usize = 24;
/// The environment variable holding the master key (32 bytes, base64 or hex).
pub const MASTER_KEY_VAR: &str = "JTL_CONNECT_MASTER_KEY";

/// Where the master key came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `JTL_CONNECT_MASTER_KEY`.
    Environment,
    /// A key file (created on first use).
    File(std::path::PathBuf),
    /// Given by the program.
    Explicit,
}

/// Cloned only into the write-back of rotated user grants (see `store/grants.rs`).
#[derive(Clone)]
pub(crate) struct Cipher(XChaCha20Poly1305);

impl Cipher {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        Self(XChaCha20Poly1305::new(key.into()))
    }

    /// `nonce || ciphertext` of `plaintext`, bound to `aad`.
    pub(crate) fn seal(&self, plaintext: &[u8], aad: &str) -> Result<Vec<u8>> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Error::Store {
                message: "could not encrypt a secret".into(),
            })?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// The plaintext of a sealed blob, if it was sealed with this key for `aad`.
    pub(crate) fn open(&self, sealed: &[u8], aad: &str) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

/// Parses a master key: 32 bytes as base64 (standard or URL-safe) or as 64 hex digits.
pub(crate) fn parse_key(text: &str, origin: &str) -> Result<Zeroizing<[u8; 32]>> {
    let text = text.trim();
    let bytes: Option<Vec<u8>> = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit())
    {
        (0..64)
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
            .collect()
    } else {
        STANDARD
            .decode(text)
            .or_else(|_| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim_end_matches('='))
            })
            .ok()
    };
    let bytes = Zeroizing::new(bytes.unwrap_or_default());
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
        Error::config(format!(
            "{origin}: expected a 32-byte key as base64 or 64 hex digits; found {} bytes",
            bytes.len()
        ))
    })?;
    Ok(Zeroizing::new(key))
}

/// Key-check plaintexts: schema 1 sealed `V1` under `meta:key_check`; schema 2 seals `V2`
/// under the generation, so the generation number in the file cannot be edited either.
const KEY_CHECK_V1: &[u8] = b"jtl-connect master key check v1";
const KEY_CHECK_V2: &[u8] = b"jtl-connect master key check v2";

fn key_check_aad(generation: i64) -> String {
    format!("meta:key_check:generation:{generation}")
}

/// The sealed key check of `generation`.
pub(crate) fn seal_key_check(cipher: &Cipher, generation: i64) -> Result<Vec<u8>> {
    cipher.seal(KEY_CHECK_V2, &key_check_aad(generation))
}

/// Whether `sealed` is the key check of this key: of `generation` (schema 2), or of
/// schema 1 when `generation` is `None`.
pub(crate) fn key_check_matches(cipher: &Cipher, sealed: &[u8], generation: Option<i64>) -> bool {
    let (plain, aad) = match generation {
        Some(g) => (KEY_CHECK_V2, key_check_aad(g)),
        None => (KEY_CHECK_V1, "meta:key_check".to_owned()),
    };
    cipher
        .open(sealed, &aad)
        .is_some_and(|opened| opened.as_slice() == plain)
}

/// The parts of a stored row its seal covers.
pub(crate) struct RowView<'a> {
    pub(crate) id: &'a str,
    pub(crate) system: &'a str,
    pub(crate) name: &'a str,
    pub(crate) fields: &'a BTreeMap<String, String>,
    pub(crate) secret_hint: Option<&'a str>,
}

/// The associated data of a row: one JSON array (unambiguous, whatever the values hold)
/// of the format, the generation and every value of the row but the timestamps.
fn row_aad(generation: i64, row: &RowView<'_>) -> String {
    serde_json::json!([
        "jtl-connect account v2",
        generation,
        row.id,
        row.system,
        row.name,
        row.fields,
        row.secret_hint,
    ])
    .to_string()
}

/// Seals `secret` to the row and generation.
pub(crate) fn seal_row(
    cipher: &Cipher,
    generation: i64,
    row: &RowView<'_>,
    secret: &Secret,
) -> Result<Vec<u8>> {
    cipher.seal(secret.expose().as_bytes(), &row_aad(generation, row))
}

/// Opens a row's secret if the row is exactly as it was sealed, in this generation.
pub(crate) fn open_row(
    cipher: &Cipher,
    generation: i64,
    row: &RowView<'_>,
    sealed: &[u8],
) -> Option<Secret> {
    let plain = cipher.open(sealed, &row_aad(generation, row))?;
    std::str::from_utf8(&plain).ok().map(Secret::new)
}

/// Opens a secret sealed by schema 1 (bound to id and system only), for the migration.
pub(crate) fn open_v1_secret(
    cipher: &Cipher,
    id: &str,
    system: &str,
    sealed: &[u8],
) -> Option<Secret> {
    let plain = cipher.open(sealed, &format!("account:{id}:{system}"))?;
    std::str::from_utf8(&plain).ok().map(Secret::new)
}

/// The keys to try for a database: the master key, and the key of a rotation that committed
/// but did not move its key file into place yet.
pub(crate) struct MasterKeys {
    pub(crate) key: Zeroizing<[u8; 32]>,
    pub(crate) source: KeySource,
    pub(crate) pending: Option<Zeroizing<[u8; 32]>>,
}

/// The master key: `JTL_CONNECT_MASTER_KEY`, else the key file beside the database (created
/// with 0600 permissions for a new database). A database that already holds data and has no
/// key file is refused: a new key could not open what it holds, and writing one would hide
/// that the real key is missing.
pub(crate) fn load_master_key(db_path: &Path) -> Result<MasterKeys> {
    if let Some(text) = optional_env_var(MASTER_KEY_VAR) {
        return Ok(MasterKeys {
            key: parse_key(&text, MASTER_KEY_VAR)?,
            source: KeySource::Environment,
            pending: None,
        });
    }
    let path = files::key_file_path(db_path);
    let pending = files::read_key_file(&files::pending_key_path(db_path)).unwrap_or(None);
    let key = match files::read_key_file(&path)? {
        Some(key) => key,
        None if files::holds_data(db_path) => {
            return Err(Error::config(format!(
                "the account store {} exists but its key file {} is missing; restore the key file, or set {MASTER_KEY_VAR} to the key the store was created with (no new key was written: it could not open the accounts already stored)",
                db_path.display(),
                path.display()
            )))
        }
        None => files::create_key_file(&path)?,
    };
    Ok(MasterKeys {
        key,
        source: KeySource::File(path),
        pending,
    })
}

/// A new random master key.
pub(crate) fn random_key() -> Zeroizing<[u8; 32]> {
    use rand::RngCore;
    let mut key = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(key.as_mut());
    key
}

/// Parses a master key given as text (32 bytes as base64, or 64 hex digits), as
/// `JTL_CONNECT_MASTER_KEY` and key files hold it; `origin` names it in errors.
pub fn parse_master_key(text: &str, origin: &str) -> Result<Zeroizing<[u8; 32]>> {
    parse_key(text, origin)
}

/// A master key as base64, the form `JTL_CONNECT_MASTER_KEY` and key files take.
pub fn encode_key(key: &[u8; 32]) -> Zeroizing<String> {
    Zeroizing::new(STANDARD.encode(key))
}
