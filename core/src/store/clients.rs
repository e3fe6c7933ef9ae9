//! The clients a store hands out: one per account, built from the opened row
//! ([`super::systems::build_client`], beside the systems table), kept while the row stays
//! exactly as it was, so repeated calls share one token cache; and the connection test.

use std::collections::BTreeMap;

use super::{
    lock, no_account, probe, sql::Refused, systems::build_client, AccountClient, AccountStore,
    ConnectionTest, System,
};
use crate::Result;

impl AccountStore {
    /// A ready client for the account. Calls for the same unchanged account share one
    /// client and so one token cache; `tenant_id` overrides a Cloud account's default tenant.
    /// Clients of a PostgreSQL store share their tokens with every process using that
    /// database ([`crate::SharedTokenCache`], sealed with the store's master key).
    /// A row changed outside the store is refused (`store`) before a client exists.
    pub fn client(&self, id: &str, tenant_id: Option<&str>) -> Result<AccountClient> {
        let client = self.opened_client(id)?.0;
        match (client, tenant_id) {
            (AccountClient::Cloud(cloud), Some(tenant)) => {
                Ok(AccountClient::Cloud(cloud.for_tenant(tenant)?))
            }
            (client, _) => Ok(client),
        }
    }

    /// The client of the row as it is now, with its system and fields.
    fn opened_client(&self, id: &str) -> Result<(AccountClient, System, BTreeMap<String, String>)> {
        let (row, generation) = self
            .backend
            .by_id_with_generation(id)?
            .ok_or_else(|| no_account(id))?;
        let keys = self.keys();
        if generation != keys.generation {
            return Err(Refused::Rotated(generation).into());
        }
        if let Some((_, client)) = lock(&self.clients).get(id).filter(|(seen, _)| *seen == row) {
            // The very bytes that were opened before: no need to open them again.
            let system = System::parse(&row.system)?;
            return Ok((client.clone(), system, row.parsed_fields()?));
        }
        let (system, fields, secret) = keys.open(&row)?;
        let client = build_client(system, &fields, secret, &self.http, keys.tokens.as_ref())?;
        lock(&self.clients).insert(id.to_owned(), (row, client.clone()));
        Ok((client, system, fields))
    }

    /// Gets a token and calls the service: `/info` for Cloud (when a tenant is known), one
    /// items page for Wawi, the auth exchange for SCX. Reports ok, or the status, error code
    /// and a message of the library's own (never the target's answer). A row changed outside
    /// the store is a `store` error, and nothing is sent.
    pub async fn test_connection(
        &self,
        id: &str,
        tenant_id: Option<&str>,
    ) -> Result<ConnectionTest> {
        let (_, system, fields) = self.opened_client(id)?;
        let client = self.client(id, tenant_id)?;
        Ok(probe::run(&client, system, &fields).await)
    }
}
