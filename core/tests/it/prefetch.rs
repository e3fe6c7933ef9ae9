//! `Paginator::prefetching` (issue 19): the next page is requested while the current one is
//! read, never beyond the last page, and a failed request surfaces where the walk reaches it.

use std::time::Duration;

use jtl_connect::ApiClient;
use jtl_emulator::{Emulator, Fault, Service};

use crate::support::{cloud, emulator};

/// Waits until the emulator has answered `n` ERP API requests (the prefetch runs on its own
/// task), failing after 10 s.
async fn api_requests_reach(emu: &Emulator, n: u64) {
    for _ in 0..1000 {
        if emu.stats().get(Service::Api) >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "expected {n} API requests; the emulator saw {}",
        emu.stats().get(Service::Api)
    );
}

#[tokio::test]
async fn prefetch_asks_for_the_next_page_at_once_and_never_beyond_the_last() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    // 60 seeded items in pages of 25: three pages.
    let mut pages = client.paginate("items", vec![], Some(25)).prefetching();
    let first = pages.next_page().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 25);
    // Page 2 is requested without anyone asking for it yet.
    api_requests_reach(&emu, 2).await;
    let mut ids: Vec<String> = first
        .items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    while let Some(item) = pages.next_item().await.unwrap() {
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 60);
    assert_eq!(
        ids.iter().collect::<std::collections::BTreeSet<_>>().len(),
        60,
        "every record once, in pages fetched once"
    );
    assert_eq!(pages.pages_fetched(), 3);
    // The last page names no next one: nothing more is requested, even after a while.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(emu.stats().get(Service::Api), 3, "one request per page");
    assert!(pages.next_page().await.unwrap().is_none());
    assert_eq!(emu.stats().get(Service::Api), 3);
}

#[tokio::test]
async fn a_failed_prefetch_surfaces_after_the_records_before_it() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    let mut pages = client.paginate("items", vec![], Some(25)).prefetching();
    assert_eq!(pages.next_page().await.unwrap().unwrap().items.len(), 25);
    // Page 2 is answered (prefetched); the request of page 3, started when page 2 is
    // handed out, meets a 404 (not retried).
    api_requests_reach(&emu, 2).await;
    emu.inject_fault(Fault::status(Service::Api, 404)).unwrap();
    let mut read = 0;
    let err = loop {
        match pages.next_item().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("expected page 3 to fail; the walk ended after {read} records"),
            Err(err) => break err,
        }
    };
    assert_eq!(
        read, 25,
        "every record of page 2 comes before page 3's error"
    );
    assert_eq!(err.code(), "not_found");
    assert_eq!(emu.stats().get(Service::Api), 3);
}

#[tokio::test]
async fn without_prefetch_a_page_is_requested_only_when_needed() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    let mut pages = client.paginate("items", vec![], Some(25));
    assert!(pages.next_page().await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(emu.stats().get(Service::Api), 1);
}
