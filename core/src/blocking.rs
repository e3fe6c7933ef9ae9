//! The synchronous facade: the same clients, each call run to completion on the shared
//! runtime ([`crate::runtime`]). For scripts, threads, and the language bindings.
//! Never call it from async code: it returns a `config` error there instead of blocking.

use std::sync::Arc;

use serde_json::Value;

use crate::{runtime::block_on, AccessToken, Page, Request, Response, Result};

pub use crate::runtime::block_on as run;

/// Blocking [`crate::CloudClient`].
#[derive(Clone, Debug)]
pub struct CloudClient {
    inner: crate::CloudClient,
}

impl From<crate::CloudClient> for CloudClient {
    fn from(inner: crate::CloudClient) -> Self {
        Self { inner }
    }
}

impl CloudClient {
    /// Wraps an async client.
    pub fn new(inner: crate::CloudClient) -> Self {
        Self { inner }
    }

    /// The async client underneath.
    pub fn inner(&self) -> &crate::CloudClient {
        &self.inner
    }

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

    /// See [`crate::CloudClient::request`].
    pub fn request(&self, request: Request) -> Result<Response> {
        block_on(self.inner.request(request))?
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Result<Response> {
        self.request(Request::get(path))
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, json: Value) -> Result<Response> {
        self.request(Request::post(path).json(json))
    }

    /// One page; see [`crate::CloudClient::page`].
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
