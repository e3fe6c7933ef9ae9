//! `POST /erp/v2/graphql` over real HTTP (facts §1; issue 13 part 1).

use crate::support::*;
use jtl_emulator::{Fault, Service};
use reqwest::header;
use serde_json::{json, Value};

/// Posts a GraphQL request with Bearer + tenant + bare `application/json`.
async fn gql(emu: &jtl_emulator::Emulator, token: &str, query: &str, variables: Value) -> Value {
    let (status, body) = gql_with(emu, token, query, variables, &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn gql_with(
    emu: &jtl_emulator::Emulator,
    token: &str,
    query: &str,
    variables: Value,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = http()
        .post(format!("{}/graphql", emu.api_base()))
        .bearer_auth(token)
        .header("X-Tenant-ID", TENANT)
        .json(&json!({ "query": query, "variables": variables }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    status_json(request.send().await.unwrap()).await
}

fn no_errors(body: &Value) {
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn query_items_connection_has_the_hotchocolate_shape() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let body = gql(
        &emu,
        &token,
        "{ QueryItems(first: 3) { totalCount nodes { id sku name salesPriceNet isActive }
           edges { cursor node { id } }
           pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }",
        json!({}),
    )
    .await;
    no_errors(&body);
    let c = &body["data"]["QueryItems"];
    assert_eq!(c["totalCount"], 60);
    assert_eq!(c["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(c["nodes"][0]["sku"], "EMU-0001");
    assert_eq!(c["edges"][0]["node"]["id"], c["nodes"][0]["id"]);
    assert_eq!(c["pageInfo"]["hasNextPage"], true);
    assert_eq!(c["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(c["pageInfo"]["startCursor"], c["edges"][0]["cursor"]);
    assert_eq!(c["pageInfo"]["endCursor"], c["edges"][2]["cursor"]);
    // The same items REST serves (one catalogue).
    let first = nth_id(&emu, &token, "items", 0).await;
    assert_eq!(c["nodes"][0]["id"], first.as_str());
}

async fn walk(emu: &jtl_emulator::Emulator, token: &str, forward: bool) -> Vec<String> {
    let query = if forward {
        "query($after: String) { QueryItems(first: 25, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } } }"
    } else {
        "query($before: String) { QueryItems(last: 25, before: $before) { nodes { sku } pageInfo { hasPreviousPage startCursor } } }"
    };
    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    for _ in 0..10 {
        let vars = if forward {
            json!({ "after": cursor })
        } else {
            json!({ "before": cursor })
        };
        let body = gql(emu, token, query, vars).await;
        no_errors(&body);
        let c = &body["data"]["QueryItems"];
        let skus: Vec<String> = c["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["sku"].as_str().unwrap().to_owned())
            .collect();
        if forward {
            seen.extend(skus);
            if c["pageInfo"]["hasNextPage"] == false {
                return seen;
            }
            cursor = c["pageInfo"]["endCursor"].clone();
        } else {
            seen.splice(0..0, skus);
            if c["pageInfo"]["hasPreviousPage"] == false {
                return seen;
            }
            cursor = c["pageInfo"]["startCursor"].clone();
        }
    }
    panic!("did not end within 10 pages");
}

#[tokio::test]
async fn both_pagination_directions_walk_every_item_once() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let forward = walk(&emu, &token, true).await;
    let backward = walk(&emu, &token, false).await;
    assert_eq!(forward.len(), 60);
    assert_eq!(
        forward, backward,
        "first/after and last/before see the same order"
    );
    let mut unique = forward.clone();
    unique.dedup();
    assert_eq!(unique.len(), 60);
}

#[tokio::test]
async fn where_and_order_filter_and_sort() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let body = gql(
        &emu,
        &token,
        "{ QueryItems(first: 500, where: { salesPriceNet: { gt: 50 }, isActive: { eq: true } },
             order: [{ salesPriceNet: DESC }]) { totalCount nodes { salesPriceNet isActive } } }",
        json!({}),
    )
    .await;
    no_errors(&body);
    let nodes = body["data"]["QueryItems"]["nodes"].as_array().unwrap();
    assert!(!nodes.is_empty());
    assert_eq!(body["data"]["QueryItems"]["totalCount"], nodes.len());
    let prices: Vec<f64> = nodes
        .iter()
        .map(|n| n["salesPriceNet"].as_f64().unwrap())
        .collect();
    assert!(prices.iter().all(|p| *p > 50.0), "{prices:?}");
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "DESC: {prices:?}");
    assert!(nodes.iter().all(|n| n["isActive"] == true));

    let body = gql(
        &emu,
        &token,
        r#"{ a: QueryItems(where: { sku: { in: ["EMU-0002", "EMU-0003"] } }) { totalCount }
             b: QueryItems(where: { name: { contains: "ITEM 1" } }) { totalCount }
             c: QueryItems(where: { sku: { neq: "EMU-0001" } }) { totalCount }
             d: QueryItems(where: { or: [{ sku: { eq: "EMU-0001" } }, { sku: { eq: "EMU-0060" } }] }) { nodes { sku } }
             e: QueryCustomers(where: { city: { eq: "Berlin" } }, order: [{ customerNumber: DESC }]) { totalCount nodes { city customerNumber } }
             f: QueryItems(where: { stockTotal: { lt: 5 } }) { nodes { stockTotal } } }"#,
        json!({}),
    )
    .await;
    no_errors(&body);
    let d = &body["data"];
    assert_eq!(d["a"]["totalCount"], 2);
    // "Emulator item 1", "…10" to "…19": case-insensitive contains.
    assert_eq!(d["b"]["totalCount"], 11);
    assert_eq!(d["c"]["totalCount"], 59);
    assert_eq!(
        d["d"]["nodes"],
        json!([{ "sku": "EMU-0001" }, { "sku": "EMU-0060" }])
    );
    assert_eq!(d["e"]["totalCount"], 6);
    assert!(
        d["e"]["nodes"][0]["customerNumber"].as_str()
            > d["e"]["nodes"][1]["customerNumber"].as_str()
    );
    assert!(d["f"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["stockTotal"].as_f64().unwrap() < 5.0));
}

#[tokio::test]
async fn every_root_field_answers() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let body = gql(
        &emu,
        &token,
        "{ QueryCustomers(first: 1) { totalCount nodes { id customerNumber companyName emailAddress } }
           QuerySalesOrders(first: 1) { totalCount nodes { id salesOrderNumber customerId totalGrossAmount lineItems { itemId sku quantity } } }
           QueryCategories { totalCount nodes { id name parentId } }
           QueryWarehouses { totalCount nodes { id name } }
           QueryStock(first: 2) { totalCount nodes { itemId warehouseId stockTotal } }
           QuerySalesChannels { totalCount nodes { name } } }",
        json!({}),
    )
    .await;
    no_errors(&body);
    let d = &body["data"];
    assert_eq!(d["QueryCustomers"]["totalCount"], 30);
    assert_eq!(d["QuerySalesOrders"]["totalCount"], 25);
    assert_eq!(d["QueryCategories"]["totalCount"], 8);
    assert_eq!(d["QueryWarehouses"]["totalCount"], 2);
    assert_eq!(d["QueryStock"]["totalCount"], 120);
    assert_eq!(d["QuerySalesChannels"]["totalCount"], 3);
    let customer = d["QueryCustomers"]["nodes"][0]["id"].as_str().unwrap();
    let order = &d["QuerySalesOrders"]["nodes"][0];
    let category = d["QueryCategories"]["nodes"][0]["id"].as_str().unwrap();
    assert!(order["lineItems"][0]["sku"].is_string(), "{order}");

    let body = gql(
        &emu,
        &token,
        "query($c: ID!, $o: ID!, $k: ID!, $i: ID!) {
           GetCustomerById(id: $c) { id companyName }
           GetSalesOrderById(id: $o) { id salesOrderNumber }
           GetCategoryById(id: $k) { id name }
           GetItemById(id: $i) { id name identifiers { sku gtin } prices { salesPriceNet } categories { id name } } }",
        json!({ "c": customer, "o": order["id"], "k": category, "i": order["lineItems"][0]["itemId"] }),
    )
    .await;
    no_errors(&body);
    let d = &body["data"];
    assert_eq!(d["GetCustomerById"]["id"], customer);
    assert_eq!(
        d["GetSalesOrderById"]["salesOrderNumber"],
        order["salesOrderNumber"]
    );
    assert_eq!(d["GetCategoryById"]["id"], category);
    assert_eq!(
        d["GetItemById"]["identifiers"]["sku"],
        order["lineItems"][0]["sku"]
    );
    assert!(
        d["GetItemById"]["categories"][0]["name"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn mutations_create_and_change_then_read_back() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let body = gql(
        &emu,
        &token,
        "mutation($r: CreateItemCommandRequestInput!) { CreateItem(request: $r) { itemId } }",
        json!({ "r": { "sku": "GQL-1", "name": "From GraphQL", "salesPriceNet": 4.5 } }),
    )
    .await;
    no_errors(&body);
    let id = body["data"]["CreateItem"]["itemId"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = gql(
        &emu,
        &token,
        "mutation($r: ChangeItemCommandRequestInput!) { ChangeItem(request: $r) { item { id name identifiers { sku } prices { salesPriceNet } } } }",
        json!({ "r": { "itemId": id, "name": "Renamed" } }),
    )
    .await;
    no_errors(&body);
    let item = &body["data"]["ChangeItem"]["item"];
    assert_eq!(item["name"], "Renamed");
    assert_eq!(item["identifiers"]["sku"], "GQL-1");
    assert_eq!(item["prices"]["salesPriceNet"], 4.5);
    // REST sees the same record with v2 names.
    let (status, rest) = status_json(erp_get(&emu, &token, &format!("/items/{id}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(rest["sKU"], "GQL-1");
    assert_eq!(rest["name"], "Renamed");

    let body = gql(
        &emu,
        &token,
        "mutation { CreateCustomer(request: { companyName: \"Neu GmbH\", emailAddress: \"neu@example.com\" }) { customerId }
                    CreateCategory(request: { name: \"Neu\" }) { categoryId } }",
        json!({}),
    )
    .await;
    no_errors(&body);
    let category = body["data"]["CreateCategory"]["categoryId"]
        .as_str()
        .unwrap()
        .to_owned();
    let customer = body["data"]["CreateCustomer"]["customerId"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = gql(
        &emu,
        &token,
        "mutation($id: ID!) { UpdateCategory(request: { categoryId: $id, name: \"Neuer\" }) { category { id name } } }",
        json!({ "id": category }),
    )
    .await;
    no_errors(&body);
    assert_eq!(body["data"]["UpdateCategory"]["category"]["name"], "Neuer");
    let body = gql(
        &emu,
        &token,
        "query($id: ID!) { GetCustomerById(id: $id) { companyName customerNumber } }",
        json!({ "id": customer }),
    )
    .await;
    assert_eq!(body["data"]["GetCustomerById"]["companyName"], "Neu GmbH");
    let stats = emu.stats();
    assert_eq!(
        (
            stats.created("items"),
            stats.created("customers"),
            stats.created("categories")
        ),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn errors_come_in_a_200_with_partial_data() {
    let emu = start().await;
    let token = access_token(&emu).await;
    // One failing root field, one good one: data keeps the good one (facts §1.7).
    let body = gql(
        &emu,
        &token,
        "{ missing: GetItemById(id: \"no-such-id\") { id } QueryCategories(first: 1) { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(body["data"]["missing"], Value::Null);
    assert_eq!(body["data"]["QueryCategories"]["totalCount"], 8);
    let error = &body["errors"][0];
    assert!(
        error["message"].as_str().unwrap().contains("no-such-id"),
        "{body}"
    );
    assert_eq!(error["path"], json!(["missing"]));
    assert_eq!(error["locations"][0]["line"], 1);
    assert_eq!(error["extensions"]["code"], "NOT_FOUND");

    // Validation errors: 200, data null, a code.
    let body = gql(&emu, &token, "{ QueryItems { nope } }", json!({})).await;
    assert_eq!(body["data"], Value::Null);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert!(body["errors"][0]["locations"].is_array());
    // A syntax error.
    let body = gql(&emu, &token, "{ QueryItems ", json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    // A mutation refused by validation: the fields in extensions.
    let body = gql(
        &emu,
        &token,
        "mutation { CreateItem(request: { sku: \"EMU-0001\", name: \"twin\" }) { itemId } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    assert_eq!(body["errors"][0]["path"], json!(["CreateItem"]));
    let body = gql(
        &emu,
        &token,
        "mutation { CreateItem(request: { sku: \"X-1\", name: \" \" }) { itemId } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION_ERROR",
        "{body}"
    );
    assert!(body["errors"][0]["extensions"]["validationErrors"]["name"].is_string());
    assert_eq!(emu.stats().created("items"), 0);
    // A bad cursor.
    let body = gql(
        &emu,
        &token,
        "{ QueryItems(after: \"bogus\") { totalCount } }",
        json!({}),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "INVALID_CURSOR");
}

#[tokio::test]
async fn max_page_size_is_a_clear_error() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let body = gql(
        &emu,
        &token,
        "{ QueryItems(first: 500) { totalCount } }",
        json!({}),
    )
    .await;
    no_errors(&body);
    for query in [
        "{ QueryItems(first: 501) { totalCount } }",
        "{ QueryItems(last: -1) { totalCount } }",
    ] {
        let body = gql(&emu, &token, query, json!({})).await;
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "PAGE_SIZE_OUT_OF_RANGE",
            "{body}"
        );
        assert!(error["message"].as_str().unwrap().contains("500"), "{body}");
    }
    // No first/last: the default page size.
    let body = gql(&emu, &token, "{ QueryItems { nodes { id } } }", json!({})).await;
    assert_eq!(
        body["data"]["QueryItems"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
}

#[tokio::test]
async fn depth_and_complexity_limits() {
    let emu = start().await;
    let token = access_token(&emu).await;
    emu.update_settings(json!({ "graphql_max_depth": 3 }))
        .unwrap();
    let body = gql(
        &emu,
        &token,
        "{ QueryItems { edges { node { id } } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "MAX_DEPTH_EXCEEDED",
        "{body}"
    );
    emu.update_settings(json!({ "graphql_max_depth": 15, "graphql_max_complexity": 3 }))
        .unwrap();
    let body = gql(
        &emu,
        &token,
        "{ QueryItems { totalCount nodes { id sku name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "MAX_COMPLEXITY_EXCEEDED",
        "{body}"
    );
}

#[tokio::test]
async fn introspection_is_on() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let body = gql(
        &emu,
        &token,
        "{ __schema { queryType { name } mutationType { name } } __type(name: \"QueryItemsConnection\") { fields { name } } }",
        json!({}),
    )
    .await;
    no_errors(&body);
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    let fields: Vec<&str> = body["data"]["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    for f in ["pageInfo", "edges", "nodes", "totalCount"] {
        assert!(fields.contains(&f), "{fields:?}");
    }
    let sdl = jtl_emulator::graphql_sdl().unwrap();
    for needle in [
        "QueryItems(",
        "CreateItem(request: CreateItemCommandRequestInput!): CreateItemCommandResponse!",
        "type ItemListItem",
        "input ItemListItemFilterInput",
        "enum SortEnumType",
    ] {
        assert!(sdl.contains(needle), "{needle} not in the SDL");
    }
}

#[tokio::test]
async fn transport_errors_are_http_statuses() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let url = format!("{}/graphql", emu.api_base());
    let body = json!({ "query": "{ QueryItems { totalCount } }" });
    // 401: no token.
    let response = http()
        .post(&url)
        .header("X-Tenant-ID", TENANT)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, answer) = status_json(response).await;
    assert_eq!(status, 401);
    assert_erp_error(&answer, "UNAUTHORIZED");
    // 400 TenantIdMissing.
    let response = http()
        .post(&url)
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, answer) = status_json(response).await;
    assert_eq!(status, 400);
    assert_erp_error(&answer, "TenantIdMissing");
    // 415: charset refused, unless the setting allows it; text/plain always.
    for (content_type, setting, expected) in [
        ("application/json; charset=utf-8", false, 415),
        ("text/plain", false, 415),
        ("application/json; charset=utf-8", true, 200),
        ("application/json", false, 200),
    ] {
        emu.update_settings(json!({ "accept_json_charset": setting }))
            .unwrap();
        let response = http()
            .post(&url)
            .bearer_auth(&token)
            .header("X-Tenant-ID", TENANT)
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let (status, answer) = status_json(response).await;
        assert_eq!(
            status, expected,
            "{content_type} (setting {setting}): {answer}"
        );
        if expected == 415 {
            assert_erp_error(&answer, "UNSUPPORTED_MEDIA_TYPE");
        }
    }
    // 403: a token without the items scope.
    emu.register_client(jtl_emulator::ClientSpec {
        client_id: "cust".into(),
        client_secret: "c".into(),
        tenants: vec![TENANT.into()],
        scopes: Some(vec!["customers.read".into()]),
    })
    .unwrap();
    let response = token_response(&emu, "cust", "c").await;
    let scoped: Value = response.json().await.unwrap();
    let scoped = scoped["access_token"].as_str().unwrap();
    let (status, answer) = gql_with(
        &emu,
        scoped,
        "{ QueryCustomers { totalCount } }",
        json!({}),
        &[],
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = gql_with(
        &emu,
        scoped,
        "{ QueryItems { totalCount } }",
        json!({}),
        &[],
    )
    .await;
    assert_eq!(status, 403);
    assert_erp_error(&answer, "MISSING_SCOPE");
    // 429 with the rate-limit headers.
    emu.update_settings(json!({ "rate_limit": 1 })).unwrap();
    let response = http()
        .post(&url)
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-ratelimit-remaining"], "0");
    let response = http()
        .post(&url)
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["x-ratelimit-limit"], "1");
    assert!(response
        .headers()
        .contains_key("x-ratelimit-interval-length-seconds"));
    // 405 for GET: the endpoint is POST only.
    emu.update_settings(json!({ "rate_limit": 10000 })).unwrap();
    let response = http()
        .get(&url)
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn idempotency_key_replays_without_creating_twice() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let create = "mutation { CreateItem(request: { sku: \"IDEM-1\", name: \"Once\" }) { itemId } }";
    let (status, first) = gql_with(
        &emu,
        &token,
        create,
        json!({}),
        &[("Idempotency-Key", "key-1")],
    )
    .await;
    assert_eq!(status, 200, "{first}");
    no_errors(&first);
    assert_eq!(
        first["extensions"]["idempotency"]["CreateItem"]["wasReplayed"],
        false
    );
    let (_, again) = gql_with(
        &emu,
        &token,
        create,
        json!({}),
        &[("Idempotency-Key", "key-1")],
    )
    .await;
    assert_eq!(again["data"], first["data"], "the first result, replayed");
    assert_eq!(
        again["extensions"]["idempotency"]["CreateItem"]["wasReplayed"],
        true
    );
    assert_eq!(emu.stats().created("items"), 1, "created once");
    assert_eq!(emu.stats().idempotent_replays(), 1);
    // The same key for a different mutation is refused.
    let other = "mutation { CreateItem(request: { sku: \"IDEM-2\", name: \"Other\" }) { itemId } }";
    let (_, refused) = gql_with(
        &emu,
        &token,
        other,
        json!({}),
        &[("Idempotency-Key", "key-1")],
    )
    .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "IDEMPOTENCY_KEY_REUSED"
    );
    // Without a key, a second identical call is a second mutation (here a duplicate SKU).
    let (_, twin) = gql_with(&emu, &token, create, json!({}), &[]).await;
    assert_eq!(twin["errors"][0]["extensions"]["code"], "CONFLICT");
    assert_eq!(emu.stats().created("items"), 1);
}

#[tokio::test]
async fn faults_and_stats_apply_to_the_graphql_route() {
    let emu = start().await;
    let token = access_token(&emu).await;
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let query = "{ QueryItems(first: 1) { totalCount } }";
    let (status, body) = gql_with(&emu, &token, query, json!({}), &[]).await;
    assert_eq!(status, 503, "{body}");
    let (status, body) = gql_with(&emu, &token, query, json!({}), &[]).await;
    assert_eq!(status, 200, "{body}");
    let stats = emu.stats();
    assert_eq!(stats.route("POST /erp/v2/graphql"), 2);
    assert_eq!(stats.faults_served(), 1);
    assert_eq!(stats.get(Service::Api), 2);
    // A mutation whose first attempt hit a fault runs on the retry with the same key.
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let create = "mutation { CreateItem(request: { sku: \"F-1\", name: \"Faulted\" }) { itemId } }";
    let key = [("Idempotency-Key", "retry-1")];
    let (status, _) = gql_with(&emu, &token, create, json!({}), &key).await;
    assert_eq!(status, 503);
    let (status, body) = gql_with(&emu, &token, create, json!({}), &key).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["extensions"]["idempotency"]["CreateItem"]["wasReplayed"],
        false
    );
    assert_eq!(emu.stats().created("items"), 1);
}

#[test]
fn print_schema_flag_prints_the_sdl() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jtl-emulator"))
        .arg("--print-schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    let sdl = String::from_utf8(out.stdout).unwrap();
    assert_eq!(sdl, jtl_emulator::graphql_sdl().unwrap());
    assert!(sdl.contains("type QueryItemsConnection"), "{sdl}");
}
