use std::sync::{Arc, Mutex};

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
    emu.update_settings(json!({ "scx_redelivery_timeout_ms": 0 }))
        .unwrap();
    let client = scx(&emu, emu.scx_refresh_token());
    emu.push_scx_event("Seller:Order.Accepted", json!({ "orderId": "A-1" }));
    emu.push_scx_event("Seller:Offer.Update", json!({ "sku": "X" }));
    let events = client.events().await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].kind, "Seller:Order.Accepted");
    assert_eq!(events[0].event["orderId"], "A-1");
    client.acknowledge(&[events[0].id.clone()]).await.unwrap();
    let left = client.events().await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].id, events[1].id);
    client.acknowledge(&[]).await.unwrap();
}

#[tokio::test]
async fn seller_sign_up_is_a_seller_api_call() {
    // facts §6.4: seller token, User-Agent, ^\w{5,15}$, expiresAt unix seconds.
    let emu = emulator().await;
    let seller = scx(&emu, emu.scx_seller_refresh_token());
    let sign_up = seller
        .seller_sign_up("MYCHANNEL", "Wawi/1.11.0.3")
        .await
        .unwrap();
    assert!(sign_up.sign_up_url.contains("MYCHANNEL"));
    let in_secs = sign_up
        .expires_at
        .duration_since(std::time::SystemTime::now())
        .unwrap()
        .as_secs();
    assert!((3500..=3600).contains(&in_secs), "{in_secs}");
    for (channel, agent, what) in [
        ("bad name", "Wawi/1.11.0.3", "channel"),
        ("abcd", "Wawi/1.11.0.3", "channel"),
        ("abcdefghijklmnop", "Wawi/1.11.0.3", "channel"),
        ("MYCHANNEL", " ", "user_agent"),
    ] {
        let err = seller.seller_sign_up(channel, agent).await.unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains(what), "{what}: {err}");
    }
    let channel = scx(&emu, emu.scx_refresh_token());
    let err = channel
        .seller_sign_up("MYCHANNEL", "Wawi/1.11.0.3")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("Seller API"), "{err}");
    assert_eq!(
        emu.stats().route("POST /v1/seller/channel/{channel}"),
        1,
        "only the valid call was sent"
    );
}

#[tokio::test]
async fn process_events_acknowledges_only_the_events_whose_handler_succeeded() {
    let emu = emulator().await;
    emu.update_settings(json!({ "scx_redelivery_timeout_ms": 0 }))
        .unwrap();
    let client = scx(&emu, emu.scx_refresh_token());
    let good = emu.push_scx_event("Seller:Order.Accepted", json!({ "orderId": "A-1" }));
    let bad = emu.push_scx_event("Seller:Order.Payment", json!({ "orderId": "A-2" }));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let outcome = client
        .process_events(|event| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push(event.id.clone());
                if event.kind == "Seller:Order.Payment" {
                    Err("payment service down")
                } else {
                    Ok(())
                }
            }
        })
        .await
        .unwrap();
    assert_eq!(outcome.acknowledged, [good["id"].as_str().unwrap()]);
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].id, bad["id"].as_str().unwrap());
    assert_eq!(outcome.failed[0].message, "payment service down");
    assert_eq!(
        seen.lock().unwrap().len(),
        2,
        "each event handled once per call"
    );
    let left = client.events().await.unwrap();
    assert_eq!(left.len(), 1, "the failed event is redelivered");
    assert_eq!(left[0].id, bad["id"].as_str().unwrap());
}

#[tokio::test]
async fn process_events_acknowledges_in_batches_of_at_most_100() {
    // facts §6.3: ack takes 1–100 ids; 150 events → two fetches, two acks.
    let emu = emulator().await;
    let client = scx(&emu, emu.scx_refresh_token());
    for i in 0..150 {
        emu.push_scx_event("Seller:Offer.StockUpdate", json!({ "n": i }));
    }
    let outcome = client
        .process_events(|_| async { Ok::<(), String>(()) })
        .await
        .unwrap();
    assert_eq!(outcome.acknowledged.len(), 150);
    assert!(outcome.failed.is_empty());
    assert_eq!(emu.stats().route("DELETE /v1/channel/event"), 2);
    let many: Vec<String> = (0..250).map(|i| format!("evt-{i}")).collect();
    client.acknowledge(&many).await.unwrap();
    assert_eq!(
        emu.stats().route("DELETE /v1/channel/event"),
        5,
        "100 + 100 + 50"
    );
}

#[tokio::test]
async fn channel_scope_in_either_spelling_works() {
    // facts §6.1 scope values: CHANNEL (docs) or CHAN (generated client).
    let emu = emulator().await;
    emu.update_settings(json!({ "scx_channel_scope": "CHAN" }))
        .unwrap();
    let client = scx(&emu, emu.scx_refresh_token());
    assert_eq!(client.access_token().await.unwrap().scope(), Some("CHAN"));
    assert!(client.events().await.unwrap().is_empty());
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
