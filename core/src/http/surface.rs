//! The request surface every API client offers (`request`, `get`, `post`, `put`, `patch`,
//! `delete`, `page`, `paginate`), written once: a client says how it sends one
//! [`Request`] and gets the rest from [`ApiClient`]'s provided methods. The language
//! bindings wrap this trait generically, so Cloud, Wawi and SCX clients have the same methods
//! with the same arguments in every language.

use std::{future::Future, sync::Arc};

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::{
    pagination::{parse_page, parse_page_json, DEFAULT_PAGE_SIZE},
    ItemsJson, Page, Paginator, Request, Response, Result,
};

/// `GET path?query&pageNumber=..&pageSize=..`.
fn page_request(
    path: &str,
    query: &[(String, String)],
    page_number: u64,
    page_size: u32,
) -> Request {
    let mut request = Request::get(path);
    for (name, value) in query {
        request = request.query(name.clone(), value.clone());
    }
    request
        .query("pageNumber", page_number.to_string())
        .query("pageSize", page_size.to_string())
}

/// What every API client offers: one required method ([`ApiClient::request`]) and the
/// helpers built on it. Bring it into scope with `use jtl_connect::ApiClient;` (or the
/// [`crate::prelude`]).
pub trait ApiClient: Clone + Send + Sync + 'static {
    /// Sends `request` with this client's authentication, default headers, retries and
    /// rate-limit handling; an error answer is an [`crate::Error`].
    fn request(&self, request: Request) -> impl Future<Output = Result<Response>> + Send;

    /// `GET path`.
    fn get(&self, path: &str) -> impl Future<Output = Result<Response>> + Send {
        self.request(Request::get(path))
    }

    /// `POST path` with a JSON body (not retried unless marked idempotent).
    fn post(&self, path: &str, json: Value) -> impl Future<Output = Result<Response>> + Send {
        self.request(Request::post(path).json(json))
    }

    /// `PUT path` with a JSON body.
    fn put(&self, path: &str, json: Value) -> impl Future<Output = Result<Response>> + Send {
        self.request(Request::put(path).json(json))
    }

    /// `PATCH path` with a JSON body (not retried unless marked idempotent).
    fn patch(&self, path: &str, json: Value) -> impl Future<Output = Result<Response>> + Send {
        self.request(Request::patch(path).json(json))
    }

    /// `DELETE path`.
    fn delete(&self, path: &str) -> impl Future<Output = Result<Response>> + Send {
        self.request(Request::delete(path))
    }

    /// One page (1-based) of a paginated endpoint, in either envelope casing.
    fn page(
        &self,
        path: &str,
        query: &[(String, String)],
        page_number: u64,
        page_size: u32,
    ) -> impl Future<Output = Result<Page>> + Send {
        let request = page_request(path, query, page_number, page_size);
        async move { parse_page(self.request(request).await?.json()?, page_number) }
    }

    /// [`ApiClient::page`] with the records left as the JSON text the server sent (see
    /// [`ItemsJson`]), for bindings that parse them in their language.
    fn page_json(
        &self,
        path: &str,
        query: &[(String, String)],
        page_number: u64,
        page_size: u32,
    ) -> impl Future<Output = Result<Page<ItemsJson>>> + Send {
        let request = page_request(path, query, page_number, page_size);
        async move { parse_page_json(self.request(request).await?.bytes(), page_number) }
    }

    /// [`ApiClient::paginate`] with each page's records as JSON text (see [`ItemsJson`]).
    fn paginate_json(
        &self,
        path: &str,
        query: Vec<(String, String)>,
        page_size: Option<u32>,
    ) -> Paginator<ItemsJson> {
        walk(
            self,
            path,
            query,
            page_size,
            |client, path, query, number, size| {
                Box::pin(async move { client.page_json(&path, &query, number, size).await })
            },
        )
    }

    /// Every record of a paginated endpoint, fetched page by page as it is consumed
    /// (`page_size` default [`DEFAULT_PAGE_SIZE`]).
    fn paginate(
        &self,
        path: &str,
        query: Vec<(String, String)>,
        page_size: Option<u32>,
    ) -> Paginator {
        walk(
            self,
            path,
            query,
            page_size,
            |client, path, query, number, size| {
                Box::pin(async move { client.page(&path, &query, number, size).await })
            },
        )
    }
}

/// How [`walk`] fetches page `number` (of `size` records) of `path` with `query`.
type FetchWith<C, T> =
    fn(C, String, Vec<(String, String)>, u64, u32) -> BoxFuture<'static, Result<Page<T>>>;

/// The paginator of `path` behind [`ApiClient::paginate`] and [`ApiClient::paginate_json`]:
/// each page fetched by `fetch` with a clone of `client` (`page_size` default
/// [`DEFAULT_PAGE_SIZE`]).
fn walk<C: ApiClient, T: Send + 'static>(
    client: &C,
    path: &str,
    query: Vec<(String, String)>,
    page_size: Option<u32>,
    fetch: FetchWith<C, T>,
) -> Paginator<T> {
    let client = client.clone();
    let path = path.to_owned();
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE).max(1);
    Paginator::new(Arc::new(move |number| {
        fetch(client.clone(), path.clone(), query.clone(), number, size)
    }))
}
