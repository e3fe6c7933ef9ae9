//! Shared helpers: an emulator per test and clients pointed at it.

use std::time::Duration;

use jtl_connect::{
    CacheOptions, ClientCredentials, CloudClient, Endpoints, HttpOptions, RetryPolicy,
};
use jtl_emulator::Emulator;

pub async fn emulator() -> Emulator {
    Emulator::start().await.expect("emulator starts")
}

pub fn endpoints(emu: &Emulator) -> Endpoints {
    Endpoints::emulator(emu.url()).unwrap()
}

pub fn credentials(emu: &Emulator) -> ClientCredentials {
    ClientCredentials::new(emu.client_id(), emu.client_secret()).unwrap()
}

/// Fast retries so fault tests do not wait long.
pub fn quick_http() -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(20),
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(5),
        },
        ..HttpOptions::default()
    }
}

/// A client of the demo tenant.
pub fn cloud(emu: &Emulator) -> CloudClient {
    cloud_with(emu, CacheOptions::default())
}

pub fn cloud_with(emu: &Emulator, cache: CacheOptions) -> CloudClient {
    CloudClient::builder(credentials(emu))
        .endpoints(endpoints(emu))
        .tenant_id(emu.tenant_id())
        .http_options(quick_http())
        .cache_options(cache)
        .build()
        .unwrap()
}

/// A client of the demo tenant for load tests (a thousand calls at once): the calls queue on
/// two runtime threads shared with the in-process emulator and, in `make test`, with the
/// PostgreSQL suites, so the deadline must not be what a test measures.
pub fn cloud_under_load(emu: &Emulator) -> CloudClient {
    CloudClient::builder(credentials(emu))
        .endpoints(endpoints(emu))
        .tenant_id(emu.tenant_id())
        .http_options(HttpOptions {
            timeout: Duration::from_secs(120),
            deadline: Duration::from_secs(300),
            ..quick_http()
        })
        .build()
        .unwrap()
}
