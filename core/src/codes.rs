//! The tables every language, the CLI and the page read instead of keeping a copy: the
//! error codes with what they mean and which fields they carry, and the reasons of
//! `token_invalid`.

use serde_json::{json, Value};

use crate::TokenInvalidReason;

/// One error code: its name, what it means, and the fields (snake_case) it may carry
/// besides `code` and `message`.
#[derive(Clone, Copy, Debug)]
pub struct ErrorCode {
    /// The stable code, e.g. `rate_limited`.
    pub code: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// Fields it may carry (`status`, `error_code`, `validation_errors`, `retry_after`,
    /// `reason`, `errors`, `data`).
    pub fields: &'static [&'static str],
}

const fn code(
    code: &'static str,
    meaning: &'static str,
    fields: &'static [&'static str],
) -> ErrorCode {
    ErrorCode {
        code,
        meaning,
        fields,
    }
}

/// Every error code of [`crate::Error::code`], in a stable order.
pub const ERROR_CODES: &[ErrorCode] = &[
    code("invalid_input", "an argument was not valid", &[]),
    code(
        "config",
        "the configuration is incomplete or inconsistent (e.g. a missing environment variable)",
        &[],
    ),
    code(
        "invalid_credentials",
        "the token endpoint refused the credentials",
        &["status", "error_code"],
    ),
    code(
        "unauthorized",
        "the API answered 401 even after one token refresh",
        &["status", "error_code"],
    ),
    code(
        "forbidden",
        "the API answered 403: a missing scope or tenant access",
        &["status", "error_code"],
    ),
    code(
        "not_found",
        "the API answered 404",
        &["status", "error_code"],
    ),
    code(
        "conflict",
        "the API answered 409",
        &["status", "error_code", "validation_errors"],
    ),
    code(
        "rate_limited",
        "the API answered 429 and waiting within the deadline was not possible",
        &["status", "error_code", "retry_after"],
    ),
    code(
        "api",
        "any other error answer, or an answer that could not be read",
        &["status", "error_code", "validation_errors"],
    ),
    code("network", "the connection failed or broke off", &[]),
    code(
        "timeout",
        "no answer within the timeout or the deadline (or a wait was cancelled)",
        &[],
    ),
    code(
        "token_invalid",
        "a session token was not accepted",
        &["reason"],
    ),
    code("store", "the account store failed", &[]),
    code(
        "registration_rejected",
        "a Wawi app registration was rejected",
        &[],
    ),
    code(
        "graphql",
        "a GraphQL answer carried errors (JTL sends them with HTTP 200)",
        &["errors", "data"],
    ),
];

/// Every [`TokenInvalidReason`], in a stable order.
pub const TOKEN_INVALID_REASONS: &[TokenInvalidReason] = &[
    TokenInvalidReason::Expired,
    TokenInvalidReason::NotYetValid,
    TokenInvalidReason::BadSignature,
    TokenInvalidReason::UnknownKey,
    TokenInvalidReason::WrongIssuer,
    TokenInvalidReason::WrongAudience,
    TokenInvalidReason::Malformed,
    TokenInvalidReason::AlgorithmNotAllowed,
    TokenInvalidReason::TooLarge,
    TokenInvalidReason::MissingClaim,
    TokenInvalidReason::LifetimeTooLong,
];

/// The tables as JSON, field names spelled by `case`:
/// `{"error_codes": {"rate_limited": ["meaning", ["status", ...]], ...}, "token_invalid_reasons": [...]}`.
pub fn tables(case: crate::options::Case) -> Value {
    let codes: serde_json::Map<String, Value> = ERROR_CODES
        .iter()
        .map(|c| {
            let fields: Vec<String> = c.fields.iter().map(|f| case.spell(f)).collect();
            (c.code.to_owned(), json!([c.meaning, fields]))
        })
        .collect();
    let reasons: Vec<&str> = TOKEN_INVALID_REASONS.iter().map(|r| r.as_str()).collect();
    let mut out = serde_json::Map::new();
    out.insert(case.spell("error_codes"), Value::Object(codes));
    out.insert(case.spell("token_invalid_reasons"), json!(reasons));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_is_listed_once() {
        let names: std::collections::BTreeSet<_> =
            TOKEN_INVALID_REASONS.iter().map(|r| r.as_str()).collect();
        assert_eq!(names.len(), TOKEN_INVALID_REASONS.len());
        let t = tables(crate::options::Case::Camel);
        assert_eq!(t["errorCodes"]["rate_limited"][1][2], "retryAfter");
        assert_eq!(ERROR_CODES.len(), 15);
    }
}
