//! Conformance of the Wawi and SCX emulation with `jtl-api-facts.md` (second edition):
//! one test per row of §5.1–§5.3, §6.1–§6.4 and the SCX rows of §3.2 that the emulator serves.
//! Each test's name and first comment name the section and row.
//!
//! Not served (and so not tested): §5.1 "extra instance" (`POST /authentication/{id}`), §5.1
//! `Signature`/`SignatureData`, §5.2 `x-runas` and the exempt `/info`, `/feature`,
//! `/odata/$metadata`, `/tax` paths (no such Wawi routes), §5.4 scope enforcement, §5.5 paths
//! beyond the catalogue's list/read, §6.1 `POST /auth/create/seller-token`, §6.2 `GEN700`,
//! §6.3 `GET /v2/seller/event`, §6.4 rows other than seller sign-up, events and auth.

use std::time::Duration;

use jtl_emulator::{config::DEMO_TENANT_ID, Emulator};
use reqwest::{header, Method, RequestBuilder};
use serde_json::{json, Value};

use crate::support::*;

const CHALLENGE: &str = "conformance-challenge";
const ICON: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

fn app(app_id: &str) -> Value {
    json!({
        "AppId": app_id,
        "DisplayName": "Exporter",
        "Description": "Exports items",
        "Version": "1.0.0",
        "ProviderName": "Example GmbH",
        "ProviderWebsite": "https://example.com",
        "MandatoryApiScopes": ["item.queryitems"],
        "OptionalApiScopes": ["customer.querycustomers"],
        "AppIcon": ICON,
        "RegistrationType": 0
    })
}

/// `prefix` is `""`, `"/v1"` or `"/v2"`.
fn registration(emu: &Emulator, method: Method, prefix: &str, rest: &str) -> RequestBuilder {
    http()
        .request(
            method,
            format!("{}{prefix}/authentication{rest}", emu.wawi_base()),
        )
        .header("x-challengecode", CHALLENGE)
        .header("tenant-id", DEMO_TENANT_ID)
}

async fn start_registration(emu: &Emulator, prefix: &str, app_id: &str) -> (u16, Value) {
    status_json(
        registration(emu, Method::POST, prefix, "")
            .json(&app(app_id))
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn poll(emu: &Emulator, prefix: &str, id: &str) -> (u16, Value) {
    status_json(
        registration(emu, Method::GET, prefix, &format!("/{id}"))
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn request_id(body: &Value) -> String {
    body.get("RegistrationRequestId")
        .or_else(|| body.get("registrationRequestId"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no request id: {body}"))
        .to_owned()
}

#[tokio::test]
async fn s5_1_start_row_post_answers_201_on_all_three_paths() {
    // §5.1 row "start": POST /authentication, /v1/authentication, /v2/authentication → 201
    // RegistrationRequestStatusInfo {AppId, RegistrationRequestId, Status}; v2 camelCase.
    let emu = start().await;
    for (prefix, app_key, id_key, status_key) in [
        ("", "AppId", "RegistrationRequestId", "Status"),
        ("/v1", "AppId", "RegistrationRequestId", "Status"),
        ("/v2", "appId", "registrationRequestId", "status"),
    ] {
        let app_id = format!("com.example{}", prefix.replace('/', "."));
        let (status, body) = start_registration(&emu, prefix, &app_id).await;
        assert_eq!(status, 201, "{prefix}: {body}");
        assert_eq!(body[app_key], app_id.as_str(), "{prefix}: {body}");
        assert!(body[id_key].is_string(), "{prefix}: {body}");
        assert_eq!(body[status_key], 0, "{prefix}: {body}");
    }
    assert_eq!(
        emu.stats().get(jtl_emulator::Service::WawiRegistration),
        3,
        "every path counts as registration"
    );
}

#[tokio::test]
async fn s5_1_start_row_headers_challenge_code_and_tenant_are_required() {
    // §5.1 row "start", headers: x-challengecode required (≤30 chars, identical on all calls),
    // tenant-id required (UUID; later docs x-tenant-id).
    let emu = start().await;
    let url = format!("{}/v1/authentication", emu.wawi_base());
    let cases = [
        (
            None,
            Some(("tenant-id", DEMO_TENANT_ID)),
            "MISSING_CHALLENGE_CODE",
        ),
        (
            Some("x".repeat(31)),
            Some(("tenant-id", DEMO_TENANT_ID)),
            "INVALID_CHALLENGE_CODE",
        ),
        (Some(CHALLENGE.to_owned()), None, "MISSING_TENANT_ID"),
        (
            Some(CHALLENGE.to_owned()),
            Some(("tenant-id", "not-a-uuid")),
            "INVALID_TENANT_ID",
        ),
    ];
    for (challenge, tenant, code) in cases {
        let mut request = http().post(&url).json(&app("a.b"));
        if let Some(challenge) = challenge {
            request = request.header("x-challengecode", challenge);
        }
        if let Some((name, value)) = tenant {
            request = request.header(name, value);
        }
        let (status, body) = status_json(request.send().await.unwrap()).await;
        assert_eq!(status, 400, "{code}: {body}");
        assert_eq!(body["ErrorCode"], code, "{body}");
    }
    let response = http()
        .post(&url)
        .header("x-challengecode", CHALLENGE)
        .header("x-tenant-id", DEMO_TENANT_ID)
        .json(&app("a.b"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "x-tenant-id works as well");
    let id = request_id(&response.json().await.unwrap());
    let response = http()
        .get(format!("{url}/{id}"))
        .header("x-challengecode", "another-code")
        .header("tenant-id", DEMO_TENANT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        403,
        "the challenge code must be the same"
    );
}

#[tokio::test]
async fn s5_1_body_fields_table_required_fields_missing_give_400() {
    // §5.1 body-field table: AppId, DisplayName, Description, Version, ProviderName,
    // ProviderWebsite, MandatoryApiScopes, AppIcon required → 400 naming each.
    let emu = start().await;
    for field in [
        "AppId",
        "DisplayName",
        "Description",
        "Version",
        "ProviderName",
        "ProviderWebsite",
        "MandatoryApiScopes",
        "AppIcon",
    ] {
        let mut body = app("a.b");
        body.as_object_mut().unwrap().remove(field);
        let (status, answer) = status_json(
            registration(&emu, Method::POST, "/v1", "")
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 400, "{field}: {answer}");
        assert_eq!(answer["ErrorCode"], "VALIDATION_ERROR");
        assert!(
            answer["ValidationErrors"].get(field).is_some(),
            "{field}: {answer}"
        );
    }
    let mut body = app("a.b");
    body["AppIcon"] = json!("not base64 at all!");
    let (status, answer) = status_json(
        registration(&emu, Method::POST, "/v1", "")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "AppIcon is a base64 image: {answer}");
}

#[tokio::test]
async fn s5_1_status_table_row_0_pending() {
    // §5.1 Status table row 0: pending → 200, RequestStatusInfo.Status 0, no Token.
    let emu = start().await;
    let (_, body) = start_registration(&emu, "/v1", "a.pending").await;
    let id = request_id(&body);
    for _ in 0..2 {
        let (status, body) = poll(&emu, "/v1", &id).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["RequestStatusInfo"]["Status"], 0);
        assert_eq!(
            body["RequestStatusInfo"]["RegistrationRequestId"],
            id.as_str()
        );
        assert_eq!(body["RequestStatusInfo"]["AppId"], "a.pending");
        assert!(body.get("Token").is_none(), "{body}");
    }
}

#[tokio::test]
async fn s5_1_status_table_row_1_rejected_then_410() {
    // §5.1 Status table row 1: rejected → 200 with Status 1 (no Token), then 410.
    let emu = start().await;
    for (prefix, info, status_key) in [
        ("/v1", "RequestStatusInfo", "Status"),
        ("/v2", "requestStatusInfo", "status"),
    ] {
        let (_, body) = start_registration(&emu, prefix, &format!("a.rejected{prefix}")).await;
        let id = request_id(&body);
        emu.reject_wawi_registration(&id).unwrap();
        let (status, body) = poll(&emu, prefix, &id).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body[info][status_key], 1, "{prefix}: {body}");
        assert!(body.get("Token").is_none() && body.get("token").is_none());
        let (status, body) = poll(&emu, prefix, &id).await;
        assert_eq!(status, 410, "{prefix}: {body}");
        assert_eq!(body["ErrorCode"], "ALREADY_ANSWERED");
    }
}

#[tokio::test]
async fn s5_1_status_table_row_2_accepted_with_key_and_scopes_then_410() {
    // §5.1 Status table row 2 + poll row: accepted → Token.ApiKey + GrantedScopes; later 410.
    // v2 answers camelCase (`requestStatusInfo`, `token.apiKey`, `grantedScopes`).
    let emu = start().await;
    for (prefix, info, status_key, token, key, scopes) in [
        (
            "/v1",
            "RequestStatusInfo",
            "Status",
            "Token",
            "ApiKey",
            "GrantedScopes",
        ),
        (
            "",
            "RequestStatusInfo",
            "Status",
            "Token",
            "ApiKey",
            "GrantedScopes",
        ),
        (
            "/v2",
            "requestStatusInfo",
            "status",
            "token",
            "apiKey",
            "grantedScopes",
        ),
    ] {
        let (_, body) = start_registration(&emu, prefix, &format!("a.accepted{prefix}")).await;
        let id = request_id(&body);
        emu.approve_wawi_registration(&id, None).unwrap();
        let (status, body) = poll(&emu, prefix, &id).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body[info][status_key], 2, "{prefix}: {body}");
        assert!(body[token][key].is_string(), "{prefix}: {body}");
        assert_eq!(
            body[scopes],
            json!(["item.queryitems", "customer.querycustomers"])
        );
        let (status, _) = poll(&emu, prefix, &id).await;
        assert_eq!(status, 410, "{prefix}: answered and delivered");
    }
}

#[tokio::test]
async fn s5_1_other_codes_row_402_without_licence() {
    // §5.1 "Other codes": POST 402 (no licence / app not authorised by JTL), GET 402.
    let emu = start().await;
    let (_, body) = start_registration(&emu, "/v1", "a.licence").await;
    let id = request_id(&body);
    emu.update_settings(json!({ "wawi_licensed": false }))
        .unwrap();
    let (status, body) = start_registration(&emu, "/v2", "a.other").await;
    assert_eq!(status, 402, "{body}");
    assert_eq!(body["ErrorCode"], "LICENSE_REQUIRED");
    let (status, _) = poll(&emu, "/v1", &id).await;
    assert_eq!(status, 402);
}

#[tokio::test]
async fn s5_1_other_codes_row_409_app_id_registered_and_404_unknown_id() {
    // §5.1 "Other codes": POST 409 (AppId already registered), GET 404 (unknown id).
    let emu = start().await;
    let (_, body) = start_registration(&emu, "/v1", "a.once").await;
    emu.approve_wawi_registration(&request_id(&body), None)
        .unwrap();
    let (status, body) = start_registration(&emu, "/v1", "a.once").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["ErrorCode"], "APP_ALREADY_REGISTERED");
    let (status, _) = poll(&emu, "/v1", "00000000-0000-0000-0000-000000000000").await;
    assert_eq!(status, 404);
}

async fn wawi_get(emu: &Emulator, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = http().get(format!("{}/v1{path}", emu.wawi_base()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    status_json(request.send().await.unwrap()).await
}

#[tokio::test]
async fn s5_2_rows_x_appid_and_x_appversion_are_required() {
    // §5.2 rows x-appid ✓ and x-appversion ✓: 400 without them.
    let emu = start().await;
    let key = emu.wawi_api_key();
    for headers in [
        vec![("x-api-key", key)],
        vec![("x-api-key", key), ("x-appid", "MyApp/1.0.0")],
        vec![("x-api-key", key), ("x-appversion", "1.0.0")],
    ] {
        let (status, body) = wawi_get(&emu, "/items", &headers).await;
        assert_eq!(status, 400, "{headers:?}: {body}");
        assert_eq!(body["ErrorCode"], "MISSING_APP_HEADERS");
    }
}

#[tokio::test]
async fn s5_2_rows_api_key_as_x_api_key_or_authorization_wawi() {
    // §5.2 rows x-api-key ✓ and "Authorization: Wawi <API-Key>" (Where sources disagree:
    // OnPrem auth header): both are accepted; neither → 401.
    let emu = start().await;
    let key = emu.wawi_api_key();
    let app = [("x-appid", "MyApp/1.0.0"), ("x-appversion", "1.0.0")];
    let wawi_scheme = format!("Wawi {key}");
    for auth in [("x-api-key", key), ("authorization", wawi_scheme.as_str())] {
        let (status, body) = wawi_get(&emu, "/items", &[auth, app[0], app[1]]).await;
        assert_eq!(status, 200, "{auth:?}: {body}");
    }
    let (status, _) = wawi_get(&emu, "/items", &app).await;
    assert_eq!(status, 401);
    let (status, _) = wawi_get(&emu, "/items", &[("x-api-key", "unknown"), app[0], app[1]]).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn s5_2_row_api_version_is_optional() {
    // §5.2 row api-version: optional.
    let emu = start().await;
    let base = [
        ("x-api-key", emu.wawi_api_key()),
        ("x-appid", "MyApp/1.0.0"),
        ("x-appversion", "1.0.0"),
    ];
    let (status, _) = wawi_get(&emu, "/items", &base).await;
    assert_eq!(status, 200);
    let mut with_version = base.to_vec();
    with_version.push(("api-version", "2.0"));
    let (status, _) = wawi_get(&emu, "/items", &with_version).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn s5_2_exempt_row_registration_needs_no_app_headers() {
    // §5.2 "Exempt from x-appid/x-api-key: /authentication*".
    let emu = start().await;
    let (status, body) = start_registration(&emu, "/v1", "a.exempt").await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn s5_3_paged_list_edges_per_oas_and_docs_variant() {
    // §5.3: required TotalItems, PageNumber, PageSize, Items; NextPageNumber = TotalPages and
    // PreviousPageNumber = 1 at the ends (OAS, default); the docs' null as a setting.
    let emu = start().await;
    let headers = [
        ("x-api-key", emu.wawi_api_key()),
        ("x-appid", "MyApp/1.0.0"),
        ("x-appversion", "1.0.0"),
    ];
    let (_, first) = wawi_get(&emu, "/items?pageNumber=1&pageSize=25", &headers).await;
    for field in [
        "TotalItems",
        "PageNumber",
        "PageSize",
        "Items",
        "TotalPages",
    ] {
        assert!(first.get(field).is_some(), "{field}: {first}");
    }
    let total_pages = first["TotalPages"].as_u64().unwrap();
    assert!(total_pages >= 2, "{first}");
    assert_eq!(first["HasPreviousPage"], false);
    assert_eq!(first["PreviousPageNumber"], 1, "OAS: 1 at the start");
    assert_eq!(first["NextPageNumber"], 2);
    let last_path = format!("/items?pageNumber={total_pages}&pageSize=25");
    let (_, last) = wawi_get(&emu, &last_path, &headers).await;
    assert_eq!(last["HasNextPage"], false);
    assert_eq!(
        last["NextPageNumber"], total_pages,
        "OAS: TotalPages at the end"
    );
    assert_eq!(last["PreviousPageNumber"], total_pages - 1);

    emu.update_settings(json!({ "wawi_paging_null_ends": true }))
        .unwrap();
    let (_, first) = wawi_get(&emu, "/items?pageNumber=1&pageSize=25", &headers).await;
    assert!(first["PreviousPageNumber"].is_null(), "docs: null: {first}");
    let (_, last) = wawi_get(&emu, &last_path, &headers).await;
    assert!(last["NextPageNumber"].is_null(), "docs: null: {last}");
}

async fn scx_auth(emu: &Emulator, refresh_token: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let response = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("refreshToken={refresh_token}"))
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    let (status, body) = status_json(response).await;
    (status, body, headers)
}

async fn channel_token(emu: &Emulator) -> String {
    let (status, body, _) = scx_auth(emu, emu.scx_refresh_token()).await;
    assert_eq!(status, 200, "{body}");
    body["authToken"].as_str().unwrap().to_owned()
}

async fn seller_token(emu: &Emulator) -> String {
    let (status, body, _) = scx_auth(emu, emu.scx_seller_refresh_token()).await;
    assert_eq!(status, 200, "{body}");
    body["authToken"].as_str().unwrap().to_owned()
}

async fn list_events(emu: &Emulator, token: &str) -> Vec<Value> {
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200, "{body}");
    body["eventList"].as_array().unwrap().clone()
}

async fn ack(emu: &Emulator, token: &str, ids: Value) -> (u16, Value) {
    let response = http()
        .delete(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(token)
        .json(&json!({ "eventIdList": ids }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn s6_1_request_and_200_body_rows() {
    // §6.1 rows "request" and "200 body": POST /v1/auth with form field refreshToken →
    // {scope, authToken, tokenExpireAt (ISO 8601), expiresIn}.
    let emu = start().await;
    let (status, body, _) = scx_auth(&emu, emu.scx_refresh_token()).await;
    assert_eq!(status, 200);
    for field in ["scope", "authToken", "tokenExpireAt", "expiresIn"] {
        assert!(body.get(field).is_some(), "{field}: {body}");
    }
    assert!(time::OffsetDateTime::parse(
        body["tokenExpireAt"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());
}

#[tokio::test]
async fn s6_1_scope_values_row_channel_seller_and_chan_variant() {
    // §6.1 row "scope values": docs CHANNEL / SELLER (default); client enum CHAN (setting).
    let emu = start().await;
    let (_, body, _) = scx_auth(&emu, emu.scx_refresh_token()).await;
    assert_eq!(body["scope"], "CHANNEL");
    let (_, body, _) = scx_auth(&emu, emu.scx_seller_refresh_token()).await;
    assert_eq!(body["scope"], "SELLER");
    emu.update_settings(json!({ "scx_channel_scope": "CHAN" }))
        .unwrap();
    let (_, body, _) = scx_auth(&emu, emu.scx_refresh_token()).await;
    assert_eq!(body["scope"], "CHAN");
    let token = body["authToken"].as_str().unwrap().to_owned();
    assert!(
        list_events(&emu, &token).await.is_empty(),
        "a CHAN token is a channel token"
    );
}

#[tokio::test]
async fn s6_1_auth_error_codes_row_val100_ath100() {
    // §6.1 row "auth error codes": VAL100 parameter violation, ATH100 account not found.
    let emu = start().await;
    let (status, body, _) = scx_auth(&emu, "").await;
    assert_eq!(status, 400);
    assert_eq!(body["errorList"][0]["code"], "VAL100");
    let (status, body, _) = scx_auth(&emu, "unknown").await;
    assert_eq!(status, 401);
    assert_eq!(body["errorList"][0]["code"], "ATH100");
}

#[tokio::test]
async fn s6_2_error_body_error_list_german_by_default() {
    // §6.2: {errorList:[{code, message, severity, hint}]} for every status ≥ 400,
    // German by default, English on Accept-Language: en.
    let emu = start().await;
    let token = channel_token(&emu).await;
    for (language, word) in [(None, "Erwartet"), (Some("en"), "Expected")] {
        let mut request = http()
            .delete(format!("{}/channel/event", emu.scx_base()))
            .bearer_auth(&token)
            .json(&json!({ "eventIdList": [] }));
        if let Some(language) = language {
            request = request.header(header::ACCEPT_LANGUAGE, language);
        }
        let (status, body) = status_json(request.send().await.unwrap()).await;
        assert_eq!(status, 400);
        let entry = &body["errorList"][0];
        for field in ["code", "message", "severity", "hint"] {
            assert!(entry.get(field).is_some(), "{field}: {body}");
        }
        assert!(
            entry["message"].as_str().unwrap().contains(word),
            "{language:?}: {body}"
        );
    }
}

#[tokio::test]
async fn s6_3_fetch_row_event_list_shape_and_created_after() {
    // §6.3 row "fetch": GET /v1/channel/event (optional createdAfter) →
    // {eventList:[{id, createdAt, type, event{…}}]}.
    let emu = start().await;
    let token = channel_token(&emu).await;
    emu.push_scx_event("Seller:Order.Accepted", json!({ "orderId": "A-1" }));
    let events = list_events(&emu, &token).await;
    assert_eq!(events.len(), 1);
    for field in ["id", "createdAt", "type", "event"] {
        assert!(events[0].get(field).is_some(), "{field}: {events:?}");
    }
    let response = http()
        .get(format!(
            "{}/channel/event?createdAfter=2999-01-01T00:00:00%2B00:00",
            emu.scx_base()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["eventList"], json!([]), "nothing created after 2999");
}

#[tokio::test]
async fn s6_3_ack_row_1_to_100_ids_then_204() {
    // §6.3 row "ack": DELETE /v1/channel/event {eventIdList}, 1–100 ids → 204; else 400 VAL100.
    let emu = start().await;
    let token = channel_token(&emu).await;
    let event = emu.push_scx_event("System:Test", json!({}));
    let (status, body) = ack(&emu, &token, json!([])).await;
    assert_eq!(status, 400, "no ids: {body}");
    assert_eq!(body["errorList"][0]["code"], "VAL100");
    let too_many: Vec<String> = (0..101).map(|i| format!("evt-{i}")).collect();
    let (status, body) = ack(&emu, &token, json!(too_many)).await;
    assert_eq!(status, 400, "101 ids: {body}");
    let hundred: Vec<Value> = (0..99)
        .map(|i| json!(format!("evt-x{i}")))
        .chain([event["id"].clone()])
        .collect();
    let (status, _) = ack(&emu, &token, json!(hundred)).await;
    assert_eq!(status, 204, "100 ids");
    emu.update_settings(json!({ "scx_redelivery_timeout_ms": 0 }))
        .unwrap();
    assert!(list_events(&emu, &token).await.is_empty(), "acknowledged");
}

#[tokio::test]
async fn s6_3_redelivery_row_unacked_events_resent_at_most_10_times_then_dead_lettered() {
    // §6.3 row "redelivery": unacknowledged events are resent after a timeout; at most 10
    // deliveries, then dead-lettered (never resent), visible in stats.
    let emu = start().await;
    let token = channel_token(&emu).await;
    let event = emu.push_scx_event("Seller:Order.Payment", json!({ "orderId": "P-1" }));
    assert_eq!(list_events(&emu, &token).await.len(), 1, "delivery 1");
    assert!(
        list_events(&emu, &token).await.is_empty(),
        "in flight: not listed again before the timeout (default 60 s)"
    );
    emu.update_settings(json!({ "scx_redelivery_timeout_ms": 20 }))
        .unwrap();
    for delivery in 2..=10 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        let events = list_events(&emu, &token).await;
        assert_eq!(events.len(), 1, "delivery {delivery}");
        assert_eq!(events[0]["id"], event["id"]);
    }
    tokio::time::sleep(Duration::from_millis(25)).await;
    assert!(
        list_events(&emu, &token).await.is_empty(),
        "no 11th delivery"
    );
    assert_eq!(emu.stats().scx_dead_lettered(), 1);
    let (_, stats) = admin(&emu, Method::GET, "/stats", None).await;
    assert_eq!(stats["scx_dead_lettered"], 1, "{stats}");
    let dead = emu.scx_dead_letters();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["id"], event["id"]);
}

#[tokio::test]
async fn s6_3_event_type_rows_only_documented_types_are_queued() {
    // §6.3 rows "seller-type events" and "channel-type events": the admin API queues
    // those types and refuses others (e.g. the first edition's `Seller:Order.Created`).
    let emu = start().await;
    for kind in [
        "System:Test",
        "Seller:Order.Cancellation.Request",
        "Seller:Channel.Unlinked",
        "Channel:Order.Return",
        "Channel:ChannelDataChanged",
    ] {
        let (status, body) = admin(
            &emu,
            Method::POST,
            "/scx/events",
            Some(json!({ "type": kind, "event": {} })),
        )
        .await;
        assert_eq!(status, 201, "{kind}: {body}");
    }
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/scx/events",
        Some(json!({ "type": "Seller:Order.Created" })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("Seller:Order.Accepted"));
}

async fn sign_up(
    emu: &Emulator,
    token: &str,
    channel: &str,
    user_agent: Option<&str>,
) -> (u16, Value) {
    let mut request = http()
        .post(format!("{}/seller/channel/{channel}", emu.scx_base()))
        .bearer_auth(token);
    if let Some(user_agent) = user_agent {
        request = request.header(header::USER_AGENT, user_agent);
    }
    status_json(request.send().await.unwrap()).await
}

#[tokio::test]
async fn s6_4_seller_sign_up_row_seller_token_user_agent_channel_pattern_unix_expiry() {
    // §6.4 row POST /v1/seller/channel/{Channel}: seller JWT, User-Agent required, Channel
    // ^\w{5,15}$ → {signUpUrl, expiresAt: int64 unix}.
    let emu = start().await;
    let seller = seller_token(&emu).await;
    let (status, body) = sign_up(&emu, &seller, "MY_CHANNEL1", Some("Wawi/1.11.0.3")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["signUpUrl"].as_str().unwrap().contains("MY_CHANNEL1"));
    let expires_at = body["expiresAt"].as_i64().expect("unix seconds");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(expires_at > now && expires_at <= now + 3600, "{body}");

    let (status, body) = sign_up(&emu, &seller, "MY_CHANNEL1", None).await;
    assert_eq!(status, 400, "User-Agent required: {body}");
    for channel in ["abcd", "abcdefghijklmnop", "bad-name", "bad%20name"] {
        let (status, body) = sign_up(&emu, &seller, channel, Some("Wawi/1.11.0.3")).await;
        assert_eq!(status, 400, "{channel}: {body}");
        assert_eq!(body["errorList"][0]["code"], "VAL100");
    }
    let channel = channel_token(&emu).await;
    let (status, body) = sign_up(&emu, &channel, "MY_CHANNEL1", Some("Wawi/1.11.0.3")).await;
    assert_eq!(status, 403, "a channel token is not a seller token: {body}");
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&seller)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        403,
        "a seller token is not a channel token"
    );
    let (status, body) = admin(&emu, Method::POST, "/scx/seller-refresh-tokens", None).await;
    assert_eq!(status, 201);
    let (_, body, _) = scx_auth(&emu, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(body["scope"], "SELLER", "admin-issued seller refresh token");
}

#[tokio::test]
async fn s3_2_headers_row_rate_limit_headers_on_every_scx_response() {
    // §3.2 row "headers on every response": X-RateLimit-Limit, -Interval-Length-Seconds,
    // -Remaining; the SCX rows: /v[version]/channel/event* 240/60, default route 10/60.
    let emu = start().await;
    let (_, _, headers) = scx_auth(&emu, emu.scx_refresh_token()).await;
    assert_eq!(headers["x-ratelimit-limit"], "10", "default route");
    assert_eq!(headers["x-ratelimit-interval-length-seconds"], "60");
    assert_eq!(headers["x-ratelimit-remaining"], "9");
    let token = channel_token(&emu).await;
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-ratelimit-limit"], "240");
    assert_eq!(
        response.headers()["x-ratelimit-interval-length-seconds"],
        "60"
    );
    assert_eq!(response.headers()["x-ratelimit-remaining"], "239");
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers().contains_key("x-ratelimit-remaining"),
        "errors carry the headers too"
    );
}

#[tokio::test]
async fn s3_2_scx_default_route_row_10_per_60_s_then_429() {
    // §3.2 row "SCX prod, default route": 10 / 60 s; the 11th call → 429 (RTL100); the
    // `scx_rate_limits` setting turns enforcement off.
    let emu = start().await;
    for remaining in (0..10).rev() {
        let (status, _, headers) = scx_auth(&emu, emu.scx_refresh_token()).await;
        assert_eq!(status, 200);
        assert_eq!(
            headers["x-ratelimit-remaining"],
            remaining.to_string().as_str()
        );
    }
    let (status, body, headers) = scx_auth(&emu, emu.scx_refresh_token()).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["errorList"][0]["code"], "RTL100");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    emu.update_settings(json!({ "scx_rate_limits": false }))
        .unwrap();
    let (status, _, _) = scx_auth(&emu, emu.scx_refresh_token()).await;
    assert_eq!(status, 200, "not enforced");
}

#[tokio::test]
async fn s3_2_scx_route_rows_served_routes_have_their_own_windows() {
    // §3.2 SCX rows for the routes the emulator serves: /v1/seller/* falls to the default
    // route (10/60), /v1/channel/event* 240/60, one window per caller and route. (The other
    // rows' patterns are checked by the unit test in `rate_limit.rs`: those routes are not
    // served.)
    let emu = start().await;
    let seller = seller_token(&emu).await;
    let response = http()
        .post(format!("{}/seller/channel/MYCHANNEL", emu.scx_base()))
        .bearer_auth(&seller)
        .header(header::USER_AGENT, "Wawi/1.11.0.3")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["x-ratelimit-limit"],
        "10",
        "seller route: default"
    );
    let channel = channel_token(&emu).await;
    let response = http()
        .delete(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&channel)
        .json(&json!({ "eventIdList": ["evt-1"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(response.headers()["x-ratelimit-limit"], "240");
    assert_eq!(
        response.headers()["x-ratelimit-remaining"],
        "239",
        "one window per caller and route"
    );
}
