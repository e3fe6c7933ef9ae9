//! Bugs in core found by these suites and the fuzz targets, kept as regression tests now that
//! core is fixed (see `docs/reliability.md`).

use jtl_connect::pagination::parse_page;
use serde_json::json;

/// A server (or a proxy) that says page `u64::MAX` has a next page makes `parse_page`
/// compute `page_number + 1`: a panic in debug builds, and `Some(0)` in release builds,
/// which breaks `Page::next_page > page_number`. Fix: `page_number.checked_add(1)` in
/// `core/src/pagination.rs`.
#[test]
fn parse_page_survives_the_last_possible_page_number() {
    for body in [
        json!({"pageNumber": u64::MAX, "hasNextPage": true, "items": [1]}),
        json!({"PageNumber": u64::MAX, "HasNextPage": true, "Items": [1]}),
    ] {
        let page = parse_page(body, 1).expect("a valid envelope");
        assert!(
            page.next_page.is_none_or(|next| next > page.page_number),
            "next page {:?} after {}",
            page.next_page,
            page.page_number
        );
    }
    // The requested page number is used when the envelope has none.
    let page = parse_page(json!({"hasNextPage": true, "items": [1]}), u64::MAX).unwrap();
    assert_eq!(page.next_page, None);
}
