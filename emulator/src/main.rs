//! `jtl-emulator`: runs the emulator of JTL's servers on a loopback port.

use clap::Parser;
use jtl_emulator::cli::EmulatorArgs;

/// A local stand-in for JTL's servers (identity provider, ERP API, JWKS, SCX, JTL-Wawi).
#[derive(Parser, Debug)]
#[command(name = "jtl-emulator", version)]
struct Cli {
    /// Print the GraphQL schema of /erp/v2/graphql (SDL) and exit.
    #[arg(long)]
    print_schema: bool,
    #[command(flatten)]
    args: EmulatorArgs,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    if cli.print_schema {
        match jtl_emulator::graphql_sdl() {
            Ok(sdl) => print!("{sdl}"),
            Err(e) => {
                eprintln!("jtl-emulator: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    if cli.args.child {
        std::process::exit(jtl_emulator::cli::run_child(&cli.args).await);
    }
    let emulator = match cli.args.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("jtl-emulator: {e}");
            std::process::exit(1);
        }
    };
    // The first line is a contract: scripts wait for it and read the URL from it.
    println!("listening on {}", emulator.url());
    println!("{}", emulator.banner());
    jtl_emulator::cli::stopped().await;
    emulator.shutdown().await;
}
