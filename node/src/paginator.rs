//! [`Paginator`]: the pages of a paginated endpoint, one request per page, as they are
//! consumed (wraps [`jtl_connect::Paginator`]). `lib/paginator.js` makes it an async iterable
//! of records (`for await`) and adds `pages()`.

use std::sync::Arc;

use napi::{
    bindgen_prelude::{Object, PromiseRaw},
    Env,
};
use napi_derive::napi;
use tokio::sync::Mutex;

use crate::{response::PageText, runtime::spawn};

/// Every record of a paginated endpoint, lazily: `for await (const item of paginator)`.
/// Each page is fetched when the records before it have been consumed.
#[napi]
pub struct Paginator {
    inner: Arc<Mutex<jtl_connect::Paginator>>,
}

impl Paginator {
    pub(crate) fn new(inner: jtl_connect::Paginator) -> Self {
        Self {
            inner: Arc::new(Mutex::new(inner)),
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
        let inner = self.inner.clone();
        spawn(
            env,
            async move {
                let page = inner.lock().await.next_page().await?;
                Ok(page.map(PageText::new))
            },
            |env, page| page.map(|page| page.into_js(env)).transpose(),
        )
    }

    /// `Paginator`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        "Paginator".to_owned()
    }
}
