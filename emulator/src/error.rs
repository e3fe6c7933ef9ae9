//! The emulator crate's one error type.

use std::fmt;

use axum::http::StatusCode;

/// What went wrong starting or steering an emulator.
#[derive(Debug)]
pub enum Error {
    /// The listener could not be bound.
    Bind(std::io::Error),
    /// A request to the admin API (or its Rust equivalent) was not valid; says what was expected.
    InvalidInput(String),
    /// The thing named (a registration, a client, a key) does not exist.
    NotFound(String),
    /// The request conflicts with the current state (e.g. a registration already decided).
    Conflict(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(e) => write!(f, "could not bind the emulator's listener: {e}"),
            Self::InvalidInput(m) => write!(f, "invalid input: {m}"),
            Self::NotFound(m) => write!(f, "not found: {m}"),
            Self::Conflict(m) => write!(f, "conflict: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(e) => Some(e),
            _ => None,
        }
    }
}

impl Error {
    /// What went wrong, without the kind's prefix that `Display` adds ("invalid input: ").
    pub fn message(&self) -> String {
        match self {
            Self::Bind(_) => self.to_string(),
            Self::InvalidInput(m) | Self::NotFound(m) | Self::Conflict(m) => m.clone(),
        }
    }

    /// The stable code of this error: `internal` (bind), `invalid_input`, `not_found`,
    /// `conflict`; what the admin API answers as `error`.
    pub fn code(&self) -> &'static str {
        self.status_and_code().1
    }

    /// The admin API status and code for this error.
    pub(crate) fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Bind(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
            Self::InvalidInput(_) => (StatusCode::BAD_REQUEST, "invalid_input"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        }
    }
}
