use crate::support::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::header;
use serde_json::Value;

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn client_credentials_grant_issues_a_signed_bearer_jwt() {
    let emu = start().await;
    let response = token_response(&emu, emu.client_id(), emu.client_secret()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    let (_, body) = status_json(response).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a compact JWS");
    let claims = claims_of(token);
    assert_eq!(claims["sub"], emu.client_id());
    let lifetime = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
    assert_eq!(lifetime, 3600);
}

#[tokio::test]
async fn token_lifetime_follows_settings() {
    let emu = start().await;
    emu.update_settings(serde_json::json!({ "token_lifetime_secs": 120 }))
        .unwrap();
    let (_, body) =
        status_json(token_response(&emu, emu.client_id(), emu.client_secret()).await).await;
    assert_eq!(body["expires_in"], 120);
}

async fn raw_token(
    emu: &jtl_emulator::Emulator,
    auth: Option<&str>,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Value) {
    let mut request = http().post(emu.token_url()).body(body.to_owned());
    if let Some(auth) = auth {
        request = request.header(header::AUTHORIZATION, auth);
    }
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    status_json(request.send().await.unwrap()).await
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn basic(id: &str, secret: &str) -> String {
    use base64::engine::general_purpose::STANDARD;
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

#[tokio::test]
async fn oauth_errors_have_the_documented_codes_and_statuses() {
    let emu = start().await;
    let good = basic(emu.client_id(), emu.client_secret());
    // (case, Authorization, Content-Type, body, expected status, expected error)
    type Case<'a> = (
        &'a str,
        Option<String>,
        Option<&'a str>,
        &'a str,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        ("wrong secret", Some(basic(emu.client_id(), "nope")), FORM, "grant_type=client_credentials", 401, "invalid_client"),
        ("unknown client", Some(basic("who", "x")), FORM, "grant_type=client_credentials", 401, "invalid_client"),
        ("no Authorization", None, FORM, "grant_type=client_credentials", 401, "invalid_client"),
        ("garbled Basic", Some("Basic !!!not-base64".into()), FORM, "grant_type=client_credentials", 400, "invalid_request"),
        ("Basic without colon", Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("nocolon"))), FORM, "grant_type=client_credentials", 400, "invalid_request"),
        ("Bearer instead of Basic", Some("Bearer abc".into()), FORM, "grant_type=client_credentials", 401, "invalid_client"),
        ("JSON content type", Some(good.clone()), Some("application/json"), "{\"grant_type\":\"client_credentials\"}", 400, "invalid_request"),
        ("no content type", Some(good.clone()), None, "grant_type=client_credentials", 400, "invalid_request"),
        ("no grant_type", Some(good.clone()), FORM, "scope=x", 400, "invalid_request"),
        ("repeated grant_type", Some(good.clone()), FORM, "grant_type=client_credentials&grant_type=client_credentials", 400, "invalid_request"),
        ("password grant", Some(good.clone()), FORM, "grant_type=password&username=a&password=b", 400, "unsupported_grant_type"),
        ("secret in body and header", Some(good.clone()), FORM, "grant_type=client_credentials&client_secret=x", 400, "invalid_request"),
        ("secret in body only", None, FORM, "grant_type=client_credentials&client_id=demo-client-id&client_secret=demo-client-secret", 401, "invalid_client"),
    ];
    for (name, auth, content_type, body, status, code) in cases {
        let (got_status, got) = raw_token(&emu, auth.as_deref(), content_type, body).await;
        assert_eq!(got_status, status, "{name}: {got}");
        assert_eq!(got["error"], code, "{name}: {got}");
        let description = got["error_description"].as_str().unwrap_or_default();
        assert!(!description.is_empty(), "{name}: {got}");
        assert!(
            !description.contains(emu.client_secret()),
            "{name}: the secret leaked: {description}"
        );
    }
}

#[tokio::test]
async fn charset_parameter_on_the_content_type_is_accepted() {
    let emu = start().await;
    let auth = basic(emu.client_id(), emu.client_secret());
    let (status, body) = raw_token(
        &emu,
        Some(&auth),
        Some("application/x-www-form-urlencoded; charset=UTF-8"),
        "grant_type=client_credentials",
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn invalid_client_answers_carry_www_authenticate() {
    let emu = start().await;
    let response = token_response(&emu, emu.client_id(), "wrong").await;
    assert_eq!(response.status(), 401);
    assert!(response.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
}
