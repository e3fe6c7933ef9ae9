//! `graphql()` and `paginateGraphql()` of [`CloudClient`]: options from JavaScript as a core
//! [`jtl_connect::GraphqlRequest`]; the behaviour is the core's.

use jtl_connect::{
    options::{Schema, GRAPHQL, GRAPHQL_PAGINATION},
    GraphqlRequest, IdempotencyKey, Result as CoreResult,
};
use napi::{
    bindgen_prelude::{Either, Object, PromiseRaw},
    Env,
};
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::{
    cloud::CloudClient,
    convert::{header_pairs, invalid, kind},
    errors::check,
    options::{Checked, Named},
    paginator::Paginator,
    runtime::spawn,
};

/// Options of `graphql(query, variables, options)`.
#[napi(object)]
#[derive(Default)]
pub struct GraphqlOptions {
    /// Which operation of the document to run (needed when it defines several).
    pub operation_name: Option<String>,
    /// `Idempotency-Key` of a mutation: unset or `true` a fresh random key (the default),
    /// a string that key, `false` none (the mutation is then never retried).
    #[napi(ts_type = "string | boolean")]
    pub idempotency_key: Option<Value>,
    /// Extra headers (they replace the client's defaults of the same name).
    #[napi(ts_type = "Record<string, string | number | boolean>")]
    pub headers: Option<Map<String, Value>>,
    /// Timeout of each attempt in seconds, instead of the client's.
    pub timeout: Option<f64>,
}

impl Named for GraphqlOptions {
    const SCHEMA: Schema = GRAPHQL;
}

impl Named for GraphqlPageOptions {
    const SCHEMA: Schema = GRAPHQL_PAGINATION;
}

/// Options of `paginateGraphql(query, options)`.
#[napi(object)]
pub struct GraphqlPageOptions {
    /// Where the connection is in `data`: a dotted path of response keys, e.g. `"QueryItems"`.
    pub connection: String,
    /// Variables besides `first` and `after` (the paginator sets those).
    #[napi(ts_type = "Record<string, any>")]
    pub variables: Option<Value>,
    /// Records per page (`first`; default 100).
    pub page_size: Option<u32>,
}

fn build(
    query: String,
    variables: Option<Value>,
    options: Option<Either<String, GraphqlOptions>>,
) -> CoreResult<GraphqlRequest> {
    let mut request = GraphqlRequest::new(query);
    if let Some(variables) = variables {
        request = request.variables(variables);
    }
    let options = match options {
        None => GraphqlOptions::default(),
        Some(Either::A(name)) => GraphqlOptions {
            operation_name: Some(name),
            ..GraphqlOptions::default()
        },
        Some(Either::B(options)) => options,
    };
    if let Some(name) = options.operation_name {
        request = request.operation_name(name);
    }
    match options.idempotency_key {
        None | Some(Value::Null) | Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => request = request.idempotency_key(IdempotencyKey::Off),
        Some(Value::String(key)) => request = request.idempotency_key(IdempotencyKey::Key(key)),
        Some(other) => {
            return Err(invalid(format!(
                "idempotencyKey: expected a string, true or false; found {}",
                kind(&other)
            )))
        }
    }
    for (name, value) in header_pairs(options.headers)? {
        request = request.header(name, value);
    }
    let durations = crate::options::durations(
        jtl_connect::options::REQUEST,
        &[("timeout", options.timeout)],
    )?;
    if let Some(timeout) = durations.seconds("timeout") {
        request = request.timeout(timeout);
    }
    Ok(request)
}

#[napi]
impl CloudClient {
    /// Runs a GraphQL operation (`endpoints.graphqlUrl`) and resolves with its `data`.
    /// `errors` in the answer reject with a `JtlError` `graphql` carrying `errors` and the
    /// partial `data`. Queries are retried like idempotent requests; a mutation carries a
    /// fresh `Idempotency-Key`, so its retries cannot run it twice. The third argument is
    /// the operation name or `{ operationName, idempotencyKey, headers, timeout }`.
    #[napi(
        ts_args_type = "query: string, variables?: Record<string, any> | null, options?: string | GraphqlOptions",
        ts_return_type = "Promise<any>"
    )]
    pub fn graphql<'env>(
        &self,
        env: &'env Env,
        query: String,
        variables: Option<Value>,
        options: Option<Either<String, Object<'_>>>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let options = match options {
            Some(Either::B(object)) => Some(Either::B(Checked::<GraphqlOptions>::from_object(
                env, &object,
            )?)),
            Some(Either::A(name)) => Some(Either::A(name)),
            None => None,
        };
        let client = self.inner.clone();
        spawn(
            env,
            async move {
                let request = build(query, variables, options)?;
                Ok(client.graphql_request(request).await?.data)
            },
            |_, data| Ok(data),
        )
    }

    /// Every record of a GraphQL connection, fetched page by page as it is consumed:
    /// `for await (const item of client.paginateGraphql(query, { connection: "QueryItems" }))`.
    /// The query declares `$first: Int` and `$after: String` and passes them to the
    /// connection; records come from `nodes` or `edges[].node`. A repeated cursor rejects.
    #[napi]
    pub fn paginate_graphql(
        &self,
        env: &Env,
        query: String,
        #[napi(ts_arg_type = "GraphqlPageOptions")] options: Checked<GraphqlPageOptions>,
    ) -> napi::Result<Paginator> {
        let options = options.0;
        let paginator = self.inner.paginate_graphql(
            &query,
            options.variables,
            &options.connection,
            options.page_size,
        );
        Ok(Paginator::new(check(env, paginator)?.into_json()))
    }
}
