//! Conformance with the facts sheet (`jtl-api-facts.md`, second edition) for tokens: the rows
//! of §0 (hosts and auth endpoints) the emulator serves, §4.1 (session token) and §4.2 (app
//! token). Each test names its section and row.
//!
//! Not served: §0 "Cloud ERP base", "OnPremise base", "Non-prod hosts", "SCX hosts" (JTL's
//! host names; the emulator serves all of them on one loopback URL), "Access-token lifetime"
//! (a setting, `token_lifetime_secs`, since the sources disagree); §4.1 "obtain" and §4.2
//! "obtain" (App Shell bridge calls in the browser), §4.1 "status" (a CLI changelog);
//! §4.2 `verifyAppToken` (a client-side helper: the core's app-token verifier, tested there).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::{Signature, VerifyingKey};
use jtl_emulator::{config, AppKeyChoice, AppTokenSpec, Emulator, SessionTokenSpec};
use reqwest::{header, Method};
use rsa::{
    pkcs1v15::{Signature as RsaSignature, VerifyingKey as RsaVerifyingKey},
    signature::Verifier,
    BigUint, RsaPublicKey,
};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::support::*;

fn decode(segment: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segment).unwrap()).unwrap()
}

fn parts(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    (decode(parts.next().unwrap()), decode(parts.next().unwrap()))
}

async fn session_jwks(emu: &Emulator) -> Value {
    let token = access_token(emu).await;
    let (status, body) = status_json(
        http()
            .get(emu.jwks_url())
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn app_jwks(emu: &Emulator) -> Value {
    let (status, body) = status_json(http().get(emu.app_keys_url()).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Strict RFC 8032 verification of `token` with the Ed25519 JWK `jwk`.
fn ed25519_verifies(jwk: &Value, token: &str) -> bool {
    let x: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = VerifyingKey::from_bytes(&x).unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    key.verify_strict(input.as_bytes(), &signature).is_ok()
}

/// RS256 (PKCS#1 v1.5, SHA-256) verification of `token` with the RSA JWK `jwk`.
fn rs256_verifies(jwk: &Value, token: &str) -> bool {
    let component = |name: &str| {
        BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap())
    };
    let key = RsaPublicKey::new(component("n"), component("e")).unwrap();
    let key = RsaVerifyingKey::<Sha256>::new(key);
    let (input, signature) = token.rsplit_once('.').unwrap();
    let Ok(signature) =
        RsaSignature::try_from(URL_SAFE_NO_PAD.decode(signature).unwrap().as_slice())
    else {
        return false;
    };
    key.verify(input.as_bytes(), &signature).is_ok()
}

fn keys(set: &Value) -> &Vec<Value> {
    set["keys"].as_array().unwrap()
}

/// §0 row "Token endpoint (Ory, legacy)": `POST /oauth2/token`, Basic client authentication,
/// form body `grant_type=client_credentials`; the JSON reply has `access_token`, an error
/// reply has `error`.
#[tokio::test]
async fn s0_legacy_token_endpoint_basic_auth_and_form_body() {
    let emu = start().await;
    let (status, body) =
        status_json(token_response(&emu, emu.client_id(), emu.client_secret()).await).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"]
        .as_str()
        .is_some_and(|t| t.split('.').count() == 3));
    let (status, body) = status_json(token_response(&emu, emu.client_id(), "wrong").await).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client", "{body}");
}

/// §0 row "Token endpoint (Zitadel, new default in CLI templates)": `${JTL_ISSUER}/oauth/v2/token`,
/// client credentials with scope `openid`; the access token works with the ERP API.
#[tokio::test]
async fn s0_zitadel_token_endpoint_wants_scope_openid() {
    let emu = start().await;
    let token_url = format!("{}/oauth/v2/token", emu.app_issuer());
    let ask = |body: &'static str| {
        http()
            .post(&token_url)
            .basic_auth(emu.client_id(), Some(emu.client_secret()))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let (status, body) = status_json(
        ask("grant_type=client_credentials&scope=openid")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "openid");
    let token = body["access_token"].as_str().unwrap();
    let (status, info) = status_json(erp_get(&emu, token, "/info").await).await;
    assert_eq!(
        status, 200,
        "the access token works with the ERP API: {info}"
    );

    let (status, body) = status_json(ask("grant_type=client_credentials").await.unwrap()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_scope");
    let (status, body) = status_json(
        http()
            .post(&token_url)
            .basic_auth(emu.client_id(), Some("wrong"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&scope=openid")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "invalid_client");
}

/// §0 row "`JTL_ISSUER` value": the emulator's issuer is its own URL (JTL's is
/// `https://id.jtl-cloud.com`); its discovery document names the token endpoint and keys.
#[tokio::test]
async fn s0_issuer_discovery_names_token_endpoint_and_keys() {
    let emu = start().await;
    assert_eq!(emu.app_issuer(), emu.url());
    let (status, body) = status_json(
        http()
            .get(format!("{}/.well-known/openid-configuration", emu.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["issuer"], emu.app_issuer());
    assert_eq!(body["jwks_uri"], emu.app_keys_url());
    assert_eq!(
        body["token_endpoint"],
        format!("{}/oauth/v2/token", emu.url())
    );
}

/// §0 row "Session-token JWKS": `GET /account/.well-known/jwks.json` **with**
/// `Authorization: Bearer <access token>`; without one it is refused.
#[tokio::test]
async fn s0_session_jwks_needs_a_bearer_access_token() {
    let emu = start().await;
    let (status, body) = status_json(http().get(emu.jwks_url()).send().await.unwrap()).await;
    assert_eq!(status, 401, "{body}");
    assert!(!keys(&session_jwks(&emu).await).is_empty());
}

/// §0 row "App-token JWKS": `${JTL_ISSUER}/oauth/v2/keys`, public (no token needed), RSA
/// entries with `kid`, `use: sig`, `alg: RS256`.
#[tokio::test]
async fn s0_app_token_jwks_at_oauth_v2_keys() {
    let emu = start().await;
    let set = app_jwks(&emu).await;
    let entry = &keys(&set)[0];
    assert_eq!(entry["kty"], "RSA");
    assert_eq!(entry["use"], "sig");
    assert_eq!(entry["alg"], "RS256");
    assert!(entry["kid"].as_str().is_some_and(|k| !k.is_empty()));
    let modulus = URL_SAFE_NO_PAD
        .decode(entry["n"].as_str().unwrap())
        .unwrap();
    assert_eq!(modulus.len(), 256, "2048-bit keys");
}

/// §4.1 row "header": `{alg:"EdDSA", typ:"JWT"}` — no `kid`.
#[tokio::test]
async fn s4_1_header_is_eddsa_jwt_without_kid() {
    let emu = start().await;
    let minted = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let (header, _) = parts(&minted.token);
    assert_eq!(header, json!({"alg": "EdDSA", "typ": "JWT"}));
}

/// §4.1 row "payload": `exp`, `userId`, `tenantId`, `kid` = customerId (a payload claim,
/// distinct from every key id).
#[tokio::test]
async fn s4_1_payload_kid_is_the_customer_id_not_a_key_id() {
    let emu = start().await;
    emu.rotate_keys(None);
    let minted = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let (_, payload) = parts(&minted.token);
    let names: Vec<&str> = payload
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["exp", "userId", "tenantId", "kid"], "{payload}");
    assert_eq!(payload["kid"], config::DEMO_CUSTOMER_ID);
    assert!(uuid::Uuid::parse_str(payload["kid"].as_str().unwrap()).is_ok());
    assert!(uuid::Uuid::parse_str(payload["userId"].as_str().unwrap()).is_ok());
    assert_eq!(payload["tenantId"], TENANT);
    let set = session_jwks(&emu).await;
    for key in keys(&set) {
        assert_ne!(key["kid"], payload["kid"], "never a key id");
    }
    let own = emu
        .mint_session_token(SessionTokenSpec {
            customer_id: Some(Some("0b1c2d3e-0000-4000-8000-00000000c0de".into())),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        parts(&own.token).1["kid"],
        "0b1c2d3e-0000-4000-8000-00000000c0de"
    );
    let without = emu
        .mint_session_token(SessionTokenSpec {
            customer_id: Some(None),
            ..Default::default()
        })
        .unwrap();
    assert!(parts(&without.token).1.get("kid").is_none());
    assert_eq!(without.customer_id, None);
}

/// §4.1 row "verify (docs)": the backend gets an access token, fetches the account JWKS with
/// it, verifies the signature, reads `tenantId`.
#[tokio::test]
async fn s4_1_verify_as_documented_access_token_jwks_signature_tenant() {
    let emu = start().await;
    let minted = emu
        .mint_session_token(SessionTokenSpec {
            tenant_id: Some(config::DEMO_SECOND_TENANT_ID.into()),
            ..Default::default()
        })
        .unwrap();
    let set = session_jwks(&emu).await;
    assert!(ed25519_verifies(&keys(&set)[0], &minted.token));
    assert_eq!(
        parts(&minted.token).1["tenantId"],
        config::DEMO_SECOND_TENANT_ID
    );
}

/// §4.1 row "key selection in JTL samples": `jwks.keys[0]` is the key signing new tokens.
#[tokio::test]
async fn s4_1_keys_0_is_the_current_signing_key() {
    let emu = start().await;
    emu.rotate_keys(None);
    let minted = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let set = session_jwks(&emu).await;
    assert_eq!(keys(&set).len(), 2, "current and previous");
    assert_eq!(keys(&set)[0]["kid"], minted.kid);
    assert!(ed25519_verifies(&keys(&set)[0], &minted.token));
}

/// §4.1 row "key selection alternatives": trying every key finds the one that signed a
/// token even when it is not `keys[0]` (a token from before a rotation).
#[tokio::test]
async fn s4_1_trying_every_key_finds_a_rotated_key() {
    let emu = start().await;
    let old = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    emu.rotate_keys(None);
    let set = session_jwks(&emu).await;
    assert!(!ed25519_verifies(&keys(&set)[0], &old.token));
    let matching: Vec<&Value> = keys(&set)
        .iter()
        .filter(|k| ed25519_verifies(k, &old.token))
        .collect();
    assert_eq!(matching.len(), 1);
    assert_eq!(matching[0]["kid"], old.kid);
}

/// §4.1 row "JWKS entry fields": entries carry `use` and `alg` (OKP/Ed25519 for EdDSA).
#[tokio::test]
async fn s4_1_jwks_entries_carry_use_and_alg() {
    let emu = start().await;
    let set = session_jwks(&emu).await;
    for key in keys(&set) {
        assert_eq!(key["kty"], "OKP");
        assert_eq!(key["crv"], "Ed25519");
        assert_eq!(key["use"], "sig");
        assert_eq!(key["alg"], "EdDSA");
        assert!(key["kid"].is_string(), "kid by default");
    }
}

/// "Where sources disagree", row "JWKS key choice (session token)", and §4.1 "header": the
/// setting `session_kid_in_header` serves the samples' variant with a header `kid`.
#[tokio::test]
async fn s4_1_setting_puts_the_key_id_in_the_header() {
    let emu = start().await;
    let (status, settings) = admin(
        &emu,
        Method::PATCH,
        "/settings",
        Some(json!({"session_kid_in_header": true})),
    )
    .await;
    assert_eq!(status, 200, "{settings}");
    assert_eq!(settings["session_kid_in_header"], true);
    let minted = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let (header, payload) = parts(&minted.token);
    assert_eq!(header["kid"], minted.kid);
    assert_eq!(
        payload["kid"],
        config::DEMO_CUSTOMER_ID,
        "still the customer id"
    );
}

/// "What no source says", row "Session-token JWKS entry fields": the setting
/// `jwks_without_kid` publishes kid-less entries.
#[tokio::test]
async fn s4_1_setting_publishes_kid_less_jwks_entries() {
    let emu = start().await;
    emu.update_settings(json!({"jwks_without_kid": true}))
        .unwrap();
    let minted = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let set = session_jwks(&emu).await;
    assert!(keys(&set).iter().all(|k| k.get("kid").is_none()), "{set}");
    assert!(ed25519_verifies(&keys(&set)[0], &minted.token));
    let (_, admin_keys) = admin(&emu, Method::GET, "/keys", None).await;
    assert!(admin_keys["jwks"]["keys"][0].get("kid").is_none());
}

/// §4.1 (seed sample): an `iss` only where the setting or the mint request names one.
#[tokio::test]
async fn s4_1_iss_only_when_asked_for() {
    let emu = start().await;
    let plain = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    assert!(parts(&plain.token).1.get("iss").is_none());
    emu.update_settings(json!({"session_issuer": config::DEFAULT_SESSION_ISSUER}))
        .unwrap();
    let with = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    assert_eq!(parts(&with.token).1["iss"], config::DEFAULT_SESSION_ISSUER);
}

/// §4.2 row "algorithm / issuer": RS256, signed by the platform IdP; `iss` is the issuer.
#[tokio::test]
async fn s4_2_app_tokens_are_rs256_from_the_issuer() {
    let emu = start().await;
    let minted = emu.mint_app_token(AppTokenSpec::default()).unwrap();
    let (header, payload) = parts(&minted.token);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(payload["iss"], emu.app_issuer());
    assert_eq!(minted.issuer.as_deref(), Some(emu.app_issuer()));
    let set = app_jwks(&emu).await;
    assert!(rs256_verifies(&keys(&set)[0], &minted.token));
}

/// §4.2 row "key lookup": the header **has** `kid`; the JWKS entry with that `kid` verifies.
/// An unpublished key's `kid` is not in the set; a foreign key under the published `kid`
/// does not verify.
#[tokio::test]
async fn s4_2_header_kid_names_the_published_key() {
    let emu = start().await;
    let set = app_jwks(&emu).await;
    let by_kid = |kid: &str| keys(&set).iter().find(|k| k["kid"] == kid).cloned();
    let minted = emu.mint_app_token(AppTokenSpec::default()).unwrap();
    assert_eq!(parts(&minted.token).0["kid"], minted.kid);
    assert!(rs256_verifies(&by_kid(&minted.kid).unwrap(), &minted.token));

    let unpublished = emu
        .mint_app_token(AppTokenSpec {
            key: AppKeyChoice::Unpublished,
            ..Default::default()
        })
        .unwrap();
    assert!(by_kid(&unpublished.kid).is_none());
    let foreign = emu
        .mint_app_token(AppTokenSpec {
            key: AppKeyChoice::Foreign,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(foreign.kid, minted.kid, "claims the published kid");
    assert!(!rs256_verifies(
        &by_kid(&foreign.kid).unwrap(),
        &foreign.token
    ));
}

/// §4.2 row "checks": `aud` contains the app's id; `exp` in the future; the mint options
/// serve the negative cases (foreign audience, expired).
#[tokio::test]
async fn s4_2_audience_contains_the_app_id_and_expiry_is_set() {
    let emu = start().await;
    let minted = emu.mint_app_token(AppTokenSpec::default()).unwrap();
    let (_, payload) = parts(&minted.token);
    assert_eq!(payload["aud"], json!([config::DEMO_APP_ID]));
    assert_eq!(payload["exp"], minted.expires_at);
    let other = emu
        .mint_app_token(AppTokenSpec {
            app_id: Some(Some("shop-app".into())),
            audience: Some(vec!["someone-else".into(), "shop-app".into()]),
            ttl_seconds: Some(-60),
            ..Default::default()
        })
        .unwrap();
    let (_, payload) = parts(&other.token);
    assert_eq!(payload["aud"], json!(["someone-else", "shop-app"]));
    assert!(other.expires_at < minted.expires_at - 3000);
}

/// §4.2 row "claims": `urn:jtl:tenant_id` (tenant UUID), `sub` (user), optional
/// `urn:jtl:app_id`; no profile claims.
#[tokio::test]
async fn s4_2_claims_tenant_sub_and_app_id() {
    let emu = start().await;
    let minted = emu
        .mint_app_token(AppTokenSpec {
            user_id: Some("2b0c6a52-9f5e-4c51-9d39-0f3c1e0b7a11".into()),
            ..Default::default()
        })
        .unwrap();
    let (_, payload) = parts(&minted.token);
    assert_eq!(payload["urn:jtl:tenant_id"], TENANT);
    assert_eq!(payload["sub"], "2b0c6a52-9f5e-4c51-9d39-0f3c1e0b7a11");
    assert_eq!(payload["urn:jtl:app_id"], config::DEMO_APP_ID);
    for profile in ["email", "name", "tenantId", "userId"] {
        assert!(payload.get(profile).is_none(), "{profile}");
    }
    let no_app = emu
        .mint_app_token(AppTokenSpec {
            app_id: Some(None),
            ..Default::default()
        })
        .unwrap();
    assert!(parts(&no_app.token).1.get("urn:jtl:app_id").is_none());
}

/// §4.2, over the admin API: `POST /_emulator/app-tokens` mints with tenant, user, app id,
/// audience, expiry and key choice; `GET /_emulator/app-keys` lists the key ids.
#[tokio::test]
async fn s4_2_admin_api_mints_app_tokens() {
    let emu = start().await;
    let (status, minted) = admin(
        &emu,
        Method::POST,
        "/app-tokens",
        Some(json!({
            "tenant_id": config::DEMO_SECOND_TENANT_ID,
            "user_id": "u-7",
            "app_id": "shop-app",
            "audience": ["shop-app", "other"],
            "ttl_seconds": 120,
            "key": "unpublished",
        })),
    )
    .await;
    assert_eq!(status, 201, "{minted}");
    let (_, payload) = parts(minted["token"].as_str().unwrap());
    assert_eq!(payload["urn:jtl:tenant_id"], config::DEMO_SECOND_TENANT_ID);
    assert_eq!(payload["sub"], "u-7");
    assert_eq!(payload["urn:jtl:app_id"], "shop-app");
    assert_eq!(payload["aud"], json!(["shop-app", "other"]));
    let (status, app_keys) = admin(&emu, Method::GET, "/app-keys", None).await;
    assert_eq!(status, 200);
    assert_eq!(app_keys["unpublished"], minted["kid"]);
    assert_ne!(app_keys["current"], minted["kid"]);
    let (status, body) = admin(
        &emu,
        Method::POST,
        "/app-tokens",
        Some(json!({"key": "stolen"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
}
