//! Conformance of the Cloud ERP side with `shared/jtl-api-facts.md` (second edition): one test
//! per row of §1.1, §2 and §3 that the emulator serves, named after its section and row.

use crate::support::*;
use reqwest::header;
use serde_json::{json, Value};

async fn post(
    emu: &jtl_emulator::Emulator,
    token: &str,
    path: &str,
    content_type: Option<&str>,
    body: &Value,
) -> (u16, Value, header::HeaderMap) {
    let mut request = http()
        .post(format!("{}{path}", emu.api_base()))
        .bearer_auth(token)
        .header("X-Tenant-ID", TENANT)
        .body(body.to_string());
    if let Some(ct) = content_type {
        request = request.header(header::CONTENT_TYPE, ct);
    }
    let response = request.send().await.unwrap();
    let headers = response.headers().clone();
    let (status, body) = status_json(response).await;
    (status, body, headers)
}

async fn graphql(emu: &jtl_emulator::Emulator, token: &str, body: Value) -> (u16, Value) {
    let (status, body, _) = post(emu, token, "/graphql", Some("application/json"), &body).await;
    (status, body)
}

// §1.1 Transport

#[tokio::test]
async fn s1_1_endpoint_post_erp_v2_graphql() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let response = http()
        .post(format!("{}/erp/v2/graphql", emu.url()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(
        (status, body),
        (200, json!({ "data": { "__typename": "Query" } }))
    );
}

#[tokio::test]
async fn s1_1_positioning_rest_and_graphql_expose_the_same_data() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (_, page) = status_json(erp_get(&emu, &token, "/items?pageSize=1000").await).await;
    let (_, body) = graphql(
        &emu,
        &token,
        json!({ "query": "{ QueryItems(first: 500) { totalCount nodes { id sku } } }" }),
    )
    .await;
    let c = &body["data"]["QueryItems"];
    assert_eq!(c["totalCount"], page["totalItems"]);
    for (rest, gql) in page["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(c["nodes"].as_array().unwrap())
    {
        assert_eq!(rest["id"], gql["id"]);
        assert_eq!(rest["sKU"], gql["sku"]);
    }
}

#[tokio::test]
async fn s1_1_body_query_variables_operation_name() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let doc = "query A($n: Int) { QueryItems(first: $n) { nodes { sku } } } query B { QueryCategories { totalCount } }";
    let (status, body) = graphql(
        &emu,
        &token,
        json!({ "query": doc, "variables": { "n": 2 }, "operationName": "A" }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"]["QueryItems"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (_, body) = graphql(&emu, &token, json!({ "query": doc, "operationName": "B" })).await;
    assert_eq!(body["data"]["QueryCategories"]["totalCount"], 8);
    // No query at all: the transport refuses it.
    let (status, body) = graphql(&emu, &token, json!({ "variables": {} })).await;
    assert_eq!(status, 400, "{body}");
    assert_erp_error(&body, "INVALID_GRAPHQL_REQUEST");
}

#[tokio::test]
async fn s1_1_headers_bearer_tenant_and_content_type_required() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let query = json!({ "query": "{ QueryItems { totalCount } }" });
    // Lower-case `x-tenant-id` as the reference pages spell it: HTTP headers are case-blind.
    let response = http()
        .post(format!("{}/graphql", emu.api_base()))
        .header("authorization", format!("Bearer {token}"))
        .header("x-tenant-id", TENANT)
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // No Content-Type on a POST body: refused like a wrong one.
    let (status, body, _) = post(&emu, &token, "/graphql", None, &query).await;
    assert_eq!(status, 415, "{body}");
    assert_erp_error(&body, "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn s1_1_content_type_strictness_charset_refused_on_graphql_and_rest() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let query = json!({ "query": "{ QueryItems { totalCount } }" });
    let item = json!({ "sKU": "CT-1", "name": "Charset" });
    for path in ["/graphql", "/items"] {
        let body = if path == "/items" { &item } else { &query };
        let (status, answer, _) = post(
            &emu,
            &token,
            path,
            Some("application/json; charset=utf-8"),
            body,
        )
        .await;
        assert_eq!(status, 415, "{path}: {answer}");
        assert!(
            answer["errorMessage"].as_str().unwrap().contains("charset"),
            "{answer}"
        );
    }
    // The setting serves the lenient variant.
    emu.update_settings(json!({ "accept_json_charset": true }))
        .unwrap();
    let (status, _, _) = post(
        &emu,
        &token,
        "/items",
        Some("application/json; charset=utf-8"),
        &item,
    )
    .await;
    assert_eq!(status, 201);
    let (status, _, _) = post(
        &emu,
        &token,
        "/graphql",
        Some("application/json; charset=utf-8"),
        &query,
    )
    .await;
    assert_eq!(status, 200);
    // Other parameters stay refused even then.
    let (status, _, _) = post(
        &emu,
        &token,
        "/graphql",
        Some("application/json; charset=latin1"),
        &query,
    )
    .await;
    assert_eq!(status, 415);
}

#[tokio::test]
async fn s1_1_missing_or_bad_headers_401_or_400() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let query = json!({ "query": "{ QueryItems { totalCount } }" });
    for (auth, tenant, expected) in [
        (None, Some(TENANT), 401),
        (Some("Bearer not-a-jwt".to_owned()), Some(TENANT), 401),
        (Some(format!("Bearer {token}")), None, 400),
        (Some(format!("Bearer {token}")), Some(" "), 400),
    ] {
        let mut request = http()
            .post(format!("{}/graphql", emu.api_base()))
            .json(&query);
        if let Some(auth) = &auth {
            request = request.header(header::AUTHORIZATION, auth);
        }
        if let Some(tenant) = tenant {
            request = request.header("X-Tenant-ID", tenant);
        }
        let (status, body) = status_json(request.send().await.unwrap()).await;
        assert_eq!(status, expected, "{auth:?} {tenant:?}: {body}");
    }
}

#[tokio::test]
async fn s1_1_missing_tenant_400_tenant_id_missing() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let rest = http()
        .get(format!("{}/items", emu.api_base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let graphql = http()
        .post(format!("{}/graphql", emu.api_base()))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ QueryItems { totalCount } }" }))
        .send()
        .await
        .unwrap();
    for response in [rest, graphql] {
        let (status, body) = status_json(response).await;
        assert_eq!(status, 400);
        assert_erp_error(&body, "TenantIdMissing");
    }
}

#[tokio::test]
async fn s1_1_missing_scope_403_on_data_queries() {
    let emu = start().await;
    emu.register_client(jtl_emulator::ClientSpec {
        client_id: "reader".into(),
        client_secret: "r".into(),
        tenants: vec![TENANT.into()],
        scopes: Some(vec!["items.read".into()]),
    })
    .unwrap();
    let response = token_response(&emu, "reader", "r").await;
    let token: Value = response.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap();
    let (status, _) = graphql(
        &emu,
        token,
        json!({ "query": "{ QueryItems { totalCount } }" }),
    )
    .await;
    assert_eq!(status, 200);
    for query in [
        "{ QuerySalesOrders { totalCount } }",
        "mutation { CreateItem(request: { sku: \"S\", name: \"S\" }) { itemId } }",
    ] {
        let (status, body) = graphql(&emu, token, json!({ "query": query })).await;
        assert_eq!(status, 403, "{query}: {body}");
        assert_erp_error(&body, "MISSING_SCOPE");
    }
    assert_eq!(emu.stats().created("items"), 0);
}

#[tokio::test]
async fn s1_1_idempotency_key_replay_was_replayed() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let mutation = json!({ "query": "mutation { c: CreateCategory(request: { name: \"Once\" }) { categoryId } }" });
    let send = || async {
        let response = http()
            .post(format!("{}/graphql", emu.api_base()))
            .bearer_auth(&token)
            .header("X-Tenant-ID", TENANT)
            .header("Idempotency-Key", "cat-1")
            .json(&mutation)
            .send()
            .await
            .unwrap();
        status_json(response).await.1
    };
    let first = send().await;
    let replay = send().await;
    assert_eq!(replay["data"], first["data"]);
    // The response name (alias `c`) names the entry, as the docs' `{responseName}`.
    assert_eq!(
        replay["extensions"]["idempotency"]["c"]["wasReplayed"],
        true
    );
    assert_eq!(emu.stats().created("categories"), 1);
}

#[tokio::test]
async fn s1_1_introspection_full_query_within_the_limits() {
    let emu = start().await;
    let token = access_token(&emu).await;
    // GraphiQL's introspection query: the deepest thing a client tool sends.
    let query = "query IntrospectionQuery { __schema { queryType { name } mutationType { name }
      types { ...FullType } directives { name locations args { ...InputValue } } } }
      fragment FullType on __Type { kind name description
        fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } isDeprecated }
        inputFields { ...InputValue } interfaces { ...TypeRef }
        enumValues(includeDeprecated: true) { name } possibleTypes { ...TypeRef } }
      fragment InputValue on __InputValue { name type { ...TypeRef } defaultValue }
      fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
        ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
    let (status, body) = graphql(&emu, &token, json!({ "query": query })).await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
    let types = body["data"]["__schema"]["types"].as_array().unwrap();
    for name in [
        "ItemListItem",
        "QueryItemsConnection",
        "QueryItemsEdge",
        "PageInfo",
        "ItemdetailsItem",
    ] {
        assert!(types.iter().any(|t| t["name"] == name), "{name} missing");
    }
}

// §2 REST on Cloud

#[tokio::test]
async fn s2_v2_paths_kebab_case() {
    let emu = start().await;
    let token = access_token(&emu).await;
    for path in [
        "/items",
        "/customers",
        "/sales-orders",
        "/sales-channels",
        "/categories",
        "/warehouses",
        "/info",
    ] {
        assert_eq!(erp_get(&emu, &token, path).await.status(), 200, "{path}");
    }
    let order = nth_id(&emu, &token, "sales-orders", 0).await;
    let (status, body) =
        status_json(erp_get(&emu, &token, &format!("/sales-orders/{order}")).await).await;
    assert_eq!(status, 200);
    assert!(body["lineItems"][0]["sKU"].is_string(), "{body}");
    // The v1 camelCase path is gone in v2, with a hint.
    let (status, body) = status_json(erp_get(&emu, &token, "/salesOrders").await).await;
    assert_eq!(status, 404);
    assert!(
        body["errorMessage"]
            .as_str()
            .unwrap()
            .contains("sales-orders"),
        "{body}"
    );
}

#[tokio::test]
async fn s2_ids_guid_like_strings() {
    let emu = start().await;
    let token = access_token(&emu).await;
    for resource in ["items", "customers", "sales-orders", "categories"] {
        let id = nth_id(&emu, &token, resource, 0).await;
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12], "{resource}: {id}");
        assert!(
            id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
            "{id}"
        );
        assert_eq!(
            erp_get(&emu, &token, &format!("/{resource}/{id}"))
                .await
                .status(),
            200
        );
    }
}

#[tokio::test]
async fn s2_v2_json_casing_sku_and_gtin() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (_, page) = status_json(erp_get(&emu, &token, "/items").await).await;
    let item = &page["items"][0];
    assert_eq!(item["sKU"], "EMU-0001");
    assert!(item["gtin"].is_string());
    assert!(item.get("sku").is_none(), "{item}");
    // Writes take the v2 names; the plain `sku` is not one.
    let response = http()
        .post(format!("{}/items", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .json(&json!({ "sku": "PLAIN", "name": "n" }))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 422);
    assert_eq!(body["validationErrors"]["sKU"], "is required");
}

#[tokio::test]
async fn s2_v2_headers_x_runas_is_passed_on() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let response = http()
        .get(format!("{}/info", emu.api_base()))
        .bearer_auth(&token)
        .header("x-tenant-id", TENANT)
        .header("x-runas", "user-7")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["runAs"], "user-7");
}

#[tokio::test]
async fn s2_get_info_version_timestamp_tenant_type() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, body) = status_json(erp_get(&emu, &token, "/info").await).await;
    assert_eq!(status, 200);
    assert!(
        body["Version"].as_str().unwrap().split('.').count() >= 3,
        "{body}"
    );
    assert!(body["Timestamp"].as_str().unwrap().contains('T'));
    assert_eq!(body["Tenant"], "eazybusiness");
    assert_eq!(body["Type"], "WAWI-Api");
}

#[tokio::test]
async fn s2_list_params_page_number_page_size_sort_by_sort_descending() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (_, body) = status_json(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(
        (body["pageNumber"].clone(), body["pageSize"].clone()),
        (json!(1), json!(100))
    );
    assert_eq!(body["items"].as_array().unwrap().len(), 60);
    let (_, body) = status_json(
        erp_get(
            &emu,
            &token,
            "/items?sortBy=stockTotal,sKU&sortDescending=true&pageSize=60",
        )
        .await,
    )
    .await;
    let rows = body["items"].as_array().unwrap();
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (sa, sb) = (
            a["stockTotal"].as_f64().unwrap(),
            b["stockTotal"].as_f64().unwrap(),
        );
        assert!(
            sa > sb || (sa == sb && a["sKU"].as_str() >= b["sKU"].as_str()),
            "{a} then {b}"
        );
    }
    let (status, body) = status_json(erp_get(&emu, &token, "/items?sortBy=nope").await).await;
    assert_eq!(status, 400);
    assert!(body["validationErrors"]["sortBy"].is_string(), "{body}");
    let (status, _) = status_json(erp_get(&emu, &token, "/items?sortDescending=maybe").await).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn s2_max_page_size_emulator_limit_1000() {
    let emu = start().await;
    let token = access_token(&emu).await;
    assert_eq!(
        erp_get(&emu, &token, "/items?pageSize=1000").await.status(),
        200
    );
    let (status, body) = status_json(erp_get(&emu, &token, "/items?pageSize=1001").await).await;
    assert_eq!(status, 400);
    assert!(body["validationErrors"]["pageSize"]
        .as_str()
        .unwrap()
        .contains("1000"));
}

#[tokio::test]
async fn s2_list_envelope_docs_shape() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (_, body) =
        status_json(erp_get(&emu, &token, "/customers?pageSize=10&pageNumber=3").await).await;
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "totalItems",
            "pageNumber",
            "pageSize",
            "totalPages",
            "hasPreviousPage",
            "hasNextPage",
            "nextPageNumber",
            "previousPageNumber",
            "items"
        ]
    );
    assert_eq!(body["totalPages"], 3);
    assert_eq!(
        body["nextPageNumber"],
        Value::Null,
        "the docs' null at the end"
    );
    assert_eq!(body["previousPageNumber"], 2);
}

// §3.1 HTTP codes and ERP error body

#[tokio::test]
async fn s3_1_200_201_204_success_codes() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, created, headers) = post(
        &emu,
        &token,
        "/categories",
        Some("application/json"),
        &json!({ "name": "Neu" }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        headers[header::LOCATION],
        format!("/erp/v2/categories/{id}")
    );
    assert_eq!(
        erp_get(&emu, &token, &format!("/categories/{id}"))
            .await
            .status(),
        200
    );
    let response = http()
        .delete(format!("{}/categories/{id}", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn s3_1_400_invalid_data_or_header_missing() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, body, _) = post(
        &emu,
        &token,
        "/items",
        Some("application/json"),
        &json!("x"),
    )
    .await;
    assert_eq!(status, 400);
    assert_erp_error(&body, "INVALID_JSON");
    let (status, body) = status_json(erp_get(&emu, &token, "/items?pageNumber=0").await).await;
    assert_eq!(status, 400);
    assert_erp_error(&body, "VALIDATION_ERROR");
}

#[tokio::test]
async fn s3_1_401_unauthorized() {
    let emu = start().await;
    let response = http()
        .get(format!("{}/items", emu.api_base()))
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 401);
    assert_erp_error(&body, "UNAUTHORIZED");
}

#[tokio::test]
async fn s3_1_403_forbidden_tenant() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let response = http()
        .get(format!("{}/items", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", jtl_emulator::config::FOREIGN_TENANT_ID)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 403);
    assert_erp_error(&body, "TENANT_FORBIDDEN");
}

#[tokio::test]
async fn s3_1_404_not_found_error_response() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, body) =
        status_json(erp_get(&emu, &token, "/items/0000000a-0000-4000-8000-0000000fffff").await)
            .await;
    assert_eq!(status, 404);
    assert_erp_error(&body, "NOT_FOUND");
}

#[tokio::test]
async fn s3_1_409_conflict() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, body, _) = post(
        &emu,
        &token,
        "/items",
        Some("application/json"),
        &json!({ "sKU": "EMU-0001", "name": "Twin" }),
    )
    .await;
    assert_eq!(status, 409);
    assert_erp_error(&body, "CONFLICT");
}

#[tokio::test]
async fn s3_1_429_rate_limit_exceeded() {
    let emu = start().await;
    emu.update_settings(json!({ "rate_limit": 1 })).unwrap();
    let token = access_token(&emu).await;
    assert_eq!(erp_get(&emu, &token, "/items").await.status(), 200);
    let (status, body) = status_json(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(status, 429);
    assert_erp_error(&body, "TOO_MANY_REQUESTS");
}

#[tokio::test]
async fn s3_1_erp_error_body_camel_case() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, body, _) = post(
        &emu,
        &token,
        "/customers",
        Some("application/json"),
        &json!({ "emailAddress": "bad" }),
    )
    .await;
    assert_eq!(status, 422);
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["errorCode", "errorMessage", "validationErrors", "errors"]
    );
    assert_eq!(body["errorCode"], "VALIDATION_ERROR");
    assert!(body["validationErrors"]["emailAddress"].is_string());
}

// §3.2 Rate limiting

#[tokio::test]
async fn s3_2_headers_on_every_response_rest_and_graphql() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let rest_ok = erp_get(&emu, &token, "/items").await;
    let rest_404 = erp_get(&emu, &token, "/items/nope").await;
    let gql = http()
        .post(format!("{}/graphql", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .json(&json!({ "query": "{ nope }" }))
        .send()
        .await
        .unwrap();
    for response in [rest_ok, rest_404, gql] {
        for name in [
            "x-ratelimit-limit",
            "x-ratelimit-interval-length-seconds",
            "x-ratelimit-remaining",
        ] {
            assert!(
                response.headers().contains_key(name),
                "{name} on {}",
                response.url()
            );
        }
    }
}

#[tokio::test]
async fn s3_2_cloud_erp_limits_on_all_endpoints_window_shared() {
    let emu = start().await;
    emu.update_settings(json!({ "rate_limit": 2, "rate_limit_interval_secs": 30 }))
        .unwrap();
    let token = access_token(&emu).await;
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 200);
    let (status, _) = graphql(&emu, &token, json!({ "query": "{ __typename }" })).await;
    assert_eq!(status, 200);
    let (status, _) = graphql(&emu, &token, json!({ "query": "{ __typename }" })).await;
    assert_eq!(status, 429, "REST and GraphQL count in one window");
}
