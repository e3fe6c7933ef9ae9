//! The account store and the shared token cache, SQLite next to PostgreSQL (run inside
//! scripts/postgres.sh, which sets `JTL_CONNECT_TEST_PG`; `make bench-rust` does):
//!
//! - `store/{sqlite,postgres}_get`, `_list`: `AccountStore::get` / `list` of 20 accounts;
//! - `token/shared_cold_get`: what another process pays for a token another one already
//!   fetched: a client with an empty in-process cache reads it from PostgreSQL (no request
//!   to JTL; the emulator's token counter stays at 1);
//! - `token/shared_hit`: `access_token` of a client whose in-process cache holds the token
//!   (the same nanoseconds as without a shared cache).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::{path::Path, process::Command, time::Duration};

use criterion::Criterion;
use jtl_connect::{
    AccountStore, ClientCredentials, CloudClient, Endpoints, SharedTokenCache, System,
};
use jtl_emulator::{Emulator, Service};

const KEY: [u8; 32] = [3; 32];

fn fresh_database() -> String {
    let server = std::env::var("JTL_CONNECT_TEST_PG").expect(
        "JTL_CONNECT_TEST_PG is not set: run through scripts/postgres.sh (make bench-rust does)",
    );
    let name = format!("jtl_bench_{}", std::process::id());
    let ok = Command::new("psql")
        .args([&server, "-qc", &format!("CREATE DATABASE {name}")])
        .status()
        .expect("psql")
        .success();
    assert!(ok, "CREATE DATABASE");
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

fn filled(path: &Path) -> (AccountStore, String) {
    let store = AccountStore::open_with_master_key(path, &KEY).unwrap();
    let mut id = String::new();
    for i in 0..20 {
        id = store
            .add(
                System::Scx,
                &format!("channel {i}"),
                &[("refresh_token", "rt-bench-0123456789")],
            )
            .unwrap()
            .id;
    }
    (store, id)
}

fn main() {
    let mut c = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(Emulator::start()).unwrap();
    let db = fresh_database();
    let dir = std::env::temp_dir().join(format!("jtl-bench-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("accounts.db");

    let mut group = c.benchmark_group("store");
    for (name, path) in [("sqlite", file.as_path()), ("postgres", Path::new(&db))] {
        let (store, id) = filled(path);
        group.bench_function(format!("{name}_get"), |b| {
            b.iter(|| store.get(&id).unwrap())
        });
        group.bench_function(format!("{name}_list"), |b| b.iter(|| store.list().unwrap()));
    }
    group.finish();

    let cache = SharedTokenCache::open_with_master_key(&db, &KEY).unwrap();
    let client = || {
        CloudClient::builder(ClientCredentials::new(emu.client_id(), emu.client_secret()).unwrap())
            .endpoints(Endpoints::emulator(emu.url()).unwrap())
            .shared_token_cache(cache.clone())
            .build()
            .unwrap()
    };
    let warm = client();
    runtime.block_on(warm.access_token()).unwrap();
    let mut group = c.benchmark_group("token");
    group.bench_function("shared_cold_get", |b| {
        b.iter(|| runtime.block_on(client().access_token()).unwrap())
    });
    group.bench_function("shared_hit", |b| {
        b.iter(|| runtime.block_on(warm.access_token()).unwrap())
    });
    group.finish();
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "every cold get read the shared row"
    );
    c.final_summary();
    let _ = std::fs::remove_dir_all(&dir);
}
