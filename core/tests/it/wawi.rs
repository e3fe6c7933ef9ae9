use std::time::{Duration, Instant};

use jtl_connect::{
    register_wawi_app, ApiClient, Cancellation, PendingRegistration, RegistrationOptions,
    RegistrationPath, RegistrationStatus, WawiApp, WawiClient,
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
        tenant_id: Some(jtl_emulator::config::DEMO_TENANT_ID.into()),
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
    bad.description = String::new();
    bad.provider_name = String::new();
    bad.provider_website = String::new();
    bad.mandatory_scopes = vec![];
    let err = register_wawi_app(&emu.wawi_base(), &bad, options(Duration::from_secs(1)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    for field in [
        "app_id",
        "description",
        "provider_name",
        "provider_website",
        "mandatory_scopes",
    ] {
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    assert!(!err.to_string().contains("display_name"), "{err}");
    let mut opts = options(Duration::from_secs(1));
    opts.tenant_id = None;
    let err = register_wawi_app(&emu.wawi_base(), &app(), opts)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("tenant_id"), "{err}");
    let mut opts = options(Duration::from_secs(1));
    opts.tenant_id = Some("tenant-1".into());
    let err = register_wawi_app(&emu.wawi_base(), &app(), opts)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("UUID"), "{err}");
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
        WawiClient::new("http://192.168.1.20:5883/api/eazybusiness", "k", "a/1", "1").is_ok(),
        "plain http in the LAN is fine for OnPremise"
    );
    assert!(WawiClient::new("ftp://x", "k", "a/1", "1").is_err());
}

fn registration_options(path: RegistrationPath) -> RegistrationOptions {
    RegistrationOptions {
        path,
        ..options(Duration::from_secs(5))
    }
}

const BOTH_CASINGS: [RegistrationPath; 2] = [RegistrationPath::V1, RegistrationPath::V2];

#[tokio::test]
async fn accepted_in_both_casings_with_key_and_scopes() {
    // facts §5.1: Status 2 nested in RequestStatusInfo (v1) / requestStatusInfo (v2).
    let emu = emulator().await;
    for path in BOTH_CASINGS
        .into_iter()
        .chain([RegistrationPath::Unversioned])
    {
        let mut app = app();
        app.app_id = format!("com.example.{path:?}");
        let pending =
            PendingRegistration::start(&emu.wawi_base(), &app, &registration_options(path))
                .await
                .unwrap();
        assert!(matches!(
            pending.poll().await.unwrap(),
            RegistrationStatus::Pending
        ));
        emu.approve_wawi_registration(pending.request_id(), None)
            .unwrap();
        let RegistrationStatus::Accepted(registration) = pending.poll().await.unwrap() else {
            panic!("{path:?}: expected acceptance")
        };
        assert_eq!(registration.app_id, app.app_id, "{path:?}");
        assert_eq!(
            registration.granted_scopes,
            ["items.read", "customers.read"]
        );
        assert!(!registration.api_key.expose().is_empty());
    }
}

#[tokio::test]
async fn rejected_in_both_casings_at_the_poll_that_sees_it() {
    // facts §5.1: Status 1 = rejected → registration_rejected, not "pending until timeout".
    let emu = emulator().await;
    for path in BOTH_CASINGS {
        let mut app = app();
        app.app_id = format!("com.example.{path:?}");
        let pending =
            PendingRegistration::start(&emu.wawi_base(), &app, &registration_options(path))
                .await
                .unwrap();
        emu.reject_wawi_registration(pending.request_id()).unwrap();
        let err = pending.poll().await.unwrap_err();
        assert_eq!(err.code(), "registration_rejected", "{path:?}: {err}");
    }
}

#[tokio::test]
async fn a_poll_after_the_answer_gets_a_clear_410_error_in_both_casings() {
    // facts §5.1: later polls → 410 (already answered).
    let emu = emulator().await;
    for path in BOTH_CASINGS {
        let mut app = app();
        app.app_id = format!("com.example.{path:?}");
        let pending =
            PendingRegistration::start(&emu.wawi_base(), &app, &registration_options(path))
                .await
                .unwrap();
        emu.approve_wawi_registration(pending.request_id(), None)
            .unwrap();
        assert!(matches!(
            pending.poll().await.unwrap(),
            RegistrationStatus::Accepted(_)
        ));
        let err = pending.poll().await.unwrap_err();
        assert_eq!(err.status(), Some(410), "{path:?}: {err}");
        assert!(err.to_string().contains("already answered"), "{err}");
    }
}

#[tokio::test]
async fn no_licence_is_a_clear_402_error_in_both_casings() {
    // facts §5.1 / §3.1: 402 = no licence available or app not authorised by JTL.
    let emu = emulator().await;
    emu.update_settings(json!({ "wawi_licensed": false }))
        .unwrap();
    for path in BOTH_CASINGS {
        let err = PendingRegistration::start(&emu.wawi_base(), &app(), &registration_options(path))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(402), "{path:?}: {err}");
        assert!(err.to_string().contains("no licence"), "{err}");
        assert!(err.to_string().contains("not authorised by JTL"), "{err}");
    }
}

#[tokio::test]
async fn an_app_id_already_registered_is_a_conflict() {
    // facts §5.1: 409 = AppId already registered.
    let emu = emulator().await;
    let pending =
        PendingRegistration::start(&emu.wawi_base(), &app(), &options(Duration::from_secs(5)))
            .await
            .unwrap();
    emu.approve_wawi_registration(pending.request_id(), None)
        .unwrap();
    let err =
        PendingRegistration::start(&emu.wawi_base(), &app(), &options(Duration::from_secs(5)))
            .await
            .unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
    assert!(err.to_string().contains("already registered"), "{err}");
}

#[tokio::test]
async fn the_default_icon_is_a_valid_png() {
    use base64::Engine as _;
    let png = base64::engine::general_purpose::STANDARD
        .decode(jtl_connect::wawi::registration::DEFAULT_APP_ICON_BASE64)
        .unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // And the emulator, which checks AppIcon is base64, accepts an app without an icon.
    let emu = emulator().await;
    let mut app = app();
    app.icon_base64 = None;
    PendingRegistration::start(&emu.wawi_base(), &app, &options(Duration::from_secs(5)))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_wawi_client_without_app_id_or_version_is_refused_before_any_request() {
    // facts §5.2: x-appid and x-appversion are required on data endpoints.
    let emu = emulator().await;
    let base = emu.wawi_base();
    for (builder, missing) in [
        (
            WawiClient::builder(&base, "k").app_version("1.0.0"),
            "app_id",
        ),
        (WawiClient::builder(&base, "k").app_id("a/1"), "app_version"),
        (
            WawiClient::builder(&base, "k").app_id(" ").app_version("1"),
            "app_id",
        ),
    ] {
        let err = builder.build().unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains(missing), "{missing}: {err}");
    }
    let err = WawiClient::builder(&base, "k").build().unwrap_err();
    assert!(err.to_string().contains("app_id, app_version"), "{err}");
    assert_eq!(emu.stats().get(jtl_emulator::Service::Wawi), 0);
}

#[tokio::test]
async fn paging_stops_at_the_end_with_the_oas_edges_and_with_the_docs_nulls() {
    // facts §5.3: NextPageNumber = TotalPages at the end (OAS) or null (docs setting).
    let emu = emulator().await;
    let wawi = client(&emu, emu.wawi_api_key());
    for null_ends in [false, true] {
        emu.update_settings(json!({ "wawi_paging_null_ends": null_ends }))
            .unwrap();
        let last = wawi.page("v1/items", &[], 3, 20).await.unwrap();
        assert_eq!(last.next_page, None, "null_ends={null_ends}");
        let items = wawi
            .paginate("v1/items", vec![], Some(25))
            .collect_all()
            .await
            .unwrap();
        assert_eq!(items.len(), 60, "null_ends={null_ends}");
    }
}
