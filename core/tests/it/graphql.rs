//! GraphQL on the Cloud ERP API (facts §1) against the emulator's `/erp/v2/graphql`.

use std::collections::BTreeSet;

use jtl_connect::{GraphqlRequest, IdempotencyKey};
use jtl_emulator::{Fault, FaultKind, Service};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::support::*;

const TOTAL: &str = "{ QueryItems(first: 1) { totalCount } }";

const ALL_ITEMS: &str = "query Items($first: Int, $after: String) {
  QueryItems(first: $first, after: $after) {
    nodes { id sku name }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}";

// A single named operation sent without operationName: the server must still see a
// mutation and honour its Idempotency-Key (GraphQL spec, GetOperation).
const CREATE: &str = "mutation Create($request: CreateItemCommandRequestInput!) {
  CreateItem(request: $request) { itemId }
}";

const CREATE_NAMED: &str = "query Total { QueryItems(first: 1) { totalCount } }
mutation Create($request: CreateItemCommandRequestInput!) {
  CreateItem(request: $request) { itemId }
}";

async fn total(client: &jtl_connect::CloudClient) -> u64 {
    client.graphql(TOTAL, None, None).await.unwrap()["QueryItems"]["totalCount"]
        .as_u64()
        .unwrap()
}

/// API calls the emulator has counted so far.
fn api_calls(emu: &jtl_emulator::Emulator) -> u64 {
    emu.stats().get(Service::Api)
}

fn create_variables(sku: &str) -> Value {
    json!({"request": {"sku": sku, "name": format!("GraphQL item {sku}")}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_cold_graphql_calls_share_one_token_request() {
    let emu = emulator().await;
    let client = cloud_under_load(&emu);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.graphql(TOTAL, None, None).await })
        })
        .collect();
    let mut totals = BTreeSet::new();
    for task in tasks {
        totals.insert(task.await.unwrap().unwrap()["QueryItems"]["totalCount"].as_u64());
    }
    assert_eq!(totals.len(), 1, "every caller read the same catalogue");
    assert!(totals.iter().all(|t| t.is_some_and(|n| n > 0)));
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "exactly one token request"
    );
}

#[tokio::test]
async fn typed_data_and_the_whole_answer() {
    #[derive(Deserialize)]
    #[allow(non_snake_case)]
    struct Data {
        QueryItems: Items,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Items {
        total_count: u64,
        nodes: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        sku: String,
    }
    let emu = emulator().await;
    let client = cloud(&emu);
    let data: Data = client
        .graphql_as(
            "query($n: Int) { QueryItems(first: $n) { totalCount nodes { sku } } }",
            Some(json!({"n": 3})),
            None,
        )
        .await
        .unwrap();
    assert_eq!(data.QueryItems.nodes.len(), 3);
    assert!(data.QueryItems.total_count >= 3);
    assert!(data.QueryItems.nodes.iter().all(|i| !i.sku.is_empty()));
    // A shape that does not fit is a clear error, not a panic.
    let err = client
        .graphql_as::<Vec<u8>>(TOTAL, None, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "api");
    assert!(err.to_string().contains("expected shape"), "{err}");
    // A query carries no idempotency key.
    let response = client
        .graphql_request(GraphqlRequest::new(TOTAL))
        .await
        .unwrap();
    assert_eq!(response.idempotency_key, None);
    assert_eq!(response.kind, jtl_connect::graphql::OperationKind::Query);
}

#[tokio::test]
async fn one_401_means_one_refresh_and_success() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    emu.inject_fault(Fault::status(Service::Api, 401)).unwrap();
    assert!(total(&client).await > 0);
    let stats = emu.stats();
    assert_eq!(stats.get(Service::Token), 2, "one refresh");
    assert_eq!(stats.get(Service::Api), 2, "one retry");
}

#[tokio::test]
async fn a_query_is_retried_through_503s() {
    let emu = emulator().await;
    let client = cloud(&emu);
    emu.inject_fault(Fault::status(Service::Api, 503).times(2))
        .unwrap();
    assert!(total(&client).await > 0);
    assert_eq!(
        emu.stats().get(Service::Api),
        3,
        "two 503s, then the answer"
    );
}

#[tokio::test]
async fn a_mutation_is_retried_only_with_its_idempotency_key_and_never_creates_twice() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let before = total(&client).await;

    // The server creates the item, then the answer breaks off: only the key makes a retry safe.
    let calls = api_calls(&emu);
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::Truncated))
        .unwrap();
    let response = client
        .graphql_request(GraphqlRequest::new(CREATE).variables(create_variables("GQL-KEYED")))
        .await
        .unwrap();
    let key = response.idempotency_key.clone().expect("a key was sent");
    assert_eq!(key.len(), 36, "a UUID: {key}");
    assert!(
        response.was_replayed(),
        "the retry was answered from the first run"
    );
    let id = response.data["CreateItem"]["itemId"].clone();
    assert!(!id.is_null(), "{:?}", response.data);
    assert_eq!(api_calls(&emu) - calls, 2, "one retry");
    assert_eq!(total(&client).await, before + 1, "created once, not twice");

    // Without a key the same fault is final: the client cannot know whether it ran.
    let calls = api_calls(&emu);
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::Truncated))
        .unwrap();
    let err = client
        .graphql_request(
            GraphqlRequest::new(CREATE)
                .variables(create_variables("GQL-UNKEYED"))
                .idempotency_key(IdempotencyKey::Off),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "network", "{err}");
    assert_eq!(api_calls(&emu) - calls, 1, "not retried");
    assert_eq!(total(&client).await, before + 2, "it had run once");

    // A 503 on an unkeyed mutation is not retried either; on a keyed one it is.
    let calls = api_calls(&emu);
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let err = client
        .graphql_request(
            GraphqlRequest::new(CREATE)
                .variables(create_variables("GQL-503"))
                .idempotency_key(IdempotencyKey::Off),
        )
        .await
        .unwrap_err();
    assert_eq!((err.code(), err.status()), ("api", Some(503)));
    assert_eq!(api_calls(&emu) - calls, 1);
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    client
        .graphql(
            CREATE_NAMED,
            Some(create_variables("GQL-503")),
            Some("Create"),
        )
        .await
        .unwrap();
    assert_eq!(total(&client).await, before + 3);

    // The caller's own key: the second call is a replay and creates nothing.
    let keyed = || {
        GraphqlRequest::new(CREATE)
            .variables(create_variables("GQL-OWN"))
            .idempotency_key(IdempotencyKey::Key("order-4711-item".into()))
    };
    let first = client.graphql_request(keyed()).await.unwrap();
    let second = client.graphql_request(keyed()).await.unwrap();
    assert!(!first.was_replayed() && second.was_replayed());
    assert_eq!(first.data, second.data);
    assert_eq!(total(&client).await, before + 4);
}

#[tokio::test]
async fn a_mutation_then_get_item_by_id() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let created = client
        .graphql(
            CREATE_NAMED,
            Some(create_variables("GQL-NEW-1")),
            Some("Create"),
        )
        .await
        .unwrap();
    let id = created["CreateItem"]["itemId"].clone();
    let item = client
        .graphql(
            "query($id: ID!) { GetItemById(id: $id) { id identifiers { sku } } }",
            Some(json!({ "id": id })),
            None,
        )
        .await
        .unwrap();
    assert_eq!(item["GetItemById"]["id"], id);
    assert_eq!(item["GetItemById"]["identifiers"]["sku"], "GQL-NEW-1");
}

#[tokio::test]
async fn errors_come_with_partial_data() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let err = client
        .graphql(
            "{ QueryItems(first: 2) { totalCount } missing: GetItemById(id: \"00000000-0000-4000-8000-00000000dead\") { id } }",
            None,
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "graphql", "{err}");
    let errors = err.graphql_errors();
    assert!(!errors.is_empty());
    assert!(!errors[0].message.is_empty());
    assert_eq!(
        errors[0].path.first(),
        Some(&json!("missing")),
        "{errors:?}"
    );
    let data = err.graphql_data().expect("partial data");
    assert!(data["QueryItems"]["totalCount"].as_u64().unwrap() > 0);
    assert!(data["missing"].is_null());
    assert!(err.to_string().contains("partial data"), "{err}");

    // A validation error: no data at all, a location in the document.
    let err = client
        .graphql("{ QueryItems { noSuchField } }", None, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "graphql");
    assert!(err.graphql_data().is_none());
    assert!(!err.graphql_errors()[0].locations.is_empty(), "{err:?}");
}

#[tokio::test]
async fn bad_input_is_refused_before_sending() {
    let emu = emulator().await;
    let client = cloud(&emu);
    for (query, variables, name, expected) in [
        ("{ a", None, None, "not closed"),
        (TOTAL, Some(json!([1])), None, "JSON object"),
        (ALL_ITEMS, None, Some("Other"), "Items"),
        ("subscription { a }", None, None, "subscriptions"),
    ] {
        let err = client.graphql(query, variables, name).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{query}");
        assert!(err.to_string().contains(expected), "{err}");
    }
    let err = client
        .paginate_graphql("{ QueryItems { nodes { id } } }", None, "QueryItems", None)
        .unwrap_err();
    assert!(err.to_string().contains("$first"), "{err}");
    assert_eq!(emu.stats().get(Service::Api), 0, "nothing was sent");
}

// Multi-threaded: the blocking iterator below waits on a plain thread while the emulator serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paginate_graphql_walks_every_item_lazily() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let expected = total(&client).await;
    let calls = api_calls(&emu);
    let mut walk = client
        .paginate_graphql(ALL_ITEMS, None, "QueryItems", Some(7))
        .unwrap();
    assert_eq!(api_calls(&emu), calls, "lazy: nothing fetched yet");
    let first = walk.next_item().await.unwrap().unwrap();
    assert_eq!(api_calls(&emu) - calls, 1, "one page for the first record");
    assert_eq!(walk.total_items(), Some(expected));
    let mut ids = BTreeSet::from([first["id"].to_string()]);
    while let Some(item) = walk.next_item().await.unwrap() {
        assert!(ids.insert(item["id"].to_string()), "no record twice");
    }
    assert_eq!(ids.len() as u64, expected, "count = totalCount");
    assert_eq!(walk.pages_fetched(), expected.div_ceil(7));

    // edges { node } works the same, with the caller's own variables kept.
    let edges = "query($first: Int, $after: String, $order: [ItemListItemSortInput!]) {
      QueryItems(first: $first, after: $after, order: $order) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }";
    let all = client
        .paginate_graphql(
            edges,
            Some(json!({"order": [{"sku": "DESC"}]})),
            "QueryItems",
            Some(25),
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len() as u64, expected);

    // The blocking iterator, on a plain thread.
    let blocking = jtl_connect::blocking::CloudClient::new(client.clone());
    let count = std::thread::spawn(move || {
        blocking
            .paginate_graphql(ALL_ITEMS, None, "QueryItems", None)
            .unwrap()
            .inspect(|item| assert!(item.is_ok(), "{item:?}"))
            .count()
    })
    .join()
    .unwrap();
    assert_eq!(count as u64, expected);
}

#[tokio::test]
async fn a_repeated_cursor_or_missing_page_info_stops_with_a_clear_error() {
    let emu = emulator().await;
    let client = cloud(&emu);
    // `after` goes to another field, so the connection answers its first page every time.
    let stuck = "query($first: Int, $after: String) {
      QueryItems(first: $first) { nodes { id } pageInfo { hasNextPage endCursor } }
      probe: QueryItems(first: 1, after: $after) { totalCount } }";
    let mut walk = client
        .paginate_graphql(stuck, None, "QueryItems", Some(5))
        .unwrap();
    let mut seen = 0;
    let err = loop {
        match walk.next_item().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("the walk ended without noticing the repeat"),
            Err(err) => break err,
        }
    };
    assert_eq!(seen, 5, "one page, then the repeat");
    assert_eq!(err.code(), "api");
    assert!(err.to_string().contains("a second time"), "{err}");

    let no_info = "query($first: Int, $after: String) {
      QueryItems(first: $first, after: $after) { nodes { id } } }";
    let err = client
        .paginate_graphql(no_info, None, "QueryItems", Some(5))
        .unwrap()
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("pageInfo"), "{err}");

    let err = client
        .paginate_graphql(ALL_ITEMS, None, "Items.nope", Some(5))
        .unwrap()
        .collect_all()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("QueryItems"), "{err}");
}
