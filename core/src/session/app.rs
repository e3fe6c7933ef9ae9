//! JTL app tokens (facts §4.2): RS256 JWTs of the platform IdP (`JTL_ISSUER`, default
//! `https://id.jtl-cloud.com`), keys at `{issuer}/oauth/v2/keys`, `aud` containing the app's
//! id, tenant in `urn:jtl:tenant_id`, user in `sub`, app in `urn:jtl:app_id`. Verified by a
//! [`SessionVerifier`] built for them, with the same key cache; the claims come out as
//! [`crate::SessionClaims`] (`app_id` set, `customer_id` none).

use jsonwebtoken::Algorithm;

use super::{SessionVerifier, VerifierConfig};
use crate::{endpoints::parse_url, CloudClient, Error, Result};

/// The configuration of an app-token verifier: `base`'s timing, caching and size settings,
/// with what app tokens need pinned (RS256, the issuer required, `aud` = `[app_id]`,
/// `urn:jtl:tenant_id` and `sub` required).
pub(crate) fn app_config(app_id: &str, issuer: &str, base: VerifierConfig) -> VerifierConfig {
    VerifierConfig {
        algorithms: vec![Algorithm::RS256],
        issuer: Some(issuer.to_owned()),
        require_issuer: true,
        audience: Some(vec![app_id.to_owned()]),
        required_claims: vec!["urn:jtl:tenant_id".to_owned(), "sub".to_owned()],
        ..base
    }
}

/// A verifier of `app_id`'s app tokens from `issuer` (`None`: `client`'s endpoints' app-token
/// issuer).
pub(crate) fn verifier(
    client: &CloudClient,
    app_id: &str,
    issuer: Option<&str>,
    base: VerifierConfig,
) -> Result<SessionVerifier> {
    let app_id = app_id.trim();
    if app_id.is_empty() {
        return Err(Error::invalid_input(
            "app_id: expected the app's id (JTL_APP_ID, the audience of its app tokens); found an empty string",
        ));
    }
    let issuer = match issuer {
        Some(issuer) => parse_url("app-token issuer", issuer)?,
        None => client.endpoints().app_issuer().clone(),
    };
    // `iss` is compared as text: JTL's issuer has no trailing slash, a parsed URL may.
    let issuer = issuer.as_str().trim_end_matches('/').to_owned();
    let keys_url = parse_url("app-token keys URL", &format!("{issuer}/oauth/v2/keys"))?;
    SessionVerifier::for_app_tokens(client, keys_url, app_config(app_id, &issuer, base))
}
