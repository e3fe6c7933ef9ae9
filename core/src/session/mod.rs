//! App Shell session tokens: [`SessionVerifier`] checks them against JTL's JWKS and returns
//! [`SessionClaims`]; [`decode_unverified`] reads one without checking, for inspection.
//!
//! The App Shell hands an app's frontend a session token (an `EdDSA` JWT with `tenantId`,
//! `userId`, `exp`, and a `kid` in the header or the payload); the backend must verify it
//! before trusting the tenant or the user. Keys come from
//! `https://api.jtl-cloud.com/account/.well-known/jwks.json`, fetched with the app's
//! client-credentials token and cached (see [`VerifierConfig`]).

pub(crate) mod claims;
mod config;
mod decode;
pub(crate) mod jwks;
pub(crate) mod keys;
mod verified;
mod verifier;

pub use claims::SessionClaims;
pub use config::VerifierConfig;
pub use decode::{decode_unverified, UnverifiedToken};
/// Signature algorithms for [`VerifierConfig::algorithms`] (re-exported from `jsonwebtoken`).
pub use jsonwebtoken::Algorithm;
pub use verifier::{SessionVerifier, VerifierStats};
