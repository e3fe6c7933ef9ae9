//! The registered OAuth clients (`POST /_emulator/clients`) and the demo client every
//! emulator starts with.

use std::collections::BTreeMap;

use crate::config::{DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SECOND_TENANT_ID, DEMO_TENANT_ID};

/// A registered OAuth client.
#[derive(Clone, Debug)]
pub(crate) struct OAuthClient {
    /// The client secret (Basic auth at `/oauth2/token`).
    pub(crate) secret: String,
    /// Tenants it may act for (`X-Tenant-ID`).
    pub(crate) tenants: Vec<String>,
    /// `None`: every scope.
    pub(crate) scopes: Option<Vec<String>>,
}

/// The clients at start (and after a reset): the demo client, for both demo tenants.
pub(crate) fn demo_clients() -> BTreeMap<String, OAuthClient> {
    BTreeMap::from([(
        DEMO_CLIENT_ID.to_owned(),
        OAuthClient {
            secret: DEMO_CLIENT_SECRET.to_owned(),
            tenants: vec![DEMO_TENANT_ID.to_owned(), DEMO_SECOND_TENANT_ID.to_owned()],
            scopes: None,
        },
    )])
}
