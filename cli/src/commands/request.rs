//! `request METHOD PATH`: one API call with the resolved client; the answer as pretty JSON.

use jtl_connect::{AccountClient, ApiClient, Request, Response};
use serde_json::{json, Value};

use crate::{
    args::{Global, RequestArgs},
    context::{argument_or_file, client, pair},
    error::{CliError, CliResult},
    output,
};

/// Sends `request` with whichever client `client` is.
pub(crate) async fn send(client: &AccountClient, request: Request) -> CliResult<Response> {
    Ok(match client {
        AccountClient::Cloud(cloud) => cloud.request(request).await?,
        AccountClient::Wawi(wawi) => wawi.request(request).await?,
        AccountClient::Scx(scx) => scx.request(request).await?,
    })
}

/// `--query NAME=VALUE` flags as pairs.
pub(crate) fn queries(values: &[String]) -> CliResult<Vec<(String, String)>> {
    values.iter().map(|q| pair("--query", q)).collect()
}

/// Runs `request`.
pub(crate) async fn run(global: &Global, args: &RequestArgs) -> CliResult {
    let mut request = Request::new(&args.method, args.path.as_str())?;
    for (name, value) in queries(&args.query)? {
        request = request.query(name, value);
    }
    for header in &args.header {
        let (name, value) = header.split_once(':').ok_or_else(|| {
            CliError::input(format!(
                "--header: expected \"Name: value\"; found {header:?}"
            ))
        })?;
        request = request.header(name.trim(), value.trim());
    }
    if let Some(data) = &args.data {
        let text = argument_or_file("--data", data)?;
        let body: Value = serde_json::from_str(&text)
            .map_err(|e| CliError::input(format!("--data: expected JSON; it is not ({e})")))?;
        request = request.json(body);
    }
    let resolved = client(global, args.tenant.as_deref())?;
    let response = send(&resolved.client, request).await?;
    let body = response.bytes();
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    if global.json {
        let body = match (&parsed, body.is_empty()) {
            (Some(value), _) => value.clone(),
            (None, true) => Value::Null,
            (None, false) => Value::String(response.text()),
        };
        let mut out = json!({ "status": response.status(), "body": body });
        if let Some(location) = response.header("location") {
            out["location"] = json!(location);
        }
        return output::json(&out);
    }
    match parsed {
        Some(value) => output::json(&value),
        None if body.is_empty() => {
            output::note(&format!("{} (no body)", response.status()));
            Ok(())
        }
        None => output::line(&response.text()),
    }
}
