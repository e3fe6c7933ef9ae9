//! [`Paginator`]: every record of a paginated endpoint, page by page (blocking).

use std::sync::Mutex;

use crate::{errors::JtlError, response::Page};

/// Every record of a paginated endpoint, fetched page by page as it is consumed (blocking;
/// the next page is requested while the current one is read).
#[derive(uniffi::Object)]
pub struct Paginator {
    inner: Mutex<jtl_connect::blocking::Paginator>,
}

impl Paginator {
    /// The walk, requesting each next page while the current one is read (as in Python and
    /// Node).
    pub(crate) fn wrap(inner: jtl_connect::Paginator) -> std::sync::Arc<Self> {
        std::sync::Arc::new(Self {
            inner: Mutex::new(jtl_connect::blocking::Paginator::new(inner.prefetching())),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, jtl_connect::blocking::Paginator> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl Paginator {
    /// The next record as JSON text, or none after the last.
    pub fn next_item(&self) -> Result<Option<String>, JtlError> {
        match self.lock().next() {
            Some(Ok(item)) => Ok(Some(item.to_string())),
            Some(Err(e)) => Err(e.into()),
            None => Ok(None),
        }
    }

    /// The next whole page, or none after the last.
    pub fn next_page(&self) -> Result<Option<Page>, JtlError> {
        Ok(self.lock().next_page()?.map(Page::from))
    }

    /// `totalItems` as the last page said.
    pub fn total_items(&self) -> Option<u64> {
        self.lock().total_items()
    }

    /// Every remaining record, as JSON texts.
    pub fn collect_all(&self) -> Result<Vec<String>, JtlError> {
        let mut guard = self.lock();
        let mut items = Vec::new();
        for item in guard.by_ref() {
            items.push(item?.to_string());
        }
        Ok(items)
    }
}
