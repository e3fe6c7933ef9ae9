//! `pagination::parse_page`: any JSON and any requested page number. A page that announces a
//! next page must have records and a next number above its own, or a walk could repeat
//! pages forever.
#![no_main]

use jtl_connect::pagination::parse_page;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((head, json)) = data.split_first_chunk::<8>() else {
        return;
    };
    let requested = u64::from_le_bytes(*head);
    let Ok(body) = serde_json::from_slice::<Value>(json) else {
        return;
    };
    if let Ok(page) = parse_page(body, requested) {
        if let Some(next) = page.next_page {
            assert!(
                next > page.page_number,
                "next page {next} <= {}",
                page.page_number
            );
            assert!(!page.items.is_empty(), "a next page after an empty one");
        }
    }
});
