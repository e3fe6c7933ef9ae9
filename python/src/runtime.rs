//! Running core futures for Python, always on the core's shared runtime
//! ([`jtl_connect::runtime`], rebuilt in a forked child).
//!
//! - [`block`]: synchronous methods detach from the interpreter (the GIL is released) and
//!   wait for the future; every 100 ms they check for signals, so Ctrl-C interrupts a wait.
//! - [`spawn`]: `async fn` methods (Python coroutines) spawn the future on the runtime and
//!   await its handle; the event loop is never blocked, and cancelling the coroutine aborts
//!   the task.
//! - [`Ready`]: the answer of an `async` method that was ready at the call (a cached token, a
//!   verified token seen before): an awaitable that is already complete, so `await` returns
//!   at once without a task on the runtime or a wake-up of the event loop.

use std::{future::Future, time::Duration};

use pyo3::{
    exceptions::{PyRuntimeError, PyStopIteration},
    prelude::*,
    IntoPyObjectExt,
};

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
    let task = runtime.spawn(future);
    let _abort = AbortOnDrop(task.abort_handle());
    match task.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(errors::to_py_attached(&error)),
        Err(failure) => Err(PyRuntimeError::new_err(format!(
            "a jtl-connect task failed: {failure}"
        ))),
    }
}

/// An awaitable whose result is already there: `await` returns it on the first step. It has
/// `send`/`throw`/`close` besides `__await__`, so `asyncio.iscoroutine` accepts it and
/// `asyncio.create_task` / `TaskGroup.create_task` take it like the coroutine it stands for.
#[pyclass(module = "jtl_connect.aio", name = "ready", frozen)]
pub(crate) struct Ready {
    value: Py<PyAny>,
}

impl Ready {
    /// `value` as a completed awaitable.
    pub(crate) fn awaitable<'py, T>(py: Python<'py>, value: T) -> PyResult<Bound<'py, PyAny>>
    where
        T: IntoPyObject<'py>,
    {
        let value = value.into_py_any(py)?;
        Ok(Bound::new(py, Ready { value })?.into_any())
    }

    fn done(&self, py: Python<'_>) -> PyErr {
        PyStopIteration::new_err((self.value.clone_ref(py),))
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<()> {
        Err(self.done(py))
    }

    /// The first step of the coroutine protocol: ends with the result.
    fn send(&self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(self.done(py))
    }

    /// Raises what the awaiting task throws in (its cancellation).
    #[pyo3(signature = (kind, value=None, _traceback=None))]
    fn throw(
        &self,
        kind: &Bound<'_, PyAny>,
        value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let error = match value {
            Some(value) if !value.is_none() => value.clone(),
            _ if kind.is_instance_of::<pyo3::types::PyType>() => kind.call0()?,
            _ => kind.clone(),
        };
        Err(PyErr::from_value(error))
    }

    /// Nothing to stop.
    fn close(&self) {}
}
