//! The one error type of jtl-connect, with the stable `code` every language exposes.
//! Messages say what was expected and what was found, and never contain a secret.

use std::{collections::BTreeMap, fmt, time::Duration};

/// Details JTL sent with an error answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiDetail {
    /// HTTP status.
    pub status: u16,
    /// JTL's own error code: ERP `errorCode`, SCX `errorList[0].code`, OAuth `error`.
    pub error_code: Option<String>,
    /// Field-level problems (`validationErrors`), field → message.
    pub validation_errors: BTreeMap<String, String>,
}

/// Why a session token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenInvalidReason {
    /// `exp` has passed (beyond the leeway).
    Expired,
    /// `nbf` or `iat` lies in the future (beyond the leeway).
    NotYetValid,
    /// The signature does not match the key.
    BadSignature,
    /// No key of the JWKS matches the token's `kid`.
    UnknownKey,
    /// `iss` is not the expected issuer.
    WrongIssuer,
    /// `aud` does not contain the expected audience.
    WrongAudience,
    /// Not a well-formed JWT (segments, base64, JSON, claim types).
    Malformed,
    /// The header's `alg` is not in the verifier's allow-list.
    AlgorithmNotAllowed,
    /// Longer than the verifier accepts.
    TooLarge,
    /// A required claim is absent.
    MissingClaim,
    /// The token lives longer than the verifier's `max_lifetime`.
    LifetimeTooLong,
}

impl TokenInvalidReason {
    /// The stable name of the reason, e.g. `"expired"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::BadSignature => "bad_signature",
            Self::UnknownKey => "unknown_key",
            Self::WrongIssuer => "wrong_issuer",
            Self::WrongAudience => "wrong_audience",
            Self::Malformed => "malformed",
            Self::AlgorithmNotAllowed => "algorithm_not_allowed",
            Self::TooLarge => "too_large",
            Self::MissingClaim => "missing_claim",
            Self::LifetimeTooLong => "lifetime_too_long",
        }
    }
}

impl fmt::Display for TokenInvalidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong. [`Error::code`] is stable across versions and languages.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was not valid (`invalid_input`).
    #[error("{message}")]
    InvalidInput {
        /// What was expected and what was found.
        message: String,
    },
    /// The configuration is incomplete or inconsistent (`config`).
    #[error("{message}")]
    Config {
        /// What is missing or wrong.
        message: String,
    },
    /// The token endpoint refused the credentials (`invalid_credentials`); never retried.
    #[error("{message}")]
    InvalidCredentials {
        /// What JTL said.
        message: String,
        /// Status and OAuth `error`.
        detail: ApiDetail,
    },
    /// The API answered 401 even after one token refresh (`unauthorized`).
    #[error("{message}")]
    Unauthorized {
        /// What JTL said.
        message: String,
        /// Status and JTL's code.
        detail: ApiDetail,
    },
    /// The API answered 403: a missing scope or tenant access (`forbidden`).
    #[error("{message}")]
    Forbidden {
        /// What JTL said.
        message: String,
        /// Status and JTL's code.
        detail: ApiDetail,
    },
    /// The API answered 404 (`not_found`).
    #[error("{message}")]
    NotFound {
        /// What JTL said.
        message: String,
        /// Status and JTL's code.
        detail: ApiDetail,
    },
    /// The API answered 409 (`conflict`), or a stored name is taken.
    #[error("{message}")]
    Conflict {
        /// What JTL said.
        message: String,
        /// Status and JTL's code.
        detail: ApiDetail,
    },
    /// The API answered 429 and retrying within the deadline was not possible (`rate_limited`).
    #[error("{message}")]
    RateLimited {
        /// What JTL said.
        message: String,
        /// How long JTL asked to wait, if it said.
        retry_after: Option<Duration>,
        /// Status and JTL's code.
        detail: ApiDetail,
    },
    /// Any other error answer from JTL (`api`).
    #[error("{message}")]
    Api {
        /// What JTL said.
        message: String,
        /// Status, JTL's code, validation errors.
        detail: ApiDetail,
    },
    /// The connection failed, or the answer could not be read (`network`).
    #[error("{message}")]
    Network {
        /// What failed.
        message: String,
    },
    /// No answer within the timeout or the overall deadline (`timeout`).
    #[error("{message}")]
    Timeout {
        /// Which limit was reached.
        message: String,
    },
    /// A session token was not accepted (`token_invalid`).
    #[error("{message}")]
    TokenInvalid {
        /// Why, as a stable reason.
        reason: TokenInvalidReason,
        /// Details: expected and found values.
        message: String,
    },
    /// The account store failed (`store`).
    #[error("{message}")]
    Store {
        /// What failed.
        message: String,
    },
    /// A Wawi app registration was rejected, or not approved in time (`registration_rejected`).
    #[error("{message}")]
    RegistrationRejected {
        /// What happened.
        message: String,
    },
    /// A GraphQL answer carried `errors[]` (`graphql`; HTTP 200, facts §1.7): the errors and
    /// any partial `data`.
    #[error("{message}")]
    Graphql {
        /// The first errors, and where.
        message: String,
        /// Every entry of `errors`.
        errors: Vec<crate::graphql::GraphqlError>,
        /// The partial `data`, if the server sent any besides the errors.
        data: Option<serde_json::Value>,
    },
    /// The user has to sign in again (`sign_in_required`): the token endpoint answered
    /// `invalid_grant` to a code or refresh token (expired, revoked, used already, or
    /// replaced by rotation), or the user declined at the sign-in page. Never retried.
    #[error("{message}")]
    SignInRequired {
        /// What happened and what to do.
        message: String,
        /// Status and OAuth `error` (`invalid_grant`, `access_denied`).
        detail: ApiDetail,
    },
    /// The `state` that came back to the redirect URI is not the one of the pending sign-in
    /// (`state_mismatch`): a forged, stale or crossed callback. Nothing was exchanged.
    #[error("{message}")]
    StateMismatch {
        /// What was compared (never the values).
        message: String,
    },
}

impl Error {
    /// The stable code: `invalid_input`, `config`, `invalid_credentials`, `unauthorized`,
    /// `forbidden`, `not_found`, `conflict`, `rate_limited`, `api`, `network`, `timeout`,
    /// `token_invalid`, `store`, `registration_rejected`, `graphql`, `sign_in_required`,
    /// `state_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "invalid_input",
            Self::Config { .. } => "config",
            Self::InvalidCredentials { .. } => "invalid_credentials",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::RateLimited { .. } => "rate_limited",
            Self::Api { .. } => "api",
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::TokenInvalid { .. } => "token_invalid",
            Self::Store { .. } => "store",
            Self::RegistrationRejected { .. } => "registration_rejected",
            Self::Graphql { .. } => "graphql",
            Self::SignInRequired { .. } => "sign_in_required",
            Self::StateMismatch { .. } => "state_mismatch",
        }
    }

    /// This error with the parameter names of its message spelled as `case` spells them
    /// (`client_id` → `clientId` for [`crate::options::Case::Camel`]): core messages use
    /// snake_case, and a binding for a camelCase language maps its errors through here so
    /// they name the parameters its callers wrote. Only `invalid_input` and `config` messages
    /// name parameters; other errors are returned as they are.
    pub fn in_case(self, case: crate::options::Case) -> Self {
        use crate::options::respell;
        match self {
            Self::InvalidInput { message } => Self::InvalidInput {
                message: respell(&message, case),
            },
            Self::Config { message } => Self::Config {
                message: respell(&message, case),
            },
            other => other,
        }
    }

    /// The details of an error answer from JTL, if this is one.
    pub fn detail(&self) -> Option<&ApiDetail> {
        match self {
            Self::InvalidCredentials { detail, .. }
            | Self::Unauthorized { detail, .. }
            | Self::Forbidden { detail, .. }
            | Self::NotFound { detail, .. }
            | Self::Conflict { detail, .. }
            | Self::RateLimited { detail, .. }
            | Self::Api { detail, .. }
            | Self::SignInRequired { detail, .. } => Some(detail),
            _ => None,
        }
    }

    /// The HTTP status of an error answer from JTL.
    pub fn status(&self) -> Option<u16> {
        self.detail().map(|d| d.status)
    }

    /// How long to wait before retrying, for `rate_limited`.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Why a session token was refused, for `token_invalid`.
    pub fn reason(&self) -> Option<TokenInvalidReason> {
        match self {
            Self::TokenInvalid { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// The GraphQL errors, for `graphql` (empty otherwise).
    pub fn graphql_errors(&self) -> &[crate::graphql::GraphqlError] {
        match self {
            Self::Graphql { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The partial data that came with GraphQL errors, for `graphql`.
    pub fn graphql_data(&self) -> Option<&serde_json::Value> {
        match self {
            Self::Graphql { data, .. } => data.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn invalid_input(message: impl Into<String>) -> Self {
        Self::InvalidInput {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }

    pub(crate) fn network(message: impl Into<String>) -> Self {
        Self::Network {
            message: message.into(),
        }
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Self {
        Self::Timeout {
            message: message.into(),
        }
    }

    pub(crate) fn token_invalid(reason: TokenInvalidReason, message: impl Into<String>) -> Self {
        Self::TokenInvalid {
            reason,
            message: message.into(),
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
