//! `jtl_connect::testing::EmulatorProcess`: the emulator binary as a child process, as the
//! Python and Node test helpers run it (issue 17). Needs the binary: `JTL_EMULATOR_BIN`, or
//! `target/debug/jtl-emulator` (built by the workspace's `cargo test`, or
//! `cargo build -p jtl-emulator`).

use std::{path::PathBuf, time::Duration};

use jtl_connect::{
    options::Case,
    testing::{EmulatorBinary, EmulatorProcess},
    ApiClient, ClientCredentials, CloudClient, Endpoints,
};
use serde_json::{json, Value};

fn binary() -> EmulatorBinary {
    let name = format!("jtl-emulator{}", std::env::consts::EXE_SUFFIX);
    // <dir>/<profile>/deps/it-<hash>: the profile this test was built with.
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf();
    let profile = profile_dir.file_name().unwrap().to_owned();
    let in_target = |dir: PathBuf| dir.join(&profile).join(&name);
    let candidates: Vec<PathBuf> = [
        std::env::var_os("JTL_EMULATOR_BIN").map(PathBuf::from),
        std::env::var_os("CARGO_TARGET_DIR").map(|d| in_target(d.into())),
        option_env!("CARGO_TARGET_DIR").map(|d| in_target(d.into())),
        Some(in_target(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
        )),
        // Without a separate build directory the binary is next to the test's.
        Some(profile_dir.join(&name)),
    ]
    .into_iter()
    .flatten()
    .filter(|p| !p.as_os_str().is_empty())
    .collect();
    let Some(path) = candidates.iter().find(|p| p.is_file()) else {
        panic!(
            "the emulator binary is missing (looked at {candidates:?}): run \
             `cargo build -p jtl-emulator` (the workspace's `cargo test` builds it) or set \
             JTL_EMULATOR_BIN"
        );
    };
    EmulatorBinary::find_in(Some(path.clone().into()), Default::default()).unwrap()
}

async fn start(options: Value) -> EmulatorProcess {
    EmulatorProcess::start_binary(binary(), options)
        .await
        .expect("the emulator starts")
}

/// Whether anything accepts connections at `url` (within 5 s of it stopping).
async fn closed_soon(url: &str) -> bool {
    let addr = url.trim_start_matches("http://").to_owned();
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(&addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_child_emulator_serves_the_core_and_answers_control() {
    let emu = start(json!({"port": 0, "settings": {"rate_limit": 3}})).await;
    assert!(emu.url().starts_with("http://127.0.0.1:"), "{}", emu.url());
    assert_eq!(emu.demo()["url"], json!(emu.url()));
    assert_eq!(emu.demo_in(Case::Camel)["clientId"], "demo-client-id");
    let settings = emu
        .control("settings", Value::Null, Case::Snake)
        .await
        .unwrap();
    assert_eq!(settings["rate_limit"], 3);

    let client = CloudClient::builder(
        ClientCredentials::new(
            emu.demo()["client_id"].as_str().unwrap(),
            emu.demo()["client_secret"].as_str().unwrap(),
        )
        .unwrap(),
    )
    .endpoints(Endpoints::emulator(emu.url()).unwrap())
    .tenant_id(emu.demo()["tenant_id"].as_str().unwrap())
    .build()
    .unwrap();
    assert_eq!(client.get("info").await.unwrap().status(), 200);
    let stats = emu
        .control("stats", Value::Null, Case::Camel)
        .await
        .unwrap();
    assert_eq!(
        (stats["token"].as_u64(), stats["api"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(stats["faultsServed"].is_u64(), "camelCase keys: {stats}");

    assert!(emu.running());
    emu.shutdown().await.unwrap();
    assert!(!emu.running());
    assert!(emu.pid().is_none());
    assert!(
        closed_soon(emu.url()).await,
        "the port is closed after shutdown"
    );
    emu.shutdown().await.unwrap(); // idempotent
    let error = emu
        .control("stats", Value::Null, Case::Snake)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "network", "{error}");
    assert!(error.to_string().contains("no longer running"), "{error}");
}

#[tokio::test]
async fn emulator_errors_keep_their_codes() {
    let error = EmulatorProcess::start_binary(binary(), json!({"prot": 0}))
        .await
        .unwrap_err();
    assert_eq!(error.code(), "invalid_input", "{error}");
    assert!(
        error.to_string().contains("unknown option \"prot\""),
        "{error}"
    );

    let emu = start(Value::Null).await;
    let unknown = emu
        .control("no_such_op", Value::Null, Case::Snake)
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), "invalid_input");
    assert!(
        unknown
            .to_string()
            .starts_with("unknown emulator operation"),
        "{unknown}"
    );
    let missing = emu
        .control(
            "approve_wawi_registration",
            json!({"id": "nope"}),
            Case::Snake,
        )
        .await
        .unwrap_err();
    assert_eq!(missing.code(), "not_found", "{missing}");
    let bad = emu
        .control("update_settings", json!({"no_such": 1}), Case::Camel)
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "invalid_input", "{bad}");
}

#[tokio::test]
async fn dropping_the_handle_kills_the_child() {
    let emu = start(Value::Null).await;
    let url = emu.url().to_owned();
    assert!(!refused(&url).await);
    drop(emu);
    assert!(closed_soon(&url).await, "the child was killed on drop");
}

async fn refused(url: &str) -> bool {
    tokio::net::TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .is_err()
}

#[cfg(unix)]
#[tokio::test]
async fn a_binary_that_is_not_the_emulator_is_a_clear_error() {
    let echo = EmulatorBinary {
        path: "/bin/echo".into(),
        prefix: Vec::new(),
    };
    let error = EmulatorProcess::start_binary(echo, Value::Null)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "config");
    let text = error.to_string();
    assert!(text.contains("/bin/echo did not start"), "{text}");
    assert!(text.contains("expected a JSON line with `url`"), "{text}");
    assert!(
        text.contains("cargo install --locked --path emulator"),
        "{text}"
    );
}
