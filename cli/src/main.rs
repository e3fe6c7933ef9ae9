//! `jtl-connect`: the command line of jtl-connect. Accounts, tokens, API calls, session
//! tokens, JTL-Wawi registration and the emulator, on the `jtl_connect` core library.
//! See `cli/README.md`; exit codes are in [`exit`].

mod args;
mod commands;
mod context;
mod error;
mod exit;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print to stdout and succeed; usage errors exit with USAGE.
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let as_json = cli.global.json;
    if cli.global.verbose {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .with_target(true)
            .try_init();
    }
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("jtl-connect-cli")
        .enable_all()
        .build()
        .map_err(|e| error::CliError::new("config", format!("cannot start the async runtime: {e}")))
        .and_then(|runtime| runtime.block_on(commands::run(cli)));
    match outcome {
        Ok(()) => ExitCode::from(exit::OK),
        Err(error) => {
            output::error(&error, as_json);
            ExitCode::from(error.exit)
        }
    }
}
