//! [`CloudClient`] and [`AsyncCloudClient`]: the JTL Cloud ERP API.

use jtl_connect::options::CLOUD_CLIENT;
use pyo3::{prelude::*, types::PyDict};

use crate::{
    convert::{repr_opt, repr_str, Json},
    endpoints::Endpoints,
    errors, graphql,
    options::{flat, Given},
    paginator::{AsyncPaginator, Paginator},
    runtime::{block, spawn},
    secret::secret_arg,
    session::{app_verifier, verifier, AsyncSessionVerifier, SessionVerifier},
    surface::{async_client, sync_client},
    token::AccessToken,
};

/// A client of the JTL Cloud ERP API (`Authorization: Bearer`, `X-Tenant-ID`).
///
/// `CloudClient(client_id, client_secret, tenant_id=None, endpoints=None)`; paths are
/// relative to the API base (`client.get("items/7")`). Handles made with `for_tenant` share
/// one token cache. Safe to use from many threads; every call releases the GIL.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct CloudClient {
    pub(crate) inner: jtl_connect::CloudClient,
}

/// The same client for asyncio: every request method is a coroutine.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncCloudClient {
    pub(crate) inner: jtl_connect::CloudClient,
}

/// Builds the core client from the constructor's arguments; the keyword options are
/// core's `cloud_client` schema with the HTTP options flat beside them.
fn build(
    py: Python<'_>,
    client_id: &str,
    client_secret: &Bound<'_, PyAny>,
    tenant_id: Option<&str>,
    endpoints: Option<&Bound<'_, Endpoints>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<jtl_connect::CloudClient> {
    let secret = secret_arg(client_secret, "client_secret")?;
    let Given { own, http } = flat(py, options, &CLOUD_CLIENT)?;
    let endpoints = Endpoints::or_production(endpoints);
    let built = jtl_connect::ClientCredentials::new(client_id, secret).and_then(|credentials| {
        let mut builder = jtl_connect::CloudClient::builder(credentials)
            .endpoints(endpoints)
            .http_options(http);
        if let Some(tenant) = tenant_id {
            builder = builder.tenant_id(tenant);
        }
        if let Some(language) = own.text("accept_language") {
            builder = builder.accept_language(language);
        }
        if let Some(url) = own.text("token_cache") {
            builder = builder.token_cache(url);
        }
        builder.build()
    });
    built.map_err(|e| errors::to_py(py, &e))
}

fn repr(name: &str, client: &jtl_connect::CloudClient) -> String {
    format!(
        "{name}(client_id={}, tenant_id={}, endpoints={})",
        repr_str(client.client_id()),
        repr_opt(client.tenant_id()),
        repr_str(client.endpoints().name())
    )
}

/// The methods both classes share besides the request methods; `$verifier` is the session
/// verifier class they hand out.
macro_rules! cloud_methods {
    ($client:ident, $class:ident, $verifier:ident, { $($own:tt)* }) => {
        $client!($class, {
            $($own)*

            #[new]
            #[pyo3(signature = (client_id, client_secret, tenant_id=None, endpoints=None, **options))]
            fn new(
                py: Python<'_>,
                client_id: &str,
                client_secret: &Bound<'_, PyAny>,
                tenant_id: Option<&str>,
                endpoints: Option<&Bound<'_, Endpoints>>,
                options: Option<&Bound<'_, PyDict>>,
            ) -> PyResult<Self> {
                let inner = build(py, client_id, client_secret, tenant_id, endpoints, options)?;
                Ok(Self { inner })
            }

            /// From `JTL_CLIENT_ID`, `JTL_CLIENT_SECRET`, and optionally `JTL_TENANT_ID` and
            /// `JTL_ENVIRONMENT` (`production`, `beta`, `dev`, `qa`, or an emulator URL).
            #[staticmethod]
            fn from_env(py: Python<'_>) -> PyResult<Self> {
                jtl_connect::CloudClient::from_env()
                    .map(|inner| Self { inner })
                    .map_err(|e| errors::to_py(py, &e))
            }

            /// A handle for another tenant that shares this client's token cache.
            fn for_tenant(&self, py: Python<'_>, tenant_id: &str) -> PyResult<Self> {
                self.inner
                    .for_tenant(tenant_id)
                    .map(|inner| Self { inner })
                    .map_err(|e| errors::to_py(py, &e))
            }

            /// A handle that acts as `user_id` (`X-RunAs`; needs the scope
            /// `Application.RunAs`), sharing the token cache.
            fn run_as(&self, user_id: &str) -> Self {
                Self { inner: self.inner.run_as(user_id) }
            }

            /// The client id.
            #[getter]
            fn client_id(&self) -> &str {
                self.inner.client_id()
            }

            /// The tenant of this handle (`X-Tenant-ID`), if any.
            #[getter]
            fn tenant_id(&self) -> Option<&str> {
                self.inner.tenant_id()
            }

            /// The endpoints it talks to.
            #[getter]
            fn endpoints(&self) -> Endpoints {
                Endpoints { inner: self.inner.endpoints().clone() }
            }

            /// A verifier of App Shell session tokens, fetching JTL's keys with this client's
            /// token. `issuer=None` means JTL's (`https://api.jtl-cloud.com`);
            /// `verify_issuer=False` skips the check. Durations are in seconds.
            #[pyo3(signature = (**options))]
            fn session_verifier(
                &self,
                py: Python<'_>,
                options: Option<&Bound<'_, pyo3::types::PyDict>>,
            ) -> PyResult<$verifier> {
                verifier(py, &self.inner, options).map($verifier::from)
            }

            /// A verifier of JTL app tokens for `app_id`: RS256, `iss` must be `issuer`
            /// (`None`: the endpoints' issuer, `https://id.jtl-cloud.com` in production),
            /// keys from `{issuer}/oauth/v2/keys`, `aud` must contain `app_id`. Claims:
            /// `tenant_id` (`urn:jtl:tenant_id`), `user_id` (`sub`), `app_id`. Each failure
            /// names the check (signature, issuer, audience, expiry). Durations in seconds.
            #[pyo3(signature = (app_id, issuer=None, **options))]
            fn app_token_verifier(
                &self,
                py: Python<'_>,
                app_id: &str,
                issuer: Option<&str>,
                options: Option<&Bound<'_, pyo3::types::PyDict>>,
            ) -> PyResult<$verifier> {
                let options = match issuer {
                    Some(issuer) => {
                        let all = options.map_or_else(|| pyo3::types::PyDict::new(py), |o| o.clone());
                        all.set_item("issuer", issuer)?;
                        Some(all)
                    }
                    None => options.cloned(),
                };
                app_verifier(py, &self.inner, app_id, options.as_ref()).map($verifier::from)
            }

            fn __repr__(&self) -> String {
                repr(stringify!($class), &self.inner)
            }
        });
    };
}

cloud_methods!(sync_client, CloudClient, SessionVerifier, {
    /// A valid access token (cached; one request for any number of concurrent callers).
    fn access_token(&self, py: Python<'_>) -> PyResult<AccessToken> {
        // A cached token is answered here, without the runtime.
        if let Some(token) = self.inner.token_cache().fresh() {
            return Ok(AccessToken::from(token));
        }
        let client = self.inner.clone();
        block(py, async move {
            client.access_token().await.map(AccessToken::from)
        })
    }
    /// Runs a GraphQL operation at `endpoints.graphql_url` and returns its `data` (a dict).
    /// `errors` in the answer raise `GraphQLError` (with `errors` and partial `data`).
    /// Queries are retried like idempotent requests; a mutation gets a fresh
    /// `Idempotency-Key` (`idempotency_key="..."` sets one, `False` sends none and then
    /// it is never retried).
    #[pyo3(signature = (query, variables=None, operation_name=None, *, idempotency_key=None, headers=None, timeout=None))]
    #[allow(clippy::too_many_arguments)]
    fn graphql(
        &self,
        py: Python<'_>,
        query: &str,
        variables: Option<&Bound<'_, PyAny>>,
        operation_name: Option<&str>,
        idempotency_key: Option<&Bound<'_, PyAny>>,
        headers: Option<&Bound<'_, PyAny>>,
        timeout: Option<f64>,
    ) -> PyResult<Json> {
        let request = graphql::build(
            py,
            query,
            variables,
            operation_name,
            idempotency_key,
            headers,
            timeout,
        )?;
        let client = self.inner.clone();
        block(py, async move {
            client.graphql_request(request).await.map(|r| Json(r.data))
        })
    }

    /// Every record of the connection `connection` (a dotted path into `data`, e.g.
    /// `"QueryItems"`), walked by `pageInfo.endCursor`; the query declares `$first: Int`
    /// and `$after: String`. An iterator that fetches a page as it goes; `total_items` is
    /// the connection's `totalCount`.
    #[pyo3(signature = (query, variables=None, *, connection, page_size=None))]
    fn paginate_graphql(
        &self,
        py: Python<'_>,
        query: &str,
        variables: Option<&Bound<'_, PyAny>>,
        connection: &str,
        page_size: Option<u32>,
    ) -> PyResult<Paginator> {
        self.inner
            .paginate_graphql(query, graphql::variables(variables)?, connection, page_size)
            .map(Paginator::from)
            .map_err(|e| errors::to_py(py, &e))
    }
});

cloud_methods!(async_client, AsyncCloudClient, AsyncSessionVerifier, {
    /// A valid access token (cached; one request for any number of concurrent callers).
    /// A cached token comes back as an already-completed awaitable, without the runtime.
    fn access_token<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        match slf.get().inner.token_cache().fresh() {
            Some(token) => crate::runtime::Ready::awaitable(slf.py(), AccessToken::from(token)),
            None => slf.call_method0("_access_token"),
        }
    }
    /// The coroutine behind `access_token` when the token is not cached.
    fn _access_token(&self) -> crate::bridge::Pending {
        let client = self.inner.clone();
        crate::bridge::Pending::new(
            async move { client.access_token().await.map(AccessToken::from) },
        )
    }
    /// Runs a GraphQL operation and returns its `data` (see `CloudClient.graphql`).
    #[pyo3(signature = (query, variables=None, operation_name=None, *, idempotency_key=None, headers=None, timeout=None))]
    async fn graphql(
        &self,
        query: String,
        variables: Option<Py<PyAny>>,
        operation_name: Option<String>,
        idempotency_key: Option<Py<PyAny>>,
        headers: Option<Py<PyAny>>,
        timeout: Option<f64>,
    ) -> PyResult<Json> {
        let request = graphql::build_owned(
            &query,
            variables,
            operation_name.as_deref(),
            idempotency_key,
            headers,
            timeout,
        )?;
        let client = self.inner.clone();
        spawn(async move { client.graphql_request(request).await.map(|r| Json(r.data)) }).await
    }

    /// Every record of a GraphQL connection, as an async iterator (`async for`; see
    /// `CloudClient.paginate_graphql`).
    #[pyo3(signature = (query, variables=None, *, connection, page_size=None))]
    fn paginate_graphql(
        &self,
        py: Python<'_>,
        query: &str,
        variables: Option<&Bound<'_, PyAny>>,
        connection: &str,
        page_size: Option<u32>,
    ) -> PyResult<AsyncPaginator> {
        self.inner
            .paginate_graphql(query, graphql::variables(variables)?, connection, page_size)
            .map(AsyncPaginator::from)
            .map_err(|e| errors::to_py(py, &e))
    }
});
