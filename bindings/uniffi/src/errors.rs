//! Core errors as one exception hierarchy: Kotlin `JtlException` (a sealed class with one
//! subclass per stable code), Swift `JtlError` (an enum). Every case carries the same fields:
//! `code`, `description`, and, where they apply, `status`, `errorCode`, `reason`,
//! `retryAfterSeconds`, `validationErrors`, and for `graphql` the `errors` and partial `data`.

use std::{collections::HashMap, fmt};

use jtl_connect::Error as CoreError;

macro_rules! jtl_error {
    ($($(#[$doc:meta])* $variant:ident => $code:literal,)*) => {
        /// A jtl-connect failure. `code` is stable across versions and languages; messages
        /// never contain a secret.
        #[derive(Debug, Clone, uniffi::Error)]
        #[non_exhaustive]
        pub enum JtlError {
            $(
                $(#[$doc])*
                $variant {
                    /// The stable code, e.g. `not_found`.
                    code: String,
                    /// What was expected and what was found (never a secret).
                    description: String,
                    /// The HTTP status of an error answer from JTL.
                    status: Option<i32>,
                    /// JTL's own error code (ERP `errorCode`, SCX `errorList[0].code`, OAuth `error`).
                    error_code: Option<String>,
                    /// Why a session token was refused (`token_invalid`): `expired`, `bad_signature`, ...
                    reason: Option<String>,
                    /// How long JTL asked to wait (`rate_limited`), in seconds.
                    retry_after_seconds: Option<f64>,
                    /// Field-level problems JTL reported, field → message.
                    validation_errors: HashMap<String, String>,
                    /// For `graphql`: every entry of the answer's `errors` (empty otherwise).
                    errors: Vec<GraphqlErrorEntry>,
                    /// For `graphql`: the partial `data` as JSON text, if the server sent any.
                    data: Option<String>,
                },
            )*
        }

        impl JtlError {
            /// The stable code.
            pub fn code(&self) -> &str {
                match self {
                    $(Self::$variant { code, .. } => code,)*
                }
            }

            /// The message.
            pub fn description(&self) -> &str {
                match self {
                    $(Self::$variant { description, .. } => description,)*
                }
            }

            fn from_core(error: &CoreError) -> Self {
                let detail = error.detail();
                let code = error.code().to_owned();
                let description = error.to_string();
                let status = error.status().map(i32::from);
                let error_code = detail.and_then(|d| d.error_code.clone());
                let reason = error.reason().map(|r| r.as_str().to_owned());
                let retry_after_seconds = error.retry_after().map(|d| d.as_secs_f64());
                let validation_errors = detail
                    .map(|d| d.validation_errors.clone().into_iter().collect())
                    .unwrap_or_default();
                let errors = error.graphql_errors().iter().map(GraphqlErrorEntry::from).collect();
                let data = error.graphql_data().map(|d| d.to_string());
                match error.code() {
                    $($code => Self::$variant {
                        code, description, status, error_code, reason, retry_after_seconds,
                        validation_errors, errors, data,
                    },)*
                    _ => Self::Other {
                        code, description, status, error_code, reason, retry_after_seconds,
                        validation_errors, errors, data,
                    },
                }
            }

            /// An error of this binding itself (a failed background task); code `config`.
            pub(crate) fn internal(description: String) -> Self {
                Self::Config {
                    code: "config".to_owned(),
                    description,
                    status: None,
                    error_code: None,
                    reason: None,
                    retry_after_seconds: None,
                    validation_errors: HashMap::new(),
                    errors: Vec::new(),
                    data: None,
                }
            }

            /// An argument this binding could not convert (bad JSON, unknown system); code
            /// `invalid_input`.
            pub(crate) fn invalid_input(description: String) -> Self {
                Self::InvalidInput {
                    code: "invalid_input".to_owned(),
                    description,
                    status: None,
                    error_code: None,
                    reason: None,
                    retry_after_seconds: None,
                    validation_errors: HashMap::new(),
                    errors: Vec::new(),
                    data: None,
                }
            }
        }
    };
}

jtl_error! {
    /// An argument was not valid (`invalid_input`).
    InvalidInput => "invalid_input",
    /// The configuration is incomplete or inconsistent (`config`).
    Config => "config",
    /// The token endpoint refused the credentials (`invalid_credentials`).
    InvalidCredentials => "invalid_credentials",
    /// 401 even after one token refresh (`unauthorized`).
    Unauthorized => "unauthorized",
    /// 403: a missing scope or tenant access (`forbidden`).
    Forbidden => "forbidden",
    /// 404 (`not_found`).
    NotFound => "not_found",
    /// 409, or a stored name is taken (`conflict`).
    Conflict => "conflict",
    /// 429 and no retry possible within the deadline (`rate_limited`).
    RateLimited => "rate_limited",
    /// Any other error answer from JTL (`api`).
    Api => "api",
    /// The connection failed or the answer could not be read (`network`).
    Network => "network",
    /// No answer in time (`timeout`).
    Timeout => "timeout",
    /// A session token was not accepted (`token_invalid`, see `reason`).
    TokenInvalid => "token_invalid",
    /// The account store failed (`store`).
    Store => "store",
    /// A Wawi app registration was rejected or not approved in time (`registration_rejected`).
    RegistrationRejected => "registration_rejected",
    /// A GraphQL answer carried `errors` (`graphql`): see `errors` and the partial `data`.
    Graphql => "graphql",
    /// The user has to sign in again (`sign_in_required`): `invalid_grant` (a code or
    /// refresh token expired, revoked, reused or rotated away), `access_denied`, or a
    /// sign-in that took too long. Never retried.
    SignInRequired => "sign_in_required",
    /// The `state` that came back is not the pending sign-in's (`state_mismatch`).
    StateMismatch => "state_mismatch",
    /// A code newer than this binding; see `code`.
    Other => "",
}

impl fmt::Display for JtlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.description(), self.code())
    }
}

impl std::error::Error for JtlError {}

impl From<CoreError> for JtlError {
    /// The core's messages name parameters in snake_case; Kotlin and Swift callers wrote
    /// camelCase (`clientId`), so the message says it their way.
    fn from(error: CoreError) -> Self {
        Self::from_core(&error.in_case(jtl_connect::options::Case::Camel))
    }
}

/// One entry of a GraphQL answer's `errors`.
#[derive(Clone, Debug, uniffi::Record)]
pub struct GraphqlErrorEntry {
    /// What went wrong, as the server said it.
    pub message: String,
    /// Where in the query document.
    pub locations: Vec<GraphqlLocation>,
    /// Where in the answer: field names and list indexes as text (`["QueryItems", "nodes", "0"]`).
    pub path: Vec<String>,
    /// What else the server added (e.g. `{"code":"NOT_FOUND"}`) as JSON text.
    pub extensions: Option<String>,
}

/// A place in a GraphQL document (1-based).
#[derive(Clone, Copy, Debug, uniffi::Record)]
pub struct GraphqlLocation {
    /// Line.
    pub line: u64,
    /// Column.
    pub column: u64,
}

impl From<&jtl_connect::GraphqlError> for GraphqlErrorEntry {
    fn from(error: &jtl_connect::GraphqlError) -> Self {
        Self {
            message: error.message.clone(),
            locations: error
                .locations
                .iter()
                .map(|l| GraphqlLocation {
                    line: l.line,
                    column: l.column,
                })
                .collect(),
            path: error
                .path
                .iter()
                .map(|p| match p {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect(),
            extensions: error.extensions.as_ref().map(ToString::to_string),
        }
    }
}
