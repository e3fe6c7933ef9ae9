//! JTL's paginated envelope: `?pageNumber=1&pageSize=20` (1-based) answered with
//! `totalItems, pageNumber, pageSize, totalPages, hasPreviousPage, hasNextPage,
//! nextPageNumber, previousPageNumber, items` in camelCase (Cloud) or PascalCase (Wawi v1).

use serde_json::{json, Map, Value};

/// Page size when the request names none.
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page size accepted.
pub(crate) const MAX_PAGE_SIZE: u64 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Casing {
    Camel,
    Pascal,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PageRequest {
    pub(crate) number: u64,
    pub(crate) size: u64,
}

/// Reads `pageNumber` and `pageSize` (any letter case) from a raw query string.
/// The error maps each bad parameter to what was expected.
pub(crate) fn parse(query: Option<&str>) -> Result<PageRequest, Map<String, Value>> {
    let mut request = PageRequest {
        number: 1,
        size: DEFAULT_PAGE_SIZE,
    };
    let mut errors = Map::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let (field, slot, max) = if name.eq_ignore_ascii_case("pageNumber") {
            ("pageNumber", &mut request.number, u64::MAX)
        } else if name.eq_ignore_ascii_case("pageSize") {
            ("pageSize", &mut request.size, MAX_PAGE_SIZE)
        } else {
            continue;
        };
        match value.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => *slot = n,
            _ => {
                let range = if max == u64::MAX {
                    "an integer of at least 1".to_owned()
                } else {
                    format!("an integer from 1 to {max}")
                };
                errors.insert(
                    field.to_owned(),
                    Value::String(format!("expected {range}; found {value:?}")),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// Builds the envelope for one page of `total` items.
pub(crate) fn envelope(items: Vec<Value>, total: u64, page: PageRequest, casing: Casing) -> Value {
    let total_pages = total.div_ceil(page.size);
    let has_next = page.number < total_pages;
    let has_previous = page.number > 1;
    let body = json!({
        "totalItems": total,
        "pageNumber": page.number,
        "pageSize": page.size,
        "totalPages": total_pages,
        "hasPreviousPage": has_previous,
        "hasNextPage": has_next,
        "nextPageNumber": if has_next { json!(page.number + 1) } else { Value::Null },
        "previousPageNumber": if has_previous { json!(page.number - 1) } else { Value::Null },
        "items": items,
    });
    match casing {
        Casing::Camel => body,
        Casing::Pascal => pascal_case(body),
    }
}

/// Turns every object key's first letter upper-case, recursively (Wawi v1 style).
pub(crate) fn pascal_case(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (upper_first(&k), pascal_case(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(pascal_case).collect()),
        other => other,
    }
}

fn upper_first(key: &str) -> String {
    let mut chars = key.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
