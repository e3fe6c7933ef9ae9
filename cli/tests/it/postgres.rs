//! `--db` / `JTL_CONNECT_DB` with a PostgreSQL URL, on the private cluster of
//! scripts/postgres.sh (`JTL_CONNECT_TEST_PG`; without it this test fails, it never skips).

use std::process::Command;

use jtl_emulator::Service;

use crate::support::{exit, run, run_with, Harness, CLIENT_ID, CLIENT_SECRET, TENANT};

fn fresh_database() -> String {
    let server = std::env::var("JTL_CONNECT_TEST_PG")
        .expect("JTL_CONNECT_TEST_PG is not set: run through scripts/postgres.sh (make test does)");
    let name = format!("jtl_cli_{}_{}", std::process::id(), uuid_like());
    let status = Command::new("psql")
        .args([&server, "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql (Debian package postgresql-client)");
    assert!(status.success());
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[test]
fn accounts_and_tokens_on_postgresql() {
    let h = Harness::new();
    let db = fresh_database();
    let url = h.emu.url().to_owned();
    let mut add = h.cmd(&[
        "--db",
        &db,
        "accounts",
        "add",
        "jtl-cloud",
        "pg-shop",
        "--client-id",
        CLIENT_ID,
        "--tenant-id",
        TENANT,
        "--environment",
        &url,
        "--secret-stdin",
    ]);
    add.env_remove("JTL_CONNECT_DB");
    run_with(add, &format!("{CLIENT_SECRET}\n")).expect(exit::OK);
    // Another process, the URL from JTL_CONNECT_DB: the account is listed.
    let mut list = h.cmd(&["--json", "accounts", "list"]);
    list.env("JTL_CONNECT_DB", &db);
    let listed = run(list).expect(exit::OK);
    listed.no_secret(CLIENT_SECRET);
    assert_eq!(listed.json()[0]["name"], "pg-shop");
    // Two processes, one token request: the store's clients share their token in the database.
    for _ in 0..2 {
        let mut token = h.cmd(&["--account", "pg-shop", "token"]);
        token.env("JTL_CONNECT_DB", &db);
        run(token).expect(exit::OK);
    }
    assert_eq!(h.emu.stats().get(Service::Token), 1);
    // Other schemes: an input error naming what was expected, never the password.
    let bad = run(h.cmd(&["--db", "mysql://u:hunter2@h/db", "accounts", "list"]));
    assert!(bad.stderr.contains("postgresql://"), "{}", bad.stderr);
    bad.no_secret("hunter2");
    bad.expect(exit::INPUT);
}
