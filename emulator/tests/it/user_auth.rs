//! User sign-in (facts §5.4 `oauth2-cloud-id-accessCode`): `/oauth2/auth`, the code grant
//! with PKCE and the refresh grant with rotation, checked against RFC 6749 and RFC 7636.

use crate::support::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jtl_emulator::{
    config::{DEMO_SECOND_TENANT_ID, DEMO_SECOND_USER_ID, DEMO_USER_ID},
    Emulator,
};
use reqwest::{header, redirect::Policy, Client, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn no_redirects() -> Client {
    let _ = http();
    Client::builder().redirect(Policy::none()).build().unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `application/x-www-form-urlencoded` text of `pairs` (reqwest here has no `form`/`query`).
fn encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k.as_ref(), v.as_ref());
    }
    out.finish()
}

fn post_form<K: AsRef<str>, V: AsRef<str>>(
    client: &Client,
    url: &str,
    pairs: &[(K, V)],
) -> reqwest::RequestBuilder {
    client
        .post(url)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(encode(pairs))
}

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The authorize parameters of a well-formed request.
fn params(emu: &Emulator) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", emu.client_id().into()),
        ("redirect_uri", REDIRECT.into()),
        ("scope", "openid offline_access".into()),
        ("state", "state-123".into()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
    ]
}

async fn authorize(emu: &Emulator, params: &[(&str, String)]) -> reqwest::Response {
    no_redirects()
        .get(format!("{}?{}", emu.authorize_url(), encode(params)))
        .send()
        .await
        .unwrap()
}

/// The query parameters of a redirect's `Location`, which must go to [`REDIRECT`].
fn location(response: &reqwest::Response) -> Vec<(String, String)> {
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    let (target, query) = location.split_once('?').unwrap();
    assert_eq!(target, REDIRECT, "{location}");
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Signs `user` in on the page (the form post) and returns the code.
async fn code_for(emu: &Emulator, user: &str) -> String {
    let mut form = params(emu);
    form.push(("user", user.into()));
    let response = post_form(&no_redirects(), &emu.authorize_url(), &form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let pairs = location(&response);
    assert_eq!(param(&pairs, "state"), Some("state-123"));
    param(&pairs, "code").unwrap().to_owned()
}

async fn token(emu: &Emulator, form: &[(&str, &str)]) -> (u16, Value) {
    let response = post_form(&http(), &emu.token_url(), form)
        .basic_auth(emu.client_id(), Some(emu.client_secret()))
        .send()
        .await
        .unwrap();
    status_json(response).await
}

async fn exchange(emu: &Emulator, code: &str) -> (u16, Value) {
    token(
        emu,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

async fn refresh(emu: &Emulator, refresh_token: &str) -> (u16, Value) {
    token(
        emu,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ],
    )
    .await
}

fn assert_oauth_error(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn rfc6749_4_1_sign_in_page_code_exchange_and_the_users_own_data() {
    let emu = start().await;
    let page = authorize(&emu, &params(&emu)).await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    for user in emu.demo_users() {
        assert!(html.contains(user.name) && html.contains(user.id), "{html}");
    }
    assert!(
        html.contains("name=\"code_challenge\""),
        "the form carries the request"
    );

    for (user, name) in [
        (DEMO_USER_ID, "Anna Admin"),
        (DEMO_SECOND_USER_ID, "Ben Buyer"),
    ] {
        let code = code_for(&emu, user).await;
        let (status, body) = exchange(&emu, &code).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["scope"], "openid offline_access");
        assert!(body["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 43));
        let access = body["access_token"].as_str().unwrap();
        let claims = claims_of(access);
        assert_eq!(claims["sub"], user);
        assert_eq!(claims["client_id"], emu.client_id());
        assert_eq!(claims["urn:jtl:tenant_id"], TENANT);
        let id = claims_of(body["id_token"].as_str().unwrap());
        assert_eq!(
            (id["sub"].as_str(), id["name"].as_str()),
            (Some(user), Some(name))
        );
        assert_eq!(id["aud"], emu.client_id());
        // The ERP API answers as that user.
        let (status, info) = status_json(erp_get(&emu, access, "/info").await).await;
        assert_eq!(status, 200, "{info}");
        assert_eq!(info["user"], json!({ "id": user, "name": name }));
    }
    // A client-credentials token has no user.
    let app = access_token(&emu).await;
    let (_, info) = status_json(erp_get(&emu, &app, "/info").await).await;
    assert!(info["user"].is_null(), "{info}");
    assert_eq!(emu.stats().grants("authorization_code"), 2);
    assert_eq!(emu.stats().route("GET /oauth2/auth"), 1);
}

#[tokio::test]
async fn rfc6749_4_1_2_1_bad_client_or_redirect_uri_is_refused_without_redirect() {
    let emu = start().await;
    let with = |name: &'static str, value: &str| {
        let mut p = params(&emu);
        p.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            p.push((name, value.to_owned()));
        }
        p
    };
    for bad in [
        with("client_id", "no-such-client"),
        with("client_id", ""),
        with("redirect_uri", ""),
        with("redirect_uri", "http://example.com/callback"),
        with("redirect_uri", "https://app.example/cb#fragment"),
        with("redirect_uri", "javascript:alert(1)"),
    ] {
        let response = authorize(&emu, &bad).await;
        assert_eq!(response.status(), 400, "{bad:?}");
        assert!(
            response.headers().get(header::LOCATION).is_none(),
            "{bad:?}"
        );
        let text = response.text().await.unwrap();
        assert!(text.contains("id=\"error\""), "{text}");
    }
    // An app scheme (RFC 8252 §7.1) and https are fine.
    for good in ["com.example.app:/callback", "https://app.example/cb"] {
        assert_eq!(
            authorize(&emu, &with("redirect_uri", good)).await.status(),
            200
        );
    }
}

#[tokio::test]
async fn rfc6749_4_1_2_1_and_rfc7636_4_4_1_request_errors_redirect_with_the_state() {
    let emu = start().await;
    let cases: [(&str, &str, &str); 5] = [
        ("response_type", "token", "unsupported_response_type"),
        ("response_type", "", "invalid_request"),
        ("code_challenge", "", "invalid_request"),
        ("code_challenge_method", "plain", "invalid_request"),
        ("code_challenge", "too-short", "invalid_request"),
    ];
    for (name, value, code) in cases {
        let mut p = params(&emu);
        p.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            p.push((name, value.to_owned()));
        }
        let response = authorize(&emu, &p).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{name}={value}");
        let pairs = location(&response);
        assert_eq!(
            param(&pairs, "error"),
            Some(code),
            "{name}={value}: {pairs:?}"
        );
        assert_eq!(param(&pairs, "state"), Some("state-123"));
        assert!(param(&pairs, "code").is_none());
    }
}

#[tokio::test]
async fn rfc7636_4_6_wrong_or_missing_verifier() {
    let emu = start().await;
    let code = code_for(&emu, DEMO_USER_ID).await;
    let other = "x".repeat(43);
    let form = |verifier: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ]
    };
    let (status, body) = token(&emu, &form(other.clone().leak())).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    let mut missing = form(VERIFIER);
    missing.pop();
    let (status, body) = token(&emu, &missing).await;
    assert_oauth_error(status, &body, 400, "invalid_request");
    // A failed verifier check does not use the code up: the right verifier still works.
    let (status, body) = exchange(&emu, &code).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn rfc6749_4_1_2_reused_code_is_invalid_grant_and_revokes_its_tokens() {
    let emu = start().await;
    let code = code_for(&emu, DEMO_USER_ID).await;
    let (status, first) = exchange(&emu, &code).await;
    assert_eq!(status, 200, "{first}");
    let (status, body) = exchange(&emu, &code).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    let (status, body) = refresh(&emu, first["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    let (status, body) = exchange(&emu, "no-such-code").await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
}

#[tokio::test]
async fn rfc6749_4_1_3_wrong_redirect_uri_is_invalid_grant() {
    let emu = start().await;
    let code = code_for(&emu, DEMO_USER_ID).await;
    for redirect in ["http://127.0.0.1:9/other", ""] {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("code_verifier", VERIFIER),
        ];
        if !redirect.is_empty() {
            form.push(("redirect_uri", redirect));
        }
        let (status, body) = token(&emu, &form).await;
        assert_oauth_error(status, &body, 400, "invalid_grant");
    }
}

#[tokio::test]
async fn rfc6749_4_1_2_expired_code_is_invalid_grant() {
    let emu = start().await;
    emu.update_settings(json!({ "auth_code_lifetime_secs": 0 }))
        .unwrap();
    let code = code_for(&emu, DEMO_USER_ID).await;
    let (status, body) = exchange(&emu, &code).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[tokio::test]
async fn rfc6749_6_refresh_rotates_and_a_replayed_token_revokes_the_grant() {
    let emu = start().await;
    let code = code_for(&emu, DEMO_SECOND_USER_ID).await;
    let (_, first) = exchange(&emu, &code).await;
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let (status, second) = refresh(&emu, &old).await;
    assert_eq!(status, 200, "{second}");
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old, "rotation: a new refresh token");
    assert_eq!(
        claims_of(second["access_token"].as_str().unwrap())["sub"],
        DEMO_SECOND_USER_ID
    );
    assert_eq!(second["scope"], "openid offline_access");
    // The old one is gone; using it again revokes the whole grant (Security BCP §4.14.2).
    let (status, body) = refresh(&emu, &old).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    let (status, body) = refresh(&emu, &new).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    // RFC 6749 §6: a wider scope than granted is invalid_scope.
    let code = code_for(&emu, DEMO_USER_ID).await;
    let (_, grant) = exchange(&emu, &code).await;
    let (status, body) = token(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", grant["refresh_token"].as_str().unwrap()),
            ("scope", "openid items.write"),
        ],
    )
    .await;
    assert_oauth_error(status, &body, 400, "invalid_scope");
    // Revoked by the admin API: invalid_grant.
    assert_eq!(emu.revoke_user_grants(Some(DEMO_USER_ID)), 1);
    let (status, body) = refresh(&emu, grant["refresh_token"].as_str().unwrap()).await;
    assert_oauth_error(status, &body, 400, "invalid_grant");
    assert_eq!(emu.stats().grants("refresh_token"), 5);
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_token() {
    let emu = start().await;
    emu.update_settings(json!({ "refresh_token_rotation": false }))
        .unwrap();
    let code = code_for(&emu, DEMO_USER_ID).await;
    let (_, first) = exchange(&emu, &code).await;
    let old = first["refresh_token"].as_str().unwrap();
    for _ in 0..2 {
        let (status, body) = refresh(&emu, old).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["refresh_token"], old);
    }
}

#[tokio::test]
async fn rfc6749_4_1_2_1_access_denied_on_the_page_and_in_deny_mode() {
    let emu = start().await;
    let mut form = params(&emu);
    form.push(("decision", "deny".into()));
    let response = post_form(&no_redirects(), &emu.authorize_url(), &form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let pairs = location(&response);
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
    assert_eq!(param(&pairs, "state"), Some("state-123"));

    emu.update_settings(json!({ "sign_in_mode": "deny" }))
        .unwrap();
    let pairs = location(&authorize(&emu, &params(&emu)).await);
    assert_eq!(param(&pairs, "error"), Some("access_denied"));
}

#[tokio::test]
async fn approve_mode_signs_in_at_once_and_honours_login_hint() {
    let emu = start().await;
    emu.update_settings(json!({ "sign_in_mode": "approve" }))
        .unwrap();
    let response = authorize(&emu, &params(&emu)).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let code = param(&location(&response), "code").unwrap().to_owned();
    let (_, body) = exchange(&emu, &code).await;
    assert_eq!(
        claims_of(body["access_token"].as_str().unwrap())["sub"],
        DEMO_USER_ID
    );

    let mut hinted = params(&emu);
    hinted.push(("login_hint", DEMO_SECOND_USER_ID.into()));
    let code = param(&location(&authorize(&emu, &hinted).await), "code")
        .unwrap()
        .to_owned();
    let (_, body) = exchange(&emu, &code).await;
    assert_eq!(
        claims_of(body["access_token"].as_str().unwrap())["sub"],
        DEMO_SECOND_USER_ID
    );
}

#[tokio::test]
async fn rfc6749_2_1_public_client_names_itself_and_proves_pkce() {
    let emu = start().await;
    let code = code_for(&emu, DEMO_USER_ID).await;
    let send = |form: Vec<(&'static str, String)>| {
        let url = emu.token_url();
        async move { status_json(post_form(&http(), &url, &form).send().await.unwrap()).await }
    };
    let form = |client: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", REDIRECT.to_owned()),
            ("code_verifier", VERIFIER.to_owned()),
            ("client_id", client.to_owned()),
        ]
    };
    let (status, body) = send(form("unknown-client")).await;
    assert_oauth_error(status, &body, 401, "invalid_client");
    let (status, body) = send(form(emu.client_id())).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn user_token_is_bound_to_its_tenant() {
    let emu = start().await;
    let code = code_for(&emu, DEMO_USER_ID).await;
    let (_, body) = exchange(&emu, &code).await;
    let response = http()
        .get(format!("{}/info", emu.api_base()))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .header("X-Tenant-ID", DEMO_SECOND_TENANT_ID)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(response).await;
    assert_eq!(status, 403, "{body}");
    assert_erp_error(&body, "TENANT_FORBIDDEN");
}
