//! [`Paginator`]: walks every page of a paginated endpoint, one request per page, lazily.

use std::{collections::VecDeque, fmt, sync::Arc};

use futures_util::{future::BoxFuture, Stream};
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::{pagination::Page, Error, Result};

/// Fetches page `n` (1-based); `T` holds a page's records (see [`Page`]).
pub type FetchPage<T = Vec<Value>> =
    Arc<dyn Fn(u64) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync>;

/// No walk goes on forever, whatever the server says.
const MAX_PAGES: u64 = 1_000_000;

/// Yields the records of every page in order, fetching the next page only when needed
/// (or, with [`Paginator::prefetching`], while the caller reads the current one). `T` holds
/// a page's records: values (the default: [`Paginator::next_item`] hands them out one by
/// one), or [`crate::ItemsJson`] for bindings that parse them in their language.
pub struct Paginator<T = Vec<Value>> {
    fetch: FetchPage<T>,
    buffer: VecDeque<Value>,
    next_page: Option<u64>,
    pages_fetched: u64,
    total_items: Option<u64>,
    /// Whether each page's arrival starts the request of the next one.
    prefetch: bool,
    /// The request of the next page, running on its own task, with the page it asks for.
    ahead: Option<(u64, JoinHandle<Result<Page<T>>>)>,
}

impl<T> Drop for Paginator<T> {
    /// A walk given up does not keep a request running for a page nobody reads.
    fn drop(&mut self) {
        if let Some((_, task)) = self.ahead.take() {
            task.abort();
        }
    }
}

impl<T> fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("next_page", &self.next_page)
            .field("pages_fetched", &self.pages_fetched)
            .finish()
    }
}

impl<T: Send + 'static> Paginator<T> {
    /// A paginator over `fetch` (page number → page), starting at page 1.
    pub fn new(fetch: FetchPage<T>) -> Self {
        Self {
            fetch,
            buffer: VecDeque::new(),
            next_page: Some(1),
            pages_fetched: 0,
            total_items: None,
            prefetch: false,
            ahead: None,
        }
    }

    /// Requests the next page as soon as a page arrives, on a task of its own, so it is
    /// (often) here by the time the caller has read the current one: a walk then costs about
    /// the slower of fetching and reading instead of both (issue 19). Never asks beyond the
    /// page the server announced last (only a page that names a next one starts a request),
    /// at most one page ahead; a failed request surfaces where the walk reaches that page,
    /// after every record before it. Outside a tokio runtime it fetches on demand as before.
    pub fn prefetching(mut self) -> Self {
        self.prefetch = true;
        self
    }

    /// The next page (all its records), or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<Page<T>>> {
        let Some(number) = self.next_page else {
            return Ok(None);
        };
        if self.pages_fetched >= MAX_PAGES {
            return Err(Error::Api {
                message: format!(
                    "stopped after {MAX_PAGES} pages: the server keeps announcing more"
                ),
                detail: Default::default(),
            });
        }
        let page = match self.ahead.take() {
            Some((ahead, task)) if ahead == number => {
                task.await.map_err(|e| Error::Network {
                    message: format!("the request of page {number} did not finish: {e}"),
                })??
            }
            _ => (self.fetch)(number).await?,
        };
        self.pages_fetched += 1;
        self.total_items = page.total_items.or(self.total_items);
        self.next_page = page.next_page.filter(|next| *next > number);
        self.start_next();
        Ok(Some(page))
    }

    /// Starts the request of the announced next page (see [`Paginator::prefetching`]).
    fn start_next(&mut self) {
        let Some(next) = self.next_page.filter(|_| self.prefetch) else {
            return;
        };
        if self.pages_fetched >= MAX_PAGES {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            self.ahead = Some((next, runtime.spawn((self.fetch)(next))));
        }
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages_fetched
    }

    /// `totalItems` as the last page said, for progress bars.
    pub fn total_items(&self) -> Option<u64> {
        self.total_items
    }
}

impl Paginator {
    /// The same walk with each page's records as JSON text ([`crate::ItemsJson`]), for a
    /// binding that parses them in its language. Call it before the walk starts: a walk
    /// already under way starts over.
    pub fn into_json(self) -> Paginator<crate::ItemsJson> {
        let fetch = self.fetch.clone();
        let mut json = Paginator::new(Arc::new(move |number| {
            let page = fetch(number);
            Box::pin(async move { page.await.map(Page::<crate::ItemsJson>::from) })
        }));
        json.prefetch = self.prefetch;
        json
    }

    /// The next record, or `None` after the last one.
    pub async fn next_item(&mut self) -> Result<Option<Value>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Ok(Some(item));
            }
            match self.next_page().await? {
                Some(page) => self.buffer.extend(page.items),
                None => return Ok(None),
            }
        }
    }

    /// Every remaining record.
    pub async fn collect_all(mut self) -> Result<Vec<Value>> {
        let mut all = Vec::new();
        while let Some(item) = self.next_item().await? {
            all.push(item);
        }
        Ok(all)
    }

    /// The records as a `Stream`.
    pub fn into_stream(self) -> impl Stream<Item = Result<Value>> + Send {
        futures_util::stream::try_unfold(self, |mut paginator| async move {
            Ok(paginator.next_item().await?.map(|item| (item, paginator)))
        })
    }
}
