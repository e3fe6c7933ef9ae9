//! `wawi register`: the two-step flow against the emulator.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{exit, run, Harness};

fn register(h: &Harness, extra: &[&str]) -> std::process::Command {
    let base = h.emu.wawi_base();
    let mut args = vec![
        "wawi",
        "register",
        "--base-url",
        &base,
        "--tenant-id",
        jtl_emulator::config::DEMO_TENANT_ID,
        "--name",
        "CLI Test",
        "--scopes",
        "items.read,customers.read",
        "--description",
        "The CLI's tests",
        "--provider-name",
        "Example",
        "--provider-website",
        "https://example.com",
    ];
    if !extra.contains(&"--app-id") {
        args.extend(["--app-id", "com.example.cli-test"]);
    }
    args.extend_from_slice(extra);
    // Quick polls and a bounded wait, unless the test sets them.
    for (flag, value) in [("--poll-interval", "0.1"), ("--timeout", "20")] {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    h.cmd(&args)
}

/// No API key (a UUID, facts §5.2) is printed: the only UUIDs allowed are the tenant's and
/// the registration request ids.
fn no_api_key(h: &Harness, output: &crate::support::Run) {
    let allowed: Vec<String> = h
        .emu
        .wawi_registrations()
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .chain([jtl_emulator::config::DEMO_TENANT_ID.to_owned()])
        .chain(
            run(h.cmd(&["--json", "accounts", "list"]))
                .expect(exit::OK)
                .json()
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["id"].as_str().map(str::to_owned)),
        )
        .collect();
    for stream in [&output.stdout, &output.stderr] {
        for word in stream.split(|c: char| !(c.is_ascii_hexdigit() || c == '-')) {
            let is_uuid = word.len() == 36
                && word.char_indices().all(|(i, c)| match i {
                    8 | 13 | 18 | 23 => c == '-',
                    _ => c.is_ascii_hexdigit(),
                });
            if is_uuid {
                assert!(
                    allowed.iter().any(|a| a == word),
                    "an API key was printed:\n{stream}"
                );
            }
        }
    }
}

#[test]
fn register_stores_an_account() {
    let h = Harness::new();
    h.emu
        .update_settings(json!({"wawi_auto_approve_ms": 200}))
        .unwrap();
    let done = crate::support::run(register(&h, &["--account-name", "erp"])).expect(exit::OK);
    no_api_key(&h, &done);
    assert!(
        done.stdout.contains("com.example.cli-test"),
        "{}",
        done.stdout
    );
    assert!(
        done.stdout.contains("items.read, customers.read"),
        "{}",
        done.stdout
    );
    assert!(
        done.stderr.contains("Admin → App registration"),
        "{}",
        done.stderr
    );

    let listed = run(h.cmd(&["--json", "accounts", "list"]))
        .expect(exit::OK)
        .json();
    let account = &listed[0];
    assert_eq!(account["system"], "jtl-wawi");
    assert_eq!(account["name"], "erp");
    assert_eq!(account["fields"]["app_id"], "com.example.cli-test");
    assert_eq!(
        account["fields"]["base_url"],
        h.emu.wawi_base().trim_end_matches('/')
    );

    // The stored key works.
    let items = run(h.cmd(&[
        "--account",
        "erp",
        "request",
        "GET",
        "v1/items",
        "-q",
        "pageSize=1",
    ]))
    .expect(exit::OK);
    assert_eq!(items.json()["TotalItems"], 60);
    // The answer itself is the server's data (its rows carry UUIDs of their own); what this
    // command adds is on stderr, and it must not show the key.
    assert!(
        !items.stderr.to_ascii_lowercase().contains("api_key"),
        "{}",
        items.stderr
    );

    // --json; the account name defaults to --name.
    // A second app (JTL answers 409 for an AppId already registered, facts §5.1).
    let json = crate::support::run(register(&h, &["--json", "--app-id", "com.example.cli-2"]))
        .expect(exit::OK);
    no_api_key(&h, &json);
    let value = json.json();
    assert_eq!(value["account"]["name"], "CLI Test");
    assert_eq!(
        value["granted_scopes"],
        json!(["items.read", "customers.read"])
    );
    assert!(json.stderr.is_empty(), "{}", json.stderr);

    // The same account name again is refused before a new registration is requested.
    let before = h.emu.wawi_registrations().len();
    let taken = crate::support::run(register(&h, &["--account-name", "erp"])).expect(exit::INPUT);
    assert!(
        taken.stderr.starts_with("error [conflict]:"),
        "{}",
        taken.stderr
    );
    assert_eq!(h.emu.wawi_registrations().len(), before);
}

#[test]
fn a_rejected_registration_is_an_auth_error() {
    let h = Harness::new();
    h.emu
        .update_settings(json!({"wawi_auto_approve_ms": null}))
        .unwrap();
    let child = register(&h, &[])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let id = loop {
        let pending = h.emu.wawi_registrations();
        if let Some(r) = pending.first() {
            break r["id"].as_str().unwrap().to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no registration arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    h.emu.reject_wawi_registration(&id).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(exit::AUTH), "{stderr}");
    assert!(
        stderr.contains("error [registration_rejected]:"),
        "{stderr}"
    );
    let listed = run(h.cmd(&["--json", "accounts", "list"]))
        .expect(exit::OK)
        .json();
    assert_eq!(listed, json!([]));
}

#[test]
fn bad_registration_input() {
    let h = Harness::new();
    run(register(&h, &["--poll-interval", "0"])).expect(exit::INPUT);
    run(register(&h, &["--account-name", " "])).expect(exit::INPUT);
    run(h.cmd(&[
        "wawi",
        "register",
        "--base-url",
        "not a url",
        "--tenant-id",
        jtl_emulator::config::DEMO_TENANT_ID,
        "--app-id",
        "a",
        "--name",
        "n",
    ]))
    .expect(exit::INPUT);
    run(h.cmd(&["wawi", "register", "--app-id", "a", "--name", "n"])).expect(exit::USAGE);
    // The fields JTL requires are checked before any request (facts §5.1).
    let base = h.emu.wawi_base();
    let bare = run(h.cmd(&[
        "wawi",
        "register",
        "--base-url",
        &base,
        "--tenant-id",
        jtl_emulator::config::DEMO_TENANT_ID,
        "--app-id",
        "a",
        "--name",
        "n",
    ]))
    .expect(exit::INPUT);
    for field in [
        "description",
        "provider_name",
        "provider_website",
        "mandatory_scopes",
    ] {
        assert!(bare.stderr.contains(field), "{field}: {}", bare.stderr);
    }
    run(register(&h, &["--registration-path", "v9"])).expect(exit::INPUT);
    assert_eq!(h.emu.wawi_registrations().len(), 0);
    // Not approved within the timeout: a timeout is an API-side failure.
    h.emu
        .update_settings(json!({"wawi_auto_approve_ms": null}))
        .unwrap();
    let slow = run(register(&h, &["--timeout", "0.3"])).expect(exit::API);
    assert!(
        slow.stderr.contains("\nerror [timeout]:"),
        "{}",
        slow.stderr
    );
}

#[test]
fn v2_registration_and_402_without_licence() {
    let h = Harness::new();
    h.emu
        .update_settings(json!({"wawi_auto_approve_ms": 100}))
        .unwrap();
    let done = run(register(
        &h,
        &["--registration-path", "v2", "--account-name", "v2"],
    ))
    .expect(exit::OK);
    no_api_key(&h, &done);
    h.emu
        .update_settings(json!({"wawi_licensed": false}))
        .unwrap();
    let refused = run(register(
        &h,
        &["--app-id", "com.example.unlicensed", "--account-name", "x"],
    ))
    .expect(exit::API);
    assert!(refused.stderr.contains("no licence"), "{}", refused.stderr);
}
