//! `login --no-browser` and `--user`: a user signs in to a stored jtl-cloud account through
//! the emulator's `/oauth2/auth` (its `approve` mode stands in for the person at the
//! browser), the CLI catches the redirect on its loopback port, keeps the grant, and every
//! command can then act as that user.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::Stdio,
};

use jtl_emulator::config::{DEMO_SECOND_USER_ID, DEMO_USER_ID};

use crate::support::{exit, run, Harness, CLIENT_SECRET};

/// `GET url` (plain http on loopback) without following redirects: status and `Location`.
fn get(url: &str) -> (u16, Option<String>) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .map(str::to_owned);
    (status, location)
}

/// Runs `login --no-browser` for `user`; returns stdout and stderr of the finished login.
fn login(h: &Harness, user: &str, extra: &[&str]) -> (i32, String, String) {
    h.emu
        .update_settings(serde_json::json!({"sign_in_mode": "approve", "sign_in_user": user}))
        .unwrap();
    let mut args = vec![
        "--account",
        "Shop",
        "login",
        "--no-browser",
        "--timeout",
        "30",
    ];
    args.extend_from_slice(extra);
    let mut child = h
        .cmd(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    let url = url.trim().to_owned();
    assert!(url.starts_with(&h.emu.authorize_url()), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    // The browser: the sign-in answers with a redirect to the CLI's loopback port ...
    let (status, location) = get(&url);
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    assert!(location.contains("/callback?code="), "{location}");
    // ... which shows the "signed in" page.
    let (status, _) = get(&location);
    assert_eq!(status, 200);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    (code, rest, stderr)
}

#[test]
fn login_no_browser_keeps_the_grant_and_user_acts_as_that_user() {
    let h = Harness::new();
    h.add_cloud_account("Shop", CLIENT_SECRET).expect(exit::OK);
    let (code, stdout, stderr) = login(&h, DEMO_USER_ID, &[]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Anna Admin") && stdout.contains(DEMO_USER_ID),
        "{stdout}"
    );
    assert!(stderr.contains("--user"), "{stderr}");
    let (code, stdout, _) = login(&h, DEMO_SECOND_USER_ID, &["--scope", "items.read"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("items.read"), "{stdout}");

    for (user, name) in [
        (DEMO_USER_ID, "Anna Admin"),
        (DEMO_SECOND_USER_ID, "Ben Buyer"),
    ] {
        let info = run(h.cmd(&[
            "--json",
            "--account",
            "Shop",
            "--user",
            user,
            "request",
            "GET",
            "info",
        ]))
        .expect(exit::OK)
        .json();
        assert_eq!(info["body"]["user"]["name"], name, "{info}");
        let data = run(h.cmd(&[
            "--json",
            "--account",
            "Shop",
            "--user",
            user,
            "graphql",
            "{ QueryItems(first: 1) { nodes { sku } } }",
        ]))
        .expect(exit::OK);
        assert!(data.stdout.contains("sku"), "{}", data.stdout);
        data.no_secret(CLIENT_SECRET);
    }
    // The app's own access still works beside it.
    let info = run(h.cmd(&["--json", "--account", "Shop", "request", "GET", "info"]))
        .expect(exit::OK)
        .json();
    assert_eq!(info["status"], 200, "{info}");
    assert!(info["body"]["user"].is_null(), "{info}");
    // No refresh token or code in the database file.
    let bytes = std::fs::read(h.db()).unwrap();
    assert!(
        !String::from_utf8_lossy(&bytes).contains("eyJ"),
        "a JWT is plain in the DB"
    );
}

#[test]
fn user_errors_are_clear() {
    let h = Harness::new();
    h.add_cloud_account("Shop", CLIENT_SECRET).expect(exit::OK);
    let unknown = run(h.cmd(&[
        "--account",
        "Shop",
        "--user",
        DEMO_USER_ID,
        "request",
        "GET",
        "info",
    ]))
    .expect(exit::INPUT);
    assert!(
        unknown.stderr.contains("jtl-connect login"),
        "{}",
        unknown.stderr
    );
    let no_account =
        run(h.cloud(&["--user", DEMO_USER_ID, "request", "GET", "info"])).expect(exit::INPUT);
    assert!(
        no_account.stderr.contains("--account"),
        "{}",
        no_account.stderr
    );
    let no_account = run(h.cmd(&["login", "--no-browser"])).expect(exit::INPUT);
    assert!(
        no_account.stderr.contains("--account"),
        "{}",
        no_account.stderr
    );
    // A revoked grant (a short-lived access token, so the call must refresh): sign in again
    // (exit 4), never retried.
    h.emu
        .update_settings(serde_json::json!({"token_lifetime_secs": 5}))
        .unwrap();
    let (code, _, _) = login(&h, DEMO_USER_ID, &[]);
    assert_eq!(code, 0);
    h.emu.revoke_user_grants(None);
    let before = h.emu.stats().grants("refresh_token");
    let revoked = run(h.cmd(&[
        "--account",
        "Shop",
        "--user",
        DEMO_USER_ID,
        "request",
        "GET",
        "info",
    ]))
    .expect(exit::AUTH);
    assert!(
        revoked.stderr.contains("sign_in_required"),
        "{}",
        revoked.stderr
    );
    assert_eq!(
        h.emu.stats().grants("refresh_token"),
        before + 1,
        "one refresh, no retry"
    );
}
