//! User sign-in data (`/oauth2/auth`, facts §5.4): the authorization codes waiting to be
//! exchanged, the refresh tokens issued for them and the revoked grant families.

use std::collections::{HashMap, HashSet};

use crate::config::DemoUser;

/// An authorization code waiting to be exchanged.
pub(crate) struct Code {
    /// The client that asked for it; only it may exchange the code.
    pub(crate) client_id: String,
    /// The `redirect_uri` of the authorize request; the exchange must repeat it.
    pub(crate) redirect_uri: String,
    /// The PKCE `code_challenge` (S256) the verifier must match.
    pub(crate) challenge: String,
    /// The demo user who signed in.
    pub(crate) user: DemoUser,
    /// The scopes consented to, space-separated.
    pub(crate) scope: String,
    /// Unix time after which the code is refused.
    pub(crate) expires_at: i64,
    /// Exchanged already: a second exchange revokes the family.
    pub(crate) used: bool,
    /// The grant family: every refresh token descending from this code.
    pub(crate) family: String,
}

/// A refresh token the emulator issued.
pub(crate) struct Refresh {
    /// The client it was issued to.
    pub(crate) client_id: String,
    /// The demo user it acts for.
    pub(crate) user: DemoUser,
    /// The scopes it carries, space-separated.
    pub(crate) scope: String,
    /// The grant family (see [`Code::family`]).
    pub(crate) family: String,
    /// Replaced by rotation: using it again revokes the family.
    pub(crate) used: bool,
}

/// The codes and refresh tokens of user sign-ins.
#[derive(Default)]
pub(crate) struct UserAuthState {
    /// Authorization codes by their value.
    pub(crate) codes: HashMap<String, Code>,
    /// Refresh tokens by their value, spent ones included (to detect replays).
    pub(crate) refresh: HashMap<String, Refresh>,
    /// Families revoked by a replayed code or refresh token, or by the admin API.
    pub(crate) revoked: HashSet<String>,
}
