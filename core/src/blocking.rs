//! The synchronous facade: the same clients, each call run to completion on the shared
//! runtime ([`crate::runtime`]). For scripts, threads, and the language bindings.
//! Never call it from async code: it returns a `config` error there instead of blocking.

use std::sync::Arc;

use serde_json::Value;

use crate::{
    runtime::block_on, wawi::registration::RegistrationOptions, AccessToken, ApiClient, Page,
    Result, ScxEvent, WawiApp, WawiRegistration,
};

pub use crate::runtime::block_on as run;

/// Blocking versions of `request/get/post/put/patch/delete/page/paginate` over `self.inner`.
macro_rules! blocking_requests {
    ($client:ident, $inner:ty) => {
        /// Blocking wrapper; see the async type for details.
        #[derive(Clone, Debug)]
        pub struct $client {
            inner: $inner,
        }

        impl From<$inner> for $client {
            fn from(inner: $inner) -> Self {
                Self { inner }
            }
        }

        impl $client {
            /// Wraps an async client.
            pub fn new(inner: $inner) -> Self {
                Self { inner }
            }

            /// The async client underneath.
            pub fn inner(&self) -> &$inner {
                &self.inner
            }

            /// Sends a request.
            pub fn request(&self, request: crate::Request) -> Result<crate::Response> {
                block_on(self.inner.request(request))?
            }

            /// `GET path`.
            pub fn get(&self, path: &str) -> Result<crate::Response> {
                block_on(self.inner.get(path))?
            }

            /// `POST path` with a JSON body.
            pub fn post(&self, path: &str, json: Value) -> Result<crate::Response> {
                block_on(self.inner.post(path, json))?
            }

            /// `PUT path` with a JSON body.
            pub fn put(&self, path: &str, json: Value) -> Result<crate::Response> {
                block_on(self.inner.put(path, json))?
            }

            /// `PATCH path` with a JSON body.
            pub fn patch(&self, path: &str, json: Value) -> Result<crate::Response> {
                block_on(self.inner.patch(path, json))?
            }

            /// `DELETE path`.
            pub fn delete(&self, path: &str) -> Result<crate::Response> {
                block_on(self.inner.delete(path))?
            }

            /// One page of a paginated endpoint.
            pub fn page(
                &self,
                path: &str,
                query: &[(String, String)],
                page_number: u64,
                page_size: u32,
            ) -> Result<Page> {
                block_on(self.inner.page(path, query, page_number, page_size))?
            }

            /// Every record, as an iterator that fetches pages as it goes.
            pub fn paginate(
                &self,
                path: &str,
                query: Vec<(String, String)>,
                page_size: Option<u32>,
            ) -> Paginator {
                Paginator {
                    inner: self.inner.paginate(path, query, page_size),
                }
            }
        }
    };
}

blocking_requests!(CloudClient, crate::CloudClient);
blocking_requests!(WawiClient, crate::WawiClient);
blocking_requests!(ScxClient, crate::ScxClient);

impl CloudClient {
    /// See [`crate::CloudClient::for_tenant`].
    pub fn for_tenant(&self, tenant_id: &str) -> Result<Self> {
        Ok(Self {
            inner: self.inner.for_tenant(tenant_id)?,
        })
    }

    /// See [`crate::CloudClient::access_token`].
    pub fn access_token(&self) -> Result<Arc<AccessToken>> {
        block_on(self.inner.access_token())?
    }
}

impl CloudClient {
    /// See [`crate::CloudClient::graphql`].
    pub fn graphql(
        &self,
        query: &str,
        variables: Option<Value>,
        operation_name: Option<&str>,
    ) -> Result<Value> {
        block_on(self.inner.graphql(query, variables, operation_name))?
    }

    /// See [`crate::CloudClient::graphql_as`].
    pub fn graphql_as<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        variables: Option<Value>,
        operation_name: Option<&str>,
    ) -> Result<T> {
        block_on(self.inner.graphql_as(query, variables, operation_name))?
    }

    /// See [`crate::CloudClient::graphql_request`].
    pub fn graphql_request(
        &self,
        request: crate::GraphqlRequest,
    ) -> Result<crate::GraphqlResponse> {
        block_on(self.inner.graphql_request(request))?
    }

    /// See [`crate::CloudClient::paginate_graphql`]: an iterator of records.
    pub fn paginate_graphql(
        &self,
        query: &str,
        variables: Option<Value>,
        connection: &str,
        page_size: Option<u32>,
    ) -> Result<Paginator> {
        Ok(Paginator {
            inner: self
                .inner
                .paginate_graphql(query, variables, connection, page_size)?,
        })
    }
}

impl ScxClient {
    /// See [`crate::ScxClient::access_token`].
    pub fn access_token(&self) -> Result<Arc<AccessToken>> {
        block_on(self.inner.access_token())?
    }

    /// See [`crate::ScxClient::events`].
    pub fn events(&self) -> Result<Vec<ScxEvent>> {
        block_on(self.inner.events())?
    }

    /// See [`crate::ScxClient::acknowledge`].
    pub fn acknowledge(&self, event_ids: &[String]) -> Result<()> {
        block_on(self.inner.acknowledge(event_ids))?
    }
}

/// See [`crate::register_wawi_app`]; cancel it from another thread with
/// [`RegistrationOptions::cancellation`].
pub fn register_wawi_app(
    base_url: &str,
    app: &WawiApp,
    options: RegistrationOptions,
) -> Result<WawiRegistration> {
    block_on(crate::register_wawi_app(base_url, app, options))?
}

/// Blocking [`crate::Paginator`]: an `Iterator` of records.
#[derive(Debug)]
pub struct Paginator {
    inner: crate::Paginator,
}

impl Paginator {
    /// Wraps an async paginator.
    pub fn new(inner: crate::Paginator) -> Self {
        Self { inner }
    }

    /// The next page, or `None` after the last.
    pub fn next_page(&mut self) -> Result<Option<Page>> {
        block_on(self.inner.next_page())?
    }

    /// `totalItems` as the last page said.
    pub fn total_items(&self) -> Option<u64> {
        self.inner.total_items()
    }
}

impl Iterator for Paginator {
    type Item = Result<Value>;

    fn next(&mut self) -> Option<Self::Item> {
        match block_on(self.inner.next_item()) {
            Ok(Ok(item)) => item.map(Ok),
            Ok(Err(e)) | Err(e) => Some(Err(e)),
        }
    }
}

impl CloudClient {
    /// See [`crate::CloudClient::session_verifier`].
    pub fn session_verifier(&self, config: crate::VerifierConfig) -> Result<SessionVerifier> {
        Ok(SessionVerifier {
            inner: self.inner.session_verifier(config)?,
        })
    }
}

/// Blocking [`crate::SessionVerifier`].
#[derive(Clone, Debug)]
pub struct SessionVerifier {
    inner: crate::SessionVerifier,
}

impl SessionVerifier {
    /// Wraps an async verifier.
    pub fn new(inner: crate::SessionVerifier) -> Self {
        Self { inner }
    }

    /// See [`crate::SessionVerifier::verify`].
    pub fn verify(&self, token: &str) -> Result<crate::SessionClaims> {
        block_on(self.inner.verify(token))?
    }
}

/// See [`crate::AccountStore::test_connection`].
pub fn test_connection(
    store: &crate::AccountStore,
    id: &str,
    tenant_id: Option<&str>,
) -> Result<crate::ConnectionTest> {
    block_on(store.test_connection(id, tenant_id))?
}

/// Blocking [`crate::AuthorizationCodeClient`]: the user sign-in for synchronous code.
#[derive(Clone, Debug)]
pub struct AuthorizationCodeClient {
    inner: crate::AuthorizationCodeClient,
}

impl From<crate::AuthorizationCodeClient> for AuthorizationCodeClient {
    fn from(inner: crate::AuthorizationCodeClient) -> Self {
        Self { inner }
    }
}

impl AuthorizationCodeClient {
    /// The async client underneath.
    pub fn inner(&self) -> &crate::AuthorizationCodeClient {
        &self.inner
    }

    /// Starts a sign-in (nothing is sent).
    pub fn start(&self) -> crate::SignIn {
        self.inner.start()
    }

    /// Checks the state and exchanges the code.
    pub fn finish(
        &self,
        pending: &crate::SignIn,
        returned_state: &str,
        code: &str,
    ) -> Result<crate::UserGrant> {
        block_on(self.inner.finish(pending, returned_state, code))?
    }

    /// Finishes with the whole redirect URL (or its query).
    pub fn finish_redirect(
        &self,
        pending: &crate::SignIn,
        redirect: &str,
    ) -> Result<crate::UserGrant> {
        block_on(self.inner.finish_redirect(pending, redirect))?
    }

    /// Refreshes a grant (with rotation: keep the returned one).
    pub fn refresh(&self, grant: &crate::UserGrant) -> Result<crate::UserGrant> {
        block_on(self.inner.refresh(grant))?
    }
}
