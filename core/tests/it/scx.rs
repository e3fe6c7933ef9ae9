use jtl_connect::{ScxClient, Secret};
use jtl_emulator::{Fault, Service};
use serde_json::json;

use crate::support::*;

fn scx(emu: &jtl_emulator::Emulator, refresh_token: &str) -> ScxClient {
    ScxClient::builder(Secret::new(refresh_token))
        .endpoints(endpoints(emu))
        .http_options(quick_http())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_exchange_gives_a_cached_auth_token() {
    let emu = emulator().await;
    let client = scx(&emu, emu.scx_refresh_token());
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.access_token().await.unwrap() })
        })
        .collect();
    for task in tasks {
        let token = task.await.unwrap();
        assert_eq!(token.lifetime().as_secs(), 3600);
        assert_eq!(token.scope(), Some("CHANNEL"));
    }
    assert_eq!(emu.stats().get(Service::ScxAuth), 1);
}

#[tokio::test]
async fn events_are_fetched_and_acknowledged() {
    let emu = emulator().await;
    let client = scx(&emu, emu.scx_refresh_token());
    emu.push_scx_event("Seller:Order.Created", json!({ "orderId": "A-1" }));
    emu.push_scx_event("Seller:Offer.Updated", json!({ "sku": "X" }));
    let events = client.events().await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].kind, "Seller:Order.Created");
    assert_eq!(events[0].event["orderId"], "A-1");
    client.acknowledge(&[events[0].id.clone()]).await.unwrap();
    let left = client.events().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, events[1].id);
    client.acknowledge(&[]).await.unwrap();
    let sign_up = client.seller_sign_up("MYCHANNEL").await.unwrap();
    assert!(sign_up["signUpUrl"].as_str().unwrap().contains("MYCHANNEL"));
    assert_eq!(
        client.seller_sign_up("bad name").await.unwrap_err().code(),
        "invalid_input"
    );
}

#[tokio::test]
async fn unknown_refresh_tokens_are_invalid_credentials_without_leaking() {
    let emu = emulator().await;
    let client = scx(&emu, "scx-refresh-token-that-nobody-knows");
    let err = client.events().await.unwrap_err();
    assert_eq!(err.code(), "invalid_credentials");
    assert_eq!(err.detail().unwrap().error_code.as_deref(), Some("ATH100"));
    assert!(!err.to_string().contains("nobody-knows"), "{err}");
    assert!(!format!("{client:?}").contains("nobody-knows"));
    assert_eq!(emu.stats().get(Service::ScxAuth), 1, "not retried");
    assert!(ScxClient::new("", endpoints(&emu)).is_err());
}

#[tokio::test]
async fn an_expiry_the_server_garbles_falls_back_to_token_expire_at() {
    let emu = emulator().await;
    emu.inject_fault(Fault::expires_in(Service::ScxAuth, 0))
        .unwrap();
    let client = scx(&emu, emu.scx_refresh_token());
    let token = client.access_token().await.unwrap();
    let lifetime = token.lifetime().as_secs();
    assert!((3590..=3600).contains(&lifetime), "{lifetime}");
}

#[tokio::test]
async fn a_401_on_the_channel_api_refreshes_once() {
    let emu = emulator().await;
    let client = scx(&emu, emu.scx_refresh_token());
    client.events().await.unwrap();
    emu.inject_fault(Fault::status(Service::Scx, 401)).unwrap();
    client.events().await.unwrap();
    assert_eq!(emu.stats().get(Service::ScxAuth), 2);
}
