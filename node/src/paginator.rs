//! [`Paginator`]: the pages of a paginated endpoint, one request per page, each requested
//! while the one before it is read (wraps [`jtl_connect::Paginator`], prefetching). It is an async iterable of records
//! (`for await`: `[Symbol.asyncIterator]()` gives [`Records`]); `pages()` gives [`Pages`].

use std::{collections::VecDeque, sync::Arc};

use napi::{
    bindgen_prelude::{Either, JsObjectValue, Object, PromiseRaw, Unknown},
    Env,
};
use napi_derive::napi;
use tokio::sync::Mutex;

use crate::{
    response::{parse, PageText},
    runtime::spawn,
};

/// The core paginator and the records of its current page not yet handed out.
struct State {
    pages: jtl_connect::Paginator,
    /// The records as JSON text, serialized off the JavaScript thread: `JSON.parse` builds
    /// each one there, much cheaper than converting serde values through napi (issue 19).
    records: VecDeque<String>,
}

impl State {
    /// The next record, fetching the next page when this one is used up.
    async fn next_record(&mut self) -> jtl_connect::Result<Option<String>> {
        loop {
            if let Some(record) = self.records.pop_front() {
                return Ok(Some(record));
            }
            match self.pages.next_page().await? {
                Some(page) => {
                    for item in &page.items {
                        let text = serde_json::to_string(item)
                            .map_err(|e| crate::convert::invalid(format!("a record: {e}")))?;
                        self.records.push_back(text);
                    }
                }
                None => return Ok(None),
            }
        }
    }
}

/// `{ done, value }` of the record iterator, the whole object built by one `JSON.parse` (one
/// call per record instead of also creating the object and setting two properties through
/// napi: the per-record cost of a walk, issue 19).
fn record_step<'env>(env: &'env Env, record: Option<String>) -> napi::Result<Unknown<'env>> {
    match record {
        Some(text) => {
            let mut step = String::with_capacity(text.len() + 24);
            step.push_str("{\"done\":false,\"value\":");
            step.push_str(&text);
            step.push('}');
            parse(env, &step)
        }
        None => parse(env, "{\"done\":true}"),
    }
}

/// Every record of a paginated endpoint, lazily: `for await (const item of paginator)`.
/// When a page arrives the next one is requested (one page ahead, never past the last), so
/// it is usually there by the time the records before it have been read.
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
    pub fn to_array<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Unknown<'env>>> {
        let state = self.state.clone();
        spawn(
            env,
            async move {
                let mut state = state.lock().await;
                // One JSON array of every record's text, parsed once on the JS thread.
                let mut all = String::from("[");
                while let Some(record) = state.next_record().await? {
                    if all.len() > 1 {
                        all.push(',');
                    }
                    all.push_str(&record);
                }
                all.push(']');
                Ok(all)
            },
            |env, all| parse(env, &all),
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
    /// A record of the page already fetched comes back at once (`for await` takes both).
    #[napi(
        ts_return_type = "IteratorResult<any, undefined> | Promise<IteratorResult<any, undefined>>"
    )]
    pub fn next<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<Either<Unknown<'env>, PromiseRaw<'env, Unknown<'env>>>> {
        // No hop through the async runtime while the current page lasts (issue 19); the
        // lock is busy only while a page is being fetched, and then the Promise waits for it.
        if let Ok(mut state) = self.state.try_lock() {
            if let Some(record) = state.records.pop_front() {
                return record_step(env, Some(record)).map(Either::A);
            }
        }
        let state = self.state.clone();
        spawn(
            env,
            async move { state.lock().await.next_record().await },
            record_step,
        )
        .map(Either::B)
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
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, Object<'env>>> {
        let state = self.state.clone();
        spawn(
            env,
            async move {
                let page = state.lock().await.pages.next_page().await?;
                Ok(page.map(PageText::new))
            },
            |env, page| {
                let mut step = Object::new(env)?;
                step.set_named_property("done", page.is_none())?;
                if let Some(page) = page {
                    step.set_named_property("value", page.into_js(env)?)?;
                }
                Ok(step)
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
