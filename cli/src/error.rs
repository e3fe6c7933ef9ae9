//! [`CliError`]: what a command failed with: the stable code of jtl-connect's taxonomy, a
//! message without secrets, the details JTL sent, and the exit code (from [`crate::exit`]).

use std::{
    collections::BTreeMap,
    fmt, io,
    ops::{Deref, DerefMut},
    time::Duration,
};

use jtl_connect::Error;
use serde_json::{json, Map, Value};

use crate::exit;

/// A failed command (boxed: results stay small on the happy path).
#[derive(Debug)]
pub(crate) struct CliError(Box<Details>);

/// What [`CliError`] holds.
#[derive(Debug)]
pub(crate) struct Details {
    /// The stable code (`invalid_input`, `not_found`, `token_invalid`, ...).
    pub(crate) code: String,
    /// What went wrong; never a secret.
    pub(crate) message: String,
    /// The process exit code.
    pub(crate) exit: u8,
    /// Why a token was refused, for `token_invalid`.
    pub(crate) reason: Option<String>,
    /// HTTP status of JTL's answer.
    pub(crate) status: Option<u16>,
    /// JTL's own error code (`errorCode`, OAuth `error`, SCX code).
    pub(crate) error_code: Option<String>,
    /// Field-level problems JTL reported.
    pub(crate) validation_errors: BTreeMap<String, String>,
    /// How long JTL asked to wait, for `rate_limited`.
    pub(crate) retry_after: Option<Duration>,
    /// Print nothing (the output pipe was closed: the reader has what it wanted).
    pub(crate) silent: bool,
}

impl CliError {
    /// An error with `code`, its exit code taken from [`exit::for_code`].
    pub(crate) fn new(code: &str, message: impl Into<String>) -> Self {
        Self(Box::new(Details {
            code: code.to_owned(),
            message: message.into(),
            exit: exit::for_code(code),
            reason: None,
            status: None,
            error_code: None,
            validation_errors: BTreeMap::new(),
            retry_after: None,
            silent: false,
        }))
    }

    /// `invalid_input`: an argument is wrong.
    pub(crate) fn input(message: impl Into<String>) -> Self {
        Self::new("invalid_input", message)
    }

    /// `config`: something needed is not configured.
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new("config", message)
    }

    /// Writing the output failed. A closed pipe (`jtl-connect ... | head`) ends quietly.
    pub(crate) fn output(error: &io::Error) -> Self {
        let mut e = Self::new("io", format!("cannot write the output: {error}"));
        e.exit = exit::FAILURE;
        if error.kind() == io::ErrorKind::BrokenPipe {
            e.silent = true;
            e.exit = exit::OK;
        }
        e
    }

    /// The same error with another exit code.
    pub(crate) fn with_exit(mut self, exit: u8) -> Self {
        self.exit = exit;
        self
    }

    /// The same error with `context: ` before its message.
    pub(crate) fn context(mut self, context: &str) -> Self {
        self.message = format!("{context}: {}", self.message);
        self
    }

    /// The error as `{"error": {...}}` for `--json`.
    pub(crate) fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        error.insert("exit_code".into(), json!(self.exit));
        if let Some(reason) = &self.reason {
            error.insert("reason".into(), json!(reason));
        }
        if let Some(status) = self.status {
            error.insert("status".into(), json!(status));
        }
        if let Some(code) = &self.error_code {
            error.insert("error_code".into(), json!(code));
        }
        if !self.validation_errors.is_empty() {
            error.insert("validation_errors".into(), json!(self.validation_errors));
        }
        if let Some(wait) = self.retry_after {
            error.insert("retry_after_secs".into(), json!(wait.as_secs_f64()));
        }
        json!({ "error": error })
    }
}

impl Deref for CliError {
    type Target = Details;

    fn deref(&self) -> &Details {
        &self.0
    }
}

impl DerefMut for CliError {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl fmt::Display for CliError {
    /// `error [code]: message` (JTL's status, code and field errors are part of the
    /// message), then the reason of a refused token or how long to wait.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error [{}]: {}", self.code, self.message)?;
        if let Some(reason) = &self.reason {
            write!(f, "\n  reason: {reason}")?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "\n  retry after: {} s", wait.as_secs_f64())?;
        }
        Ok(())
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        let mut e = Self::new(error.code(), error.to_string());
        e.reason = error.reason().map(|r| r.as_str().to_owned());
        e.retry_after = error.retry_after();
        if let Some(detail) = error.detail() {
            e.status = (detail.status != 0).then_some(detail.status);
            e.error_code = detail.error_code.clone();
            e.validation_errors = detail.validation_errors.clone();
        }
        e
    }
}

/// `Result` with [`CliError`].
pub(crate) type CliResult<T = ()> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_exit_codes() {
        assert_eq!(CliError::input("x").exit, exit::INPUT);
        assert_eq!(CliError::new("forbidden", "x").exit, exit::AUTH);
        let broken = CliError::output(&io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(broken.silent);
        let shown = CliError::new("not_found", "GET /erp/v2/items/9 answered 404").to_string();
        assert_eq!(shown, "error [not_found]: GET /erp/v2/items/9 answered 404");
    }
}
