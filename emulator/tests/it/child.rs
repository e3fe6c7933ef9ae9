//! What the test helpers of other languages rely on (issue 17: the emulator out of the wheel
//! and the addon): `POST /_emulator/control/{op}` runs exactly `Emulator::control`, and
//! `jtl-emulator --child --options-json` prints `Emulator::demo()` as one JSON line and
//! exits when its stdin reaches end of file.

use std::{
    io::{BufRead, BufReader, Write},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use jtl_emulator::{Case, Emulator};
use serde_json::{json, Value};

use crate::support::*;

async fn control(emu: &Emulator, op: &str, query: &str, body: &'static str) -> (u16, Value) {
    let response = http()
        .post(format!("{}/_emulator/control/{op}{query}", emu.url()))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    status_json(response).await
}

#[tokio::test]
async fn the_control_route_answers_what_emulator_control_answers() {
    let emu = start().await;
    let (status, body) = control(&emu, "settings", "?case=camel", "").await;
    assert_eq!(status, 200, "{body}");
    let direct = emu.control("settings", Value::Null, Case::Camel).unwrap();
    assert_eq!(body["result"], direct);
    assert!(body["result"]["tokenLifetimeSecs"].is_u64(), "{body}");

    let (_, body) = control(&emu, "current_kid", "", "").await;
    assert_eq!(body["result"], json!(emu.current_kid()));

    // Arguments in camelCase, as Node sends them; the token is really signed by the key.
    let (status, body) = control(
        &emu,
        "mintSessionToken",
        "?case=camel",
        r#"{"userId": "u-7", "ttlSeconds": 60}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["userId"], "u-7");
    assert_eq!(body["result"]["kid"], json!(emu.current_kid()));

    // State changes through the route are the emulator's own.
    let (status, body) = control(&emu, "update_settings", "", r#"{"rate_limit": 7}"#).await;
    assert_eq!((status, &body["result"]["rate_limit"]), (200, &json!(7)));
    assert_eq!(emu.settings().rate_limit, 7);
    let (_, body) = control(&emu, "demo", "", "").await;
    assert_eq!(body["result"], emu.demo());
}

#[tokio::test]
async fn control_errors_carry_the_code_and_the_bare_message() {
    let emu = start().await;
    let (status, body) = control(&emu, "no_such_op", "", "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_input"))
    );
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("unknown emulator operation \"no_such_op\""),
        "{message}"
    );

    let (status, body) = control(
        &emu,
        "approve_wawi_registration",
        "",
        r#"{"id": "no-such-registration"}"#,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );

    let (status, body) = control(&emu, "update_settings", "", r#"{"no_such": 1}"#).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_input")),
        "{body}"
    );

    let (status, body) = control(&emu, "stats", "?case=kebab", "").await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("snake or camel"),
        "{body}"
    );

    let (status, body) = control(&emu, "stats", "", "{not json").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_input")),
        "{body}"
    );
}

#[tokio::test]
async fn the_control_route_has_the_admin_guards() {
    let emu = start().await;
    let url = format!("{}/_emulator/control/stats", emu.url());
    let rebound = http()
        .post(&url)
        .header("host", "evil.example")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    let form = http()
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415);
    let get = http().get(&url).send().await.unwrap();
    assert_eq!(get.status(), 405);
}

fn child(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_jtl-emulator"))
        .args(args)
        .env_remove("JTL_EMULATOR_PORT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn first_line(child: &mut Child) -> Value {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"))
}

/// Waits up to 10 s for the child to exit; its exit code.
fn exit_code(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the emulator did not exit within 10 s");
}

#[tokio::test]
async fn child_mode_prints_the_demo_values_and_ends_with_stdin() {
    let mut emu = child(&[
        "--child",
        "--options-json",
        r#"{"port": 0, "settings": {"tokenLifetimeSecs": 42}}"#,
    ]);
    let demo = first_line(&mut emu);
    let url = demo["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{demo}");
    assert_eq!(demo["wawi_url"], json!(format!("{url}/api/eazybusiness")));
    assert_eq!(demo["client_id"], jtl_emulator::config::DEMO_CLIENT_ID);
    let mut keys: Vec<_> = demo.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    let expected = [
        "app_id",
        "app_issuer",
        "client_id",
        "client_secret",
        "customer_id",
        "foreign_tenant_id",
        "scx_refresh_token",
        "scx_seller_refresh_token",
        "second_tenant_id",
        "tenant_id",
        "url",
        "wawi_api_key",
        "wawi_url",
    ];
    assert_eq!(keys, expected, "the keys of Emulator::demo()");

    let response = http()
        .post(format!("{url}/_emulator/control/settings"))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    let (_, body) = status_json(response).await;
    assert_eq!(
        body["result"]["token_lifetime_secs"], 42,
        "the options' settings"
    );

    // The parent goes away: its end of the pipe closes.
    let mut stdin = emu.stdin.take().unwrap();
    stdin.flush().unwrap();
    drop(stdin);
    assert_eq!(exit_code(&mut emu), Some(0));
    assert!(
        http().get(format!("{url}/_emulator")).send().await.is_err(),
        "the port is closed"
    );
}

#[test]
fn child_mode_reports_bad_options_as_a_json_line() {
    let mut emu = child(&["--child", "--options-json", r#"{"prot": 0}"#]);
    let line = first_line(&mut emu);
    assert_eq!(line["error"], "invalid_input", "{line}");
    let message = line["message"].as_str().unwrap();
    assert!(message.contains("unknown option \"prot\""), "{message}");
    assert_eq!(exit_code(&mut emu), Some(1));

    let mut emu = child(&["--child", "--options-json", "[1"]);
    let line = first_line(&mut emu);
    assert_eq!(line["error"], "invalid_input", "{line}");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .starts_with("--options-json"),
        "{line}"
    );
    assert_eq!(exit_code(&mut emu), Some(1));
}

#[test]
fn options_json_and_the_flags_it_replaces_are_refused_together() {
    let emu = child(&["--options-json", "{}", "--port", "0"]);
    let out = emu.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}
