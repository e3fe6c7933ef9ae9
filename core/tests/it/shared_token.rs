//! The shared token cache on a real PostgreSQL (`JTL_CONNECT_TEST_PG`, started by
//! scripts/postgres.sh for `make test`): without it these tests fail, they never skip.
//!
//! Cross-process: the parent runs the emulator, children are this test binary run again on
//! one test (`one_process_fifty_threads_one_request`, which is also a test of its own).

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::{Arc, Barrier},
    thread,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use jtl_connect::{blocking, ApiClient, CloudClient, SharedTokenCache};
use jtl_emulator::{Emulator, Fault, FaultKind, Service};

use crate::support::*;

const CHILD: &str = "JTL_SHARED_TOKEN_CHILD";
const THREADS: usize = 50;
const PROCESSES: usize = 4;
/// The master key every process of a test shares (test data, not a secret).
const KEY_HEX: &str = "6a746c2d636f6e6e6563742073686172656420746f6b656e2074657374206b79";

fn key() -> [u8; 32] {
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&KEY_HEX[2 * i..2 * i + 2], 16).unwrap();
    }
    key
}

fn server_url() -> String {
    std::env::var("JTL_CONNECT_TEST_PG").expect(
        "JTL_CONNECT_TEST_PG is not set: run these tests through scripts/postgres.sh (make test does)",
    )
}

/// A new, empty database on the test server; its URL.
async fn fresh_database(tag: &str) -> String {
    let server = server_url();
    let (client, connection) = tokio_postgres::connect(&server, tokio_postgres::NoTls)
        .await
        .expect("the test PostgreSQL answers");
    tokio::spawn(connection);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("jtl_{tag}_{}_{nanos}", std::process::id());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

async fn rows(url: &str) -> i64 {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .query_one("SELECT count(*) FROM jtl_connect_token_cache", &[])
        .await
        .unwrap()
        .get(0)
}

fn shared_client(emu_url: &str, db: &str, cache: SharedTokenCache) -> CloudClient {
    let endpoints = jtl_connect::Endpoints::emulator(emu_url).unwrap();
    CloudClient::builder(
        jtl_connect::ClientCredentials::new("demo-client-id", "demo-client-secret").unwrap(),
    )
    .endpoints(endpoints)
    .tenant_id("00000000-0000-4000-8000-000000000001")
    .http_options(quick_http())
    .shared_token_cache(cache)
    .build()
    .unwrap_or_else(|e| panic!("client for {db}: {e}"))
}

/// 50 threads of one process ask a cold shared cache at once; prints one fingerprint each.
fn fifty_threads(emu_url: &str, db: &str, client: CloudClient) -> Vec<String> {
    let client = blocking::CloudClient::new(client);
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let client = client.clone();
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                client.access_token().map(|t| t.fingerprint())
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| {
            t.join()
                .unwrap()
                .unwrap_or_else(|e| panic!("{emu_url} {db}: {e}"))
        })
        .collect()
}

/// A child process (when `JTL_SHARED_TOKEN_CHILD` is set), or on its own: one process, 50
/// threads, a cold shared cache: one token request.
#[test]
fn one_process_fifty_threads_one_request() {
    if std::env::var_os(CHILD).is_some() {
        let emu_url = std::env::var("JTL_TEST_EMULATOR").unwrap();
        let db = std::env::var("JTL_TEST_DB").unwrap();
        // The master key comes from the environment here, as in an app.
        let cache = SharedTokenCache::open(&db).unwrap();
        let start_at: u128 = std::env::var("JTL_TEST_START_MS").unwrap().parse().unwrap();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis();
        thread::sleep(Duration::from_millis(
            u64::try_from(start_at.saturating_sub(now)).unwrap(),
        ));
        for fingerprint in fifty_threads(&emu_url, &db, shared_client(&emu_url, &db, cache)) {
            println!("TOKEN {fingerprint}");
        }
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (emu, db) = runtime.block_on(async {
        let emu = emulator().await;
        let db = fresh_database("one").await;
        (emu, db)
    });
    let cache = SharedTokenCache::open_with_master_key(&db, &key()).unwrap();
    let tokens: BTreeSet<_> = fifty_threads(emu.url(), &db, shared_client(emu.url(), &db, cache))
        .into_iter()
        .collect();
    assert_eq!(tokens.len(), 1, "every thread got the same token");
    assert_eq!(emu.stats().get(Service::Token), 1, "one token request");
    assert_eq!(runtime.block_on(rows(&db)), 1, "one shared row");
    runtime.block_on(emu.shutdown());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_of_fifty_threads_send_one_token_request() {
    let emu = emulator().await;
    let db = fresh_database("four").await;
    // The first token answer is slow, so the other processes arrive while its fetcher holds
    // the lock and have to wait on it.
    emu.inject_fault(Fault::kind(Service::Token, FaultKind::Delay).delay_ms(700))
        .unwrap();
    let start_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 1500;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "shared_token::one_process_fifty_threads_one_request",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD, "1")
                .env("JTL_TEST_EMULATOR", emu.url())
                .env("JTL_TEST_DB", &db)
                .env("JTL_TEST_START_MS", start_at.to_string())
                .env("JTL_CONNECT_MASTER_KEY", KEY_HEX)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let mut fingerprints = Vec::new();
    for output in &outputs {
        assert!(
            output.status.success(),
            "a child failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for line in BufReader::new(&output.stdout[..]).lines() {
            // The harness's "test … " may precede the first line.
            if let Some((_, fingerprint)) = line.unwrap().split_once("TOKEN ") {
                fingerprints.push(fingerprint.trim().to_owned());
            }
        }
    }
    assert_eq!(
        fingerprints.len(),
        PROCESSES * THREADS,
        "every thread answered"
    );
    let distinct: BTreeSet<_> = fingerprints.iter().collect();
    assert_eq!(
        distinct.len(),
        1,
        "every thread of every process got the same token"
    );
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "4 processes x 50 threads on a cold cache: exactly one token request"
    );
    assert_eq!(rows(&db).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_replaces_the_row_only_if_it_still_holds_the_refused_token() {
    let emu = emulator().await;
    let db = fresh_database("reject").await;
    let cache = SharedTokenCache::open_with_master_key(&db, &key()).unwrap();
    let a = shared_client(emu.url(), &db, cache.clone());
    let b = shared_client(emu.url(), &db, cache.clone());
    let first = a.access_token().await.unwrap();
    let b_first = b.access_token().await.unwrap();
    assert_eq!(b_first.expose(), first.expose(), "b read a's token");
    assert_eq!(emu.stats().get(Service::Token), 1);

    // JTL refuses a's token once: a drops it, the row goes, a fetches a new one.
    emu.inject_fault(Fault::status(Service::Api, 401)).unwrap();
    assert_eq!(a.get("info").await.unwrap().status(), 200);
    let second = a.access_token().await.unwrap();
    assert_ne!(second.expose(), first.expose());
    assert_eq!(emu.stats().get(Service::Token), 2);

    // b still holds the old token in process; refusing it must not remove a's new row.
    b.token_cache().invalidate_if(&b_first);
    let b_second = b.access_token().await.unwrap();
    assert_eq!(b_second.expose(), second.expose(), "b reads the new token");
    assert_eq!(emu.stats().get(Service::Token), 2, "no request for b");
    assert_eq!(rows(&db).await, 1);

    // A fresh client (another process, in effect) is served the new token too.
    let c = shared_client(emu.url(), &db, cache);
    assert_eq!(c.access_token().await.unwrap().expose(), second.expose());
    assert_eq!(emu.stats().get(Service::Token), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_holds_no_token_in_plain_text() {
    let emu = emulator().await;
    let db = fresh_database("dump").await;
    let cache = SharedTokenCache::open_with_master_key(&db, &key()).unwrap();
    let token = shared_client(emu.url(), &db, cache)
        .access_token()
        .await
        .unwrap();
    let dump = Command::new("pg_dump")
        .args(["--data-only", "--inserts", &db])
        .output()
        .expect("pg_dump runs");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dump = String::from_utf8(dump.stdout).unwrap();
    assert!(
        dump.contains("jtl_connect_token_cache"),
        "the row is in the dump"
    );
    assert!(dump.contains("demo-client-id"), "the key names the client");
    let value = token.expose();
    let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
    assert!(!dump.contains(value), "token in plain text");
    assert!(!dump.contains(&hex), "token as plain bytes");
    assert!(
        !dump.contains(&value[value.len() / 2..]),
        "part of the token"
    );
    assert!(!dump.contains("demo-client-secret"), "client secret");
}

#[tokio::test]
async fn other_schemes_and_a_missing_key_are_clear_errors() {
    let emu = emulator().await;
    for url in ["sqlite:///tmp/tokens.db", "/tmp/tokens.db", "redis://h/0"] {
        let error = CloudClient::builder(credentials(&emu))
            .endpoints(endpoints(&emu))
            .token_cache(url)
            .build()
            .unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{url}: {error}");
        assert!(error.to_string().contains("postgresql://"), "{error}");
    }
    let error =
        SharedTokenCache::open_with_master_key("postgresql://u:hunter2@h/db?sslmode=maybe", &key())
            .unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    // A database that is not there: a `store` error naming it without the password.
    let cache = SharedTokenCache::open_with_master_key(
        "postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2",
        &key(),
    )
    .unwrap();
    assert_eq!(cache.location(), "postgresql://u@127.0.0.1:1/db");
    let error = shared_client(emu.url(), "down", cache)
        .access_token()
        .await
        .unwrap_err();
    assert_eq!(error.code(), "store", "{error}");
    assert!(error.to_string().contains("127.0.0.1:1"), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    assert_eq!(
        emu.stats().get(Service::Token),
        0,
        "no token request without the cache"
    );
    let _: &Emulator = &emu;
}
