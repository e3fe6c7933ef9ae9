//! The token endpoint's error answers (RFC 6749 §5.2). A leaf, so that the grants of
//! `oauth.rs` and of `user_auth.rs` share them without importing each other.

use axum::http::StatusCode;

/// An error answer of `/oauth2/token` (RFC 6749 §5.2): status, `error` code, `error_description`.
pub(crate) type OAuthError = (StatusCode, &'static str, String);

/// `400 invalid_request`: a parameter is missing, repeated or malformed.
pub(crate) fn invalid_request(message: impl Into<String>) -> OAuthError {
    (StatusCode::BAD_REQUEST, "invalid_request", message.into())
}

/// `401 invalid_client`: the client is unknown or did not authenticate.
pub(crate) fn invalid_client(message: impl Into<String>) -> OAuthError {
    (StatusCode::UNAUTHORIZED, "invalid_client", message.into())
}
