//! `jtl-emulator`: runs the emulator of JTL's servers on a loopback port.

use clap::Parser;
use jtl_emulator::{cli::EmulatorArgs, Emulator};

/// A local stand-in for JTL's servers (identity provider, ERP API, JWKS, SCX, JTL-Wawi).
#[derive(Parser, Debug)]
#[command(name = "jtl-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let emulator = match Emulator::start_with(cli.args.config()).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("jtl-emulator: {e}");
            std::process::exit(1);
        }
    };
    // The first line is a contract: scripts wait for it and read the URL from it.
    println!("listening on {}", emulator.url());
    println!("{}", emulator.banner());
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
}
