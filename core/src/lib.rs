//! # jtl-connect
//!
//! Everything an app needs to connect to JTL: credentials kept in [`Secret`]s, a token cache
//! that sends one request for any number of callers and refreshes before expiry, verification
//! of App Shell session tokens against JTL's JWKS, and clients for the Cloud ERP API
//! ([`CloudClient`]), JTL-Wawi OnPremise and the SCX Channel API, with retries, rate limits,
//! pagination and JTL's error bodies as typed [`Error`]s.
//!
//! The API is async (tokio); [`blocking`] mirrors it for synchronous callers and bindings.
//! The request methods (`request`, `get`, ..., `page`, `paginate`) are one trait,
//! [`ApiClient`], that every client implements: `use jtl_connect::prelude::*;`.
//!
//! ```no_run
//! # async fn demo() -> jtl_connect::Result<()> {
//! use jtl_connect::{prelude::*, ClientCredentials, CloudClient, Endpoints};
//! let client = CloudClient::builder(ClientCredentials::from_env()?)
//!     .endpoints(Endpoints::production())
//!     .tenant_id("00000000-0000-4000-8000-000000000001")
//!     .build()?;
//! let info: serde_json::Value = client.get("info").await?.json()?;
//! # let _ = info;
//! # Ok(()) }
//! ```

pub mod blocking;
// Entry points for the fuzz targets in fuzz/: not part of the API.
#[doc(hidden)]
#[path = "fuzz_hooks.rs"]
pub mod __fuzz;
mod cancel;
pub mod clock;
mod cloud;
pub mod codes;
mod credentials;
mod endpoints;
mod error;
mod fork;
pub mod graphql;
pub mod http;
pub mod oauth_user;
pub mod options;
pub mod pagination;
mod paginator;
mod redact;
mod runtime;
mod scx;
mod secret;
mod session;
pub mod store;
pub mod testing;
pub mod token;
pub mod warm;
pub mod wawi;

pub use cancel::Cancellation;
pub use cloud::{CloudClient, CloudClientBuilder};
pub use credentials::ClientCredentials;
pub use endpoints::Endpoints;
pub use error::{ApiDetail, Error, Result, TokenInvalidReason};
pub use graphql::{GraphqlError, GraphqlRequest, GraphqlResponse, IdempotencyKey};
pub use http::{ApiClient, HttpOptions, RateLimit, Request, Response, RetryPolicy};
pub use oauth_user::{
    AuthorizationCodeClient, AuthorizationCodeClientBuilder, GrantHook, SignIn, UserGrant,
};
pub use pagination::{ItemsJson, Page};
pub use paginator::{FetchPage, Paginator};
pub use runtime::{runtime, worker_threads};
pub use scx::{
    valid_channel_name, FailedEvent, ProcessedEvents, ScxClient, ScxClientBuilder, ScxEvent,
    SellerSignUp, MAX_ACK_BATCH, SELLER_SCOPE,
};
pub use secret::{fingerprint, Secret};
pub use session::{
    decode_unverified, Algorithm, SessionClaims, SessionVerifier, UnverifiedToken, VerifierConfig,
    VerifierStats,
};
pub use store::{Account, AccountClient, AccountStore, ConnectionTest, StoredGrant, System};
pub use token::{AccessToken, CacheOptions, SharedTokenCache, TokenCache};
pub use wawi::{
    registration::{
        register_wawi_app, PendingRegistration, RegistrationOptions, RegistrationPath,
        RegistrationStatus, WawiApp, WawiRegistration,
    },
    WawiClient, WawiClientBuilder,
};

/// What most programs import: `use jtl_connect::prelude::*;` brings the request methods of
/// every client ([`ApiClient`]) into scope.
pub mod prelude {
    pub use crate::ApiClient;
}
