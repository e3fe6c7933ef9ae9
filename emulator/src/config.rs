//! What an emulator starts with: the demo credentials every test and example can rely on,
//! and the settings that can also be changed while it runs (`PATCH /_emulator/settings`).

use std::net::{IpAddr, Ipv4Addr};

use serde::{Deserialize, Serialize};

/// Client id of the demo OAuth client that exists in every emulator.
pub const DEMO_CLIENT_ID: &str = "demo-client-id";
/// Client secret of the demo OAuth client.
pub const DEMO_CLIENT_SECRET: &str = "demo-client-secret";
/// The tenant the demo client may act for.
pub const DEMO_TENANT_ID: &str = "00000000-0000-4000-8000-000000000001";
/// A second tenant the demo client may act for (to show per-tenant handles).
pub const DEMO_SECOND_TENANT_ID: &str = "00000000-0000-4000-8000-000000000002";
/// A tenant that exists but the demo client may not use: requests for it answer 403.
pub const FOREIGN_TENANT_ID: &str = "00000000-0000-4000-8000-00000000000f";
/// A JTL-Wawi API key accepted from the start, as if an app had been registered.
pub const DEMO_WAWI_API_KEY: &str = "demo-wawi-api-key";
/// An SCX refresh token accepted from the start.
pub const DEMO_SCX_REFRESH_TOKEN: &str = "demo-scx-refresh-token";
/// The issuer JTL's session tokens carry (`iss`), and the emulator's default.
pub const DEFAULT_SESSION_ISSUER: &str = "https://api.jtl-cloud.com";

/// Settings of a running emulator. Every field can be changed at run time with
/// `PATCH /_emulator/settings` (send only the fields to change).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Lifetime of Cloud access tokens, in seconds (`expires_in`).
    pub token_lifetime_secs: u64,
    /// Lifetime of SCX auth tokens, in seconds (`expiresIn`).
    pub scx_token_lifetime_secs: u64,
    /// Extra latency added to every non-admin response, in milliseconds.
    pub latency_ms: u64,
    /// ERP requests allowed per client and tenant in one rate-limit window.
    pub rate_limit: u32,
    /// Length of the rate-limit window, in seconds (`X-RateLimit-Interval-Length-Seconds`).
    pub rate_limit_interval_secs: u64,
    /// How long a rotated-out session key stays in the JWKS, in seconds.
    pub key_grace_secs: u64,
    /// Approve Wawi registrations automatically this many milliseconds after they were
    /// requested; `null` waits for `POST /_emulator/wawi/registrations/{id}/approve`.
    pub wawi_auto_approve_ms: Option<u64>,
    /// `iss` of minted session tokens unless the mint request says otherwise.
    pub session_issuer: String,
    /// Accept `Content-Type: application/json; charset=utf-8` on Cloud ERP bodies (REST and
    /// GraphQL). JTL refuses it (facts §1.1 "Content-Type strictness"), so the default is
    /// `false`: only bare `application/json` passes, anything else answers 415.
    pub accept_json_charset: bool,
    /// Largest `first`/`last` a GraphQL connection accepts (JTL states none; facts §1.3).
    pub graphql_max_page_size: u64,
    /// Page size of a GraphQL connection queried without `first` or `last`.
    pub graphql_default_page_size: u64,
    /// Deepest GraphQL selection accepted (introspection included).
    pub graphql_max_depth: usize,
    /// Most fields one GraphQL query may select (async-graphql's static complexity).
    pub graphql_max_complexity: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            token_lifetime_secs: 3600,
            scx_token_lifetime_secs: 3600,
            latency_ms: 0,
            rate_limit: 10_000,
            rate_limit_interval_secs: 60,
            key_grace_secs: 600,
            wawi_auto_approve_ms: None,
            session_issuer: DEFAULT_SESSION_ISSUER.to_owned(),
            accept_json_charset: false,
            graphql_max_page_size: 500,
            graphql_default_page_size: 50,
            graphql_max_depth: 15,
            graphql_max_complexity: 1000,
        }
    }
}

/// How to start an emulator: where to listen and the initial [`Settings`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to bind. Only loopback addresses are accepted: the emulator is for tests.
    pub host: IpAddr,
    /// Port to bind; 0 picks a free one.
    pub port: u16,
    /// Initial settings.
    pub settings: Settings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            settings: Settings::default(),
        }
    }
}
