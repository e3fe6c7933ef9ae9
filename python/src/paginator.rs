//! [`Paginator`] (an iterator) and [`AsyncPaginator`] (an async iterator) over every record
//! of a paginated endpoint, fetching one page at a time as they are consumed (and the next
//! one while the current one is read, as in Node).
//!
//! Each page crosses into Python once: its records arrive as the server's JSON text
//! ([`jtl_connect::ItemsJson`]), `json.loads` makes them a list, and the iterator hands out
//! the list's records from a buffer without touching the runtime again. Before, every
//! record was one trip through the runtime (and, for `async for`, one task and one wake-up
//! of the event loop), and each was converted from serde values (issue 19).

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex, PoisonError},
};

use jtl_connect::ItemsJson;
use pyo3::{exceptions::PyStopAsyncIteration, prelude::*, types::PyList};

use crate::{bridge::Pending, response::loads, response::Page, runtime::block};

/// The core's walk, shared by the iterator and the fetches it started.
type Walk = Arc<tokio::sync::Mutex<jtl_connect::Paginator<ItemsJson>>>;

/// The records of fetched pages not handed out yet (Python objects, from `json.loads`).
type Buffer = Arc<Mutex<VecDeque<Py<PyAny>>>>;

/// What both iterators hold.
struct Inner {
    walk: Walk,
    buffer: Buffer,
}

impl Inner {
    fn new(walk: jtl_connect::Paginator<ItemsJson>) -> Self {
        Self {
            walk: Arc::new(tokio::sync::Mutex::new(walk.prefetching())),
            buffer: Arc::default(),
        }
    }

    /// The next buffered record, if any.
    fn buffered(&self) -> Option<Py<PyAny>> {
        lock(&self.buffer).pop_front()
    }

    /// The next page with records (empty pages in the middle of a walk are skipped), or
    /// `None` after the last; as a future for the runtime.
    fn next_records(
        &self,
    ) -> impl std::future::Future<Output = jtl_connect::Result<Option<jtl_connect::Page<ItemsJson>>>>
           + Send
           + 'static {
        let walk = self.walk.clone();
        async move {
            let mut walk = walk.lock().await;
            loop {
                match walk.next_page().await? {
                    Some(page) if page.items.len == 0 => continue,
                    other => return Ok(other),
                }
            }
        }
    }

    /// The next whole page as a future (the records still buffered are skipped).
    fn next_page(
        &self,
    ) -> impl std::future::Future<Output = jtl_connect::Result<Option<Page>>> + Send + 'static {
        lock(&self.buffer).clear();
        let walk = self.walk.clone();
        async move { Ok(walk.lock().await.next_page().await?.map(Page::from)) }
    }
}

fn lock(buffer: &Buffer) -> std::sync::MutexGuard<'_, VecDeque<Py<PyAny>>> {
    buffer.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Parses `page`'s records into `buffer` (behind any still there) and takes the first.
fn refill(
    py: Python<'_>,
    buffer: &Buffer,
    page: &jtl_connect::Page<ItemsJson>,
) -> PyResult<Option<Py<PyAny>>> {
    let records = loads(py, &page.items.json)?.cast_into::<PyList>()?;
    let mut buffer = lock(buffer);
    buffer.extend(records.iter().map(Bound::unbind));
    Ok(buffer.pop_front())
}

/// Every record of a paginated endpoint: `for item in client.paginate("items"): ...`.
/// Pages are fetched as the iteration reaches them.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct Paginator {
    inner: Inner,
}

impl From<jtl_connect::Paginator<ItemsJson>> for Paginator {
    fn from(walk: jtl_connect::Paginator<ItemsJson>) -> Self {
        Self {
            inner: Inner::new(walk),
        }
    }
}

impl From<jtl_connect::Paginator> for Paginator {
    fn from(walk: jtl_connect::Paginator) -> Self {
        walk.into_json().into()
    }
}

/// `totalItems` as the last page said (waiting for a page being fetched).
fn total_items(py: Python<'_>, walk: &Walk) -> Option<u64> {
    let walk = walk.clone();
    block(py, async move { Ok(walk.lock().await.total_items()) })
        .ok()
        .flatten()
}

/// Pages fetched so far.
fn pages_fetched(py: Python<'_>, walk: &Walk) -> u64 {
    let walk = walk.clone();
    block(py, async move { Ok(walk.lock().await.pages_fetched()) }).unwrap_or(0)
}

#[pymethods]
impl Paginator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        if let Some(record) = self.inner.buffered() {
            return Ok(Some(record));
        }
        match block(py, self.inner.next_records())? {
            Some(page) => refill(py, &self.inner.buffer, &page),
            None => Ok(None),
        }
    }

    /// The next whole page (the records not yet iterated of the current page are skipped),
    /// or `None` after the last.
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<Page>> {
        block(py, self.inner.next_page())
    }

    /// `totalItems` as the last fetched page said (`None` before the first page).
    #[getter]
    fn total_items(&self, py: Python<'_>) -> Option<u64> {
        total_items(py, &self.inner.walk)
    }

    /// Pages fetched so far.
    #[getter]
    fn pages_fetched(&self, py: Python<'_>) -> u64 {
        pages_fetched(py, &self.inner.walk)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "<Paginator pages_fetched={}>",
            pages_fetched(py, &self.inner.walk)
        )
    }
}

/// Every record of a paginated endpoint: `async for item in client.paginate("items"): ...`.
#[pyclass(module = "jtl_connect.aio", frozen)]
pub(crate) struct AsyncPaginator {
    inner: Inner,
}

impl From<jtl_connect::Paginator<ItemsJson>> for AsyncPaginator {
    fn from(walk: jtl_connect::Paginator<ItemsJson>) -> Self {
        Self {
            inner: Inner::new(walk),
        }
    }
}

impl From<jtl_connect::Paginator> for AsyncPaginator {
    fn from(walk: jtl_connect::Paginator) -> Self {
        walk.into_json().into()
    }
}

/// The answer of `__anext__` once its page is in: the page's first record (the rest
/// buffered), or `StopAsyncIteration` after the last page. Converted on the loop's thread.
struct Refilled {
    buffer: Buffer,
    page: Option<jtl_connect::Page<ItemsJson>>,
}

impl<'py> IntoPyObject<'py> for Refilled {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let page = self.page.ok_or_else(|| PyStopAsyncIteration::new_err(()))?;
        match refill(py, &self.buffer, &page)? {
            Some(record) => Ok(record.into_bound(py)),
            // A page announced with records that parsed to none: the walk is over.
            None => Err(PyStopAsyncIteration::new_err(())),
        }
    }
}

#[pymethods]
impl AsyncPaginator {
    fn __aiter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// A buffered record as an already-completed awaitable; otherwise a coroutine that
    /// fetches the next page (on the runtime, without the GIL) and returns its first record.
    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(record) = self.inner.buffered() {
            return crate::runtime::Ready::awaitable(py, record);
        }
        let buffer = self.inner.buffer.clone();
        let fetch = self.inner.next_records();
        let pending = Pending::new(async move {
            let page = fetch.await?;
            Ok(Refilled { buffer, page })
        });
        Ok(Bound::new(py, pending)?.into_any())
    }

    /// The next whole page, or `None` after the last (a coroutine).
    fn next_page(&self) -> Pending {
        Pending::new(self.inner.next_page())
    }

    /// `totalItems` as the last fetched page said (`None` before the first page or while
    /// a page is being fetched).
    #[getter]
    fn total_items(&self) -> Option<u64> {
        self.inner
            .walk
            .try_lock()
            .ok()
            .and_then(|p| p.total_items())
    }

    /// Pages fetched so far (as of the last finished fetch).
    #[getter]
    fn pages_fetched(&self) -> u64 {
        self.inner
            .walk
            .try_lock()
            .map(|p| p.pages_fetched())
            .unwrap_or(0)
    }

    fn __repr__(&self) -> String {
        format!("<AsyncPaginator pages_fetched={}>", self.pages_fetched())
    }
}
