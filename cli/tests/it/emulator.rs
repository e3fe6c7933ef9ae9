//! `emulator`: first line `listening on http://127.0.0.1:<port>`, then it serves.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
};

use crate::support::{exit, run, Harness, BIN};

#[test]
fn prints_the_first_line_and_serves() {
    let h = Harness::new();
    let mut child = Command::new(BIN)
        .args(["emulator", "--port", "0"])
        .env_remove("JTL_EMULATOR_PORT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let url = first
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);

    // The CLI itself, pointed at the emulator it started, with the demo credentials.
    let mut request = h.cmd(&["request", "GET", "info"]);
    request
        .env("JTL_CLIENT_ID", "demo-client-id")
        .env("JTL_CLIENT_SECRET", "demo-client-secret")
        .env("JTL_TENANT_ID", crate::support::TENANT)
        .env("JTL_ENVIRONMENT", &url);
    let outcome = run(request);
    child.kill().unwrap();
    child.wait().unwrap();
    let info = outcome.expect(exit::OK).json();
    assert_eq!(info["emulated"], true);
}

#[test]
fn json_mode_keeps_the_first_line() {
    let mut child = Command::new(BIN)
        .args([
            "--json",
            "emulator",
            "--port",
            "0",
            "--wawi-auto-approve",
            "0",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let (mut first, mut second) = (String::new(), String::new());
    stdout.read_line(&mut first).unwrap();
    stdout.read_line(&mut second).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first.starts_with("listening on http://127.0.0.1:"),
        "{first}"
    );
    let value: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(
        value["url"],
        first.trim_end().trim_start_matches("listening on ")
    );
    assert_eq!(value["client_id"], "demo-client-id");

    // A non-loopback host is refused.
    let refused = Command::new(BIN)
        .args(["emulator", "--port", "0", "--host", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(exit::INPUT));
}

/// Issue 17: `jtl-connect emulator --child` is what `jtl_connect.testing.Emulator` and
/// `startEmulator()` run when only the CLI is installed: one JSON line with the demo values,
/// and it ends when its stdin does.
#[test]
fn child_mode_prints_the_demo_values_and_ends_with_stdin() {
    let mut child = Command::new(BIN)
        .args(["emulator", "--child", "--options-json", r#"{"port": 0}"#])
        .env_remove("JTL_EMULATOR_PORT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let demo: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(
        demo["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:"),
        "{demo}"
    );
    assert_eq!(demo["client_id"], "demo-client-id");
    drop(child.stdin.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after stdin closed"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}
