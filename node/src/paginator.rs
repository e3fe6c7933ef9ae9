//! [`Paginator`]: the pages of a paginated endpoint, one request per page, each requested
//! while the one before it is read (wraps [`jtl_connect::Paginator`], prefetching). It is an async iterable of records
//! (`for await`: `[Symbol.asyncIterator]()` gives [`Records`]); `pages()` gives [`Pages`].

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    sync::Arc,
};

use napi::{
    bindgen_prelude::{
        Either, JsObjectValue, Object, ObjectFinalize, ObjectRef, PromiseRaw, ToNapiValue, Unknown,
    },
    Env, JsValue,
};
use napi_derive::napi;
use tokio::sync::{oneshot, Mutex};

use crate::{
    response::{parse, PageText},
    runtime::spawn,
};

/// The records of one page as one JSON array, the text the server sent: one `JSON.parse`
/// on the JavaScript thread builds them all (much cheaper than converting serde values
/// through napi, or than a parse per record; issue 19).
#[derive(Clone)]
struct PageRecords {
    /// Which page of the walk (1, 2, ...), to tell a held JS array's page.
    seq: u64,
    /// `[record, record, ...]` and how many.
    items: jtl_connect::ItemsJson,
}

/// The core paginator, the page whose records are being handed out and how many of them
/// have been (each record goes to exactly one `next()` call, in order, whichever JavaScript
/// callback runs first).
struct State {
    pages: jtl_connect::Paginator<jtl_connect::ItemsJson>,
    current: Option<Arc<PageRecords>>,
    handed: usize,
    seq: u64,
}

impl State {
    /// The page and index of the next record, fetching the next page when this one is used
    /// up (empty pages are skipped); `None` after the last record.
    async fn next_record(&mut self) -> jtl_connect::Result<Option<(Arc<PageRecords>, u32)>> {
        loop {
            if let Some(page) = self.take_current() {
                return Ok(Some(page));
            }
            match self.pages.next_page().await? {
                Some(page) => {
                    self.seq += 1;
                    self.current = Some(Arc::new(PageRecords {
                        seq: self.seq,
                        items: page.items,
                    }));
                    self.handed = 0;
                }
                None => return Ok(None),
            }
        }
    }

    /// The next record of the current page, if it has one left.
    fn take_current(&mut self) -> Option<(Arc<PageRecords>, u32)> {
        let page = self.current.as_ref()?;
        if self.handed >= page.items.len {
            return None;
        }
        let index = u32::try_from(self.handed).ok()?;
        self.handed += 1;
        Some((page.clone(), index))
    }

    /// The current page and how many of its records were handed out already (`toArray()`).
    fn rest_of_current(&mut self) -> Option<(Arc<PageRecords>, usize)> {
        let page = self.current.take()?;
        let handed = std::mem::take(&mut self.handed);
        Some((page, handed))
    }
}

/// The JavaScript array of the page a [`Records`] iterator reads from (kept between calls so
/// each record costs an array read, not a parse), shared with the Promise callbacks that fill
/// it. Released when replaced and when the iterator is collected.
type Held = Rc<RefCell<Option<(u64, ObjectRef<false>)>>>;

/// Record `index` of `page` as an iterator step, from the held array if it is that page's,
/// else from a new `JSON.parse` of the page, then held (unless the iterator is gone).
fn step_of<'env>(
    env: &'env Env,
    held: &Held,
    page: &PageRecords,
    index: u32,
) -> napi::Result<Object<'env>> {
    let mut slot = held.borrow_mut();
    let array: Object<'env> = match slot.as_ref() {
        Some((seq, array)) if *seq == page.seq => array.get_value(env)?,
        _ => {
            let array = parse(env, &page.items.json)?.coerce_to_object()?;
            // A callback may outlive its iterator (then nothing holds the array).
            if Rc::strong_count(held) > 1 {
                if let Some((_, old)) = slot.replace((page.seq, array.create_ref::<false>()?)) {
                    old.unref(env)?;
                }
            }
            array
        }
    };
    let value: Unknown<'env> = array.get_element(index)?;
    step(env, Some(value))
}

/// `{ done, value }` of the record iterator.
fn step<'env>(env: &'env Env, value: Option<Unknown<'env>>) -> napi::Result<Object<'env>> {
    let mut step = Object::new(env)?;
    step.set_named_property("done", value.is_none())?;
    if let Some(value) = value {
        step.set_named_property("value", value)?;
    }
    Ok(step)
}

/// Every record of a paginated endpoint, lazily: `for await (const item of paginator)`.
/// When a page arrives the next one is requested (one page ahead, never past the last), so
/// it is usually there by the time the records before it have been read.
#[napi]
pub struct Paginator {
    state: Arc<Mutex<State>>,
}

impl Paginator {
    pub(crate) fn new(inner: jtl_connect::Paginator<jtl_connect::ItemsJson>) -> Self {
        let state = State {
            pages: inner,
            current: None,
            handed: 0,
            seq: 0,
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
                Ok(page.map(PageText::from))
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
            held: Held::default(),
            pending: Rc::default(),
            tail: RefCell::new(None),
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
                // Every page's JSON text, each parsed once on the JS thread.
                let mut pages = Vec::new();
                let mut skip = 0;
                if let Some((page, handed)) = state.rest_of_current() {
                    // A held copy (an iterator's callback) keeps the text; else it moves.
                    pages.push(Arc::unwrap_or_clone(page).items);
                    skip = handed;
                }
                while let Some(page) = state.pages.next_page().await? {
                    pages.push(page.items);
                }
                Ok((pages, skip))
            },
            |env, (pages, skip)| {
                let mut all = env.create_array(0)?;
                let mut at = 0;
                for (n, page) in pages.iter().enumerate() {
                    let records = parse(env, &page.json)?.coerce_to_object()?;
                    let from = if n == 0 { skip } else { 0 };
                    for index in from..page.len {
                        let record: Unknown<'_> = records.get_element(index as u32)?;
                        all.set(at, record)?;
                        at += 1;
                    }
                }
                all.into_unknown(env)
            },
        )
    }

    /// `Paginator`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        "Paginator".to_owned()
    }
}

/// The records of a [`Paginator`] as an async iterator (`paginator[Symbol.asyncIterator]()`).
#[napi(custom_finalize)]
pub struct Records {
    state: Arc<Mutex<State>>,
    held: Held,
    /// `next()` calls whose Promise has not settled yet: while there are any, a new call
    /// queues behind them instead of taking a record at once (records go out in call order).
    pending: Rc<Cell<u32>>,
    /// Settles when the last queued call has its record: the next call's task waits for it
    /// (tasks start in any order on the runtime's threads; call order is decided here).
    tail: RefCell<Option<oneshot::Receiver<()>>>,
}

impl ObjectFinalize for Records {
    /// Lets the held page array go.
    fn finalize(self, env: Env) -> napi::Result<()> {
        match self.held.borrow_mut().take() {
            Some((_, array)) => array.unref(&env),
            None => Ok(()),
        }
    }
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
    ) -> napi::Result<Either<Object<'env>, PromiseRaw<'env, Object<'env>>>> {
        // No hop through the async runtime while the current page lasts (issue 19); the
        // lock is busy only while a page is being fetched, and then the Promise waits for it.
        if self.pending.get() == 0 {
            if let Ok(mut state) = self.state.try_lock() {
                if let Some((page, index)) = state.take_current() {
                    drop(state);
                    return step_of(env, &self.held, &page, index).map(Either::A);
                }
            }
        }
        let state = self.state.clone();
        let held = self.held.clone();
        let pending = self.pending.clone();
        let (done, done_rx) = oneshot::channel();
        let before = self.tail.replace(Some(done_rx));
        pending.set(pending.get() + 1);
        spawn(
            env,
            async move {
                if let Some(before) = before {
                    // An error means that call's task is gone; it no longer needs a turn.
                    let _ = before.await;
                }
                let record = state.lock().await.next_record().await;
                let _ = done.send(());
                Ok(record)
            },
            move |env, record| {
                pending.set(pending.get().saturating_sub(1));
                match record {
                    Ok(Some((page, index))) => step_of(env, &held, &page, index),
                    Ok(None) => step(env, None),
                    Err(error) => Err(crate::errors::to_js(env, &error)),
                }
            },
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
                Ok(page.map(PageText::from))
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
