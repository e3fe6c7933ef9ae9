//! PostgreSQL under failure, on the private cluster of scripts/postgres.sh
//! (`JTL_CONNECT_TEST_PG`; without it these tests fail, they never skip):
//!
//! - kill -9 of the process that holds the refresh lock: the others have a token within the
//!   lock timeout (the dead holder's lock goes with its connection);
//! - the server stopped and restarted under load: calls fail with `store` errors and work
//!   again once it is back, with the same handles (no restart of the app);
//! - 20 × kill -9 of a writing process: no committed account lost;
//! - the key check: of many keys opening one new store at once, exactly one gets in.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Barrier, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

use jtl_connect::{blocking, AccountClient, AccountStore, HttpOptions, SharedTokenCache, System};
use jtl_connect_reliability::report::Table;
use jtl_emulator::{Emulator, Fault, FaultKind, Service};

use crate::store_crash::write_and_kill;

const CHILD: &str = "JTL_RELIABILITY_PG_CHILD";

/// The outage test stops the server every test here shares: it runs alone (write), the
/// others beside each other (read).
static SERVER: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn shared_server() -> std::sync::RwLockReadGuard<'static, ()> {
    SERVER
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
/// The master key of these tests (test data, not a secret).
const KEY_HEX: &str = "72656c696162696c6974792d70672d6b65792d7468697274792d74776f2d2e2e";

fn key() -> [u8; 32] {
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&KEY_HEX[2 * i..2 * i + 2], 16).unwrap();
    }
    key
}

fn server() -> String {
    std::env::var("JTL_CONNECT_TEST_PG")
        .expect("JTL_CONNECT_TEST_PG is not set: run through scripts/postgres.sh (make test does)")
}

/// A PostgreSQL client binary, found as scripts/postgres.sh finds the server's.
fn pg_bin(name: &str) -> PathBuf {
    let works = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(Path::new(name)) {
        return PathBuf::from(name);
    }
    std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path().join("bin").join(name))
        .find(|p| works(p))
        .unwrap_or_else(|| panic!("{name} (Debian package postgresql-client)"))
}

/// One value from `query` on `url`.
fn psql(url: &str, query: &str) -> String {
    let out = Command::new(pg_bin("psql"))
        .args([url, "-qtAc", query])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn fresh_database(tag: &str) -> String {
    let name = format!(
        "jtl_rel_{tag}_{}_{}",
        std::process::id(),
        rand::random::<u32>()
    );
    psql(&server(), &format!("CREATE DATABASE {name}"));
    let server = server();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

fn cluster(command: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/postgres.sh");
    let status = Command::new("bash")
        .args([script, command])
        .status()
        .unwrap();
    assert!(status.success(), "scripts/postgres.sh {command}");
}

fn http() -> HttpOptions {
    HttpOptions {
        deadline: Duration::from_secs(20),
        ..HttpOptions::default()
    }
}

fn cloud(emu_url: &str, cache: SharedTokenCache) -> blocking::CloudClient {
    blocking::CloudClient::new(
        jtl_connect::CloudClient::builder(
            jtl_connect::ClientCredentials::new("demo-client-id", "demo-client-secret").unwrap(),
        )
        .endpoints(jtl_connect::Endpoints::emulator(emu_url).unwrap())
        .tenant_id("00000000-0000-4000-8000-000000000001")
        .http_options(http())
        .shared_token_cache(cache)
        .build()
        .unwrap(),
    )
}

/// The lock holder (a child, when `JTL_RELIABILITY_PG_CHILD` is set): asks for a token, whose
/// answer the emulator delays far past the test, so it holds the refresh lock until killed.
#[test]
fn pg_lock_holder_child() {
    let _server = shared_server();
    if std::env::var_os(CHILD).is_none() {
        // On its own: the holder's part, a token through the shared cache, works.
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let emu = runtime.block_on(Emulator::start()).unwrap();
        let db = fresh_database("holder");
        let cache = SharedTokenCache::open_with_master_key(&db, &key()).unwrap();
        assert!(cloud(emu.url(), cache).access_token().is_ok());
        return;
    }
    let cache = SharedTokenCache::open(&std::env::var("JTL_TEST_DB").unwrap()).unwrap();
    let client = cloud(&std::env::var("JTL_TEST_EMULATOR").unwrap(), cache);
    let _ = client.access_token();
}

#[test]
fn pg_kill_9_of_the_lock_holder_hands_the_refresh_to_another_process() {
    let _server = shared_server();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(Emulator::start()).unwrap();
    let db = fresh_database("killholder");
    // The holder's token request hangs (60 s); every later one is answered at once.
    emu.inject_fault(Fault::kind(Service::Token, FaultKind::Delay).delay_ms(60_000))
        .unwrap();
    let mut holder = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "postgres::pg_lock_holder_child", "--nocapture"])
        .env(CHILD, "1")
        .env("JTL_TEST_DB", &db)
        .env("JTL_TEST_EMULATOR", emu.url())
        .env("JTL_CONNECT_MASTER_KEY", KEY_HEX)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted";
    let waited = Instant::now();
    while psql(&db, held) == "0" {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "the child never took the lock"
        );
        thread::sleep(Duration::from_millis(50));
    }
    // Waiters in this process queue on the lock behind the holder.
    let cache = SharedTokenCache::open_with_master_key(&db, &key()).unwrap();
    let barrier = Arc::new(Barrier::new(11));
    let waiters: Vec<_> = (0..10)
        .map(|_| {
            let (client, barrier) = (cloud(emu.url(), cache.clone()), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                let asked = Instant::now();
                client
                    .access_token()
                    .map(|t| (t.fingerprint(), asked.elapsed()))
            })
        })
        .collect();
    barrier.wait();
    thread::sleep(Duration::from_millis(500));
    let killed = Instant::now();
    holder.kill().expect("kill -9");
    holder.wait().unwrap();
    let mut tokens = BTreeSet::new();
    for waiter in waiters {
        let (token, _) = waiter.join().unwrap().expect("a waiter got a token");
        tokens.insert(token);
    }
    let after_kill = killed.elapsed();
    assert!(
        after_kill < http().deadline,
        "tokens {after_kill:?} after the kill, past the lock timeout"
    );
    assert_eq!(tokens.len(), 1, "one token for every waiter");
    assert_eq!(
        emu.stats().get(Service::Token),
        2,
        "the dead holder's request and one more"
    );
    let mut table = Table::new(
        "PostgreSQL: kill -9 of the process holding the refresh lock",
        &[
            "waiters",
            "token requests",
            "tokens after the kill, ms",
            "lock timeout, s",
        ],
    );
    table.row([
        "10".to_owned(),
        emu.stats().get(Service::Token).to_string(),
        after_kill.as_millis().to_string(),
        http().deadline.as_secs().to_string(),
    ]);
    table.publish(
        "pg-kill-lock-holder.md",
        "The lock goes with the dead holder's connection; a waiter takes it and asks JTL once.",
    );
}

#[test]
fn pg_stopped_and_restarted_under_load_recovers_without_restarting_the_app() {
    let _server = SERVER
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(Emulator::start()).unwrap();
    let db = fresh_database("restart");
    let store = Arc::new(AccountStore::open_with_master_key(Path::new(&db), &key()).unwrap());
    let shop = store
        .add(
            System::Cloud,
            "Shop",
            &[
                ("client_id", "demo-client-id"),
                ("client_secret", "demo-client-secret"),
                ("tenant_id", "00000000-0000-4000-8000-000000000001"),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    let cached = match store.client(&shop.id, None).unwrap() {
        AccountClient::Cloud(c) => blocking::CloudClient::new(c),
        _ => unreachable!(),
    };
    cached.access_token().unwrap();
    // Load: four threads list and read accounts without pause, recording every error code.
    let stop = Arc::new(AtomicBool::new(false));
    let codes = Arc::new(Mutex::new(Vec::<String>::new()));
    let ok_calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let load: Vec<_> = (0..4)
        .map(|_| {
            let (store, stop, codes, ok) =
                (store.clone(), stop.clone(), codes.clone(), ok_calls.clone());
            let id = shop.id.clone();
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match store.list().and_then(|_| store.get(&id)) {
                        Ok(_) => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => codes.lock().unwrap().push(e.code().to_owned()),
                    }
                    thread::sleep(Duration::from_millis(5));
                }
            })
        })
        .collect();
    thread::sleep(Duration::from_millis(300));
    cluster("stop");
    // Down: the store and a client that needs a token fail with `store` errors...
    let down = store.list().unwrap_err();
    assert_eq!(down.code(), "store", "{down}");
    let fresh = store.client(&shop.id, None).unwrap_err();
    assert_eq!(fresh.code(), "store", "{fresh}");
    let cold = cloud(
        emu.url(),
        SharedTokenCache::open_with_master_key(&db, &key()).unwrap(),
    );
    assert_eq!(cold.access_token().unwrap_err().code(), "store");
    // ...while a token cached in memory keeps serving API calls.
    assert_eq!(cached.get("info").unwrap().status(), 200);
    thread::sleep(Duration::from_millis(300));
    cluster("start");
    // Back: the same handles work again.
    let back = Instant::now();
    loop {
        match store.list() {
            Ok(list) => {
                assert_eq!(list.len(), 1);
                break;
            }
            Err(e) => {
                assert_eq!(e.code(), "store", "{e}");
                assert!(back.elapsed() < Duration::from_secs(15), "not back: {e}");
                thread::sleep(Duration::from_millis(100));
            }
        }
    }
    let recovered = back.elapsed();
    assert!(
        cold.access_token().is_ok(),
        "the cold client gets its token"
    );
    cluster("restart");
    let again = Instant::now();
    while store.get(&shop.id).is_err() {
        assert!(
            again.elapsed() < Duration::from_secs(15),
            "not back after the restart"
        );
        thread::sleep(Duration::from_millis(50));
    }
    thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.join().unwrap();
    }
    let codes = codes.lock().unwrap().clone();
    let kinds: BTreeSet<_> = codes.iter().cloned().collect();
    assert!(!codes.is_empty(), "the load saw the outage");
    assert_eq!(
        kinds,
        BTreeSet::from(["store".to_owned()]),
        "only store errors"
    );
    let mut table = Table::new(
        "PostgreSQL stopped, started and restarted under load (4 threads listing accounts)",
        &[
            "calls ok",
            "calls failed",
            "error codes",
            "back after start, ms",
        ],
    );
    table.row([
        ok_calls.load(Ordering::Relaxed).to_string(),
        codes.len().to_string(),
        kinds.into_iter().collect::<Vec<_>>().join(", "),
        recovered.as_millis().to_string(),
    ]);
    table.publish(
        "pg-restart.md",
        "Calls during the outage fail with `store`; the same store and clients work once the server is back.",
    );
}

#[test]
fn pg_killed_writers_lose_no_committed_account() {
    let _server = shared_server();
    let db = fresh_database("crash");
    let db_path = PathBuf::from(&db);
    let mut committed = BTreeSet::new();
    let mut updated = BTreeSet::new();
    let mut table = Table::new(
        "PostgreSQL store crash test (kill -9 of a writing process)",
        &[
            "run",
            "killed after ms",
            "commits printed",
            "accounts",
            "result",
        ],
    );
    let mut failures = Vec::new();
    for run in 0..20 {
        let outcome = write_and_kill(&db_path, KEY_HEX, run);
        committed.extend(outcome.added);
        updated.extend(outcome.updated);
        let accounts = AccountStore::open_with_master_key(&db_path, &key())
            .and_then(|s| s.list())
            .unwrap_or_else(|e| panic!("run {run}: the store does not open: {e}"));
        let present: BTreeSet<_> = accounts.iter().map(|a| a.name.clone()).collect();
        let missing: Vec<_> = committed.difference(&present).collect();
        let not_applied: Vec<_> = updated
            .iter()
            .filter(|n| {
                !accounts.iter().any(|a| {
                    &a.name == *n && a.fields.get("app_version").map(String::as_str) == Some("2")
                })
            })
            .collect();
        let result = if missing.is_empty() && not_applied.is_empty() {
            "pass".to_owned()
        } else {
            let failure = format!("missing {missing:?}, updates lost {not_applied:?}");
            failures.push(format!("run {run}: {failure}"));
            failure
        };
        table.row([
            (run + 1).to_string(),
            outcome.killed_after.as_millis().to_string(),
            committed.len().to_string(),
            accounts.len().to_string(),
            result,
        ]);
    }
    table.publish(
        "pg-store-crash.md",
        &format!(
            "20 kills; {} committed adds, {} updates, none lost unless listed.",
            committed.len(),
            updated.len()
        ),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        committed.len() >= 20,
        "the writer barely wrote: {}",
        committed.len()
    );
}

#[test]
fn pg_racing_keys_on_a_new_store_never_both_get_in() {
    let _server = shared_server();
    const TRIALS: usize = 20;
    const KEYS: usize = 6;
    for trial in 0..TRIALS {
        let db = fresh_database("race");
        let barrier = Arc::new(Barrier::new(KEYS));
        let racers: Vec<_> = (0..KEYS)
            .map(|k| {
                let (db, barrier) = (db.clone(), barrier.clone());
                thread::spawn(move || {
                    let key = [u8::try_from(k + 1).unwrap(); 32];
                    barrier.wait();
                    let store = AccountStore::open_with_master_key(Path::new(&db), &key)?;
                    store.add(
                        System::Scx,
                        &format!("key {k}"),
                        &[("refresh_token", "rt-race")],
                    )?;
                    Ok::<usize, jtl_connect::Error>(k)
                })
            })
            .collect();
        let mut winners = Vec::new();
        for racer in racers {
            match racer.join().unwrap() {
                Ok(k) => winners.push(k),
                Err(e) => assert_eq!(e.code(), "config", "trial {trial}: {e}"),
            }
        }
        assert_eq!(winners.len(), 1, "trial {trial}: winners {winners:?}");
        let key = [u8::try_from(winners[0] + 1).unwrap(); 32];
        let names: Vec<_> = AccountStore::open_with_master_key(Path::new(&db), &key)
            .unwrap()
            .list()
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, [format!("key {}", winners[0])], "trial {trial}");
    }
}
