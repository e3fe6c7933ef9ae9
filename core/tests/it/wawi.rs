use std::time::{Duration, Instant};

use jtl_connect::{
    register_wawi_app, Cancellation, PendingRegistration, RegistrationOptions, RegistrationStatus,
    WawiApp, WawiClient,
};
use jtl_emulator::Emulator;
use serde_json::json;

use crate::support::*;

fn app() -> WawiApp {
    WawiApp {
        app_id: "com.example.exporter".into(),
        display_name: "Exporter".into(),
        description: "Exports items".into(),
        version: "1.0.0".into(),
        provider_name: "Example GmbH".into(),
        provider_website: "https://example.com".into(),
        mandatory_scopes: vec!["items.read".into()],
        optional_scopes: vec!["customers.read".into()],
        icon_base64: None,
    }
}

fn options(timeout: Duration) -> RegistrationOptions {
    RegistrationOptions {
        poll_interval: Duration::from_millis(50),
        timeout,
        http: quick_http(),
        ..RegistrationOptions::default()
    }
}

fn client(emu: &Emulator, key: &str) -> WawiClient {
    WawiClient::builder(&emu.wawi_base(), key)
        .app_id("com.example.exporter")
        .app_version("1.0.0")
        .http_options(quick_http())
        .build()
        .unwrap()
}

#[tokio::test]
async fn registration_approved_yields_a_working_key() {
    let emu = emulator().await;
    emu.update_settings(json!({ "wawi_auto_approve_ms": 200 }))
        .unwrap();
    let registration =
        register_wawi_app(&emu.wawi_base(), &app(), options(Duration::from_secs(10)))
            .await
            .unwrap();
    assert_eq!(registration.app_id, "com.example.exporter");
    assert_eq!(
        registration.granted_scopes,
        ["items.read", "customers.read"]
    );
    assert!(!format!("{registration:?}").contains(registration.api_key.expose()));
    let wawi = client(&emu, registration.api_key.expose());
    let items = wawi
        .paginate("v1/items", vec![], Some(25))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(items.len(), 60, "three PascalCase pages");
    assert_eq!(items[0]["Sku"], "EMU-0001");
}

#[tokio::test]
async fn approval_through_the_admin_api_while_polling() {
    let emu = emulator().await;
    let pending =
        PendingRegistration::start(&emu.wawi_base(), &app(), &options(Duration::from_secs(10)))
            .await
            .unwrap();
    assert!(matches!(
        pending.poll().await.unwrap(),
        RegistrationStatus::Pending
    ));
    emu.approve_wawi_registration(pending.request_id(), Some(vec!["items.read".into()]))
        .unwrap();
    let RegistrationStatus::Accepted(registration) = pending.poll().await.unwrap() else {
        panic!("expected acceptance")
    };
    assert_eq!(registration.granted_scopes, ["items.read"]);
}

#[tokio::test]
async fn rejection_is_a_clear_error() {
    let emu = emulator().await;
    let pending =
        PendingRegistration::start(&emu.wawi_base(), &app(), &options(Duration::from_secs(10)))
            .await
            .unwrap();
    emu.reject_wawi_registration(pending.request_id()).unwrap();
    let err = pending
        .wait(Duration::from_millis(50), Duration::from_secs(5), None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "registration_rejected");
    assert!(err.to_string().contains("rejected"), "{err}");
}

#[tokio::test]
async fn no_decision_times_out_and_cancellation_stops_the_wait() {
    let emu = emulator().await;
    let started = Instant::now();
    let err = register_wawi_app(
        &emu.wawi_base(),
        &app(),
        options(Duration::from_millis(300)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "timeout");
    assert!(
        err.to_string().contains("Admin"),
        "says where to approve: {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));

    let cancellation = Cancellation::new();
    let mut opts = options(Duration::from_secs(60));
    opts.cancellation = Some(cancellation.clone());
    let waiting = tokio::spawn({
        let base = emu.wawi_base();
        async move { register_wawi_app(&base, &app(), opts).await }
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    cancellation.cancel();
    let err = tokio::time::timeout(Duration::from_secs(2), waiting)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
}

#[tokio::test]
async fn bad_registration_input_is_refused_locally() {
    let emu = emulator().await;
    let mut bad = app();
    bad.app_id = " ".into();
    let err = register_wawi_app(&emu.wawi_base(), &bad, options(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let mut opts = options(Duration::from_secs(1));
    opts.challenge_code = Some("x".repeat(31));
    let err = register_wawi_app(&emu.wawi_base(), &app(), opts)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("30"), "{err}");
    assert_eq!(emu.stats().get(jtl_emulator::Service::WawiRegistration), 0);
}

#[tokio::test]
async fn wawi_client_sends_its_headers_and_maps_errors() {
    let emu = emulator().await;
    let wawi = client(&emu, emu.wawi_api_key());
    let page = wawi.page("v1/items", &[], 2, 20).await.unwrap();
    assert_eq!(page.page_number, 2);
    assert_eq!(page.next_page, Some(3));
    assert_eq!(page.total_items, Some(60));
    let item: serde_json::Value = wawi.get("v1/items/5").await.unwrap().json().unwrap();
    assert_eq!(item["Id"], 5);
    let err = wawi.get("v1/items/999").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    let err = client(&emu, "not-a-registered-key")
        .get("v1/items")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert!(!err.to_string().contains("not-a-registered-key"));
    assert_eq!(
        emu.stats().get(jtl_emulator::Service::Wawi),
        4,
        "a 401 with an API key is not retried"
    );
    assert!(
        WawiClient::new("http://192.168.1.20:5883/api/eazybusiness", "k").is_ok(),
        "plain http in the LAN is fine for OnPremise"
    );
    assert!(WawiClient::new("ftp://x", "k").is_err());
}
