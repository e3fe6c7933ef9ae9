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
/// An SCX refresh token of a seller (`scope` `SELLER`) accepted from the start: its auth
/// token is for the Seller API (`POST /v1/seller/channel/{channel}`), not the Channel API.
pub const DEMO_SCX_SELLER_REFRESH_TOKEN: &str = "demo-scx-seller-refresh-token";
/// The issuer the seed's sample expects in session tokens (`iss`). JTL's documented session
/// token has no `iss` (facts §4.1), so minted tokens carry one only when the `session_issuer`
/// setting or the mint request names one.
pub const DEFAULT_SESSION_ISSUER: &str = "https://api.jtl-cloud.com";
/// The customer id minted session tokens carry in their payload `kid` (facts §4.1: the payload
/// `kid` is the customerId from JTL's customer service, never a key id).
pub const DEMO_CUSTOMER_ID: &str = "7c3e9a52-1d4b-4f6e-9a1c-2b5d8e0f4a61";
/// The app id (`urn:jtl:app_id`, and the default audience) of minted app tokens (facts §4.2).
pub const DEMO_APP_ID: &str = "demo-app-id";

/// A demo user who can sign in at `/oauth2/auth` (user-bound access, facts §5.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoUser {
    /// The user id (`sub` of the user's tokens).
    pub id: &'static str,
    /// The name shown on the sign-in page and in `/erp/v2/info`.
    pub name: &'static str,
    /// The e-mail address (ID token `email`).
    pub email: &'static str,
    /// The tenant the user belongs to (`urn:jtl:tenant_id`).
    pub tenant_id: &'static str,
}

/// The first demo user, signed in by the `approve` sign-in mode unless `sign_in_user` says
/// otherwise.
pub const DEMO_USER_ID: &str = "00000000-0000-4000-8000-0000000000a1";
/// The second demo user (same tenant, other name and data).
pub const DEMO_SECOND_USER_ID: &str = "00000000-0000-4000-8000-0000000000b2";

/// The users of the sign-in page: two in the demo tenant.
pub const DEMO_USERS: [DemoUser; 2] = [
    DemoUser {
        id: DEMO_USER_ID,
        name: "Anna Admin",
        email: "anna.admin@example.com",
        tenant_id: DEMO_TENANT_ID,
    },
    DemoUser {
        id: DEMO_SECOND_USER_ID,
        name: "Ben Buyer",
        email: "ben.buyer@example.com",
        tenant_id: DEMO_TENANT_ID,
    },
];

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
    /// `iss` of minted session tokens unless the mint request says otherwise; `null`
    /// (default) mints them without `iss`, as JTL documents them (facts §4.1).
    pub session_issuer: Option<String>,
    /// Put the signing key's `kid` in the session-token header (JTL's samples read it there;
    /// facts "Where sources disagree"). Default `false`: the documented header
    /// `{"alg":"EdDSA","typ":"JWT"}` has no `kid` (facts §4.1).
    #[serde(default)]
    pub session_kid_in_header: bool,
    /// Publish the session keys without `kid` (JTL's docs do not say the entries have one,
    /// facts "What no source says"). Default `false`: entries carry `kid`, `use` and `alg`.
    #[serde(default)]
    pub jwks_without_kid: bool,
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
    /// Whether the Wawi installation has a licence for apps (facts §5.1). `false` answers
    /// every registration call with 402 ("no licence / app not authorised by JTL").
    pub wawi_licensed: bool,
    /// Wawi `PagedList` edges: `false` (default, the OpenAPI, facts §5.3) sends
    /// `NextPageNumber = TotalPages` and `PreviousPageNumber = 1` where there is no such page;
    /// `true` sends `null` there, as JTL's pagination docs page says.
    pub wawi_paging_null_ends: bool,
    /// How long a delivered, unacknowledged SCX event stays invisible before it is delivered
    /// again, in milliseconds (facts §6.3; JTL does not publish the value).
    pub scx_redelivery_timeout_ms: u64,
    /// `scope` of a channel's SCX auth token: `CHANNEL` (default, the docs) or `CHAN` (the
    /// generated client's enum, facts §6.1 and "Where sources disagree").
    pub scx_channel_scope: String,
    /// Whether the SCX per-route rate limits of facts §3.2 are enforced (429 once used up).
    /// The `X-RateLimit-*` headers are sent either way.
    pub scx_rate_limits: bool,
    /// What `GET /oauth2/auth` does (user sign-in, facts §5.4): `page` (default) shows the
    /// sign-in and consent page with the demo users; `approve` signs `sign_in_user` in at
    /// once and redirects with a code; `deny` redirects with `error=access_denied`.
    #[serde(default = "default_sign_in_mode")]
    pub sign_in_mode: String,
    /// The demo user the `approve` mode signs in (default: the first, [`DEMO_USER_ID`]);
    /// a `login_hint` naming a demo user wins.
    #[serde(default)]
    pub sign_in_user: Option<String>,
    /// Lifetime of authorization codes, in seconds (default 60); 0 makes every code expire
    /// before it can be exchanged (`invalid_grant`).
    #[serde(default = "default_auth_code_lifetime")]
    pub auth_code_lifetime_secs: u64,
    /// Rotate refresh tokens: each refresh answers a new one and the old one stops working
    /// (default `true`, OAuth 2.0 Security BCP §4.14); `false` keeps answering with the same.
    #[serde(default = "default_true")]
    pub refresh_token_rotation: bool,
}

fn default_sign_in_mode() -> String {
    "page".to_owned()
}

fn default_auth_code_lifetime() -> u64 {
    60
}

fn default_true() -> bool {
    true
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
            session_issuer: None,
            session_kid_in_header: false,
            jwks_without_kid: false,
            accept_json_charset: false,
            graphql_max_page_size: 500,
            graphql_default_page_size: 50,
            graphql_max_depth: 15,
            graphql_max_complexity: 1000,
            wawi_licensed: true,
            wawi_paging_null_ends: false,
            scx_redelivery_timeout_ms: 60_000,
            scx_channel_scope: "CHANNEL".to_owned(),
            scx_rate_limits: true,
            sign_in_mode: default_sign_in_mode(),
            sign_in_user: None,
            auth_code_lifetime_secs: default_auth_code_lifetime(),
            refresh_token_rotation: true,
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
