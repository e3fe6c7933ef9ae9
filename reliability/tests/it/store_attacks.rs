//! Attacks on the account store (issue 14, items 2–4), each played against a real store on
//! disk and a real network target: someone who can write the database file but has no
//! master key, a backup restored after a key rotation, two master keys racing on a new
//! store, a key file that went missing, an update that moves a secret to a new host, and
//! destinations on link-local or cloud metadata addresses.
//!
//! "Nothing reached the network" is measured, not assumed: the target an edited row points at
//! is a TCP listener that counts every connection, and the emulator counts every request.

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Barrier,
    },
};

use base64::{engine::general_purpose::STANDARD, Engine};
use jtl_connect::{AccountStore, Endpoints, System, WawiClient};
use jtl_connect_reliability::report::Table;
use jtl_emulator::{Emulator, Service};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::emulator;

const KEY: [u8; 32] = [3; 32];
const TRIALS: usize = 20;
const RACERS: usize = 4;

fn temp_db() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "jtl-store-attacks-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("accounts.db")
}

/// A TCP listener that counts connections and answers anything with a 500 and `body`.
struct Target {
    url: String,
    connections: Arc<AtomicUsize>,
}

impl Target {
    async fn start(body: &'static str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    let answer = format!(
                        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        Self { url, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Every request the emulator received, over all services.
fn requests(emu: &Emulator) -> u64 {
    [
        Service::Token,
        Service::Api,
        Service::Jwks,
        Service::ScxAuth,
        Service::Scx,
        Service::Wawi,
    ]
    .into_iter()
    .map(|s| emu.stats().get(s))
    .sum()
}

/// Sets one field of a row's JSON in the file, as anyone with write access but no key can.
fn edit_field(path: &Path, id: &str, field: &str, value: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let fields: String = conn
        .query_row("SELECT fields FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let mut fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fields).unwrap();
    fields.insert(field.into(), value.into());
    conn.execute(
        "UPDATE accounts SET fields = ?1 WHERE id = ?2",
        rusqlite::params![serde_json::Value::Object(fields).to_string(), id],
    )
    .unwrap();
}

fn sealed_secret(path: &Path, id: &str) -> Vec<u8> {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT secret FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

/// The outcome of an attack, for the table: `refused: <code>` or what got through.
fn outcome(result: &jtl_connect::Result<impl std::fmt::Debug>) -> String {
    match result {
        Ok(value) => format!("ACCEPTED: {value:?}"),
        Err(e) => format!("refused: {}", e.code()),
    }
}

struct Attacks {
    table: Table,
    failures: Vec<String>,
}

impl Attacks {
    fn new() -> Self {
        Self {
            table: Table::new(
                "Store attacks (issue 14)",
                &["attack", "result", "reached the network", "verdict"],
            ),
            failures: Vec::new(),
        }
    }

    fn record(&mut self, attack: &str, result: String, network: String, held: bool) {
        if !held {
            self.failures.push(format!("{attack}: {result}, {network}"));
        }
        self.table.row([
            attack.to_owned(),
            result,
            network,
            if held { "held" } else { "BROKEN" }.to_owned(),
        ]);
    }
}

/// Edited fields: each edit is made in the file, then the store is opened fresh (no cached
/// client) and asked to test the account. It must answer `store` ("changed outside the
/// store", naming the account), and neither the edited target nor the emulator may see a
/// single request.
async fn edited_fields(attacks: &mut Attacks) {
    let emu = emulator().await;
    let evil = Target::start("{}").await;
    let path = temp_db();
    let store = AccountStore::open_with_master_key(&path, &KEY).unwrap();
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let cloud_fields = [
        ("client_id", emu.client_id()),
        ("client_secret", emu.client_secret()),
        ("tenant_id", emu.tenant_id()),
        ("environment", emu.url()),
    ];
    let scx_fields = [
        ("refresh_token", emu.scx_refresh_token()),
        ("environment", emu.url()),
    ];
    let cases: [(&str, System, &str, String); 5] = [
        (
            "Wawi base_url edited in the file",
            System::Wawi,
            "base_url",
            evil.url.clone(),
        ),
        (
            "Cloud environment edited in the file",
            System::Cloud,
            "environment",
            evil.url.clone(),
        ),
        (
            "Cloud client_id edited in the file",
            System::Cloud,
            "client_id",
            "attacker-client".into(),
        ),
        (
            "SCX environment edited in the file",
            System::Scx,
            "environment",
            evil.url.clone(),
        ),
        (
            "SCX sandbox flag added in the file",
            System::Scx,
            "sandbox",
            "true".into(),
        ),
    ];
    for (i, (attack, system, field, value)) in cases.into_iter().enumerate() {
        let id = match system {
            System::Wawi => wawi.id.clone(),
            System::Cloud => {
                store
                    .add(system, &format!("c{i}"), &cloud_fields)
                    .unwrap()
                    .id
            }
            System::Scx => store.add(system, &format!("s{i}"), &scx_fields).unwrap().id,
        };
        let before_requests = requests(&emu);
        let before_connections = evil.connections();
        edit_field(&path, &id, field, &value);
        let fresh = AccountStore::open_with_master_key(&path, &KEY).unwrap();
        let result = fresh.test_connection(&id, None).await;
        let named = result.as_ref().err().is_some_and(|e| {
            e.to_string().contains("changed outside the store") && e.to_string().contains(&id)
        });
        let sent =
            (requests(&emu) - before_requests) as usize + (evil.connections() - before_connections);
        let held = matches!(&result, Err(e) if e.code() == "store") && named && sent == 0;
        attacks.record(attack, outcome(&result), format!("{sent} requests"), held);
    }
}

/// A row restored from before a key rotation (its old ciphertext put back) is refused,
/// and so is the old key.
async fn rolled_back_ciphertext(attacks: &mut Attacks) {
    let emu = emulator().await;
    let path = temp_db();
    let store = AccountStore::open_with_master_key(&path, &KEY).unwrap();
    let account = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let backup = sealed_secret(&path, &account.id);
    let new_key: [u8; 32] = rand::random();
    let rotation = store.rotate_master_key(Some(&new_key)).unwrap();
    assert!(store.test_connection(&account.id, None).await.unwrap().ok);
    let before = requests(&emu);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE accounts SET secret = ?1 WHERE id = ?2",
            rusqlite::params![backup, account.id],
        )
        .unwrap();
    let fresh = AccountStore::open_with_master_key(&path, &new_key).unwrap();
    let result = fresh.test_connection(&account.id, None).await;
    let sent = requests(&emu) - before;
    attacks.record(
        &format!(
            "ciphertext from before a key rotation put back (generation {})",
            rotation.generation
        ),
        outcome(&result),
        format!("{sent} requests"),
        matches!(&result, Err(e) if e.code() == "store") && sent == 0,
    );
    let old_key = AccountStore::open_with_master_key(&path, &KEY).map(|_| ());
    attacks.record(
        "the old master key after the rotation",
        outcome(&old_key),
        "-".into(),
        matches!(&old_key, Err(e) if e.code() == "config"),
    );
}

/// `RACERS` threads open a new store with different keys at the same moment, `TRIALS`
/// times; each winner adds one account. Exactly one key may get in per trial, every
/// other one is refused with `config`, and the winner's key opens every row afterwards.
fn key_race_threads(attacks: &mut Attacks) {
    let mut two_in = 0;
    let mut other_errors = Vec::new();
    for trial in 0..TRIALS {
        let path = temp_db();
        let barrier = Arc::new(Barrier::new(RACERS));
        let handles: Vec<_> = (0..RACERS)
            .map(|k| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let key = [u8::try_from(k).unwrap() + 10; 32];
                    barrier.wait();
                    AccountStore::open_with_master_key(&path, &key).and_then(|store| {
                        store.add(System::Scx, &format!("key {k}"), &[("refresh_token", "t")])?;
                        Ok(key)
                    })
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<[u8; 32]> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        if winners.len() != 1 {
            two_in += 1;
        }
        other_errors.extend(
            results
                .iter()
                .filter_map(|r| r.as_ref().err())
                .filter(|e| e.code() != "config")
                .map(|e| format!("trial {trial}: {e}")),
        );
        if let Some(key) = winners.first() {
            let rows = AccountStore::open_with_master_key(&path, key)
                .and_then(|s| s.list())
                .map_or(0, |l| l.len());
            if rows != 1 {
                other_errors.push(format!("trial {trial}: {rows} rows under the winning key"));
            }
        }
    }
    attacks.record(
        &format!("{RACERS} threads, different keys, one new store ({TRIALS} trials)"),
        format!("trials with ≠ 1 key in: {two_in}; losers refused with config"),
        "-".into(),
        two_in == 0 && other_errors.is_empty(),
    );
    assert!(other_errors.is_empty(), "{other_errors:?}");
}

/// The same race between processes (`store-writer`, key from `JTL_CONNECT_MASTER_KEY`):
/// every child is started before any is waited for.
fn key_race_processes(attacks: &mut Attacks) {
    let mut two_in = 0;
    let mut other_errors = Vec::new();
    for trial in 0..TRIALS {
        let path = temp_db();
        let keys: Vec<[u8; 32]> = (0..RACERS).map(|_| rand::random()).collect();
        let children: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(k, key)| {
                Command::new(env!("CARGO_BIN_EXE_store-writer"))
                    .arg(&path)
                    .arg(format!("{trial}-{k}"))
                    .arg("1")
                    .env("JTL_CONNECT_MASTER_KEY", STANDARD.encode(key))
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("store-writer starts")
            })
            .collect();
        let mut winners = Vec::new();
        for (k, child) in children.into_iter().enumerate() {
            let output = child.wait_with_output().unwrap();
            if output.status.success() {
                winners.push(k);
            } else {
                let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
                if !stderr.contains("[config]") {
                    other_errors.push(format!("trial {trial}, process {k}: {stderr}"));
                }
            }
        }
        if winners.len() != 1 {
            two_in += 1;
        }
        if let Some(&k) = winners.first() {
            let rows = AccountStore::open_with_master_key(&path, &keys[k])
                .and_then(|s| s.list())
                .map_or(0, |l| l.len());
            if rows != 1 {
                other_errors.push(format!("trial {trial}: {rows} rows under the winning key"));
            }
        }
    }
    attacks.record(
        &format!("{RACERS} processes, different keys, one new store ({TRIALS} trials)"),
        format!("trials with ≠ 1 key in: {two_in}; losers refused with config"),
        "-".into(),
        two_in == 0 && other_errors.is_empty(),
    );
    assert!(other_errors.is_empty(), "{other_errors:?}");
}

/// A database whose key file is gone: refused with `config`, and no new key file appears
/// (a new key could not open the rows, and would hide that the real one is missing).
fn missing_key_file(attacks: &mut Attacks) {
    // The key must come from the file here; the writer runs without the environment key.
    let path = temp_db();
    let key_file = jtl_connect::store::crypto::key_file_path(&path);
    let created = Command::new(env!("CARGO_BIN_EXE_store-writer"))
        .arg(&path)
        .arg("k")
        .arg("1")
        .env_remove("JTL_CONNECT_MASTER_KEY")
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    assert!(key_file.exists());
    std::fs::remove_file(&key_file).unwrap();
    let reopened = Command::new(env!("CARGO_BIN_EXE_store-writer"))
        .arg(&path)
        .arg("k2")
        .arg("1")
        .env_remove("JTL_CONNECT_MASTER_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&reopened.stderr);
    let held = !reopened.status.success()
        && stderr.contains("[config]")
        && stderr.contains("missing")
        && !key_file.exists();
    attacks.record(
        "existing database, key file deleted",
        if reopened.status.success() {
            "ACCEPTED".into()
        } else {
            format!(
                "refused: config; key file written: {}",
                if key_file.exists() { "yes" } else { "no" }
            )
        },
        "-".into(),
        held,
    );
}

/// Moving a secret: an update that changes where it is sent, without giving it again.
async fn destination_change_without_secret(attacks: &mut Attacks) {
    let emu = emulator().await;
    let evil = Target::start("{}").await;
    let store = AccountStore::open_with_master_key(&temp_db(), &KEY).unwrap();
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let cloud = store
        .add(
            System::Cloud,
            "Shop",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    let scx = store
        .add(
            System::Scx,
            "SCX",
            &[
                ("refresh_token", emu.scx_refresh_token()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    let cases: [(&str, &str, &str, &str, &str); 4] = [
        (
            "update: Wawi base_url moved, no api_key",
            &wawi.id,
            "base_url",
            &evil.url,
            "api_key",
        ),
        (
            "update: Cloud environment moved, no client_secret",
            &cloud.id,
            "environment",
            &evil.url,
            "client_secret",
        ),
        (
            "update: SCX environment moved, no refresh_token",
            &scx.id,
            "environment",
            &evil.url,
            "refresh_token",
        ),
        (
            "update: SCX sandbox switched on, no refresh_token",
            &scx.id,
            "sandbox",
            "true",
            "refresh_token",
        ),
    ];
    for (attack, id, field, value, secret_field) in cases {
        let before = requests(&emu);
        let result = store.update(id, None, &[(field, value)]);
        // Had the move gone through, this would send the secret to the new place.
        let tested = store.test_connection(id, None).await.unwrap();
        let sent = (requests(&emu) - before) as usize;
        let held = matches!(&result, Err(e) if e.code() == "invalid_input"
            && e.to_string().starts_with(&format!("{secret_field}: ")))
            && tested.ok
            && evil.connections() == 0;
        attacks.record(
            attack,
            match &result {
                Ok(_) => "ACCEPTED".into(),
                Err(e) => format!("refused: {}, naming {secret_field}", e.code()),
            },
            format!("0 to the new host; {sent} to the stored one (the test after)"),
            held,
        );
    }
}

/// Link-local and metadata destinations, through the store and through the client builders.
fn link_local_destinations(attacks: &mut Attacks) {
    let store = AccountStore::open_with_master_key(&temp_db(), &KEY).unwrap();
    let urls = [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fe80::1]:5883/",
        "http://[fe80::a9fe:a9fe]/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://2852039166/",
    ];
    let lan = store.add(
        System::Wawi,
        "LAN",
        &[
            ("base_url", "http://192.168.0.5:5883/api/eazybusiness"),
            ("api_key", "k"),
            ("app_id", "MyApp/1.0.0"),
            ("app_version", "1.0.0"),
        ],
    );
    attacks.record(
        "control: Wawi on the merchant's LAN over http://",
        match &lan {
            Ok(_) => "added".to_owned(),
            Err(e) => format!("refused: {}", e.code()),
        },
        "-".into(),
        lan.is_ok(),
    );
    let lan_id = lan.map(|a| a.id).unwrap_or_default();
    for url in urls {
        let added = store.add(
            System::Wawi,
            url,
            &[
                ("base_url", url),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        );
        let moved = store.update(
            &lan_id,
            None,
            &[
                ("base_url", url),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        );
        let cloud = store.add(
            System::Cloud,
            url,
            &[
                ("client_id", "c"),
                ("client_secret", "s"),
                ("environment", url),
            ],
        );
        let direct = WawiClient::builder(url, "k")
            .app_id("MyApp/1.0.0")
            .app_version("1.0.0")
            .build()
            .map(|_| ());
        let endpoints = Endpoints::emulator(url).map(|_| ());
        let all = [
            added.map(|_| ()),
            moved.map(|_| ()),
            cloud.map(|_| ()),
            direct,
            endpoints,
        ];
        let held = all
            .iter()
            .all(|r| matches!(r, Err(e) if e.code() == "invalid_input" && e.to_string().contains("link-local")));
        attacks.record(
            &format!("destination {url} (add, update with the key, Cloud environment, WawiClient, Endpoints)"),
            if held { "refused: invalid_input ×5".into() } else { format!("{all:?}") },
            "-".into(),
            held,
        );
    }
}

/// The connection test against an internal service: status and code, never its body.
async fn test_reads_no_body(attacks: &mut Attacks) {
    let internal = Target::start(r#"{"message":"INTERNAL-7f3a root:hunter2"}"#).await;
    let store = AccountStore::open_with_master_key(&temp_db(), &KEY).unwrap();
    let account = store
        .add(
            System::Wawi,
            "Internal",
            &[
                ("base_url", &internal.url),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let test = store.test_connection(&account.id, None).await.unwrap();
    let leaked = test.message.contains("INTERNAL-7f3a") || test.message.contains("hunter2");
    attacks.record(
        "test_connection against an internal HTTP service",
        format!(
            "status {:?}, code {:?}, message {:?}",
            test.status, test.code, test.message
        ),
        format!("{} connection(s)", internal.connections()),
        !test.ok && test.status == Some(500) && !leaked,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_store_attack_is_refused() {
    let mut attacks = Attacks::new();
    edited_fields(&mut attacks).await;
    rolled_back_ciphertext(&mut attacks).await;
    tokio::task::block_in_place(|| {
        key_race_threads(&mut attacks);
        key_race_processes(&mut attacks);
        missing_key_file(&mut attacks);
        link_local_destinations(&mut attacks);
    });
    destination_change_without_secret(&mut attacks).await;
    test_reads_no_body(&mut attacks).await;
    let total = attacks.table.len();
    let broken = attacks.failures.len();
    attacks.table.publish(
        "store-attacks.md",
        &format!("{} of {total} attacks held", total - broken),
    );
    assert!(attacks.failures.is_empty(), "{:#?}", attacks.failures);
}
