//! HotChocolate-style connections (facts §1.3): `where` filters, `order` sorting, and
//! cursor windows (`first`/`after`, `last`/`before`) answered as
//! `{ pageInfo, edges { cursor node }, nodes, totalCount }`.
//!
//! Cursors are opaque (base64 of the resource and an offset into the filtered, sorted list),
//! like HotChocolate's offset cursors: valid for the same `where`/`order`.

use std::cmp::Ordering;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};

use super::error::error;
use crate::{catalogue::Row, pagination::compare};

/// The window a connection query asks for.
pub(crate) struct Window {
    pub(crate) first: Option<u64>,
    pub(crate) after: Option<String>,
    pub(crate) last: Option<u64>,
    pub(crate) before: Option<String>,
    /// Size when neither `first` nor `last` is given.
    pub(crate) default_size: u64,
}

fn cursor(resource: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{resource}:{offset}"))
}

fn offset(resource: &str, cursor: &str, name: &str) -> async_graphql::Result<usize> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.strip_prefix(&format!("{resource}:"))
                .and_then(|n| n.parse().ok())
        })
        .ok_or_else(|| {
            error(
                "INVALID_CURSOR",
                format!(
                    "{name}: {cursor:?} is not a cursor of this connection; pass a cursor \
                     from its pageInfo or edges"
                ),
            )
        })
}

/// The page of `rows` that `window` selects, as the connection's JSON.
pub(crate) fn page(
    resource: &str,
    rows: Vec<Row>,
    window: &Window,
    with_edges: bool,
) -> async_graphql::Result<Value> {
    let total = rows.len();
    let mut start = 0usize;
    let mut end = total;
    if let Some(after) = &window.after {
        start = offset(resource, after, "after")?
            .saturating_add(1)
            .min(total);
    }
    if let Some(before) = &window.before {
        end = offset(resource, before, "before")?.clamp(start, total);
    }
    let limit = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    if let Some(first) = window.first {
        end = end.min(start.saturating_add(limit(first)));
    }
    if let Some(last) = window.last {
        start = start.max(end.saturating_sub(limit(last)));
    }
    if window.first.is_none() && window.last.is_none() {
        end = end.min(start.saturating_add(limit(window.default_size)));
    }
    let nodes: Vec<Value> = rows
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(Value::Object)
        .collect();
    let edges: Vec<Value> = if with_edges {
        nodes
            .iter()
            .enumerate()
            .map(|(i, node)| json!({ "cursor": cursor(resource, start + i), "node": node }))
            .collect()
    } else {
        Vec::new()
    };
    let empty = nodes.is_empty();
    Ok(json!({
        "pageInfo": {
            "hasNextPage": end < total,
            "hasPreviousPage": start > 0,
            "startCursor": (!empty).then(|| cursor(resource, start)),
            "endCursor": (!empty).then(|| cursor(resource, end - 1)),
        },
        "edges": edges,
        "nodes": nodes,
        "totalCount": total,
    }))
}

fn equal(value: Option<&Value>, arg: &Value) -> bool {
    match (value, arg) {
        (Some(Value::Number(a)), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Some(Value::String(a)), Value::String(b)) => a == b,
        (None, Value::Null) => true,
        (Some(a), b) => a == b,
        (None, _) => false,
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::as_str).map(str::to_lowercase)
}

fn operation(value: Option<&Value>, op: &str, arg: &Value) -> bool {
    let value = value.filter(|v| !v.is_null());
    let list = || arg.as_array().cloned().unwrap_or_default();
    let needle = || arg.as_str().map(str::to_lowercase).unwrap_or_default();
    let ordered = |want: &[Ordering]| value.is_some() && want.contains(&compare(value, Some(arg)));
    match op {
        "eq" => equal(value, arg),
        "neq" => !equal(value, arg),
        "in" => list().iter().any(|a| equal(value, a)),
        "nin" => !list().iter().any(|a| equal(value, a)),
        // Case-insensitive, as a database collation would answer (JTL runs SQL Server).
        "contains" => text(value).is_some_and(|v| v.contains(&needle())),
        "ncontains" => !text(value).is_some_and(|v| v.contains(&needle())),
        "startsWith" => text(value).is_some_and(|v| v.starts_with(&needle())),
        "endsWith" => text(value).is_some_and(|v| v.ends_with(&needle())),
        "gt" => ordered(&[Ordering::Greater]),
        "gte" => ordered(&[Ordering::Greater, Ordering::Equal]),
        "lt" => ordered(&[Ordering::Less]),
        "lte" => ordered(&[Ordering::Less, Ordering::Equal]),
        _ => true,
    }
}

/// Whether `row` passes a `where` filter (`and`/`or` lists, field → operations).
pub(crate) fn matches(row: &Row, filter: &Value) -> bool {
    let Some(filter) = filter.as_object() else {
        return true;
    };
    filter.iter().all(|(key, condition)| match key.as_str() {
        "and" => condition
            .as_array()
            .is_none_or(|all| all.iter().all(|f| matches(row, f))),
        "or" => condition
            .as_array()
            .is_none_or(|any| any.is_empty() || any.iter().any(|f| matches(row, f))),
        field => condition.as_object().is_none_or(|ops| {
            ops.iter()
                .all(|(op, arg)| operation(row.get(field), op, arg))
        }),
    })
}

/// Sorts by an `order` list (`[{ field: ASC|DESC }]`), first entry first; stable.
pub(crate) fn sort(rows: &mut [Row], order: &Value) {
    let keys: Vec<(String, bool)> = order
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|o| o.iter())
        .map(|(field, dir)| (field.clone(), dir.as_str() == Some("DESC")))
        .collect();
    if keys.is_empty() {
        return;
    }
    rows.sort_by(|a, b| {
        keys.iter()
            .map(|(k, desc)| {
                let o = compare(a.get(k), b.get(k));
                if *desc {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
}
