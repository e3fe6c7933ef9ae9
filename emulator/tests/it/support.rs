//! Shared helpers: start an emulator, get a token, make raw requests.

use jtl_emulator::Emulator;
use reqwest::{header, Client, Response};
use serde_json::Value;

pub const TENANT: &str = jtl_emulator::config::DEMO_TENANT_ID;

pub async fn start() -> Emulator {
    Emulator::start().await.expect("emulator starts")
}

pub fn http() -> Client {
    // The workspace builds reqwest without a TLS provider (core installs ring itself);
    // reqwest needs one installed even for plain HTTP.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

/// `POST /oauth2/token` with Basic auth and a form body.
pub async fn token_response(emu: &Emulator, id: &str, secret: &str) -> Response {
    http()
        .post(emu.token_url())
        .basic_auth(id, Some(secret))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
}

/// A valid access token of the demo client.
pub async fn access_token(emu: &Emulator) -> String {
    let response = token_response(emu, emu.client_id(), emu.client_secret()).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// GET an ERP path (relative to `/erp/v2`) with Bearer + tenant.
pub async fn erp_get(emu: &Emulator, token: &str, path: &str) -> Response {
    http()
        .get(format!("{}{path}", emu.api_base()))
        .bearer_auth(token)
        .header("X-Tenant-ID", TENANT)
        .send()
        .await
        .unwrap()
}

/// Status and JSON body of a response.
pub async fn status_json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

/// Asserts an ERP error body: `errorCode`, `errorMessage`, `validationErrors`, `errors`.
pub fn assert_erp_error(body: &Value, code: &str) {
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(
        body["errorMessage"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["validationErrors"].is_object(), "{body}");
    assert!(body["errors"].is_object(), "{body}");
}

/// Admin API call with a JSON body.
pub async fn admin(
    emu: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http().request(method, format!("{}/_emulator{path}", emu.url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

/// The id of the `n`-th record (0-based) of a REST v2 listing, e.g. `nth_id(&emu, &token, "items", 0)`.
pub async fn nth_id(emu: &Emulator, token: &str, resource: &str, n: usize) -> String {
    let (status, page) = status_json(erp_get(emu, token, &format!("/{resource}")).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"][n]["id"].as_str().unwrap().to_owned()
}
