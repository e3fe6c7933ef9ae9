//! Session-token verification next to a bare Ed25519 signature check, and the token cache on
//! a warm path. Runs against an in-process emulator; no network beyond loopback, and none
//! at all inside the measured loops (keys and access token are cached before measuring).
//!
//! `cargo bench -p jtl-connect-bench` (add `-- verify/` or `-- token/` to filter).

// A benchmark may stop at a broken set-up.
#![allow(clippy::expect_used)]

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use criterion::Criterion;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use jtl_connect::{
    ApiClient, ClientCredentials, CloudClient, Endpoints, Request, SessionVerifier, VerifierConfig,
};
use jtl_emulator::{Emulator, SessionTokenSpec};
use serde_json::Value;
use tokio::runtime::Runtime;

struct Setup {
    runtime: Runtime,
    // Kept alive for the whole run: it serves the JWKS and the token endpoint.
    _emulator: Emulator,
    client: CloudClient,
    token: String,
    /// `header.payload`, the bytes the signature covers.
    signing_input: Vec<u8>,
    key_bytes: [u8; 32],
    key: VerifyingKey,
    signature: Signature,
    cold: SessionVerifier,
    cached: SessionVerifier,
}

fn setup() -> Setup {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let emulator = runtime
        .block_on(Emulator::start())
        .expect("the emulator starts");
    let credentials = ClientCredentials::new(emulator.client_id(), emulator.client_secret())
        .expect("demo credentials");
    let endpoints = Endpoints::emulator(emulator.url()).expect("emulator endpoints");
    let client = CloudClient::builder(credentials.clone())
        .endpoints(endpoints.clone())
        .tenant_id(emulator.tenant_id())
        .build()
        .expect("a client");
    let minted = emulator
        .mint_session_token(SessionTokenSpec {
            ttl_seconds: Some(86_400),
            tenant_slug: Some("bench-shop".into()),
            ..SessionTokenSpec::default()
        })
        .expect("a session token");

    // The raw public key, from the emulator's admin API (`/_emulator/keys`).
    let admin = CloudClient::builder(credentials)
        .endpoints(
            endpoints
                .with_api_base(&format!("{}/_emulator/", emulator.url()))
                .expect("admin base"),
        )
        .tenant_id(emulator.tenant_id())
        .build()
        .expect("an admin client");
    let keys: Value = runtime
        .block_on(admin.request(Request::get("keys")))
        .expect("GET /_emulator/keys")
        .json()
        .expect("JSON");
    let jwk = keys["jwks"]["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == minted.kid.as_str()))
        .expect("the signing key is published");
    let key_bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().expect("x"))
        .expect("base64url")
        .try_into()
        .expect("32 bytes");
    let key = VerifyingKey::from_bytes(&key_bytes).expect("an Ed25519 key");
    let (signing_input, signature) = minted.token.rsplit_once('.').expect("three segments");
    let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).expect("base64url"))
        .expect("64 bytes");
    key.verify(signing_input.as_bytes(), &signature)
        .expect("the raw check agrees");

    let cold = SessionVerifier::new(
        &client,
        VerifierConfig {
            verified_cache_size: 0,
            ..VerifierConfig::default()
        },
    )
    .expect("a verifier");
    let cached = SessionVerifier::new(&client, VerifierConfig::default()).expect("a verifier");
    // Warm: access token, JWKS of both verifiers, and the verified-token cache of one.
    runtime.block_on(async {
        cold.verify(&minted.token).await.expect("verifies");
        cached.verify(&minted.token).await.expect("verifies");
    });
    Setup {
        runtime,
        _emulator: emulator,
        client,
        signing_input: signing_input.as_bytes().to_vec(),
        token: minted.token,
        key_bytes,
        key,
        signature,
        cold,
        cached,
    }
}

fn verify(c: &mut Criterion, s: &Setup) {
    let mut group = c.benchmark_group("verify");
    group.bench_function("raw_ed25519", |b| {
        b.iter(|| black_box(&s.key).verify(black_box(&s.signing_input), black_box(&s.signature)))
    });
    group.bench_function("raw_ed25519_strict", |b| {
        b.iter(|| {
            black_box(&s.key).verify_strict(black_box(&s.signing_input), black_box(&s.signature))
        })
    });
    group.bench_function("raw_ed25519_with_key_decode", |b| {
        b.iter(|| {
            VerifyingKey::from_bytes(black_box(&s.key_bytes))
                .and_then(|key| key.verify(black_box(&s.signing_input), &s.signature))
        })
    });
    group.bench_function("session_cold", |b| {
        b.to_async(&s.runtime).iter(|| async {
            s.cold
                .verify(black_box(&s.token))
                .await
                .map(|c| c.expires_at)
        })
    });
    group.bench_function("session_now", |b| {
        b.iter(|| {
            s.cold
                .verify_now(black_box(&s.token))
                .map(|c| c.map(|c| c.expires_at))
        })
    });
    group.bench_function("session_cached", |b| {
        b.to_async(&s.runtime).iter(|| async {
            s.cached
                .verify(black_box(&s.token))
                .await
                .map(|c| c.expires_at)
        })
    });
    group.finish();
}

fn token(c: &mut Criterion, s: &Setup) {
    let mut group = c.benchmark_group("token");
    let cache = s.client.token_cache().clone();
    group.bench_function("token_cache_get", |b| {
        b.to_async(&s.runtime)
            .iter(|| async { cache.get().await.map(|t| t.expires_at()) })
    });
    group.bench_function("access_token", |b| {
        b.to_async(&s.runtime)
            .iter(|| async { s.client.access_token().await.map(|t| t.expires_at()) })
    });
    group.finish();
}

/// Best of five rounds of `rounds` calls, per call.
fn per_call(rounds: u32, mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..rounds {
                f();
            }
            start.elapsed() / rounds
        })
        .min()
        .unwrap_or_default()
}

/// A plain-loop cross-check of the headline ratios, printed after criterion's report and
/// written to `bench/rust/RESULTS.md` (with the date and the load) when no filter was given.
fn ratio(s: &Setup) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split(' ').next().unwrap_or("?").to_owned();
    let raw = per_call(2_000, || {
        black_box(s.key.verify(black_box(&s.signing_input), &s.signature)).ok();
    });
    let strict = per_call(2_000, || {
        black_box(
            s.key
                .verify_strict(black_box(&s.signing_input), &s.signature),
        )
        .ok();
    });
    let now = per_call(2_000, || {
        black_box(s.cold.verify_now(black_box(&s.token))).map(|r| r.ok());
    });
    let cold = s.runtime.block_on(async {
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            for _ in 0..2_000 {
                black_box(s.cold.verify(black_box(&s.token)).await).ok();
            }
            best = best.min(start.elapsed() / 2_000);
        }
        best
    });
    let cached = per_call(20_000, || {
        black_box(s.cached.verify_cached(black_box(&s.token)));
    });
    let get = s.runtime.block_on(async {
        let cache = s.client.token_cache();
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            for _ in 0..100_000 {
                black_box(cache.get().await).ok();
            }
            best = best.min(start.elapsed() / 100_000);
        }
        best
    });
    let x = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    // Paired: rounds of 200 calls of each, the order alternating, the median of the
    // per-round ratios (load from elsewhere moves sequential measurements by ±15 % here).
    let paired = |f: &dyn Fn(), g: &dyn Fn()| {
        let time = |h: &dyn Fn()| {
            let start = Instant::now();
            for _ in 0..200 {
                h();
            }
            start.elapsed()
        };
        let mut ratios: Vec<f64> = (0..41)
            .map(|round| {
                if round % 2 == 0 {
                    let (a, b) = (time(f), time(g));
                    x(a, b)
                } else {
                    let (b, a) = (time(g), time(f));
                    x(a, b)
                }
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    };
    let raw_call = || {
        black_box(s.key.verify(black_box(&s.signing_input), &s.signature)).ok();
    };
    let strict_call = || {
        black_box(
            s.key
                .verify_strict(black_box(&s.signing_input), &s.signature),
        )
        .ok();
    };
    let now_call = || {
        black_box(s.cold.verify_now(black_box(&s.token))).map(|r| r.ok());
    };
    let now_vs_raw = paired(&now_call, &raw_call);
    let now_vs_strict = paired(&now_call, &strict_call);
    println!(
        "\nsummary: raw Ed25519 {raw:?} (strict {strict:?}), session_cold {cold:?} => ratio {:.2}x (target <= 1.5x), verify_now {now:?} ({:.2}x; paired {now_vs_raw:.2}x, ÷ strict {now_vs_strict:.2}x); token_cache_get {get:?} (target < 1 us)",
        x(cold, raw),
        x(now, raw),
    );
    let filtered = std::env::args().skip(1).any(|a| !a.starts_with('-'));
    if filtered {
        return;
    }
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let us = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1e6);
    let report = format!(
        "# Rust benchmark results (one run)\n\n\
Written by `cargo bench -p jtl-connect-bench --bench verify` (`make bench-rust`): the plain-loop\n\
cross-check after criterion's report (best of 5 rounds, per call). Criterion's own medians are\n\
in `target/criterion/`.\n\n\
- run: {date}; load average {load} at the end ({cpus} CPUs)\n\
- profile: `bench` (the release profile: fat LTO, opt-level s, crypto crates at 3)\n\n\
| case | µs per call | ÷ raw `verify` |\n|---|---:|---:|\n\
| `ed25519_dalek::VerifyingKey::verify` (cofactorless, key parsed once) | {} | 1.00x |\n\
| `ed25519_dalek::VerifyingKey::verify_strict` | {} | {:.2}x |\n\
| `SessionVerifier::verify_now` (cache off; the bindings' path) | {} | {:.2}x |\n\
| `SessionVerifier::verify` (cache off, async) | {} | {:.2}x |\n\
| `SessionVerifier::verify_cached` (a hit) | {} | |\n\
| `TokenCache::get` (a fresh token) | {} | |\n\n\
Paired (41 rounds of 200 calls of each, the order alternating, median of the per-round\n\
ratios; the sequential figures above move by ±15 % between runs on this machine):\n\n\
| ratio | median |\n|---|---:|\n\
| `verify_now` ÷ `verify` (cofactorless) | {:.2}x |\n\
| `verify_now` ÷ `verify_strict` | {:.2}x |\n",
        us(raw),
        us(strict),
        x(strict, raw),
        us(now),
        x(now, raw),
        us(cold),
        x(cold, raw),
        us(cached),
        us(get),
        now_vs_raw,
        now_vs_strict,
        cpus = std::thread::available_parallelism().map_or(0, usize::from),
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/RESULTS.md");
    match std::fs::write(path, report) {
        Ok(()) => println!("wrote {path}"),
        Err(e) => eprintln!("could not write {path}: {e}"),
    }
}

fn main() {
    let s = setup();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    verify(&mut c, &s);
    token(&mut c, &s);
    c.final_summary();
    ratio(&s);
}
