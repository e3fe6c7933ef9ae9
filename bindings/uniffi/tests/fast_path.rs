//! Issue 19 item 2: a cached token and a cached verification come back from the async
//! (Kotlin `suspend`, Swift `async`) methods on their first poll, without a trip through the
//! core's runtime; the emulator runs on its own runtime, as a separate server would.
#![allow(clippy::expect_used)]

use std::{
    future::Future,
    pin::pin,
    task::{Context, Poll, Waker},
};

use jtl_connect_uniffi::{CloudClient, Endpoints, ScxClient};
use jtl_emulator::{Emulator, SessionTokenSpec};

/// Polls `future` once with a waker that does nothing: `Some` if it was ready at once.
fn first_poll<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(future).poll(&mut cx) {
        Poll::Ready(value) => Some(value),
        Poll::Pending => None,
    }
}

fn emulator() -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Runtime::new().expect("a runtime for the emulator");
    let emu = rt.block_on(Emulator::start()).expect("the emulator starts");
    (rt, emu)
}

#[test]
fn cached_tokens_and_verifications_are_ready_on_the_first_poll() {
    let (_rt, emu) = emulator();
    let endpoints = Endpoints::emulator(emu.url().to_owned()).expect("endpoints");
    let client = CloudClient::new(
        emu.client_id().to_owned(),
        emu.client_secret().to_owned(),
        Some(emu.tenant_id().to_owned()),
        Some(endpoints.clone()),
        None,
        None,
        None,
    )
    .expect("a client");

    // Nothing cached yet: the first call has to fetch, so it is not ready at once.
    assert!(first_poll(client.access_token_async()).is_none());
    let fetched = client.access_token().expect("a token");
    let cached = first_poll(client.access_token_async())
        .expect("a cached token is ready on the first poll")
        .expect("the token");
    assert_eq!(fetched.expose(), cached.expose());

    let minted = emu
        .mint_session_token(SessionTokenSpec::default())
        .expect("a session token");
    let verifier = client.session_verifier(None).expect("a verifier");
    assert!(first_poll(verifier.verify_async(minted.token.clone())).is_none());
    let claims = verifier.verify(minted.token.clone()).expect("verified");
    let hits = verifier.stats().cache_hits;
    let again = first_poll(verifier.verify_async(minted.token.clone()))
        .expect("a verified token is ready on the first poll")
        .expect("the claims");
    assert_eq!(claims.user_id, again.user_id);
    assert_eq!(verifier.stats().cache_hits, hits + 1);

    // The keys are cached now: a new token is verified on the first poll too.
    let fresh = emu
        .mint_session_token(SessionTokenSpec::default())
        .expect("a second session token");
    let before = verifier.stats();
    let claims = first_poll(verifier.verify_async(fresh.token))
        .expect("a token of cached keys is verified on the first poll")
        .expect("the claims");
    assert_eq!(claims.tenant_id, emu.tenant_id());
    assert_eq!(
        verifier.stats().signature_checks,
        before.signature_checks + 1
    );
    assert_eq!(verifier.stats().jwks_fetches, before.jwks_fetches);

    let scx = ScxClient::new(
        emu.scx_refresh_token().to_owned(),
        Some(endpoints),
        None,
        None,
        None,
    )
    .expect("an SCX client");
    let token = scx.access_token().expect("an SCX token");
    let cached = first_poll(scx.access_token_async())
        .expect("a cached SCX token is ready on the first poll")
        .expect("the token");
    assert_eq!(token.expose(), cached.expose());
}
