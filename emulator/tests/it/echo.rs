//! The `echo` fault: a hostile server whose error answer repeats the request's credentials
//! in every field a JTL error has (issue 14.3), for the clients' redaction tests.

use crate::support::*;

use base64::{engine::general_purpose::STANDARD, Engine};
use jtl_emulator::{EchoShape, Emulator, Fault, FaultKind, Service, ECHO_STRADDLE_AT};
use reqwest::{header, Method, Response};
use serde_json::{json, Value};

async fn text_of(response: Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

async fn token_request(emu: &Emulator) -> Response {
    http()
        .post(emu.token_url())
        .basic_auth(emu.client_id(), Some(emu.client_secret()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
}

fn basic(emu: &Emulator) -> String {
    STANDARD.encode(format!("{}:{}", emu.client_id(), emu.client_secret()))
}

#[tokio::test]
async fn token_echo_repeats_the_basic_credential_in_oauth_fields() {
    let emu = start().await;
    emu.inject_fault(Fault::echo(Service::Token, None)).unwrap();
    let (status, body) = status_json(token_request(&emu).await).await;
    assert_eq!(status, 401);
    // The secret decoded from the Basic header is the code; the description holds every form.
    assert_eq!(body["error"], emu.client_secret(), "{body}");
    let description = body["error_description"].as_str().unwrap();
    for form in [
        emu.client_secret().to_owned(),
        basic(&emu),
        format!("Basic {}", basic(&emu)),
        format!("{}:{}", emu.client_id(), emu.client_secret()),
    ] {
        assert!(description.contains(&form), "{form} not in {description}");
    }
    // One use: the next token request is normal again.
    let (status, _) = status_json(token_request(&emu).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn erp_echo_puts_the_bearer_token_in_code_message_and_validation_errors() {
    let emu = start().await;
    let token = access_token(&emu).await;
    emu.inject_fault(Fault::echo(Service::Api, None)).unwrap();
    let (status, body) = status_json(erp_get(&emu, &token, "/info").await).await;
    assert_eq!(status, 422);
    assert_eq!(body["errorCode"], token.as_str(), "{body}");
    assert!(body["errorMessage"].as_str().unwrap().contains(&token));
    let validation = body["validationErrors"].as_object().unwrap();
    // The token is a key and inside a value; the raw header is in the values too.
    assert!(validation.contains_key(&token), "{body}");
    assert!(validation["authorization"]
        .as_str()
        .unwrap()
        .contains(&format!("Bearer {token}")));
}

#[tokio::test]
async fn wawi_scx_and_registration_echo_their_credentials() {
    let emu = start().await;
    emu.inject_fault(Fault::echo(Service::Wawi, None)).unwrap();
    let response = http()
        .get(format!("{}/v1/items", emu.wawi_base()))
        .header(
            header::AUTHORIZATION,
            format!("Wawi {}", emu.wawi_api_key()),
        )
        .header("api-version", "1.0")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 422);
    assert_eq!(body["ErrorCode"], emu.wawi_api_key(), "{body}");
    assert!(body["ValidationErrors"]
        .as_object()
        .unwrap()
        .contains_key(emu.wawi_api_key()));

    // SCX auth: the refresh token from the form, in every errorList entry's code, message
    // and hint.
    emu.inject_fault(Fault::echo(Service::ScxAuth, None))
        .unwrap();
    let response = http()
        .post(format!("{}/auth", emu.scx_base()))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("refreshToken={}", emu.scx_refresh_token()))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 422);
    let entry = &body["errorList"][0];
    assert_eq!(entry["code"], emu.scx_refresh_token(), "{body}");
    assert!(entry["message"]
        .as_str()
        .unwrap()
        .contains(emu.scx_refresh_token()));
    assert!(entry["hint"]
        .as_str()
        .unwrap()
        .contains(emu.scx_refresh_token()));

    // The refresh token as a query parameter is echoed as well.
    emu.inject_fault(Fault::echo(Service::ScxAuth, None))
        .unwrap();
    let response = http()
        .post(format!(
            "{}/auth?refreshToken={}",
            emu.scx_base(),
            emu.scx_refresh_token()
        ))
        .send()
        .await
        .unwrap();
    let (_, body) = status_json(response).await;
    assert_eq!(body["errorList"][0]["code"], emu.scx_refresh_token());

    emu.inject_fault(Fault::echo(Service::WawiRegistration, None))
        .unwrap();
    let response = http()
        .post(format!("{}/v1/authentication", emu.wawi_base()))
        .header("X-ChallengeCode", "echo-challenge-1234")
        .json(&json!({ "AppId": "echo-app" }))
        .send()
        .await
        .unwrap();
    let (_, body) = status_json(response).await;
    assert_eq!(body["ErrorCode"], "echo-challenge-1234", "{body}");
}

#[tokio::test]
async fn every_shape_is_served_and_text_straddles_the_quote_limit() {
    let emu = start().await;
    let secret = emu.client_secret();
    for (shape, field) in [
        (EchoShape::Erp, "/errorCode"),
        (EchoShape::Wawi, "/ErrorCode"),
        (EchoShape::Oauth, "/error"),
        (EchoShape::Scx, "/errorList/0/code"),
        (EchoShape::Problem, "/detail"),
    ] {
        emu.inject_fault(Fault::echo(Service::Token, Some(shape)))
            .unwrap();
        let (status, body) = status_json(token_request(&emu).await).await;
        assert_eq!(status, 401, "{shape:?}");
        let value = body.pointer(field).and_then(Value::as_str).unwrap();
        assert!(value.contains(secret), "{shape:?}: {body}");
    }

    emu.inject_fault(Fault::echo(Service::Token, Some(EchoShape::Text)))
        .unwrap();
    let (status, content_type, text) = text_of(token_request(&emu).await).await;
    assert_eq!(status, 401);
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    // The secret starts 10 characters before the client's 200-character quote limit.
    assert_eq!(text.find(secret), Some(ECHO_STRADDLE_AT), "{text}");
    assert!(ECHO_STRADDLE_AT < 200 && ECHO_STRADDLE_AT + secret.len() > 200);
    assert!(text.contains(&basic(&emu)));

    emu.inject_fault(Fault::echo(Service::Token, Some(EchoShape::Cut)))
        .unwrap();
    let (_, _, text) = text_of(token_request(&emu).await).await;
    let half = &secret[..secret.len() / 2];
    assert!(text.ends_with(half), "{text}");
    assert!(!text.contains(secret), "{text}");
}

#[tokio::test]
async fn echo_is_armed_over_http_with_status_and_shape_and_validated() {
    let emu = start().await;
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/faults",
        Some(json!({ "service": "token", "kind": "echo", "status": 400, "shape": "problem" })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = status_json(token_request(&emu).await).await;
    assert_eq!(status, 400);
    assert!(body["errors"]
        .as_object()
        .unwrap()
        .contains_key(emu.client_secret()));

    // A shape without echo, or echo with its own body, is refused.
    for fault in [
        json!({ "service": "api", "kind": "status", "status": 500, "shape": "text" }),
        json!({ "service": "api", "kind": "echo", "body": {} }),
        json!({ "service": "api", "kind": "echo", "shape": "nonsense" }),
    ] {
        let (status, body) = admin(&emu, Method::POST, "/faults", Some(fault.clone())).await;
        assert_eq!(status, 400, "{fault}: {body}");
    }
    let err = emu
        .inject_fault(Fault {
            shape: Some(EchoShape::Text),
            ..Fault::kind(Service::Api, FaultKind::Drop)
        })
        .unwrap_err();
    assert!(err.to_string().contains("shape"), "{err}");

    // A request without credentials still gets an error, saying so.
    emu.inject_fault(Fault::echo(Service::Jwks, None)).unwrap();
    let response = http().get(emu.jwks_url()).send().await.unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 422);
    assert_eq!(body["errorCode"], "no credentials");
}
