//! Core futures as JavaScript Promises.
//!
//! A future runs on napi's tokio runtime (worker threads, never the event loop's thread);
//! when it finishes, its value is converted on the JavaScript thread by `map`, or its error
//! becomes a `JtlError` (see [`crate::errors`]).

use std::future::Future;

use napi::{bindgen_prelude::PromiseRaw, bindgen_prelude::ToNapiValue, Env};

use crate::errors;

/// Runs `future` off the event loop; the Promise resolves with `map(env, value)` or rejects
/// with the `JtlError` of the core error.
pub(crate) fn spawn<'env, T, V, F, M>(
    env: &'env Env,
    future: F,
    map: M,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = jtl_connect::Result<T>> + Send + 'static,
    M: FnOnce(&'env Env, T) -> napi::Result<V> + 'static,
{
    let work = async move { Ok(jtl_connect::warm::around(future).await) };
    env.spawn_future_with_callback(work, move |env, outcome| match outcome {
        Ok(value) => map(env, value),
        Err(error) => Err(errors::to_js(env, &error)),
    })
}
