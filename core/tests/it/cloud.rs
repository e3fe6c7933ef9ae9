use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use jtl_connect::{
    clock::ManualClock, ApiClient, CacheOptions, ClientCredentials, CloudClient, Request,
};
use jtl_emulator::{Fault, FaultKind, Service};
use serde_json::{json, Value};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_cold_callers_share_one_token_request() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.access_token().await.map(|t| t.expose().to_owned()) })
        })
        .collect();
    let mut tokens = std::collections::BTreeSet::new();
    for task in tasks {
        tokens.insert(task.await.unwrap().unwrap());
    }
    assert_eq!(tokens.len(), 1, "everyone got the same token");
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "exactly one token request"
    );
}

#[tokio::test]
async fn info_round_trip_with_rate_limit_headers() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let response = client.get("info").await.unwrap();
    assert_eq!(response.status(), 200);
    let info: Value = response.json().unwrap();
    assert_eq!(info["tenantId"], emu.tenant_id());
    let limit = response.rate_limit().unwrap();
    assert!(limit.limit.is_some() && limit.remaining.is_some() && limit.interval_secs.is_some());
    // The leading slash is optional.
    assert_eq!(client.get("/info").await.unwrap().status(), 200);
}

#[tokio::test]
async fn for_tenant_handles_share_the_token_cache() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let other = client
        .for_tenant(jtl_emulator::config::DEMO_SECOND_TENANT_ID)
        .unwrap();
    let a: Value = client.get("info").await.unwrap().json().unwrap();
    let b: Value = other.get("info").await.unwrap().json().unwrap();
    assert_eq!(a["tenantId"], emu.tenant_id());
    assert_eq!(b["tenantId"], jtl_emulator::config::DEMO_SECOND_TENANT_ID);
    assert_eq!(emu.stats().get(Service::Token), 1);
    let foreign = client
        .for_tenant(jtl_emulator::config::FOREIGN_TENANT_ID)
        .unwrap();
    let err = foreign.get("info").await.unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert_eq!(
        err.detail().unwrap().error_code.as_deref(),
        Some("TENANT_FORBIDDEN")
    );
    assert!(client.for_tenant(" ").is_err());
}

#[tokio::test]
async fn a_client_without_tenant_says_so_before_sending() {
    let emu = emulator().await;
    let client = CloudClient::new(credentials(&emu), endpoints(&emu)).unwrap();
    let err = client.get("info").await.unwrap_err();
    assert_eq!(err.code(), "config");
    assert!(err.to_string().contains("tenant"), "{err}");
    assert_eq!(emu.stats().get(Service::Api), 0);
    // A per-request header is enough.
    let response = client
        .request(Request::get("info").header("X-Tenant-ID", emu.tenant_id()))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn proactive_refresh_serves_the_old_token_and_refreshes_once_in_the_background() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    let client = cloud_with(
        &emu,
        CacheOptions {
            clock: clock.clone(),
            ..CacheOptions::default()
        },
    );
    let first = client.access_token().await.unwrap();
    // 3600 s lifetime, 300 s margin (+ up to 30 s jitter, earlier): refresh from 3270-3300 s on.
    clock.advance(Duration::from_secs(3240));
    assert_eq!(
        client.access_token().await.unwrap().expose(),
        first.expose()
    );
    assert_eq!(
        emu.stats().get(Service::Token),
        1,
        "no refresh before the margin"
    );
    clock.advance(Duration::from_secs(70));
    let during = client.access_token().await.unwrap();
    assert_eq!(
        during.expose(),
        first.expose(),
        "served at once, without waiting"
    );
    // Let the background refresh land.
    for _ in 0..100 {
        if emu.stats().get(Service::Token) == 2
            && client
                .token_cache()
                .peek()
                .is_some_and(|t| t.expose() != first.expose())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let after = client.access_token().await.unwrap();
    assert_ne!(after.expose(), first.expose(), "refreshed before expiry");
    assert_eq!(emu.stats().get(Service::Token), 2, "exactly one refresh");
}

#[tokio::test]
async fn a_failed_refresh_keeps_serving_the_still_valid_token() {
    let emu = emulator().await;
    let clock = Arc::new(ManualClock::starting_now());
    let client = cloud_with(
        &emu,
        CacheOptions {
            clock: clock.clone(),
            ..CacheOptions::default()
        },
    );
    let first = client.access_token().await.unwrap();
    emu.inject_fault(Fault::status(Service::Token, 503).times(0))
        .unwrap();
    clock.advance(Duration::from_secs(3300));
    for _ in 0..5 {
        let token = client.access_token().await.unwrap();
        assert_eq!(token.expose(), first.expose());
    }
    assert_eq!(
        client.get("info").await.unwrap().status(),
        200,
        "API calls keep working"
    );
    // Once expired, the failure reaches the caller as a typed error.
    tokio::time::sleep(Duration::from_millis(300)).await;
    clock.advance(Duration::from_secs(400));
    let err = client.access_token().await.unwrap_err();
    assert_eq!(err.code(), "api");
    assert_eq!(err.status(), Some(503));
    emu.clear_faults();
    assert!(
        client.access_token().await.is_ok(),
        "recovers once the endpoint does"
    );
}

#[tokio::test]
async fn one_401_means_one_refresh_and_success() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    emu.inject_fault(Fault::status(Service::Api, 401)).unwrap();
    let response = client.get("info").await.unwrap();
    assert_eq!(response.status(), 200);
    let stats = emu.stats();
    assert_eq!(stats.get(Service::Token), 2, "one refresh");
    assert_eq!(stats.get(Service::Api), 2, "one retry");
}

#[tokio::test]
async fn endless_401_means_exactly_one_retry_then_unauthorized() {
    let emu = emulator().await;
    let client = cloud(&emu);
    emu.inject_fault(Fault::status(Service::Api, 401).times(0))
        .unwrap();
    let err = client.get("info").await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(err.status(), Some(401));
    let stats = emu.stats();
    assert_eq!(stats.get(Service::Api), 2);
    assert_eq!(stats.get(Service::Token), 2);
}

#[tokio::test]
async fn retry_after_is_honoured_on_429() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    emu.inject_fault(Fault::status(Service::Api, 429).retry_after("1"))
        .unwrap();
    let started = Instant::now();
    assert_eq!(client.get("info").await.unwrap().status(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(emu.stats().get(Service::Api), 2);

    // A Retry-After longer than the client accepts ends at once in rate_limited.
    emu.inject_fault(Fault::status(Service::Api, 429).retry_after("3600"))
        .unwrap();
    let err = client.get("info").await.unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn the_emulators_own_rate_limit_becomes_rate_limited() {
    let emu = emulator().await;
    emu.update_settings(json!({ "rate_limit": 1, "rate_limit_interval_secs": 600 }))
        .unwrap();
    let client = cloud(&emu);
    client.get("info").await.unwrap();
    let err = client.get("info").await.unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert!(err
        .retry_after()
        .is_some_and(|d| d > Duration::from_secs(30)));
    assert_eq!(
        emu.stats().get(Service::Api),
        2,
        "a wait beyond max_retry_after is not attempted"
    );
}

#[tokio::test]
async fn a_503_then_success() {
    let emu = emulator().await;
    let client = cloud(&emu);
    emu.inject_fault(Fault::status(Service::Api, 503).times(2))
        .unwrap();
    assert_eq!(client.get("items").await.unwrap().status(), 200);
    assert_eq!(emu.stats().get(Service::Api), 3);
}

#[tokio::test]
async fn post_is_not_retried_on_503() {
    let emu = emulator().await;
    let client = cloud(&emu);
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let err = client
        .post("items", json!({ "sKU": "P-1", "name": "P", "price": 1 }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "api");
    assert_eq!(err.status(), Some(503));
    assert_eq!(emu.stats().get(Service::Api), 1, "sent once");
    // Unless the caller declares it safe to repeat.
    emu.inject_fault(Fault::status(Service::Api, 503)).unwrap();
    let request = Request::post("items")
        .json(json!({ "sKU": "P-2", "name": "P", "price": 1 }))
        .idempotent(true);
    assert_eq!(client.request(request).await.unwrap().status(), 201);
}

#[tokio::test]
async fn invalid_client_is_not_retried() {
    let emu = emulator().await;
    let client = CloudClient::builder(
        ClientCredentials::new(emu.client_id(), "wrong-secret-value").unwrap(),
    )
    .endpoints(endpoints(&emu))
    .tenant_id(emu.tenant_id())
    .http_options(quick_http())
    .build()
    .unwrap();
    let err = client.get("info").await.unwrap_err();
    assert_eq!(err.code(), "invalid_credentials");
    assert_eq!(
        err.detail().unwrap().error_code.as_deref(),
        Some("invalid_client")
    );
    assert!(!err.to_string().contains("wrong-secret-value"));
    assert_eq!(emu.stats().get(Service::Token), 1);
    assert_eq!(emu.stats().get(Service::Api), 0);
}

#[tokio::test]
async fn token_endpoint_hiccups_are_retried() {
    let emu = emulator().await;
    let client = cloud(&emu);
    emu.inject_fault(Fault::status(Service::Token, 502))
        .unwrap();
    emu.inject_fault(Fault::kind(Service::Token, FaultKind::Drop))
        .unwrap();
    assert!(client.access_token().await.is_ok());
    assert_eq!(emu.stats().get(Service::Token), 3);
}

#[tokio::test]
async fn network_faults_on_get_are_retried() {
    let emu = emulator().await;
    let client = cloud(&emu);
    client.access_token().await.unwrap();
    for kind in [FaultKind::Drop, FaultKind::Truncated] {
        emu.inject_fault(Fault::kind(Service::Api, kind)).unwrap();
        assert_eq!(client.get("info").await.unwrap().status(), 200, "{kind:?}");
    }
    emu.inject_fault(Fault::kind(Service::Api, FaultKind::MalformedJson))
        .unwrap();
    let response = client.get("info").await.unwrap();
    let err = response.json::<Value>().unwrap_err();
    assert_eq!(err.code(), "api");
    assert!(err.to_string().contains("JSON"), "{err}");
}

#[tokio::test]
async fn a_slow_answer_times_out_within_the_deadline() {
    let emu = emulator().await;
    let mut http = quick_http();
    http.timeout = Duration::from_millis(200);
    http.deadline = Duration::from_millis(900);
    let client = CloudClient::builder(credentials(&emu))
        .endpoints(endpoints(&emu))
        .tenant_id(emu.tenant_id())
        .http_options(http)
        .build()
        .unwrap();
    client.access_token().await.unwrap();
    emu.inject_fault(
        Fault::kind(Service::Api, FaultKind::Delay)
            .delay_ms(2000)
            .times(0),
    )
    .unwrap();
    let started = Instant::now();
    let err = client.get("info").await.unwrap_err();
    assert_eq!(err.code(), "timeout");
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn api_errors_are_typed() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let err = client.get("items/9999").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_eq!(err.status(), Some(404));
    let err = client
        .post("items", json!({ "name": "" }))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "api");
    let detail = err.detail().unwrap();
    assert_eq!(detail.status, 422);
    assert_eq!(detail.error_code.as_deref(), Some("VALIDATION_ERROR"));
    assert!(detail.validation_errors.contains_key("sKU"));
    let err = client
        .post(
            "items",
            json!({ "sKU": "EMU-0001", "name": "dup", "price": 1 }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(
        client
            .get("https://evil.example/steal")
            .await
            .unwrap_err()
            .code()
            == "invalid_input"
    );
    let err = client
        .request(Request::get("info").header("Authorization", "Bearer x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[tokio::test]
async fn paginate_walks_three_pages_of_camel_case() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let mut pages = client.paginate("items", vec![], Some(25));
    let mut ids = Vec::new();
    while let Some(item) = pages.next_item().await.unwrap() {
        ids.push(item["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 60);
    assert_eq!(pages.pages_fetched(), 3);
    assert_eq!(pages.total_items(), Some(60));
    assert_eq!(
        ids.iter().collect::<std::collections::BTreeSet<_>>().len(),
        60
    );
    let all = client
        .paginate("customers", vec![], Some(7))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 30);
}

#[tokio::test]
async fn crud_through_the_helpers() {
    let emu = emulator().await;
    let client = cloud(&emu);
    let created: Value = client
        .post("items", json!({ "sKU": "C-1", "name": "C", "price": 2.5 }))
        .await
        .unwrap()
        .json()
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let patched: Value = client
        .patch(&format!("items/{id}"), json!({ "name": "D" }))
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(patched["name"], "D");
    let put: Value = client
        .put(
            &format!("items/{id}"),
            json!({ "sKU": "C-1", "name": "E", "price": 3 }),
        )
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(put["name"], "E");
    assert_eq!(
        client
            .delete(&format!("items/{id}"))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        client.get(&format!("items/{id}")).await.unwrap_err().code(),
        "not_found"
    );
}

#[tokio::test]
async fn nothing_that_prints_shows_a_secret() {
    let emu = emulator().await;
    let secret = emu.client_secret();
    let client = cloud(&emu);
    let token = client.access_token().await.unwrap();
    let printed = [
        format!("{client:?}"),
        format!("{:?}", credentials(&emu)),
        format!("{token:?}"),
        format!("{:?}", client.token_cache()),
        format!("{:?}", client.get("info").await.unwrap()),
    ];
    for text in printed {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains(token.expose()), "{text}");
    }
}

#[tokio::test]
async fn blocking_facade_refuses_inside_a_runtime() {
    let emu = emulator().await;
    let client = jtl_connect::blocking::CloudClient::new(cloud(&emu));
    let err = client.get("info").unwrap_err();
    assert_eq!(err.code(), "config");
    assert!(err.to_string().contains("async"), "{err}");
}

#[test]
fn blocking_facade_works_from_plain_threads() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emu = runtime.block_on(emulator());
    let client = jtl_connect::blocking::CloudClient::new(runtime.block_on(async { cloud(&emu) }));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || client.get("info").map(|r| r.status()))
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().unwrap().unwrap(), 200);
    }
    let items: Vec<Value> = client
        .paginate("items", vec![], Some(20))
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items.len(), 60);
    assert_eq!(emu.stats().get(Service::Token), 1);

    let verifier = client
        .session_verifier(jtl_connect::VerifierConfig::default())
        .unwrap();
    let minted = emu
        .mint_session_token(jtl_emulator::SessionTokenSpec::default())
        .unwrap();
    let claims = verifier.verify(&minted.token).unwrap();
    assert_eq!(claims.tenant_id, emu.tenant_id());
    assert_eq!(claims.user_id, minted.user_id);
    assert_eq!(
        verifier.verify("x.y.z").unwrap_err().code(),
        "token_invalid"
    );
}

#[tokio::test]
async fn run_as_and_accept_language_are_sent() {
    let emu = emulator().await;
    let client = cloud(&emu).run_as("user-42");
    let info: Value = client.get("info").await.unwrap().json().unwrap();
    assert_eq!(info["runAs"], "user-42");
    let plain: Value = cloud(&emu).get("info").await.unwrap().json().unwrap();
    assert_eq!(plain["runAs"], Value::Null);

    let german = jtl_connect::ScxClient::builder("unknown-token")
        .endpoints(endpoints(&emu))
        .build()
        .unwrap();
    let english = jtl_connect::ScxClient::builder("unknown-token")
        .endpoints(endpoints(&emu))
        .accept_language("en")
        .build()
        .unwrap();
    assert!(german
        .events()
        .await
        .unwrap_err()
        .to_string()
        .contains("Zu diesem"));
    let err = english.events().await.unwrap_err();
    assert_eq!(err.code(), "invalid_credentials");
    assert!(err.to_string().contains("No account"), "{err}");
}

#[test]
fn from_env_names_the_missing_variable() {
    // The only test touching these variables.
    for name in [
        "JTL_CLIENT_ID",
        "JTL_CLIENT_SECRET",
        "JTL_TENANT_ID",
        "JTL_ENVIRONMENT",
    ] {
        std::env::remove_var(name);
    }
    let err = ClientCredentials::from_env().unwrap_err();
    assert_eq!(err.code(), "config");
    assert!(err.to_string().contains("JTL_CLIENT_ID"), "{err}");
    std::env::set_var("JTL_CLIENT_ID", "env-client");
    let err = CloudClient::from_env().unwrap_err();
    assert!(err.to_string().contains("JTL_CLIENT_SECRET"), "{err}");
    std::env::set_var("JTL_CLIENT_SECRET", "env-secret");
    std::env::set_var("JTL_ENVIRONMENT", "nowhere");
    let err = CloudClient::from_env().unwrap_err();
    assert!(err.to_string().contains("JTL_ENVIRONMENT"), "{err}");
    std::env::set_var("JTL_ENVIRONMENT", "http://127.0.0.1:9");
    std::env::set_var("JTL_TENANT_ID", "t-1");
    let client = CloudClient::from_env().unwrap();
    assert_eq!(client.tenant_id(), Some("t-1"));
    assert_eq!(client.client_id(), "env-client");
    assert_eq!(client.endpoints().name(), "emulator");
    for name in [
        "JTL_CLIENT_ID",
        "JTL_CLIENT_SECRET",
        "JTL_TENANT_ID",
        "JTL_ENVIRONMENT",
    ] {
        std::env::remove_var(name);
    }
}
