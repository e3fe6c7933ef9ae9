//! `jtl-emulator`: a local stand-in for JTL's servers, so that jtl-connect, its bindings and
//! your own integration can be tested offline.
//!
//! One loopback port serves every documented JTL service:
//!
//! | path | service |
//! |---|---|
//! | `POST /oauth2/token` | identity provider: client credentials (Basic auth), authorization code + PKCE, refresh token (rotation) |
//! | `GET /oauth2/auth` | user sign-in and consent page (demo users; `sign_in_mode` setting) |
//! | `/erp/v2/...` | Cloud ERP API (`Bearer` + `X-Tenant-ID`), paginated catalogue |
//! | `POST /erp/v2/graphql` | Cloud ERP GraphQL (`QueryItems`, `CreateItem`, …) over the same catalogue |
//! | `GET /account/.well-known/jwks.json` | Ed25519 keys for App Shell session tokens |
//! | `GET /oauth/v2/keys`, `POST /oauth/v2/token` | the app-token issuer: RS256 keys, Zitadel-style token endpoint |
//! | `POST /v1/auth`, `/v1/channel/...`, `/v1/seller/...` | SCX Channel API |
//! | `/api/eazybusiness/v1/...` | JTL-Wawi OnPremise API and app registration |
//! | `/_emulator/...` | admin API: clients, session and app tokens, keys, faults, stats (loopback `Host` and JSON only) |
//!
//! ```no_run
//! # async fn demo() -> Result<(), jtl_emulator::Error> {
//! let emulator = jtl_emulator::Emulator::start().await?;
//! println!("token endpoint: {}/oauth2/token", emulator.url());
//! let session = emulator.mint_session_token(Default::default())?;
//! # let _ = session;
//! # Ok(()) }
//! ```

// Handlers return `Result<_, Response>` to stop early with a finished answer; boxing
// every error response would buy nothing on a test server.
#![allow(clippy::result_large_err)]

mod admin;
mod app_tokens;
mod catalogue;
pub mod cli;
mod clock;
pub mod config;
mod control;
mod erp;
mod error;
mod faults;
mod gateway;
mod graphql;
mod jwks;
mod jwt;
mod keys;
#[cfg(test)]
mod module_graph;
mod oauth;
mod oauth_error;
mod pagination;
mod rate_limit;
mod scx;
mod server;
mod service;
mod session;
mod state;
mod stats;
mod user_auth;
mod wawi;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::watch};

pub use app_tokens::{AppKeyChoice, AppTokenSpec, MintedAppToken};
pub use config::{Config, DemoUser, Settings, DEMO_USERS};
pub use control::{camel_case, camel_keys, snake_case, snake_keys, start_config, Case, OPERATIONS};
pub use error::Error;
pub use faults::{EchoShape, Fault, FaultKind, ECHO_STRADDLE_AT};
pub use oauth::ClientSpec;
pub use service::Service;
pub use session::{KidPlacement, MintedToken, SessionTokenSpec, SigningKeyChoice};
pub use stats::Stats;

use state::Shared;

/// Largest request body accepted (1 MiB); larger ones get 413 in the service's error shape.
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/oauth2/token", post(oauth::token))
        .route(
            "/oauth2/auth",
            get(user_auth::authorize).post(user_auth::decide),
        )
        .route("/account/.well-known/jwks.json", get(jwks::jwks))
        .route("/oauth/v2/token", post(oauth::zitadel_token))
        .route("/oauth/v2/keys", get(app_tokens::keys))
        .route(
            "/.well-known/openid-configuration",
            get(app_tokens::discovery),
        )
        .merge(erp::routes())
        .merge(graphql::routes())
        .merge(scx::routes())
        .merge(wawi::routes())
        .merge(admin::routes())
        .fallback(gateway::not_found)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            gateway::gateway,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(shared)
}

/// A running emulator. It serves until dropped (or [`Emulator::shutdown`]), and gives tests
/// the demo credentials and the admin operations directly, without HTTP.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url())
            .finish()
    }
}

impl Emulator {
    /// Starts an emulator on a free loopback port with default settings.
    /// Must be called within a tokio runtime.
    pub async fn start() -> Result<Self, Error> {
        Self::start_with(Config::default()).await
    }

    /// Starts an emulator with `config`. Only loopback hosts are accepted.
    pub async fn start_with(config: Config) -> Result<Self, Error> {
        if !config.host.is_loopback() {
            return Err(Error::InvalidInput(format!(
                "the emulator only listens on loopback addresses; found {}",
                config.host
            )));
        }
        let listener = TcpListener::bind((config.host, config.port))
            .await
            .map_err(Error::Bind)?;
        let addr = listener.local_addr().map_err(Error::Bind)?;
        let shared = Arc::new(Shared::new(format!("http://{addr}"), config.settings));
        let (shutdown, stop) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, router(shared.clone()), stop));
        Ok(Self {
            shared,
            addr,
            shutdown,
            task: Some(task),
        })
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    /// The socket address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token endpoint, `<url>/oauth2/token`.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.url())
    }

    /// The ERP API base, `<url>/erp/v2`.
    pub fn api_base(&self) -> String {
        format!("{}/erp/v2", self.url())
    }

    /// The JWKS URL, `<url>/account/.well-known/jwks.json`.
    pub fn jwks_url(&self) -> String {
        format!("{}/account/.well-known/jwks.json", self.url())
    }

    /// The SCX base, `<url>/v1`.
    pub fn scx_base(&self) -> String {
        format!("{}/v1", self.url())
    }

    /// The Wawi base, `<url>/api/eazybusiness`.
    pub fn wawi_base(&self) -> String {
        format!("{}/api/eazybusiness", self.url())
    }

    /// The demo client id ([`config::DEMO_CLIENT_ID`]).
    pub fn client_id(&self) -> &'static str {
        config::DEMO_CLIENT_ID
    }

    /// The demo client secret ([`config::DEMO_CLIENT_SECRET`]).
    pub fn client_secret(&self) -> &'static str {
        config::DEMO_CLIENT_SECRET
    }

    /// The demo tenant ([`config::DEMO_TENANT_ID`]).
    pub fn tenant_id(&self) -> &'static str {
        config::DEMO_TENANT_ID
    }

    /// The Wawi API key accepted from the start.
    pub fn wawi_api_key(&self) -> &'static str {
        config::DEMO_WAWI_API_KEY
    }

    /// The SCX refresh token accepted from the start.
    pub fn scx_refresh_token(&self) -> &'static str {
        config::DEMO_SCX_REFRESH_TOKEN
    }

    /// Mints an App Shell session token.
    pub fn mint_session_token(&self, spec: SessionTokenSpec) -> Result<MintedToken, Error> {
        self.shared.mint_session_token(spec)
    }

    /// The app-token issuer (`iss` of minted app tokens): the base URL, so its keys are at
    /// `<url>/oauth/v2/keys` and its token endpoint at `<url>/oauth/v2/token`.
    pub fn app_issuer(&self) -> &str {
        self.shared.app_issuer()
    }

    /// The app-token issuer's key set, `<url>/oauth/v2/keys`.
    pub fn app_keys_url(&self) -> String {
        format!("{}/oauth/v2/keys", self.url())
    }

    /// The demo app id ([`config::DEMO_APP_ID`]), `urn:jtl:app_id` and `aud` of minted app
    /// tokens by default.
    pub fn app_id(&self) -> &'static str {
        config::DEMO_APP_ID
    }

    /// Mints a JTL app token (RS256; the first one makes the issuer's key, which takes a
    /// moment).
    pub fn mint_app_token(&self, spec: AppTokenSpec) -> Result<MintedAppToken, Error> {
        self.shared.mint_app_token(spec)
    }

    /// Rotates the session keys; the old key stays in the JWKS for `grace`
    /// (default: the `key_grace_secs` setting). Returns `{current, previous, grace_secs}`.
    pub fn rotate_keys(&self, grace: Option<Duration>) -> Value {
        self.shared.rotate_keys(grace.map(|g| g.as_secs()))
    }

    /// The `kid` of the current session key.
    pub fn current_kid(&self) -> String {
        self.shared.lock().keys.current().kid.clone()
    }

    /// Arms a fault; returns its id.
    pub fn inject_fault(&self, fault: Fault) -> Result<u64, Error> {
        self.shared.lock().faults.arm(fault)
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Request counters since start or the last reset.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    /// Back to the state at start (clients, data, faults, counters, settings), keeping keys.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// The current settings.
    pub fn settings(&self) -> Settings {
        self.shared.lock().settings.clone()
    }

    /// Changes settings: `patch` is a JSON object with the fields of [`Settings`] to change.
    pub fn update_settings(&self, patch: Value) -> Result<Settings, Error> {
        self.shared.update_settings(patch)
    }

    /// Registers (or replaces) an OAuth client.
    pub fn register_client(&self, spec: ClientSpec) -> Result<(), Error> {
        self.shared.register_client(spec)
    }

    /// Issues a new SCX refresh token.
    pub fn issue_scx_refresh_token(&self) -> String {
        self.shared.issue_scx_refresh_token(None)
    }

    /// Queues an SCX event; returns it as `GET /v1/channel/event` will list it.
    pub fn push_scx_event(&self, kind: &str, event: Value) -> Value {
        self.shared.push_scx_event(kind.to_owned(), event)
    }

    /// Issues a Wawi API key directly, without the registration flow.
    pub fn issue_wawi_api_key(&self, scopes: Vec<String>) -> String {
        self.shared.issue_wawi_api_key(scopes)
    }

    /// The Wawi registration requests, newest decisions included.
    pub fn wawi_registrations(&self) -> Vec<Value> {
        self.shared.wawi_registrations()
    }

    /// Approves a pending Wawi registration (granted scopes default to all requested).
    pub fn approve_wawi_registration(
        &self,
        id: &str,
        granted_scopes: Option<Vec<String>>,
    ) -> Result<(), Error> {
        self.shared
            .decide_wawi_registration(id, true, granted_scopes)
    }

    /// Rejects a pending Wawi registration.
    pub fn reject_wawi_registration(&self, id: &str) -> Result<(), Error> {
        self.shared.decide_wawi_registration(id, false, None)
    }

    /// The SCX seller refresh token accepted from the start (its auth token has scope
    /// `SELLER`: the Seller API, e.g. seller sign-up).
    pub fn scx_seller_refresh_token(&self) -> &'static str {
        config::DEMO_SCX_SELLER_REFRESH_TOKEN
    }

    /// Issues a new SCX refresh token of a seller (Seller API).
    pub fn issue_scx_seller_refresh_token(&self) -> String {
        self.shared
            .issue_scx_refresh_token_for(None, state::scx::Party::Seller)
    }

    /// SCX events delivered 10 times without an acknowledgement, now dead-lettered.
    pub fn scx_dead_letters(&self) -> Vec<Value> {
        self.shared.scx_dead_letters()
    }

    /// The authorize endpoint of the user sign-in, `<url>/oauth2/auth`.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2/auth", self.url())
    }

    /// The demo users who can sign in at `/oauth2/auth` ([`config::DEMO_USERS`]).
    pub fn demo_users(&self) -> &'static [DemoUser] {
        &config::DEMO_USERS
    }

    /// Revokes the user grants of `user_id` (every user: `None`): their refresh tokens answer
    /// `invalid_grant` from now on, as after a sign-out at JTL. Returns how many stopped working.
    pub fn revoke_user_grants(&self, user_id: Option<&str>) -> usize {
        self.shared.revoke_user_grants(user_id)
    }

    /// Stops serving and waits until the listener is closed.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // Works without a runtime: the accept loop sees the change and closes everything.
        let _ = self.shutdown.send(true);
    }
}

/// The GraphQL schema of `/erp/v2/graphql` in SDL (what `jtl-emulator --print-schema` prints).
pub fn graphql_sdl() -> Result<String, Error> {
    graphql::sdl().map_err(Error::InvalidInput)
}
