//! `token`: expiry and fingerprint; the token only with `--show`.

use crate::support::{exit, run, Harness, CLIENT_SECRET};

#[test]
fn hides_the_token_without_show() {
    let h = Harness::new();
    let plain = run(h.cloud(&["token"])).expect(exit::OK);
    assert!(plain.stdout.contains("fingerprint"), "{}", plain.stdout);
    assert!(plain.stdout.contains("expires at"), "{}", plain.stdout);
    assert!(
        !plain.stdout.contains("eyJ") && !plain.stderr.contains("eyJ"),
        "a JWT was printed:\n{}",
        plain.stdout
    );
    assert!(plain.stderr.contains("--show"), "{}", plain.stderr);
    plain.no_secret(CLIENT_SECRET);

    let json = run(h.cloud(&["--json", "token"])).expect(exit::OK);
    let value = json.json();
    assert!(value.get("token").is_none(), "{value}");
    assert_eq!(value["fingerprint"].as_str().unwrap().len(), 8);
    let left = value["expires_in"].as_i64().unwrap();
    assert!((3500..=3600).contains(&left), "{left}");
    assert!(!json.stdout.contains("eyJ"));
}

#[test]
fn show_prints_the_token() {
    let h = Harness::new();
    let shown = run(h.cloud(&["token", "--show"])).expect(exit::OK);
    let token = shown.stdout.trim();
    assert!(token.starts_with("eyJ") && !token.contains('\n'), "{token}");
    assert_eq!(token.split('.').count(), 3);

    let json = run(h.cloud(&["--json", "token", "--show"]))
        .expect(exit::OK)
        .json();
    let token = json["token"].as_str().unwrap();
    assert_eq!(json["fingerprint"], jtl_connect::fingerprint(token));
}

#[test]
fn a_wawi_account_has_no_token() {
    let h = Harness::new();
    h.add_wawi_account("erp").expect(exit::OK);
    let failed = run(h.cmd(&["--account", "erp", "token"])).expect(exit::INPUT);
    assert!(failed.stderr.contains("API key"), "{}", failed.stderr);
    failed.no_secret(h.emu.wawi_api_key());
}
