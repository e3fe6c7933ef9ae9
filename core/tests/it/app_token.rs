//! JTL app tokens (facts §4.2) and the documented session token (§4.1) in the emulator's
//! default mode and with each variant setting (facts "Where sources disagree").

use std::time::Duration;

use jtl_connect::{Endpoints, SessionVerifier, TokenInvalidReason, VerifierConfig};
use jtl_emulator::{
    config, AppKeyChoice, AppTokenSpec, Emulator, KidPlacement, Service, SessionTokenSpec,
};
use serde_json::json;

use crate::support::*;

fn app_verifier(emu: &Emulator) -> SessionVerifier {
    cloud(emu).app_token_verifier(emu.app_id(), None).unwrap()
}

fn mint(emu: &Emulator, spec: AppTokenSpec) -> String {
    emu.mint_app_token(spec).unwrap().token
}

async fn reason(verifier: &SessionVerifier, token: &str) -> (TokenInvalidReason, String) {
    let err = verifier.verify(token).await.expect_err("must be refused");
    (err.reason().unwrap(), err.to_string())
}

/// The emulator settings of every variant the sources leave open (§4.1).
fn variants() -> [(&'static str, serde_json::Value); 4] {
    [
        ("default (documented)", json!({})),
        ("kid in header", json!({"session_kid_in_header": true})),
        ("kid-less JWKS", json!({"jwks_without_kid": true})),
        (
            "kid in header, kid-less JWKS, iss",
            json!({"session_kid_in_header": true, "jwks_without_kid": true,
                   "session_issuer": config::DEFAULT_SESSION_ISSUER}),
        ),
    ]
}

/// §4.1 in every variant: the documented session token verifies and shows its customer id;
/// a present wrong `iss` is refused; an unknown key is refused.
#[tokio::test]
async fn s4_1_the_documented_session_token_verifies_in_every_variant() {
    for (name, settings) in variants() {
        let emu = emulator().await;
        emu.update_settings(settings).unwrap();
        let v = cloud(&emu)
            .session_verifier(VerifierConfig::default())
            .unwrap();
        let minted = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
        let claims = v
            .verify(&minted.token)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(claims.tenant_id, config::DEMO_TENANT_ID, "{name}");
        assert_eq!(claims.user_id, minted.user_id, "{name}");
        assert_eq!(
            claims.customer_id.as_deref(),
            Some(config::DEMO_CUSTOMER_ID),
            "{name}"
        );
        let wrong = emu
            .mint_session_token(SessionTokenSpec {
                iss: Some(Some("https://evil.example".into())),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            reason(&v, &wrong.token).await.0,
            TokenInvalidReason::WrongIssuer,
            "{name}"
        );
        let foreign = emu
            .mint_session_token(SessionTokenSpec {
                key: jtl_emulator::SigningKeyChoice::Unpublished,
                ..Default::default()
            })
            .unwrap();
        let (why, _) = reason(&v, &foreign.token).await;
        assert!(
            matches!(
                why,
                TokenInvalidReason::BadSignature | TokenInvalidReason::UnknownKey
            ),
            "{name}: {why}"
        );
        // An explicit header kid also verifies against a kid-less JWKS.
        let with_kid = emu
            .mint_session_token(SessionTokenSpec {
                kid: Some(KidPlacement::Header),
                ..Default::default()
            })
            .unwrap();
        v.verify(&with_kid.token)
            .await
            .unwrap_or_else(|e| panic!("{name}, header kid: {e}"));
    }
}

/// §4.1: the payload `kid` is never looked up as a key id: a token whose payload `kid`
/// names the published key but that no published key signed is refused, and the customer id
/// of a token is not a key id either.
#[tokio::test]
async fn s4_1_a_payload_kid_never_selects_a_key() {
    let emu = emulator().await;
    let v = cloud(&emu)
        .session_verifier(VerifierConfig::default())
        .unwrap();
    let forged = emu
        .mint_session_token(SessionTokenSpec {
            key: jtl_emulator::SigningKeyChoice::Unpublished,
            customer_id: Some(Some(emu.current_kid())),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        reason(&v, &forged.token).await.0,
        TokenInvalidReason::BadSignature
    );
    // A kid-less token tried against every suitable key: one signature check per key.
    let fresh = cloud(&emu)
        .session_verifier(VerifierConfig {
            verified_cache_size: 0,
            ..VerifierConfig::default()
        })
        .unwrap();
    fresh
        .verify(
            &emu.mint_session_token(SessionTokenSpec::default())
                .unwrap()
                .token,
        )
        .await
        .unwrap();
    assert_eq!(fresh.stats().signature_checks, 1);
}

/// Issue 14.1: an optional maximum token lifetime.
#[tokio::test]
async fn max_lifetime_refuses_long_lived_tokens() {
    let emu = emulator().await;
    let v = cloud(&emu)
        .session_verifier(VerifierConfig {
            max_lifetime: Some(Duration::from_secs(3600)),
            ..VerifierConfig::default()
        })
        .unwrap();
    v.verify(
        &emu.mint_session_token(SessionTokenSpec::default())
            .unwrap()
            .token,
    )
    .await
    .unwrap();
    let long = emu
        .mint_session_token(SessionTokenSpec {
            ttl_seconds: Some(30 * 86_400),
            ..Default::default()
        })
        .unwrap();
    let (why, message) = reason(&v, &long.token).await;
    assert_eq!(why, TokenInvalidReason::LifetimeTooLong);
    assert!(message.contains("3600"), "{message}");
    let app = cloud(&emu)
        .app_token_verifier_with(
            emu.app_id(),
            None,
            VerifierConfig {
                max_lifetime: Some(Duration::from_secs(600)),
                ..VerifierConfig::default()
            },
        )
        .unwrap();
    let (why, message) = reason(&app, &mint(&emu, AppTokenSpec::default())).await;
    assert_eq!(why, TokenInvalidReason::LifetimeTooLong);
    assert!(message.contains("expiry check"), "{message}");
}

/// §4.2 rows "algorithm / issuer", "key lookup", "claims": an app token verifies with its
/// JTL claims; keys come from `{issuer}/oauth/v2/keys`, once, without the client's token.
#[tokio::test]
async fn s4_2_an_app_token_verifies_with_its_claims() {
    let emu = emulator().await;
    let v = app_verifier(&emu);
    assert_eq!(v.jwks_url().as_str(), emu.app_keys_url());
    let minted = emu
        .mint_app_token(AppTokenSpec {
            tenant_id: Some(config::DEMO_SECOND_TENANT_ID.into()),
            user_id: Some("2b0c6a52-9f5e-4c51-9d39-0f3c1e0b7a11".into()),
            ..Default::default()
        })
        .unwrap();
    let claims = v.verify(&minted.token).await.unwrap();
    assert_eq!(claims.tenant_id, config::DEMO_SECOND_TENANT_ID);
    assert_eq!(claims.user_id, "2b0c6a52-9f5e-4c51-9d39-0f3c1e0b7a11");
    assert_eq!(claims.app_id.as_deref(), Some(config::DEMO_APP_ID));
    assert_eq!(claims.customer_id, None);
    assert_eq!(claims.expires_at, minted.expires_at);
    assert_eq!(claims.claims["iss"], emu.app_issuer());
    v.verify(&mint(&emu, AppTokenSpec::default()))
        .await
        .unwrap();
    assert_eq!(v.stats().jwks_fetches, 1);
    assert_eq!(emu.stats().route("GET /oauth/v2/keys"), 1);
    assert_eq!(emu.stats().get(Service::Token), 0, "the keys are public");
    // An audience list with the app id among others is fine; no app id claim is too.
    v.verify(&mint(
        &emu,
        AppTokenSpec {
            audience: Some(vec!["other".into(), config::DEMO_APP_ID.into()]),
            app_id: Some(None),
            ..Default::default()
        },
    ))
    .await
    .unwrap();
}

/// §4.2 row "checks": signature, issuer, audience and expiry must all pass; each failure
/// names its check. An EdDSA session token offered as app token is `algorithm_not_allowed`.
#[tokio::test]
async fn s4_2_each_failed_check_is_named() {
    let emu = emulator().await;
    let v = app_verifier(&emu);
    let cases = [
        (
            "foreign audience",
            AppTokenSpec {
                audience: Some(vec!["someone-else".into()]),
                ..Default::default()
            },
            TokenInvalidReason::WrongAudience,
            "audience check",
        ),
        (
            "wrong issuer",
            AppTokenSpec {
                iss: Some(Some("https://id.evil.example".into())),
                ..Default::default()
            },
            TokenInvalidReason::WrongIssuer,
            "issuer check",
        ),
        (
            "no issuer",
            AppTokenSpec {
                iss: Some(None),
                ..Default::default()
            },
            TokenInvalidReason::MissingClaim,
            "issuer check",
        ),
        (
            "expired",
            AppTokenSpec {
                ttl_seconds: Some(-600),
                ..Default::default()
            },
            TokenInvalidReason::Expired,
            "expiry check",
        ),
        (
            "foreign key under the published kid",
            AppTokenSpec {
                key: AppKeyChoice::Foreign,
                ..Default::default()
            },
            TokenInvalidReason::BadSignature,
            "signature check",
        ),
        (
            "unpublished key",
            AppTokenSpec {
                key: AppKeyChoice::Unpublished,
                ..Default::default()
            },
            TokenInvalidReason::UnknownKey,
            "signature check",
        ),
        (
            "no tenant",
            AppTokenSpec {
                claims: json!({"urn:jtl:tenant_id": null})
                    .as_object()
                    .unwrap()
                    .clone(),
                ..Default::default()
            },
            TokenInvalidReason::MissingClaim,
            "claims check",
        ),
    ];
    for (name, spec, expected, check) in cases {
        let (why, message) = reason(&v, &mint(&emu, spec)).await;
        assert_eq!(why, expected, "{name}: {message}");
        assert!(
            message.starts_with("app token: the ") && message.contains(check),
            "{name}: {message}"
        );
    }
    let session = emu.mint_session_token(SessionTokenSpec::default()).unwrap();
    let (why, message) = reason(&v, &session.token).await;
    assert_eq!(why, TokenInvalidReason::AlgorithmNotAllowed, "{message}");
    assert!(message.contains("signature check"), "{message}");
    // And the other way round: an app token is no session token.
    let sessions = cloud(&emu)
        .session_verifier(VerifierConfig::default())
        .unwrap();
    assert_eq!(
        reason(&sessions, &mint(&emu, AppTokenSpec::default()))
            .await
            .0,
        TokenInvalidReason::AlgorithmNotAllowed
    );
}

/// §0 rows "`JTL_ISSUER` value" and "App-token JWKS": the default issuer comes from the
/// endpoints (`https://id.jtl-cloud.com` in production, the emulator's URL for the emulator);
/// another issuer can be given, and a token of the emulator is then refused.
#[tokio::test]
async fn s0_the_issuer_comes_from_the_endpoints_or_the_caller() {
    assert_eq!(
        Endpoints::production().app_issuer().as_str(),
        "https://id.jtl-cloud.com/"
    );
    let emu = emulator().await;
    let client = cloud(&emu);
    let explicit = client
        .app_token_verifier(emu.app_id(), Some(emu.app_issuer()))
        .unwrap();
    explicit
        .verify(&mint(&emu, AppTokenSpec::default()))
        .await
        .unwrap();
    let production = client
        .app_token_verifier(emu.app_id(), Some("https://id.jtl-cloud.com"))
        .unwrap();
    assert_eq!(
        production.jwks_url().as_str(),
        "https://id.jtl-cloud.com/oauth/v2/keys"
    );
    for (app_id, issuer) in [
        ("", None),
        ("x", Some("http://id.example.com")),
        ("x", Some("not a url")),
    ] {
        let err = client.app_token_verifier(app_id, issuer).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{app_id:?} {issuer:?}: {err}");
    }
    // Another app's verifier refuses this app's tokens by audience.
    let other = client.app_token_verifier("another-app", None).unwrap();
    assert_eq!(
        reason(&other, &mint(&emu, AppTokenSpec::default())).await.0,
        TokenInvalidReason::WrongAudience
    );
}
