use crate::support::*;

use std::time::{Duration, Instant};

use jtl_emulator::{Emulator, Fault, FaultKind, Service};
use reqwest::{header, Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};

/// Every service a fault can target, in the order of `/_emulator/stats`.
const SERVICES: [Service; 7] = [
    Service::Token,
    Service::Api,
    Service::Jwks,
    Service::ScxAuth,
    Service::Scx,
    Service::Wawi,
    Service::WawiRegistration,
];

/// Tokens for a normal request to every service, fetched before any fault is armed.
struct Creds {
    access: String,
    scx: String,
}

async fn creds(emu: &Emulator) -> Creds {
    let access = access_token(emu).await;
    let response = request(&http(), emu, None, Service::ScxAuth)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200, "{body}");
    Creds {
        access,
        scx: body["authToken"].as_str().unwrap().to_owned(),
    }
}

/// A well-formed request to `service` that succeeds when no fault is armed.
/// `creds` may be `None` for the services that need no token (token, scx_auth, wawi*).
fn request(
    client: &Client,
    emu: &Emulator,
    creds: Option<&Creds>,
    service: Service,
) -> RequestBuilder {
    let access = || creds.map(|c| c.access.clone()).unwrap_or_default();
    match service {
        Service::Token => client
            .post(emu.token_url())
            .basic_auth(emu.client_id(), Some(emu.client_secret()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials"),
        Service::Api => client
            .get(format!("{}/info", emu.api_base()))
            .bearer_auth(access())
            .header("X-Tenant-ID", TENANT),
        Service::Jwks => client.get(emu.jwks_url()).bearer_auth(access()),
        Service::ScxAuth => client
            .post(format!("{}/auth", emu.scx_base()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(format!("refreshToken={}", emu.scx_refresh_token())),
        Service::Scx => client
            .get(format!("{}/channel/event", emu.scx_base()))
            .bearer_auth(creds.map(|c| c.scx.clone()).unwrap_or_default()),
        Service::Wawi => client
            .get(format!("{}/v1/items", emu.wawi_base()))
            .header(
                header::AUTHORIZATION,
                format!("Wawi {}", emu.wawi_api_key()),
            )
            .header("x-appid", "it-faults-app/1.0.0")
            .header("x-appversion", "1.0.0"),
        Service::WawiRegistration => client
            .post(format!("{}/v1/authentication", emu.wawi_base()))
            .header("X-ChallengeCode", "it-faults-challenge")
            .header("tenant-id", jtl_emulator::config::DEMO_TENANT_ID)
            .json(&json!({
                "AppId": "it-faults-app",
                "DisplayName": "Fault tests",
                "Description": "Fault tests",
                "Version": "1.0.0",
                "ProviderName": "jtl-connect",
                "ProviderWebsite": "https://example.com",
                "AppIcon": "iVBORw0KGgo=",
                "MandatoryApiScopes": ["all.read"],
            })),
        other => panic!("no request for {other:?}"),
    }
}

/// The status of the normal answer: 201 for a Wawi registration request (facts §5.1), else 200.
fn normal_status(service: Service) -> u16 {
    if service == Service::WawiRegistration {
        201
    } else {
        200
    }
}

/// Sends the normal request to `service` with a fresh client.
async fn send(emu: &Emulator, creds: &Creds, service: Service) -> Response {
    request(&http(), emu, Some(creds), service)
        .send()
        .await
        .unwrap()
}

/// `POST /_emulator/faults` with a JSON fault; asserts 201 and returns the fault id.
async fn arm_over_http(emu: &Emulator, fault: Value) -> u64 {
    let (status, body) = admin(emu, Method::POST, "/faults", Some(fault)).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_u64().unwrap()
}

/// `GET /_emulator/faults`: the armed faults.
async fn armed(emu: &Emulator) -> Vec<Value> {
    let (status, body) = admin(emu, Method::GET, "/faults", None).await;
    assert_eq!(status, 200, "{body}");
    body["faults"].as_array().unwrap().clone()
}

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Asserts the error body `service` writes, with `code`.
fn assert_error_shape(service: Service, body: &Value, code: &str) {
    match service {
        Service::Token => {
            let object = body.as_object().unwrap();
            assert_eq!(object.len(), 2, "{body}");
            assert_eq!(body["error"], code, "{body}");
            assert!(
                body["error_description"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{body}"
            );
        }
        Service::Api | Service::Jwks => assert_erp_error(body, code),
        Service::Scx | Service::ScxAuth => {
            let list = body["errorList"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"));
            assert_eq!(list.len(), 1, "{body}");
            let entry = &list[0];
            assert_eq!(entry["code"], code, "{body}");
            assert!(
                entry["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{body}"
            );
            assert_eq!(entry["severity"], "error", "{body}");
            assert!(entry.as_object().unwrap().contains_key("hint"), "{body}");
        }
        Service::Wawi | Service::WawiRegistration => {
            assert_eq!(body["ErrorCode"], code, "{body}");
            assert!(
                body["ErrorMessage"].as_str().is_some_and(|m| !m.is_empty()),
                "{body}"
            );
            assert!(body["ValidationErrors"].is_object(), "{body}");
            assert!(body.get("errorCode").is_none(), "{body}");
        }
        other => panic!("no error shape for {other:?}"),
    }
}

#[tokio::test]
async fn every_service_answers_normally_without_faults() {
    let emu = start().await;
    let creds = creds(&emu).await;
    for service in SERVICES {
        let response = send(&emu, &creds, service).await;
        assert!(
            content_type(&response).starts_with("application/json"),
            "{service:?}"
        );
        let (status, body) = status_json(response).await;
        assert_eq!(status, normal_status(service), "{service:?}: {body}");
    }
    assert_eq!(emu.stats().faults_served(), 0);
}

#[tokio::test]
async fn status_fault_answers_in_each_services_error_shape() {
    let emu = start().await;
    let creds = creds(&emu).await;
    let expected = [
        (Service::Token, 503, "temporarily_unavailable"),
        (Service::Api, 503, "SERVICE_UNAVAILABLE"),
        (Service::Jwks, 503, "SERVICE_UNAVAILABLE"),
        (Service::ScxAuth, 503, "SYS100"),
        (Service::Scx, 503, "SYS100"),
        (Service::Wawi, 503, "SERVICE_UNAVAILABLE"),
        (Service::WawiRegistration, 503, "SERVICE_UNAVAILABLE"),
        (Service::Token, 401, "invalid_client"),
        (Service::Token, 400, "invalid_request"),
        (Service::Api, 401, "UNAUTHORIZED"),
        (Service::Api, 429, "TOO_MANY_REQUESTS"),
        (Service::Api, 500, "INTERNAL_SERVER_ERROR"),
        (Service::Jwks, 401, "UNAUTHORIZED"),
        (Service::ScxAuth, 401, "ATH000"),
        (Service::Scx, 429, "RTL100"),
        (Service::Scx, 400, "VAL100"),
        (Service::Wawi, 401, "UNAUTHORIZED"),
        (Service::WawiRegistration, 500, "INTERNAL_SERVER_ERROR"),
    ];
    for (service, status, code) in expected {
        emu.inject_fault(Fault::status(service, status)).unwrap();
        let response = send(&emu, &creds, service).await;
        assert!(
            content_type(&response).starts_with("application/json"),
            "{service:?} {status}"
        );
        if service == Service::Token {
            assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
            assert_eq!(
                response.headers().contains_key(header::WWW_AUTHENTICATE),
                status == 401,
                "{status}"
            );
        }
        assert!(!response.headers().contains_key(header::RETRY_AFTER));
        let (got, body) = status_json(response).await;
        assert_eq!(got, status, "{service:?}: {body}");
        assert_error_shape(service, &body, code);

        // One request only (the default count): the next one is answered normally.
        let (after, body) = status_json(send(&emu, &creds, service).await).await;
        assert_eq!(
            after,
            normal_status(service),
            "{service:?} after the fault: {body}"
        );
    }
    assert_eq!(emu.stats().faults_served(), expected.len() as u64);
}

#[tokio::test]
async fn status_fault_count_is_respected() {
    let emu = start().await;
    let creds = creds(&emu).await;
    emu.inject_fault(Fault::status(Service::Api, 503).times(2))
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(send(&emu, &creds, Service::Api).await.status().as_u16());
    }
    assert_eq!(statuses, [503, 503, 200, 200]);

    // The same over HTTP, on the token endpoint.
    arm_over_http(
        &emu,
        json!({ "service": "token", "kind": "status", "status": 500, "count": 3 }),
    )
    .await;
    let listed = armed(&emu).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["remaining"], 3);
    assert_eq!(listed[0]["fault"]["service"], "token");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = token_response(&emu, emu.client_id(), emu.client_secret()).await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [500, 500, 500, 200]);
    assert!(armed(&emu).await.is_empty());
    assert_eq!(emu.stats().faults_served(), 5);
}

#[tokio::test]
async fn status_fault_with_count_zero_persists_until_deleted() {
    let emu = start().await;
    let creds = creds(&emu).await;
    let id = arm_over_http(
        &emu,
        json!({ "service": "api", "kind": "status", "status": 500, "count": 0 }),
    )
    .await;
    for n in 0..6 {
        let (status, body) = status_json(send(&emu, &creds, Service::Api).await).await;
        assert_eq!(status, 500, "request {n}: {body}");
        assert_erp_error(&body, "INTERNAL_SERVER_ERROR");
    }
    let listed = armed(&emu).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["remaining"], Value::Null);
    assert_eq!(listed[0]["fault"]["status"], 500);

    // Other services are not affected.
    let (status, _) = status_json(send(&emu, &creds, Service::Jwks).await).await;
    assert_eq!(status, 200);

    let (status, body) = admin(&emu, Method::DELETE, "/faults", None).await;
    assert_eq!(status, 204, "{body}");
    assert!(armed(&emu).await.is_empty());
    let (status, body) = status_json(send(&emu, &creds, Service::Api).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenantId"], TENANT);
    assert_eq!(emu.stats().faults_served(), 6);

    // The Rust API does the same.
    emu.inject_fault(Fault::status(Service::Wawi, 502).times(0))
        .unwrap();
    for _ in 0..3 {
        assert_eq!(send(&emu, &creds, Service::Wawi).await.status(), 502);
    }
    emu.clear_faults();
    assert_eq!(send(&emu, &creds, Service::Wawi).await.status(), 200);
}

#[tokio::test]
async fn faults_are_served_first_armed_first() {
    let emu = start().await;
    let creds = creds(&emu).await;
    let first = emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let second = emu.inject_fault(Fault::status(Service::Api, 429)).unwrap();
    assert!(second > first);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(send(&emu, &creds, Service::Api).await.status().as_u16());
    }
    assert_eq!(statuses, [503, 429, 200]);
}

#[tokio::test]
async fn status_fault_sends_retry_after() {
    let emu = start().await;
    let creds = creds(&emu).await;
    emu.inject_fault(Fault::status(Service::Api, 429).retry_after("7"))
        .unwrap();
    let response = send(&emu, &creds, Service::Api).await;
    assert_eq!(response.headers()[header::RETRY_AFTER], "7");
    let (status, body) = status_json(response).await;
    assert_eq!(status, 429);
    assert_erp_error(&body, "TOO_MANY_REQUESTS");

    // An HTTP date, armed over HTTP, on the token endpoint.
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    arm_over_http(
        &emu,
        json!({ "service": "token", "kind": "status", "status": 503, "retry_after": date }),
    )
    .await;
    let response = send(&emu, &creds, Service::Token).await;
    assert_eq!(response.headers()[header::RETRY_AFTER], date);
    let (status, body) = status_json(response).await;
    assert_eq!(status, 503);
    assert_error_shape(Service::Token, &body, "temporarily_unavailable");

    // Not sent once the fault is used up.
    let response = send(&emu, &creds, Service::Token).await;
    assert_eq!(response.status(), 200);
    assert!(!response.headers().contains_key(header::RETRY_AFTER));
}

#[tokio::test]
async fn status_fault_with_custom_body() {
    let emu = start().await;
    let creds = creds(&emu).await;
    let custom = json!({ "message": "maintenance", "until": "2026-03-01T00:00:00Z", "n": [1, 2] });
    emu.inject_fault(Fault {
        body: Some(custom.clone()),
        ..Fault::status(Service::Wawi, 418)
    })
    .unwrap();
    let response = send(&emu, &creds, Service::Wawi).await;
    assert!(content_type(&response).starts_with("application/json"));
    let (status, body) = status_json(response).await;
    assert_eq!(status, 418);
    assert_eq!(body, custom);

    let scx_body =
        json!({ "errorList": [{ "code": "X1", "message": "custom", "severity": "warning" }] });
    arm_over_http(
        &emu,
        json!({ "service": "scx", "kind": "status", "status": 502, "body": scx_body }),
    )
    .await;
    let (status, body) = status_json(send(&emu, &creds, Service::Scx).await).await;
    assert_eq!(status, 502);
    assert_eq!(body, scx_body);
}

#[tokio::test]
async fn status_fault_with_delay_waits_first() {
    let emu = start().await;
    let creds = creds(&emu).await;
    emu.inject_fault(Fault::status(Service::Api, 503).delay_ms(300))
        .unwrap();
    let started = Instant::now();
    let response = send(&emu, &creds, Service::Api).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delay_fault_trips_a_short_client_timeout() {
    let emu = start().await;
    let creds = creds(&emu).await;
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::Delay).delay_ms(1_000))
        .unwrap();
    let started = Instant::now();
    let error = request(&http(), &emu, Some(&creds), Service::Api)
        .timeout(Duration::from_millis(150))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.status().is_none());
    assert!(started.elapsed() >= Duration::from_millis(150));

    // Without a timeout the same fault only makes the answer late.
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::Delay).delay_ms(1_000))
        .unwrap();
    let started = Instant::now();
    let response = send(&emu, &creds, Service::Api).await;
    assert!(started.elapsed() >= Duration::from_millis(1_000));
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tenantId"], TENANT);

    // Over HTTP, on the token endpoint: late but a valid token answer.
    arm_over_http(
        &emu,
        json!({ "service": "token", "kind": "delay", "delay_ms": 400 }),
    )
    .await;
    let started = Instant::now();
    let (status, body) = status_json(send(&emu, &creds, Service::Token).await).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string(), "{body}");
    assert_eq!(emu.stats().faults_served(), 3);
}

#[tokio::test]
async fn malformed_json_fault_sends_a_complete_answer_that_is_not_json() {
    let emu = start().await;
    let creds = creds(&emu).await;
    for service in [Service::Api, Service::Token, Service::Wawi] {
        emu.inject_fault(Fault::kind(service, FaultKind::MalformedJson))
            .unwrap();
        let response = send(&emu, &creds, service).await;
        assert_eq!(response.status(), 200, "{service:?}");
        // The message itself is complete: the body reads without error.
        let text = response.text().await.unwrap();
        assert!(text.starts_with('{'), "{service:?}: {text}");
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{service:?} parsed: {text}"
        );
        // The next answer is whole again.
        let (status, _) = status_json(send(&emu, &creds, service).await).await;
        assert_eq!(status, 200);
    }

    // reqwest's `json()` reports a decode error.
    arm_over_http(
        &emu,
        json!({ "service": "scx_auth", "kind": "malformed_json" }),
    )
    .await;
    let error = send(&emu, &creds, Service::ScxAuth)
        .await
        .json::<Value>()
        .await
        .unwrap_err();
    assert!(error.is_decode(), "{error:?}");
    assert_eq!(emu.stats().faults_served(), 4);
}

#[tokio::test]
async fn truncated_fault_cuts_the_body_short() {
    let emu = start().await;
    let creds = creds(&emu).await;
    for service in [Service::Api, Service::Token] {
        let full = send(&emu, &creds, service).await.bytes().await.unwrap();
        emu.inject_fault(Fault::kind(service, FaultKind::Truncated))
            .unwrap();
        let response = send(&emu, &creds, service).await;
        assert_eq!(response.status(), 200, "{service:?}");
        let announced: usize = response.headers()[header::CONTENT_LENGTH]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        // The announced length is the real answer's (tokens differ in their `jti` only).
        assert!(
            announced.abs_diff(full.len()) <= 4,
            "{announced} vs {}",
            full.len()
        );
        match response.bytes().await {
            Err(error) => assert!(
                error.is_body() || error.is_decode() || error.is_request(),
                "{error:?}"
            ),
            Ok(bytes) => assert!(
                bytes.len() < announced,
                "{service:?}: got all {} bytes",
                bytes.len()
            ),
        }
        // The emulator goes on serving.
        let (status, _) = status_json(send(&emu, &creds, service).await).await;
        assert_eq!(status, 200);
    }

    arm_over_http(&emu, json!({ "service": "jwks", "kind": "truncated" })).await;
    let result = send(&emu, &creds, Service::Jwks)
        .await
        .json::<Value>()
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(emu.stats().faults_served(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_fault_closes_the_connection_without_an_answer() {
    let emu = start().await;
    let creds = creds(&emu).await;
    // One client for everything: its pool must recover from the dropped connection.
    // Every request has a timeout, so a fault that hangs instead of dropping fails the test.
    let client = http();
    let patience = Duration::from_secs(10);
    let (status, _) = status_json(
        request(&client, &emu, Some(&creds), Service::Api)
            .timeout(patience)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);

    emu.inject_fault(Fault::kind(Service::Api, FaultKind::Drop))
        .unwrap();
    let error = request(&client, &emu, Some(&creds), Service::Api)
        .timeout(patience)
        .send()
        .await
        .unwrap_err();
    assert!(error.status().is_none(), "{error:?}");
    assert!(!error.is_timeout(), "{error:?}");
    assert!(error.is_request() || error.is_connect(), "{error:?}");

    for _ in 0..3 {
        let (status, body) = status_json(
            request(&client, &emu, Some(&creds), Service::Api)
                .timeout(patience)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }

    // Over HTTP, on the token endpoint, twice.
    arm_over_http(
        &emu,
        json!({ "service": "token", "kind": "drop", "count": 2 }),
    )
    .await;
    for _ in 0..2 {
        let error = request(&client, &emu, None, Service::Token)
            .timeout(patience)
            .send()
            .await
            .unwrap_err();
        assert!(error.status().is_none(), "{error:?}");
        assert!(!error.is_timeout(), "{error:?}");
    }
    let (status, body) = status_json(
        request(&client, &emu, None, Service::Token)
            .timeout(patience)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
    assert_eq!(emu.stats().faults_served(), 3);
}

#[tokio::test]
async fn wrong_content_type_fault_answers_an_html_page() {
    let emu = start().await;
    let creds = creds(&emu).await;
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::WrongContentType))
        .unwrap();
    let response = send(&emu, &creds, Service::Api).await;
    assert_eq!(response.status(), 502);
    assert!(
        content_type(&response).starts_with("text/html"),
        "{}",
        content_type(&response)
    );
    let text = response.text().await.unwrap();
    assert!(text.contains("<html"), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err());

    // With a status, over HTTP.
    arm_over_http(
        &emu,
        json!({ "service": "token", "kind": "wrong_content_type", "status": 503 }),
    )
    .await;
    let response = send(&emu, &creds, Service::Token).await;
    assert_eq!(response.status(), 503);
    assert!(content_type(&response).starts_with("text/html"));
    let error = response.json::<Value>().await.unwrap_err();
    assert!(error.is_decode(), "{error:?}");

    // A 200 HTML page, as a captive portal would send.
    emu.inject_fault(Fault {
        status: Some(200),
        ..Fault::kind(Service::Scx, FaultKind::WrongContentType)
    })
    .unwrap();
    let response = send(&emu, &creds, Service::Scx).await;
    assert_eq!(response.status(), 200);
    assert!(content_type(&response).starts_with("text/html"));

    let (status, _) = status_json(send(&emu, &creds, Service::Api).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn expires_in_fault_sets_the_token_lifetime_claimed() {
    let emu = start().await;
    for seconds in [0, -5, 1_000_000_000_000] {
        emu.inject_fault(Fault::expires_in(Service::Token, seconds))
            .unwrap();
        let (status, body) =
            status_json(token_response(&emu, emu.client_id(), emu.client_secret()).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["expires_in"], seconds, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        // The token itself is valid as usual.
        let token = body["access_token"].as_str().unwrap();
        assert_eq!(erp_get(&emu, token, "/info").await.status(), 200);
    }
    let (_, body) =
        status_json(token_response(&emu, emu.client_id(), emu.client_secret()).await).await;
    assert_eq!(body["expires_in"], 3600, "{body}");

    // SCX: `expiresIn`, with the Rust API and over HTTP.
    emu.inject_fault(Fault::expires_in(Service::ScxAuth, -5))
        .unwrap();
    let (status, body) = status_json(
        request(&http(), &emu, None, Service::ScxAuth)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expiresIn"], -5, "{body}");
    assert!(body["authToken"].is_string());

    arm_over_http(
        &emu,
        json!({ "service": "scx_auth", "kind": "expires_in", "expires_in": 1_000_000_000_000_i64 }),
    )
    .await;
    let (_, body) = status_json(
        request(&http(), &emu, None, Service::ScxAuth)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["expiresIn"], 1_000_000_000_000_i64, "{body}");

    arm_over_http(
        &emu,
        json!({ "service": "token", "kind": "expires_in", "expires_in": 0, "count": 2 }),
    )
    .await;
    for _ in 0..2 {
        let (_, body) =
            status_json(token_response(&emu, emu.client_id(), emu.client_secret()).await).await;
        assert_eq!(body["expires_in"], 0, "{body}");
    }
    let (_, body) = status_json(
        request(&http(), &emu, None, Service::ScxAuth)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(body["expiresIn"], 3600, "{body}");
    assert_eq!(emu.stats().faults_served(), 7);
}

#[tokio::test]
async fn invalid_fault_specs_are_refused() {
    let emu = start().await;
    let invalid = [
        Fault::expires_in(Service::Api, 5),
        Fault::expires_in(Service::Wawi, 0),
        Fault::kind(Service::Token, FaultKind::ExpiresIn),
        Fault::kind(Service::Api, FaultKind::Status),
        Fault::kind(Service::Api, FaultKind::Delay),
        Fault::status(Service::Admin, 503),
        Fault::status(Service::Unknown, 503),
        Fault::status(Service::Api, 99),
        Fault::status(Service::Api, 600),
    ];
    for fault in invalid {
        let result = emu.inject_fault(fault.clone());
        assert!(
            matches!(result, Err(jtl_emulator::Error::InvalidInput(_))),
            "{fault:?}: {result:?}"
        );
    }

    let bodies = [
        json!({ "service": "api", "kind": "expires_in", "expires_in": 5 }),
        json!({ "service": "token", "kind": "expires_in" }),
        json!({ "service": "api", "kind": "status" }),
        json!({ "service": "api" }),
        json!({ "service": "api", "kind": "delay" }),
        json!({ "service": "admin", "kind": "status", "status": 503 }),
        json!({ "service": "unknown", "kind": "status", "status": 503 }),
        json!({ "service": "nope", "kind": "status", "status": 503 }),
        json!({ "service": "api", "kind": "explode", "status": 503 }),
        json!({ "service": "api", "kind": "status", "status": 42 }),
        json!({ "service": "api", "kind": "status", "status": "503" }),
        json!({ "service": "api", "kind": "status", "status": 503, "count": -1 }),
        json!({ "service": "api", "kind": "status", "status": 503, "colour": "red" }),
        json!({ "kind": "status", "status": 503 }),
        json!([{ "service": "api", "kind": "status", "status": 503 }]),
        json!({}),
    ];
    for body in bodies {
        let (status, answer) = admin(&emu, Method::POST, "/faults", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], "invalid_input", "{body}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
    }
    let response = http()
        .post(format!("{}/_emulator/faults", emu.url()))
        .header(header::CONTENT_TYPE, "application/json")
        .body("{\"service\": \"api\", ")
        .send()
        .await
        .unwrap();
    assert!(content_type(&response).starts_with("application/json"));
    let (status, answer) = status_json(response).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"], "invalid_input");

    // Nothing was armed.
    assert!(armed(&emu).await.is_empty());
    let creds = creds(&emu).await;
    for service in SERVICES {
        assert_eq!(
            send(&emu, &creds, service).await.status(),
            normal_status(service),
            "{service:?}"
        );
    }
    assert_eq!(emu.stats().faults_served(), 0);
}

#[tokio::test]
async fn faulted_requests_are_counted() {
    let emu = start().await;
    let creds = creds(&emu).await;
    let before = emu.stats();
    assert_eq!(before.get(Service::Api), 0);
    assert_eq!(before.faults_served(), 0);

    emu.inject_fault(Fault::status(Service::Api, 503).times(2))
        .unwrap();
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::MalformedJson))
        .unwrap();
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::Drop))
        .unwrap();
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::WrongContentType))
        .unwrap();
    let mut outcomes = Vec::new();
    for _ in 0..6 {
        let outcome = request(&http(), &emu, Some(&creds), Service::Api)
            .send()
            .await;
        outcomes.push(outcome.map(|r| r.status().as_u16()).ok());
    }
    assert_eq!(
        outcomes,
        [Some(503), Some(503), Some(200), None, Some(502), Some(200)]
    );

    let stats = emu.stats();
    assert_eq!(stats.get(Service::Api), 6);
    assert_eq!(stats.route("GET /erp/v2/info"), 6);
    assert_eq!(stats.faults_served(), 5);
    // token (1) and scx_auth (1) from `creds`, nothing else.
    assert_eq!(stats.get(Service::Token), 1);
    assert_eq!(stats.get(Service::ScxAuth), 1);
    assert_eq!(stats.get(Service::Wawi), 0);

    let (status, body) = admin(&emu, Method::GET, "/stats", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["api"], 6, "{body}");
    assert_eq!(body["faults_served"], 5, "{body}");
    assert_eq!(body["routes"]["GET /erp/v2/info"], 6, "{body}");

    // A fault on a path no route matches is served (and counted) as well.
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let response = http()
        .get(format!("{}/no/such/route", emu.api_base()))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 503, "{body}");
    assert_erp_error(&body, "SERVICE_UNAVAILABLE");
    let stats = emu.stats();
    assert_eq!(stats.get(Service::Api), 7);
    assert_eq!(stats.faults_served(), 6);

    // Admin requests are neither faulted nor counted.
    assert_eq!(stats.get(Service::Admin), 0);
}
