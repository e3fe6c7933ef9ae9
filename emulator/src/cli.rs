//! The command-line face of the emulator, shared by the `jtl-emulator` binary and
//! `jtl-connect emulator`: the flags, and the banner printed after the first line.

use std::net::IpAddr;

use crate::{config, Config, Emulator, Settings};

/// Flags of an emulator started from the command line.
#[derive(clap::Args, Clone, Debug)]
pub struct EmulatorArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787, env = "JTL_EMULATOR_PORT")]
    pub port: u16,
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Lifetime of access tokens (and SCX auth tokens), in seconds.
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime: u64,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// ERP requests allowed per client and tenant per rate-limit window.
    #[arg(long, default_value_t = 10_000)]
    pub rate_limit: u32,
    /// Length of the rate-limit window, in seconds.
    #[arg(long, default_value_t = 60)]
    pub rate_limit_interval: u64,
    /// Approve Wawi registrations automatically after this many seconds (0: wait for the admin API).
    #[arg(long, default_value_t = 3)]
    pub wawi_auto_approve: u64,
    /// Put the signing key's kid in session-token headers (JTL's samples read it there);
    /// by default the header is {"alg":"EdDSA","typ":"JWT"} as JTL documents it.
    #[arg(long)]
    pub session_kid_in_header: bool,
    /// Publish the session keys without kid (verifiers must then try each key).
    #[arg(long)]
    pub jwks_without_kid: bool,
    /// `iss` of minted session tokens; by default they have none, as JTL documents them.
    #[arg(long)]
    pub session_issuer: Option<String>,
    /// What the user sign-in page (/oauth2/auth) does: page (show the demo users), approve
    /// (sign the first demo user in at once), deny (answer access_denied).
    #[arg(long, default_value = "page", value_parser = ["page", "approve", "deny"])]
    pub sign_in: String,
    /// Lifetime of authorization codes, in seconds (0: every code expires at once).
    #[arg(long, default_value_t = 60)]
    pub auth_code_lifetime: u64,
}

impl EmulatorArgs {
    /// The [`Config`] these flags describe.
    pub fn config(&self) -> Config {
        Config {
            host: self.host,
            port: self.port,
            settings: Settings {
                token_lifetime_secs: self.token_lifetime,
                scx_token_lifetime_secs: self.token_lifetime,
                latency_ms: self.latency_ms,
                rate_limit: self.rate_limit,
                rate_limit_interval_secs: self.rate_limit_interval,
                wawi_auto_approve_ms: (self.wawi_auto_approve > 0)
                    .then(|| self.wawi_auto_approve.saturating_mul(1000)),
                session_kid_in_header: self.session_kid_in_header,
                jwks_without_kid: self.jwks_without_kid,
                session_issuer: self.session_issuer.clone(),
                sign_in_mode: self.sign_in.clone(),
                auth_code_lifetime_secs: self.auth_code_lifetime,
                ..Settings::default()
            },
        }
    }
}

impl Emulator {
    /// What to print after the first line (`listening on <url>`): where each service is,
    /// the demo credentials, and a first command to try.
    pub fn banner(&self) -> String {
        let url = self.url();
        [
            String::new(),
            format!("  token endpoint  {}", self.token_url()),
            format!("  user sign-in    {}", self.authorize_url()),
            format!("  ERP API         {}/", self.api_base()),
            format!("  ERP GraphQL     {}/graphql", self.api_base()),
            format!("  JWKS            {}", self.jwks_url()),
            format!("  app-token keys  {}", self.app_keys_url()),
            format!("  SCX             {}/", self.scx_base()),
            format!("  JTL-Wawi        {}/", self.wawi_base()),
            format!("  admin           {url}/_emulator/"),
            String::new(),
            format!("  demo client id      {}", config::DEMO_CLIENT_ID),
            format!("  demo client secret  {}", config::DEMO_CLIENT_SECRET),
            format!("  demo tenant         {}", config::DEMO_TENANT_ID),
            format!("  Wawi API key        {}", config::DEMO_WAWI_API_KEY),
            format!("  SCX refresh token   {}", config::DEMO_SCX_REFRESH_TOKEN),
            format!(
                "  demo users          {}",
                config::DEMO_USERS
                    .iter()
                    .map(|u| format!("{} ({})", u.name, u.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            String::new(),
            format!(
                "  try: curl -s -u {}:{} -d grant_type=client_credentials {}",
                config::DEMO_CLIENT_ID,
                config::DEMO_CLIENT_SECRET,
                self.token_url()
            ),
            "  stop with Ctrl-C".to_owned(),
        ]
        .join("\n")
    }
}
