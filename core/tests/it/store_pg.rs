//! The account store on a real PostgreSQL (`JTL_CONNECT_TEST_PG`, started by
//! scripts/postgres.sh for `make test`): without it these tests fail, they never skip.
//! They mirror the SQLite store tests that matter, and add what only a server has: several
//! processes on one store, and its clients sharing one token.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    process::Command,
    sync::{Arc, Barrier},
    thread,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use jtl_connect::{blocking, AccountClient, AccountStore, System};
use jtl_emulator::{Emulator, Fault, FaultKind, Service};

use crate::support::*;

const CHILD: &str = "JTL_STORE_PG_CHILD";
const THREADS: usize = 50;
const PROCESSES: usize = 4;
/// The master key every process of a test shares (test data, not a secret).
const KEY_HEX: &str = "73746f72652d70672d746573742d6b65792d7468697274792d74776f2d627974";
const KEY: [u8; 32] = *b"store-pg-test-key-thirty-two-byt";

fn server_url() -> String {
    std::env::var("JTL_CONNECT_TEST_PG").expect(
        "JTL_CONNECT_TEST_PG is not set: run these tests through scripts/postgres.sh (make test does)",
    )
}

/// A new, empty database on the test server; its URL.
pub fn fresh_database(tag: &str) -> String {
    let server = server_url();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("jtl_{tag}_{}_{nanos}", std::process::id());
    sql(&server, &format!("CREATE DATABASE {name}"));
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// Runs `statements` on `url` from a runtime of its own (callable from any test).
pub fn sql(url: &str, statements: &str) {
    let (url, statements) = (url.to_owned(), statements.to_owned());
    thread::spawn(move || {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("the test PostgreSQL answers");
            tokio::spawn(connection);
            client.batch_execute(&statements).await.unwrap();
        })
    })
    .join()
    .unwrap();
}

/// `pg_dump` found as scripts/postgres.sh finds the server binaries.
pub fn pg_dump() -> PathBuf {
    let works = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(Path::new("pg_dump")) {
        return PathBuf::from("pg_dump");
    }
    std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path().join("bin/pg_dump"))
        .find(|p| works(p))
        .expect("pg_dump (Debian package postgresql-client)")
}

fn open(url: &str) -> AccountStore {
    AccountStore::open_with_master_key(Path::new(url), &KEY).unwrap_or_else(|e| panic!("{e}"))
}

fn add_cloud(store: &AccountStore, emu_url: &str, name: &str) -> jtl_connect::Account {
    store
        .add(
            System::Cloud,
            name,
            &[
                ("client_id", "demo-client-id"),
                ("client_secret", "demo-client-secret"),
                ("tenant_id", "00000000-0000-4000-8000-000000000001"),
                ("environment", emu_url),
            ],
        )
        .unwrap()
}

fn cloud_of(store: &AccountStore, id: &str) -> jtl_connect::CloudClient {
    match store.client(id, None).unwrap() {
        AccountClient::Cloud(cloud) => cloud,
        other => panic!("not a cloud client: {other:?}"),
    }
}

#[tokio::test]
async fn pg_add_list_get_update_delete() {
    let emu = emulator().await;
    let db = fresh_database("crud");
    let store = open(&db);
    assert!(store.is_postgres());
    assert!(!store.path().display().to_string().contains("hunter"));
    let shop = add_cloud(&store, emu.url(), "Main shop");
    assert!(
        !shop.fields.contains_key("client_secret"),
        "never the secret"
    );
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "store-test/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let names: Vec<_> = store.list().unwrap().into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Main shop", "Lager"], "by system, then name");
    assert_eq!(store.get(&shop.id).unwrap(), shop);
    assert_eq!(
        store.find(System::Wawi, "Lager").unwrap().unwrap().id,
        wawi.id
    );
    // Names are unique per system.
    let taken = store
        .add(
            System::Cloud,
            "Main shop",
            &[("client_id", "x"), ("client_secret", "y")],
        )
        .unwrap_err();
    assert_eq!(taken.code(), "conflict", "{taken}");
    let renamed = store
        .update(&shop.id, Some("Shop"), &[("tenant_id", "")])
        .unwrap();
    assert_eq!(renamed.name, "Shop");
    assert!(!renamed.fields.contains_key("tenant_id"));
    let conflict = store.update(&shop.id, Some("Shop"), &[]).map(|a| a.name);
    assert_eq!(conflict.unwrap(), "Shop", "its own name is not a conflict");
    // The secret was kept through the update: the client still gets a token.
    assert!(cloud_of(&store, &shop.id).access_token().await.is_ok());
    store.delete(&wawi.id).unwrap();
    assert_eq!(store.get(&wawi.id).unwrap_err().code(), "not_found");
    assert_eq!(store.delete(&wawi.id).unwrap_err().code(), "not_found");
    assert_eq!(store.list().unwrap().len(), 1);
}

#[test]
fn pg_a_wrong_master_key_is_refused_and_changes_nothing() {
    let db = fresh_database("wrongkey");
    let store = open(&db);
    store
        .add(System::Scx, "Channel", &[("refresh_token", "rt-123456789")])
        .unwrap();
    let error = AccountStore::open_with_master_key(Path::new(&db), &[8; 32]).unwrap_err();
    assert_eq!(error.code(), "config", "{error}");
    assert!(error.to_string().contains("master key"), "{error}");
    assert_eq!(
        open(&db).list().unwrap().len(),
        1,
        "the right key still works"
    );
}

#[tokio::test]
async fn pg_rotation_reseals_every_row_and_the_old_key_stops_opening() {
    let emu = emulator().await;
    let db = fresh_database("rotate");
    let store = open(&db);
    let shop = add_cloud(&store, emu.url(), "Shop");
    let other_handle = open(&db);
    let new_key = [9u8; 32];
    let rotation = store.rotate_master_key(Some(&new_key)).unwrap();
    assert_eq!(
        (rotation.generation, rotation.resealed, rotation.unreadable),
        (2, 1, 0)
    );
    assert_eq!(store.key_generation(), 2);
    // A handle opened before the rotation cannot write under the old key.
    let stale = other_handle
        .add(System::Scx, "S", &[("refresh_token", "rt-1")])
        .unwrap_err();
    assert_eq!(stale.code(), "config", "{stale}");
    assert_eq!(
        AccountStore::open_with_master_key(Path::new(&db), &KEY)
            .unwrap_err()
            .code(),
        "config"
    );
    let reopened = AccountStore::open_with_master_key(Path::new(&db), &new_key).unwrap();
    assert_eq!(reopened.key_generation(), 2);
    assert!(cloud_of(&reopened, &shop.id).access_token().await.is_ok());
    // The environment-key form needs the new key given.
    assert_eq!(
        reopened.rotate_master_key(None).unwrap_err().code(),
        "invalid_input"
    );
}

#[tokio::test]
async fn pg_a_row_edited_in_the_database_is_refused_and_nothing_is_sent() {
    let emu = emulator().await;
    let db = fresh_database("edited");
    let store = open(&db);
    let shop = add_cloud(&store, emu.url(), "Shop");
    sql(
        &db,
        &format!(
            "UPDATE jtl_connect_accounts SET fields = replace(fields, 'demo-client-id', 'evil') WHERE id = '{}'",
            shop.id
        ),
    );
    let error = store.client(&shop.id, None).unwrap_err();
    assert_eq!(error.code(), "store", "{error}");
    assert!(error.to_string().contains("changed outside"), "{error}");
    assert_eq!(emu.stats().get(Service::Token), 0, "nothing was sent");
}

#[test]
fn pg_other_schemes_and_a_missing_database_are_clear_errors() {
    let cwd = std::env::current_dir().unwrap();
    for url in [
        "mysql://u:hunter2@h/db",
        "sqlite:///tmp/x.db",
        "redis://h/0",
    ] {
        let error = AccountStore::open(Some(Path::new(url))).unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{url}: {error}");
        let text = error.to_string();
        assert!(text.contains("postgresql://"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let folder = url.split_once("://").unwrap().0.to_owned() + ":";
        assert!(!cwd.join(&folder).exists(), "no folder {folder} was made");
    }
    let error = AccountStore::open_with_master_key(
        Path::new("postgresql://u:hunter2@h/db?sslmode=sometimes"),
        &KEY,
    )
    .unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let error = AccountStore::open_with_master_key(
        Path::new("postgresql://u:hunter2@127.0.0.1:1/db?connect_timeout=2"),
        &KEY,
    )
    .unwrap_err();
    assert_eq!(error.code(), "store", "{error}");
    assert!(error.to_string().contains("127.0.0.1:1"), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_the_database_holds_names_but_no_secret_and_no_token() {
    let emu = emulator().await;
    let db = fresh_database("dump");
    let store = open(&db);
    let shop = add_cloud(&store, emu.url(), "Dump shop");
    store
        .add(
            System::Scx,
            "Dump channel",
            &[("refresh_token", "scx-refresh-token-dump-0123456789")],
        )
        .unwrap();
    let token = cloud_of(&store, &shop.id).access_token().await.unwrap();
    let dump = Command::new(pg_dump())
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
        dump.contains("Dump shop") && dump.contains("Dump channel"),
        "names are there"
    );
    assert!(
        dump.contains("jtl_connect_token_cache"),
        "the token row is there"
    );
    for secret in [
        "demo-client-secret",
        "scx-refresh-token-dump-0123456789",
        "refresh-token-dump",
        token.expose(),
        &token.expose()[token.expose().len() / 2..],
    ] {
        assert!(
            !dump.contains(secret),
            "a secret in plain text: {secret:.6}…"
        );
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(!dump.contains(&hex), "a secret as bytes");
    }
}

/// A child process (when `JTL_STORE_PG_CHILD` is set): opens the store by its URL with the key
/// from the environment, finds the parent's account, adds one of its own, and asks a cold
/// shared cache from 50 threads at once.
#[test]
fn pg_store_child_process() {
    let Some(index) = std::env::var_os(CHILD) else {
        // On its own: one process, two handles on one database, one token request.
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let emu = runtime.block_on(emulator());
        let db = fresh_database("handles");
        let (a, b) = (open(&db), open(&db));
        let shop = add_cloud(&a, emu.url(), "Shop");
        assert_eq!(b.list().unwrap().len(), 1);
        let one = blocking::CloudClient::new(cloud_of(&a, &shop.id));
        let two = blocking::CloudClient::new(cloud_of(&b, &shop.id));
        assert_eq!(
            one.access_token().unwrap().expose(),
            two.access_token().unwrap().expose()
        );
        assert_eq!(
            emu.stats().get(Service::Token),
            1,
            "b read a's shared token"
        );
        runtime.block_on(emu.shutdown());
        return;
    };
    let db = std::env::var("JTL_TEST_DB").unwrap();
    let store = AccountStore::open(Some(Path::new(&db))).unwrap();
    let shop = store
        .find(System::Cloud, "Shared shop")
        .unwrap()
        .expect("the parent's account is listed here");
    store
        .add(
            System::Scx,
            &format!("child {}", index.to_string_lossy()),
            &[("refresh_token", "rt-child-0123456789")],
        )
        .unwrap();
    let client = blocking::CloudClient::new(cloud_of(&store, &shop.id));
    let start_at: u128 = std::env::var("JTL_TEST_START_MS").unwrap().parse().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis();
    thread::sleep(Duration::from_millis(
        u64::try_from(start_at.saturating_sub(now)).unwrap(),
    ));
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                client.access_token().map(|t| t.fingerprint())
            })
        })
        .collect();
    for t in threads {
        println!("TOKEN {}", t.join().unwrap().unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pg_four_processes_share_accounts_and_one_token() {
    let emu = emulator().await;
    let db = fresh_database("procs");
    let store = open(&db);
    add_cloud(&store, emu.url(), "Shared shop");
    // The first token answer is slow, so the other processes wait on the holder's lock.
    emu.inject_fault(Fault::kind(Service::Token, FaultKind::Delay).delay_ms(700))
        .unwrap();
    let start_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 2000;
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|i| {
            Command::new(&exe)
                .args(["--exact", "store_pg::pg_store_child_process", "--nocapture"])
                .env(CHILD, i.to_string())
                .env("JTL_TEST_DB", &db)
                .env("JTL_TEST_START_MS", start_at.to_string())
                .env("JTL_CONNECT_MASTER_KEY", KEY_HEX)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let mut tokens = Vec::new();
    for output in &outputs {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "a child failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        tokens.extend(
            stdout
                .lines()
                .filter_map(|l| l.split_once("TOKEN ").map(|(_, t)| t.trim().to_owned())),
        );
    }
    assert_eq!(tokens.len(), PROCESSES * THREADS, "every thread answered");
    assert_eq!(
        tokens.iter().collect::<BTreeSet<_>>().len(),
        1,
        "one token for all"
    );
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "4 processes x 50 threads of a PostgreSQL store: exactly one token request"
    );
    // What each child added, this process lists.
    let names: BTreeSet<_> = store.list().unwrap().into_iter().map(|a| a.name).collect();
    for i in 0..PROCESSES {
        assert!(names.contains(&format!("child {i}")), "{names:?}");
    }
    let _: &Emulator = &emu;
}
