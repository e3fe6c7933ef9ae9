use crate::support::*;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use jtl_emulator::{config, Emulator, Fault, Service, Settings};
use reqwest::{header, Method, Response};
use serde_json::{json, Value};

/// One byte more than the emulator accepts (1 MiB).
const TOO_BIG: usize = 1024 * 1024 + 1;

/// A raw request to `path` (relative to the emulator's URL) with an optional content type.
async fn raw(
    emu: &Emulator,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Response {
    let mut request = http()
        .request(method, format!("{}{path}", emu.url()))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.send().await.unwrap()
}

/// Asserts the answer is JSON (by content type and by body) and returns status and body.
async fn json_answer(response: Response) -> (u16, Value) {
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let url = response.url().clone();
    assert!(
        content_type.starts_with("application/json"),
        "{url}: content type {content_type:?}"
    );
    status_json(response).await
}

/// Asserts the admin (and unknown-path) error shape `{"error", "message"}`.
fn assert_admin_error(body: &Value, code: &str) {
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

/// Checks an error body's shape.
type ShapeCheck = fn(&Value);

/// Asserts the OAuth error shape `{"error", "error_description"}`.
fn assert_oauth_error(body: &Value, code: &str) {
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

/// Asserts the SCX error shape `{"errorList": [{code, message, severity, hint}]}`.
fn assert_scx_error(body: &Value, code: &str) {
    let list = body["errorList"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(list.len(), 1, "{body}");
    assert_eq!(list[0]["code"], code, "{body}");
    assert!(
        list[0]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(list[0]["severity"], "error", "{body}");
}

/// Asserts the Wawi error shape `{"ErrorCode", "ErrorMessage", "ValidationErrors"}`.
fn assert_wawi_error(body: &Value, code: &str) {
    assert_eq!(body["ErrorCode"], code, "{body}");
    assert!(
        body["ErrorMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["ValidationErrors"].is_object(), "{body}");
}

/// `GET /erp/v2{path}` with a token and a tenant of choice.
async fn erp_get_for(emu: &Emulator, token: &str, tenant: &str, path: &str) -> Response {
    http()
        .get(format!("{}{path}", emu.api_base()))
        .bearer_auth(token)
        .header("X-Tenant-ID", tenant)
        .send()
        .await
        .unwrap()
}

/// `POST /erp/v2/items` with a token and a JSON body.
async fn create_item(emu: &Emulator, token: &str, item: &Value) -> Response {
    http()
        .post(format!("{}/items", emu.api_base()))
        .bearer_auth(token)
        .header("X-Tenant-ID", TENANT)
        .json(item)
        .send()
        .await
        .unwrap()
}

/// A token of `id`, asserting the grant succeeds.
async fn token_of(emu: &Emulator, id: &str, secret: &str) -> String {
    let (status, body) = json_answer(token_response(emu, id, secret).await).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn summary_lists_the_demo_credentials_and_urls() {
    let emu = start().await;
    let (status, body) = json_answer(raw(&emu, Method::GET, "/_emulator", None, "").await).await;
    assert_eq!(status, 200, "{body}");
    let url = emu.url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(body["url"], url);
    assert_eq!(body["token_url"], emu.token_url());
    assert_eq!(body["api_base"], emu.api_base());
    assert_eq!(body["jwks_url"], emu.jwks_url());
    assert_eq!(body["scx_base"], emu.scx_base());
    assert_eq!(body["wawi_base"], emu.wawi_base());
    assert_eq!(body["client_id"], config::DEMO_CLIENT_ID);
    assert_eq!(body["client_secret"], config::DEMO_CLIENT_SECRET);
    assert_eq!(body["tenant_id"], config::DEMO_TENANT_ID);
    assert_eq!(body["second_tenant_id"], config::DEMO_SECOND_TENANT_ID);
    assert_eq!(body["foreign_tenant_id"], config::FOREIGN_TENANT_ID);
    assert_eq!(body["wawi_api_key"], config::DEMO_WAWI_API_KEY);
    assert_eq!(body["scx_refresh_token"], config::DEMO_SCX_REFRESH_TOKEN);

    // The credentials it lists work.
    let token = token_of(
        &emu,
        body["client_id"].as_str().unwrap(),
        body["client_secret"].as_str().unwrap(),
    )
    .await;
    let tenant = body["tenant_id"].as_str().unwrap();
    let (status, info) = json_answer(erp_get_for(&emu, &token, tenant, "/info").await).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["tenantId"], tenant);

    // The admin API is not counted.
    assert_eq!(emu.stats().get(Service::Admin), 0);
}

#[tokio::test]
async fn settings_can_be_read_and_patched() {
    let emu = start().await;
    let (status, body) = admin(&emu, Method::GET, "/settings", None).await;
    assert_eq!(status, 200);
    assert_eq!(body, serde_json::to_value(Settings::default()).unwrap());

    let (status, body) = admin(
        &emu,
        Method::PATCH,
        "/settings",
        Some(json!({ "rate_limit": 2, "rate_limit_interval_secs": 30 })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rate_limit"], 2);
    assert_eq!(body["rate_limit_interval_secs"], 30);
    assert_eq!(body["token_lifetime_secs"], 3600, "untouched fields stay");
    let expected = Settings {
        rate_limit: 2,
        rate_limit_interval_secs: 30,
        ..Settings::default()
    };
    assert_eq!(emu.settings(), expected);
    let (_, body) = admin(&emu, Method::GET, "/settings", None).await;
    assert_eq!(body, serde_json::to_value(&expected).unwrap());

    // The new limit applies at once.
    let token = access_token(&emu).await;
    for remaining in ["1", "0"] {
        let response = erp_get(&emu, &token, "/info").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-ratelimit-limit"], "2");
        assert_eq!(
            response.headers()["x-ratelimit-interval-length-seconds"],
            "30"
        );
        assert_eq!(response.headers()["x-ratelimit-remaining"], remaining);
    }
    let response = erp_get(&emu, &token, "/info").await;
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 429, "{body}");
    assert_erp_error(&body, "TOO_MANY_REQUESTS");

    // Bad patches are refused with a JSON error and change nothing.
    let refused = [
        (json!({ "nope": 1 }), Some("nope")),
        (json!({ "rate_limit": "many" }), Some("many")),
        (json!({ "rate_limit": -1 }), None),
        (json!({ "rate_limit": 1.5 }), None),
        (json!({ "latency_ms": null }), None),
        (json!({ "session_issuer": 7 }), None),
        (json!([{ "rate_limit": 5 }]), None),
        (json!("rate_limit=5"), None),
    ];
    for (patch, mentioned) in refused {
        let (status, body) = admin(&emu, Method::PATCH, "/settings", Some(patch.clone())).await;
        assert_eq!(status, 400, "{patch}: {body}");
        assert_admin_error(&body, "invalid_input");
        if let Some(word) = mentioned {
            assert!(body["message"].as_str().unwrap().contains(word), "{body}");
        }
    }
    let (status, body) = json_answer(
        raw(
            &emu,
            Method::PATCH,
            "/_emulator/settings",
            Some("application/json"),
            "{\"rate_limit\":",
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_admin_error(&body, "invalid_input");
    assert_eq!(emu.settings(), expected);

    // An empty patch changes nothing; the Rust API patches the same way.
    let (status, body) = admin(&emu, Method::PATCH, "/settings", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::to_value(&expected).unwrap());
    let updated = emu
        .update_settings(json!({ "wawi_auto_approve_ms": 250 }))
        .unwrap();
    assert_eq!(updated.wawi_auto_approve_ms, Some(250));
    assert!(emu.update_settings(json!({ "rate_limit": "x" })).is_err());
    assert!(emu.update_settings(json!({ "bogus": true })).is_err());
    assert_eq!(emu.settings().wawi_auto_approve_ms, Some(250));
    assert_eq!(emu.settings().rate_limit, 2);
}

#[tokio::test]
async fn registered_client_gets_tokens_for_its_tenants_only() {
    let emu = start().await;
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/clients",
        Some(json!({
            "client_id": "it-admin-client",
            "client_secret": "it-secret",
            "tenants": [config::DEMO_SECOND_TENANT_ID],
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body, json!({ "client_id": "it-admin-client" }));

    let token = token_of(&emu, "it-admin-client", "it-secret").await;
    let (status, body) =
        json_answer(erp_get_for(&emu, &token, config::DEMO_SECOND_TENANT_ID, "/info").await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenantId"], config::DEMO_SECOND_TENANT_ID);

    for tenant in [config::DEMO_TENANT_ID, config::FOREIGN_TENANT_ID] {
        let (status, body) = json_answer(erp_get_for(&emu, &token, tenant, "/info").await).await;
        assert_eq!(status, 403, "{tenant}: {body}");
        assert_erp_error(&body, "TENANT_FORBIDDEN");
    }

    // A wrong secret is refused.
    let (status, body) = json_answer(token_response(&emu, "it-admin-client", "wrong").await).await;
    assert_eq!(status, 401, "{body}");
    assert_oauth_error(&body, "invalid_client");

    // Registering again replaces the client: new secret, new tenants.
    emu.register_client(jtl_emulator::ClientSpec {
        client_id: "it-admin-client".into(),
        client_secret: "other-secret".into(),
        tenants: vec![config::DEMO_TENANT_ID.into()],
        scopes: None,
    })
    .unwrap();
    let (status, _) = json_answer(token_response(&emu, "it-admin-client", "it-secret").await).await;
    assert_eq!(status, 401);
    let token = token_of(&emu, "it-admin-client", "other-secret").await;
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 200);
    let response = erp_get_for(&emu, &token, config::DEMO_SECOND_TENANT_ID, "/info").await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn deleted_client_loses_its_tokens() {
    let emu = start().await;
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/clients",
        Some(json!({ "client_id": "short-lived", "client_secret": "s", "tenants": [TENANT] })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let token = token_of(&emu, "short-lived", "s").await;
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 200);

    let (status, body) = admin(&emu, Method::DELETE, "/clients/short-lived", None).await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(body, Value::Null);

    let (status, body) = json_answer(erp_get(&emu, &token, "/info").await).await;
    assert_eq!(status, 401, "{body}");
    assert_erp_error(&body, "UNAUTHORIZED");
    let response = http()
        .get(emu.jwks_url())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let response = token_response(&emu, "short-lived", "s").await;
    assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 401, "{body}");
    assert_oauth_error(&body, "invalid_client");

    // Deleting again: 404 in the admin shape.
    let (status, body) = admin(&emu, Method::DELETE, "/clients/short-lived", None).await;
    assert_eq!(status, 404, "{body}");
    assert_admin_error(&body, "not_found");

    // The demo client is unaffected.
    let demo = access_token(&emu).await;
    assert_eq!(erp_get(&emu, &demo, "/info").await.status(), 200);
}

#[tokio::test]
async fn client_scopes_limit_what_it_may_do() {
    let emu = start().await;
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/clients",
        Some(json!({
            "client_id": "reader",
            "client_secret": "r",
            "tenants": [TENANT],
            "scopes": ["items.read"],
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let token = token_of(&emu, "reader", "r").await;

    let (status, body) = json_answer(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["items"]
            .as_array()
            .is_some_and(|items| !items.is_empty()),
        "{body}"
    );
    let first = nth_id(&emu, &token, "items", 0).await;
    let (status, body) = json_answer(erp_get(&emu, &token, &format!("/items/{first}")).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], first.as_str());
    // `/info` needs no scope.
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 200);

    let item = json!({ "sKU": "IT-SCOPE-1", "name": "Scoped", "price": 1.0 });
    let (status, body) = json_answer(create_item(&emu, &token, &item).await).await;
    assert_eq!(status, 403, "{body}");
    assert_erp_error(&body, "MISSING_SCOPE");
    let (status, body) = json_answer(erp_get(&emu, &token, "/customers").await).await;
    assert_eq!(status, 403, "{body}");
    assert_erp_error(&body, "MISSING_SCOPE");

    // The demo client (all scopes) may create that item; nothing was created before.
    let demo = access_token(&emu).await;
    let (status, body) = json_answer(create_item(&emu, &demo, &item).await).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(emu.stats().created("items"), 1, "{body}");
}

#[tokio::test]
async fn client_registration_is_validated() {
    let emu = start().await;
    let refused = [
        json!({ "client_id": "a:b", "client_secret": "s" }),
        json!({ "client_id": "", "client_secret": "s" }),
        json!({ "client_id": "c", "client_secret": "" }),
        json!({ "client_id": "c" }),
        json!({ "client_secret": "s" }),
        json!({ "client_id": "c", "client_secret": "s", "tenants": "all" }),
        json!({ "client_id": "c", "client_secret": "s", "scopes": "items.read" }),
        json!({ "client_id": "c", "client_secret": "s", "role": "admin" }),
        json!({ "client_id": 7, "client_secret": "s" }),
        json!("c:s"),
    ];
    for spec in refused {
        let (status, body) = admin(&emu, Method::POST, "/clients", Some(spec.clone())).await;
        assert_eq!(status, 400, "{spec}: {body}");
        assert_admin_error(&body, "invalid_input");
    }
    let (status, _) = json_answer(token_response(&emu, "c", "s").await).await;
    assert_eq!(status, 401);
    assert!(emu
        .register_client(jtl_emulator::ClientSpec {
            client_id: "x:y".into(),
            client_secret: "s".into(),
            tenants: Vec::new(),
            scopes: None,
        })
        .is_err());
}

#[tokio::test]
async fn reset_restores_the_state_at_start() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let item = json!({ "sKU": "IT-RESET-1", "name": "Reset me", "price": 2.5 });
    let (status, created) = json_answer(create_item(&emu, &token, &item).await).await;
    assert_eq!(status, 201, "{created}");
    let created_id = created["id"].as_str().unwrap().to_owned();
    let first = nth_id(&emu, &token, "items", 0).await;
    let response = http()
        .delete(format!("{}/items/{first}", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, page) = json_answer(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(page["totalItems"], 60, "{page}");

    let (status, _) = admin(
        &emu,
        Method::POST,
        "/clients",
        Some(json!({ "client_id": "temp", "client_secret": "t", "tenants": [TENANT] })),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = admin(
        &emu,
        Method::PATCH,
        "/settings",
        Some(json!({ "latency_ms": 5 })),
    )
    .await;
    assert_eq!(status, 200);
    emu.inject_fault(Fault::status(Service::Jwks, 500).times(0))
        .unwrap();
    emu.inject_fault(Fault::status(Service::Api, 500).times(3))
        .unwrap();
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 500);
    assert!(emu.stats().get(Service::Api) > 0);
    assert_eq!(emu.stats().faults_served(), 1);

    let (status, body) = admin(&emu, Method::POST, "/reset", None).await;
    assert_eq!(status, 204, "{body}");

    // Counters: all zero, no routes.
    let (status, stats) = admin(&emu, Method::GET, "/stats", None).await;
    assert_eq!(status, 200);
    for service in [
        "token",
        "api",
        "jwks",
        "scx_auth",
        "scx",
        "wawi",
        "wawi_registration",
    ] {
        assert_eq!(stats[service], 0, "{service}: {stats}");
    }
    assert_eq!(stats["faults_served"], 0, "{stats}");
    assert_eq!(stats["routes"], json!({}), "{stats}");
    // Faults: none armed.
    let (_, faults) = admin(&emu, Method::GET, "/faults", None).await;
    assert_eq!(faults["faults"], json!([]), "{faults}");
    // Settings: as at start.
    assert_eq!(emu.settings(), Settings::default());
    // Clients: only the demo client.
    let (status, _) = json_answer(token_response(&emu, "temp", "t").await).await;
    assert_eq!(status, 401);

    // Catalogue: seeded again. Tokens issued before the reset still work (keys are kept).
    let (status, page) = json_answer(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["totalItems"], 60, "{page}");
    let (status, _) =
        json_answer(erp_get(&emu, &token, &format!("/items/{created_id}")).await).await;
    assert_eq!(status, 404);
    let (status, first) =
        json_answer(erp_get(&emu, &token, &format!("/items/{first}")).await).await;
    assert_eq!(status, 200);
    assert_eq!(first["sKU"], "EMU-0001");
    let (status, _) = json_answer(create_item(&emu, &token, &item).await).await;
    assert_eq!(status, 201, "the sku is free again");
    let response = http()
        .get(emu.jwks_url())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // The Rust API resets the same way.
    emu.inject_fault(Fault::status(Service::Api, 500).times(0))
        .unwrap();
    emu.reset();
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 200);
    assert_eq!(emu.stats().get(Service::Api), 1);
}

#[tokio::test]
async fn stats_count_requests_per_service_and_route() {
    let emu = start().await;
    let token = access_token(&emu).await; // token 1
    let _ = token_response(&emu, emu.client_id(), "wrong").await; // token 2 (refused, counted)
    erp_get(&emu, &token, "/info").await; // api
    erp_get(&emu, &token, "/items").await; // api
    erp_get(&emu, &token, "/customers").await; // api
    erp_get(&emu, &token, "/items/3").await; // api
    http()
        .get(emu.jwks_url())
        .bearer_auth(&token)
        .send()
        .await
        .unwrap(); // jwks
    let scx = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("refreshToken={}", emu.scx_refresh_token()))
        .send()
        .await
        .unwrap(); // scx_auth
    let (_, scx) = json_answer(scx).await;
    let scx_token = scx["authToken"].as_str().unwrap();
    for _ in 0..2 {
        http()
            .get(format!("{}/channel/event", emu.scx_base()))
            .bearer_auth(scx_token)
            .send()
            .await
            .unwrap(); // scx
    }
    for path in ["/v1/items", "/v1/items/1", "/v1/customers"] {
        http()
            .get(format!("{}{path}", emu.wawi_base()))
            .header(
                header::AUTHORIZATION,
                format!("Wawi {}", emu.wawi_api_key()),
            )
            .header("api-version", "1.0")
            .send()
            .await
            .unwrap(); // wawi
    }
    let response = http()
        .post(format!("{}/v1/authentication", emu.wawi_base()))
        .header("X-ChallengeCode", "it-stats")
        .json(&json!({ "AppId": "it", "DisplayName": "IT", "Version": "1", "MandatoryApiScopes": [] }))
        .send()
        .await
        .unwrap(); // wawi_registration
    assert_eq!(response.status(), 200);
    // Not counted: admin calls and paths of no service.
    admin(&emu, Method::GET, "/settings", None).await;
    raw(&emu, Method::GET, "/nope", None, "").await;

    let expected_services = [
        ("token", 2),
        ("api", 4),
        ("jwks", 1),
        ("scx_auth", 1),
        ("scx", 2),
        ("wawi", 3),
        ("wawi_registration", 1),
    ];
    let (status, stats) = admin(&emu, Method::GET, "/stats", None).await;
    assert_eq!(status, 200);
    for (service, count) in expected_services {
        assert_eq!(stats[service], count, "{service}: {stats}");
    }
    assert_eq!(stats["faults_served"], 0);
    assert_eq!(
        stats["routes"],
        json!({
            "POST /oauth2/token": 2,
            "GET /erp/v2/info": 1,
            "GET /erp/v2/{resource}": 2,
            "GET /erp/v2/{resource}/{id}": 1,
            "GET /account/.well-known/jwks.json": 1,
            "POST /v1/auth": 1,
            "GET /v1/channel/event": 2,
            "GET /api/eazybusiness/v1/{resource}": 2,
            "GET /api/eazybusiness/v1/{resource}/{id}": 1,
            "POST /api/eazybusiness/v1/authentication": 1,
        }),
        "{stats}"
    );

    // The Rust API agrees.
    let rust = emu.stats();
    for (service, count) in [
        (Service::Token, 2),
        (Service::Api, 4),
        (Service::Jwks, 1),
        (Service::ScxAuth, 1),
        (Service::Scx, 2),
        (Service::Wawi, 3),
        (Service::WawiRegistration, 1),
        (Service::Admin, 0),
        (Service::Unknown, 0),
    ] {
        assert_eq!(rust.get(service), count, "{service:?}");
    }
    assert_eq!(rust.route("GET /erp/v2/{resource}"), 2);
    assert_eq!(rust.route("POST /oauth2/token"), 2);
}

#[tokio::test]
async fn malformed_json_bodies_get_json_errors() {
    let emu = start().await;
    let garbage = ["{", "{\"client_id\": ", "not json", "\u{0}\u{1}", "{}}"];
    let endpoints = [
        (Method::POST, "/_emulator/clients"),
        (Method::POST, "/_emulator/faults"),
        (Method::PATCH, "/_emulator/settings"),
        (Method::POST, "/_emulator/session-tokens"),
        (Method::POST, "/_emulator/keys/rotate"),
        (Method::POST, "/_emulator/wawi/api-keys"),
        (Method::POST, "/_emulator/scx/refresh-tokens"),
        (Method::POST, "/_emulator/scx/events"),
        (Method::POST, "/_emulator/wawi/registrations/nope/approve"),
    ];
    for (method, path) in endpoints {
        for body in garbage {
            let response = raw(&emu, method.clone(), path, Some("application/json"), body).await;
            let (status, answer) = json_answer(response).await;
            assert_eq!(status, 400, "{method} {path} {body:?}: {answer}");
            assert_admin_error(&answer, "invalid_input");
        }
        // Invalid UTF-8 as well.
        let response = raw(
            &emu,
            method.clone(),
            path,
            Some("application/json"),
            vec![0xff, 0xfe, b'{'],
        )
        .await;
        let (status, answer) = json_answer(response).await;
        assert_eq!(status, 400, "{method} {path}: {answer}");
    }

    let token = access_token(&emu).await;
    for body in garbage {
        let response = http()
            .post(format!("{}/items", emu.api_base()))
            .bearer_auth(&token)
            .header("X-Tenant-ID", TENANT)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, answer) = json_answer(response).await;
        assert_eq!(status, 400, "{body:?}: {answer}");
        assert_erp_error(&answer, "INVALID_JSON");
    }
    // Valid JSON that is not an object.
    let (status, answer) = json_answer(create_item(&emu, &token, &json!([1, 2])).await).await;
    assert_eq!(status, 400, "{answer}");
    assert_erp_error(&answer, "INVALID_JSON");
    // PUT and PATCH too.
    for method in [Method::PUT, Method::PATCH] {
        let response = http()
            .request(
                method.clone(),
                format!(
                    "{}/items/{}",
                    emu.api_base(),
                    nth_id(&emu, &token, "items", 0).await
                ),
            )
            .bearer_auth(&token)
            .header("X-Tenant-ID", TENANT)
            .header(header::CONTENT_TYPE, "application/json")
            .body("{\"name\": ")
            .send()
            .await
            .unwrap();
        let (status, answer) = json_answer(response).await;
        assert_eq!(status, 400, "{method}: {answer}");
        assert_erp_error(&answer, "INVALID_JSON");
    }
    // Nothing was created.
    let (_, page) = json_answer(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(page["totalItems"], 60);

    // Wawi registration and the token endpoint answer garbage in their own shapes.
    let response = http()
        .post(format!("{}/v1/authentication", emu.wawi_base()))
        .header("X-ChallengeCode", "it")
        .header(header::CONTENT_TYPE, "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let (status, answer) = json_answer(response).await;
    assert_eq!(status, 400, "{answer}");
    assert_wawi_error(&answer, "INVALID_JSON");
    let response = http()
        .post(emu.token_url())
        .basic_auth(emu.client_id(), Some(emu.client_secret()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'&', b'=', b'%'])
        .send()
        .await
        .unwrap();
    let (status, answer) = json_answer(response).await;
    assert_eq!(status, 400, "{answer}");
    assert_oauth_error(&answer, "invalid_request");
}

#[tokio::test]
async fn oversized_bodies_get_413_json() {
    let emu = start().await;
    let token = access_token(&emu).await;

    let response = http()
        .post(emu.token_url())
        .basic_auth(emu.client_id(), Some(emu.client_secret()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=client_credentials&pad={}",
            "a".repeat(TOO_BIG)
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 413, "{body}");
    assert_oauth_error(&body, "invalid_request");

    let item =
        json!({ "sKU": "IT-BIG", "name": "Big", "price": 1.0, "description": "x".repeat(TOO_BIG) });
    let (status, body) = json_answer(create_item(&emu, &token, &item).await).await;
    assert_eq!(status, 413, "{body}");
    assert_erp_error(&body, "PAYLOAD_TOO_LARGE");

    let spec = json!({ "client_id": "big", "client_secret": "x".repeat(TOO_BIG) });
    let (status, body) = json_answer(
        raw(
            &emu,
            Method::POST,
            "/_emulator/clients",
            Some("application/json"),
            spec.to_string(),
        )
        .await,
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_admin_error(&body, "PAYLOAD_TOO_LARGE");

    let response = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!(
            "refreshToken={}&pad={}",
            emu.scx_refresh_token(),
            "a".repeat(TOO_BIG)
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 413, "{body}");
    assert_scx_error(&body, "VAL100");

    // Exactly 1 MiB is accepted (blank: an empty admin body, so a missing-field error).
    let blank = " ".repeat(TOO_BIG - 1);
    let (status, body) = json_answer(
        raw(
            &emu,
            Method::POST,
            "/_emulator/clients",
            Some("application/json"),
            blank,
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_admin_error(&body, "invalid_input");

    // Nothing was created and the emulator still serves.
    let (status, page) = json_answer(erp_get(&emu, &token, "/items").await).await;
    assert_eq!(status, 200);
    assert_eq!(page["totalItems"], 60);
    let (status, _) = json_answer(token_response(&emu, "big", "x").await).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn unknown_routes_get_404_json_in_the_services_shape() {
    let emu = start().await;
    let token = access_token(&emu).await;

    for (method, path) in [
        (Method::GET, "/nope"),
        (Method::POST, "/nope/deeper"),
        (Method::GET, "/"),
    ] {
        let (status, body) = json_answer(raw(&emu, method, path, None, "").await).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_admin_error(&body, "NOT_FOUND");
    }
    let (status, body) =
        json_answer(raw(&emu, Method::GET, "/_emulator/nope", None, "").await).await;
    assert_eq!(status, 404, "{body}");
    assert_admin_error(&body, "NOT_FOUND");

    for path in [
        "/erp/v2/nope",
        "/erp/v2/nope/1",
        "/erp/v2/items/1/extra",
        "/erp/v2",
    ] {
        let (status, body) = json_answer(
            http()
                .get(format!("{}{path}", emu.url()))
                .bearer_auth(&token)
                .header("X-Tenant-ID", TENANT)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_erp_error(&body, "NOT_FOUND");
    }
    // Unknown record ids: 404 too.
    for path in ["/items/999999", "/items/abc", "/items/-1"] {
        let (status, body) = json_answer(erp_get(&emu, &token, path).await).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_erp_error(&body, "NOT_FOUND");
    }

    for (method, path) in [
        (Method::GET, "/v1/nope"),
        (Method::POST, "/v1/channel/nope"),
    ] {
        let (status, body) = json_answer(raw(&emu, method, path, None, "").await).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_scx_error(&body, "VAL100");
    }

    let (status, body) =
        json_answer(raw(&emu, Method::GET, "/api/eazybusiness/nope", None, "").await).await;
    assert_eq!(status, 404, "{body}");
    assert_wawi_error(&body, "NOT_FOUND");
    let response = http()
        .get(format!("{}/v1/nope", emu.wawi_base()))
        .header(
            header::AUTHORIZATION,
            format!("Wawi {}", emu.wawi_api_key()),
        )
        .header("api-version", "1.0")
        .send()
        .await
        .unwrap();
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 404, "{body}");
    assert_wawi_error(&body, "NOT_FOUND");
}

#[tokio::test]
async fn wrong_methods_get_405_json() {
    let emu = start().await;
    let token = access_token(&emu).await;

    let response = raw(&emu, Method::GET, "/oauth2/token", None, "").await;
    let allow = response.headers()[header::ALLOW]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allow.contains("POST"), "{allow}");
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 405, "{body}");
    assert_oauth_error(&body, "invalid_request");

    let response = http()
        .delete(format!("{}/info", emu.api_base()))
        .bearer_auth(&token)
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap();
    let allow = response.headers()[header::ALLOW]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(allow.contains("GET"), "{allow}");
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 405, "{body}");
    assert_erp_error(&body, "METHOD_NOT_ALLOWED");

    let cases: [(Method, &str, ShapeCheck); 6] = [
        (Method::PUT, "/erp/v2/items", |b| {
            assert_erp_error(b, "METHOD_NOT_ALLOWED")
        }),
        (Method::POST, "/account/.well-known/jwks.json", |b| {
            assert_erp_error(b, "METHOD_NOT_ALLOWED")
        }),
        (Method::GET, "/v1/auth", |b| assert_scx_error(b, "VAL100")),
        (Method::DELETE, "/api/eazybusiness/v1/items", |b| {
            assert_wawi_error(b, "METHOD_NOT_ALLOWED")
        }),
        (Method::GET, "/_emulator/reset", |b| {
            assert_admin_error(b, "METHOD_NOT_ALLOWED")
        }),
        (Method::PUT, "/_emulator/faults", |b| {
            assert_admin_error(b, "METHOD_NOT_ALLOWED")
        }),
    ];
    for (method, path, check) in cases {
        let response = raw(&emu, method.clone(), path, None, "").await;
        assert!(
            response.headers().contains_key(header::ALLOW),
            "{method} {path}"
        );
        let (status, body) = json_answer(response).await;
        assert_eq!(status, 405, "{method} {path}: {body}");
        check(&body);
    }
}

#[tokio::test]
async fn garbage_headers_and_queries_get_json_errors() {
    let emu = start().await;
    let token = access_token(&emu).await;
    let api = emu.api_base();
    let cases = [
        // (authorization, tenant, path, status, code)
        (
            Some("Bearer".to_owned()),
            Some(TENANT),
            "/info",
            401,
            "UNAUTHORIZED",
        ),
        (
            Some("Bearer not.a.jwt".to_owned()),
            Some(TENANT),
            "/info",
            401,
            "UNAUTHORIZED",
        ),
        (
            Some(format!("Basic {token}")),
            Some(TENANT),
            "/info",
            401,
            "UNAUTHORIZED",
        ),
        (None, Some(TENANT), "/items", 401, "UNAUTHORIZED"),
        (
            Some(format!("Bearer {token}")),
            None,
            "/info",
            400,
            "TenantIdMissing",
        ),
        (
            Some(format!("Bearer {token}")),
            Some("   "),
            "/info",
            400,
            "TenantIdMissing",
        ),
        (
            Some(format!("Bearer {token}")),
            Some("not-a-tenant"),
            "/info",
            403,
            "TENANT_FORBIDDEN",
        ),
        (
            Some(format!("Bearer {token}")),
            Some(TENANT),
            "/items?pageSize=abc",
            400,
            "VALIDATION_ERROR",
        ),
        (
            Some(format!("Bearer {token}")),
            Some(TENANT),
            "/items?pageNumber=0&pageSize=101",
            400,
            "VALIDATION_ERROR",
        ),
    ];
    for (authorization, tenant, path, status, code) in cases {
        let mut request = http().get(format!("{api}{path}"));
        if let Some(authorization) = &authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        if let Some(tenant) = tenant {
            request = request.header("X-Tenant-ID", tenant);
        }
        let (got, body) = json_answer(request.send().await.unwrap()).await;
        assert_eq!(got, status, "{path} {tenant:?}: {body}");
        assert_erp_error(&body, code);
    }
    // Non-ASCII header bytes.
    let response = http()
        .get(format!("{api}/info"))
        .bearer_auth(&token)
        .header(
            "X-Tenant-ID",
            header::HeaderValue::from_bytes(b"\xfftenant").unwrap(),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 400, "{body}");
    let response = http()
        .post(emu.token_url())
        .header(
            header::AUTHORIZATION,
            header::HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap(),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 400, "{body}");
    assert_oauth_error(&body, "invalid_request");

    // A path parameter that is not UTF-8.
    let (status, body) = json_answer(erp_get(&emu, &token, "/items/%FF").await).await;
    assert_eq!(status, 400, "{body}");
    assert_erp_error(&body, "BAD_REQUEST");

    // Still serving.
    assert_eq!(erp_get(&emu, &token, "/info").await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_token_requests_all_succeed() {
    let emu = start().await;
    let client = http();
    let url = emu.token_url();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..1_000 {
        let request = client
            .post(&url)
            .basic_auth(emu.client_id(), Some(emu.client_secret()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials");
        tasks.spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body["access_token"].as_str().map(str::to_owned))
        });
    }
    let mut tokens = std::collections::HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let (status, token) = joined.unwrap();
        assert_eq!(status, 200);
        tokens.insert(token.unwrap());
    }
    assert_eq!(tokens.len(), 1_000, "every token is distinct");
    let stats = emu.stats();
    assert_eq!(stats.get(Service::Token), 1_000);
    assert_eq!(stats.route("POST /oauth2/token"), 1_000);
    assert_eq!(stats.faults_served(), 0);
    let (_, body) = admin(&emu, Method::GET, "/stats", None).await;
    assert_eq!(body["token"], 1_000, "{body}");
}

/// Kills the child process when dropped, also when an assertion fails.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn binary_prints_its_url_first_and_serves_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jtl-emulator"))
        .args(["--port", "0"])
        .env_remove("JTL_EMULATOR_PORT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the emulator binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut child = KillOnDrop(child);
    let (lines, first_line) = mpsc::channel();
    // Read the first line, then keep draining so the child never writes into a closed pipe.
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = lines.send(line);
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
    });
    let line =
        tokio::task::spawn_blocking(move || first_line.recv_timeout(Duration::from_secs(60)))
            .await
            .unwrap()
            .expect("a first line within a minute");
    let line = line.trim_end();
    let port = line
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let port: u16 = port
        .parse()
        .unwrap_or_else(|_| panic!("no port in {line:?}"));
    assert_ne!(port, 0);
    let url = format!("http://127.0.0.1:{port}");

    let response = http()
        .post(format!("{url}/oauth2/token"))
        .basic_auth(config::DEMO_CLIENT_ID, Some(config::DEMO_CLIENT_SECRET))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    let (status, body) = json_answer(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3),
        "{body}"
    );

    let (status, summary) =
        json_answer(http().get(format!("{url}/_emulator")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(summary["url"], url);

    // Killed, it stops listening.
    child.0.kill().unwrap();
    let exit = child.0.wait().unwrap();
    assert!(!exit.success());
    let refused = http()
        .get(format!("{url}/_emulator"))
        .timeout(Duration::from_secs(5))
        .send()
        .await;
    assert!(refused.is_err(), "{refused:?}");
}
