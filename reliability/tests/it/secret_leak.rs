//! With every log event on (TRACE), a whole flow runs: Cloud tokens, a 401 refresh, retries,
//! wrong credentials, session verification, SCX (including the refresh token as a query
//! parameter), the Wawi registration, and the account store (add, update, test_connection,
//! client). Then every log line, the `Debug` and `Display` of every object and error the flow
//! produced, and the database files (`.db`, `-wal`, `-shm`; not the key file, which is the
//! key) are searched for every client secret, API key, refresh token, access token and
//! session token the flow saw, in the forms they travel in (plain, HTTP Basic, URL-encoded).

use std::{
    fmt::Debug,
    path::{Path, PathBuf},
    time::Duration,
};

use base64::{engine::general_purpose::STANDARD, Engine};
use jtl_connect::{
    register_wawi_app, AccountClient, AccountStore, ApiClient, ClientCredentials, CloudClient,
    HttpOptions, RegistrationOptions, RetryPolicy, ScxClient, System, VerifierConfig, WawiApp,
    WawiClient,
};
use jtl_connect_reliability::{capture::Captured, report::Table};
use jtl_emulator::{ClientSpec, Fault, Service, SessionTokenSpec};
use serde_json::json;

use crate::support::*;

/// Secrets the flow handled, and every text it produced.
#[derive(Default)]
struct Evidence {
    /// (what, value)
    secrets: Vec<(String, String)>,
    /// (what, text)
    texts: Vec<(String, String)>,
}

impl Evidence {
    fn secret(&mut self, what: &str, value: &str) {
        self.secrets.push((what.to_owned(), value.to_owned()));
    }

    /// A client id and secret, also as the HTTP Basic credential they are sent as.
    fn client_secret(&mut self, what: &str, id: &str, secret: &str) {
        self.secret(what, secret);
        self.secret(
            &format!("{what} (Basic)"),
            &STANDARD.encode(format!("{id}:{secret}")),
        );
    }

    /// A refresh token, also URL-encoded as the form field and query parameter it travels in.
    fn refresh_token(&mut self, what: &str, value: &str) {
        self.secret(what, value);
        let encoded: String = url_encode(value);
        if encoded != value {
            self.secret(&format!("{what} (URL-encoded)"), &encoded);
        }
    }

    /// `Debug` and `Display` of an object or error.
    fn show<T: Debug + std::fmt::Display>(&mut self, what: &str, value: &T) {
        self.texts
            .push((format!("{what} (Display)"), value.to_string()));
        self.debug(what, value);
    }

    fn debug<T: Debug>(&mut self, what: &str, value: &T) {
        self.texts
            .push((format!("{what} (Debug)"), format!("{value:?}")));
    }
}

fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn http() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(20),
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(2),
        },
        ..HttpOptions::default()
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("jtl-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The database files to search, with their contents (missing files are skipped).
fn database_files(db: &Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let mut name = db.as_os_str().to_os_string();
            name.push(suffix);
            let path = PathBuf::from(name);
            std::fs::read(&path).ok().map(|bytes| {
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    bytes,
                )
            })
        })
        .collect()
}

async fn flow(evidence: &mut Evidence, db: &Path) -> Vec<(String, Vec<u8>)> {
    let emu = emulator().await;
    let e = evidence;
    e.client_secret("demo client secret", emu.client_id(), emu.client_secret());
    e.secret("demo Wawi API key", emu.wawi_api_key());
    e.refresh_token("demo SCX refresh token", emu.scx_refresh_token());

    // Cloud: token, 401 → refresh → retry, 503 → retry, errors.
    let client = cloud(&emu, http());
    let first = client.access_token().await.unwrap();
    e.secret("Cloud access token 1", first.expose());
    e.debug("AccessToken", &first);
    emu.inject_fault(Fault::status(Service::Api, 401)).unwrap();
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let response = client.get("info").await.unwrap();
    e.debug("Response", &response);
    e.texts.push(("Response body".into(), response.text()));
    let second = client.access_token().await.unwrap();
    assert_ne!(first.expose(), second.expose(), "the 401 caused a refresh");
    e.secret("Cloud access token 2", second.expose());
    let not_found = client.get("items/999999").await.unwrap_err();
    e.show("not_found error", &not_found);
    emu.inject_fault(Fault::status(Service::Api, 401).times(0))
        .unwrap();
    let unauthorized = client.get("info").await.unwrap_err();
    e.show("unauthorized error", &unauthorized);
    emu.clear_faults();
    e.secret(
        "Cloud access token 3",
        client.access_token().await.unwrap().expose(),
    );
    e.debug("CloudClient", &client);
    e.debug("TokenCache", client.token_cache());

    let wrong_secret = "leak-wrong-client-secret-5f1c0a";
    e.client_secret("wrong client secret", emu.client_id(), wrong_secret);
    let credentials = ClientCredentials::new(emu.client_id(), wrong_secret).unwrap();
    e.debug("ClientCredentials", &credentials);
    let wrong = CloudClient::builder(credentials)
        .endpoints(endpoints(&emu))
        .tenant_id(emu.tenant_id())
        .http_options(http())
        .build()
        .unwrap();
    let refused = wrong.get("info").await.unwrap_err();
    e.show("invalid_credentials error", &refused);

    // A client registered for the store, to change an account's secret to.
    let custom_secret = "leak-custom-client-secret-93be27";
    emu.register_client(ClientSpec {
        client_id: "leak-client".into(),
        client_secret: custom_secret.into(),
        tenants: vec![emu.tenant_id().into()],
        scopes: None,
    })
    .unwrap();
    e.client_secret("custom client secret", "leak-client", custom_secret);

    // Session tokens: one good, one tampered, one expired.
    let verifier = client.session_verifier(VerifierConfig::default()).unwrap();
    let session = emu
        .mint_session_token(SessionTokenSpec::default())
        .unwrap()
        .token;
    e.secret("session token", &session);
    let claims = verifier.verify(&session).await.unwrap();
    e.debug("SessionClaims", &claims);
    let tampered = format!("{}x", &session[..session.len() - 1]);
    e.secret("tampered session token", &tampered);
    e.show(
        "bad_signature error",
        &verifier.verify(&tampered).await.unwrap_err(),
    );
    let expired = emu
        .mint_session_token(SessionTokenSpec {
            ttl_seconds: Some(-3600),
            ..SessionTokenSpec::default()
        })
        .unwrap()
        .token;
    e.secret("expired session token", &expired);
    e.show(
        "expired error",
        &verifier.verify(&expired).await.unwrap_err(),
    );
    e.debug("SessionVerifier", &verifier);

    // SCX: the exchange, once with the refresh token as a query parameter (after VAL100),
    // events, and an unknown refresh token.
    let scx_client = scx(&emu, http());
    emu.inject_fault(Fault::status(Service::ScxAuth, 400))
        .unwrap();
    scx_client.events().await.unwrap();
    e.secret(
        "SCX auth token",
        scx_client.access_token().await.unwrap().expose(),
    );
    e.debug("ScxClient", &scx_client);
    let unknown_refresh = "scx-rt-leak-unknown-0c9d81";
    e.refresh_token("unknown SCX refresh token", unknown_refresh);
    let bad_scx = ScxClient::builder(unknown_refresh)
        .endpoints(endpoints(&emu))
        .http_options(http())
        .build()
        .unwrap();
    e.show(
        "SCX invalid_credentials error",
        &bad_scx.events().await.unwrap_err(),
    );
    let issued_refresh = emu.issue_scx_refresh_token();
    e.refresh_token("issued SCX refresh token", &issued_refresh);

    // Wawi: the registration flow, then the key in use, then a wrong key.
    emu.update_settings(json!({ "wawi_auto_approve_ms": 100 }))
        .unwrap();
    let registration = register_wawi_app(
        &emu.wawi_base(),
        &WawiApp {
            app_id: "com.example.leak".into(),
            display_name: "Leak test".into(),
            description: "Leak test".into(),
            version: "1.0.0".into(),
            provider_name: "jtl-connect".into(),
            provider_website: "https://example.com".into(),
            mandatory_scopes: vec!["all.read".into()],
            ..WawiApp::default()
        },
        RegistrationOptions {
            tenant_id: Some(jtl_emulator::config::DEMO_TENANT_ID.into()),
            challenge_code: Some("leak-challenge-code-77".into()),
            poll_interval: Duration::from_millis(50),
            timeout: Duration::from_secs(10),
            http: http(),
            ..RegistrationOptions::default()
        },
    )
    .await
    .unwrap();
    e.secret("registered Wawi API key", registration.api_key.expose());
    e.secret("Wawi challenge code", "leak-challenge-code-77");
    e.debug("WawiRegistration", &registration);
    let wawi_client = WawiClient::builder(&emu.wawi_base(), registration.api_key.clone())
        .app_id("com.example.leak/1.0.0")
        .app_version("1.0.0")
        .http_options(http())
        .build()
        .unwrap();
    wawi_client.get("v1/items").await.unwrap();
    e.debug("WawiClient", &wawi_client);
    let wrong_key = "wawi-leak-wrong-key-3a7f";
    e.secret("wrong Wawi API key", wrong_key);
    let bad_wawi = WawiClient::builder(&emu.wawi_base(), wrong_key)
        .app_id("com.example.leak/1.0.0")
        .app_version("1.0.0")
        .http_options(http())
        .build()
        .unwrap();
    e.show(
        "Wawi unauthorized error",
        &bad_wawi.get("v1/items").await.unwrap_err(),
    );

    // The account store: add, update (a new secret), test_connection, client, errors.
    let mut store = AccountStore::open(Some(db)).unwrap();
    store.set_http_options(http());
    e.debug("AccountStore", &store);
    let url = emu.url().to_owned();
    let cloud_account = store
        .add(
            System::Cloud,
            "Leak Cloud",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("tenant_id", emu.tenant_id()),
                ("environment", &url),
            ],
        )
        .unwrap();
    let wawi_account = store
        .add(
            System::Wawi,
            "Leak Wawi",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", registration.api_key.expose()),
                ("app_id", "com.example.leak/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let scx_account = store
        .add(
            System::Scx,
            "Leak SCX",
            &[("refresh_token", &issued_refresh), ("environment", &url)],
        )
        .unwrap();
    let failing = store
        .add(
            System::Cloud,
            "Leak wrong secret",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", wrong_secret),
                ("tenant_id", emu.tenant_id()),
                ("environment", &url),
            ],
        )
        .unwrap();
    let taken = store
        .add(
            System::Cloud,
            "Leak Cloud",
            &[
                ("client_id", "x"),
                ("client_secret", "leak-conflict-secret-0001"),
            ],
        )
        .unwrap_err();
    e.secret("conflicting account's secret", "leak-conflict-secret-0001");
    e.show("conflict error", &taken);
    let updated = store
        .update(
            &cloud_account.id,
            Some("Leak Cloud (custom client)"),
            &[
                ("client_id", "leak-client"),
                ("client_secret", custom_secret),
            ],
        )
        .unwrap();
    e.debug("Account (updated)", &updated);
    for account in store.list().unwrap() {
        e.debug("Account (list)", &account);
        e.texts.push((
            "Account (JSON)".into(),
            serde_json::to_string(&account).unwrap(),
        ));
        let test = store.test_connection(&account.id, None).await.unwrap();
        assert_eq!(test.ok, account.id != failing.id, "{test:?}");
        e.debug("ConnectionTest", &test);
        e.texts
            .push(("ConnectionTest message".into(), test.message.clone()));
        let account_client = store.client(&account.id, None).unwrap();
        e.debug("AccountClient", &account_client);
        match account_client {
            AccountClient::Cloud(c) => {
                if let Ok(token) = c.access_token().await {
                    e.secret("account's Cloud access token", token.expose());
                }
            }
            AccountClient::Scx(c) => {
                e.secret(
                    "account's SCX auth token",
                    c.access_token().await.unwrap().expose(),
                );
            }
            AccountClient::Wawi(_) => {}
        }
    }
    for id in [&wawi_account.id, &scx_account.id] {
        e.debug("Account (get)", &store.get(id).unwrap());
    }
    user_flow(e, &store, &emu).await;
    // Read while the store is open, so the WAL still holds the recent writes.
    let mut files = database_files(db);
    drop(store);
    files.extend(
        database_files(db)
            .into_iter()
            .map(|(name, bytes)| (format!("{name} (closed)"), bytes)),
    );
    files
}

/// Issue 20, user-bound access: a user signs in (state, PKCE verifier, authorization code),
/// the grant is stored, refreshed with rotation and written back, a rotated-out refresh token
/// and a used code are replayed (`sign_in_required` errors); every one of them is searched for.
async fn user_flow(e: &mut Evidence, store: &AccountStore, emu: &jtl_emulator::Emulator) {
    emu.update_settings(json!({"sign_in_mode": "approve"}))
        .unwrap();
    let url = emu.url().to_owned();
    let account = store
        .add(
            System::Cloud,
            "Leak users",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("environment", &url),
            ],
        )
        .unwrap();
    let auth = store
        .authorization_code_client(&account.id, "http://127.0.0.1:9/callback", &["items.read"])
        .unwrap();
    e.debug("AuthorizationCodeClient", &auth);
    let pending = auth.start();
    e.debug("SignIn", &pending);
    e.secret("sign-in state", pending.state.expose());
    e.secret("PKCE verifier", pending.verifier.expose());
    e.secret("pending sign-in JSON", pending.to_json().expose());
    // The browser: the emulator approves at once and redirects with the code.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(&pending.url).send().await.unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    e.refresh_token("authorization code", &code);
    let grant = auth.finish_redirect(&pending, &location).await.unwrap();
    e.debug("UserGrant", &grant);
    e.refresh_token("user refresh token", grant.refresh_token.expose());
    e.secret("user access token", grant.access_token.expose());
    let mut stale = grant.clone();
    stale.expires_at = std::time::SystemTime::now();
    let stored = store.save_grant(&account.id, &stale).unwrap();
    e.debug("StoredGrant", &stored);
    e.texts.push((
        "StoredGrant (JSON)".into(),
        serde_json::to_string(&stored).unwrap(),
    ));
    let user = store
        .user_client(&account.id, &grant.user_id, None)
        .unwrap();
    e.debug("user CloudClient", &user);
    // The stored access token counts as expired: this refreshes, rotates, writes back.
    user.get("info").await.unwrap();
    let rotated = user.user_grant().unwrap();
    assert_ne!(rotated.refresh_token, grant.refresh_token);
    e.refresh_token("rotated user refresh token", rotated.refresh_token.expose());
    e.secret("refreshed user access token", rotated.access_token.expose());
    let replay = auth.refresh(&grant).await.unwrap_err();
    assert_eq!(replay.code(), "sign_in_required");
    e.show("replayed refresh token error", &replay);
    let reused = auth.finish_redirect(&pending, &location).await.unwrap_err();
    assert_eq!(reused.code(), "sign_in_required");
    e.show("reused code error", &reused);
}

#[test]
fn a_whole_flow_leaks_no_secret() {
    let captured = Captured::default();
    // One thread, so every task (clients, emulator, background refreshes) logs here.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = temp_dir("leak");
    let db = dir.join("accounts.db");
    let mut evidence = Evidence::default();
    let files = captured.during(|| runtime.block_on(flow(&mut evidence, &db)));
    let log = captured.text();
    for expected in [
        "access token issued",
        "401: refreshing the token once",
        "retrying",
        "fetched the JWKS",
        "SCX wants the refresh token as a query parameter",
        "SCX auth token issued",
        "Wawi registration requested",
    ] {
        assert!(
            log.contains(expected),
            "the log lacks {expected:?}: debug logging is not on ({} lines: {log})",
            log.lines().count()
        );
    }

    let mut places: Vec<(String, Vec<u8>)> = vec![("log".into(), log.clone().into_bytes())];
    places.extend(
        evidence
            .texts
            .iter()
            .map(|(what, text)| (what.clone(), text.clone().into_bytes())),
    );
    places.extend(files.iter().cloned());
    let mut leaks = Vec::new();
    for (what, secret) in &evidence.secrets {
        assert!(secret.len() >= 8, "{what} is too short to search for");
        for (place, bytes) in &places {
            if bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes())
            {
                leaks.push(format!("{what} appears in {place}"));
            }
        }
    }

    let mut table = Table::new("Secret-leak test", &["searched", "items", "bytes"]);
    table.row([
        "log lines (TRACE)".to_owned(),
        log.lines().count().to_string(),
        log.len().to_string(),
    ]);
    table.row([
        "Debug/Display texts of objects and errors".to_owned(),
        evidence.texts.len().to_string(),
        evidence
            .texts
            .iter()
            .map(|(_, t)| t.len())
            .sum::<usize>()
            .to_string(),
    ]);
    for (name, bytes) in &files {
        table.row([
            format!("database file {name}"),
            "1".to_owned(),
            bytes.len().to_string(),
        ]);
    }
    let summary = format!(
        "{} secrets searched for (client secrets, API keys, refresh tokens, access and session tokens, and their Basic/URL-encoded forms): {} found.",
        evidence.secrets.len(),
        leaks.len()
    );
    table.publish("secret-leak.md", &summary);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
    assert!(
        files.iter().any(|(name, _)| name.ends_with("-wal")),
        "the WAL was searched while the store was open"
    );
}

/// Issue 14.3: hostile servers (the emulator's `echo` fault) repeat the credentials in every
/// field of their error answers, in every dialect, also across the quote limit and cut short.
/// With TRACE logging on, no error's `Display`/`Debug`, JTL code or validation field, and no
/// log line, holds a client secret, its Basic value, an access token, a Wawi API key or an
/// SCX refresh or auth token.
#[test]
fn echoing_servers_leak_no_secret_into_errors() {
    use jtl_emulator::EchoShape;
    const SHAPES: [Option<EchoShape>; 8] = [
        None,
        Some(EchoShape::Erp),
        Some(EchoShape::Wawi),
        Some(EchoShape::Oauth),
        Some(EchoShape::Scx),
        Some(EchoShape::Problem),
        Some(EchoShape::Text),
        Some(EchoShape::Cut),
    ];
    fn show_error(e: &mut Evidence, what: &str, error: &jtl_connect::Error) {
        e.show(what, error);
        if let Some(detail) = error.detail() {
            e.texts.extend(
                detail
                    .error_code
                    .iter()
                    .map(|c| (format!("{what} code"), c.clone())),
            );
            for (field, message) in &detail.validation_errors {
                e.texts.push((format!("{what} field"), field.clone()));
                e.texts
                    .push((format!("{what} field message"), message.clone()));
            }
        }
    }

    let captured = Captured::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut evidence = Evidence::default();
    let errors = captured.during(|| {
        runtime.block_on(async {
            let emu = emulator().await;
            let e = &mut evidence;
            e.client_secret("demo client secret", emu.client_id(), emu.client_secret());
            e.secret("demo Wawi API key", emu.wawi_api_key());
            e.refresh_token("demo SCX refresh token", emu.scx_refresh_token());
            let mut errors = 0;
            let cloud_client = cloud(&emu, http());
            let scx_client = scx(&emu, http());
            let wawi_client = wawi(&emu, http());
            for shape in SHAPES {
                emu.inject_fault(Fault::echo(Service::Token, shape))
                    .unwrap();
                cloud_client.token_cache().clear();
                let error = cloud_client.get("info").await.unwrap_err();
                show_error(e, &format!("token echo {shape:?}"), &error);

                let token = cloud_client.access_token().await.unwrap();
                e.secret("Cloud access token", token.expose());
                // 503 echoes are retried, then the last one is the error.
                emu.inject_fault(Fault {
                    status: Some(503),
                    ..Fault::echo(Service::Api, shape).times(0)
                })
                .unwrap();
                let error = cloud_client.get("info").await.unwrap_err();
                emu.clear_faults();
                show_error(e, &format!("api echo {shape:?}"), &error);

                emu.inject_fault(Fault::echo(Service::Wawi, shape)).unwrap();
                let error = wawi_client.get("v1/items").await.unwrap_err();
                show_error(e, &format!("wawi echo {shape:?}"), &error);

                emu.inject_fault(Fault::echo(Service::ScxAuth, shape))
                    .unwrap();
                scx_client.token_cache().clear();
                let error = scx_client.events().await.unwrap_err();
                show_error(e, &format!("scx_auth echo {shape:?}"), &error);

                let token = scx_client.access_token().await.unwrap();
                e.secret("SCX auth token", token.expose());
                emu.inject_fault(Fault::echo(Service::Scx, shape)).unwrap();
                let error = scx_client.events().await.unwrap_err();
                show_error(e, &format!("scx echo {shape:?}"), &error);
                errors += 5;
            }
            errors
        })
    });
    let log = captured.text();
    let mut places: Vec<(String, String)> = vec![("log".into(), log.clone())];
    places.extend(evidence.texts.iter().cloned());
    let mut leaks = Vec::new();
    for (what, secret) in &evidence.secrets {
        for (place, text) in &places {
            if text.contains(secret.as_str()) {
                leaks.push(format!("{what} appears in {place}: {text}"));
            }
            // A prefix a cut left behind: the first half of the secret.
            let half = &secret[..secret.len() / 2];
            let public = jtl_emulator::config::DEMO_CLIENT_ID.contains(half);
            if half.len() >= 8 && !public && text.contains(half) {
                leaks.push(format!("half of {what} appears in {place}: {text}"));
            }
        }
    }
    let mut table = Table::new(
        "Echoing servers (issue 14.3)",
        &["errors", "texts searched", "secrets", "found"],
    );
    table.row([
        errors.to_string(),
        places.len().to_string(),
        evidence.secrets.len().to_string(),
        leaks.len().to_string(),
    ]);
    table.publish(
        "secret-leak-echo.md",
        &format!(
            "{errors} errors from servers echoing credentials in 8 dialects: {} secrets found.",
            leaks.len()
        ),
    );
    assert_eq!(errors, 40);
    assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
}
