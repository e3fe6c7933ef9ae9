//! JTL's paginated envelope, read in either casing: Cloud's camelCase
//! (`totalItems, pageNumber, pageSize, totalPages, hasNextPage, nextPageNumber, items`)
//! and OnPremise v1's PascalCase (`TotalItems`, ..., `Items`).

use serde_json::{Map, Value};

use crate::{Error, Result};

/// Page size used when none is given.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// One page of a paginated answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The records of this page.
    pub items: Vec<Value>,
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

/// Reads one envelope. `requested` is the page asked for (used when the answer omits it).
pub fn parse_page(body: Value, requested: u64) -> Result<Page> {
    let Value::Object(mut map) = body else {
        return Err(Error::Api {
            message:
                "expected a paginated envelope (a JSON object with items); found another JSON value"
                    .into(),
            detail: Default::default(),
        });
    };
    let items_key = map
        .keys()
        .find(|k| k.eq_ignore_ascii_case("items"))
        .cloned()
        .ok_or_else(|| Error::Api {
            message: "expected a paginated envelope with items/Items; found none".into(),
            detail: Default::default(),
        })?;
    let items = match map.remove(&items_key) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => Vec::new(),
        Some(_) => {
            return Err(Error::Api {
                message: format!("expected {items_key} to be an array"),
                detail: Default::default(),
            })
        }
    };
    let page_number = number(&map, "pageNumber").unwrap_or(requested);
    let total_pages = number(&map, "totalPages");
    let has_next = field(&map, "hasNextPage").and_then(Value::as_bool);
    let next_page = match (has_next, number(&map, "nextPageNumber"), total_pages) {
        _ if items.is_empty() => None,
        (Some(false), _, _) => None,
        (_, Some(next), _) if next > page_number => Some(next),
        (Some(true), _, _) => page_number.checked_add(1),
        (None, _, Some(total)) if page_number < total => page_number.checked_add(1),
        _ => None,
    };
    Ok(Page {
        items,
        page_number,
        page_size: number(&map, "pageSize"),
        total_items: number(&map, "totalItems"),
        total_pages,
        next_page,
    })
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
}
