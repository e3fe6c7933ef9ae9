//! Walking a GraphQL connection (facts §1.3): `first` and `after` as variables, the next
//! `after` from `pageInfo.endCursor`, the records from `nodes` or `edges[].node`, one
//! request per page as the records are consumed, through the same [`Paginator`] the REST
//! endpoints use (so every language gets the same iterator).

use std::{
    collections::HashSet,
    sync::{Arc, Mutex, PoisonError},
};

use serde_json::{Map, Value};

use super::{document, execute, json_kind, GraphqlRequest, OperationKind};
use crate::{error::ApiDetail, CloudClient, Error, Page, Paginator, Result};

/// Where the walk stands: the cursor to ask after, and every cursor seen (a server that
/// hands out one twice would make the walk go round forever).
#[derive(Default)]
struct Walk {
    after: Option<String>,
    seen: HashSet<String>,
}

/// A paginator over the connection at `connection` (a dotted path into `data`, e.g.
/// `QueryItems`) of `request`'s query, `page_size` records per page.
pub(crate) fn paginator(
    client: CloudClient,
    request: GraphqlRequest,
    connection: &str,
    page_size: u32,
) -> Result<Paginator> {
    let path = parse_path(connection)?;
    let document = document::parse(&request.query)?;
    let kind = document.select(request.operation_name.as_deref())?;
    if kind != OperationKind::Query {
        return Err(Error::invalid_input(format!(
            "query: paginate_graphql walks a query's connection; found a {}",
            kind.as_str()
        )));
    }
    for (name, ty) in [("first", "Int"), ("after", "String")] {
        if !document.uses_variable(name) {
            return Err(Error::invalid_input(format!(
                "query: expected the variable ${name} (declared as ${name}: {ty} and passed to {connection}(first: $first, after: $after)); found no ${name} in the query"
            )));
        }
    }
    let base = match &request.variables {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(other) => {
            return Err(Error::invalid_input(format!(
                "variables: expected a JSON object (name → value) or null; found {}",
                json_kind(other)
            )))
        }
    };
    let page_size = page_size.max(1);
    let walk = Arc::new(Mutex::new(Walk::default()));
    let connection = connection.to_owned();
    Ok(Paginator::new(Arc::new(move |number| {
        let client = client.clone();
        let walk = walk.clone();
        let path = path.clone();
        let connection = connection.clone();
        let mut variables = base.clone();
        let after = walk
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .after
            .clone();
        variables.insert("first".into(), Value::from(page_size));
        variables.insert("after".into(), after.map_or(Value::Null, Value::String));
        let request = request.clone().variables(Value::Object(variables));
        Box::pin(async move {
            let response = execute(&client, request).await?;
            let found = lookup(&response.data, &path, &connection)?;
            let read = read_connection(found, &connection)?;
            let next_page = match (read.has_next, read.items.is_empty()) {
                // An empty page ends the walk even if hasNextPage says otherwise.
                (true, false) => {
                    let cursor = read.end_cursor.ok_or_else(|| {
                        shape(format!(
                            "{connection}: pageInfo.hasNextPage is true but pageInfo.endCursor is null; expected the cursor of the last record (select endCursor)"
                        ))
                    })?;
                    let mut walk = walk.lock().unwrap_or_else(PoisonError::into_inner);
                    if !walk.seen.insert(cursor.clone()) {
                        return Err(shape(format!(
                            "{connection}: the server sent the cursor {cursor:?} a second time (page {number}); stopped, the walk would repeat pages forever"
                        )));
                    }
                    walk.after = Some(cursor);
                    number.checked_add(1)
                }
                _ => None,
            };
            Ok(Page {
                items: read.items,
                page_number: number,
                page_size: Some(u64::from(page_size)),
                total_items: read.total_count,
                total_pages: None,
                next_page,
            })
        })
    })))
}

fn parse_path(connection: &str) -> Result<Vec<String>> {
    let path: Vec<String> = connection
        .trim()
        .split('.')
        .map(|s| s.trim().to_owned())
        .collect();
    if path.iter().any(String::is_empty) {
        return Err(Error::invalid_input(format!(
            "connection: expected the path of the connection in data, like \"QueryItems\" or \"company.items\"; found {connection:?}"
        )));
    }
    Ok(path)
}

fn lookup<'a>(data: &'a Value, path: &[String], connection: &str) -> Result<&'a Value> {
    let mut here = data;
    for (depth, name) in path.iter().enumerate() {
        here = match here.get(name) {
            Some(Value::Null) => {
                return Err(shape(format!(
                    "{connection}: expected a connection object at {}; found null",
                    path[..=depth].join(".")
                )))
            }
            Some(next) => next,
            None => {
                let keys = here
                    .as_object()
                    .map(|m| m.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                return Err(Error::invalid_input(format!(
                    "connection: expected {:?} in the answer's data; found the fields [{keys}] (the connection path names response keys: aliases count, arguments do not)",
                    path[..=depth].join(".")
                )));
            }
        };
    }
    Ok(here)
}

/// What one page of a connection holds.
#[derive(Debug)]
struct Read {
    items: Vec<Value>,
    has_next: bool,
    end_cursor: Option<String>,
    total_count: Option<u64>,
}

fn read_connection(connection_value: &Value, connection: &str) -> Result<Read> {
    let Some(map) = connection_value.as_object() else {
        return Err(shape(format!(
            "{connection}: expected a connection object (nodes, edges, pageInfo); found {}",
            json_kind(connection_value)
        )));
    };
    let items = match (map.get("nodes"), map.get("edges")) {
        (Some(Value::Array(nodes)), _) => nodes.clone(),
        (_, Some(Value::Array(edges))) => edges
            .iter()
            .map(|edge| {
                edge.get("node").cloned().ok_or_else(|| {
                    Error::invalid_input(format!(
                        "query: expected node in every edge of {connection} (edges {{ node {{ … }} }}); found an edge without it"
                    ))
                })
            })
            .collect::<Result<_>>()?,
        (Some(Value::Null), _) | (_, Some(Value::Null)) => Vec::new(),
        _ => {
            return Err(Error::invalid_input(format!(
                "query: expected nodes {{ … }} or edges {{ node {{ … }} }} in the selection of {connection}; found neither"
            )))
        }
    };
    let Some(info) = map.get("pageInfo").and_then(Value::as_object) else {
        return Err(Error::invalid_input(format!(
            "query: expected pageInfo {{ hasNextPage endCursor }} in the selection of {connection}; found no pageInfo, so the walk cannot know whether another page follows"
        )));
    };
    let has_next = match info.get("hasNextPage") {
        Some(Value::Bool(b)) => *b,
        // The community schema dump types it as Int (§1.3); accept 0/1.
        Some(Value::Number(n)) => n.as_u64().is_some_and(|n| n != 0),
        _ => {
            return Err(Error::invalid_input(format!(
                "query: expected pageInfo {{ hasNextPage endCursor }} in the selection of {connection}; found no hasNextPage"
            )))
        }
    };
    let end_cursor = match info.get("endCursor") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Null) => None,
        Some(other) => Some(other.to_string()),
        None if has_next => {
            return Err(Error::invalid_input(format!(
                "query: expected pageInfo {{ hasNextPage endCursor }} in the selection of {connection}; found no endCursor"
            )))
        }
        None => None,
    };
    Ok(Read {
        items,
        has_next,
        end_cursor,
        total_count: map.get("totalCount").and_then(Value::as_u64),
    })
}

/// The server sent something a connection cannot be: `api` (status 200: it answered).
fn shape(message: String) -> Error {
    Error::Api {
        message,
        detail: ApiDetail {
            status: 200,
            ..ApiDetail::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nodes_edges_and_page_info() {
        let read = read_connection(
            &json!({"nodes": [1, 2], "pageInfo": {"hasNextPage": true, "endCursor": "c2"}, "totalCount": 9}),
            "QueryItems",
        )
        .unwrap();
        assert_eq!(
            (
                read.items.len(),
                read.has_next,
                read.end_cursor.as_deref(),
                read.total_count
            ),
            (2, true, Some("c2"), Some(9))
        );
        let read = read_connection(
            &json!({"edges": [{"cursor": "a", "node": {"id": 1}}], "pageInfo": {"hasNextPage": 0}}),
            "QueryItems",
        )
        .unwrap();
        assert_eq!(read.items, vec![json!({"id": 1})]);
        assert!(!read.has_next);
        let err = read_connection(&json!({"nodes": []}), "QueryItems").unwrap_err();
        assert!(err.to_string().contains("pageInfo"), "{err}");
        assert!(read_connection(&json!({"pageInfo": {}}), "Q").is_err());
        assert!(read_connection(&json!([1]), "Q").is_err());
        assert!(read_connection(
            &json!({"edges": [{"cursor": "a"}], "pageInfo": {"hasNextPage": false}}),
            "Q"
        )
        .is_err());
    }

    #[test]
    fn paths() {
        let data = json!({"a": {"b": {"nodes": []}}, "n": null});
        let path = parse_path("a.b").unwrap();
        assert!(lookup(&data, &path, "a.b").unwrap().is_object());
        let err = lookup(&data, &parse_path("a.c").unwrap(), "a.c").unwrap_err();
        assert!(err.to_string().contains("[b]"), "{err}");
        assert!(lookup(&data, &parse_path("n").unwrap(), "n").is_err());
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("").is_err());
    }
}
