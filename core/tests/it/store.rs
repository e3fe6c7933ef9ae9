use std::path::PathBuf;

use jtl_connect::{AccountClient, AccountStore, ApiClient, System};
use jtl_emulator::{Emulator, Service};

use crate::support::*;

/// A fresh directory for one test's database.
fn temp_db() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jtl-connect-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("accounts.db")
}

const KEY: [u8; 32] = [7; 32];

fn store(path: &std::path::Path) -> AccountStore {
    AccountStore::open_with_master_key(path, &KEY).unwrap()
}

fn add_cloud(store: &AccountStore, emu: &Emulator, name: &str) -> jtl_connect::Account {
    store
        .add(
            System::Cloud,
            name,
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("tenant_id", emu.tenant_id()),
                ("environment", emu.url()),
            ],
        )
        .unwrap()
}

#[tokio::test]
async fn add_list_get_update_delete() {
    let emu = emulator().await;
    let path = temp_db();
    let store = store(&path);
    let shop = add_cloud(&store, &emu, "Main shop");
    assert_eq!(shop.system, System::Cloud);
    assert_eq!(shop.fields["client_id"], emu.client_id());
    assert!(
        !shop.fields.contains_key("client_secret"),
        "never the secret"
    );
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                // JTL-Wawi requires x-appid and x-appversion on data calls (facts §5.2).
                ("app_id", "store-test/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let scx = store
        .add(
            System::Scx,
            "Marktplatz",
            &[
                ("refresh_token", emu.scx_refresh_token()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    let names: Vec<String> = store.list().unwrap().into_iter().map(|a| a.name).collect();
    assert_eq!(
        names,
        ["Main shop", "Marktplatz", "Lager"],
        "sorted by system, then name"
    );
    assert_eq!(store.get(&wawi.id).unwrap(), wawi);
    assert_eq!(
        store.find(System::Scx, "Marktplatz").unwrap().unwrap().id,
        scx.id
    );

    let renamed = store
        .update(&shop.id, Some("Shop DE"), &[("tenant_id", "")])
        .unwrap();
    assert_eq!(renamed.name, "Shop DE");
    assert!(
        !renamed.fields.contains_key("tenant_id"),
        "an empty value clears an optional field"
    );
    assert!(renamed.updated_at >= shop.updated_at);

    store.delete(&wawi.id).unwrap();
    assert_eq!(store.get(&wawi.id).unwrap_err().code(), "not_found");
    assert_eq!(store.delete(&wawi.id).unwrap_err().code(), "not_found");
    assert_eq!(store.list().unwrap().len(), 2);
}

#[tokio::test]
async fn names_are_unique_per_system() {
    let emu = emulator().await;
    let store = store(&temp_db());
    let first = add_cloud(&store, &emu, "Shop");
    let err = store
        .add(
            System::Cloud,
            "Shop",
            &[("client_id", "x"), ("client_secret", "y")],
        )
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("Shop"), "{err}");
    store
        .add(System::Scx, "Shop", &[("refresh_token", "t")])
        .unwrap();
    let second = add_cloud(&store, &emu, "Other");
    assert_eq!(
        store
            .update(&second.id, Some("Shop"), &[])
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(store.get(&first.id).unwrap().name, "Shop");
}

#[test]
fn bad_input_names_the_field() {
    let store = store(&temp_db());
    // (system, name, fields, the field the error must name)
    type Case<'a> = (System, &'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            System::Cloud,
            "",
            vec![("client_id", "a"), ("client_secret", "b")],
            "name",
        ),
        (
            System::Cloud,
            "A",
            vec![("client_secret", "b")],
            "client_id",
        ),
        (
            System::Cloud,
            "A",
            vec![("client_id", "a")],
            "client_secret",
        ),
        (
            System::Cloud,
            "A",
            vec![("client_id", "a"), ("client_secret", "  ")],
            "client_secret",
        ),
        (
            System::Cloud,
            "A",
            vec![
                ("client_id", "a"),
                ("client_secret", "b"),
                ("colour", "red"),
            ],
            "colour",
        ),
        (
            System::Cloud,
            "A",
            vec![
                ("client_id", "a"),
                ("client_secret", "b"),
                ("environment", "mars"),
            ],
            "environment",
        ),
        (
            System::Wawi,
            "W",
            vec![
                ("base_url", "not a url"),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
            "base_url",
        ),
        (
            System::Wawi,
            "W",
            vec![
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
            "base_url",
        ),
        (
            System::Scx,
            "S",
            vec![("refresh_token", "t"), ("sandbox", "perhaps")],
            "sandbox",
        ),
    ];
    for (system, name, fields, field) in cases {
        let err = store.add(system, name, &fields).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{field}: {err}");
        assert!(err.to_string().starts_with(field), "{field}: {err}");
    }
    assert!(store.list().unwrap().is_empty(), "nothing was stored");
    // The same checks without the secret, for forms that ask for it last.
    assert!(System::Cloud.check_fields(&[("client_id", "a")]).is_ok());
    let err = System::Cloud
        .check_fields(&[("tenant_id", "t")])
        .unwrap_err();
    assert!(err.to_string().starts_with("client_id"), "{err}");
    assert!(System::Wawi.check_fields(&[("base_url", "nope")]).is_err());
    assert_eq!(
        System::parse("jtl-erp").unwrap_err().code(),
        "invalid_input"
    );
}

#[tokio::test]
async fn secrets_are_encrypted_at_rest_and_never_returned() {
    let emu = emulator().await;
    let path = temp_db();
    let store = store(&path);
    let long_secret = "cloud-secret-0123456789-abcdef";
    let account = store
        .add(
            System::Cloud,
            "Shop",
            &[("client_id", "cid"), ("client_secret", long_secret)],
        )
        .unwrap();
    store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", "wawi-api-key-plaintext"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    assert_eq!(account.secret_hint.as_deref(), Some("••••cdef"));
    let listed = serde_json::to_string(&store.list().unwrap()).unwrap();
    assert!(
        !listed.contains(long_secret) && !listed.contains("wawi-api-key-plaintext"),
        "{listed}"
    );
    assert!(!format!("{store:?}").contains(long_secret));
    drop(store);
    for file in [path.clone(), path.with_extension("db-wal")] {
        if let Ok(bytes) = std::fs::read(&file) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(long_secret),
                "{} holds the secret in plain text",
                file.display()
            );
            assert!(!text.contains("wawi-api-key-plaintext"));
        }
    }
    // The row is there, the secret is an opaque blob.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let blob: Vec<u8> = conn
        .query_row("SELECT secret FROM accounts WHERE name = 'Shop'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(blob.len() > long_secret.len());
}

#[tokio::test]
async fn a_wrong_master_key_is_refused_and_changes_nothing() {
    let emu = emulator().await;
    let path = temp_db();
    add_cloud(&store(&path), &emu, "Shop");
    let before = std::fs::read(&path).unwrap();
    let err = AccountStore::open_with_master_key(&path, &[8; 32]).unwrap_err();
    assert_eq!(err.code(), "config");
    assert!(err.to_string().contains("master key"), "{err}");
    assert!(
        std::fs::read(&path).unwrap() == before,
        "the database is untouched"
    );
    assert_eq!(
        store(&path).list().unwrap().len(),
        1,
        "the right key still works"
    );
}

#[cfg(unix)]
#[test]
fn the_key_file_is_created_private_and_reused() {
    use std::os::unix::fs::PermissionsExt;
    if std::env::var_os("JTL_CONNECT_MASTER_KEY").is_some() {
        return; // the environment's key wins over the file; nothing to check here
    }
    let path = temp_db();
    let store = AccountStore::open(Some(&path)).unwrap();
    store
        .add(System::Scx, "S", &[("refresh_token", "t")])
        .unwrap();
    let key_file = jtl_connect::store::crypto::key_file_path(&path);
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    for file in [path.clone(), path.with_extension("db-wal")] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    drop(store);
    let again = AccountStore::open(Some(&path)).unwrap();
    assert_eq!(again.list().unwrap().len(), 1);
    assert!(matches!(
        again.key_source(),
        jtl_connect::store::KeySource::File(_)
    ));
}

#[tokio::test]
async fn clients_share_the_token_cache_and_updates_keep_or_replace_the_secret() {
    let emu = emulator().await;
    let store = store(&temp_db());
    let account = add_cloud(&store, &emu, "Shop");
    for _ in 0..3 {
        let AccountClient::Cloud(client) = store.client(&account.id, None).unwrap() else {
            panic!("cloud")
        };
        client.get("info").await.unwrap();
    }
    let AccountClient::Cloud(other) = store
        .client(
            &account.id,
            Some(jtl_emulator::config::DEMO_SECOND_TENANT_ID),
        )
        .unwrap()
    else {
        panic!("cloud")
    };
    assert_eq!(
        other.tenant_id(),
        Some(jtl_emulator::config::DEMO_SECOND_TENANT_ID)
    );
    other.get("info").await.unwrap();
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "one token for every client of the account"
    );

    // An update without a secret keeps the old one.
    store
        .update(&account.id, Some("Shop renamed"), &[])
        .unwrap();
    assert!(store.test_connection(&account.id, None).await.unwrap().ok);
    // A new secret replaces it.
    store
        .update(
            &account.id,
            None,
            &[("client_secret", "not-the-right-secret")],
        )
        .unwrap();
    let test = store.test_connection(&account.id, None).await.unwrap();
    assert!(!test.ok);
    assert_eq!(test.code.as_deref(), Some("invalid_credentials"));
    assert!(!test.message.contains("not-the-right-secret"));
}

#[tokio::test]
async fn test_connection_for_every_system() {
    let emu = emulator().await;
    let store = store(&temp_db());
    let cloud = add_cloud(&store, &emu, "Shop");
    let test = store.test_connection(&cloud.id, None).await.unwrap();
    assert!(test.ok, "{test:?}");
    assert!(test.message.contains("/info"), "{test:?}");
    let no_tenant = store
        .add(
            System::Cloud,
            "No tenant",
            &[
                ("client_id", emu.client_id()),
                ("client_secret", emu.client_secret()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    assert!(store.test_connection(&no_tenant.id, None).await.unwrap().ok);

    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                // JTL-Wawi requires x-appid and x-appversion on data calls (facts §5.2).
                ("app_id", "store-test/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let test = store.test_connection(&wawi.id, None).await.unwrap();
    assert!(test.ok, "{test:?}");
    let bad_wawi = store
        .add(
            System::Wawi,
            "Lager 2",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", "nope"),
                ("app_id", "store-test/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let test = store.test_connection(&bad_wawi.id, None).await.unwrap();
    assert_eq!(test.code.as_deref(), Some("unauthorized"));

    let scx = store
        .add(
            System::Scx,
            "SCX",
            &[
                ("refresh_token", emu.scx_refresh_token()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    assert!(store.test_connection(&scx.id, None).await.unwrap().ok);
    let bad_scx = store
        .add(
            System::Scx,
            "SCX 2",
            &[("refresh_token", "unknown"), ("environment", emu.url())],
        )
        .unwrap();
    let test = store.test_connection(&bad_scx.id, None).await.unwrap();
    assert_eq!(test.code.as_deref(), Some("invalid_credentials"));
    assert_eq!(
        store
            .test_connection("no-such-id", None)
            .await
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn concurrent_writers_on_one_file_lose_nothing() {
    let path = temp_db();
    drop(store(&path));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = store(&path);
                for i in 0..25 {
                    store
                        .add(
                            System::Scx,
                            &format!("account {t}-{i}"),
                            &[("refresh_token", "t")],
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(store(&path).list().unwrap().len(), 100);
}

#[test]
fn schema_versions_are_migrated_and_newer_ones_refused() {
    let path = temp_db();
    drop(store(&path));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3, "schema 3 adds the user grants (issue 20)");
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = AccountStore::open_with_master_key(&path, &KEY).unwrap_err();
    assert_eq!(err.code(), "store");
    assert!(err.to_string().contains("newer"), "{err}");
}

/// A plain TCP server that counts connections and answers every request with `body` (500):
/// where an edited row would send its secret, or an internal service a test points at.
struct Target {
    url: String,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

async fn target(body: &'static str) -> Target {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let answer = format!(
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
            });
        }
    });
    Target { url, connections }
}

impl Target {
    fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Edits one column of the account's row directly in the file, as someone without the
/// master key could.
fn edit_row(path: &std::path::Path, id: &str, sql_set: &str, value: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let changed = conn
        .execute(
            &format!("UPDATE accounts SET {sql_set} WHERE id = ?2"),
            rusqlite::params![value, id],
        )
        .unwrap();
    assert_eq!(changed, 1);
}

fn edit_field(path: &std::path::Path, id: &str, field: &str, value: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let fields: String = conn
        .query_row("SELECT fields FROM accounts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let mut fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fields).unwrap();
    fields.insert(field.into(), value.into());
    drop(conn);
    edit_row(
        path,
        id,
        "fields = ?1",
        &serde_json::Value::Object(fields).to_string(),
    );
}

#[tokio::test]
async fn a_field_edited_in_the_file_is_refused_and_nothing_is_sent() {
    let emu = emulator().await;
    let evil = target("{}").await;
    let path = temp_db();
    let store = store(&path);
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let cloud = add_cloud(&store, &emu, "Shop");
    let scx = store
        .add(
            System::Scx,
            "SCX",
            &[
                ("refresh_token", emu.scx_refresh_token()),
                ("environment", emu.url()),
            ],
        )
        .unwrap();
    // (account, column edit) pairs; each must be refused before any client exists.
    type Edit<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let edits: Vec<Edit> = vec![
        (
            &wawi.id,
            Box::new(|| edit_field(&path, &wawi.id, "base_url", &evil.url)),
        ),
        (
            &cloud.id,
            Box::new(|| edit_field(&path, &cloud.id, "environment", &evil.url)),
        ),
        (
            &cloud.id,
            Box::new(|| edit_field(&path, &cloud.id, "client_id", "someone-else")),
        ),
        (
            &scx.id,
            Box::new(|| edit_field(&path, &scx.id, "environment", &evil.url)),
        ),
        (
            &scx.id,
            Box::new(|| edit_row(&path, &scx.id, "name = ?1", "Renamed in the file")),
        ),
        (
            &cloud.id,
            Box::new(|| edit_row(&path, &cloud.id, "system = ?1", "jtl-scx")),
        ),
    ];
    for (id, edit) in edits {
        // A fresh store each time: no client cached from before the edit.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let saved: (String, String, String) = conn
            .query_row(
                "SELECT fields, name, system FROM accounts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        edit();
        let store = self::store(&path);
        let err = store.test_connection(id, None).await.unwrap_err();
        assert_eq!(err.code(), "store", "{err}");
        assert!(
            err.to_string().contains("changed outside the store"),
            "{err}"
        );
        assert!(err.to_string().contains(id), "names the account: {err}");
        assert_eq!(store.client(id, None).unwrap_err().code(), "store");
        // An update must not re-seal the edited row into a valid one.
        assert_eq!(
            store
                .update(id, None, &[("app_version", "")])
                .or_else(|_| store.update(id, Some("x"), &[]))
                .unwrap_err()
                .code(),
            "store"
        );
        conn.execute(
            "UPDATE accounts SET fields = ?1, name = ?2, system = ?3 WHERE id = ?4",
            rusqlite::params![saved.0, saved.1, saved.2, id],
        )
        .unwrap();
        assert!(
            store.test_connection(id, None).await.unwrap().ok,
            "restored, the row opens again"
        );
    }
    assert_eq!(evil.connections(), 0, "nothing reached the edited address");
    // Deleting a refused row stays possible.
    edit_field(&path, &wawi.id, "base_url", &evil.url);
    store.delete(&wawi.id).unwrap();
}

#[tokio::test]
async fn a_client_cached_before_an_edit_is_not_reused_for_the_edited_row() {
    let emu = emulator().await;
    let evil = target("{}").await;
    let path = temp_db();
    let store = store(&path);
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    assert!(store.test_connection(&wawi.id, None).await.unwrap().ok);
    edit_field(&path, &wawi.id, "base_url", &evil.url);
    assert_eq!(
        store
            .test_connection(&wawi.id, None)
            .await
            .unwrap_err()
            .code(),
        "store"
    );
    assert_eq!(evil.connections(), 0);
}

#[tokio::test]
async fn moving_a_destination_needs_the_secret_again() {
    let emu = emulator().await;
    let evil = target("{}").await;
    let store = store(&temp_db());
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let cloud = add_cloud(&store, &emu, "Shop");
    let scx = store
        .add(System::Scx, "SCX", &[("refresh_token", "t")])
        .unwrap();
    // (account, the change, the secret field the error must name)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 5] = [
        (&wawi.id, vec![("base_url", &evil.url)], "api_key"),
        (&cloud.id, vec![("environment", &evil.url)], "client_secret"),
        (&cloud.id, vec![("environment", "")], "client_secret"),
        (&scx.id, vec![("sandbox", "true")], "refresh_token"),
        (&scx.id, vec![("environment", "qa")], "refresh_token"),
    ];
    for (id, change, secret_field) in &cases {
        let before = store.get(id).unwrap();
        let err = store.update(id, None, change).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{err}");
        assert!(
            err.to_string()
                .starts_with(&format!("{secret_field}: required again when")),
            "{err}"
        );
        assert_eq!(store.get(id).unwrap(), before, "nothing changed");
        // A blank secret is no secret.
        let mut blank = change.clone();
        blank.push((secret_field, "  "));
        assert_eq!(
            store.update(id, None, &blank).unwrap_err().code(),
            "invalid_input"
        );
    }
    assert_eq!(evil.connections(), 0);
    // Resending the same destination is no move; other fields change freely.
    store
        .update(
            &wawi.id,
            Some("Lager 2"),
            &[
                ("base_url", &format!("{}/", emu.wawi_base())),
                ("app_version", "2"),
            ],
        )
        .unwrap();
    assert!(store.test_connection(&wawi.id, None).await.unwrap().ok);
    // With the secret in the same call, the move is allowed.
    let moved = store
        .update(
            &cloud.id,
            None,
            &[("environment", "qa"), ("client_secret", "new-secret")],
        )
        .unwrap();
    assert_eq!(moved.fields["environment"], "qa");
    assert_eq!(System::Scx.destination_fields(), ["sandbox", "environment"]);
}

#[test]
fn link_local_and_metadata_destinations_are_refused() {
    let store = store(&temp_db());
    for (system, fields, field) in [
        (
            System::Wawi,
            vec![
                ("base_url", "http://169.254.169.254/latest/meta-data"),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
            "base_url",
        ),
        (
            System::Wawi,
            vec![
                ("base_url", "http://[fe80::1]:5883/api"),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
            "base_url",
        ),
        (
            System::Cloud,
            vec![
                ("client_id", "c"),
                ("client_secret", "s"),
                ("environment", "http://metadata.google.internal/"),
            ],
            "environment",
        ),
        (
            System::Scx,
            vec![
                ("refresh_token", "t"),
                ("environment", "https://169.254.170.2"),
            ],
            "environment",
        ),
    ] {
        let err = store.add(system, "A", &fields).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{err}");
        assert!(err.to_string().starts_with(field), "{err}");
        assert!(err.to_string().contains("link-local"), "{err}");
    }
    assert!(store.list().unwrap().is_empty());
    // The merchant's LAN over plain http stays allowed for Wawi.
    store
        .add(
            System::Wawi,
            "LAN",
            &[
                ("base_url", "http://192.168.0.5:5883/api/eazybusiness"),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
}

#[tokio::test]
async fn test_connection_never_returns_the_targets_body() {
    let internal = target(r#"{"message":"INTERNAL-PAGE-7f3a: admin password hunter2"}"#).await;
    let store = store(&temp_db());
    let wawi = store
        .add(
            System::Wawi,
            "Internal",
            &[
                ("base_url", &internal.url),
                ("api_key", "k"),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let test = store.test_connection(&wawi.id, None).await.unwrap();
    assert!(!test.ok);
    assert_eq!(test.status, Some(500), "{test:?}");
    assert_eq!(test.code.as_deref(), Some("api"), "{test:?}");
    assert!(!test.message.contains("INTERNAL-PAGE"), "{test:?}");
    assert!(!test.message.contains("hunter2"), "{test:?}");
    assert!(test.message.contains("127.0.0.1"), "{test:?}");
    assert!(internal.connections() > 0);
}

#[tokio::test]
async fn key_rotation_reseals_every_row_and_old_ciphertexts_stop_opening() {
    let emu = emulator().await;
    let path = temp_db();
    let store = store(&path);
    let cloud = add_cloud(&store, &emu, "Shop");
    let wawi = store
        .add(
            System::Wawi,
            "Lager",
            &[
                ("base_url", &emu.wawi_base()),
                ("api_key", emu.wawi_api_key()),
                ("app_id", "MyApp/1.0.0"),
                ("app_version", "1.0.0"),
            ],
        )
        .unwrap();
    let old_secret = |id: &str| -> Vec<u8> {
        rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("SELECT secret FROM accounts WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let before = old_secret(&wawi.id);
    let other_handle = self::store(&path);
    assert_eq!(store.key_generation(), 1);
    let new_key = [9u8; 32];
    let rotation = store.rotate_master_key(Some(&new_key)).unwrap();
    assert_eq!(rotation.generation, 2);
    assert_eq!((rotation.resealed, rotation.unreadable), (2, 0));
    assert!(store.test_connection(&cloud.id, None).await.unwrap().ok);
    assert!(store.test_connection(&wawi.id, None).await.unwrap().ok);
    // The old key no longer opens the store; the new one does.
    assert_eq!(
        AccountStore::open_with_master_key(&path, &KEY)
            .unwrap_err()
            .code(),
        "config"
    );
    let reopened = AccountStore::open_with_master_key(&path, &new_key).unwrap();
    assert_eq!(reopened.list().unwrap().len(), 2);
    // A handle opened before the rotation is told to reopen, and writes nothing.
    let err = other_handle
        .add(System::Scx, "late", &[("refresh_token", "t")])
        .unwrap_err();
    assert_eq!(err.code(), "config", "{err}");
    assert!(err.to_string().contains("rotated"), "{err}");
    assert_eq!(
        other_handle.client(&wawi.id, None).unwrap_err().code(),
        "config"
    );
    // A ciphertext from before the rotation (a restored backup row) is refused.
    edit_row(&path, &wawi.id, "secret = ?1", "");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE accounts SET secret = ?1 WHERE id = ?2",
            rusqlite::params![before, wawi.id],
        )
        .unwrap();
    let err = reopened.test_connection(&wawi.id, None).await.unwrap_err();
    assert_eq!(err.code(), "store");
    assert!(
        err.to_string().contains("changed outside the store"),
        "{err}"
    );
    // Even rotating back to the first key does not revive it: the generation moved on.
    let back = reopened.rotate_master_key(Some(&KEY)).unwrap();
    assert_eq!((back.generation, back.resealed, back.unreadable), (3, 1, 1));
    let err = reopened.test_connection(&wawi.id, None).await.unwrap_err();
    assert_eq!(err.code(), "store");
    // An explicit key is needed when it is not from a key file.
    assert_eq!(
        reopened.rotate_master_key(None).unwrap_err().code(),
        "invalid_input"
    );
}

#[cfg(unix)]
#[test]
fn key_file_rotation_and_a_missing_key_file() {
    if std::env::var_os("JTL_CONNECT_MASTER_KEY").is_some() {
        return; // the environment's key wins over the file; nothing to check here
    }
    let path = temp_db();
    let key_file = jtl_connect::store::crypto::key_file_path(&path);
    let store = AccountStore::open(Some(&path)).unwrap();
    store
        .add(System::Scx, "S", &[("refresh_token", "t")])
        .unwrap();
    let old_key = std::fs::read_to_string(&key_file).unwrap();
    let rotation = store.rotate_master_key(None).unwrap();
    assert_eq!(rotation.resealed, 1);
    let new_key = std::fs::read_to_string(&key_file).unwrap();
    assert_ne!(old_key, new_key, "the key file holds the new key");
    drop(store);
    let again = AccountStore::open(Some(&path)).unwrap();
    assert_eq!(again.list().unwrap().len(), 1);
    assert_eq!(again.key_generation(), 2);
    drop(again);
    // The key file goes missing: refused, and no new key file appears.
    std::fs::remove_file(&key_file).unwrap();
    let err = AccountStore::open(Some(&path)).unwrap_err();
    assert_eq!(err.code(), "config", "{err}");
    assert!(err.to_string().contains("key file"), "{err}");
    assert!(err.to_string().contains("missing"), "{err}");
    assert!(!key_file.exists(), "no key file was written");
}

#[test]
fn racing_keys_on_a_new_store_never_both_get_in() {
    for trial in 0..5 {
        let path = temp_db();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let handles: Vec<_> = (0..4u8)
            .map(|k| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let opened = AccountStore::open_with_master_key(&path, &[k + 1; 32]);
                    opened.map(|s| {
                        s.add(
                            System::Scx,
                            &format!("by key {k}"),
                            &[("refresh_token", "t")],
                        )
                        .unwrap();
                        k
                    })
                })
            })
            .collect();
        let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<u8> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().ok().copied())
            .collect();
        assert_eq!(winners.len(), 1, "trial {trial}: {outcomes:?}");
        for err in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            assert_eq!(err.code(), "config", "trial {trial}: {err}");
        }
        let store = AccountStore::open_with_master_key(&path, &[winners[0] + 1; 32]).unwrap();
        assert_eq!(store.list().unwrap().len(), 1);
    }
}
