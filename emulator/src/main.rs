//! `jtl-emulator`: runs the emulator of JTL's servers on a loopback port.

use std::net::IpAddr;

use clap::Parser;
use jtl_emulator::{config, Config, Emulator, Settings};

/// A local stand-in for JTL's servers (identity provider, ERP API, JWKS, SCX, JTL-Wawi).
#[derive(Parser, Debug)]
#[command(name = "jtl-emulator", version)]
struct Args {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8787, env = "JTL_EMULATOR_PORT")]
    port: u16,
    /// Loopback address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Lifetime of access tokens (and SCX auth tokens), in seconds.
    #[arg(long, default_value_t = 3600)]
    token_lifetime: u64,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// ERP requests allowed per client and tenant per rate-limit window.
    #[arg(long, default_value_t = 10_000)]
    rate_limit: u32,
    /// Length of the rate-limit window, in seconds.
    #[arg(long, default_value_t = 60)]
    rate_limit_interval: u64,
    /// Approve Wawi registrations automatically after this many seconds (0: wait for the admin API).
    #[arg(long, default_value_t = 3)]
    wawi_auto_approve: u64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let settings = Settings {
        token_lifetime_secs: args.token_lifetime,
        scx_token_lifetime_secs: args.token_lifetime,
        latency_ms: args.latency_ms,
        rate_limit: args.rate_limit,
        rate_limit_interval_secs: args.rate_limit_interval,
        wawi_auto_approve_ms: (args.wawi_auto_approve > 0).then(|| args.wawi_auto_approve * 1000),
        ..Settings::default()
    };
    let emulator = match Emulator::start_with(Config {
        host: args.host,
        port: args.port,
        settings,
    })
    .await
    {
        Ok(e) => e,
        Err(e) => {
            eprintln!("jtl-emulator: {e}");
            std::process::exit(1);
        }
    };
    let url = emulator.url();
    // The first line is a contract: scripts wait for it and read the URL from it.
    println!("listening on {url}");
    println!();
    println!("  token endpoint  {url}/oauth2/token");
    println!("  ERP API         {url}/erp/v2/");
    println!("  JWKS            {url}/account/.well-known/jwks.json");
    println!("  SCX             {url}/v1/");
    println!("  JTL-Wawi        {url}/api/eazybusiness/");
    println!("  admin           {url}/_emulator/");
    println!();
    println!("  demo client id      {}", config::DEMO_CLIENT_ID);
    println!("  demo client secret  {}", config::DEMO_CLIENT_SECRET);
    println!("  demo tenant         {}", config::DEMO_TENANT_ID);
    println!("  Wawi API key        {}", config::DEMO_WAWI_API_KEY);
    println!("  SCX refresh token   {}", config::DEMO_SCX_REFRESH_TOKEN);
    println!();
    println!(
        "  try: curl -s -u {}:{} -d grant_type=client_credentials {url}/oauth2/token",
        config::DEMO_CLIENT_ID,
        config::DEMO_CLIENT_SECRET
    );
    println!("  stop with Ctrl-C");
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
}
