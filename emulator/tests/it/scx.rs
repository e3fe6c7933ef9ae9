use crate::support::*;
use jtl_emulator::Emulator;
use reqwest::header;
use serde_json::{json, Value};

fn form(body: String) -> reqwest::RequestBuilder {
    http()
        .post("http://placeholder")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
}

async fn auth_form(emu: &Emulator, refresh_token: &str) -> (u16, Value) {
    let request = form(format!("refreshToken={refresh_token}"));
    let mut request = request.build().unwrap();
    *request.url_mut() = format!("{}/auth", emu.scx_base()).parse().unwrap();
    status_json(http().execute(request).await.unwrap()).await
}

async fn auth_token(emu: &Emulator) -> String {
    let (status, body) = auth_form(emu, emu.scx_refresh_token()).await;
    assert_eq!(status, 200, "{body}");
    body["authToken"].as_str().unwrap().to_owned()
}

fn assert_error_list(body: &Value, code: &str) {
    let list = body["errorList"]
        .as_array()
        .unwrap_or_else(|| panic!("no errorList: {body}"));
    assert_eq!(list[0]["code"], code, "{body}");
    assert_eq!(list[0]["severity"], "error");
    assert!(list[0]["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(list[0].get("hint").is_some());
}

#[tokio::test]
async fn refresh_token_as_form_field_gives_an_auth_token() {
    let emu = start().await;
    let (status, body) = auth_form(&emu, emu.scx_refresh_token()).await;
    assert_eq!(status, 200);
    assert_eq!(body["scope"], "CHANNEL");
    assert_eq!(body["expiresIn"], 3600);
    assert!(body["authToken"].as_str().unwrap().split('.').count() == 3);
    let expire_at = body["tokenExpireAt"].as_str().unwrap();
    let parsed =
        time::OffsetDateTime::parse(expire_at, &time::format_description::well_known::Rfc3339)
            .unwrap();
    let in_secs = parsed.unix_timestamp() - time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((3590..=3600).contains(&in_secs), "{expire_at}");
}

#[tokio::test]
async fn refresh_token_as_query_parameter_and_multipart() {
    let emu = start().await;
    let response = http()
        .post(format!(
            "{}/auth?refreshToken={}",
            emu.scx_base(),
            emu.scx_refresh_token()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "query parameter");

    let boundary = "XyZboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"refreshToken\"\r\n\r\n{}\r\n--{boundary}--\r\n",
        emu.scx_refresh_token()
    );
    let response = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(
        status, 200,
        "multipart (FormData, as JTL's sample sends it): {body}"
    );
    assert_eq!(body["scope"], "CHANNEL");
}

#[tokio::test]
async fn missing_and_unknown_refresh_tokens() {
    let emu = start().await;
    let (status, body) = auth_form(&emu, "").await;
    assert_eq!(status, 400);
    assert_error_list(&body, "VAL100");
    assert!(
        body["errorList"][0]["message"]
            .as_str()
            .unwrap()
            .contains("erforderlich"),
        "German by default"
    );

    let (status, body) = auth_form(&emu, "no-such-token").await;
    assert_eq!(status, 401);
    assert_error_list(&body, "ATH100");

    let response = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 400);
    assert!(
        body["errorList"][0]["message"]
            .as_str()
            .unwrap()
            .contains("required"),
        "English on request"
    );
}

#[tokio::test]
async fn issued_refresh_tokens_work() {
    let emu = start().await;
    let token = emu.issue_scx_refresh_token();
    let (status, _) = auth_form(&emu, &token).await;
    assert_eq!(status, 200);
    let (status, body) = admin(
        &emu,
        reqwest::Method::POST,
        "/scx/refresh-tokens",
        Some(json!({ "seller_id": "s-9" })),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = auth_form(&emu, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn event_queue_lists_until_acknowledged() {
    let emu = start().await;
    // Redelivered at once when not acknowledged (facts §6.3), so the second listing shows it.
    emu.update_settings(json!({ "scx_redelivery_timeout_ms": 0 }))
        .unwrap();
    let token = auth_token(&emu).await;
    let first = emu.push_scx_event("Seller:Order.Accepted", json!({ "orderId": "A1" }));
    let (status, second) = admin(
        &emu,
        reqwest::Method::POST,
        "/scx/events",
        Some(json!({ "type": "Seller:Offer.Update", "event": { "sku": "X" } })),
    )
    .await;
    assert_eq!(status, 201);

    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    let list = body["eventList"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], first["id"]);
    assert_eq!(list[0]["type"], "Seller:Order.Accepted");
    assert_eq!(list[0]["event"]["orderId"], "A1");
    assert!(list[0]["createdAt"].is_string());

    let response = http()
        .delete(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&token)
        .json(&json!({ "eventIdList": [first["id"]] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (_, body) = status_json(response).await;
    assert_eq!(body["eventList"].as_array().unwrap().len(), 1);
    assert_eq!(body["eventList"][0]["id"], second["id"]);

    let response = http()
        .delete(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(&token)
        .json(&json!({ "ids": [] }))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 400);
    assert_error_list(&body, "VAL100");
}

#[tokio::test]
async fn channel_api_requires_an_scx_auth_token() {
    let emu = start().await;
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 401);
    assert_error_list(&body, "ATH000");
    let cloud_token = access_token(&emu).await;
    let response = http()
        .get(format!("{}/channel/event", emu.scx_base()))
        .bearer_auth(cloud_token)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 401, "a Cloud access token is not an SCX token");
    assert_error_list(&body, "ATH101");
}

#[tokio::test]
async fn seller_sign_up_link() {
    let emu = start().await;
    let (status, body) = auth_form(&emu, emu.scx_seller_refresh_token()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["scope"], "SELLER");
    let token = body["authToken"].as_str().unwrap().to_owned();
    let response = http()
        .post(format!("{}/seller/channel/MYCHANNEL", emu.scx_base()))
        .bearer_auth(&token)
        .header(header::USER_AGENT, "Wawi/1.11.0.3")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 200);
    assert!(body["signUpUrl"].as_str().unwrap().contains("MYCHANNEL"));
    assert!(body["expiresAt"].is_i64(), "unix seconds: {body}");
    let response = http()
        .post(format!("{}/seller/channel/bad%20name!", emu.scx_base()))
        .bearer_auth(&token)
        .header(header::USER_AGENT, "Wawi/1.11.0.3")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 400);
    assert_error_list(&body, "VAL100");
}
