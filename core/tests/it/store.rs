use std::path::PathBuf;

use jtl_connect::{AccountClient, AccountStore, System};
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
            vec![("base_url", "not a url"), ("api_key", "k")],
            "base_url",
        ),
        (System::Wawi, "W", vec![("api_key", "k")], "base_url"),
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
    assert_eq!(err.code(), "store");
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
    assert_eq!(version, 1);
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = AccountStore::open_with_master_key(&path, &KEY).unwrap_err();
    assert_eq!(err.code(), "store");
    assert!(err.to_string().contains("newer"), "{err}");
}
