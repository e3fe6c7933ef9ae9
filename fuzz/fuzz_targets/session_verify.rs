//! `SessionVerifier::verify`, the whole path, through the public API: a verifier of an
//! in-process emulator's keys, warmed once. The first byte picks what the rest becomes:
//!
//! - `0`: the token itself;
//! - `1`: the payload, signed by the emulator's real key (`SessionTokenSpec::raw_payload`),
//!   so the claim checks behind the signature are reached;
//! - `2`: the header, over a valid payload, really signed (the algorithm pin is reached);
//! - `3`: one segment of a genuine token replaced (tampering).
//!
//! Whatever the input: no panic; a token is accepted only if the emulator signed it, with
//! `alg` EdDSA, a future `exp` (within the leeway), JTL's issuer and non-blank tenant and
//! user; a refusal never quotes the token's signature.
#![no_main]

use std::sync::OnceLock;

use jtl_connect::{
    decode_unverified, ClientCredentials, CloudClient, Endpoints, SessionVerifier, VerifierConfig,
};
use jtl_emulator::{Emulator, SessionTokenSpec};
use libfuzzer_sys::fuzz_target;

const ISSUER: &str = "https://api.jtl-cloud.com";

struct World {
    runtime: tokio::runtime::Runtime,
    emulator: Emulator,
    verifier: SessionVerifier,
    good: String,
    payload: String,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let (emulator, verifier, good) = runtime.block_on(async {
            let emulator = Emulator::start().await.expect("the emulator starts");
            let client = CloudClient::builder(
                ClientCredentials::new(emulator.client_id(), emulator.client_secret())
                    .expect("credentials"),
            )
            .endpoints(Endpoints::emulator(emulator.url()).expect("endpoints"))
            .build()
            .expect("a client");
            let verifier = client
                .session_verifier(VerifierConfig {
                    verified_cache_size: 0,
                    ..VerifierConfig::default()
                })
                .expect("a verifier");
            let good = emulator
                .mint_session_token(SessionTokenSpec::default())
                .expect("a token")
                .token;
            verifier.verify(&good).await.expect("the genuine token verifies");
            (emulator, verifier, good)
        });
        let now = unix_now();
        let payload = format!(
            r#"{{"tenantId":"00000000-0000-4000-8000-000000000001","userId":"u-1","iat":{now},"exp":{},"iss":"{ISSUER}"}}"#,
            now + 10 * 365 * 86_400
        );
        World {
            runtime,
            emulator,
            verifier,
            good,
            payload,
        }
    })
}

fn unix_now() -> i64 {
    jtl_connect::clock::unix_seconds(std::time::SystemTime::now())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let world = world();
    let mint = |spec: SessionTokenSpec| {
        world
            .emulator
            .mint_session_token(spec)
            .expect("minting never fails for the current key")
            .token
    };
    let (token, signed) = match mode % 4 {
        0 => (text.to_owned(), false),
        1 => (
            mint(SessionTokenSpec {
                raw_payload: Some(text.to_owned()),
                ..SessionTokenSpec::default()
            }),
            true,
        ),
        2 => (
            mint(SessionTokenSpec {
                raw_header: Some(text.to_owned()),
                raw_payload: Some(world.payload.clone()),
                ..SessionTokenSpec::default()
            }),
            true,
        ),
        _ => {
            let index = usize::from(mode / 4) % 3;
            let mut parts: Vec<&str> = world.good.split('.').collect();
            parts[index] = text;
            (parts.join("."), false)
        }
    };
    match world.runtime.block_on(world.verifier.verify(&token)) {
        Ok(claims) => {
            assert!(
                signed || token == world.good,
                "accepted a token nobody signed"
            );
            let header = decode_unverified(&token)
                .expect("an accepted token decodes")
                .header;
            assert!(
                matches!(
                    header.get("alg").and_then(|a| a.as_str()),
                    Some("EdDSA" | "Ed25519")
                ),
                "accepted alg {:?}",
                header.get("alg")
            );
            assert!(
                claims.expires_at.saturating_add(60) > unix_now(),
                "accepted an expired token"
            );
            assert_eq!(
                claims.claims.get("iss").and_then(|i| i.as_str()),
                Some(ISSUER)
            );
            assert!(
                !claims.tenant_id.trim().is_empty(),
                "accepted a blank tenant"
            );
            assert!(!claims.user_id.trim().is_empty(), "accepted a blank user");
        }
        Err(error) => {
            let text = format!("{error} {error:?}");
            if let Some(signature) = token.rsplit('.').next().filter(|s| s.len() > 24) {
                assert!(
                    !text.contains(signature),
                    "the refusal quotes the signature"
                );
            }
        }
    }
});
