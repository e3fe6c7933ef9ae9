//! One reqwest client per process and configuration, shared by every jtl-connect client.
//!
//! Building a reqwest client loads and parses the platform's CA roots (~2 ms, ~100 KiB);
//! an app with one client per stored account (a thousand sellers or Wawi installs) paid
//! that for each of them, and each kept its own connection pool. Here the clients of one
//! configuration (what a reqwest client fixes at build time: only the connect timeout;
//! per-call timeouts and headers are set per request) share one client, so also one pool.
//! A forked child starts an empty registry: the parent's pooled connections ran on the
//! parent's runtime and are dead there.

use std::{
    sync::{Arc, Mutex, Once, PoisonError},
    time::Duration,
};

use crate::{fork::Owner, Error, Result};

/// What fixes a reqwest client at build time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Config {
    pub(crate) connect_timeout: Duration,
}

/// The clients built in this process, one per [`Config`] (a handful at most).
struct Registry {
    owner: Owner,
    clients: Vec<(Config, Arc<reqwest::Client>)>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);
static CRYPTO: Once = Once::new();

/// The client of `config` in this process, built on first use.
pub(crate) fn client(config: Config) -> Result<Arc<reqwest::Client>> {
    let mut slot = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let registry = slot.get_or_insert_with(|| Registry {
        owner: Owner::current(),
        clients: Vec::new(),
    });
    if registry.owner.changed() {
        registry.clients.clear();
    }
    if let Some((_, client)) = registry.clients.iter().find(|(c, _)| *c == config) {
        return Ok(client.clone());
    }
    let client = Arc::new(build(config)?);
    registry.clients.push((config, client.clone()));
    Ok(client)
}

fn build(config: Config) -> Result<reqwest::Client> {
    // reqwest is built without a TLS provider so that only ring is compiled in;
    // a host application that installed its own provider first keeps it.
    CRYPTO.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .connect_timeout(config.connect_timeout)
        // A redirect could carry credentials to another host: JTL does not redirect.
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use crate::{ApiClient, ClientCredentials, CloudClient, Endpoints, HttpOptions};

    fn client(emu: &jtl_emulator::Emulator, http: HttpOptions) -> CloudClient {
        let credentials =
            ClientCredentials::new(emu.client_id(), emu.client_secret()).expect("credentials");
        CloudClient::builder(credentials)
            .endpoints(Endpoints::emulator(emu.url()).expect("endpoints"))
            .tenant_id(emu.tenant_id())
            .http_options(http)
            .build()
            .expect("client")
    }

    /// Issue 19: a thousand clients (one per stored account) share one reqwest client,
    /// so one pool and one parse of the CA roots; per-client timeouts stay per client.
    #[tokio::test]
    async fn a_thousand_clients_share_one_http_client() {
        let emu = jtl_emulator::Emulator::start().await.expect("emulator");
        let started = Instant::now();
        let clients: Vec<CloudClient> = (0..1000)
            .map(|_| client(&emu, HttpOptions::default()))
            .collect();
        let built = started.elapsed();
        let first = clients[0].transport().shared_client().expect("client");
        for other in &clients[1..] {
            let theirs = other.transport().shared_client().expect("client");
            assert!(
                std::sync::Arc::ptr_eq(&first, &theirs),
                "a client built its own reqwest client"
            );
        }
        // Both ends of the pool work: two different clients answer over the shared one.
        for c in [&clients[0], &clients[999]] {
            let info: serde_json::Value =
                c.get("info").await.expect("GET info").json().expect("json");
            assert!(info.is_object(), "info is a JSON object: {info}");
        }
        // Another per-call timeout, the same connect timeout: still the same client.
        let slower = client(
            &emu,
            HttpOptions {
                timeout: std::time::Duration::from_secs(55),
                ..HttpOptions::default()
            },
        );
        let theirs = slower.transport().shared_client().expect("client");
        assert!(std::sync::Arc::ptr_eq(&first, &theirs));
        assert_eq!(slower.transport().options.timeout.as_secs(), 55);
        // Another connect timeout is another configuration: its own client.
        let quick = client(
            &emu,
            HttpOptions {
                timeout: std::time::Duration::from_secs(2),
                ..HttpOptions::default()
            },
        );
        let theirs = quick.transport().shared_client().expect("client");
        assert!(!std::sync::Arc::ptr_eq(&first, &theirs));
        eprintln!("1000 clients built in {built:?}");
    }
}
