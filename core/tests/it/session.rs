//! Session-token verification against the emulator's JWKS.

use std::{sync::Arc, time::Duration};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jtl_connect::{
    clock::ManualClock, decode_unverified, Algorithm, Error, SessionVerifier, TokenInvalidReason,
    VerifierConfig,
};
use jtl_emulator::{Emulator, Fault, KidPlacement, Service, SessionTokenSpec, SigningKeyChoice};
use serde_json::{json, Map, Value};

use crate::support::*;

fn verifier(emu: &Emulator, config: VerifierConfig) -> SessionVerifier {
    SessionVerifier::new(&cloud(emu), config).unwrap()
}

fn mint(emu: &Emulator, spec: SessionTokenSpec) -> String {
    emu.mint_session_token(spec).unwrap().token
}

fn with_claims(claims: Value) -> SessionTokenSpec {
    SessionTokenSpec {
        claims: claims.as_object().unwrap().clone(),
        ..SessionTokenSpec::default()
    }
}

fn with_header(header: Value) -> SessionTokenSpec {
    SessionTokenSpec {
        header: header.as_object().unwrap().clone(),
        ..SessionTokenSpec::default()
    }
}

/// A config on a manual clock, without the verified-token cache (every call does the work).
fn manual(clock: &Arc<ManualClock>) -> VerifierConfig {
    VerifierConfig {
        clock: clock.clone(),
        verified_cache_size: 0,
        ..VerifierConfig::default()
    }
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn now() -> i64 {
    jtl_connect::clock::unix_seconds(std::time::SystemTime::now())
}

/// The refusal of `token`, checking that the error names a reason and never quotes the token.
async fn refusal(verifier: &SessionVerifier, token: &str) -> (TokenInvalidReason, Error) {
    let err = verifier
        .verify(token)
        .await
        .expect_err("the token must be refused");
    assert_eq!(err.code(), "token_invalid", "{err}");
    let text = format!("{err} {err:?}");
    if token.len() > 20 {
        assert!(!text.contains(token), "the error quotes the token: {text}");
        if let Some(signature) = token.rsplit('.').next().filter(|s| s.len() > 20) {
            assert!(!text.contains(signature), "the error quotes the signature");
        }
    }
    (err.reason().unwrap(), err)
}

#[tokio::test]
async fn a_good_token_verifies_with_its_claims() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    let minted = emu
        .mint_session_token(SessionTokenSpec {
            user_id: Some("2b0c6a52-9f5e-4c51-9d39-0f3c1e0b7a11".into()),
            tenant_slug: Some("my-shop".into()),
            claims: json!({"role": "admin"}).as_object().unwrap().clone(),
            ..SessionTokenSpec::default()
        })
        .unwrap();
    let claims = v.verify(&minted.token).await.unwrap();
    assert_eq!(claims.tenant_id, emu.tenant_id());
    assert_eq!(claims.user_id, "2b0c6a52-9f5e-4c51-9d39-0f3c1e0b7a11");
    assert_eq!(claims.tenant_slug.as_deref(), Some("my-shop"));
    assert_eq!(claims.expires_at, minted.expires_at);
    assert_eq!(claims.get("role"), Some(&json!("admin")));
    // The documented token (facts §4.1): no iss, the payload kid is the customer id.
    assert!(claims.get("iss").is_none());
    assert_eq!(
        claims.customer_id.as_deref(),
        Some(jtl_emulator::config::DEMO_CUSTOMER_ID)
    );
    assert_eq!(claims.app_id, None);
    // One access token, one JWKS request, authenticated (the emulator refuses it otherwise).
    assert_eq!(emu.stats().get(Service::Jwks), 1);
    assert_eq!(emu.stats().get(Service::Token), 1);
    assert_eq!(v.stats().jwks_fetches, 1);
    // Without a slug, none.
    let plain = v
        .verify(&mint(&emu, SessionTokenSpec::default()))
        .await
        .unwrap();
    assert_eq!(plain.tenant_slug, None);
    assert_eq!(emu.stats().get(Service::Jwks), 1, "keys are cached");
}

#[tokio::test]
async fn kid_in_the_header_the_payload_both_or_nowhere_all_verify() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    for kid in [
        KidPlacement::Header,
        KidPlacement::Payload,
        KidPlacement::Both,
        KidPlacement::None,
    ] {
        let token = mint(
            &emu,
            SessionTokenSpec {
                kid: Some(kid),
                ..SessionTokenSpec::default()
            },
        );
        let header = decode_unverified(&token).unwrap().header;
        assert_eq!(
            header.contains_key("kid"),
            matches!(kid, KidPlacement::Header | KidPlacement::Both)
        );
        v.verify(&token)
            .await
            .unwrap_or_else(|e| panic!("kid {kid:?}: {e}"));
    }
    assert_eq!(emu.stats().get(Service::Jwks), 1);
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    let expired = mint(
        &emu,
        SessionTokenSpec {
            ttl_seconds: Some(-120),
            ..SessionTokenSpec::default()
        },
    );
    let (reason, err) = refusal(&v, &expired).await;
    assert_eq!(reason, TokenInvalidReason::Expired);
    assert!(err.to_string().contains("exp"), "{err}");
    // Expired by less than the leeway (60 s): still accepted.
    let recent = mint(
        &emu,
        SessionTokenSpec {
            ttl_seconds: Some(-30),
            ..SessionTokenSpec::default()
        },
    );
    v.verify(&recent).await.unwrap();

    let later = now() + 600;
    for claim in ["nbf", "iat"] {
        let token = mint(&emu, with_claims(json!({ claim: later })));
        let (reason, err) = refusal(&v, &token).await;
        assert_eq!(reason, TokenInvalidReason::NotYetValid, "{claim}");
        assert!(err.to_string().contains(claim), "{err}");
    }
    // Within the leeway it passes.
    v.verify(&mint(&emu, with_claims(json!({"nbf": now() + 30}))))
        .await
        .unwrap();
}

#[tokio::test]
async fn issuer_audience_and_required_claims_are_checked() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    let wrong = mint(
        &emu,
        SessionTokenSpec {
            iss: Some(Some("https://evil.example".into())),
            ..SessionTokenSpec::default()
        },
    );
    let (reason, err) = refusal(&v, &wrong).await;
    assert_eq!(reason, TokenInvalidReason::WrongIssuer);
    let message = err.to_string();
    assert!(
        message.contains("https://api.jtl-cloud.com") && message.contains("https://evil.example"),
        "names expected and found: {message}"
    );

    let no_iss = mint(
        &emu,
        SessionTokenSpec {
            iss: Some(None),
            ..SessionTokenSpec::default()
        },
    );
    // JTL's documented token has no iss: accepted, unless the verifier requires one.
    v.verify(&no_iss).await.unwrap();
    let required = verifier(
        &emu,
        VerifierConfig {
            require_issuer: true,
            ..VerifierConfig::default()
        },
    );
    assert_eq!(
        refusal(&required, &no_iss).await.0,
        TokenInvalidReason::MissingClaim
    );
    // With the issuer check off, both pass.
    let any_issuer = verifier(
        &emu,
        VerifierConfig {
            issuer: None,
            ..VerifierConfig::default()
        },
    );
    any_issuer.verify(&wrong).await.unwrap();
    any_issuer.verify(&no_iss).await.unwrap();

    let (reason, err) = refusal(&v, &mint(&emu, with_claims(json!({"userId": null})))).await;
    assert_eq!(reason, TokenInvalidReason::MissingClaim);
    assert!(err.to_string().contains("userId"), "{err}");
    assert_eq!(
        refusal(&v, &mint(&emu, with_claims(json!({"tenantId": null}))))
            .await
            .0,
        TokenInvalidReason::MissingClaim
    );
    assert_eq!(
        refusal(&v, &mint(&emu, with_claims(json!({"exp": null}))))
            .await
            .0,
        TokenInvalidReason::MissingClaim
    );
    assert_eq!(
        refusal(&v, &mint(&emu, with_claims(json!({"exp": "soon"}))))
            .await
            .0,
        TokenInvalidReason::Malformed
    );

    let audience = verifier(
        &emu,
        VerifierConfig {
            audience: Some(vec!["my-app".into()]),
            ..VerifierConfig::default()
        },
    );
    audience
        .verify(&mint(
            &emu,
            with_claims(json!({"aud": ["other", "my-app"]})),
        ))
        .await
        .unwrap();
    assert_eq!(
        refusal(&audience, &mint(&emu, with_claims(json!({"aud": "other"}))))
            .await
            .0,
        TokenInvalidReason::WrongAudience
    );
    assert_eq!(
        refusal(&audience, &mint(&emu, SessionTokenSpec::default()))
            .await
            .0,
        TokenInvalidReason::MissingClaim
    );
}

#[tokio::test]
async fn keys_signatures_algorithms_size_and_shape_are_checked() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    let good = mint(&emu, SessionTokenSpec::default());

    // A key the JWKS does not have.
    let unpublished = mint(
        &emu,
        SessionTokenSpec {
            key: SigningKeyChoice::Unpublished,
            kid: Some(KidPlacement::Header),
            ..SessionTokenSpec::default()
        },
    );
    let (reason, err) = refusal(&v, &unpublished).await;
    assert_eq!(reason, TokenInvalidReason::UnknownKey);
    assert!(err.to_string().contains("kid"), "{err}");

    // A tampered payload: someone else's user id under the original signature.
    let parts: Vec<&str> = good.split('.').collect();
    let mut claims = decode_unverified(&good).unwrap().claims;
    claims.insert("userId".into(), json!("someone-else"));
    let tampered = format!("{}.{}.{}", parts[0], b64(&Value::Object(claims)), parts[2]);
    assert_eq!(
        refusal(&v, &tampered).await.0,
        TokenInvalidReason::BadSignature
    );
    // A signature of the right shape but wrong bytes, and an empty one.
    let flipped = format!(
        "{}.{}.{}",
        parts[0],
        parts[1],
        URL_SAFE_NO_PAD.encode([7u8; 64])
    );
    assert_eq!(
        refusal(&v, &flipped).await.0,
        TokenInvalidReason::BadSignature
    );
    assert_eq!(
        refusal(&v, &format!("{}.{}.", parts[0], parts[1])).await.0,
        TokenInvalidReason::BadSignature
    );

    // The algorithm comes from the allow-list, never from the header.
    let hs256 = mint(&emu, with_header(json!({"alg": "HS256"})));
    let (reason, err) = refusal(&v, &hs256).await;
    assert_eq!(reason, TokenInvalidReason::AlgorithmNotAllowed);
    assert!(
        err.to_string().contains("EdDSA") && err.to_string().contains("HS256"),
        "{err}"
    );
    let payload = decode_unverified(&good).unwrap().claims;
    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&Value::Object(payload))
    );
    assert_eq!(
        refusal(&v, &none).await.0,
        TokenInvalidReason::AlgorithmNotAllowed
    );
    let rs256 = mint(&emu, with_header(json!({"alg": "RS256"})));
    assert_eq!(
        refusal(&v, &rs256).await.0,
        TokenInvalidReason::AlgorithmNotAllowed
    );
    let no_alg = format!("{}.{}.{}", b64(&json!({"typ": "JWT"})), parts[1], parts[2]);
    assert_eq!(refusal(&v, &no_alg).await.0, TokenInvalidReason::Malformed);
    // Even with RS256 allowed, an Ed25519 key never verifies it.
    let both = verifier(
        &emu,
        VerifierConfig {
            algorithms: vec![Algorithm::EdDSA, Algorithm::RS256],
            audience: Some(vec!["my-app".into()]),
            ..VerifierConfig::default()
        },
    );
    assert_eq!(
        refusal(&both, &rs256).await.0,
        TokenInvalidReason::UnknownKey
    );

    // Size first: 17 KiB is refused before anything is decoded.
    let huge = "a".repeat(17 * 1024);
    assert_eq!(refusal(&v, &huge).await.0, TokenInvalidReason::TooLarge);
    let huge_token = format!("{}.{}.{}", parts[0], "A".repeat(17 * 1024), parts[2]);
    assert_eq!(
        refusal(&v, &huge_token).await.0,
        TokenInvalidReason::TooLarge
    );

    for garbage in [
        "a.b",
        "",
        "not a token",
        "a.b.c.d",
        "Bearer x.y.z",
        "e30.e30",
        "###.e30.e30",
    ] {
        assert_eq!(
            refusal(&v, garbage).await.0,
            TokenInvalidReason::Malformed,
            "{garbage:?}"
        );
    }
    let payload_array = format!("{}.{}.{}", parts[0], b64(&json!([1])), parts[2]);
    assert_eq!(
        refusal(&v, &payload_array).await.0,
        TokenInvalidReason::Malformed
    );
    let crit = mint(&emu, with_header(json!({"crit": ["b64"], "b64": false})));
    assert_eq!(refusal(&v, &crit).await.0, TokenInvalidReason::Malformed);

    // None of that broke the good token, and one JWKS fetch per verifier was needed.
    v.verify(&good).await.unwrap();
    assert_eq!(v.stats().jwks_fetches, 1);
    assert_eq!(emu.stats().get(Service::Jwks), 2);
}

#[tokio::test]
async fn a_rotated_key_costs_exactly_one_fetch_and_the_previous_key_works_during_grace() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    let v = verifier(&emu, manual(&clock));
    let old = mint(&emu, SessionTokenSpec::default());
    v.verify(&old).await.unwrap();
    assert_eq!(emu.stats().get(Service::Jwks), 1);

    emu.rotate_keys(None);
    let new = mint(
        &emu,
        SessionTokenSpec {
            kid: Some(KidPlacement::Header),
            ..SessionTokenSpec::default()
        },
    );
    let new_in_payload = mint(
        &emu,
        SessionTokenSpec {
            kid: Some(KidPlacement::Payload),
            ..SessionTokenSpec::default()
        },
    );
    // Within the cooldown after the last fetch, an unknown kid does not refetch.
    assert_eq!(refusal(&v, &new).await.0, TokenInvalidReason::UnknownKey);
    assert_eq!(emu.stats().get(Service::Jwks), 1);

    clock.advance(Duration::from_secs(31));
    v.verify(&new).await.unwrap();
    v.verify(&new_in_payload).await.unwrap();
    assert_eq!(emu.stats().get(Service::Jwks), 2, "exactly one extra fetch");
    // The previous key is still published during the grace period.
    v.verify(&old).await.unwrap();
    let by_previous = mint(
        &emu,
        SessionTokenSpec {
            key: SigningKeyChoice::Previous,
            ..SessionTokenSpec::default()
        },
    );
    v.verify(&by_previous).await.unwrap();
    assert_eq!(emu.stats().get(Service::Jwks), 2);
    assert_eq!(v.stats().jwks_fetches, 2);
}

#[tokio::test]
async fn kid_less_tokens_try_at_most_max_keys_tried_keys() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    emu.rotate_keys(None);
    // The JWKS now lists the current key first, then the previous one.
    let by_previous = mint(
        &emu,
        SessionTokenSpec {
            key: SigningKeyChoice::Previous,
            kid: Some(KidPlacement::None),
            ..SessionTokenSpec::default()
        },
    );
    let v = verifier(&emu, manual(&clock));
    v.verify(&by_previous).await.unwrap();
    assert_eq!(v.stats().signature_checks, 2, "current key, then previous");

    let one = verifier(
        &emu,
        VerifierConfig {
            max_keys_tried: 1,
            ..manual(&clock)
        },
    );
    assert_eq!(
        refusal(&one, &by_previous).await.0,
        TokenInvalidReason::BadSignature
    );
    assert_eq!(one.stats().signature_checks, 1);

    let none = verifier(
        &emu,
        VerifierConfig {
            max_keys_tried: 0,
            ..manual(&clock)
        },
    );
    assert_eq!(
        refusal(&none, &by_previous).await.0,
        TokenInvalidReason::UnknownKey
    );
    assert_eq!(none.stats().signature_checks, 0);
    // A token with a header kid is unaffected by the limit.
    none.verify(&mint(
        &emu,
        SessionTokenSpec {
            kid: Some(KidPlacement::Header),
            ..SessionTokenSpec::default()
        },
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn ten_thousand_unknown_kids_cost_at_most_one_fetch_per_cooldown() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    let v = verifier(&emu, manual(&clock));
    let forged: Vec<String> = (0..10_000)
        .map(|i| mint(&emu, with_header(json!({"kid": format!("made-up-{i}")}))))
        .collect();
    for (i, token) in forged.iter().enumerate() {
        if i == 5_000 {
            assert_eq!(emu.stats().get(Service::Jwks), 1);
            clock.advance(Duration::from_secs(31));
        }
        let err = v.verify(token).await.unwrap_err();
        assert_eq!(err.reason(), Some(TokenInvalidReason::UnknownKey), "{err}");
    }
    assert_eq!(
        emu.stats().get(Service::Jwks),
        2,
        "the initial fetch, then one after the cooldown"
    );
    assert_eq!(v.stats().jwks_fetches, 2);
    assert_eq!(v.stats().signature_checks, 0);
    // Concurrently, too: no more fetches within the cooldown.
    let tasks: Vec<_> = forged[..500]
        .iter()
        .cloned()
        .map(|token| {
            let v = v.clone();
            tokio::spawn(async move { v.verify(&token).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(
            task.await.unwrap().unwrap_err().reason(),
            Some(TokenInvalidReason::UnknownKey)
        );
    }
    assert_eq!(emu.stats().get(Service::Jwks), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cold_verification_makes_one_jwks_and_one_token_request() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    let tokens: Vec<String> = (0..200)
        .map(|_| mint(&emu, SessionTokenSpec::default()))
        .collect();
    let tasks: Vec<_> = tokens
        .into_iter()
        .map(|token| {
            let v = v.clone();
            tokio::spawn(async move { v.verify(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(emu.stats().get(Service::Jwks), 1);
    assert_eq!(emu.stats().get(Service::Token), 1);
    assert_eq!(v.stats().jwks_fetches, 1);
}

#[tokio::test]
async fn a_failing_jwks_endpoint_is_bridged_with_stale_keys_until_max_stale() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    let v = verifier(
        &emu,
        VerifierConfig {
            max_stale: Duration::from_secs(3600),
            ..manual(&clock)
        },
    );
    // Valid for days, so only the keys' age matters here.
    let token = mint(
        &emu,
        SessionTokenSpec {
            ttl_seconds: Some(3 * 86_400),
            ..SessionTokenSpec::default()
        },
    );
    v.verify(&token).await.unwrap();
    assert_eq!(v.stats().jwks_fetches, 1);

    emu.inject_fault(Fault::status(Service::Jwks, 503).times(0))
        .unwrap();
    // Past any TTL (max-age is capped at 1 h): a refetch is tried, fails, stale keys serve.
    clock.advance(Duration::from_secs(3601));
    v.verify(&token).await.unwrap();
    assert_eq!(v.stats().jwks_fetches, 2);
    let requests = emu.stats().get(Service::Jwks);
    assert!(requests >= 2, "the refetch reached the endpoint");
    // Right after a failure, the endpoint is not asked again before the cooldown.
    v.verify(&token).await.unwrap();
    assert_eq!(v.stats().jwks_fetches, 2);
    clock.advance(Duration::from_secs(31));
    v.verify(&token).await.unwrap();
    assert_eq!(v.stats().jwks_fetches, 3, "asked again after the cooldown");

    // Past max_stale the fetch error comes through, and it is not a token verdict.
    clock.advance(Duration::from_secs(3600));
    let err = v.verify(&token).await.unwrap_err();
    assert_ne!(err.code(), "token_invalid", "{err}");
    assert_eq!(err.status(), Some(503), "{err}");
    assert_eq!(err.reason(), None);

    // Once the endpoint is back (and the cooldown passed), fresh keys again.
    emu.clear_faults();
    clock.advance(Duration::from_secs(31));
    v.verify(&token).await.unwrap();
}

#[tokio::test]
async fn a_cold_verifier_reports_the_endpoint_error() {
    let emu = emulator().await;
    emu.inject_fault(Fault::status(Service::Jwks, 503).times(0))
        .unwrap();
    let v = verifier(&emu, VerifierConfig::default());
    let err = v
        .verify(&mint(&emu, SessionTokenSpec::default()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "api", "{err}");
    assert_eq!(err.status(), Some(503));
    emu.clear_faults();
    v.verify(&mint(&emu, SessionTokenSpec::default()))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_verified_token_cache_skips_the_work_but_never_serves_past_exp() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    let v = verifier(
        &emu,
        VerifierConfig {
            clock: clock.clone(),
            ..VerifierConfig::default()
        },
    );
    let token = mint(
        &emu,
        SessionTokenSpec {
            ttl_seconds: Some(120),
            ..SessionTokenSpec::default()
        },
    );
    let first = v.verify(&token).await.unwrap();
    let stats = v.stats();
    assert_eq!((stats.signature_checks, stats.cache_hits), (1, 0));
    let second = v.verify(&token).await.unwrap();
    assert_eq!(second, first);
    let stats = v.stats();
    assert_eq!((stats.signature_checks, stats.cache_hits), (1, 1));
    assert_eq!(emu.stats().get(Service::Jwks), 1);

    // Past exp but within the leeway: not from the cache, yet still valid.
    clock.advance(Duration::from_secs(130));
    v.verify(&token).await.unwrap();
    assert_eq!(v.stats().signature_checks, 2);
    assert_eq!(v.stats().cache_hits, 1);
    // Past the leeway: refused.
    clock.advance(Duration::from_secs(70));
    assert_eq!(refusal(&v, &token).await.0, TokenInvalidReason::Expired);
    // A refused token is never cached.
    assert_eq!(refusal(&v, &token).await.0, TokenInvalidReason::Expired);
    assert_eq!(v.stats().cache_hits, 1);
}

#[tokio::test]
async fn decode_unverified_returns_header_and_claims_and_rejects_garbage() {
    let emu = emulator().await;
    let minted = emu
        .mint_session_token(SessionTokenSpec {
            kid: Some(KidPlacement::Payload),
            ..SessionTokenSpec::default()
        })
        .unwrap();
    let decoded = decode_unverified(&minted.token).unwrap();
    assert_eq!(decoded.header["alg"], "EdDSA");
    assert_eq!(decoded.header["typ"], "JWT");
    assert_eq!(decoded.claims["kid"], json!(minted.kid));
    assert_eq!(decoded.claims["tenantId"], json!(minted.tenant_id));
    assert_eq!(decoded.claims["exp"], json!(minted.expires_at));
    // Unverified means unverified: a token with any key or expiry decodes.
    let expired = mint(
        &emu,
        SessionTokenSpec {
            ttl_seconds: Some(-9999),
            key: SigningKeyChoice::Unpublished,
            ..SessionTokenSpec::default()
        },
    );
    assert!(decode_unverified(&expired).is_ok());
    for garbage in ["", "a.b", "x.y.z", "e30.W10.sig"] {
        let err = decode_unverified(garbage).unwrap_err();
        assert_eq!(
            err.reason(),
            Some(TokenInvalidReason::Malformed),
            "{garbage:?}"
        );
    }
    assert_eq!(
        decode_unverified(&"a".repeat(17 * 1024))
            .unwrap_err()
            .reason(),
        Some(TokenInvalidReason::TooLarge)
    );
}

#[tokio::test]
async fn debug_output_never_contains_a_token() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let v = SessionVerifier::new(&client, VerifierConfig::default()).unwrap();
    let token = mint(
        &emu,
        SessionTokenSpec {
            tenant_slug: Some("shop".into()),
            ..SessionTokenSpec::default()
        },
    );
    let claims = v.verify(&token).await.unwrap();
    let access = client.access_token().await.unwrap();
    let signature = token.rsplit('.').next().unwrap();
    for text in [
        format!("{v:?}"),
        format!("{:?}", v.config()),
        format!("{claims:?}"),
        format!("{:?}", decode_unverified(&token).unwrap()),
    ] {
        assert!(!text.contains(&token), "{text}");
        assert!(!text.contains(signature), "{text}");
        assert!(!text.contains(access.expose()), "{text}");
    }
    assert!(format!("{v:?}").contains("jwks.json"));
}

#[tokio::test]
async fn unusable_configurations_are_refused_at_construction() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let rs256_without_audience = VerifierConfig {
        algorithms: vec![Algorithm::RS256],
        ..VerifierConfig::default()
    };
    let err = SessionVerifier::new(&client, rs256_without_audience).unwrap_err();
    assert_eq!(err.code(), "config");
    assert!(err.to_string().contains("audience"), "{err}");
    let hmac = VerifierConfig {
        algorithms: vec![Algorithm::HS256],
        ..VerifierConfig::default()
    };
    assert_eq!(
        SessionVerifier::new(&client, hmac).unwrap_err().code(),
        "config"
    );
    let err = SessionVerifier::with_jwks_url(
        &client,
        "http://example.com/keys",
        VerifierConfig::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    // An explicit URL works like the default one.
    let v = SessionVerifier::with_jwks_url(&client, &emu.jwks_url(), VerifierConfig::default())
        .unwrap();
    assert_eq!(v.jwks_url().as_str(), emu.jwks_url());
    v.verify(&mint(&emu, SessionTokenSpec::default()))
        .await
        .unwrap();
    assert_eq!(emu.stats().route("GET /account/.well-known/jwks.json"), 1);
}

#[tokio::test]
async fn clones_share_keys_and_claims_map_is_complete() {
    let emu = emulator().await;
    let v = verifier(&emu, VerifierConfig::default());
    let clone = v.clone();
    let token = mint(&emu, with_claims(json!({"locale": "de-DE"})));
    let claims = clone.verify(&token).await.unwrap();
    let expected: Map<String, Value> = decode_unverified(&token).unwrap().claims;
    assert_eq!(claims.claims, expected);
    v.verify(&mint(&emu, SessionTokenSpec::default()))
        .await
        .unwrap();
    assert_eq!(v.stats().jwks_fetches, 1);
    assert_eq!(emu.stats().get(Service::Jwks), 1);
}

#[tokio::test]
async fn verify_cached_answers_only_what_was_verified_and_is_still_valid() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let verifier =
        jtl_connect::SessionVerifier::new(&client, jtl_connect::VerifierConfig::default()).unwrap();
    let minted = emu
        .mint_session_token(jtl_emulator::SessionTokenSpec::default())
        .unwrap();
    assert!(
        verifier.verify_cached(&minted.token).is_none(),
        "nothing verified yet"
    );
    let claims = verifier.verify(&minted.token).await.unwrap();
    assert_eq!(verifier.verify_cached(&minted.token), Some(claims));
    assert!(verifier.verify_cached("x.y.z").is_none());
    let off = jtl_connect::SessionVerifier::new(
        &client,
        jtl_connect::VerifierConfig {
            verified_cache_size: 0,
            ..jtl_connect::VerifierConfig::default()
        },
    )
    .unwrap();
    off.verify(&minted.token).await.unwrap();
    assert!(
        off.verify_cached(&minted.token).is_none(),
        "no cache, no answer"
    );
}

/// The eight points of small order in their canonical encodings (the only `R` a strict
/// check has to refuse by value: any other encoding never equals a computed `R`), then the
/// three non-canonical encodings of small-order points (`y = p + 1`, `y = p`, `-0`).
const SMALL_ORDER_R: [&str; 11] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0100000000000000000000000000000000000000000000000000000000000080",
];

/// A good token with its signature's `R` replaced by each small-order point (and its
/// non-canonical encodings), with `S = 0`, the token's own `S` and `S = 1`: every one is
/// `bad_signature`, by `verify` and by `verify_now` (the path the bindings take), and the
/// good token still verifies both ways.
#[tokio::test]
async fn small_order_r_values_are_refused_by_both_verification_paths() {
    let emu = emulator().await;
    let good = mint(
        &emu,
        SessionTokenSpec {
            kid: Some(KidPlacement::Header),
            ..SessionTokenSpec::default()
        },
    );
    let v = verifier(
        &emu,
        VerifierConfig {
            verified_cache_size: 0,
            ..VerifierConfig::default()
        },
    );
    v.verify(&good).await.unwrap(); // the keys are cached from here on
    assert!(matches!(v.verify_now(&good), Some(Ok(_))));
    let (input, signature) = good.rsplit_once('.').unwrap();
    let genuine = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut refused = 0;
    for r in SMALL_ORDER_R {
        let r: Vec<u8> = (0..64)
            .step_by(2)
            .map(|i| u8::from_str_radix(&r[i..i + 2], 16).unwrap())
            .collect();
        for s in [&[0u8; 32][..], &genuine[32..], &one[..]] {
            let forged = format!("{input}.{}", URL_SAFE_NO_PAD.encode([&r[..], s].concat()));
            assert_eq!(
                refusal(&v, &forged).await.0,
                TokenInvalidReason::BadSignature
            );
            let now = v.verify_now(&forged).expect("the keys are cached");
            assert_eq!(
                now.unwrap_err().reason(),
                Some(TokenInvalidReason::BadSignature)
            );
            refused += 1;
        }
    }
    assert_eq!(refused, 33);
    assert_eq!(v.stats().jwks_fetches, 1);
}
