use crate::support::*;
use jtl_emulator::config::{DEMO_SECOND_TENANT_ID, FOREIGN_TENANT_ID};
use reqwest::header;
use serde_json::{json, Value};

#[tokio::test]
async fn info_needs_bearer_and_tenant() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let response = erp_get(&emu, &token, "/info").await;
    assert_eq!(response.status(), 200);
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-interval-length-seconds",
        "x-ratelimit-remaining",
    ] {
        assert!(response.headers().contains_key(name), "{name} missing");
    }
    let (_, body) = status_json(response).await;
    assert_eq!(body["tenantId"], TENANT);
    assert!(body["Version"].is_string());

    // No tenant header: 400 TenantIdMissing with the ERP error body (facts §1.1).
    let response = http()
        .get(format!("{}/info", emu.api_base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 400);
    assert_erp_error(&body, "TenantIdMissing");

    // A tenant the client may not use: 403.
    let response = http()
        .get(format!("{}/info", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", FOREIGN_TENANT_ID)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 403);
    assert_erp_error(&body, "TENANT_FORBIDDEN");

    // The second demo tenant is allowed.
    let response = http()
        .get(format!("{}/info", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", DEMO_SECOND_TENANT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bad_tokens_get_401_with_an_erp_body() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    // Tamper with the payload: same signature, different claims.
    let mut claims: Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, &parts[1])
            .unwrap(),
    )
    .unwrap();
    claims["sub"] = json!("someone-else");
    parts[1] = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        claims.to_string(),
    );
    let tampered = parts.join(".");

    // An expired token: issued with a lifetime of 1 s, used after it passed.
    emu.update_settings(json!({ "token_lifetime_secs": 1 }))
        .unwrap();
    let short = access_token(&emu).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    for (name, token, needle) in [
        ("tampered", tampered.as_str(), "signature"),
        ("expired", short.as_str(), "expired"),
        ("garbage", "not-a-jwt", "well-formed"),
    ] {
        let (status, body) = status_json(erp_get(&emu, token, "/info").await).await;
        assert_eq!(status, 401, "{name}");
        assert_erp_error(&body, "UNAUTHORIZED");
        assert!(
            body["errorMessage"].as_str().unwrap().contains(needle),
            "{name}: {body}"
        );
    }
    let response = http()
        .get(format!("{}/info", emu.api_base()))
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 401);
    assert_erp_error(&body, "UNAUTHORIZED");
}

#[tokio::test]
async fn scx_tokens_are_not_accepted_by_the_erp_api() {
    let emu = start().await;
    let response = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("refreshToken={}", emu.scx_refresh_token()))
        .send()
        .await
        .unwrap();
    let (_, body) = status_json(response).await;
    let scx_token = body["authToken"].as_str().unwrap();
    assert_eq!(erp_get(&emu, scx_token, "/info").await.status(), 401);
}

#[tokio::test]
async fn pagination_walks_the_documented_envelope() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let (status, body) = status_json(
            erp_get(
                &emu,
                &token,
                &format!("/items?pageNumber={page}&pageSize=25"),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200);
        for key in [
            "totalItems",
            "pageNumber",
            "pageSize",
            "totalPages",
            "hasPreviousPage",
            "hasNextPage",
            "nextPageNumber",
            "previousPageNumber",
            "items",
        ] {
            assert!(body.get(key).is_some(), "{key} missing from {body}");
        }
        assert_eq!(body["pageNumber"], page);
        assert_eq!(body["pageSize"], 25);
        assert_eq!(body["hasPreviousPage"], page > 1);
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned()),
        );
        if body["hasNextPage"] == false {
            assert_eq!(body["nextPageNumber"], Value::Null);
            assert_eq!(body["totalPages"], page);
            assert_eq!(body["totalItems"].as_u64().unwrap() as usize, seen.len());
            break;
        }
        assert_eq!(body["nextPageNumber"], page + 1);
        page += 1;
    }
    assert!(seen.len() >= 25, "at least 25 items");
    assert!(page >= 3, "25 per page gives 3+ pages");
    let mut sorted = seen.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no item twice");

    let (_, body) = status_json(erp_get(&emu, &token, "/customers").await).await;
    assert_eq!(body["pageNumber"], 1);
    assert_eq!(body["pageSize"], 100, "default page size (facts §2)");
    let (_, body) = status_json(erp_get(&emu, &token, "/sales-orders?pageNumber=99").await).await;
    assert_eq!(body["items"], json!([]), "past the end: empty page");
}

#[tokio::test]
async fn bad_pagination_parameters_are_validation_errors() {
    let emu = start().await;
    let token = access_token(&emu).await;
    for query in [
        "pageNumber=0",
        "pageSize=1001",
        "pageNumber=abc",
        "pageSize=-1",
    ] {
        let (status, body) =
            status_json(erp_get(&emu, &token, &format!("/items?{query}")).await).await;
        assert_eq!(status, 400, "{query}");
        assert_erp_error(&body, "VALIDATION_ERROR");
        assert_eq!(
            body["validationErrors"].as_object().unwrap().len(),
            1,
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn get_by_id_and_404() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let id = nth_id(&emu, &token, "items", 6).await;
    let (status, body) = status_json(erp_get(&emu, &token, &format!("/items/{id}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["sKU"], "EMU-0007");
    let customer = nth_id(&emu, &token, "customers", 0).await;
    for path in [
        "/items/9999".to_owned(),
        "/items/abc".to_owned(),
        format!("/items/{customer}"),
        "/nope".to_owned(),
        "/nope/1".to_owned(),
        "/salesOrders".to_owned(),
    ] {
        let path = path.as_str();
        let (status, body) = status_json(erp_get(&emu, &token, path).await).await;
        assert_eq!(status, 404, "{path}");
        assert_erp_error(&body, "NOT_FOUND");
    }
}

async fn erp_send(
    emu: &jtl_emulator::Emulator,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = http()
        .request(method, format!("{}{path}", emu.api_base()))
        .bearer_auth(token)
        .header("X-Tenant-ID", TENANT)
        .json(&body)
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
        headers,
    )
}

#[tokio::test]
async fn create_validates_and_then_serves_the_new_record() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let (status, body, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::POST,
        "/items",
        json!({ "sku": "plain-sku-is-not-v2", "name": "", "salesPriceNet": -1 }),
    )
    .await;
    assert_eq!(status, 422);
    assert_erp_error(&body, "VALIDATION_ERROR");
    let errors = body["validationErrors"].as_object().unwrap();
    for field in ["sKU", "name", "salesPriceNet"] {
        assert!(errors.contains_key(field), "{field} not reported: {body}");
    }

    let (status, created, headers) = erp_send(
        &emu,
        &token,
        reqwest::Method::POST,
        "/items",
        json!({ "sKU": "NEW-1", "name": "New", "salesPriceNet": 1.5 }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(headers[header::LOCATION], format!("/erp/v2/items/{id}"));
    let (_, fetched) = status_json(erp_get(&emu, &token, &format!("/items/{id}")).await).await;
    assert_eq!(fetched["sKU"], "NEW-1");
    assert_eq!(emu.stats().created("items"), 1);

    let (status, body, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::POST,
        "/items",
        json!({ "sKU": "NEW-1", "name": "Again", "salesPriceNet": 2 }),
    )
    .await;
    assert_eq!(status, 409);
    assert_erp_error(&body, "CONFLICT");

    let (status, body, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::POST,
        "/sales-orders",
        json!({ "customerId": "9999", "lineItems": [] }),
    )
    .await;
    assert_eq!(status, 422);
    let errors = body["validationErrors"].as_object().unwrap();
    assert!(
        errors.contains_key("customerId") && errors.contains_key("lineItems"),
        "{body}"
    );

    let (status, body, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::POST,
        "/customers",
        json!({ "companyName": "Neu GmbH", "emailAddress": "no-at-sign" }),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["validationErrors"]["emailAddress"].is_string(),
        "{body}"
    );

    let (status, _, _) =
        erp_send(&emu, &token, reqwest::Method::POST, "/items", json!([1, 2])).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn put_patch_delete() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let path = format!("/items/{}", nth_id(&emu, &token, "items", 2).await);
    let path = path.as_str();
    let (status, body, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::PATCH,
        path,
        json!({ "name": "Renamed" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Renamed");
    assert_eq!(body["sKU"], "EMU-0003", "PATCH keeps other fields");
    let (status, body, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::PUT,
        path,
        json!({ "name": "Only name" }),
    )
    .await;
    assert_eq!(status, 422, "PUT replaces: sKU is missing now: {body}");
    let (status, _, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::PUT,
        path,
        json!({ "sKU": "R-3", "name": "Replaced", "salesPriceNet": 3 }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _, _) = erp_send(&emu, &token, reqwest::Method::DELETE, path, Value::Null).await;
    assert_eq!(status, 204);
    assert_eq!(erp_get(&emu, &token, path).await.status(), 404);
    let (status, _, _) = erp_send(&emu, &token, reqwest::Method::DELETE, path, Value::Null).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn tenants_have_separate_data() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let first = nth_id(&emu, &token, "items", 0).await;
    let (status, _, _) = erp_send(
        &emu,
        &token,
        reqwest::Method::DELETE,
        &format!("/items/{first}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let other = http()
        .get(format!("{}/items/{first}", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", DEMO_SECOND_TENANT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.status(),
        200,
        "deleting in one tenant leaves the other alone"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let emu = start().await;
    emu.update_settings(json!({ "rate_limit": 3, "rate_limit_interval_secs": 30 }))
        .unwrap();
    let token = access_token(&emu).await;
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let response = erp_get(&emu, &token, "/info").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-ratelimit-limit"], "3");
        assert_eq!(
            response.headers()["x-ratelimit-interval-length-seconds"],
            "30"
        );
        remaining.push(
            response.headers()["x-ratelimit-remaining"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    let response = erp_get(&emu, &token, "/info").await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let (_, body) = status_json(response).await;
    assert_erp_error(&body, "TOO_MANY_REQUESTS");
}
