//! GraphQL on the Cloud ERP API (`POST /erp/v2/graphql`, facts §1): the way JTL's guides
//! read and write ERP data. A call goes through the same transport as REST calls (token
//! cache, one refresh on 401, retries, deadline); on top of it this module
//!
//! - tells queries from mutations by reading the document ([`OperationKind`]): queries are
//!   retried like idempotent requests, mutations only when they carry an `Idempotency-Key`,
//!   and every mutation gets a fresh one unless the caller says otherwise, so a retried
//!   mutation cannot create twice (§1.1);
//! - turns `errors[]` in a 200 answer (§1.7) into [`crate::Error::Graphql`], keeping the
//!   errors and any partial data;
//! - walks connections (`nodes`/`edges`, `pageInfo.endCursor`, §1.3) page by page.

mod connection;
mod document;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use document::OperationKind;

pub(crate) use connection::paginator;

use crate::{error::ApiDetail, CloudClient, Error, Request, Result};

/// The header JTL reads the idempotency key of a mutation from (§1.1).
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// Most errors quoted in an error's message; all of them stay in [`Error::graphql_errors`].
const QUOTED_ERRORS: usize = 3;

/// One entry of a GraphQL answer's `errors` list (GraphQL spec §7.1.2).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphqlError {
    /// What went wrong, as the server said it.
    pub message: String,
    /// Where in the query document (1-based line and column).
    pub locations: Vec<GraphqlLocation>,
    /// Where in the answer: field names and list indexes (`["QueryItems", "nodes", 3, "name"]`).
    pub path: Vec<Value>,
    /// Anything else the server added, e.g. `{"code": "NOT_FOUND"}`.
    pub extensions: Option<Value>,
}

impl GraphqlError {
    /// `extensions.code`, if the server sent one.
    pub fn code(&self) -> Option<&str> {
        self.extensions.as_ref()?.get("code")?.as_str()
    }

    /// The path as text: `QueryItems.nodes.3.name`.
    pub fn path_text(&self) -> String {
        self.path
            .iter()
            .map(|p| match p {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Reads one entry leniently: a server that leaves out or mistypes a field still
    /// yields the rest.
    fn read(value: &Value) -> Self {
        let Some(map) = value.as_object() else {
            return Self {
                message: value.to_string(),
                ..Self::default()
            };
        };
        let locations = map
            .get("locations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|l| {
                        Some(GraphqlLocation {
                            line: l.get("line")?.as_u64()?,
                            column: l.get("column")?.as_u64()?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            message: match map.get("message") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => "(no message)".to_owned(),
                Some(other) => other.to_string(),
            },
            locations,
            path: map
                .get("path")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            extensions: map.get("extensions").filter(|e| !e.is_null()).cloned(),
        }
    }
}

/// A place in a GraphQL document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphqlLocation {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

/// Which `Idempotency-Key` a request carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum IdempotencyKey {
    /// A fresh random key (UUID v4) for a mutation, none for a query (the default).
    #[default]
    Auto,
    /// This key (reuse one to make a retry across processes safe).
    Key(String),
    /// No key: a mutation is then never retried after it may have reached the server.
    Off,
}

/// A GraphQL request: the document, its variables, which operation to run, and options.
///
/// ```
/// use jtl_connect::graphql::GraphqlRequest;
/// let request = GraphqlRequest::new("query($id: ID!) { GetItemById(id: $id) { id sku } }")
///     .variables(serde_json::json!({"id": "7"}));
/// # let _ = request;
/// ```
#[derive(Clone, Debug)]
pub struct GraphqlRequest {
    query: String,
    variables: Option<Value>,
    operation_name: Option<String>,
    idempotency_key: IdempotencyKey,
    headers: Vec<(String, String)>,
    timeout: Option<Duration>,
}

impl GraphqlRequest {
    /// A request for the document `query`.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            variables: None,
            operation_name: None,
            idempotency_key: IdempotencyKey::Auto,
            headers: Vec::new(),
            timeout: None,
        }
    }

    /// The variables (a JSON object, or `null` for none).
    pub fn variables(mut self, variables: Value) -> Self {
        self.variables = Some(variables);
        self
    }

    /// Which operation of the document to run (needed when it defines several).
    pub fn operation_name(mut self, name: impl Into<String>) -> Self {
        self.operation_name = Some(name.into());
        self
    }

    /// The `Idempotency-Key` behaviour (default [`IdempotencyKey::Auto`]).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = key;
        self
    }

    /// Adds a header (it replaces a client default of the same name).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A timeout for each attempt, instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The document.
    pub fn query(&self) -> &str {
        &self.query
    }
}

/// A GraphQL answer without errors.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphqlResponse {
    /// The `data` object.
    pub data: Value,
    /// The answer's `extensions`, if any (e.g. `idempotency.CreateItem.wasReplayed`).
    pub extensions: Option<Value>,
    /// Whether the operation was a query or a mutation.
    pub kind: OperationKind,
    /// The `Idempotency-Key` sent, if any.
    pub idempotency_key: Option<String>,
}

impl GraphqlResponse {
    /// Whether the server answered a mutation from its idempotency record
    /// (`extensions.idempotency.<field>.wasReplayed`, §1.1) instead of running it again.
    pub fn was_replayed(&self) -> bool {
        self.extensions
            .as_ref()
            .and_then(|e| e.get("idempotency"))
            .and_then(Value::as_object)
            .is_some_and(|fields| {
                fields
                    .values()
                    .any(|f| f.get("wasReplayed").and_then(Value::as_bool) == Some(true))
            })
    }
}

/// Sends `request` through `client`'s transport and reads the answer.
pub(crate) async fn execute(
    client: &CloudClient,
    request: GraphqlRequest,
) -> Result<GraphqlResponse> {
    let kind = document::parse(&request.query)?.select(request.operation_name.as_deref())?;
    if kind == OperationKind::Subscription {
        return Err(Error::invalid_input(
            "query: subscriptions are not served over HTTP; expected a query or a mutation",
        ));
    }
    let variables = match request.variables {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(Value::Object(map)),
        Some(other) => {
            return Err(Error::invalid_input(format!(
                "variables: expected a JSON object (name → value) or null; found {}",
                json_kind(&other)
            )))
        }
    };
    let own_key = request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(IDEMPOTENCY_HEADER))
        .map(|(_, v)| v.clone());
    let key = match (own_key, request.idempotency_key, kind) {
        (Some(key), _, _) | (None, IdempotencyKey::Key(key), _) => Some(key),
        (None, IdempotencyKey::Auto, OperationKind::Mutation) => {
            Some(uuid::Uuid::new_v4().to_string())
        }
        (None, _, _) => None,
    };
    let mut body = Map::new();
    body.insert("query".into(), Value::String(request.query));
    if let Some(variables) = variables {
        body.insert("variables".into(), variables);
    }
    if let Some(name) = request.operation_name {
        body.insert("operationName".into(), Value::String(name));
    }
    // Queries are safe to repeat; a mutation only when the server can recognise the repeat.
    let mut http = Request::post("")
        .json(Value::Object(body))
        .idempotent(kind == OperationKind::Query || key.is_some());
    for (name, value) in request.headers {
        if !name.eq_ignore_ascii_case(IDEMPOTENCY_HEADER) {
            http = http.header(name, value);
        }
    }
    if let Some(key) = &key {
        http = http.header(IDEMPOTENCY_HEADER, key.clone());
    }
    if let Some(timeout) = request.timeout {
        http = http.timeout(timeout);
    }
    let url = client.endpoints().graphql_url();
    let response = client.send_to(&url, http).await?;
    let what = format!("POST {}", url.path());
    let body: Value = response.json()?;
    let Value::Object(mut body) = body else {
        return Err(shape_error(
            &what,
            format!(
                "expected a GraphQL answer (a JSON object with data or errors); found {}",
                json_kind(&body)
            ),
        ));
    };
    let data = body.remove("data").filter(|d| !d.is_null());
    let errors: Vec<GraphqlError> = match body.remove("errors") {
        Some(Value::Array(list)) => list.iter().map(GraphqlError::read).collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![GraphqlError::read(&other)],
    };
    if !errors.is_empty() {
        // Server text: cleaned of the client's secret and token like every other error.
        let token = client.token_cache().peek();
        return Err(client.transport().redact(
            graphql_error(&what, errors, data),
            token.as_deref().map(|t| t.secret()),
        ));
    }
    let data = data.ok_or_else(|| {
        shape_error(
            &what,
            "expected data or errors in the GraphQL answer; found neither".to_owned(),
        )
    })?;
    Ok(GraphqlResponse {
        data,
        extensions: body.remove("extensions").filter(|e| !e.is_null()),
        kind,
        idempotency_key: key,
    })
}

/// The `graphql` error: a message quoting the first few errors, all of them, and the data.
fn graphql_error(what: &str, errors: Vec<GraphqlError>, data: Option<Value>) -> Error {
    let quoted: Vec<String> = errors
        .iter()
        .take(QUOTED_ERRORS)
        .map(|e| {
            let mut text = e.message.clone();
            let mut notes = Vec::new();
            if !e.path.is_empty() {
                notes.push(format!("at {}", e.path_text()));
            }
            if let Some(code) = e.code() {
                notes.push(format!("code {code}"));
            }
            if !notes.is_empty() {
                text.push_str(&format!(" ({})", notes.join(", ")));
            }
            text
        })
        .collect();
    let mut message = format!(
        "{what}: the GraphQL answer has {} error{}: {}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        quoted.join("; ")
    );
    if errors.len() > QUOTED_ERRORS {
        message.push_str(&format!("; and {} more", errors.len() - QUOTED_ERRORS));
    }
    if data.is_some() {
        message.push_str(" (partial data came with them)");
    }
    Error::Graphql {
        message,
        errors,
        data,
    }
}

fn shape_error(what: &str, text: String) -> Error {
    Error::Api {
        message: format!("{what}: {text}"),
        detail: ApiDetail {
            status: 200,
            ..ApiDetail::default()
        },
    }
}

/// `an array`, `a string`, … for messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_are_read_leniently() {
        let e = GraphqlError::read(
            &json!({"message": "No item", "locations": [{"line": 1, "column": 3}, {"line": "x"}],
            "path": ["GetItemById", 0], "extensions": {"code": "NOT_FOUND"}}),
        );
        assert_eq!(e.message, "No item");
        assert_eq!(e.locations, vec![GraphqlLocation { line: 1, column: 3 }]);
        assert_eq!(e.path_text(), "GetItemById.0");
        assert_eq!(e.code(), Some("NOT_FOUND"));
        assert_eq!(GraphqlError::read(&json!({})).message, "(no message)");
        assert_eq!(GraphqlError::read(&json!("boom")).message, "\"boom\"");
        let err = graphql_error("POST /g", vec![e.clone(); 5], Some(json!({"a": 1})));
        assert_eq!(err.code(), "graphql");
        let text = err.to_string();
        assert!(
            text.contains("5 errors") && text.contains("and 2 more"),
            "{text}"
        );
        assert!(text.contains("at GetItemById.0, code NOT_FOUND"), "{text}");
        assert!(text.contains("partial data"), "{text}");
        assert_eq!(err.graphql_errors().len(), 5);
        assert_eq!(err.graphql_data(), Some(&json!({"a": 1})));
    }

    #[test]
    fn replay_flag() {
        let response = |extensions| GraphqlResponse {
            data: json!({}),
            extensions,
            kind: OperationKind::Mutation,
            idempotency_key: None,
        };
        assert!(response(Some(
            json!({"idempotency": {"CreateItem": {"wasReplayed": true}}})
        ))
        .was_replayed());
        assert!(!response(Some(
            json!({"idempotency": {"CreateItem": {"wasReplayed": false}}})
        ))
        .was_replayed());
        assert!(!response(None).was_replayed());
    }
}
