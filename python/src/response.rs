//! [`Response`] and [`Page`]: what an API call returned.

use pyo3::{
    prelude::*,
    sync::PyOnceLock,
    types::{PyBytes, PyDict, PyList, PyString},
};
use serde_json::Value;

use crate::{convert::to_python, errors};

/// `json.loads`, looked up once.
static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `json.loads(text)`: CPython's C parser builds the objects about twice as fast as
/// converting serde values one by one (issue 19).
pub(crate) fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    LOADS
        .import(py, "json", "loads")?
        .call1((PyString::new(py, text),))
}

/// A successful (2xx) answer, read in full. Error answers raise a `JtlError` instead.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct Response {
    inner: jtl_connect::Response,
}

impl From<jtl_connect::Response> for Response {
    fn from(inner: jtl_connect::Response) -> Self {
        Self { inner }
    }
}

#[pymethods]
impl Response {
    /// The HTTP status.
    #[getter]
    fn status(&self) -> u16 {
        self.inner.status()
    }

    /// The headers, names in lower case (repeated headers joined with `", "`).
    #[getter]
    fn headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in self.inner.headers() {
            match dict.get_item(name)? {
                Some(first) => dict.set_item(name, format!("{first}, {value}"))?,
                None => dict.set_item(name, value)?,
            }
        }
        Ok(dict)
    }

    /// The first value of a header (name matched case-insensitively), or `None`.
    fn header(&self, name: &str) -> Option<&str> {
        self.inner.header(name)
    }

    /// The body as text (invalid UTF-8 replaced).
    #[getter]
    fn text(&self) -> String {
        self.inner.text()
    }

    /// The body as bytes.
    #[getter]
    fn content<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.bytes())
    }

    /// The body parsed as JSON (by `json.loads`); an `ApiError` if it is not JSON.
    fn json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(text) = std::str::from_utf8(self.inner.bytes()) {
            if let Ok(value) = loads(py, text) {
                return Ok(value);
            }
        }
        // Not JSON: the core's parser says why, as the `ApiError` every language raises.
        let parsed = py.detach(|| self.inner.json::<Value>());
        match parsed {
            Ok(value) => to_python(py, &value),
            Err(error) => Err(errors::to_py(py, &error)),
        }
    }

    /// JTL's rate-limit headers (`limit`, `remaining`, `interval_secs`), or `None`.
    #[getter]
    fn rate_limit<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(limit) = self.inner.rate_limit() else {
            return Ok(None);
        };
        let dict = PyDict::new(py);
        dict.set_item("limit", limit.limit)?;
        dict.set_item("remaining", limit.remaining)?;
        dict.set_item("interval_secs", limit.interval_secs)?;
        Ok(Some(dict))
    }

    fn __repr__(&self) -> String {
        format!("<Response [{}]>", self.inner.status())
    }
}

/// One page of a paginated endpoint.
#[pyclass(module = "jtl_connect", frozen)]
pub(crate) struct Page {
    /// The page, its records as JSON text (the server's own, or serialized off the GIL for
    /// parsed pages), handed to `json.loads` by `items`.
    inner: jtl_connect::Page<jtl_connect::ItemsJson>,
}

impl From<jtl_connect::Page<jtl_connect::ItemsJson>> for Page {
    fn from(inner: jtl_connect::Page<jtl_connect::ItemsJson>) -> Self {
        Self { inner }
    }
}

impl From<jtl_connect::Page> for Page {
    fn from(page: jtl_connect::Page) -> Self {
        Self { inner: page.into() }
    }
}

#[pymethods]
impl Page {
    /// The records of this page.
    #[getter]
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        Ok(loads(py, &self.inner.items.json)?.cast_into::<PyList>()?)
    }

    /// 1-based number of this page.
    #[getter]
    fn page_number(&self) -> u64 {
        self.inner.page_number
    }

    /// Records per page, if the server said.
    #[getter]
    fn page_size(&self) -> Option<u64> {
        self.inner.page_size
    }

    /// Records in all pages, if the server said.
    #[getter]
    fn total_items(&self) -> Option<u64> {
        self.inner.total_items
    }

    /// Number of pages, if the server said.
    #[getter]
    fn total_pages(&self) -> Option<u64> {
        self.inner.total_pages
    }

    /// The next page's number, or `None` on the last page.
    #[getter]
    fn next_page(&self) -> Option<u64> {
        self.inner.next_page
    }

    fn __len__(&self) -> usize {
        self.inner.items.len
    }

    fn __repr__(&self) -> String {
        format!(
            "Page(page_number={}, items={}, total_items={})",
            self.inner.page_number,
            self.inner.items.len,
            self.inner
                .total_items
                .map_or_else(|| "None".to_owned(), |t| t.to_string())
        )
    }
}
