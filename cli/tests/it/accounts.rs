//! `accounts add|list|edit|delete|test`.

use serde_json::Value;

use crate::support::{exit, run, run_with, Harness, CLIENT_ID, CLIENT_SECRET, SECOND_TENANT};

#[test]
fn add_list_edit_delete_round_trip() {
    let h = Harness::new();
    let added = h.add_cloud_account("shop", CLIENT_SECRET).expect(exit::OK);
    added.no_secret(CLIENT_SECRET);
    assert!(
        added.stdout.contains("added jtl-cloud account \"shop\""),
        "{}",
        added.stdout
    );

    let list = run(h.cmd(&["accounts", "list"])).expect(exit::OK);
    list.no_secret(CLIENT_SECRET);
    assert!(
        list.stdout.contains("jtl-cloud") && list.stdout.contains("shop"),
        "{}",
        list.stdout
    );
    assert!(list.stdout.contains(&format!("client_id={CLIENT_ID}")));

    let listed = run(h.cmd(&["--json", "accounts", "list"])).expect(exit::OK);
    let accounts = listed.json();
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["system"], "jtl-cloud");
    assert_eq!(accounts[0]["name"], "shop");
    assert_eq!(accounts[0]["fields"]["client_id"], CLIENT_ID);
    assert!(accounts[0].get("client_secret").is_none());
    let id = accounts[0]["id"].as_str().unwrap().to_owned();

    let edited = run(h.cmd(&[
        "--json",
        "accounts",
        "edit",
        "shop",
        "--rename",
        "main-shop",
        "--tenant-id",
        SECOND_TENANT,
    ]))
    .expect(exit::OK);
    edited.no_secret(CLIENT_SECRET);
    let account = edited.json();
    assert_eq!(account["id"], id.as_str());
    assert_eq!(account["name"], "main-shop");
    assert_eq!(account["fields"]["tenant_id"], SECOND_TENANT);

    // The stored secret still works after the edit, and the new tenant is used.
    let info = run(h.cmd(&["--account", "main-shop", "request", "GET", "info"])).expect(exit::OK);
    assert_eq!(info.json()["tenantId"], SECOND_TENANT);

    // Nothing to change is an input error.
    run(h.cmd(&["accounts", "edit", "main-shop"])).expect(exit::INPUT);

    let deleted =
        run(h.cmd(&["--json", "accounts", "delete", "main-shop", "--yes"])).expect(exit::OK);
    assert_eq!(deleted.json()["deleted"], true);
    let empty = run(h.cmd(&["--json", "accounts", "list"])).expect(exit::OK);
    assert_eq!(empty.json(), Value::Array(vec![]));
    run(h.cmd(&["accounts", "delete", "main-shop", "--yes"])).expect(exit::INPUT);
}

#[test]
fn add_refuses_bad_input() {
    let h = Harness::new();
    let url = h.emu.url().to_owned();

    let unknown = run_with(
        h.cmd(&["accounts", "add", "jtl-nothing", "x", "--secret-stdin"]),
        "s3cret-value\n",
    )
    .expect(exit::INPUT);
    assert!(
        unknown.stderr.starts_with("error [invalid_input]: system:"),
        "{}",
        unknown.stderr
    );

    let missing = run_with(
        h.cmd(&[
            "accounts",
            "add",
            "jtl-cloud",
            "x",
            "--environment",
            &url,
            "--secret-stdin",
        ]),
        "s3cret-value\n",
    )
    .expect(exit::INPUT);
    assert!(missing.stderr.contains("client_id"), "{}", missing.stderr);
    missing.no_secret("s3cret-value");

    // Without --secret-stdin and without a terminal, a missing field is still reported
    // first: the fields are checked before the secret is asked for.
    let before_prompt = run_with(
        h.cmd(&["accounts", "add", "jtl-cloud", "x", "--environment", &url]),
        "",
    )
    .expect(exit::INPUT);
    assert!(
        before_prompt
            .stderr
            .starts_with("error [invalid_input]: client_id"),
        "{}",
        before_prompt.stderr
    );

    let foreign = run_with(
        h.cmd(&[
            "accounts",
            "add",
            "jtl-wawi",
            "x",
            "--client-id",
            "a",
            "--secret-stdin",
        ]),
        "s3cret-value\n",
    )
    .expect(exit::INPUT);
    assert!(
        foreign
            .stderr
            .contains("client_id: not a field of jtl-wawi"),
        "{}",
        foreign.stderr
    );

    // A secret as an argument is refused, before anything is stored.
    let argv = run(h.cmd(&[
        "accounts",
        "add",
        "jtl-cloud",
        "x",
        "--client-id",
        "a",
        "--field",
        "client_secret=oops-in-argv",
    ]))
    .expect(exit::INPUT);
    assert!(
        argv.stderr.contains("never taken from the command line"),
        "{}",
        argv.stderr
    );

    // No terminal and no --secret-stdin: the secret cannot be asked for.
    let no_tty =
        run(h.cmd(&["accounts", "add", "jtl-cloud", "x", "--client-id", "a"])).expect(exit::INPUT);
    assert!(
        no_tty.stderr.contains("--secret-stdin"),
        "{}",
        no_tty.stderr
    );

    let empty = run_with(
        h.cmd(&[
            "accounts",
            "add",
            "jtl-cloud",
            "x",
            "--client-id",
            "a",
            "--secret-stdin",
        ]),
        "\n",
    )
    .expect(exit::INPUT);
    assert!(empty.stderr.contains("empty"), "{}", empty.stderr);

    let bad_field = run_with(
        h.cmd(&[
            "--json",
            "accounts",
            "add",
            "jtl-cloud",
            "x",
            "--client-id",
            "a",
            "--field",
            "novalue",
            "--secret-stdin",
        ]),
        "s3cret-value\n",
    )
    .expect(exit::INPUT);
    assert_eq!(bad_field.error_json()["error"]["code"], "invalid_input");

    h.add_cloud_account("shop", CLIENT_SECRET).expect(exit::OK);
    let taken = h
        .add_cloud_account("shop", CLIENT_SECRET)
        .expect(exit::INPUT);
    assert!(
        taken.stderr.starts_with("error [conflict]:"),
        "{}",
        taken.stderr
    );

    let listed = run(h.cmd(&["--json", "accounts", "list"])).expect(exit::OK);
    assert_eq!(
        listed.json().as_array().unwrap().len(),
        1,
        "only the good account was stored"
    );
}

#[test]
fn test_reports_ok_and_a_wrong_secret() {
    let h = Harness::new();
    h.add_cloud_account("good", CLIENT_SECRET).expect(exit::OK);
    let ok = run(h.cmd(&["accounts", "test", "good"])).expect(exit::OK);
    assert!(
        ok.stdout.starts_with("ok: jtl-cloud account \"good\""),
        "{}",
        ok.stdout
    );

    let wrong = "definitely-not-the-secret-42";
    h.add_cloud_account("bad", wrong).expect(exit::OK);
    let failed = run(h.cmd(&["accounts", "test", "bad"])).expect(exit::AUTH);
    assert!(
        failed.stderr.starts_with("error [invalid_credentials]:"),
        "{}",
        failed.stderr
    );
    failed.no_secret(wrong).no_secret(CLIENT_SECRET);

    let json = run(h.cmd(&["--json", "accounts", "test", "bad"])).expect(exit::AUTH);
    let result = json.json();
    assert_eq!(result["ok"], false);
    assert_eq!(result["code"], "invalid_credentials");
    assert_eq!(result["account"]["name"], "bad");
    assert_eq!(json.error_json()["error"]["exit_code"], exit::AUTH);
    json.no_secret(wrong);

    // Changing the secret through stdin fixes it.
    run_with(
        h.cmd(&["accounts", "edit", "bad", "--secret-stdin"]),
        &format!("{CLIENT_SECRET}\n"),
    )
    .expect(exit::OK)
    .no_secret(CLIENT_SECRET);
    run(h.cmd(&["accounts", "test", "bad"])).expect(exit::OK);

    // A tenant the client may not use: forbidden is an authentication failure.
    let forbidden = run(h.cmd(&[
        "accounts",
        "test",
        "good",
        "--tenant",
        crate::support::FOREIGN_TENANT,
    ]))
    .expect(exit::AUTH);
    assert!(
        forbidden.stderr.starts_with("error [forbidden]:"),
        "{}",
        forbidden.stderr
    );
}

#[test]
fn unknown_and_ambiguous_accounts_are_input_errors() {
    let h = Harness::new();
    let unknown = run(h.cmd(&["--account", "nope", "request", "GET", "info"])).expect(exit::INPUT);
    assert!(
        unknown.stderr.contains("no stored account named \"nope\""),
        "{}",
        unknown.stderr
    );
    run(h.cmd(&["accounts", "test", "nope"])).expect(exit::INPUT);
    run(h.cmd(&["accounts", "edit", "nope", "--rename", "x"])).expect(exit::INPUT);

    h.add_cloud_account("shop", CLIENT_SECRET).expect(exit::OK);
    h.add_wawi_account("shop").expect(exit::OK);
    let ambiguous =
        run(h.cmd(&["--account", "shop", "request", "GET", "info"])).expect(exit::INPUT);
    assert!(
        ambiguous.stderr.contains("ambiguous"),
        "{}",
        ambiguous.stderr
    );
    assert!(
        ambiguous.stderr.contains("jtl-cloud:shop"),
        "{}",
        ambiguous.stderr
    );

    run(h.cmd(&["--account", "jtl-cloud:shop", "request", "GET", "info"])).expect(exit::OK);
    let wawi =
        run(h.cmd(&["--account", "jtl-wawi:shop", "request", "GET", "v1/items"])).expect(exit::OK);
    assert_eq!(wawi.json()["TotalItems"], 60);

    // The id works too.
    let listed = run(h.cmd(&["--json", "accounts", "list"]))
        .expect(exit::OK)
        .json();
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    run(h.cmd(&["--account", &id, "token"])).expect(exit::OK);

    // --env cannot re-point a stored account; --tenant is for Cloud accounts only.
    run(h.cmd(&["--account", "jtl-cloud:shop", "--env", "beta", "token"])).expect(exit::INPUT);
    run(h.cmd(&[
        "--account",
        "jtl-wawi:shop",
        "request",
        "GET",
        "v1/items",
        "--tenant",
        "t",
    ]))
    .expect(exit::INPUT);
}

#[test]
fn wawi_and_scx_accounts_reach_their_services() {
    let h = Harness::new();
    h.add_wawi_account("erp")
        .expect(exit::OK)
        .no_secret(h.emu.wawi_api_key());
    let tested = run(h.cmd(&["accounts", "test", "erp"])).expect(exit::OK);
    assert!(
        tested.stdout.contains("API key accepted"),
        "{}",
        tested.stdout
    );

    let refresh = h.emu.issue_scx_refresh_token();
    let url = h.emu.url().to_owned();
    run_with(
        h.cmd(&[
            "accounts",
            "add",
            "jtl-scx",
            "market",
            "--environment",
            &url,
            "--secret-stdin",
        ]),
        &format!("{refresh}\n"),
    )
    .expect(exit::OK)
    .no_secret(&refresh);
    run(h.cmd(&["accounts", "test", "market"]))
        .expect(exit::OK)
        .no_secret(&refresh);
    h.emu.push_scx_event(
        "Seller:Order.Accepted",
        serde_json::json!({"orderId": "A-1"}),
    );
    let events =
        run(h.cmd(&["--account", "market", "request", "GET", "channel/event"])).expect(exit::OK);
    assert_eq!(events.json()["eventList"][0]["event"]["orderId"], "A-1");
    let token = run(h.cmd(&["--json", "--account", "market", "token"])).expect(exit::OK);
    assert_eq!(token.json()["fingerprint"].as_str().unwrap().len(), 8);

    // `--env` is the default environment of a new account.
    run_with(
        h.cmd(&[
            "--env",
            &url,
            "accounts",
            "add",
            "jtl-scx",
            "market2",
            "--secret-stdin",
        ]),
        &format!("{refresh}\n"),
    )
    .expect(exit::OK);
    run(h.cmd(&["accounts", "test", "market2"])).expect(exit::OK);
}

#[test]
fn delete_needs_yes_without_a_terminal() {
    let h = Harness::new();
    h.add_wawi_account("erp").expect(exit::OK);
    let refused = run(h.cmd(&["accounts", "delete", "erp"])).expect(exit::INPUT);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    run(h.cmd(&["accounts", "delete", "erp", "-y"])).expect(exit::OK);
}

#[test]
fn a_wrong_master_key_is_a_config_error() {
    let h = Harness::new();
    h.add_wawi_account("erp").expect(exit::OK);
    let other_key = "ab".repeat(32);
    let mut cmd = h.cmd(&["accounts", "list"]);
    cmd.env("JTL_CONNECT_MASTER_KEY", &other_key);
    let failed = run(cmd).expect(exit::INPUT);
    assert!(
        failed.stderr.starts_with("error [config]:"),
        "{}",
        failed.stderr
    );
    failed.no_secret(&other_key);
    // The database was not changed: the right key still opens it.
    run(h.cmd(&["accounts", "test", "erp"])).expect(exit::OK);
    // --db points elsewhere: a new, empty store.
    let other = h.dir.join("other.db");
    let listed = run(h.cmd(&[
        "--json",
        "--db",
        other.to_str().unwrap(),
        "accounts",
        "list",
    ]))
    .expect(exit::OK);
    assert_eq!(listed.json(), Value::Array(vec![]));
}

#[test]
fn edit_asks_for_the_secret_again_when_the_destination_moves() {
    let h = Harness::new();
    h.add_wawi_account("erp").expect(exit::OK);
    let elsewhere = "http://192.168.0.5:5883/api/eazybusiness";
    // No terminal and no --secret-stdin: refused before anything changes.
    let refused =
        run(h.cmd(&["accounts", "edit", "erp", "--base-url", elsewhere])).expect(exit::INPUT);
    assert!(refused.stderr.contains("api_key"), "{}", refused.stderr);
    assert!(
        refused.stderr.contains("base_url changes"),
        "{}",
        refused.stderr
    );
    run(h.cmd(&["accounts", "test", "erp"])).expect(exit::OK);
    // The same base URL again, or another field, needs no secret.
    let base = h.emu.wawi_base();
    run(h.cmd(&[
        "accounts",
        "edit",
        "erp",
        "--base-url",
        &base,
        "--app-version",
        "2",
    ]))
    .expect(exit::OK);
    // With the secret on stdin the move is made.
    let moved = run_with(
        h.cmd(&[
            "--json",
            "accounts",
            "edit",
            "erp",
            "--base-url",
            elsewhere,
            "--secret-stdin",
        ]),
        "another-key\n",
    )
    .expect(exit::OK);
    assert_eq!(moved.json()["fields"]["base_url"], elsewhere);
    // Link-local destinations are refused.
    let metadata = run_with(
        h.cmd(&[
            "accounts",
            "edit",
            "erp",
            "--base-url",
            "http://169.254.169.254/latest",
            "--secret-stdin",
        ]),
        "k\n",
    )
    .expect(exit::INPUT);
    assert!(
        metadata.stderr.contains("link-local"),
        "{}",
        metadata.stderr
    );
}

#[test]
fn rotate_key_reseals_under_a_new_key() {
    let h = Harness::new();
    h.add_wawi_account("erp").expect(exit::OK);
    // The key is from the environment: the new one must be given.
    run(h.cmd(&["accounts", "rotate-key"])).expect(exit::INPUT);
    let new_key = "cd".repeat(32);
    let rotated = run_with(
        h.cmd(&["--json", "accounts", "rotate-key", "--new-key-stdin"]),
        &format!("{new_key}\n"),
    )
    .expect(exit::OK);
    rotated.no_secret(&new_key);
    assert_eq!(rotated.json()["generation"], 2);
    assert_eq!(rotated.json()["resealed"], 1);
    run(h.cmd(&["accounts", "list"])).expect(exit::INPUT);
    let mut cmd = h.cmd(&["accounts", "test", "erp"]);
    cmd.env("JTL_CONNECT_MASTER_KEY", &new_key);
    run(cmd).expect(exit::OK);
}
