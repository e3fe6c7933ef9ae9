//! `POST /erp/v2/graphql` (facts §1): the Cloud ERP GraphQL API over the same catalogue as
//! REST, on async-graphql.
//!
//! Transport failures are HTTP answers in the ERP error shape, checked in the gateway's order:
//! 401 token, 400 `TenantIdMissing`, 415 content type (bare `application/json` only, facts
//! §1.1), 400 body, 403 tenant or scope (each root field needs its resource's scope), 429 rate
//! limit. Everything after that is HTTP 200 with `data` and/or `errors[]` (facts §1.7), every
//! error carrying `extensions.code`. Mutations honour `Idempotency-Key`: a replay answers the
//! first result with `extensions.idempotency.{responseName}.wasReplayed: true`.

mod connection;
mod error;
mod schema;

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use async_graphql::{
    parser::types::{
        DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
    },
    Variables,
};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use serde_json::{json, Map, Value};

use crate::{
    catalogue::Idempotent,
    config::Settings,
    erp::{authenticate, authorize, check_content_type, fail, Caller},
    state::Shared,
};

/// How long a replay waits for the first request with its key to finish.
const PENDING_WAIT: Duration = Duration::from_secs(30);

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/erp/v2/graphql", post(handle))
}

/// The schema in SDL, as `jtl-emulator --print-schema` prints it.
pub(crate) fn sdl() -> Result<String, String> {
    let defaults = Settings::default();
    schema::cached(defaults.graphql_max_depth, defaults.graphql_max_complexity).map(|s| s.sdl())
}

struct Body {
    query: String,
    variables: Value,
    operation_name: Option<String>,
}

fn bad_request(message: String) -> Response {
    fail(StatusCode::BAD_REQUEST, "INVALID_GRAPHQL_REQUEST", &message)
}

/// `{query, variables, operationName}` (facts §1.1 "Body").
fn read_body(body: &[u8]) -> Result<Body, Response> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| bad_request(format!("the request body is not valid JSON: {e}")))?;
    let Value::Object(mut map) = value else {
        return Err(bad_request(
            "expected a JSON object {\"query\", \"variables\", \"operationName\"}".into(),
        ));
    };
    let query = match map.remove("query") {
        Some(Value::String(q)) if !q.trim().is_empty() => q,
        _ => {
            return Err(bad_request(
                "the body needs \"query\": a GraphQL document as a string".into(),
            ))
        }
    };
    let variables = match map.remove("variables") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v @ Value::Object(_)) => v,
        Some(other) => {
            return Err(bad_request(format!(
                "\"variables\" must be an object; found {other}"
            )))
        }
    };
    let operation_name = match map.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            return Err(bad_request(format!(
                "\"operationName\" must be a string; found {other}"
            )))
        }
    };
    Ok(Body {
        query,
        variables,
        operation_name,
    })
}

/// Root fields of a selection set, through fragments: name, response key, position.
type RootField = (String, String, (usize, usize));

fn root_fields(doc: &ExecutableDocument, set: &SelectionSet, out: &mut Vec<RootField>, depth: u8) {
    if depth > 8 {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(f) => out.push((
                f.node.name.node.to_string(),
                f.node.response_key().node.to_string(),
                (f.pos.line, f.pos.column),
            )),
            Selection::InlineFragment(f) => {
                root_fields(doc, &f.node.selection_set.node, out, depth + 1)
            }
            Selection::FragmentSpread(s) => {
                if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) {
                    root_fields(doc, &fragment.node.selection_set.node, out, depth + 1);
                }
            }
        }
    }
}

/// The operation that will run: whether it is a mutation, the scopes its root fields need,
/// and its root fields.
fn plan(doc: &ExecutableDocument, name: Option<&str>) -> (bool, Vec<String>, Vec<RootField>) {
    let operation = match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op),
        // One named operation sent without `operationName` is still the one to run (GraphQL
        // spec, GetOperation); async-graphql keeps named operations in `Multiple`.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    };
    let Some(operation) = operation else {
        return (false, Vec::new(), Vec::new());
    };
    let mut fields = Vec::new();
    root_fields(doc, &operation.node.selection_set.node, &mut fields, 0);
    let scopes: BTreeSet<String> = fields
        .iter()
        .filter_map(|(f, _, _)| schema::root_scope(f))
        .collect();
    (
        operation.node.ty == OperationType::Mutation,
        scopes.into_iter().collect(),
        fields,
    )
}

fn ok(caller: &Caller, body: Value) -> Response {
    caller.answer((StatusCode::OK, Json(body)).into_response())
}

/// Gives every error an `extensions.code` (async-graphql's own errors carry none), and a
/// `path` when a root field's resolver failed (async-graphql leaves it out there).
fn add_codes(body: &mut Value, roots: &[RootField]) {
    let Some(errors) = body.get_mut("errors").and_then(Value::as_array_mut) else {
        return;
    };
    for error in errors {
        let message = error["message"].as_str().unwrap_or_default().to_owned();
        let mut has_path = error.get("path").is_some();
        let at = (
            error["locations"][0]["line"].as_u64().unwrap_or(0) as usize,
            error["locations"][0]["column"].as_u64().unwrap_or(0) as usize,
        );
        let Some(error) = error.as_object_mut() else {
            continue;
        };
        let coded = error
            .get("extensions")
            .and_then(|e| e.get("code"))
            .is_some();
        if !has_path && coded {
            if let Some((_, key, _)) = roots.iter().find(|(_, _, pos)| *pos == at) {
                error.insert("path".into(), json!([key]));
                has_path = true;
            }
        }
        let extensions = error.entry("extensions").or_insert_with(|| json!({}));
        if extensions.get("code").is_some() {
            continue;
        }
        let code = if message.contains("nested too deep") {
            "MAX_DEPTH_EXCEEDED"
        } else if message.contains("too complex") {
            "MAX_COMPLEXITY_EXCEEDED"
        } else if has_path {
            "INVALID_ARGUMENT"
        } else {
            "GRAPHQL_VALIDATION_FAILED"
        };
        extensions["code"] = json!(code);
    }
}

fn idempotency_marks(body: &mut Value, replayed: bool) {
    let names: Vec<String> = body
        .get("data")
        .and_then(Value::as_object)
        .map(|d| d.keys().cloned().collect())
        .unwrap_or_default();
    if names.is_empty() {
        return;
    }
    let marks: Map<String, Value> = names
        .into_iter()
        .map(|n| (n, json!({ "wasReplayed": replayed })))
        .collect();
    let Some(body) = body.as_object_mut() else {
        return;
    };
    let extensions = body.entry("extensions").or_insert_with(|| json!({}));
    extensions["idempotency"] = Value::Object(marks);
}

/// Removes a pending idempotency entry if the request never finished (client gone).
struct PendingGuard {
    shared: Arc<Shared>,
    tenant: String,
    key: String,
    done: bool,
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        if !self.done {
            let mut inner = self.shared.lock();
            let store = &mut inner.catalogue(&self.tenant).idempotency;
            if matches!(store.get(&self.key), Some(Idempotent::Pending)) {
                store.remove(&self.key);
            }
        }
    }
}

enum Claim {
    Run(PendingGuard),
    Replay(Value),
    Mismatch,
    Busy,
}

async fn claim(shared: &Arc<Shared>, tenant: &str, key: &str, fingerprint: &str) -> Claim {
    let started = tokio::time::Instant::now();
    loop {
        {
            let mut inner = shared.lock();
            let store = &mut inner.catalogue(tenant).idempotency;
            match store.get(key) {
                None => {
                    store.insert(key.to_owned(), Idempotent::Pending);
                    return Claim::Run(PendingGuard {
                        shared: shared.clone(),
                        tenant: tenant.to_owned(),
                        key: key.to_owned(),
                        done: false,
                    });
                }
                Some(Idempotent::Done {
                    fingerprint: f,
                    body,
                }) => {
                    return if f == fingerprint {
                        let body = body.clone();
                        inner.stats.count_replay();
                        Claim::Replay(body)
                    } else {
                        Claim::Mismatch
                    };
                }
                Some(Idempotent::Pending) => {}
            }
        }
        if started.elapsed() > PENDING_WAIT {
            return Claim::Busy;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn handle(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let who = match authenticate(&shared, &headers) {
        Ok(who) => who,
        Err(r) => return r,
    };
    if let Err(r) = check_content_type(&shared, &headers) {
        return r;
    }
    let request = match read_body(&body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let parsed = async_graphql::parser::parse_query(&request.query);
    let (is_mutation, scopes, roots) = match &parsed {
        Ok(doc) => plan(doc, request.operation_name.as_deref()),
        Err(_) => (false, Vec::new(), Vec::new()),
    };
    let caller = match authorize(&shared, who, &scopes) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(e) = &parsed {
        let locations: Vec<Value> = e
            .positions()
            .map(|p| json!({ "line": p.line, "column": p.column }))
            .collect();
        return ok(
            &caller,
            json!({
                "data": null,
                "errors": [{
                    "message": e.to_string(),
                    "locations": locations,
                    "extensions": { "code": "GRAPHQL_PARSE_FAILED" },
                }],
            }),
        );
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && is_mutation)
        .map(str::to_owned);
    let fingerprint = format!(
        "{}\n{}\n{}",
        request.query,
        request.variables,
        request.operation_name.as_deref().unwrap_or("")
    );
    let mut guard = None;
    if let Some(key) = &key {
        match claim(&shared, &caller.tenant, key, &fingerprint).await {
            Claim::Run(g) => guard = Some(g),
            Claim::Replay(mut body) => {
                idempotency_marks(&mut body, true);
                return ok(&caller, body);
            }
            Claim::Mismatch => {
                return ok(
                    &caller,
                    json!({ "data": null, "errors": [{
                        "message": format!("the Idempotency-Key {key:?} was used for a different request; use a new key for a new mutation"),
                        "extensions": { "code": "IDEMPOTENCY_KEY_REUSED" },
                    }]}),
                )
            }
            Claim::Busy => {
                return caller.answer(fail(
                    StatusCode::CONFLICT,
                    "IDEMPOTENCY_KEY_IN_USE",
                    "a request with this Idempotency-Key is still running; retry later",
                ))
            }
        }
    }
    let settings = shared.lock().settings.clone();
    let schema = match schema::cached(settings.graphql_max_depth, settings.graphql_max_complexity) {
        Ok(s) => s,
        Err(message) => {
            return caller.answer(fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                &message,
            ))
        }
    };
    let mut gql = async_graphql::Request::new(request.query)
        .variables(Variables::from_json(request.variables))
        .data(schema::Ctx {
            shared: shared.clone(),
            tenant: caller.tenant.clone(),
            max_page_size: settings.graphql_max_page_size,
            default_page_size: settings.graphql_default_page_size,
        });
    if let Some(name) = request.operation_name {
        gql = gql.operation_name(name);
    }
    let response = schema.execute(gql).await;
    let mut body = serde_json::to_value(&response).unwrap_or_else(|e| {
        json!({ "data": null, "errors": [{ "message": format!("response not serializable: {e}"), "extensions": { "code": "INTERNAL_SERVER_ERROR" } }] })
    });
    add_codes(&mut body, &roots);
    if let (Some(key), Some(mut guard)) = (key, guard.take()) {
        let mut inner = shared.lock();
        inner.catalogue(&caller.tenant).idempotency.insert(
            key,
            Idempotent::Done {
                fingerprint,
                body: body.clone(),
            },
        );
        guard.done = true;
        drop(inner);
        idempotency_marks(&mut body, false);
    }
    ok(&caller, body)
}
