//! `emulator`: runs the emulator of JTL's servers in this process, like the `jtl-emulator`
//! binary (same flags, same first line), until Ctrl-C or SIGTERM.

use jtl_emulator::{cli::EmulatorArgs, config};
use serde_json::json;

use crate::{
    args::Global,
    error::{CliError, CliResult},
    output,
};

/// Runs `emulator`.
pub(crate) async fn run(global: &Global, args: &EmulatorArgs) -> CliResult {
    if args.child {
        // The machine mode of the test helpers (one JSON line, ends with stdin): the same
        // code as `jtl-emulator --child`.
        std::process::exit(jtl_emulator::cli::run_child(args).await);
    }
    let emulator = args
        .start()
        .await
        .map_err(|e| CliError::config(format!("emulator: {e}")))?;
    let url = emulator.url().to_owned();
    // The first line is a contract: scripts wait for it and read the URL from it.
    output::line(&format!("listening on {url}"))?;
    if global.json {
        output::line(
            &json!({
                "url": url,
                "token_url": emulator.token_url(),
                "api_base": emulator.api_base(),
                "jwks_url": emulator.jwks_url(),
                "scx_base": emulator.scx_base(),
                "wawi_base": emulator.wawi_base(),
                "admin": format!("{url}/_emulator/"),
                "client_id": config::DEMO_CLIENT_ID,
                "client_secret": config::DEMO_CLIENT_SECRET,
                "tenant_id": config::DEMO_TENANT_ID,
                "wawi_api_key": config::DEMO_WAWI_API_KEY,
                "scx_refresh_token": config::DEMO_SCX_REFRESH_TOKEN,
            })
            .to_string(),
        )?;
    } else {
        output::line(&emulator.banner())?;
    }
    jtl_emulator::cli::stopped().await;
    emulator.shutdown().await;
    Ok(())
}
