//! Running core futures: blocking on the core's shared runtime, or spawned on it and awaited
//! by the foreign language's executor (a Kotlin coroutine that gives up does not cancel the
//! spawned call, so a shared token fetch is never cut short).

use std::future::Future;

use crate::errors::JtlError;

/// Runs `future` to completion on the core's runtime (`jtl_connect::blocking`).
pub(crate) fn block<T>(
    future: impl Future<Output = jtl_connect::Result<T>>,
) -> Result<T, JtlError> {
    Ok(jtl_connect::blocking::run(future)??)
}

/// Spawns `future` on the core's runtime and waits for it without blocking a thread.
pub(crate) async fn spawn<T, F>(future: F) -> Result<T, JtlError>
where
    T: Send + 'static,
    F: Future<Output = jtl_connect::Result<T>> + Send + 'static,
{
    let handle = jtl_connect::runtime()?.spawn(jtl_connect::warm::around(future));
    match handle.await {
        Ok(result) => Ok(result?),
        Err(e) => Err(JtlError::internal(format!(
            "the jtl-connect task failed: {e}"
        ))),
    }
}
