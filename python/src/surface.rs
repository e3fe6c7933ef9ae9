//! The request methods every client class has (`request`, `get`, `post`, `put`, `patch`,
//! `delete`, `page`, `paginate`): the core's [`ApiClient`] trait, wrapped once generically
//! (the functions at the end) and declared once for the synchronous and once for the async
//! classes (the macros: pyo3 classes cannot be generic). A client class is a `#[pyclass]`
//! with a field `inner` holding a core client; the class's own methods are passed in and end
//! up in the same `#[pymethods]` block.

use jtl_connect::{options, pagination::DEFAULT_PAGE_SIZE, ApiClient};
use pyo3::{prelude::*, types::PyDict};

use crate::{
    bridge::Pending,
    convert,
    request::{self, RequestArgs},
    response::{Page, Response},
    runtime::block,
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
/// coroutines (the bridge's [`crate::bridge::Pending`]: the request is read at the call,
/// sent when the coroutine is first stepped) plus `$extra`.
macro_rules! async_client {
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
            ) -> crate::bridge::Pending {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::start(py, &self.inner, method, path, args, unknown)
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
            ) -> crate::bridge::Pending {
                let args = crate::request::RequestArgs { params, headers, timeout, ..crate::request::RequestArgs::none() };
                crate::surface::start(py, &self.inner, "GET", path, args, unknown)
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
            ) -> crate::bridge::Pending {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::start(py, &self.inner, "POST", path, args, unknown)
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
            ) -> crate::bridge::Pending {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::start(py, &self.inner, "PUT", path, args, unknown)
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
            ) -> crate::bridge::Pending {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                crate::surface::start(py, &self.inner, "PATCH", path, args, unknown)
            }

            /// `DELETE path` (with a JSON body if given).
            #[pyo3(signature = (path, params=None, headers=None, json=None, *, timeout=None, **unknown))]
            #[allow(clippy::too_many_arguments)]
            fn delete(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> crate::bridge::Pending {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent: None };
                crate::surface::start(py, &self.inner, "DELETE", path, args, unknown)
            }

            /// One page (1-based) of a paginated endpoint.
            #[pyo3(signature = (path, page_number=1, page_size=None, params=None, **unknown))]
            fn page(
                &self,
                path: &str,
                page_number: u64,
                page_size: Option<u32>,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                unknown: Option<&pyo3::Bound<'_, pyo3::types::PyDict>>,
            ) -> crate::bridge::Pending {
                crate::surface::start_page(&self.inner, path, page_number, page_size, params, unknown)
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

/// The coroutine that sends one request with any client as a task of the shared runtime;
/// bad arguments (an unknown option, a body that is not JSON) are raised when it is awaited,
/// as an `async def` would.
pub(crate) fn start<C: ApiClient>(
    py: Python<'_>,
    client: &C,
    method: &str,
    path: &str,
    args: RequestArgs<'_, '_>,
    unknown: Option<&Bound<'_, PyDict>>,
) -> Pending {
    let request = crate::options::refuse_unknown(unknown, &options::REQUEST)
        .and_then(|()| request::build(py, method, path, args));
    let client = client.clone();
    Pending::try_new(
        request.map(|request| async move { client.request(request).await.map(Response::from) }),
    )
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
            .page_json(&path, &query, page_number, size)
            .await
            .map(Page::from)
    })
}

/// The coroutine that fetches one page as a task of the shared runtime.
pub(crate) fn start_page<C: ApiClient>(
    client: &C,
    path: &str,
    page_number: u64,
    page_size: Option<u32>,
    params: Option<&Bound<'_, PyAny>>,
    unknown: Option<&Bound<'_, PyDict>>,
) -> Pending {
    let query = crate::options::refuse_unknown(unknown, &options::PAGINATION)
        .and_then(|()| convert::params(params));
    let size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
    let (client, path) = (client.clone(), path.to_owned());
    Pending::try_new(query.map(|query| async move {
        client
            .page_json(&path, &query, page_number, size)
            .await
            .map(Page::from)
    }))
}

/// Every record of a paginated endpoint, as the (sync or async) iterator `P`.
pub(crate) fn paginate<C: ApiClient, P: From<jtl_connect::Paginator<jtl_connect::ItemsJson>>>(
    client: &C,
    path: &str,
    params: Option<&Bound<'_, PyAny>>,
    page_size: Option<u32>,
) -> PyResult<P> {
    let query = convert::params(params)?;
    Ok(client.paginate_json(path, query, page_size).into())
}
