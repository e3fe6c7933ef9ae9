//! The command-line face of the emulator, shared by the `jtl-emulator` binary and
//! `jtl-connect emulator`: the flags, the banner printed after the first line, and the
//! `--child` mode in which test helpers of other languages run it (see [`run_child`]).

use std::{io::Write, net::IpAddr};

use serde_json::{json, Value};

use crate::{config, Config, Emulator, Error, Settings};

/// The flags `--options-json` replaces (it says everything they say).
const REPLACED_BY_OPTIONS: [&str; 12] = [
    "port",
    "host",
    "token_lifetime",
    "latency_ms",
    "rate_limit",
    "rate_limit_interval",
    "wawi_auto_approve",
    "session_kid_in_header",
    "jwks_without_kid",
    "session_issuer",
    "sign_in",
    "auth_code_lifetime",
];

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
    /// Start from these JSON options instead of the flags above, as the test helpers pass
    /// them: `{"port": 0, "host": "127.0.0.1", "settings": {"token_lifetime_secs": 5}}`
    /// (each optional; settings as `PATCH /_emulator/settings` takes them).
    #[arg(long, value_name = "JSON", conflicts_with_all = REPLACED_BY_OPTIONS)]
    pub options_json: Option<String>,
    /// Run as the child process of a test helper (Python's `jtl_connect.testing.Emulator`,
    /// Node's `startEmulator()`): print one JSON line, the demo values (`url`, `client_id`,
    /// ...) or `{"error": code, "message": ...}` if it could not start, no banner; and exit
    /// when stdin reaches end of file, so the emulator ends with the process that started it.
    #[arg(long)]
    pub child: bool,
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

impl EmulatorArgs {
    /// Starts the emulator these flags describe: from `--options-json` if given (as
    /// [`Emulator::start_from`]), else from [`EmulatorArgs::config`].
    pub async fn start(&self) -> Result<Emulator, Error> {
        match &self.options_json {
            Some(text) => {
                let options: Value = serde_json::from_str(text).map_err(|e| {
                    Error::InvalidInput(format!("--options-json: expected a JSON object; {e}"))
                })?;
                Emulator::start_from(options).await
            }
            None => Emulator::start_with(self.config()).await,
        }
    }
}

/// The whole life of an emulator started with `--child`: start it, print its demo values
/// ([`Emulator::demo`]) as one JSON line (or the start error as `{"error", "message"}`), serve
/// until stdin reaches end of file (the parent exited or closed it), Ctrl-C or SIGTERM, then
/// stop. Returns the exit code: 0, or 1 if it could not start.
pub async fn run_child(args: &EmulatorArgs) -> i32 {
    let emulator = match args.start().await {
        Ok(emulator) => emulator,
        Err(error) => {
            print_line(&json!({ "error": error.code(), "message": error.message() }));
            return 1;
        }
    };
    print_line(&emulator.demo());
    let eof = stdin_closed();
    tokio::select! {
        () = stopped() => {}
        _ = eof => {}
    }
    emulator.shutdown().await;
    0
}

/// One JSON line on stdout, flushed at once (the parent waits for it). A parent that is gone
/// already is no reason to panic, so write errors are ignored.
fn print_line(value: &Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

/// Resolves when stdin reaches end of file or fails. Read on a plain thread, not tokio's
/// stdin (whose blocking read would hold up the runtime's shutdown).
fn stdin_closed() -> tokio::sync::oneshot::Receiver<()> {
    let (done, closed) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = done.send(());
    });
    closed
}

/// Completes on Ctrl-C, or on SIGTERM where there is one.
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
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
