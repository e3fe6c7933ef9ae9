//! The request helpers every client class has (`request`, `get`, `post`, `put`, `patch`,
//! `delete`, `page`, `paginate`), written once for the three core clients: generic over the
//! core's request surface [`jtl_connect::ApiClient`]; [`api_methods!`] adds the JavaScript
//! methods to a class.

use jtl_connect::{
    options::{Schema, PAGINATION},
    ApiClient, Request, Result as CoreResult,
};
use napi::{
    bindgen_prelude::{Either, Object, PromiseRaw},
    Env,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    convert::{invalid, query_pairs},
    options::Named,
    paginator::Paginator,
    request::{self, RequestOptions},
    response::{PageText, Response},
    runtime::spawn,
};

impl Named for PageOptions {
    const SCHEMA: Schema = PAGINATION;
}

/// Options of `paginate(path, options)` and `page(path, options)`.
#[napi(object)]
#[derive(Default)]
pub struct PageOptions {
    /// Query parameters besides `pageNumber` and `pageSize` (see `RequestOptions.params`).
    #[napi(
        ts_type = "Record<string, string | number | boolean | null | undefined | Array<string | number | boolean>> | Array<[string, string | number | boolean]>"
    )]
    pub params: Option<Value>,
    /// Records per page (default 100; JTL allows 1 to 100).
    pub page_size: Option<u32>,
    /// For `page()`: which page (1-based, default 1).
    pub page_number: Option<u32>,
}

/// Sends `request` once it is built; a request that could not be built rejects the Promise.
fn send<'env, C: ApiClient>(
    env: &'env Env,
    client: &C,
    request: CoreResult<Request>,
) -> napi::Result<PromiseRaw<'env, Response>> {
    let client = client.clone();
    spawn(
        env,
        async move { client.request(request?).await },
        |_, response| Ok(Response::from(response)),
    )
}

/// `request({method, path, ...})` or `request(method, path, options)`.
pub(crate) fn request<'env, C: ApiClient>(
    env: &'env Env,
    client: &C,
    method_or_options: Either<String, Object<'_>>,
    path: Option<String>,
    options: Option<RequestOptions>,
) -> napi::Result<PromiseRaw<'env, Response>> {
    let built = match method_or_options {
        Either::A(method) => match path {
            Some(path) => request::build(&method, &path, options.unwrap_or_default()),
            None => Err(invalid(
                "path: expected request(method, path, options); found no path",
            )),
        },
        Either::B(object) => match request::call_object(env, &object)? {
            (method, Some(path), options) => request::build(&method, &path, options),
            (_, None, _) => Err(invalid(
                "path: expected request({ method, path, ... }); found no path",
            )),
        },
    };
    send(env, client, built)
}

/// `get/delete(path, options)` and `post/put/patch(path, json, options)`.
pub(crate) fn call<'env, C: ApiClient>(
    env: &'env Env,
    client: &C,
    method: &str,
    path: String,
    json: Option<Value>,
    options: Option<RequestOptions>,
) -> napi::Result<PromiseRaw<'env, Response>> {
    let mut options = options.unwrap_or_default();
    if json.is_some() {
        options.json = json;
    }
    send(env, client, request::build(method, &path, options))
}

/// `page(path, { params, pageNumber, pageSize })`.
pub(crate) fn page<'env, C: ApiClient>(
    env: &'env Env,
    client: &C,
    path: String,
    options: Option<PageOptions>,
) -> napi::Result<PromiseRaw<'env, napi::bindgen_prelude::Object<'env>>> {
    let client = client.clone();
    let options = options.unwrap_or_default();
    spawn(
        env,
        async move {
            let query = query_pairs(options.params)?;
            let number = u64::from(options.page_number.unwrap_or(1).max(1));
            let size = options
                .page_size
                .unwrap_or(jtl_connect::pagination::DEFAULT_PAGE_SIZE);
            client
                .page_json(&path, &query, number, size)
                .await
                .map(PageText::from)
        },
        |env, page| page.into_js(env),
    )
}

/// `paginate(path, { params, pageSize })`: a lazy [`Paginator`] that fetches one page ahead.
pub(crate) fn paginate<C: ApiClient>(
    env: &Env,
    client: &C,
    path: String,
    options: Option<PageOptions>,
) -> napi::Result<Paginator> {
    let options = options.unwrap_or_default();
    let query = crate::errors::check(env, query_pairs(options.params))?;
    // The next page is requested while JavaScript reads the current one (the core's
    // prefetch: at most one page ahead, never past the last).
    Ok(Paginator::new(
        client
            .paginate_json(&path, query, options.page_size)
            .prefetching(),
    ))
}

/// Adds `request`, `get`, `post`, `put`, `patch`, `delete`, `page` and `paginate` to a class
/// whose field `inner` is a core client implementing [`jtl_connect::ApiClient`].
macro_rules! api_methods {
    ($class:ident) => {
        #[napi_derive::napi]
        impl $class {
            /// Sends a request: `request({ method, path, params, json, headers })` or
            /// `request(method, path, { params, json, headers })`. Resolves with the
            /// `Response` of a 2xx answer; rejects with a `JtlError` otherwise.
            #[napi(
                ts_args_type = "methodOrOptions: string | import('./lib/options').RequestCall, path?: string, options?: RequestOptions"
            )]
            pub fn request<'env>(
                &self,
                env: &'env napi::Env,
                method_or_options: napi::bindgen_prelude::Either<
                    String,
                    napi::bindgen_prelude::Object<'_>,
                >,
                path: Option<String>,
                options: Option<$crate::options::Checked<$crate::request::RequestOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::response::Response>>
            {
                $crate::surface::request(env, &self.inner, method_or_options, path, options.map(|o| o.0))
            }

            /// `GET path`.
            #[napi]
            pub fn get<'env>(
                &self,
                env: &'env napi::Env,
                path: String,
                #[napi(ts_arg_type = "RequestOptions")] options: Option<$crate::options::Checked<$crate::request::RequestOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::response::Response>>
            {
                $crate::surface::call(env, &self.inner, "GET", path, None, options.map(|o| o.0))
            }

            /// `POST path` with a JSON body (not retried unless `idempotent: true`).
            #[napi]
            pub fn post<'env>(
                &self,
                env: &'env napi::Env,
                path: String,
                #[napi(ts_arg_type = "any")] json: Option<serde_json::Value>,
                #[napi(ts_arg_type = "RequestOptions")] options: Option<$crate::options::Checked<$crate::request::RequestOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::response::Response>>
            {
                $crate::surface::call(env, &self.inner, "POST", path, json, options.map(|o| o.0))
            }

            /// `PUT path` with a JSON body.
            #[napi]
            pub fn put<'env>(
                &self,
                env: &'env napi::Env,
                path: String,
                #[napi(ts_arg_type = "any")] json: Option<serde_json::Value>,
                #[napi(ts_arg_type = "RequestOptions")] options: Option<$crate::options::Checked<$crate::request::RequestOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::response::Response>>
            {
                $crate::surface::call(env, &self.inner, "PUT", path, json, options.map(|o| o.0))
            }

            /// `PATCH path` with a JSON body (not retried unless `idempotent: true`).
            #[napi]
            pub fn patch<'env>(
                &self,
                env: &'env napi::Env,
                path: String,
                #[napi(ts_arg_type = "any")] json: Option<serde_json::Value>,
                #[napi(ts_arg_type = "RequestOptions")] options: Option<$crate::options::Checked<$crate::request::RequestOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::response::Response>>
            {
                $crate::surface::call(env, &self.inner, "PATCH", path, json, options.map(|o| o.0))
            }

            /// `DELETE path`.
            #[napi]
            pub fn delete<'env>(
                &self,
                env: &'env napi::Env,
                path: String,
                #[napi(ts_arg_type = "RequestOptions")] options: Option<$crate::options::Checked<$crate::request::RequestOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::response::Response>>
            {
                $crate::surface::call(env, &self.inner, "DELETE", path, None, options.map(|o| o.0))
            }

            /// One page of a paginated endpoint: `page(path, { params, pageNumber, pageSize })`.
            #[napi(ts_return_type = "Promise<Page>")]
            pub fn page<'env>(
                &self,
                env: &'env napi::Env,
                path: String,
                #[napi(ts_arg_type = "PageOptions")] options: Option<$crate::options::Checked<$crate::surface::PageOptions>>,
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, napi::bindgen_prelude::Object<'env>>>
            {
                $crate::surface::page(env, &self.inner, path, options.map(|o| o.0))
            }

            /// Every record of a paginated endpoint, fetched page by page as it is consumed:
            /// `for await (const item of client.paginate("items", { pageSize: 50 }))`.
            #[napi]
            pub fn paginate(
                &self,
                env: &napi::Env,
                path: String,
                #[napi(ts_arg_type = "PageOptions")] options: Option<$crate::options::Checked<$crate::surface::PageOptions>>,
            ) -> napi::Result<$crate::paginator::Paginator> {
                $crate::surface::paginate(env, &self.inner, path, options.map(|o| o.0))
            }
        }
    };
}

pub(crate) use api_methods;
