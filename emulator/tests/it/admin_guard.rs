//! Issue 14.5: a web page cannot drive a developer's emulator. The admin API answers only for
//! loopback `Host` (and `Origin`) values and takes state-changing requests only as JSON.

use reqwest::{header, Method};
use serde_json::Value;

use crate::support::*;

async fn send(
    emu: &jtl_emulator::Emulator,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &'static str,
) -> (u16, Value) {
    let mut request = http()
        .request(method, format!("{}/_emulator{path}", emu.url()))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, body)
}

/// Issue 14.5: a rebound DNS name (any non-loopback `Host`) gets 403 with a JSON error.
#[tokio::test]
async fn issue_14_5_only_loopback_host_values_are_answered() {
    let emu = start().await;
    let port = emu.addr().port();
    for host in [
        "127.0.0.1".to_owned(),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        format!("LOCALHOST:{port}"),
    ] {
        let (status, body) = send(&emu, Method::GET, "/stats", &[("host", &host)], "").await;
        assert_eq!(status, 200, "{host}: {body}");
    }
    for host in [
        format!("evil.example:{port}"),
        "attacker.test".to_owned(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("[::1]x:{port}"),
        format!("localhost:{port}x"),
    ] {
        let (status, body) = send(&emu, Method::GET, "/stats", &[("host", &host)], "").await;
        assert_eq!(status, 403, "{host}: {body}");
        assert_eq!(body["error"], "forbidden");
        assert!(
            body["message"].as_str().unwrap().contains("loopback"),
            "{body}"
        );
    }
    // A state change from a foreign Host changes nothing.
    let (status, _) = send(
        &emu,
        Method::POST,
        "/reset",
        &[
            ("host", "evil.example"),
            ("content-type", "application/json"),
        ],
        "",
    )
    .await;
    assert_eq!(status, 403);
}

/// Issue 14.5: a request a web page of another origin sends is refused (403).
#[tokio::test]
async fn issue_14_5_foreign_origins_are_refused() {
    let emu = start().await;
    let json = ("content-type", "application/json");
    for origin in [
        "https://evil.example",
        "null",
        "http://127.0.0.1.evil.example",
    ] {
        let (status, body) = send(
            &emu,
            Method::POST,
            "/session-tokens",
            &[("origin", origin), json],
            "{}",
        )
        .await;
        assert_eq!(status, 403, "{origin}: {body}");
    }
    let same = format!("http://127.0.0.1:{}", emu.addr().port());
    let (status, body) = send(
        &emu,
        Method::POST,
        "/session-tokens",
        &[("origin", &same), json],
        "{}",
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// Issue 14.5: bodies (and bodiless state changes) only with `Content-Type: application/json`
/// (415 otherwise); reads need none.
#[tokio::test]
async fn issue_14_5_state_changes_need_json() {
    let emu = start().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| ("content-type", c))
            .into_iter()
            .collect();
        for (method, path, body) in [
            (Method::PATCH, "/settings", r#"{"rate_limit": 1}"#),
            (Method::POST, "/reset", ""),
            (
                Method::POST,
                "/clients",
                r#"{"client_id":"x","client_secret":"y"}"#,
            ),
            (Method::DELETE, "/faults", ""),
        ] {
            let (status, answer) = send(&emu, method.clone(), path, &headers, body).await;
            assert_eq!(status, 415, "{method} {path} {content_type:?}: {answer}");
            assert_eq!(answer["error"], "unsupported_media_type");
            assert!(answer["message"]
                .as_str()
                .unwrap()
                .contains("application/json"));
        }
    }
    assert_eq!(emu.settings().rate_limit, 10_000, "nothing changed");
    let (status, _) = send(&emu, Method::GET, "/settings", &[], "").await;
    assert_eq!(status, 200);
    let (status, body) = send(
        &emu,
        Method::PATCH,
        "/settings",
        &[(
            header::CONTENT_TYPE.as_str(),
            "application/json; charset=utf-8",
        )],
        r#"{"rate_limit": 7}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(emu.settings().rate_limit, 7);
    let (status, _) = send(
        &emu,
        Method::POST,
        "/reset",
        &[("content-type", "application/json")],
        "",
    )
    .await;
    assert_eq!(status, 204, "an empty JSON body counts as {{}}");
}
