//! The request methods every client class has (`request`, `get`, `post`, `put`, `patch`,
//! `delete`, `page`, `paginate`): the core's [`ApiClient`] trait, wrapped once generically
//! (the functions at the end) and declared once for the synchronous and once for the async
//! classes (the macros: pyo3 classes cannot be generic). A client class is a `#[pyclass]`
//! with a field `inner` holding a core client; the class's own methods are passed in and end
//! up in the same `#[pymethods]` block.

use jtl_connect::{pagination::DEFAULT_PAGE_SIZE, ApiClient, Request};
use pyo3::prelude::*;

use crate::{
    convert,
    request::{self, RequestArgs},
    response::{Page, Response},
    runtime::{block, spawn},
};

/// `#[pymethods]` for a synchronous client class: the request methods plus `$extra`.
macro_rules! sync_client {
    ($class:ident, { $($extra:tt)* }) => {
        #[pyo3::pymethods]
        impl $class {
            $($extra)*

            /// Sends `method path` and returns the `Response`; error answers raise.
            #[pyo3(signature = (method, path, params=None, json=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            #[allow(clippy::too_many_arguments)]
            fn request(
                &self,
                py: pyo3::Python<'_>,
                method: &str,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::REQUEST)?;
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::send(py, &self.inner, method, path, args)
            }

            /// `GET path`.
            #[pyo3(signature = (path, params=None, headers=None, *, timeout=None, **unknown))]
            fn get(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::REQUEST)?;
                let args = crate::request::RequestArgs { params, headers, timeout, ..crate::request::RequestArgs::none() };
                crate::surface::send(py, &self.inner, "GET", path, args)
            }

            /// `POST path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            #[allow(clippy::too_many_arguments)]
            fn post(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::REQUEST)?;
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::send(py, &self.inner, "POST", path, args)
            }

            /// `PUT path` with a JSON body.
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            #[allow(clippy::too_many_arguments)]
            fn put(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::REQUEST)?;
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::send(py, &self.inner, "PUT", path, args)
            }

            /// `PATCH path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            #[allow(clippy::too_many_arguments)]
            fn patch(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::REQUEST)?;
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::send(py, &self.inner, "PATCH", path, args)
            }

            /// `DELETE path` (with a JSON body if given).
            #[pyo3(signature = (path, params=None, headers=None, json=None, *, timeout=None, **unknown))]
            fn delete(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::REQUEST)?;
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent: None };
                crate::surface::send(py, &self.inner, "DELETE", path, args)
            }

            /// One page (1-based) of a paginated endpoint.
            #[pyo3(signature = (path, page_number=1, page_size=None, params=None, **unknown))]
            fn page(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                page_number: u64,
                page_size: Option<u32>,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Page> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::PAGINATION)?;
                crate::surface::page(py, &self.inner, path, page_number, page_size, params)
            }

            /// Every record of a paginated endpoint, as an iterator that fetches pages as it goes.
            #[pyo3(signature = (path, params=None, page_size=None, **unknown))]
            fn paginate(
                &self,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                page_size: Option<u32>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::paginator::Paginator> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::PAGINATION)?;
                crate::surface::paginate(&self.inner, path, params, page_size)
            }
        }

    };
}

/// `#[pymethods]` for an async client class (`jtl_connect.aio`): the request methods as
/// coroutines plus `$extra`.
macro_rules! async_client {
    ($class:ident, { $($extra:tt)* }) => {
        #[pyo3::pymethods]
        impl $class {
            $($extra)*

            /// Sends `method path` and returns the `Response`; error answers raise.
            #[pyo3(signature = (method, path, params=None, json=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            #[allow(clippy::too_many_arguments)]
            async fn request(
                &self,
                method: String,
                path: String,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::REQUEST)?;
                let request = crate::request::build_owned(&method, &path, params, json, headers, timeout, idempotent)?;
                crate::surface::send_async(&self.inner, request).await
            }

            /// `GET path`.
            #[pyo3(signature = (path, params=None, headers=None, *, timeout=None, **unknown))]
            async fn get(
                &self,
                path: String,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::REQUEST)?;
                let request = crate::request::build_owned("GET", &path, params, None, headers, timeout, None)?;
                crate::surface::send_async(&self.inner, request).await
            }

            /// `POST path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            async fn post(
                &self,
                path: String,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::REQUEST)?;
                let request = crate::request::build_owned("POST", &path, params, json, headers, timeout, idempotent)?;
                crate::surface::send_async(&self.inner, request).await
            }

            /// `PUT path` with a JSON body.
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            async fn put(
                &self,
                path: String,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::REQUEST)?;
                let request = crate::request::build_owned("PUT", &path, params, json, headers, timeout, idempotent)?;
                crate::surface::send_async(&self.inner, request).await
            }

            /// `PATCH path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None, **unknown))]
            async fn patch(
                &self,
                path: String,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::REQUEST)?;
                let request = crate::request::build_owned("PATCH", &path, params, json, headers, timeout, idempotent)?;
                crate::surface::send_async(&self.inner, request).await
            }

            /// `DELETE path` (with a JSON body if given).
            #[pyo3(signature = (path, params=None, headers=None, json=None, *, timeout=None, **unknown))]
            async fn delete(
                &self,
                path: String,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Response> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::REQUEST)?;
                let request = crate::request::build_owned("DELETE", &path, params, json, headers, timeout, None)?;
                crate::surface::send_async(&self.inner, request).await
            }

            /// One page (1-based) of a paginated endpoint.
            #[pyo3(signature = (path, page_number=1, page_size=None, params=None, **unknown))]
            async fn page(
                &self,
                path: String,
                page_number: u64,
                page_size: Option<u32>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                unknown: Option<pyo3::Py<pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::response::Page> {
                crate::options::refuse_unknown_owned(unknown, &jtl_connect::options::PAGINATION)?;
                crate::surface::page_async(&self.inner, path, page_number, page_size, params).await
            }

            /// Every record of a paginated endpoint, as an async iterator (`async for`).
            #[pyo3(signature = (path, params=None, page_size=None, **unknown))]
            fn paginate(
                &self,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                page_size: Option<u32>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> pyo3::PyResult<crate::paginator::AsyncPaginator> {
                crate::options::refuse_unknown(unknown, &jtl_connect::options::PAGINATION)?;
                crate::surface::paginate(&self.inner, path, params, page_size)
            }
        }

    };
}

pub(crate) use async_client;
pub(crate) use sync_client;

/// Builds and sends one request with any client, detached from the interpreter.
pub(crate) fn send<C: ApiClient>(
    py: Python<'_>,
    client: &C,
    method: &str,
    path: &str,
    args: RequestArgs<'_, '_>,
) -> PyResult<Response> {
    let request = request::build(py, method, path, args)?;
    let client = client.clone();
    block(py, async move {
        client.request(request).await.map(Response::from)
    })
}

/// Sends one request with any client as a task of the shared runtime.
pub(crate) async fn send_async<C: ApiClient>(client: &C, request: Request) -> PyResult<Response> {
    let client = client.clone();
    spawn(async move { client.request(request).await.map(Response::from) }).await
}

/// One page (1-based) of a paginated endpoint, detached from the interpreter.
pub(crate) fn page<C: ApiClient>(
    py: Python<'_>,
    client: &C,
    path: &str,
    page_number: u64,
    page_size: Option<u32>,
    params: Option<&Bound<'_, PyAny>>,
) -> PyResult<Page> {
    let query = convert::params(params)?;
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let (client, path) = (client.clone(), path.to_owned());
    block(py, async move {
        client
            .page(&path, &query, page_number, size)
            .await
            .map(Page::from)
    })
}

/// One page as a task of the shared runtime.
pub(crate) async fn page_async<C: ApiClient>(
    client: &C,
    path: String,
    page_number: u64,
    page_size: Option<u32>,
    params: Option<Py<PyAny>>,
) -> PyResult<Page> {
    let query = Python::attach(|py| convert::params(params.map(|p| p.into_bound(py)).as_ref()))?;
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let client = client.clone();
    spawn(async move {
        client
            .page(&path, &query, page_number, size)
            .await
            .map(Page::from)
    })
    .await
}

/// Every record of a paginated endpoint, as the (sync or async) iterator `P`.
pub(crate) fn paginate<C: ApiClient, P: From<jtl_connect::Paginator>>(
    client: &C,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    page_size: Option<u32>,
) -> PyResult<P> {
    let query = convert::params(params)?;
    Ok(client.paginate(path, query, page_size).into())
}
