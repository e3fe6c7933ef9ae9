//! [`Paginator`]: the pages of a paginated endpoint, one request per page, as they are
//! consumed (wraps [`jtl_connect::Paginator`]). It is an async iterable of records
//! (`for await`: `[Symbol.asyncIterator]()` gives [`Records`]); `pages()` gives [`Pages`].

use std::{collections::VecDeque, sync::Arc};

use napi::{
    bindgen_prelude::{Object, PromiseRaw},
    Env,
};
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::{
    response::{Page, PageText},
    runtime::spawn,
};

/// The core paginator and the records of its current page not yet handed out.
struct State {
    pages: jtl_connect::Paginator,
    records: VecDeque<Value>,
}

impl State {
    /// The next record, fetching the next page when this one is used up.
    async fn next_record(&mut self) -> jtl_connect::Result<Option<Value>> {
        loop {
            if let Some(record) = self.records.pop_front() {
                return Ok(Some(record));
            }
            match self.pages.next_page().await? {
                Some(page) => self.records.extend(page.items),
                None => return Ok(None),
            }
        }
    }
}

/// Every record of a paginated endpoint, lazily: `for await (const item of paginator)`.
/// Each page is fetched when the records before it have been consumed.
#[napi]
pub struct Paginator {
    state: Arc<Mutex<State>>,
}

impl Paginator {
    pub(crate) fn new(inner: jtl_connect::Paginator) -> Self {
        let state = State {
            pages: inner,
            records: VecDeque::new(),
        };
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }
}

/// One step of an async iterator of records: `{ done, value }`.
#[napi(object, object_from_js = false)]
pub struct RecordStep {
    /// Whether the records are used up.
    pub done: bool,
    /// The record (absent when done).
    #[napi(ts_type = "any")]
    pub value: Option<Value>,
}

/// One step of an async iterator of pages: `{ done, value }`.
#[napi(object, object_from_js = false)]
pub struct PageStep {
    /// Whether the pages are used up.
    pub done: bool,
    /// The page (absent when done).
    pub value: Option<Page>,
}

#[napi]
impl Paginator {
    /// The next page with all its records, or `null` after the last one.
    #[napi(ts_return_type = "Promise<Page | null>")]
    pub fn next_page<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, Option<Object<'env>>>> {
        let state = self.state.clone();
        spawn(
            env,
            async move {
                let page = state.lock().await.pages.next_page().await?;
                Ok(page.map(PageText::new))
            },
            |env, page| page.map(|page| page.into_js(env)).transpose(),
        )
    }

    /// Every record of every page, in order; each page is fetched when needed.
    #[napi(
        well_known_symbol = "asyncIterator",
        ts_return_type = "AsyncIterator<any, undefined>"
    )]
    pub fn records(&self) -> Records {
        Records {
            state: self.state.clone(),
        }
    }

    /// Every page, in order: `for await (const page of paginator.pages())`.
    #[napi(ts_return_type = "AsyncIterableIterator<Page>")]
    pub fn pages(&self) -> Pages {
        Pages {
            state: self.state.clone(),
        }
    }

    /// Every record of every page not yet consumed, collected.
    #[napi(ts_return_type = "Promise<any[]>")]
    pub fn to_array<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Vec<Value>>> {
        let state = self.state.clone();
        spawn(
            env,
            async move {
                let mut state = state.lock().await;
                let mut all = Vec::new();
                while let Some(record) = state.next_record().await? {
                    all.push(record);
                }
                Ok(all)
            },
            |_, all| Ok(all),
        )
    }

    /// `Paginator`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        "Paginator".to_owned()
    }
}

/// The records of a [`Paginator`] as an async iterator (`paginator[Symbol.asyncIterator]()`).
#[napi]
pub struct Records {
    state: Arc<Mutex<State>>,
}

#[napi]
impl Records {
    /// The next record; a failed page fetch rejects with its `JtlError`.
    #[napi(ts_return_type = "Promise<IteratorResult<any, undefined>>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, RecordStep>> {
        let state = self.state.clone();
        spawn(
            env,
            async move { state.lock().await.next_record().await },
            |_, value| {
                Ok(RecordStep {
                    done: value.is_none(),
                    value,
                })
            },
        )
    }
}

/// The pages of a [`Paginator`] as an async iterable iterator (`paginator.pages()`).
#[napi]
pub struct Pages {
    state: Arc<Mutex<State>>,
}

#[napi]
impl Pages {
    /// The next page; a failed fetch rejects with its `JtlError`.
    #[napi(ts_return_type = "Promise<IteratorResult<Page, undefined>>")]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, PageStep>> {
        let state = self.state.clone();
        spawn(
            env,
            async move { state.lock().await.pages.next_page().await },
            |_, page| {
                Ok(PageStep {
                    done: page.is_none(),
                    value: page.map(Page::from),
                })
            },
        )
    }

    /// The same pages (an iterator is its own iterable).
    #[napi(
        well_known_symbol = "asyncIterator",
        ts_return_type = "AsyncIterableIterator<Page>"
    )]
    pub fn iterator(&self) -> Pages {
        Pages {
            state: self.state.clone(),
        }
    }
}
