//! The store crash test: a separate process (`store-writer`) adds and updates accounts in a
//! loop, printing each one right after its commit; it is killed with SIGKILL at a random
//! moment, 20 times in a row on the same database. After every kill the database must open
//! (same master key), pass SQLite's integrity check, and hold every account whose commit was
//! printed, with every printed update applied.

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Read},
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use jtl_connect::AccountStore;
use jtl_connect_reliability::report::Table;
use rand::Rng;

const RUNS: usize = 20;
/// Every fourth run is killed a few milliseconds after start, possibly while it opens the
/// store or migrates the schema, without waiting for a first commit.
const EARLY_EVERY: usize = 4;

pub(crate) struct Run {
    pub(crate) added: BTreeSet<String>,
    pub(crate) updated: BTreeSet<String>,
    pub(crate) killed_after: Duration,
}

/// Starts a writer, kills it at a random moment, returns what it printed (`db` a file or a
/// PostgreSQL URL: tests/it/postgres.rs runs the same test on PostgreSQL).
pub(crate) fn write_and_kill(db: &Path, key: &str, run: usize) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_store-writer"))
        .arg(db)
        .arg(run.to_string())
        .env("JTL_CONNECT_MASTER_KEY", key)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("store-writer starts");
    let started = Instant::now();
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut rng = rand::thread_rng();
    let mut printed = Vec::new();
    if run % EARLY_EVERY == EARLY_EVERY - 1 {
        thread::sleep(Duration::from_millis(rng.gen_range(0..40)));
    } else {
        // Wait until it writes, then let it write for a random while.
        match received.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => printed.push(line),
            Err(_) => {
                let _ = child.kill();
                let mut stderr = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
                panic!("run {run}: the writer committed nothing within 30 s: {stderr}");
            }
        }
        thread::sleep(Duration::from_millis(rng.gen_range(0..250)));
    }
    // `Child::kill` is SIGKILL on unix: no destructor, no flush, no checkpoint.
    child.kill().expect("kill -9");
    let killed_after = started.elapsed();
    child.wait().unwrap();
    reader.join().unwrap();
    printed.extend(received.try_iter());
    let mut added = BTreeSet::new();
    let mut updated = BTreeSet::new();
    for line in printed {
        match line.split_once(' ') {
            Some(("added", name)) => {
                added.insert(name.to_owned());
            }
            Some(("updated", name)) => {
                updated.insert(name.to_owned());
            }
            // A line cut off by the kill names nothing committed for sure.
            _ => {}
        }
    }
    Run {
        added,
        updated,
        killed_after,
    }
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get::<_, String>(0))
        .unwrap()
}

#[test]
fn killed_writers_lose_no_committed_account() {
    let dir = std::env::temp_dir().join(format!(
        "jtl-store-crash-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("accounts.db");
    let key_bytes: [u8; 32] = rand::random();
    let key = STANDARD.encode(key_bytes);

    let mut table = Table::new(
        "Store crash test (kill -9 of a writing process)",
        &[
            "run",
            "killed after ms",
            "commits printed (adds / updates)",
            "accounts in the database",
            "integrity",
            "result",
        ],
    );
    let mut committed: BTreeSet<String> = BTreeSet::new();
    let mut updated: BTreeSet<String> = BTreeSet::new();
    let mut failures = Vec::new();
    for run in 0..RUNS {
        let outcome = write_and_kill(&db, &key, run);
        committed.extend(outcome.added.iter().cloned());
        updated.extend(outcome.updated.iter().cloned());

        let mut problems = Vec::new();
        // An early kill may come before the file exists; then there is nothing to check.
        let integrity = if db.exists() {
            integrity(&db)
        } else {
            "(no file yet)".to_owned()
        };
        if db.exists() && integrity != "ok" {
            problems.push(format!("integrity_check: {integrity}"));
        }
        let accounts = match AccountStore::open_with_master_key(&db, &key_bytes)
            .and_then(|store| store.list())
        {
            Ok(accounts) => accounts,
            Err(e) => {
                problems.push(format!("the store does not open: {e}"));
                Vec::new()
            }
        };
        let present: BTreeSet<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
        let missing: Vec<&String> = committed
            .iter()
            .filter(|name| !present.contains(name.as_str()))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("committed but missing: {missing:?}"));
        }
        let not_applied: Vec<&String> = updated
            .iter()
            .filter(|name| {
                !accounts.iter().any(|a| {
                    &a.name == *name && a.fields.get("app_version").map(String::as_str) == Some("2")
                })
            })
            .collect();
        if !not_applied.is_empty() {
            problems.push(format!("updates lost: {not_applied:?}"));
        }
        if let Some(account) = accounts.iter().find(|a| a.secret_hint.is_none()) {
            problems.push(format!("{} has no secret hint", account.name));
        }
        table.row([
            (run + 1).to_string(),
            outcome.killed_after.as_millis().to_string(),
            format!("{} / {}", outcome.added.len(), outcome.updated.len()),
            accounts.len().to_string(),
            integrity,
            if problems.is_empty() {
                "pass".to_owned()
            } else {
                format!("FAIL: {}", problems.join("; "))
            },
        ]);
        if !problems.is_empty() {
            failures.push(format!("run {}: {}", run + 1, problems.join("; ")));
        }
    }
    let summary = format!(
        "{RUNS} kills on one database; {} commits printed before the kills ({} adds, {} updates), all found afterwards unless listed; {} runs failed.",
        committed.len() + updated.len(),
        committed.len(),
        updated.len(),
        failures.len()
    );
    table.publish("store-crash.md", &summary);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        committed.len() >= RUNS,
        "only {} commits printed in {RUNS} runs: the writer barely wrote",
        committed.len()
    );
}
