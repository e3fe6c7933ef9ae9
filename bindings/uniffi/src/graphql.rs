//! GraphQL on [`CloudClient`]: `graphql` (blocking and suspend/async) and `paginateGraphql`.
//! Variables and data travel as JSON text, like request bodies and `Response.json()`.

use std::sync::Arc;

use crate::{
    cloud::CloudClient,
    errors::JtlError,
    paginator::Paginator,
    runtime::{block, spawn},
    surface::parse_json,
};

fn variables(json: Option<String>) -> Result<Option<serde_json::Value>, JtlError> {
    json.map(|text| parse_json(&text)).transpose()
}

#[uniffi::export]
impl CloudClient {
    /// Runs a GraphQL operation and returns its `data` as JSON text. `variablesJson` is a
    /// JSON object; `operationName` picks one operation of a document with several.
    /// `errors` in the answer throw `JtlException.Graphql` with `errors` and partial `data`.
    /// Queries are retried like idempotent requests; a mutation carries a fresh
    /// `Idempotency-Key`, so its retries cannot run it twice.
    #[uniffi::method(default(variables_json = None, operation_name = None))]
    pub fn graphql(
        &self,
        query: String,
        variables_json: Option<String>,
        operation_name: Option<String>,
    ) -> Result<String, JtlError> {
        let variables = variables(variables_json)?;
        let inner = self.inner.clone();
        block(async move {
            inner
                .graphql(&query, variables, operation_name.as_deref())
                .await
        })
        .map(|data| data.to_string())
    }

    /// `graphql`, as a suspend/async function.
    #[uniffi::method(default(variables_json = None, operation_name = None))]
    pub async fn graphql_async(
        &self,
        query: String,
        variables_json: Option<String>,
        operation_name: Option<String>,
    ) -> Result<String, JtlError> {
        let variables = variables(variables_json)?;
        let inner = self.inner.clone();
        spawn(async move {
            inner
                .graphql(&query, variables, operation_name.as_deref())
                .await
        })
        .await
        .map(|data| data.to_string())
    }

    /// Every record (JSON text) of the connection at `connection` (a dotted path into
    /// `data`, e.g. `"QueryItems"`), walked by `pageInfo.endCursor`: the query declares
    /// `$first: Int` and `$after: String`. Pages are fetched as the records are consumed;
    /// `totalItems()` is the connection's `totalCount`.
    #[uniffi::method(default(variables_json = None, page_size = None))]
    pub fn paginate_graphql(
        &self,
        query: String,
        connection: String,
        variables_json: Option<String>,
        page_size: Option<u32>,
    ) -> Result<Arc<Paginator>, JtlError> {
        let variables = variables(variables_json)?;
        let paginator = self
            .inner
            .paginate_graphql(&query, variables, &connection, page_size)?;
        Ok(Paginator::wrap(paginator))
    }
}
