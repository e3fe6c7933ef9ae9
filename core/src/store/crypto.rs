//! Secrets at rest: XChaCha20-Poly1305 (random 192-bit nonces are safe to pick at random)
//! under a 256-bit master key from `JTL_CONNECT_MASTER_KEY` or a key file created with 0600
//! permissions beside the database. Each ciphertext is bound to its row and field (AAD), so
//! secrets cannot be swapped between accounts in the file.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;
use zeroize::Zeroizing;

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
    File(PathBuf),
    /// Given by the program.
    Explicit,
}

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

    pub(crate) fn open_secret(&self, sealed: &[u8], aad: &str) -> Result<Secret> {
        let plain = self.open(sealed, aad).ok_or_else(|| Error::Store {
            message: "a stored secret could not be decrypted: the master key does not match, or the row was tampered with".into(),
        })?;
        let text = std::str::from_utf8(&plain).map_err(|_| Error::Store {
            message: "a stored secret is not valid UTF-8".into(),
        })?;
        Ok(Secret::new(text))
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

/// The master key: `JTL_CONNECT_MASTER_KEY`, else the key file beside the database
/// (created with 0600 permissions if it does not exist yet).
pub(crate) fn load_master_key(db_path: &Path) -> Result<(Zeroizing<[u8; 32]>, KeySource)> {
    if let Some(text) = optional_env_var(MASTER_KEY_VAR) {
        return Ok((parse_key(&text, MASTER_KEY_VAR)?, KeySource::Environment));
    }
    let path = key_file_path(db_path);
    let key = match fs::read_to_string(&path) {
        Ok(text) => parse_key(&text, &format!("key file {}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key_file(&path)?,
        Err(e) => {
            return Err(Error::Store {
                message: format!("cannot read the key file {}: {e}", path.display()),
            })
        }
    };
    Ok((key, KeySource::File(path)))
}

/// `<database>.key` beside the database.
pub fn key_file_path(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".key");
    db_path.with_file_name(name)
}

fn create_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>> {
    let mut key = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(key.as_mut());
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut file) => {
            let text = Zeroizing::new(STANDARD.encode(key.as_ref()));
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| Error::Store {
                    message: format!("cannot write the key file {}: {e}", path.display()),
                })?;
            Ok(key)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let text = fs::read_to_string(path).map_err(|e| Error::Store {
                message: format!("cannot read the key file {}: {e}", path.display()),
            })?;
            parse_key(&text, &format!("key file {}", path.display()))
        }
        Err(e) => Err(Error::Store {
            message: format!("cannot create the key file {}: {e}", path.display()),
        }),
    }
}
