use crate::support::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use jtl_emulator::{Emulator, KidPlacement, SessionTokenSpec, SigningKeyChoice};
use reqwest::{header, Method};
use serde_json::{json, Value};

async fn jwks(emu: &Emulator) -> Value {
    let token = access_token(emu).await;
    let response = http()
        .get(emu.jwks_url())
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age"));
    response.json().await.unwrap()
}

fn decode(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

/// Verifies `token` against the JWK with `kid` in `set`, as a strict verifier would.
fn verifies_with(set: &Value, kid: &str, token: &str) -> bool {
    let Some(jwk) = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
    else {
        return false;
    };
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    let x: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = VerifyingKey::from_bytes(&x).unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    key.verify(input.as_bytes(), &signature).is_ok()
}

fn kids(set: &Value) -> Vec<String> {
    set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn jwks_requires_a_bearer_token() {
    let emu = start().await;
    let (status, body) = status_json(http().get(emu.jwks_url()).send().await.unwrap()).await;
    assert_eq!(status, 401);
    assert_erp_error(&body, "UNAUTHORIZED");
    let (status, _) = status_json(
        http()
            .get(emu.jwks_url())
            .bearer_auth("forged.token.here")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    let set = jwks(&emu).await;
    assert_eq!(kids(&set), [emu.current_kid()]);
}

#[tokio::test]
async fn minted_session_tokens_verify_against_the_published_key() {
    let emu = start().await;
    let minted = emu
        .mint_session_token(SessionTokenSpec {
            user_id: Some("user-1".into()),
            tenant_slug: Some("shop-one".into()),
            ..Default::default()
        })
        .unwrap();
    let mut parts = minted.token.split('.');
    let header = decode(parts.next().unwrap());
    let claims = decode(parts.next().unwrap());
    assert_eq!(
        header,
        json!({"alg": "EdDSA", "typ": "JWT"}),
        "no kid by default"
    );
    assert_eq!(claims["tenantId"], TENANT);
    assert_eq!(claims["userId"], "user-1");
    assert_eq!(claims["tenantSlug"], "shop-one");
    assert!(claims.get("iss").is_none(), "no iss by default");
    assert_eq!(claims["exp"], minted.expires_at);
    assert_eq!(
        claims["kid"],
        jtl_emulator::config::DEMO_CUSTOMER_ID,
        "the payload kid is the customer id"
    );
    assert_eq!(
        minted.customer_id.as_deref(),
        Some(jtl_emulator::config::DEMO_CUSTOMER_ID)
    );
    assert!(verifies_with(&jwks(&emu).await, &minted.kid, &minted.token));
}

#[tokio::test]
async fn kid_goes_where_the_test_wants_it() {
    let emu = start().await;
    for (placement, in_header, in_payload) in [
        (KidPlacement::Header, true, false),
        (KidPlacement::Payload, false, true),
        (KidPlacement::Both, true, true),
        (KidPlacement::None, false, false),
    ] {
        let minted = emu
            .mint_session_token(SessionTokenSpec {
                kid: Some(placement),
                ..Default::default()
            })
            .unwrap();
        let mut parts = minted.token.split('.');
        let header = decode(parts.next().unwrap());
        let claims = decode(parts.next().unwrap());
        assert_eq!(header.get("kid").is_some(), in_header, "{placement:?}");
        // The payload kid is the customer id unless the key id is put there.
        assert_eq!(claims["kid"] == minted.kid, in_payload, "{placement:?}");
        assert_eq!(minted.customer_id.is_none(), in_payload, "{placement:?}");
    }
}

#[tokio::test]
async fn issuer_ttl_and_extra_claims() {
    let emu = start().await;
    let no_iss = emu
        .mint_session_token(SessionTokenSpec {
            iss: Some(None),
            ..Default::default()
        })
        .unwrap();
    assert!(decode(no_iss.token.split('.').nth(1).unwrap())
        .get("iss")
        .is_none());
    let other = emu
        .mint_session_token(SessionTokenSpec {
            iss: Some(Some("https://evil.example".into())),
            ttl_seconds: Some(-120),
            claims: json!({ "nbf": 4_000_000_000_i64, "role": "admin" })
                .as_object()
                .unwrap()
                .clone(),
            header: json!({ "alg": "HS256" }).as_object().unwrap().clone(),
            ..Default::default()
        })
        .unwrap();
    let mut parts = other.token.split('.');
    let header = decode(parts.next().unwrap());
    let claims = decode(parts.next().unwrap());
    assert_eq!(header["alg"], "HS256");
    assert_eq!(claims["iss"], "https://evil.example");
    assert_eq!(claims["nbf"], 4_000_000_000_i64);
    assert_eq!(claims["role"], "admin");
    assert!(
        claims["exp"].as_i64().unwrap() < other.expires_at + 1
            && other.expires_at
                < std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs() as i64,
        "expired already"
    );
}

#[tokio::test]
async fn rotation_keeps_the_previous_key_for_its_grace_period() {
    let emu = start().await;
    assert!(
        emu.mint_session_token(SessionTokenSpec {
            key: SigningKeyChoice::Previous,
            ..Default::default()
        })
        .is_err(),
        "no previous key before the first rotation"
    );
    let before = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let rotated = emu.rotate_keys(None);
    assert_eq!(rotated["previous"], before.kid);
    let set = jwks(&emu).await;
    assert_eq!(
        kids(&set),
        [emu.current_kid(), before.kid.clone()],
        "current first, previous still published"
    );
    assert!(
        verifies_with(&set, &before.kid, &before.token),
        "old tokens keep verifying during the grace period"
    );
    let by_previous = emu
        .mint_session_token(SessionTokenSpec {
            key: SigningKeyChoice::Previous,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_previous.kid, before.kid);
    let after = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    assert!(verifies_with(&set, &after.kid, &after.token));
    assert_ne!(after.kid, before.kid);

    // A rotation without grace drops the old key from the set at once.
    let second = emu.rotate_keys(Some(std::time::Duration::ZERO));
    let set = jwks(&emu).await;
    assert!(!kids(&set).contains(&second["previous"].as_str().unwrap().to_owned()));
    assert!(
        kids(&set).contains(&before.kid),
        "the first previous key is still within its grace"
    );
}

#[tokio::test]
async fn unpublished_keys_never_appear_in_the_set() {
    let emu = start().await;
    let minted = emu
        .mint_session_token(SessionTokenSpec {
            key: SigningKeyChoice::Unpublished,
            ..Default::default()
        })
        .unwrap();
    let set = jwks(&emu).await;
    assert!(!kids(&set).contains(&minted.kid));
    assert!(
        !verifies_with(&set, &emu.current_kid(), &minted.token),
        "not signed by the current key"
    );
}

#[tokio::test]
async fn admin_api_mints_and_rotates() {
    let emu = start().await;
    let (status, minted) = admin(
        &emu,
        Method::POST,
        "/session-tokens",
        Some(json!({ "tenantId": "t-1", "user_id": "u-1", "kid": "payload", "ttl_seconds": 60 })),
    )
    .await;
    assert_eq!(status, 201, "{minted}");
    let claims = decode(minted["token"].as_str().unwrap().split('.').nth(1).unwrap());
    assert_eq!(claims["tenantId"], "t-1");
    assert_eq!(claims["userId"], "u-1");
    assert_eq!(claims["kid"], minted["kid"]);
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/session-tokens",
        Some(json!({ "key": "previous" })),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/session-tokens",
        Some(json!({ "colour": "blue" })),
    )
    .await;
    assert_eq!(status, 400, "unknown fields are refused: {body}");
    assert!(body["message"].as_str().unwrap().contains("colour"));

    let (status, rotated) = admin(
        &emu,
        Method::POST,
        "/keys/rotate",
        Some(json!({ "grace_secs": 5 })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(rotated["grace_secs"], 5);
    let (_, keys) = admin(&emu, Method::GET, "/keys", None).await;
    assert_eq!(keys["current"], rotated["current"]);
    assert_eq!(keys["previous"], rotated["previous"]);
    assert_eq!(keys["jwks"]["keys"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn raw_header_and_payload_are_signed_verbatim() {
    let emu = start().await;
    let header = r#"{"alg":"EdDSA","alg":"none"}"#;
    let payload = r#"{"exp":1,"tenantId":"a","exp":4000000000,"tenantId":"b"}"#;
    let minted = emu
        .mint_session_token(SessionTokenSpec {
            raw_header: Some(header.into()),
            raw_payload: Some(payload.into()),
            // Ignored: the raw payload replaces every claim.
            tenant_id: Some("ignored".into()),
            ..Default::default()
        })
        .unwrap();
    let mut parts = minted.token.split('.');
    let text = |segment: &str| String::from_utf8(URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap();
    assert_eq!(text(parts.next().unwrap()), header, "byte for byte");
    assert_eq!(text(parts.next().unwrap()), payload, "byte for byte");
    assert_eq!(
        minted.expires_at, 4_000_000_000,
        "the last exp, as parsers read it"
    );
    assert!(
        verifies_with(&jwks(&emu).await, &minted.kid, &minted.token),
        "signed by the current key"
    );

    // Not JSON at all; only the payload raw, so the header is built as usual (no kid).
    let odd = emu
        .mint_session_token(SessionTokenSpec {
            raw_payload: Some("not json \u{0}\u{441}".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(odd.expires_at, 0);
    let mut parts = odd.token.split('.');
    assert!(decode(parts.next().unwrap()).get("kid").is_none());
    assert_eq!(text(parts.next().unwrap()), "not json \u{0}\u{441}");

    // The admin API takes them too.
    let (status, minted) = admin(
        &emu,
        Method::POST,
        "/session-tokens",
        Some(json!({ "raw_payload": "[1,2]" })),
    )
    .await;
    assert_eq!(status, 201, "{minted}");
    assert_eq!(
        text(minted["token"].as_str().unwrap().split('.').nth(1).unwrap()),
        "[1,2]"
    );
}
