//! JTL's paginated envelope, read in either casing: Cloud's camelCase
//! (`totalItems, pageNumber, pageSize, totalPages, hasNextPage, nextPageNumber, items`)
//! and OnPremise v1's PascalCase (`TotalItems`, ..., `Items`).

use std::{fmt, marker::PhantomData};

use serde::{
    de::{IgnoredAny, MapAccess, Visitor},
    Deserialize, Deserializer,
};
use serde_json::{value::RawValue, Map, Value};

use crate::{Error, Result};

/// Page size used when none is given.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// One page of a paginated answer. `T` holds its records: parsed values by default, or
/// [`ItemsJson`], the records as the JSON text the server sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T = Vec<Value>> {
    /// The records of this page.
    pub items: T,
    /// 1-based number of this page.
    pub page_number: u64,
    /// Records per page.
    pub page_size: Option<u64>,
    /// Records in all pages, if the server said.
    pub total_items: Option<u64>,
    /// Number of pages, if the server said.
    pub total_pages: Option<u64>,
    /// The next page's number, or `None` on the last page.
    pub next_page: Option<u64>,
}

/// The records of a page as one JSON array, exactly as the server sent it (never parsed
/// into values): for bindings that hand it to their language's own parser (`JSON.parse`
/// builds a page's objects several times faster than converting serde values; issue 19).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemsJson {
    /// `[record, record, ...]` (`[]` for a page without records).
    pub json: String,
    /// How many records the array holds.
    pub len: usize,
}

impl From<Page> for Page<ItemsJson> {
    /// The records serialized to JSON (for pages that were parsed, such as GraphQL's).
    fn from(page: Page) -> Self {
        let json = serde_json::to_string(&page.items).unwrap_or_else(|_| "[]".to_owned());
        page.map(ItemsJson {
            json,
            len: page.items.len(),
        })
    }
}

impl<T> Page<T> {
    /// The same page with `items` as its records.
    fn map<U>(&self, items: U) -> Page<U> {
        Page {
            items,
            page_number: self.page_number,
            page_size: self.page_size,
            total_items: self.total_items,
            total_pages: self.total_pages,
            next_page: self.next_page,
        }
    }
}

fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn number(map: &Map<String, Value>, name: &str) -> Option<u64> {
    field(map, name).and_then(Value::as_u64)
}

fn not_an_envelope() -> Error {
    Error::Api {
        message:
            "expected a paginated envelope (a JSON object with items); found another JSON value"
                .into(),
        detail: Default::default(),
    }
}

fn no_items() -> Error {
    Error::Api {
        message: "expected a paginated envelope with items/Items; found none".into(),
        detail: Default::default(),
    }
}

fn items_not_an_array(key: &str) -> Error {
    Error::Api {
        message: format!("expected {key} to be an array"),
        detail: Default::default(),
    }
}

/// Reads one envelope. `requested` is the page asked for (used when the answer omits it).
pub fn parse_page(body: Value, requested: u64) -> Result<Page> {
    let Value::Object(mut map) = body else {
        return Err(not_an_envelope());
    };
    let items_key = map
        .keys()
        .find(|k| k.eq_ignore_ascii_case("items"))
        .cloned()
        .ok_or_else(no_items)?;
    let items = match map.remove(&items_key) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(_) => return Err(items_not_an_array(&items_key)),
    };
    let len = items.len();
    Ok(envelope(&map, items, len, requested))
}

/// Reads one envelope from the body's bytes, its records left as the JSON text they came
/// in (see [`ItemsJson`]): the same answers and errors as [`parse_page`], the records only
/// scanned, not parsed into values.
pub fn parse_page_json(body: &[u8], requested: u64) -> Result<Page<ItemsJson>> {
    let fields: Fields<'_> = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            not_an_envelope()
        } else {
            Error::Api {
                message: format!("expected a paginated envelope in JSON; found invalid JSON ({e})"),
                detail: Default::default(),
            }
        }
    })?;
    let (key, items) = fields.items.ok_or_else(no_items)?;
    let text = items.get().trim();
    let json = if text == "null" { "[]" } else { text };
    // Counted without building the records (an array of anything is accepted, as above).
    let len = match serde_json::from_str::<Vec<IgnoredAny>>(json) {
        Ok(all) => all.len(),
        Err(_) => return Err(items_not_an_array(&key)),
    };
    let items = ItemsJson {
        json: json.to_owned(),
        len,
    };
    Ok(envelope(&fields.rest, items, len, requested))
}

/// An envelope's fields, its records kept as raw JSON: `(key, records)` under the first key
/// that is `items` in any letter case.
struct Fields<'a> {
    items: Option<(String, &'a RawValue)>,
    rest: Map<String, Value>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Fields<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visit<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Visit<'a> {
            type Value = Fields<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a paginated envelope (a JSON object with items)")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut map: M,
            ) -> std::result::Result<Fields<'a>, M::Error> {
                let mut fields = Fields {
                    items: None,
                    rest: Map::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if fields.items.is_none() && key.eq_ignore_ascii_case("items") {
                        let raw: &'a RawValue = map.next_value()?;
                        fields.items = Some((key, raw));
                    } else {
                        let value: Value = map.next_value()?;
                        fields.rest.insert(key, value);
                    }
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(Visit(PhantomData))
    }
}

/// The page of `items` (`len` records) that the envelope fields `map` describe.
fn envelope<T>(map: &Map<String, Value>, items: T, len: usize, requested: u64) -> Page<T> {
    let page_number = number(map, "pageNumber").unwrap_or(requested);
    let total_pages = number(map, "totalPages");
    let has_next = field(map, "hasNextPage").and_then(Value::as_bool);
    let next_page = match (has_next, number(map, "nextPageNumber"), total_pages) {
        _ if len == 0 => None,
        (Some(false), _, _) => None,
        (_, Some(next), _) if next > page_number => Some(next),
        (Some(true), _, _) => page_number.checked_add(1),
        (None, _, Some(total)) if page_number < total => page_number.checked_add(1),
        _ => None,
    };
    Page {
        items,
        page_number,
        page_size: number(map, "pageSize"),
        total_items: number(map, "totalItems"),
        total_pages,
        next_page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_casings() {
        let camel = json!({"totalItems": 45, "pageNumber": 2, "pageSize": 20, "totalPages": 3,
            "hasPreviousPage": true, "hasNextPage": true, "nextPageNumber": 3, "previousPageNumber": 1,
            "items": [{"id": 21}]});
        let page = parse_page(camel, 2).unwrap();
        assert_eq!(
            (page.page_number, page.next_page, page.total_items),
            (2, Some(3), Some(45))
        );
        let pascal = json!({"TotalItems": 45, "PageNumber": 3, "PageSize": 20, "TotalPages": 3,
            "HasNextPage": false, "NextPageNumber": null, "Items": [{"Id": 41}]});
        let page = parse_page(pascal, 3).unwrap();
        assert_eq!(
            (page.page_number, page.next_page, page.items.len()),
            (3, None, 1)
        );
    }

    #[test]
    fn stops_on_empty_pages_and_bad_shapes() {
        let page = parse_page(json!({"hasNextPage": true, "items": []}), 4).unwrap();
        assert_eq!(
            page.next_page, None,
            "an empty page ends the walk even if hasNextPage lies"
        );
        let page = parse_page(json!({"totalPages": 5, "items": [1]}), 2).unwrap();
        assert_eq!(page.next_page, Some(3));
        assert!(parse_page(json!([1, 2]), 1).is_err());
        assert!(parse_page(json!({"data": []}), 1).is_err());
        assert!(parse_page(json!({"items": 5}), 1).is_err());
    }

    /// `parse_page_json` reads every envelope as `parse_page` does, its records as the text
    /// they came in.
    #[test]
    fn json_pages_read_like_parsed_pages() {
        let bodies = [
            r#"{"totalItems": 45, "pageNumber": 2, "pageSize": 20, "totalPages": 3, "hasNextPage": true, "nextPageNumber": 3, "items": [{"id": 21, "name": "Stuhl \"A\""}, 2]}"#,
            r#"{"TotalItems": 45, "PageNumber": 3, "HasNextPage": false, "Items": [ {"Id": 41} ] }"#,
            r#"{"hasNextPage": true, "items": []}"#,
            r#"{"hasNextPage": true, "items": null}"#,
            r#"{"totalPages": 5, "items": [1]}"#,
        ];
        for body in bodies {
            let parsed = parse_page(serde_json::from_str(body).unwrap(), 2).unwrap();
            let raw = parse_page_json(body.as_bytes(), 2).unwrap();
            let items: Vec<Value> = serde_json::from_str(&raw.items.json).unwrap();
            assert_eq!(items, parsed.items, "{body}");
            assert_eq!(raw.items.len, parsed.items.len(), "{body}");
            assert_eq!(raw.map(()), parsed.map(()), "{body}");
        }
        assert_eq!(
            parse_page_json(br#"{"Items": [ {"Id": 41} ] }"#, 1)
                .unwrap()
                .items
                .json,
            r#"[ {"Id": 41} ]"#
        );
        for bad in [
            &b"[1, 2]"[..],
            br#"{"data": []}"#,
            br#"{"items": 5}"#,
            b"{not json",
            b"5",
        ] {
            let error = parse_page_json(bad, 1).unwrap_err();
            assert_eq!(error.code(), "api", "{}", String::from_utf8_lossy(bad));
        }
        let parsed: Page<ItemsJson> = parse_page(json!({"items": [{"a": 1}]}), 1).unwrap().into();
        assert_eq!(
            (parsed.items.json.as_str(), parsed.items.len),
            (r#"[{"a":1}]"#, 1)
        );
    }
}
