//! `token`: gets an access token and shows its expiry and fingerprint; the token itself only
//! with `--show`.

use std::sync::Arc;

use jtl_connect::{AccessToken, AccountClient};
use serde_json::{json, Map, Value};

use crate::{
    args::{Global, TokenArgs},
    context::client,
    error::{CliError, CliResult},
    output,
};

/// Runs `token`.
pub(crate) async fn run(global: &Global, args: &TokenArgs) -> CliResult {
    let resolved = client(global, None)?;
    let token: Arc<AccessToken> =
        match &resolved.client {
            AccountClient::Cloud(cloud) => cloud.access_token().await?,
            AccountClient::Scx(scx) => scx.access_token().await?,
            AccountClient::Wawi(_) => return Err(CliError::input(
                "token: jtl-wawi accounts use a permanent API key, there is no access token to get",
            )),
        };
    let expires_at = output::unix(token.expires_at());
    let left = output::seconds_left(expires_at);
    if global.json {
        let mut value = Map::new();
        value.insert("source".into(), json!(resolved.source));
        value.insert("fingerprint".into(), json!(token.fingerprint()));
        value.insert("expires_at".into(), json!(expires_at));
        value.insert(
            "expires_at_rfc3339".into(),
            json!(output::rfc3339(expires_at)),
        );
        value.insert("expires_in".into(), json!(left));
        value.insert("scope".into(), json!(token.scope()));
        if args.show {
            value.insert("token".into(), json!(token.expose()));
        }
        return output::json(&Value::Object(value));
    }
    if args.show {
        // Alone on stdout, so that `$(jtl-connect token --show)` is the token.
        return output::line(token.expose());
    }
    let mut rows = vec![
        ("credentials", resolved.source),
        ("fingerprint", token.fingerprint()),
        (
            "expires at",
            format!(
                "{} ({})",
                output::rfc3339(expires_at),
                output::relative(left)
            ),
        ),
    ];
    if let Some(scope) = token.scope() {
        rows.push(("scope", scope.to_owned()));
    }
    output::table(&rows)?;
    output::note("the token itself is not shown; add --show to print it");
    Ok(())
}
