//! `request METHOD PATH`: pretty JSON, `--json`, `--query`, `--tenant`, `--data`, errors.

use serde_json::json;

use crate::support::{
    exit, run, run_with, Harness, CLIENT_SECRET, FOREIGN_TENANT, SECOND_TENANT, TENANT,
};

#[test]
fn prints_pretty_json() {
    let h = Harness::new();
    let info = run(h.cloud(&["request", "GET", "info"])).expect(exit::OK);
    assert!(
        info.stdout.starts_with("{\n  \""),
        "pretty JSON: {}",
        info.stdout
    );
    assert_eq!(info.json()["tenantId"], TENANT);
    info.no_secret(CLIENT_SECRET);

    let other =
        run(h.cloud(&["request", "get", "/info", "--tenant", SECOND_TENANT])).expect(exit::OK);
    assert_eq!(other.json()["tenantId"], SECOND_TENANT);

    let page = run(h.cloud(&[
        "request",
        "GET",
        "items",
        "--query",
        "pageSize=5",
        "-q",
        "pageNumber=2",
    ]))
    .expect(exit::OK);
    let page = page.json();
    assert_eq!(page["pageNumber"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
}

#[test]
fn json_mode_gives_status_and_body() {
    let h = Harness::new();
    let body = json!({"sKU": "CLI-1", "name": "From the CLI", "price": 9.5}).to_string();
    let created =
        run(h.cloud(&["--json", "request", "POST", "items", "--data", &body])).expect(exit::OK);
    let created = created.json();
    assert_eq!(created["status"], 201);
    assert_eq!(created["body"]["sKU"], "CLI-1");
    let id = created["body"]["id"].as_str().unwrap().to_owned();
    assert!(created["location"]
        .as_str()
        .unwrap()
        .contains(&id.to_string()));

    // The body from stdin (@-) and from a file (@FILE).
    let patch = run_with(
        h.cloud(&["request", "PATCH", &format!("items/{id}"), "--data", "@-"]),
        r#"{"name": "Renamed"}"#,
    )
    .expect(exit::OK);
    assert_eq!(patch.json()["name"], "Renamed");
    let file = h.dir.join("body.json");
    std::fs::write(
        &file,
        json!({"sKU": "CLI-1", "name": "Twin", "price": 1}).to_string(),
    )
    .unwrap();
    let duplicate = run(h.cloud(&[
        "request",
        "POST",
        "items",
        "--data",
        &format!("@{}", file.display()),
    ]))
    .expect(exit::API);
    assert!(
        duplicate.stderr.starts_with("error [conflict]:"),
        "{}",
        duplicate.stderr
    );

    let deleted =
        run(h.cloud(&["--json", "request", "DELETE", &format!("items/{id}")])).expect(exit::OK);
    assert!(deleted.json()["status"].as_u64().unwrap() < 300);
}

#[test]
fn bad_input_is_an_input_error() {
    let h = Harness::new();
    let bad_json =
        run(h.cloud(&["request", "POST", "items", "--data", "{\"sku\": "])).expect(exit::INPUT);
    assert!(
        bad_json
            .stderr
            .starts_with("error [invalid_input]: --data: expected JSON"),
        "{}",
        bad_json.stderr
    );
    let as_json =
        run(h.cloud(&["--json", "request", "POST", "items", "--data", "nope"])).expect(exit::INPUT);
    let error = as_json.error_json();
    assert_eq!(error["error"]["code"], "invalid_input");
    assert_eq!(error["error"]["exit_code"], exit::INPUT);

    run(h.cloud(&[
        "request",
        "POST",
        "items",
        "--data",
        "@/nonexistent/body.json",
    ]))
    .expect(exit::INPUT);
    run(h.cloud(&["request", "GET", "items", "--query", "pageSize"])).expect(exit::INPUT);
    run(h.cloud(&["request", "FETCH", "items"])).expect(exit::INPUT);
    run(h.cloud(&["request", "GET", "https://example.com/erp/v2/info"])).expect(exit::INPUT);
    run(h.cloud(&["request", "GET", "info", "--header", "no-colon"])).expect(exit::INPUT);
    run(h.cloud(&["request", "GET", "info", "-H", "Authorization: Bearer x"])).expect(exit::INPUT);

    let validation =
        run(h.cloud(&["--json", "request", "POST", "items", "--data", "{}"])).expect(exit::API);
    let error = validation.error_json();
    assert_eq!(error["error"]["code"], "api");
    assert_eq!(error["error"]["status"], 422);
    assert_eq!(error["error"]["validation_errors"]["sKU"], "is required");
}

#[test]
fn not_found_is_an_api_error() {
    let h = Harness::new();
    let missing = run(h.cloud(&["request", "GET", "items/999999"])).expect(exit::API);
    assert!(missing.stdout.is_empty());
    assert!(
        missing
            .stderr
            .starts_with("error [not_found]: GET /erp/v2/items/999999 answered 404"),
        "{}",
        missing.stderr
    );
    let as_json = run(h.cloud(&["--json", "request", "GET", "items/999999"])).expect(exit::API);
    let error = as_json.error_json();
    assert_eq!(error["error"]["code"], "not_found");
    assert_eq!(error["error"]["status"], 404);
    assert_eq!(error["error"]["error_code"], "NOT_FOUND");
}

#[test]
fn auth_failures_have_their_own_exit_code() {
    let h = Harness::new();
    let wrong = "wrong-secret-for-the-cli-test";
    let mut cmd = h.cloud(&["request", "GET", "info"]);
    cmd.env("JTL_CLIENT_SECRET", wrong);
    let failed = run(cmd).expect(exit::AUTH);
    assert!(
        failed.stderr.starts_with("error [invalid_credentials]:"),
        "{}",
        failed.stderr
    );
    failed.no_secret(wrong).no_secret(CLIENT_SECRET);

    let mut cmd = h.cloud(&["--json", "request", "GET", "info"]);
    cmd.env("JTL_CLIENT_SECRET", wrong);
    let failed = run(cmd).expect(exit::AUTH);
    assert_eq!(failed.error_json()["error"]["code"], "invalid_credentials");
    failed.no_secret(wrong);

    let forbidden =
        run(h.cloud(&["request", "GET", "info", "--tenant", FOREIGN_TENANT])).expect(exit::AUTH);
    assert!(
        forbidden.stderr.starts_with("error [forbidden]:"),
        "{}",
        forbidden.stderr
    );
}

#[test]
fn missing_credentials_and_tenant_are_config_errors() {
    let h = Harness::new();
    let none = run(h.cmd(&["request", "GET", "info"])).expect(exit::INPUT);
    assert!(
        none.stderr.starts_with("error [config]: no credentials"),
        "{}",
        none.stderr
    );
    assert!(none.stderr.contains("JTL_CLIENT_ID"), "{}", none.stderr);

    let mut no_tenant = h.cloud(&["request", "GET", "info"]);
    no_tenant.env_remove("JTL_TENANT_ID");
    let failed = run(no_tenant).expect(exit::INPUT);
    assert!(failed.stderr.contains("tenant"), "{}", failed.stderr);

    // --env overrides JTL_ENVIRONMENT; an unknown environment is an input error.
    run(h.cloud(&["--env", "staging", "request", "GET", "info"])).expect(exit::INPUT);
    let mut via_flag = h.cloud(&["--env", h.emu.url(), "request", "GET", "info"]);
    via_flag.env("JTL_ENVIRONMENT", "production");
    run(via_flag).expect(exit::OK);
}
