//! Running core futures for Python, always on the core's shared runtime
//! ([`jtl_connect::runtime`], rebuilt in a forked child).
//!
//! - [`block`]: synchronous methods detach from the interpreter (the GIL is released) and
//!   wait for the future; every 100 ms they check for signals, so Ctrl-C interrupts a wait.
//! - [`spawn`]: `async fn` methods (Python coroutines) spawn the future on the runtime and
//!   await its handle; the event loop is never blocked, and cancelling the coroutine aborts
//!   the task. The request methods, a token that is not cached and a verification that
//!   needs the keys use [`crate::bridge::Pending`] instead, which wakes the event loop
//!   without taking the GIL on the runtime's threads.
//! - [`Ready`]: the answer of an `async` method that was ready at the call (a cached token, a
//!   verified token seen before): an awaitable that is already complete, so `await` returns
//!   at once without a task on the runtime or a wake-up of the event loop.

use std::{future::Future, time::Duration};

use pyo3::{exceptions::PyRuntimeError, prelude::*, sync::PyOnceLock};

use crate::errors;

/// How often a blocked call looks for signals (Ctrl-C).
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `future` to completion with the interpreter detached.
pub(crate) fn block<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    F: Future<Output = jtl_connect::Result<T>> + Send,
    T: Send,
{
    match py.detach(|| jtl_connect::blocking::run(interruptible(future))) {
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(error))) | Err(error) => Err(errors::to_py(py, &error)),
        Ok(Err(signal)) => Err(signal),
    }
}

/// `future`, stopped early (and dropped) if a Python signal handler raises.
async fn interruptible<F: Future>(future: F) -> PyResult<F::Output> {
    tokio::pin!(future);
    loop {
        let tick = tokio::time::sleep(SIGNAL_CHECK);
        tokio::select! {
            biased;
            output = &mut future => return Ok(output),
            () = tick => Python::attach(|py| py.check_signals())?,
        }
    }
}

/// Aborts a spawned task when dropped (the coroutine awaiting it was cancelled).
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `future` as a task of the shared runtime and awaits it (for `async fn` methods).
pub(crate) async fn spawn<T, F>(future: F) -> PyResult<T>
where
    F: Future<Output = jtl_connect::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let runtime = jtl_connect::runtime().map_err(|e| errors::to_py_attached(&e))?;
    let task = runtime.spawn(jtl_connect::warm::around(future));
    let _abort = AbortOnDrop(task.abort_handle());
    match task.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(errors::to_py_attached(&error)),
        Err(failure) => Err(PyRuntimeError::new_err(format!(
            "a jtl-connect task failed: {failure}"
        ))),
    }
}

/// The answer of an `async` method that was ready at the call, as a real coroutine that
/// returns it on its first step: `async def completed(value): return value`. Awaiting a
/// coroutine is the interpreter's own fast path (no task, no event-loop wake-up, and no
/// `StopIteration` object, which a native awaitable must raise to hand back a value), and
/// `asyncio.create_task` / `gather` take it like the coroutine it stands for.
pub(crate) struct Ready;

/// The `completed` function, compiled once per process.
static COMPLETED: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

impl Ready {
    /// `value` as an already-completed coroutine.
    pub(crate) fn awaitable<'py, T>(py: Python<'py>, value: T) -> PyResult<Bound<'py, PyAny>>
    where
        T: IntoPyObject<'py>,
    {
        let completed = COMPLETED.get_or_try_init(py, || -> PyResult<_> {
            let module = PyModule::from_code(
                py,
                c"async def completed(value):\n    return value\n",
                c"<jtl_connect.aio>",
                c"jtl_connect._completed",
            )?;
            Ok(module.getattr("completed")?.unbind())
        })?;
        completed.bind(py).call1((value,))
    }
}
