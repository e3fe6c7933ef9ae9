//! The request methods every client class has (`request`, `get`, `post`, `put`, `patch`,
//! `delete`, `page`, `paginate`), written once for the synchronous and once for the async
//! classes. A client class is a `#[pyclass]` with a field `inner` holding the core client;
//! the class's own methods are passed in and end up in the same `#[pymethods]` block.

/// `#[pymethods]` for a synchronous client class: the request methods plus `$extra`.
macro_rules! sync_client {
    ($class:ident, { $($extra:tt)* }) => {
        #[pyo3::pymethods]
        impl $class {
            $($extra)*

            /// Sends `method path` and returns the `Response`; error answers raise.
            #[pyo3(signature = (method, path, params=None, json=None, headers=None, *, timeout=None, idempotent=None))]
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
            ) -> pyo3::PyResult<crate::response::Response> {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                self.send(py, method, path, args)
            }

            /// `GET path`.
            #[pyo3(signature = (path, params=None, headers=None, *, timeout=None))]
            fn get(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let args = crate::request::RequestArgs { params, headers, timeout, ..crate::request::RequestArgs::none() };
                self.send(py, "GET", path, args)
            }

            /// `POST path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None))]
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
            ) -> pyo3::PyResult<crate::response::Response> {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                self.send(py, "POST", path, args)
            }

            /// `PUT path` with a JSON body.
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None))]
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
            ) -> pyo3::PyResult<crate::response::Response> {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                self.send(py, "PUT", path, args)
            }

            /// `PATCH path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None))]
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
            ) -> pyo3::PyResult<crate::response::Response> {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent };
                self.send(py, "PATCH", path, args)
            }

            /// `DELETE path` (with a JSON body if given).
            #[pyo3(signature = (path, params=None, headers=None, json=None, *, timeout=None))]
            fn delete(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                headers: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                json: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                timeout: Option<f64>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let args = crate::request::RequestArgs { params, json, headers, timeout, idempotent: None };
                self.send(py, "DELETE", path, args)
            }

            /// One page (1-based) of a paginated endpoint.
            #[pyo3(signature = (path, page_number=1, page_size=None, params=None))]
            fn page(
                &self,
                py: pyo3::Python<'_>,
                path: &str,
                page_number: u64,
                page_size: Option<u32>,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
            ) -> pyo3::PyResult<crate::response::Page> {
                let query = crate::convert::params(params)?;
                let size = page_size.unwrap_or(jtl_connect::pagination::DEFAULT_PAGE_SIZE);
                let client = self.inner.clone();
                let path = path.to_owned();
                crate::runtime::block(py, async move {
                    jtl_connect::ApiClient::page(&client, &path, &query, page_number, size).await.map(crate::response::Page::from)
                })
            }

            /// Every record of a paginated endpoint, as an iterator that fetches pages as it goes.
            #[pyo3(signature = (path, params=None, page_size=None))]
            fn paginate(
                &self,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                page_size: Option<u32>,
            ) -> pyo3::PyResult<crate::paginator::Paginator> {
                let query = crate::convert::params(params)?;
                Ok(jtl_connect::ApiClient::paginate(&self.inner, path, query, page_size).into())
            }
        }

        impl $class {
            /// Builds and sends one request, detached from the interpreter.
            fn send(
                &self,
                py: pyo3::Python<'_>,
                method: &str,
                path: &str,
                args: crate::request::RequestArgs<'_, '_>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build(py, method, path, args)?;
                let client = self.inner.clone();
                crate::runtime::block(py, async move {
                    jtl_connect::ApiClient::request(&client, request).await.map(crate::response::Response::from)
                })
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
            #[pyo3(signature = (method, path, params=None, json=None, headers=None, *, timeout=None, idempotent=None))]
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
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build_owned(&method, &path, params, json, headers, timeout, idempotent)?;
                self.send(request).await
            }

            /// `GET path`.
            #[pyo3(signature = (path, params=None, headers=None, *, timeout=None))]
            async fn get(
                &self,
                path: String,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build_owned("GET", &path, params, None, headers, timeout, None)?;
                self.send(request).await
            }

            /// `POST path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None))]
            async fn post(
                &self,
                path: String,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build_owned("POST", &path, params, json, headers, timeout, idempotent)?;
                self.send(request).await
            }

            /// `PUT path` with a JSON body.
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None))]
            async fn put(
                &self,
                path: String,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build_owned("PUT", &path, params, json, headers, timeout, idempotent)?;
                self.send(request).await
            }

            /// `PATCH path` with a JSON body (not retried unless `idempotent=True`).
            #[pyo3(signature = (path, json=None, params=None, headers=None, *, timeout=None, idempotent=None))]
            async fn patch(
                &self,
                path: String,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
                idempotent: Option<bool>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build_owned("PATCH", &path, params, json, headers, timeout, idempotent)?;
                self.send(request).await
            }

            /// `DELETE path` (with a JSON body if given).
            #[pyo3(signature = (path, params=None, headers=None, json=None, *, timeout=None))]
            async fn delete(
                &self,
                path: String,
                params: Option<pyo3::Py<pyo3::PyAny>>,
                headers: Option<pyo3::Py<pyo3::PyAny>>,
                json: Option<pyo3::Py<pyo3::PyAny>>,
                timeout: Option<f64>,
            ) -> pyo3::PyResult<crate::response::Response> {
                let request = crate::request::build_owned("DELETE", &path, params, json, headers, timeout, None)?;
                self.send(request).await
            }

            /// One page (1-based) of a paginated endpoint.
            #[pyo3(signature = (path, page_number=1, page_size=None, params=None))]
            async fn page(
                &self,
                path: String,
                page_number: u64,
                page_size: Option<u32>,
                params: Option<pyo3::Py<pyo3::PyAny>>,
            ) -> pyo3::PyResult<crate::response::Page> {
                let query = pyo3::Python::attach(|py| {
                    let params = params.map(|p| p.into_bound(py));
                    crate::convert::params(params.as_ref())
                })?;
                let size = page_size.unwrap_or(jtl_connect::pagination::DEFAULT_PAGE_SIZE);
                let client = self.inner.clone();
                crate::runtime::spawn(async move {
                    jtl_connect::ApiClient::page(&client, &path, &query, page_number, size).await.map(crate::response::Page::from)
                })
                .await
            }

            /// Every record of a paginated endpoint, as an async iterator (`async for`).
            #[pyo3(signature = (path, params=None, page_size=None))]
            fn paginate(
                &self,
                path: &str,
                params: Option<&pyo3::Bound<'_, pyo3::PyAny>>,
                page_size: Option<u32>,
            ) -> pyo3::PyResult<crate::paginator::AsyncPaginator> {
                let query = crate::convert::params(params)?;
                Ok(jtl_connect::ApiClient::paginate(&self.inner, path, query, page_size).into())
            }
        }

        impl $class {
            /// Sends one request as a task of the shared runtime.
            async fn send(&self, request: jtl_connect::Request) -> pyo3::PyResult<crate::response::Response> {
                let client = self.inner.clone();
                crate::runtime::spawn(async move {
                    jtl_connect::ApiClient::request(&client, request).await.map(crate::response::Response::from)
                })
                .await
            }
        }
    };
}

pub(crate) use async_client;
pub(crate) use sync_client;
