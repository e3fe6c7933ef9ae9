//! App Shell session tokens and JTL app tokens: [`SessionVerifier`] checks them against
//! JTL's key sets and returns [`SessionClaims`]; [`decode_unverified`] reads one without
//! checking, for inspection.
//!
//! The App Shell hands an app's frontend a session token (an `EdDSA` JWT, header
//! `{"alg":"EdDSA","typ":"JWT"}`, payload `{exp, userId, tenantId, kid}` where the payload
//! `kid` is the customer id, facts §4.1); the backend must verify it before trusting the
//! tenant or the user. Newer apps get app tokens (RS256, facts §4.2), verified by
//! [`crate::CloudClient::app_token_verifier`]. Keys come from
//! `https://api.jtl-cloud.com/account/.well-known/jwks.json`, fetched with the app's
//! client-credentials token and cached (see [`VerifierConfig`]).

mod app;
pub(crate) mod claims;
mod config;
mod decode;
pub(crate) mod jwks;
pub(crate) mod keys;
mod verified;
mod verifier;

pub(crate) use app::verifier as app_verifier;
pub use claims::SessionClaims;
pub use config::VerifierConfig;
pub use decode::{decode_unverified, UnverifiedToken};
/// Signature algorithms for [`VerifierConfig::algorithms`] (re-exported from `jsonwebtoken`).
pub use jsonwebtoken::Algorithm;
pub use verifier::{SessionVerifier, VerifierStats};
