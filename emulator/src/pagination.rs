//! JTL's paginated envelope: `?pageNumber=1&pageSize=20` (1-based) answered with
//! `totalItems, pageNumber, pageSize, totalPages, hasPreviousPage, hasNextPage,
//! nextPageNumber, previousPageNumber, items` in camelCase (Cloud) or PascalCase (Wawi v1).

use serde::{ser::SerializeMap, Serialize, Serializer};
use serde_json::{Map, Value};

/// Page size when the request names none.
pub(crate) const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page size accepted.
pub(crate) const MAX_PAGE_SIZE: u64 = 100;

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

/// The envelope of one page of `total` items around `items` (anything serializable: a page
/// of borrowed rows is written without copying them).
pub(crate) struct Envelope<I> {
    pub(crate) items: I,
    pub(crate) total: u64,
    pub(crate) page: PageRequest,
}

impl<I: Serialize> Serialize for Envelope<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (number, total) = (self.page.number, self.total);
        let total_pages = total.div_ceil(self.page.size);
        let has_next = number < total_pages;
        let has_previous = number > 1;
        let mut map = serializer.serialize_map(Some(9))?;
        map.serialize_entry("totalItems", &total)?;
        map.serialize_entry("pageNumber", &number)?;
        map.serialize_entry("pageSize", &self.page.size)?;
        map.serialize_entry("totalPages", &total_pages)?;
        map.serialize_entry("hasPreviousPage", &has_previous)?;
        map.serialize_entry("hasNextPage", &has_next)?;
        map.serialize_entry("nextPageNumber", &has_next.then(|| number + 1))?;
        map.serialize_entry("previousPageNumber", &has_previous.then(|| number - 1))?;
        map.serialize_entry("items", &self.items)?;
        map.end()
    }
}

/// The envelope for one page of `total` items as a value in Wawi v1's PascalCase.
pub(crate) fn pascal_envelope(items: Vec<Value>, total: u64, page: PageRequest) -> Value {
    let body = serde_json::to_value(Envelope {
        items: (),
        total,
        page,
    });
    let mut body = match body {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    // Moved in, not serialized into a copy.
    body.insert("items".to_owned(), Value::Array(items));
    pascal_case(Value::Object(body))
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

/// Page size of Cloud REST v2 lists when the request names none (facts §2: 100).
pub(crate) const CLOUD_DEFAULT_PAGE_SIZE: u64 = 100;
/// Largest Cloud REST v2 page size accepted (JTL states none; facts §2 "max pageSize").
pub(crate) const CLOUD_MAX_PAGE_SIZE: u64 = 1000;

/// A Cloud REST v2 list request: page, then `sortBy` (comma list, OrderBy then ThenBy) and
/// `sortDescending` (facts §2 "list params").
#[derive(Clone, Debug)]
pub(crate) struct CloudListRequest {
    pub(crate) page: PageRequest,
    pub(crate) sort_by: Vec<String>,
    pub(crate) sort_descending: bool,
}

/// Reads `pageNumber` (from 1, default 1), `pageSize` (default 100), `sortBy` and
/// `sortDescending` (any letter case). The error maps each bad parameter to what was expected.
pub(crate) fn parse_cloud(query: Option<&str>) -> Result<CloudListRequest, Map<String, Value>> {
    let mut request = CloudListRequest {
        page: PageRequest {
            number: 1,
            size: CLOUD_DEFAULT_PAGE_SIZE,
        },
        sort_by: Vec::new(),
        sort_descending: false,
    };
    let mut errors = Map::new();
    for (name, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let bad = |range: &str| Value::String(format!("expected {range}; found {value:?}"));
        if name.eq_ignore_ascii_case("pageNumber") {
            match value.parse::<u64>() {
                Ok(n) if n >= 1 => request.page.number = n,
                _ => {
                    errors.insert("pageNumber".into(), bad("an integer of at least 1"));
                }
            }
        } else if name.eq_ignore_ascii_case("pageSize") {
            match value.parse::<u64>() {
                Ok(n) if (1..=CLOUD_MAX_PAGE_SIZE).contains(&n) => request.page.size = n,
                _ => {
                    let range = format!("an integer from 1 to {CLOUD_MAX_PAGE_SIZE}");
                    errors.insert("pageSize".into(), bad(&range));
                }
            }
        } else if name.eq_ignore_ascii_case("sortBy") {
            request.sort_by = value
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect();
        } else if name.eq_ignore_ascii_case("sortDescending") {
            match value.to_ascii_lowercase().as_str() {
                "true" => request.sort_descending = true,
                "false" => request.sort_descending = false,
                _ => {
                    errors.insert("sortDescending".into(), bad("true or false"));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// Orders two field values the way list sorting does: absent/null first, then numbers by
/// value, strings by text (ISO dates sort by time), booleans false before true.
pub(crate) fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
    }
}
