//! Turning JTL's error answers into typed [`Error`]s. JTL speaks several dialects: ERP
//! `{"errorCode","errorMessage","validationErrors"}` (PascalCase from Wawi), SCX
//! `{"errorList":[{"code","message"}]}`, OAuth `{"error","error_description"}`, and
//! ASP.NET problem details `{"title","errors":{"field":["msg"]}}`. All are read.

use std::{collections::BTreeMap, time::Duration};

use serde_json::{Map, Value};

use crate::{error::ApiDetail, redact::Redactor, Error};

/// Which endpoint answered: it decides what a 400/401 means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// An API call (ERP, Wawi, SCX channel, JWKS).
    Api,
    /// The OAuth token endpoint.
    TokenEndpoint,
    /// SCX's refresh-token exchange.
    ScxAuth,
}

/// Longest piece of a non-JSON body quoted in a message.
const QUOTE_LIMIT: usize = 200;

/// What an error body said.
#[derive(Debug, Default)]
pub(crate) struct Said {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) validation_errors: BTreeMap<String, String>,
}

/// Reads any of JTL's error dialects; unknown shapes give a quoted snippet. `redactor` is
/// applied to every field, and to a quoted snippet before it is cut to [`QUOTE_LIMIT`] (so
/// the cut never leaves the start of a secret).
pub(crate) fn read_body(content_type: Option<&str>, body: &[u8], redactor: &Redactor) -> Said {
    let parsed = serde_json::from_slice::<Value>(body);
    let said = match parsed {
        Ok(Value::Object(map)) => read_object(&map),
        _ if body.is_empty() => Said::default(),
        _ if content_type.is_some_and(|c| c.contains("html")) => Said {
            message: Some("an HTML page instead of JSON (a proxy or gateway answered)".into()),
            ..Said::default()
        },
        // Other JSON is quoted as re-serialized: escapes such as `\/` or `\u0061` are undone,
        // so an escaped secret is still found.
        Ok(other) => Said {
            message: Some(quote(other.to_string().as_bytes(), redactor)),
            ..Said::default()
        },
        Err(_) => Said {
            message: Some(quote(body, redactor)),
            ..Said::default()
        },
    };
    if redactor.is_empty() {
        return said;
    }
    Said {
        code: said.code.map(|c| redactor.text(&c)),
        message: said.message.map(|m| redactor.text(&m)),
        validation_errors: redactor.fields(said.validation_errors),
    }
}

fn get<'a>(map: &'a Map<String, Value>, names: &[&str]) -> Option<&'a Value> {
    names.iter().find_map(|n| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    })
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn read_object(map: &Map<String, Value>) -> Said {
    if let Some(Value::Array(list)) = get(map, &["errorList"]) {
        let entries: Vec<&Map<String, Value>> = list.iter().filter_map(Value::as_object).collect();
        let messages: Vec<String> = entries
            .iter()
            .filter_map(|e| text(get(e, &["message"])))
            .collect();
        return Said {
            code: entries.first().and_then(|e| text(get(e, &["code"]))),
            message: (!messages.is_empty()).then(|| messages.join("; ")),
            validation_errors: BTreeMap::new(),
        };
    }
    // A GraphQL error list on a non-2xx answer (GraphQL over HTTP): its messages.
    if let Some(Value::Array(list)) = get(map, &["errors"]) {
        let entries: Vec<&Map<String, Value>> = list.iter().filter_map(Value::as_object).collect();
        let messages: Vec<String> = entries
            .iter()
            .filter_map(|e| text(get(e, &["message"])))
            .collect();
        if !messages.is_empty() {
            return Said {
                code: text(get(map, &["errorCode", "code"])).or_else(|| {
                    entries
                        .iter()
                        .find_map(|e| get(e, &["extensions"]).and_then(|x| text(x.get("code"))))
                }),
                message: Some(messages.join("; ")),
                validation_errors: BTreeMap::new(),
            };
        }
    }
    let validation = get(map, &["validationErrors"])
        .or_else(|| get(map, &["errors"]).filter(|_| get(map, &["title"]).is_some()))
        .and_then(Value::as_object)
        .map(flatten_validation)
        .unwrap_or_default();
    Said {
        code: text(get(map, &["errorCode", "error", "code"])),
        message: text(get(
            map,
            &[
                "errorMessage",
                "error_description",
                "message",
                "detail",
                "title",
            ],
        )),
        validation_errors: validation,
    }
}

fn flatten_validation(map: &Map<String, Value>) -> BTreeMap<String, String> {
    map.iter()
        .filter_map(|(field, value)| {
            let message = match value {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            (!message.is_empty()).then(|| (field.clone(), message))
        })
        .collect()
}

fn quote(body: &[u8], redactor: &Redactor) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Redacted whole first, then cut: a secret across the limit is removed, not halved.
    let quoted = redactor.capped(&one_line, QUOTE_LIMIT);
    format!("{quoted:?}")
}

/// The typed error for an error answer. `what` names the call (`GET /erp/v2/items`),
/// never its query string or headers.
pub(crate) fn from_answer(
    flavor: Flavor,
    what: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Error {
    from_answer_redacted(
        flavor,
        what,
        status,
        content_type,
        body,
        retry_after,
        &Redactor::default(),
    )
}

/// [`from_answer`] with the client's secrets removed from every field before they are
/// put together (see [`crate::redact`]).
pub(crate) fn from_answer_redacted(
    flavor: Flavor,
    what: &str,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    retry_after: Option<Duration>,
    redactor: &Redactor,
) -> Error {
    let said = read_body(content_type, body, redactor);
    let mut message = format!("{what} answered {status}");
    if let Some(code) = &said.code {
        message.push(' ');
        message.push_str(code);
    }
    if let Some(text) = &said.message {
        message.push_str(": ");
        message.push_str(text);
    }
    if !said.validation_errors.is_empty() {
        let fields: Vec<String> = said
            .validation_errors
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect();
        message.push_str(&format!(" [{}]", fields.join("; ")));
    }
    let credentials_refused = match flavor {
        Flavor::TokenEndpoint => {
            matches!(status, 400 | 401)
                && matches!(
                    said.code.as_deref(),
                    Some("invalid_client" | "invalid_grant" | "unauthorized_client")
                )
        }
        Flavor::ScxAuth => {
            matches!(status, 401 | 403)
                || said.code.as_deref().is_some_and(|c| c.starts_with("ATH"))
        }
        Flavor::Api => false,
    };
    let detail = ApiDetail {
        status,
        error_code: said.code,
        validation_errors: said.validation_errors,
    };
    if credentials_refused {
        return Error::InvalidCredentials { message, detail };
    }
    match (flavor, status) {
        (_, 429) => Error::RateLimited {
            message,
            retry_after,
            detail,
        },
        (Flavor::Api, 401) => Error::Unauthorized { message, detail },
        (Flavor::Api, 403) => Error::Forbidden { message, detail },
        (Flavor::Api, 404) => Error::NotFound { message, detail },
        (Flavor::Api, 409) => Error::Conflict { message, detail },
        _ => Error::Api { message, detail },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_dialect() {
        let erp = br#"{"errorCode":"VALIDATION_ERROR","errorMessage":"bad","validationErrors":{"name":"is required"},"errors":{}}"#;
        let e = from_answer(Flavor::Api, "POST /erp/v2/items", 422, None, erp, None);
        assert_eq!(e.code(), "api");
        let d = e.detail().unwrap();
        assert_eq!(d.error_code.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(d.validation_errors["name"], "is required");
        assert!(e.to_string().contains("name: is required"), "{e}");

        let wawi = br#"{"ErrorCode":"NOT_FOUND","ErrorMessage":"nope","ValidationErrors":{}}"#;
        let e = from_answer(Flavor::Api, "GET /v1/items/1", 404, None, wawi, None);
        assert_eq!(e.code(), "not_found");
        assert_eq!(e.detail().unwrap().error_code.as_deref(), Some("NOT_FOUND"));

        let scx = br#"{"errorList":[{"code":"ATH100","message":"kein Account","severity":"error","hint":null}]}"#;
        let e = from_answer(Flavor::ScxAuth, "POST /v1/auth", 401, None, scx, None);
        assert_eq!(e.code(), "invalid_credentials");
        assert_eq!(e.detail().unwrap().error_code.as_deref(), Some("ATH100"));

        let oauth = br#"{"error":"invalid_client","error_description":"wrong secret"}"#;
        let e = from_answer(
            Flavor::TokenEndpoint,
            "POST /oauth2/token",
            401,
            None,
            oauth,
            None,
        );
        assert_eq!(e.code(), "invalid_credentials");
        let e = from_answer(
            Flavor::TokenEndpoint,
            "POST /oauth2/token",
            400,
            None,
            br#"{"error":"invalid_request"}"#,
            None,
        );
        assert_eq!(e.code(), "api");

        let problem = br#"{"title":"One or more validation errors occurred.","status":400,"errors":{"Name":["required","too short"]}}"#;
        let e = from_answer(Flavor::Api, "POST /x", 400, None, problem, None);
        assert_eq!(
            e.detail().unwrap().validation_errors["Name"],
            "required; too short"
        );

        let e = from_answer(
            Flavor::Api,
            "GET /x",
            502,
            Some("text/html"),
            b"<html>bad gateway</html>",
            None,
        );
        assert!(e.to_string().contains("HTML"), "{e}");
        let e = from_answer(
            Flavor::Api,
            "GET /x",
            429,
            None,
            b"",
            Some(Duration::from_secs(3)),
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        for (status, code) in [
            (401, "unauthorized"),
            (403, "forbidden"),
            (409, "conflict"),
            (500, "api"),
        ] {
            assert_eq!(
                from_answer(Flavor::Api, "GET /x", status, None, b"{}", None).code(),
                code
            );
        }
    }
}
