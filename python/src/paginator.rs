//! [`Paginator`] (an iterator) and [`AsyncPaginator`] (an async iterator) over every record
//! of a paginated endpoint, fetching one page at a time as they are consumed.

use std::sync::Arc;

use pyo3::{exceptions::PyStopAsyncIteration, prelude::*};
use tokio::sync::Mutex;

use crate::{
    convert::Json,
    response::Page,
    runtime::{block, spawn},
};

type Shared = Arc<Mutex<jtl_connect::Paginator>>;

/// Every record of a paginated endpoint: `for item in client.paginate("items"): ...`.
/// Pages are fetched as the iteration reaches them.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct Paginator {
    inner: Shared,
}

impl From<jtl_connect::Paginator> for Paginator {
    fn from(inner: jtl_connect::Paginator) -> Self {
        Self {
            inner: Arc::new(Mutex::new(inner)),
        }
    }
}

/// `totalItems` as the last page said (waiting for a page being fetched).
fn total_items(py: Python<'_>, inner: &Shared) -> Option<u64> {
    let inner = inner.clone();
    block(py, async move { Ok(inner.lock().await.total_items()) })
        .ok()
        .flatten()
}

/// Pages fetched so far.
fn pages_fetched(py: Python<'_>, inner: &Shared) -> u64 {
    let inner = inner.clone();
    block(py, async move { Ok(inner.lock().await.pages_fetched()) }).unwrap_or(0)
}

#[pymethods]
impl Paginator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Json>> {
        let inner = self.inner.clone();
        block(py, async move {
            inner
                .lock()
                .await
                .next_item()
                .await
                .map(|item| item.map(Json))
        })
    }

    /// The next whole page (the records not yet iterated of the current page are skipped),
    /// or `None` after the last.
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<Page>> {
        let inner = self.inner.clone();
        block(py, async move {
            inner
                .lock()
                .await
                .next_page()
                .await
                .map(|page| page.map(Page::from))
        })
    }

    /// `totalItems` as the last fetched page said (`None` before the first page).
    #[getter]
    fn total_items(&self, py: Python<'_>) -> Option<u64> {
        total_items(py, &self.inner)
    }

    /// Pages fetched so far.
    #[getter]
    fn pages_fetched(&self, py: Python<'_>) -> u64 {
        pages_fetched(py, &self.inner)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<Paginator pages_fetched={}>",
            pages_fetched(py, &self.inner)
        )
    }
}

/// Every record of a paginated endpoint: `async for item in client.paginate("items"): ...`.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncPaginator {
    inner: Shared,
}

impl From<jtl_connect::Paginator> for AsyncPaginator {
    fn from(inner: jtl_connect::Paginator) -> Self {
        Self {
            inner: Arc::new(Mutex::new(inner)),
        }
    }
}

#[pymethods]
impl AsyncPaginator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __anext__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        slf.call_method0("_next_item")
    }

    /// The coroutine behind `__anext__` (async slot methods cannot be `async fn` in PyO3).
    async fn _next_item(&self) -> PyResult<Json> {
        let inner = self.inner.clone();
        let item = spawn(async move { inner.lock().await.next_item().await }).await?;
        item.map(Json)
            .ok_or_else(|| PyStopAsyncIteration::new_err(()))
    }

    /// The next whole page, or `None` after the last.
    async fn next_page(&self) -> PyResult<Option<Page>> {
        let inner = self.inner.clone();
        spawn(async move {
            inner
                .lock()
                .await
                .next_page()
                .await
                .map(|page| page.map(Page::from))
        })
        .await
    }

    /// `totalItems` as the last fetched page said (`None` before the first page or while
    /// a page is being fetched).
    #[getter]
    fn total_items(&self) -> Option<u64> {
        self.inner.try_lock().ok().and_then(|p| p.total_items())
    }

    /// Pages fetched so far (as of the last finished fetch).
    #[getter]
    fn pages_fetched(&self) -> u64 {
        self.inner
            .try_lock()
            .map(|p| p.pages_fetched())
            .unwrap_or(0)
    }

    fn __repr__(&self) -> String {
        format!("<AsyncPaginator pages_fetched={}>", self.pages_fetched())
    }
}
