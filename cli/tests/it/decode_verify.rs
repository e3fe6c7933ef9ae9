//! `verify TOKEN` and `decode TOKEN`.

use jtl_emulator::{SessionTokenSpec, SigningKeyChoice};

use crate::support::{exit, run, run_with, Harness, TENANT};

#[test]
fn verify_prints_the_claims() {
    let h = Harness::new();
    let minted = h
        .emu
        .mint_session_token(SessionTokenSpec {
            tenant_slug: Some("my-shop".into()),
            user_id: Some("user-7".into()),
            ..Default::default()
        })
        .unwrap();
    let plain = run(h.cloud(&["verify", &minted.token])).expect(exit::OK);
    assert!(
        plain.stdout.starts_with("valid session token"),
        "{}",
        plain.stdout
    );
    assert!(plain.stdout.contains("user-7") && plain.stdout.contains("my-shop"));
    assert!(
        !plain.stdout.contains(&minted.token),
        "the token is not echoed"
    );

    let json = run(h.cloud(&["--json", "verify", &minted.token]))
        .expect(exit::OK)
        .json();
    assert_eq!(json["valid"], true);
    assert_eq!(json["tenant_id"], TENANT);
    assert_eq!(json["user_id"], "user-7");
    assert_eq!(json["tenant_slug"], "my-shop");
    assert_eq!(json["expires_at"], minted.expires_at);
    assert_eq!(json["claims"]["tenantSlug"], "my-shop");

    // From stdin.
    let piped = run_with(
        h.cloud(&["--json", "verify", "-"]),
        &format!("{}\n", minted.token),
    )
    .expect(exit::OK);
    assert_eq!(piped.json()["user_id"], "user-7");
}

#[test]
fn refused_tokens_exit_with_the_verification_code_and_reason() {
    let h = Harness::new();
    let expired = h
        .emu
        .mint_session_token(SessionTokenSpec {
            ttl_seconds: Some(-3600),
            ..Default::default()
        })
        .unwrap();
    let failed = run(h.cloud(&["verify", &expired.token])).expect(exit::VERIFY);
    assert!(
        failed.stderr.starts_with("error [token_invalid]:"),
        "{}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains("reason: expired"),
        "{}",
        failed.stderr
    );
    assert!(failed.stdout.is_empty());

    let garbage = run(h.cloud(&["--json", "verify", "not-a-token"])).expect(exit::VERIFY);
    let error = garbage.error_json();
    assert_eq!(error["error"]["code"], "token_invalid");
    assert_eq!(error["error"]["reason"], "malformed");
    assert_eq!(error["error"]["exit_code"], exit::VERIFY);

    let unknown = h
        .emu
        .mint_session_token(SessionTokenSpec {
            key: SigningKeyChoice::Unpublished,
            kid: Some(jtl_emulator::KidPlacement::Header),
            ..Default::default()
        })
        .unwrap();
    let failed = run(h.cloud(&["--json", "verify", &unknown.token])).expect(exit::VERIFY);
    assert_eq!(failed.error_json()["error"]["reason"], "unknown_key");

    // An iss that is present must match (JTL's documented token has none).
    let other_issuer = h
        .emu
        .mint_session_token(SessionTokenSpec {
            iss: Some(Some("https://api.jtl-cloud.com".into())),
            ..Default::default()
        })
        .unwrap();
    let failed = run(h.cloud(&[
        "--json",
        "verify",
        &other_issuer.token,
        "--issuer",
        "https://example.com",
    ]))
    .expect(exit::VERIFY);
    assert_eq!(failed.error_json()["error"]["reason"], "wrong_issuer");

    // A Wawi account cannot fetch JTL's keys.
    h.add_wawi_account("erp").expect(exit::OK);
    run(h.cmd(&["--account", "erp", "verify", &other_issuer.token])).expect(exit::INPUT);
}

#[test]
fn decode_shows_header_and_claims_unverified() {
    let h = Harness::new();
    let expired = h
        .emu
        .mint_session_token(SessionTokenSpec {
            ttl_seconds: Some(-60),
            ..Default::default()
        })
        .unwrap();
    // No credentials needed, and an expired token still decodes.
    let decoded = run(h.cmd(&["decode", &expired.token])).expect(exit::OK);
    let value = decoded.json();
    assert_eq!(value["header"]["alg"], "EdDSA");
    // The documented shape: no header kid, the payload kid is the customer id.
    assert!(value["header"].get("kid").is_none());
    assert_eq!(
        value["claims"]["kid"],
        jtl_emulator::config::DEMO_CUSTOMER_ID
    );
    assert_eq!(value["claims"]["tenantId"], TENANT);
    assert!(
        decoded.stderr.contains("WITHOUT verification"),
        "{}",
        decoded.stderr
    );
    assert!(decoded.stderr.contains("expired"), "{}", decoded.stderr);

    let json = run(h.cmd(&["--json", "decode", &expired.token])).expect(exit::OK);
    assert_eq!(json.json()["claims"]["exp"], expired.expires_at);
    assert!(json.stderr.is_empty(), "{}", json.stderr);

    let garbage = run(h.cmd(&["decode", "a.b"])).expect(exit::VERIFY);
    assert!(
        garbage.stderr.contains("reason: malformed"),
        "{}",
        garbage.stderr
    );
}
