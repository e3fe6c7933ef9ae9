//! The core sends request bodies as bare `application/json` (facts §1.1 "Content-Type
//! strictness": JTL refuses `application/json; charset=utf-8`). The emulator refuses every
//! other content type by default, so these writes succeeding proves what the core sends.

use jtl_connect::ApiClient;
use jtl_connect::Request;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn bodies_go_out_as_bare_application_json() {
    let emu = emulator().await;
    assert!(!emu.settings().accept_json_charset, "the strict default");
    let client = cloud(&emu);
    let created: serde_json::Value = client
        .post("items", json!({ "sKU": "CT-1", "name": "Bare JSON" }))
        .await
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    client
        .patch(&format!("items/{id}"), json!({ "name": "Still bare" }))
        .await
        .unwrap();
    client
        .put(
            &format!("items/{id}"),
            json!({ "sKU": "CT-1", "name": "Put" }),
        )
        .await
        .unwrap();
    let graphql =
        Request::post("graphql").json(json!({ "query": "{ QueryItems { totalCount } }" }));
    assert_eq!(client.request(graphql).await.unwrap().status(), 200);
    // The emulator's refusal is real: the same write with a charset parameter is a 415.
    let refused = reqwest_post_with_charset(&emu).await;
    assert_eq!(refused, 415);
    assert_eq!(emu.stats().created("items"), 1);
}

async fn reqwest_post_with_charset(emu: &jtl_emulator::Emulator) -> u16 {
    let client = cloud(emu);
    let token = client.access_token().await.unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
        .post(format!("{}/items", emu.api_base()))
        .bearer_auth(token.expose())
        .header("X-Tenant-ID", emu.tenant_id())
        .header("Content-Type", "application/json; charset=utf-8")
        .body(r#"{"sKU":"CT-2","name":"x"}"#)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
