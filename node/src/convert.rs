//! Small conversions between JavaScript's shapes and the core's: query parameters, headers,
//! key casing of admin objects, milliseconds, dates.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jtl_connect::{Error as CoreError, Result as CoreResult};
use napi::{Env, JsDate};
use serde_json::{Map, Value};

/// A scalar as the text sent in a query string or header.
fn scalar(what: &str, name: &str, value: &Value) -> CoreResult<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Array(_) | Value::Object(_) => Err(invalid(format!(
            "{what}: expected a string, number or boolean for {name:?}; found {}",
            kind(value)
        ))),
    }
}

/// `params` as query pairs: an object (`{pageSize: 50, tag: ["a", "b"]}`; arrays repeat the
/// name, `null`/`undefined` values are left out) or a list of `[name, value]` pairs.
pub(crate) fn query_pairs(params: Option<Value>) -> CoreResult<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    match params {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, value) in &map {
                match value {
                    Value::Array(values) => {
                        for value in values {
                            if let Some(text) = scalar("params", name, value)? {
                                pairs.push((name.clone(), text));
                            }
                        }
                    }
                    value => {
                        if let Some(text) = scalar("params", name, value)? {
                            pairs.push((name.clone(), text));
                        }
                    }
                }
            }
        }
        Some(Value::Array(entries)) => {
            for entry in &entries {
                match entry.as_array().map(Vec::as_slice) {
                    Some([Value::String(name), value]) => {
                        if let Some(text) = scalar("params", name, value)? {
                            pairs.push((name.clone(), text));
                        }
                    }
                    _ => {
                        return Err(invalid(format!(
                            "params: expected [name, value] pairs; found {}",
                            kind(entry)
                        )))
                    }
                }
            }
        }
        Some(other) => {
            return Err(invalid(format!(
                "params: expected an object or a list of [name, value] pairs; found {}",
                kind(&other)
            )))
        }
    }
    Ok(pairs)
}

/// `headers` as name/value pairs (numbers and booleans are written as text).
pub(crate) fn header_pairs(
    headers: Option<Map<String, Value>>,
) -> CoreResult<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for (name, value) in headers.unwrap_or_default() {
        if let Some(text) = scalar("headers", &name, &value)? {
            pairs.push((name, text));
        }
    }
    Ok(pairs)
}

/// The JSON type of `value`, for error messages.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An `invalid_input` error (the core's constructor for it is crate-private).
pub(crate) fn invalid(message: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        message: message.into(),
    }
}

/// Name casing is the core's (`pageSize` ↔ `page_size`), one definition for every binding.
pub(crate) use jtl_connect::options::{camel_case, snake_case};

/// A JavaScript `Date` for `time`.
pub(crate) fn date(env: &Env, time: SystemTime) -> napi::Result<JsDate<'_>> {
    let ms = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64() * 1000.0,
        Err(before) => -(before.duration().as_secs_f64() * 1000.0),
    };
    env.create_date(ms.floor())
}

/// A JavaScript `Date` for a Unix time in seconds.
pub(crate) fn date_from_unix(env: &Env, seconds: i64) -> napi::Result<JsDate<'_>> {
    env.create_date(seconds as f64 * 1000.0)
}

/// `secs` seconds as a duration; `invalid_input` naming `what` for a negative or not finite number.
pub(crate) fn seconds(what: &str, secs: f64) -> CoreResult<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return Err(invalid(format!(
            "{what}: expected a non-negative number of seconds; found {secs}"
        )));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn params_become_pairs() {
        let pairs = query_pairs(Some(
            json!({"pageSize": 50, "tag": ["a", "b"], "skip": null}),
        ))
        .unwrap_or_default();
        assert_eq!(
            pairs,
            vec![
                ("pageSize".to_owned(), "50".to_owned()),
                ("tag".to_owned(), "a".to_owned()),
                ("tag".to_owned(), "b".to_owned()),
            ]
        );
        assert!(query_pairs(Some(json!({"deep": {"x": 1}}))).is_err());
        assert!(query_pairs(Some(json!([["a", 1], ["b", true]]))).is_ok());
        assert!(query_pairs(Some(json!("a=1"))).is_err());
    }

    #[test]
    fn key_casing() {
        assert_eq!(snake_case("wawiAutoApproveMs"), "wawi_auto_approve_ms");
        assert_eq!(snake_case("token_lifetime_secs"), "token_lifetime_secs");
        assert_eq!(camel_case("faults_served"), "faultsServed");
        assert_eq!(camel_case("token"), "token");
    }
}
