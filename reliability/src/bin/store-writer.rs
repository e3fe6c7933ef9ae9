//! `store-writer <database> <run>`: adds accounts to an [`AccountStore`] until it is killed,
//! for the store crash test (`tests/it/store_crash.rs`).
//!
//! The master key comes from `JTL_CONNECT_MASTER_KEY`, as an app would give it. Right after
//! each commit the account's name is printed and stdout flushed (`added <name>`, and
//! `updated <name>` after its `app_version` was changed to `2`): whatever the test read before
//! its `kill -9` was committed, so it must be in the database afterwards.

use std::{
    io::{self, Write},
    path::PathBuf,
    process::ExitCode,
};

use jtl_connect::{AccountStore, System};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("store-writer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(run)) = (args.next(), args.next()) else {
        return Err("usage: store-writer <database> <run>".into());
    };
    let limit: u64 = match args.next() {
        Some(n) => n.parse().map_err(|_| format!("limit: not a number: {n}"))?,
        None => u64::MAX,
    };
    // The error code comes first, so the key-race test can tell `config` from the rest.
    let store = AccountStore::open(Some(&PathBuf::from(path)))
        .map_err(|e| format!("[{}] {e}", e.code()))?;
    let mut out = io::stdout().lock();
    for i in 0..limit {
        let name = format!("run{run}-{i}");
        // A long secret (so the store keeps a hint) that the test can recognise.
        let api_key = format!("wawi-crash-key-{run}-{i}-0123456789abcdef");
        let account = store
            .add(
                System::Wawi,
                &name,
                &[
                    ("base_url", "http://127.0.0.1:5883/api/eazybusiness"),
                    ("api_key", &api_key),
                    ("app_id", "crash-test/1.0.0"),
                    ("app_version", "1"),
                ],
            )
            .map_err(|e| e.to_string())?;
        writeln!(out, "added {name}")
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
        // Every third account is also changed, so updates (an IMMEDIATE transaction) are
        // interrupted too, not only single inserts.
        if i % 3 == 0 {
            store
                .update(&account.id, None, &[("app_version", "2")])
                .map_err(|e| e.to_string())?;
            writeln!(out, "updated {name}")
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
