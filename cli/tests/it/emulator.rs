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
