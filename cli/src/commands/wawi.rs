//! `wawi register`: the two-step JTL-Wawi app registration. Checks the app's required fields,
//! sends the request (with `--tenant-id`), waits (with a spinner) until the user accepts it in
//! JTL-Wawi, and stores the permanent API key as a jtl-wawi account right away, with the app id
//! and version every data call needs. The key is never printed.

use std::time::Duration;

use jtl_connect::{
    Cancellation, PendingRegistration, RegistrationOptions, RegistrationPath, System, WawiApp,
};
use serde_json::json;

use crate::{
    args::{Global, RegisterArgs},
    context::{local, open_store},
    error::{CliError, CliResult},
    exit, output,
};

fn seconds(flag: &str, value: f64) -> CliResult<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            CliError::input(format!(
                "{flag}: expected a positive number of seconds; found {value}"
            ))
        })
}

/// Runs `wawi register`.
pub(crate) async fn register(global: &Global, args: &RegisterArgs) -> CliResult {
    let timeout = seconds("--timeout", args.timeout)?;
    let poll_interval = seconds("--poll-interval", args.poll_interval)?;
    let account_name = args.account_name.as_deref().unwrap_or(&args.name).trim();
    if account_name.is_empty() {
        return Err(CliError::input(
            "--account-name: expected a name for the account to store; found an empty string",
        ));
    }
    // The key is shown once: make sure it can be stored before asking for it.
    let store = open_store(global)?;
    if store.find(System::Wawi, account_name)?.is_some() {
        return Err(CliError::new(
            "conflict",
            format!(
                "--account-name: a jtl-wawi account named {account_name:?} already exists; choose another with --account-name"
            ),
        )
        .with_exit(exit::INPUT));
    }
    let app = WawiApp {
        app_id: args.app_id.clone(),
        display_name: args.name.clone(),
        description: args.description.clone(),
        version: args.app_version.clone(),
        provider_name: args.provider_name.clone(),
        provider_website: args.provider_website.clone(),
        mandatory_scopes: clean(&args.scopes),
        optional_scopes: clean(&args.optional_scopes),
        icon_base64: None,
    };
    app.check()?;
    let cancellation = Cancellation::new();
    let options = RegistrationOptions {
        tenant_id: Some(args.tenant_id.clone()),
        path: RegistrationPath::parse(&args.registration_path)?,
        poll_interval,
        timeout,
        cancellation: Some(cancellation.clone()),
        ..RegistrationOptions::default()
    };
    let pending = PendingRegistration::start(&args.base_url, &app, &options).await?;
    if !global.json {
        output::note(&format!(
            "registration requested (request id {}): accept {:?} in JTL-Wawi under Admin → App registration",
            pending.request_id(),
            app.display_name
        ));
    }
    let spinner = output::spinner(
        output::show_progress(global.json),
        "waiting for approval in JTL-Wawi (Ctrl-C to stop)".to_owned(),
    );
    let on_ctrl_c = {
        let cancellation = cancellation.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancellation.cancel();
            }
        })
    };
    let outcome = pending
        .wait(poll_interval, timeout, Some(&cancellation))
        .await;
    on_ctrl_c.abort();
    spinner.finish_and_clear();
    let registration = match outcome {
        Ok(registration) => registration,
        Err(error) if cancellation.is_cancelled() => {
            return Err(CliError::from(error).with_exit(exit::INTERRUPTED))
        }
        Err(error) => return Err(error.into()),
    };
    let base_url = args.base_url.trim();
    let fields = [
        ("base_url", base_url),
        ("api_key", registration.api_key.expose()),
        ("app_id", registration.app_id.as_str()),
        ("app_version", args.app_version.as_str()),
    ];
    let account = store
        .add(System::Wawi, account_name, &fields)
        .map_err(|e| {
            local(e).context(
                "the registration was accepted but its API key could not be stored (it is not shown again; register anew)",
            )
        })?;
    if global.json {
        return output::json(&json!({
            "app_id": registration.app_id,
            "granted_scopes": registration.granted_scopes,
            "account": account,
        }));
    }
    output::table(&[
        ("registered", registration.app_id.clone()),
        ("granted scopes", registration.granted_scopes.join(", ")),
        (
            "stored as",
            format!("jtl-wawi account {:?} ({})", account.name, account.id),
        ),
    ])?;
    output::note(&format!(
        "use it with: jtl-connect --account {:?} request GET v1/items",
        account.name
    ));
    Ok(())
}

fn clean(scopes: &[String]) -> Vec<String> {
    scopes
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}
