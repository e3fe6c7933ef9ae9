//! `verify TOKEN` (against JTL's keys: claims, or the reason it fails) and `decode TOKEN`
//! (header and claims, without any check).

use std::time::Duration;

use jtl_connect::{decode_unverified, AccountClient, VerifierConfig};
use serde_json::{json, Value};

use crate::{
    args::{DecodeArgs, Global, VerifyArgs},
    context::{argument_or_file, client},
    error::{CliError, CliResult},
    output,
};

fn token_text(value: &str) -> CliResult<String> {
    Ok(argument_or_file("TOKEN", value)?.trim().to_owned())
}

/// Runs `verify`.
pub(crate) async fn verify(global: &Global, args: &VerifyArgs) -> CliResult {
    let token = token_text(&args.token)?;
    let resolved = client(global, None)?;
    let AccountClient::Cloud(cloud) = &resolved.client else {
        return Err(CliError::input(
            "verify: needs jtl-cloud credentials (JTL's keys are fetched with the app's access token); use a jtl-cloud --account or JTL_CLIENT_ID/JTL_CLIENT_SECRET",
        ));
    };
    let mut config = VerifierConfig {
        leeway: Duration::from_secs(args.leeway),
        ..VerifierConfig::default()
    };
    if let Some(issuer) = &args.issuer {
        config.issuer = Some(issuer.clone());
    }
    let claims = cloud.session_verifier(config)?.verify(&token).await?;
    let left = output::seconds_left(claims.expires_at);
    if global.json {
        return output::json(&json!({
            "valid": true,
            "tenant_id": claims.tenant_id,
            "user_id": claims.user_id,
            "tenant_slug": claims.tenant_slug,
            "expires_at": claims.expires_at,
            "expires_in": left,
            "claims": claims.claims,
        }));
    }
    let mut rows = vec![
        ("tenant_id", claims.tenant_id.clone()),
        ("user_id", claims.user_id.clone()),
    ];
    if let Some(slug) = &claims.tenant_slug {
        rows.push(("tenant_slug", slug.clone()));
    }
    rows.push((
        "expires_at",
        format!(
            "{} ({})",
            output::rfc3339(claims.expires_at),
            output::relative(left)
        ),
    ));
    output::line("valid session token")?;
    output::table(&rows)?;
    output::line("claims:")?;
    output::json(&Value::Object(claims.claims))
}

/// Runs `decode`.
pub(crate) fn decode(global: &Global, args: &DecodeArgs) -> CliResult {
    let token = token_text(&args.token)?;
    let decoded = decode_unverified(&token)?;
    let exp = decoded.claims.get("exp").and_then(Value::as_i64);
    let value = json!({ "header": decoded.header, "claims": decoded.claims });
    output::json(&value)?;
    if !global.json {
        output::note(
            "note: decoded WITHOUT verification; use `jtl-connect verify` before trusting it",
        );
        if let Some(exp) = exp {
            let left = output::seconds_left(exp);
            let verb = if left >= 0 { "expires" } else { "expired" };
            output::note(&format!(
                "{verb} {} ({})",
                output::rfc3339(exp),
                output::relative(left)
            ));
        }
    }
    Ok(())
}
