//! The one tokio runtime behind the [`crate::blocking`] facade and the language bindings.
//!
//! It is created on first use and created anew in a forked child (a runtime's threads do not
//! survive `fork()`; Python's multiprocessing forks). Blocking on it from inside another
//! runtime would deadlock or panic, so [`block_on`] refuses with a clear error instead.

use std::{
    future::Future,
    sync::{Arc, Mutex, PoisonError},
};

use tokio::runtime::{Builder, Runtime};

use crate::{Error, Result};

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// Worker threads of the shared runtime: half the CPUs, at least one, unless
/// `TOKIO_WORKER_THREADS` says otherwise (tokio reads it when no number is given). Its
/// futures wait on sockets and do little work, the calling threads (Python's, the JVM's)
/// need CPUs of their own, and every extra worker is one more thread to wake and park per
/// request (issue 19; Node's runtime is sized the same way).
pub fn worker_threads() -> Option<usize> {
    if std::env::var_os("TOKIO_WORKER_THREADS").is_some() {
        return None;
    }
    let cpus = std::thread::available_parallelism().map_or(2, usize::from);
    Some((cpus / 2).max(1))
}

/// The shared runtime (worker threads named `jtl-connect`, see [`worker_threads`]), made
/// for this process.
pub fn runtime() -> Result<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((owner, runtime)) = slot.as_ref() {
        if *owner == pid {
            return Ok(runtime.clone());
        }
        // Inherited through fork(): its threads are gone. It must not be dropped here
        // (dropping waits for those threads), so it is leaked on purpose.
        if let Some((_, stale)) = slot.take() {
            std::mem::forget(stale);
        }
        // A spinner of the parent's runtime did not come along either.
        crate::warm::forget_spinner();
    }
    let mut builder = Builder::new_multi_thread();
    if let Some(workers) = worker_threads() {
        builder.worker_threads(workers);
    }
    let runtime = Arc::new(
        builder
            .thread_name("jtl-connect")
            .enable_all()
            .build()
            .map_err(|e| Error::config(format!("could not start the async runtime: {e}")))?,
    );
    *slot = Some((pid, runtime.clone()));
    Ok(runtime)
}

/// Runs `future` to completion on the shared runtime, from synchronous code.
///
/// Called from inside a tokio runtime it returns a `config` error (blocking there would stall
/// that runtime's thread): use the async API instead.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::config(
            "a blocking jtl-connect call was made from inside an async runtime; use the async API there",
        ));
    }
    Ok(runtime()?.block_on(crate::warm::around(future)))
}
