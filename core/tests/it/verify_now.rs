//! `SessionVerifier::verify_now` and `TokenCache::fresh` (issue 19): the synchronous answers
//! bindings give without the async runtime, which must agree with `verify` / `get`.

use jtl_connect::{TokenInvalidReason, VerifierConfig};
use jtl_emulator::{KidPlacement, SessionTokenSpec, SigningKeyChoice};

use crate::support::*;

fn reason(result: Option<jtl_connect::Result<jtl_connect::SessionClaims>>) -> TokenInvalidReason {
    match result {
        Some(Err(e)) => e.reason().expect("a token_invalid error"),
        Some(Ok(_)) => panic!("accepted a bad token"),
        None => panic!("no synchronous answer"),
    }
}

#[tokio::test]
async fn verify_now_answers_once_the_keys_are_cached_and_agrees_with_verify() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let config = VerifierConfig {
        verified_cache_size: 0,
        ..VerifierConfig::default()
    };
    let verifier = jtl_connect::SessionVerifier::new(&client, config).unwrap();
    let first = emu
        .mint_session_token(SessionTokenSpec::default())
        .unwrap()
        .token;
    assert!(
        verifier.verify_now(&first).is_none(),
        "no keys yet: nothing synchronous"
    );
    let claims = verifier.verify(&first).await.unwrap();
    let now = verifier.verify_now(&first).expect("keys cached").unwrap();
    assert_eq!(now.tenant_id, claims.tenant_id);
    assert_eq!(now.user_id, claims.user_id);
    assert_eq!(verifier.stats().jwks_fetches, 1);

    let expired = SessionTokenSpec {
        ttl_seconds: Some(-3600),
        ..SessionTokenSpec::default()
    };
    let expired = emu.mint_session_token(expired).unwrap().token;
    assert_eq!(
        reason(verifier.verify_now(&expired)),
        TokenInvalidReason::Expired
    );
    assert_eq!(
        reason(verifier.verify_now("x.y.z")),
        TokenInvalidReason::Malformed
    );

    // A key id the cached set lacks: the async path decides (it may refetch).
    let unpublished = SessionTokenSpec {
        key: SigningKeyChoice::Unpublished,
        kid: Some(KidPlacement::Header),
        ..SessionTokenSpec::default()
    };
    let unpublished = emu.mint_session_token(unpublished).unwrap().token;
    assert!(verifier.verify_now(&unpublished).is_none());
    let err = verifier.verify(&unpublished).await.unwrap_err();
    assert_eq!(err.reason(), Some(TokenInvalidReason::UnknownKey));
}

#[tokio::test]
async fn a_fresh_token_is_there_without_the_runtime() {
    let emu = emulator().await;
    let client = cloud(&emu);
    assert!(
        client.token_cache().fresh().is_none(),
        "nothing fetched yet"
    );
    let token = client.access_token().await.unwrap();
    let fresh = client.token_cache().fresh().expect("cached");
    assert_eq!(fresh.expose(), token.expose());
}
