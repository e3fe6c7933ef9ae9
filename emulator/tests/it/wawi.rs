use crate::support::*;
use jtl_emulator::Emulator;
use reqwest::{header, Method};
use serde_json::{json, Value};

const CHALLENGE: &str = "challenge-123";

fn app() -> Value {
    json!({
        "AppId": "com.example.exporter",
        "DisplayName": "Exporter",
        "Description": "Exports items",
        "Version": "1.0.0",
        "ProviderName": "Example GmbH",
        "ProviderWebsite": "https://example.com",
        "MandatoryApiScopes": ["items.read"],
        "OptionalApiScopes": ["customers.read"],
        "AppIcon": "iVBORw0KGgo=",
        "RegistrationType": 0
    })
}

async fn register(emu: &Emulator, challenge: &str, body: Value) -> (u16, Value) {
    let response = http()
        .post(format!("{}/v1/authentication", emu.wawi_base()))
        .header("X-ChallengeCode", challenge)
        .header("tenant-id", TENANT)
        .json(&body)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn poll(emu: &Emulator, challenge: &str, id: &str) -> (u16, Value) {
    let response = http()
        .get(format!("{}/v1/authentication/{id}", emu.wawi_base()))
        .header("X-ChallengeCode", challenge)
        .header("tenant-id", TENANT)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn wawi_get(
    emu: &Emulator,
    key: &str,
    path: &str,
    api_version: Option<&str>,
) -> (u16, Value) {
    let mut request = http()
        .get(format!("{}/v1{path}", emu.wawi_base()))
        .header(header::AUTHORIZATION, format!("Wawi {key}"))
        .header("x-appid", "com.example.exporter/1.0.0")
        .header("x-appversion", "1.0.0");
    if let Some(version) = api_version {
        request = request.header("api-version", version);
    }
    status_json(request.send().await.unwrap()).await
}

#[tokio::test]
async fn registration_approved_through_the_admin_api_yields_a_working_key() {
    let emu = start().await;
    let (status, body) = register(&emu, CHALLENGE, app()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["AppId"], "com.example.exporter");
    assert_eq!(body["Status"], 0);
    let id = body["RegistrationRequestId"].as_str().unwrap().to_owned();

    let (status, body) = poll(&emu, CHALLENGE, &id).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["RequestStatusInfo"]["Status"], 0,
        "pending until approved"
    );
    assert!(body.get("Token").is_none());

    let (status, listed) = admin(&emu, Method::GET, "/wawi/registrations", None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["registrations"][0]["id"], id.as_str());
    let (status, _) = admin(
        &emu,
        Method::POST,
        &format!("/wawi/registrations/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 204);

    let (_, body) = poll(&emu, CHALLENGE, &id).await;
    assert_eq!(body["RequestStatusInfo"]["Status"], 2, "2 = accepted");
    assert_eq!(
        body["GrantedScopes"],
        json!(["items.read", "customers.read"])
    );
    let key = body["Token"]["ApiKey"].as_str().unwrap().to_owned();
    let (status, page) = wawi_get(&emu, &key, "/items", Some("1.0")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page["TotalItems"].as_u64().unwrap() >= 25);

    let (status, body) = admin(
        &emu,
        Method::POST,
        &format!("/wawi/registrations/{id}/reject"),
        None,
    )
    .await;
    assert_eq!(status, 409, "already decided: {body}");
}

#[tokio::test]
async fn rejection_and_challenge_mismatch() {
    let emu = start().await;
    let (_, body) = register(&emu, CHALLENGE, app()).await;
    let id = body["RegistrationRequestId"].as_str().unwrap().to_owned();
    let (status, body) = poll(&emu, "another-code", &id).await;
    assert_eq!(status, 403);
    assert_eq!(body["ErrorCode"], "CHALLENGE_MISMATCH");
    emu.reject_wawi_registration(&id).unwrap();
    let (status, body) = poll(&emu, CHALLENGE, &id).await;
    assert_eq!(status, 200);
    assert_eq!(body["RequestStatusInfo"]["Status"], 1, "1 = rejected");
    assert!(body.get("Token").is_none());
    let (status, body) = poll(&emu, CHALLENGE, "no-such-id").await;
    assert_eq!(status, 404);
    assert_eq!(body["ErrorCode"], "NOT_FOUND");
}

#[tokio::test]
async fn auto_approval_after_the_configured_delay() {
    let emu = start().await;
    emu.update_settings(json!({ "wawi_auto_approve_ms": 300 }))
        .unwrap();
    let (_, body) = register(&emu, CHALLENGE, app()).await;
    let id = body["RegistrationRequestId"].as_str().unwrap().to_owned();
    let (_, body) = poll(&emu, CHALLENGE, &id).await;
    assert_eq!(body["RequestStatusInfo"]["Status"], 0);
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let (_, body) = poll(&emu, CHALLENGE, &id).await;
    assert_eq!(body["RequestStatusInfo"]["Status"], 2);
    let key = body["Token"]["ApiKey"].as_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(key).is_ok(),
        "the ApiKey is a UUID: {key}"
    );
}

#[tokio::test]
async fn registration_input_is_validated() {
    let emu = start().await;
    let (status, body) = register(&emu, "", app()).await;
    assert_eq!(status, 400);
    assert_eq!(body["ErrorCode"], "MISSING_CHALLENGE_CODE");
    let (status, body) = register(&emu, &"x".repeat(31), app()).await;
    assert_eq!(status, 400);
    assert_eq!(body["ErrorCode"], "INVALID_CHALLENGE_CODE");
    let (status, body) = register(
        &emu,
        CHALLENGE,
        json!({ "AppId": "a", "MandatoryApiScopes": "items.read" }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["ErrorCode"], "VALIDATION_ERROR");
    for field in [
        "DisplayName",
        "Description",
        "Version",
        "ProviderName",
        "ProviderWebsite",
        "AppIcon",
        "MandatoryApiScopes",
    ] {
        assert!(
            body["ValidationErrors"].get(field).is_some(),
            "{field}: {body}"
        );
    }
    // camelCase (v2 style) bodies are accepted as well.
    let (status, _) = register(
        &emu,
        CHALLENGE,
        json!({
            "appId": "a", "displayName": "A", "description": "d", "version": "1",
            "providerName": "p", "providerWebsite": "https://p.example", "appIcon": "iVBORw0KGgo=",
            "mandatoryApiScopes": []
        }),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn data_api_wants_an_api_key_and_the_app_headers() {
    let emu = start().await;
    let key = emu.wawi_api_key();
    let (status, page) = wawi_get(&emu, key, "/items?pageNumber=2&pageSize=10", Some("1.0")).await;
    assert_eq!(status, 200);
    for field in [
        "TotalItems",
        "PageNumber",
        "PageSize",
        "TotalPages",
        "HasPreviousPage",
        "HasNextPage",
        "NextPageNumber",
        "PreviousPageNumber",
        "Items",
    ] {
        assert!(page.get(field).is_some(), "{field} missing");
    }
    assert_eq!(page["PageNumber"], 2);
    assert_eq!(page["Items"][0]["Id"], 11, "items are PascalCase too");
    let (status, item) = wawi_get(&emu, key, "/items/5", Some("1.0")).await;
    assert_eq!(status, 200);
    assert_eq!(item["Sku"], "EMU-0005");
    let (status, _) = wawi_get(&emu, key, "/customers", Some("1.0")).await;
    assert_eq!(status, 200);

    let (status, _) = wawi_get(&emu, key, "/items", None).await;
    assert_eq!(status, 200, "api-version is optional (facts §5.2)");
    let (status, body) = wawi_get(&emu, "wrong-key", "/items", Some("1.0")).await;
    assert_eq!(status, 401);
    assert_eq!(body["ErrorCode"], "UNAUTHORIZED");
    let response = http()
        .get(format!("{}/v1/items", emu.wawi_base()))
        .bearer_auth(key)
        .header("x-appid", "a/1")
        .header("x-appversion", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "Bearer is not the Wawi scheme");
    let (status, _) = wawi_get(&emu, key, "/items/999", Some("1.0")).await;
    assert_eq!(status, 404);
    let issued = emu.issue_wawi_api_key(vec![]);
    let (status, _) = wawi_get(&emu, &issued, "/items", Some("1.0")).await;
    assert_eq!(status, 200);
}
