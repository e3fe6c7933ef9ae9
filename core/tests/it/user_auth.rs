//! User-bound access (issue 20, facts §5.4): sign-in with the authorization code and PKCE,
//! a client that acts as the user, refresh with rotation, `invalid_grant`, and user grants in
//! the account store, all against the emulator's `/oauth2/auth` over real HTTP.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use jtl_connect::{
    AccountStore, ApiClient, AuthorizationCodeClient, CloudClient, Secret, SignIn, System,
    UserGrant,
};
use jtl_emulator::{
    config::{DEMO_SECOND_USER_ID, DEMO_USER_ID},
    Emulator, Fault, Service,
};
use serde_json::{json, Value};

use crate::support::*;

const REDIRECT: &str = "http://127.0.0.1:9/callback";

fn auth(emu: &Emulator) -> AuthorizationCodeClient {
    AuthorizationCodeClient::builder(emu.client_id())
        .client_secret(Some(Secret::new(emu.client_secret())))
        .redirect_uri(REDIRECT)
        .scopes(["items.read"])
        .endpoints(endpoints(emu))
        .http_options(quick_http())
        .build()
        .unwrap()
}

fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What a browser does: open the sign-in URL (the page), pick `user`; the redirect URL.
async fn sign_in_as(emu: &Emulator, sign_in: &SignIn, user: &str) -> String {
    let page = raw_http().get(&sign_in.url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains(user));
    let query = sign_in.url.split_once('?').unwrap().1;
    let form = format!("{query}&user={user}");
    let response = raw_http()
        .post(emu.authorize_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn signed_in(emu: &Emulator, user: &str) -> UserGrant {
    let auth = auth(emu);
    let pending = auth.start();
    let redirect = sign_in_as(emu, &pending, user).await;
    auth.finish_redirect(&pending, &redirect).await.unwrap()
}

/// `grant` as if its access token had expired: the next call refreshes.
fn expired(mut grant: UserGrant) -> UserGrant {
    grant.expires_at = SystemTime::now();
    grant
}

#[tokio::test]
async fn whole_flow_signs_in_and_calls_rest_and_graphql_as_that_user() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let pending = auth.start();
    assert!(
        pending.url.starts_with(&emu.authorize_url()),
        "{}",
        pending.url
    );
    for part in [
        "response_type=code",
        "code_challenge_method=S256",
        "scope=openid+offline_access+items.read",
        &format!("client_id={}", emu.client_id()),
    ] {
        assert!(pending.url.contains(part), "{part}: {}", pending.url);
    }
    assert_eq!(pending.verifier.expose().len(), 43);
    let redirect = sign_in_as(&emu, &pending, DEMO_SECOND_USER_ID).await;
    let grant = auth.finish_redirect(&pending, &redirect).await.unwrap();
    assert_eq!(grant.user_id, DEMO_SECOND_USER_ID);
    assert_eq!(grant.user_name.as_deref(), Some("Ben Buyer"));
    assert_eq!(grant.tenant_id.as_deref(), Some(emu.tenant_id()));
    assert_eq!(grant.scopes, ["openid", "offline_access", "items.read"]);
    assert!(grant.expires_in() > Duration::from_secs(3000));

    let client = CloudClient::for_user(&auth, grant).build().unwrap();
    assert_eq!(
        client.tenant_id(),
        Some(emu.tenant_id()),
        "the grant's tenant"
    );
    assert_eq!(client.user_id().as_deref(), Some(DEMO_SECOND_USER_ID));
    let info: Value = client.get("info").await.unwrap().json().unwrap();
    assert_eq!(
        info["user"],
        json!({"id": DEMO_SECOND_USER_ID, "name": "Ben Buyer"})
    );
    let data = client
        .graphql("{ QueryItems(first: 2) { nodes { sku } } }", None, None)
        .await
        .unwrap();
    assert_eq!(data["QueryItems"]["nodes"].as_array().unwrap().len(), 2);
    // The grant's access token was used: no refresh yet.
    assert_eq!(emu.stats().grants("refresh_token"), 0);
    assert_eq!(emu.stats().grants("authorization_code"), 1);
}

#[tokio::test]
async fn a_state_mismatch_exchanges_nothing() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let pending = auth.start();
    let redirect = sign_in_as(&emu, &pending, DEMO_USER_ID).await;
    let other = auth.start();
    let error = auth.finish_redirect(&other, &redirect).await.unwrap_err();
    assert_eq!(error.code(), "state_mismatch", "{error}");
    let error = auth
        .finish(&pending, "forged-state", "some-code")
        .await
        .unwrap_err();
    assert_eq!(error.code(), "state_mismatch");
    assert!(!error.to_string().contains(pending.state.expose()));
    assert_eq!(
        emu.stats().grants("authorization_code"),
        0,
        "nothing was sent"
    );
    // The right pending sign-in still finishes.
    auth.finish_redirect(&pending, &redirect).await.unwrap();
}

#[tokio::test]
async fn pending_sign_in_and_grant_round_trip_through_json() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let pending = auth.start();
    let text = pending.to_json();
    let restored = SignIn::from_json(text.expose()).unwrap();
    assert_eq!(restored.state, pending.state);
    assert_eq!(restored.verifier, pending.verifier);
    assert_eq!(SignIn::from_json("{}").unwrap_err().code(), "invalid_input");
    let redirect = sign_in_as(&emu, &pending, DEMO_USER_ID).await;
    let grant = auth.finish_redirect(&restored, &redirect).await.unwrap();
    let again = UserGrant::from_json(grant.to_json().expose()).unwrap();
    assert_eq!(again.user_id, grant.user_id);
    assert_eq!(again.refresh_token, grant.refresh_token);
    assert_eq!(
        jtl_connect::clock::unix_seconds(again.expires_at),
        jtl_connect::clock::unix_seconds(grant.expires_at)
    );
}

#[tokio::test]
async fn refresh_rotates_and_the_old_refresh_token_means_sign_in_again() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let first = signed_in(&emu, DEMO_USER_ID).await;
    let second = auth.refresh(&first).await.unwrap();
    assert_ne!(second.refresh_token, first.refresh_token, "rotated");
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(second.user_id, DEMO_USER_ID);
    let error = auth.refresh(&first).await.unwrap_err();
    assert_eq!(error.code(), "sign_in_required", "{error}");
    assert_eq!(
        error.detail().unwrap().error_code.as_deref(),
        Some("invalid_grant")
    );
    assert!(
        error.to_string().contains("sign the user in again"),
        "{error}"
    );
    assert!(!error.to_string().contains(first.refresh_token.expose()));
    // Never retried: exactly one request per refresh.
    assert_eq!(emu.stats().grants("refresh_token"), 2);
    // The replay revoked the grant (Security BCP §4.14.2): the new token is gone too.
    assert_eq!(
        auth.refresh(&second).await.unwrap_err().code(),
        "sign_in_required"
    );
}

#[tokio::test]
async fn a_reused_or_expired_code_and_a_declined_sign_in_are_sign_in_required() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let pending = auth.start();
    let redirect = sign_in_as(&emu, &pending, DEMO_USER_ID).await;
    auth.finish_redirect(&pending, &redirect).await.unwrap();
    let error = auth.finish_redirect(&pending, &redirect).await.unwrap_err();
    assert_eq!(error.code(), "sign_in_required", "{error}");

    emu.update_settings(json!({"sign_in_mode": "deny"}))
        .unwrap();
    let pending = auth.start();
    let response = raw_http().get(&pending.url).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let error = auth.finish_redirect(&pending, &location).await.unwrap_err();
    assert_eq!(error.code(), "sign_in_required", "{error}");
    assert_eq!(
        error.detail().unwrap().error_code.as_deref(),
        Some("access_denied")
    );

    let quick = AuthorizationCodeClient::builder(emu.client_id())
        .client_secret(Some(Secret::new(emu.client_secret())))
        .redirect_uri(REDIRECT)
        .endpoints(endpoints(&emu))
        .sign_in_timeout(Duration::ZERO)
        .build()
        .unwrap();
    let pending = quick.start();
    let error = quick
        .finish(&pending, pending.state.expose(), "code")
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        "sign_in_required",
        "a sign-in that took too long"
    );
}

#[tokio::test]
async fn public_client_signs_in_with_pkce_alone() {
    let emu = emulator().await;
    let auth = AuthorizationCodeClient::builder(emu.client_id())
        .redirect_uri(REDIRECT)
        .endpoints(endpoints(&emu))
        .build()
        .unwrap();
    assert!(!auth.is_confidential());
    let pending = auth.start();
    let redirect = sign_in_as(&emu, &pending, DEMO_USER_ID).await;
    let grant = auth.finish_redirect(&pending, &redirect).await.unwrap();
    let refreshed = auth.refresh(&grant).await.unwrap();
    assert_eq!(refreshed.user_id, DEMO_USER_ID);
}

#[tokio::test]
async fn builder_refuses_bad_settings() {
    let build = |redirect: &str| {
        AuthorizationCodeClient::builder("id")
            .redirect_uri(redirect)
            .build()
            .map(|_| ())
    };
    assert!(build("https://app.example/cb").is_ok());
    assert!(build("http://127.0.0.1:8765/cb").is_ok());
    assert!(build("com.example.app:/cb").is_ok());
    for bad in [
        "http://example.com/cb",
        "https://app.example/cb#x",
        "ftp://x/y",
        "nope",
    ] {
        let error = build(bad).unwrap_err();
        assert_eq!(error.code(), "invalid_input", "{bad}");
        assert!(error.to_string().contains("redirect_uri"), "{error}");
    }
    let error = AuthorizationCodeClient::builder("id").build().unwrap_err();
    assert!(
        error.to_string().contains("redirect_uri: required"),
        "{error}"
    );
    let error = AuthorizationCodeClient::builder("id")
        .redirect_uri(REDIRECT)
        .scopes(["items.read write"])
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("scopes"), "{error}");
}

#[tokio::test]
async fn user_client_refreshes_on_expiry_and_hands_over_the_rotated_grant() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let grant = expired(signed_in(&emu, DEMO_USER_ID).await);
    let kept: Arc<Mutex<Vec<UserGrant>>> = Arc::default();
    let sink = kept.clone();
    let client = CloudClient::for_user(&auth, grant.clone())
        .on_grant_change(move |g| {
            sink.lock().unwrap().push(g.clone());
            Ok(())
        })
        .build()
        .unwrap();
    let info: Value = client.get("info").await.unwrap().json().unwrap();
    assert_eq!(info["user"]["id"], DEMO_USER_ID);
    let kept = kept.lock().unwrap().clone();
    assert_eq!(kept.len(), 1);
    assert_ne!(kept[0].refresh_token, grant.refresh_token);
    assert_eq!(
        client.user_grant().unwrap().refresh_token,
        kept[0].refresh_token
    );
    assert_eq!(emu.stats().grants("refresh_token"), 1);
}

#[tokio::test]
async fn concurrent_calls_on_an_expired_user_token_send_one_refresh() {
    let emu = emulator().await;
    emu.update_settings(json!({"latency_ms": 50})).unwrap();
    let auth = auth(&emu);
    let grant = expired(signed_in(&emu, DEMO_USER_ID).await);
    let client = CloudClient::for_user(&auth, grant).build().unwrap();
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get("info").await.map(|r| r.status()) })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 200);
    }
    assert_eq!(
        emu.stats().grants("refresh_token"),
        1,
        "one refresh for all"
    );
    assert_eq!(emu.stats().route("GET /erp/v2/info"), 32);
}

#[tokio::test]
async fn a_401_refreshes_the_user_token_once() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let client = CloudClient::for_user(&auth, signed_in(&emu, DEMO_USER_ID).await)
        .http_options(quick_http())
        .build()
        .unwrap();
    emu.inject_fault(Fault::status(Service::Api, 401)).unwrap();
    let info: Value = client.get("info").await.unwrap().json().unwrap();
    assert_eq!(info["user"]["id"], DEMO_USER_ID);
    assert_eq!(emu.stats().grants("refresh_token"), 1);
}

#[tokio::test]
async fn a_revoked_grant_is_sign_in_required_and_never_retried() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let client = CloudClient::for_user(&auth, expired(signed_in(&emu, DEMO_USER_ID).await))
        .build()
        .unwrap();
    assert_eq!(emu.revoke_user_grants(None), 1);
    let error = client.get("info").await.unwrap_err();
    assert_eq!(error.code(), "sign_in_required", "{error}");
    assert_eq!(emu.stats().grants("refresh_token"), 1, "not retried");
    assert_eq!(emu.stats().route("GET /erp/v2/info"), 0);
}

#[tokio::test]
async fn debug_and_errors_show_no_code_verifier_or_token() {
    let emu = emulator().await;
    let auth = auth(&emu);
    let pending = auth.start();
    let redirect = sign_in_as(&emu, &pending, DEMO_USER_ID).await;
    let code = redirect
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let grant = auth.finish_redirect(&pending, &redirect).await.unwrap();
    let client = CloudClient::for_user(&auth, grant.clone()).build().unwrap();
    // A second exchange of the code fails; its error must not repeat it.
    let reused = auth
        .finish(&pending, pending.state.expose(), &code)
        .await
        .unwrap_err();
    let texts = [
        format!("{pending:?}"),
        format!("{grant:?}"),
        format!("{auth:?}"),
        format!("{client:?}"),
        format!("{reused:?} {reused}"),
    ];
    for secret in [
        code.as_str(),
        pending.state.expose(),
        pending.verifier.expose(),
        grant.refresh_token.expose(),
        grant.access_token.expose(),
        emu.client_secret(),
    ] {
        for text in &texts {
            assert!(!text.contains(secret), "{text}");
        }
    }
}

fn temp_db() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("jtl-connect-grants-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("accounts.db")
}

fn db_bytes(db: &std::path::Path) -> Vec<u8> {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::read(format!("{}{s}", db.display())).ok())
        .flatten()
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn store_keeps_grants_sealed_writes_rotations_back_and_drops_them_with_the_account() {
    let db = temp_db();
    grants_in_store(&db, || db_bytes(&db)).await;
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}

#[tokio::test]
async fn postgres_store_keeps_grants_sealed_writes_rotations_back_and_drops_them_with_the_account()
{
    let url = crate::store_pg::fresh_database("grants");
    grants_in_store(std::path::Path::new(&url), || {
        let dump = std::process::Command::new(crate::store_pg::pg_dump())
            .args(["--data-only", "--inserts", &url])
            .output()
            .expect("pg_dump runs");
        assert!(dump.status.success());
        let dump = String::from_utf8(dump.stdout).unwrap();
        assert!(
            dump.contains("jtl_connect_user_grants"),
            "the grant row is there"
        );
        dump.into_bytes()
    })
    .await;
}

/// Grants in the store at `db` (a SQLite file or a PostgreSQL URL); `stored_bytes` is what
/// the database holds, searched for plain secrets.
async fn grants_in_store(db: &std::path::Path, stored_bytes: impl Fn() -> Vec<u8>) {
    let emu = emulator().await;
    let key = [9u8; 32];
    let store = AccountStore::open_with_master_key(db, &key).unwrap();
    let account = store
        .add(
            System::Cloud,
            "Shop",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    let auth = store
        .authorization_code_client(&account.id, REDIRECT, &["items.read"])
        .unwrap();
    let pending = auth.start();
    let redirect = sign_in_as(&emu, &pending, DEMO_USER_ID).await;
    let grant = auth.finish_redirect(&pending, &redirect).await.unwrap();
    // Stored as if expired, so the first call refreshes and writes the rotation back.
    let saved = store
        .save_grant(&account.id, &expired(grant.clone()))
        .unwrap();
    assert_eq!(saved.user_id, DEMO_USER_ID);
    assert_eq!(saved.user_name.as_deref(), Some("Anna Admin"));
    assert_eq!(store.grants(&account.id).unwrap(), vec![saved.clone()]);
    assert_eq!(store.grant(&account.id, DEMO_USER_ID).unwrap(), saved);
    assert_eq!(
        store
            .grant(&account.id, DEMO_SECOND_USER_ID)
            .unwrap_err()
            .code(),
        "not_found"
    );

    let client = store.user_client(&account.id, DEMO_USER_ID, None).unwrap();
    let info: Value = client.get("info").await.unwrap().json().unwrap();
    assert_eq!(info["user"]["id"], DEMO_USER_ID);
    let rotated = client.user_grant().unwrap();
    assert_ne!(rotated.refresh_token, grant.refresh_token);
    // The same user of the same account shares one client (and one refresh).
    let again = store.user_client(&account.id, DEMO_USER_ID, None).unwrap();
    assert_eq!(
        again.user_grant().unwrap().refresh_token,
        rotated.refresh_token
    );
    // Another handle on the file sees the rotated refresh token, not the used one.
    let other = AccountStore::open_with_master_key(db, &key).unwrap();
    let reloaded = other.user_client(&account.id, DEMO_USER_ID, None).unwrap();
    assert_eq!(
        reloaded.user_grant().unwrap().refresh_token,
        rotated.refresh_token
    );
    assert!(
        store
            .grant(&account.id, DEMO_USER_ID)
            .unwrap()
            .access_expires_at
            > saved.access_expires_at
    );

    // Nothing secret in the file.
    let bytes = stored_bytes();
    for secret in [
        grant.refresh_token.expose(),
        grant.access_token.expose(),
        rotated.refresh_token.expose(),
        rotated.access_token.expose(),
    ] {
        assert!(
            !contains(&bytes, secret),
            "a token is plain in the database"
        );
    }

    // Re-sealed by a key rotation.
    let rotation = store.rotate_master_key(Some(&[10u8; 32])).unwrap();
    assert_eq!(rotation.grants_resealed, 1);
    let client = store.user_client(&account.id, DEMO_USER_ID, None).unwrap();
    assert_eq!(
        client.user_grant().unwrap().refresh_token,
        rotated.refresh_token
    );

    // Only Cloud accounts take grants; deleting the grant or the account removes it.
    assert_eq!(
        store
            .save_grant("no-such-account", &grant)
            .unwrap_err()
            .code(),
        "not_found"
    );
    store.delete_grant(&account.id, DEMO_USER_ID).unwrap();
    assert_eq!(
        store
            .user_client(&account.id, DEMO_USER_ID, None)
            .unwrap_err()
            .code(),
        "not_found"
    );
    store.save_grant(&account.id, &rotated).unwrap();
    store.delete(&account.id).unwrap();
    assert!(store.grants(&account.id).unwrap().is_empty());
}

#[tokio::test]
async fn two_processes_share_one_rotation_through_the_store() {
    let emu = emulator().await;
    let db = temp_db();
    let key = [11u8; 32];
    let first = AccountStore::open_with_master_key(&db, &key).unwrap();
    let account = first
        .add(
            System::Cloud,
            "Shop",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    let grant = signed_in(&emu, DEMO_USER_ID).await;
    first.save_grant(&account.id, &expired(grant)).unwrap();
    // A second handle on the file stands in for another process; both clients exist before
    // either refreshes.
    let second = AccountStore::open_with_master_key(&db, &key).unwrap();
    let a = first.user_client(&account.id, DEMO_USER_ID, None).unwrap();
    let b = second.user_client(&account.id, DEMO_USER_ID, None).unwrap();
    a.get("info").await.unwrap();
    // b reads the grant a rotated instead of refreshing with the used-up refresh token.
    let info: Value = b.get("info").await.unwrap().json().unwrap();
    assert_eq!(info["user"]["id"], DEMO_USER_ID);
    assert_eq!(emu.stats().grants("refresh_token"), 1);
    assert_eq!(
        b.user_grant().unwrap().refresh_token,
        a.user_grant().unwrap().refresh_token
    );
    let _ = std::fs::remove_dir_all(db.parent().unwrap());
}
