//! The asyncio bridge of the hot `jtl_connect.aio` methods (the request methods, a token
//! that is not cached, a verification that needs the network): [`Pending`], a coroutine
//! that runs its core future as a task of the shared runtime and is woken without the GIL.
//!
//! pyo3's `async fn` methods wake the event loop from the runtime's thread: that thread
//! attaches to the interpreter (takes the GIL) and calls `loop.call_soon_threadsafe` (Python
//! code: a handle, the ready queue, a write to the loop's self-pipe) for every completion,
//! and the loop then runs one more callback that sets the result of the future the coroutine
//! yielded, before the task steps again (issue 19 measured this hop). Here, per event loop,
//! a [`Bridge`] keeps a queue of finished results and one end of a socket pair whose other
//! end the loop watches (`loop.add_reader`): a runtime thread only pushes its result and, if
//! the queue was empty, writes one byte; the GIL is never taken there. On the loop's thread
//! the reader callback drains every result that is ready at once (one wake-up for a burst of
//! `gather`ed requests), converts each to Python there, and completes its `asyncio.Future`,
//! which wakes the awaiting task directly. Where a loop cannot watch a socket
//! (`add_reader` raises, e.g. Windows' proactor loop, or no Unix sockets), the bridge falls
//! back to `call_soon_threadsafe` with the same batching.
//!
//! [`Pending`] behaves like the coroutine an `async def` would return: nothing starts before
//! its first step, an error found while the arguments were read is raised there, and
//! cancelling the awaiting task (or `throw`/`close`, or dropping it) aborts the runtime task.

use std::{
    cell::RefCell,
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, PoisonError},
};

use pyo3::{
    exceptions::{PyRuntimeError, PyStopIteration},
    intern,
    prelude::*,
    sync::PyOnceLock,
    types::{PyType, PyWeakrefReference},
    IntoPyObjectExt,
};

use crate::errors;

/// A finished core result, turned into a Python object (or exception) on the loop's thread.
type Convert = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// The core work of a [`Pending`], not started yet.
type Work = Pin<Box<dyn Future<Output = Convert> + Send>>;

/// One finished result and the `asyncio.Future` waiting for it.
struct Completion {
    future: Py<PyAny>,
    convert: Convert,
}

/// How the runtime's threads tell an event loop that results are ready.
enum Wake {
    /// Write a byte to the socket the loop watches (no GIL needed).
    #[cfg(unix)]
    Socket(std::os::unix::net::UnixStream),
    /// `loop.call_soon_threadsafe(drain)`, with the GIL.
    Threadsafe(Py<PyAny>),
}

/// The results finished for one event loop and how to wake it.
struct Bridge {
    ready: Mutex<Vec<Completion>>,
    wake: Wake,
}

impl Bridge {
    /// Queues a result (on a runtime thread) and wakes the loop if the queue was empty: a
    /// wake-up already on its way will find this result too.
    fn complete(self: &Arc<Self>, completion: Completion) {
        let first = {
            let mut ready = self.ready.lock().unwrap_or_else(PoisonError::into_inner);
            ready.push(completion);
            ready.len() == 1
        };
        if !first {
            return;
        }
        match &self.wake {
            #[cfg(unix)]
            Wake::Socket(writer) => {
                use std::io::Write;
                // A full socket buffer (WouldBlock) already holds unread wake-ups; a closed
                // reader means the loop is gone, and its futures with it.
                let _ = (&*writer).write(&[1]);
            }
            Wake::Threadsafe(event_loop) => Python::attach(|py| {
                let drain = Drain {
                    bridge: self.clone(),
                    #[cfg(unix)]
                    reader: None,
                };
                let woken = Py::new(py, drain).and_then(|drain| {
                    event_loop.call_method1(py, intern!(py, "call_soon_threadsafe"), (drain,))
                });
                // Fails only if the loop is closed: nobody awaits these results any more.
                if let Err(e) = woken {
                    tracing::debug!(error = %e, "asyncio loop closed before a result arrived");
                }
            }),
        }
    }

    /// Completes the futures of every queued result (on the loop's thread).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let ready = std::mem::take(&mut *self.ready.lock().unwrap_or_else(PoisonError::into_inner));
        for Completion { future, convert } in ready {
            let future = future.bind(py);
            // A cancelled task cancelled its future already; its result is not wanted.
            if future.call_method0(intern!(py, "done"))?.is_truthy()? {
                continue;
            }
            match convert(py) {
                Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
                Err(error) => {
                    future.call_method1(intern!(py, "set_exception"), (error.into_value(py),))?
                }
            };
        }
        Ok(())
    }
}

/// The callback the event loop runs when results are ready.
#[pyclass(module = "jtl_connect.aio", name = "_Drain", frozen)]
struct Drain {
    bridge: Arc<Bridge>,
    /// The watched end of the socket pair (`None` for the `call_soon_threadsafe` wake-up).
    #[cfg(unix)]
    reader: Option<std::os::unix::net::UnixStream>,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        #[cfg(unix)]
        if let Some(reader) = &self.reader {
            use std::io::Read;
            // Consume the wake-ups before taking the queue: a result queued after this read
            // writes a new byte, so it is never left waiting. A short read took every byte
            // there was (one wake-up byte per burst): no second read to learn that.
            let mut buffer = [0u8; 256];
            while matches!((&*reader).read(&mut buffer), Ok(n) if n == buffer.len()) {}
        }
        self.bridge.drain(py)
    }
}

thread_local! {
    /// The bridge of the event loop that last ran on this thread (a weak reference to the
    /// loop: a closed loop's address may be reused by the next one).
    static CURRENT: RefCell<Option<(Py<PyWeakrefReference>, Arc<Bridge>)>> =
        const { RefCell::new(None) };
}

/// `asyncio.get_running_loop`, looked up once.
static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The running event loop (`RuntimeError` outside one, as `asyncio` says) and its bridge.
fn running<'py>(py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, Arc<Bridge>)> {
    let get = GET_RUNNING_LOOP.get_or_try_init(py, || -> PyResult<_> {
        Ok(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
    })?;
    let event_loop = get.bind(py).call0()?;
    let cached = CURRENT.with_borrow(|current| {
        current.as_ref().and_then(|(seen, bridge)| {
            let alive = seen.bind(py).upgrade()?;
            alive.is(&event_loop).then(|| bridge.clone())
        })
    });
    if let Some(bridge) = cached {
        return Ok((event_loop, bridge));
    }
    let bridge = attach(py, &event_loop)?;
    let seen = PyWeakrefReference::new(&event_loop)?.unbind();
    CURRENT.with_borrow_mut(|current| *current = Some((seen, bridge.clone())));
    Ok((event_loop, bridge))
}

/// A new bridge for `event_loop`: a watched socket pair where the loop supports it.
fn attach(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Bridge>> {
    #[cfg(unix)]
    if let Some(bridge) = attach_socket(py, event_loop)? {
        return Ok(bridge);
    }
    let _ = py;
    Ok(Arc::new(Bridge {
        ready: Mutex::new(Vec::new()),
        wake: Wake::Threadsafe(event_loop.clone().unbind()),
    }))
}

/// The socket-pair bridge, or `None` if the loop cannot watch the socket.
#[cfg(unix)]
fn attach_socket(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Option<Arc<Bridge>>> {
    use std::os::{fd::AsRawFd, unix::net::UnixStream};
    let Ok((reader, writer)) = UnixStream::pair() else {
        return Ok(None);
    };
    if reader.set_nonblocking(true).is_err() || writer.set_nonblocking(true).is_err() {
        return Ok(None);
    }
    let fd = reader.as_raw_fd();
    let bridge = Arc::new(Bridge {
        ready: Mutex::new(Vec::new()),
        wake: Wake::Socket(writer),
    });
    let drain = Py::new(
        py,
        Drain {
            bridge: bridge.clone(),
            reader: Some(reader),
        },
    )?;
    // The loop holds the callback (and so the reader) until it is closed.
    match event_loop.call_method1(intern!(py, "add_reader"), (fd, drain)) {
        Ok(_) => Ok(Some(bridge)),
        Err(e) => {
            tracing::debug!(error = %e, "asyncio loop without add_reader: call_soon_threadsafe");
            Ok(None)
        }
    }
}

/// Where a [`Pending`] is.
enum State {
    /// Not stepped yet: the work to start, or the error to raise at the first step.
    Start(Result<Work, PyErr>),
    /// Running as a runtime task; the loop completes `future`.
    Waiting {
        future: Py<PyAny>,
        abort: tokio::task::AbortHandle,
    },
    /// Returned, raised, thrown into or closed.
    Done,
}

/// A `jtl_connect.aio` coroutine whose work runs on the shared runtime (see the module
/// documentation). `asyncio.iscoroutine` holds for it (it has `send`, `throw`, `close` and
/// `__await__`), so `await`, `create_task`, `gather` and `wait_for` take it.
#[pyclass(module = "jtl_connect.aio", name = "_Pending", frozen)]
pub(crate) struct Pending {
    state: Mutex<State>,
}

impl Pending {
    /// A coroutine that runs `work` on the runtime when first stepped and returns its result.
    pub(crate) fn new<T, F>(work: F) -> Self
    where
        F: Future<Output = jtl_connect::Result<T>> + Send + 'static,
        T: for<'py> IntoPyObject<'py> + Send + 'static,
    {
        let work: Work = Box::pin(async move {
            let out = work.await;
            Box::new(move |py: Python<'_>| match out {
                Ok(value) => value.into_py_any(py),
                Err(error) => Err(errors::to_py(py, &error)),
            }) as Convert
        });
        Self::starting(Ok(work))
    }

    /// A coroutine that raises `error` when first stepped (bad arguments, found at the call).
    pub(crate) fn failed(error: PyErr) -> Self {
        Self::starting(Err(error))
    }

    /// [`Pending::new`], or [`Pending::failed`] if the arguments could not be read.
    pub(crate) fn try_new<T, F>(work: PyResult<F>) -> Self
    where
        F: Future<Output = jtl_connect::Result<T>> + Send + 'static,
        T: for<'py> IntoPyObject<'py> + Send + 'static,
    {
        match work {
            Ok(work) => Self::new(work),
            Err(error) => Self::failed(error),
        }
    }

    fn starting(start: Result<Work, PyErr>) -> Self {
        Self {
            state: Mutex::new(State::Start(start)),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One step: start the work and yield its future, or return (`StopIteration`) its result.
    fn step(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut state = self.state();
        match std::mem::replace(&mut *state, State::Done) {
            State::Start(Err(error)) => Err(error),
            State::Start(Ok(work)) => {
                let (event_loop, bridge) = running(py)?;
                let future = event_loop.call_method0(intern!(py, "create_future"))?;
                let runtime = jtl_connect::runtime().map_err(|e| errors::to_py(py, &e))?;
                let waiting = future.clone().unbind();
                let task = runtime.spawn(async move {
                    let convert = jtl_connect::warm::around(work).await;
                    bridge.complete(Completion {
                        future: waiting,
                        convert,
                    });
                });
                let yielded = blocking(py, &future)?;
                *state = State::Waiting {
                    future: future.unbind(),
                    abort: task.abort_handle(),
                };
                Ok(yielded)
            }
            State::Waiting { future, abort } => {
                let bound = future.bind(py);
                if !bound.call_method0(intern!(py, "done"))?.is_truthy()? {
                    // Woken before the result (not by asyncio): keep waiting.
                    let yielded = blocking(py, bound)?;
                    *state = State::Waiting { future, abort };
                    return Ok(yielded);
                }
                let value = bound.call_method0(intern!(py, "result"))?;
                Err(PyStopIteration::new_err((value.unbind(),)))
            }
            State::Done => Err(PyRuntimeError::new_err(
                "cannot reuse already awaited coroutine",
            )),
        }
    }

    /// Stops the runtime task (if any) and forgets the work.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        if let State::Waiting { future, abort } = std::mem::replace(&mut *self.state(), State::Done)
        {
            abort.abort();
            future.call_method0(py, intern!(py, "cancel"))?;
        }
        Ok(())
    }
}

/// `future`, marked the way `Future.__await__` marks a future it yields to the task.
fn blocking(py: Python<'_>, future: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    future.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
    Ok(future.clone().unbind())
}

impl Drop for Pending {
    fn drop(&mut self) {
        // A coroutine dropped while its task runs (the awaiting task went away): stop it.
        if let State::Waiting { abort, .. } = &*self.state() {
            abort.abort();
        }
    }
}

#[pymethods]
impl Pending {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Resumes the coroutine (asyncio sends `None`).
    fn send(&self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Raises `error` in the coroutine (asyncio throws `CancelledError` into a cancelled
    /// task's coroutine): the runtime task is aborted, and `error` comes out.
    #[pyo3(signature = (error, value=None, traceback=None))]
    fn throw(
        &self,
        py: Python<'_>,
        error: &Bound<'_, PyAny>,
        value: Option<&Bound<'_, PyAny>>,
        traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let _ = traceback;
        self.stop(py)?;
        let error = match error.cast::<PyType>() {
            // The old form: `throw(type[, value])`.
            Ok(kind) => match value.filter(|v| !v.is_none()) {
                Some(value) if value.is_instance(kind)? => value.clone(),
                Some(value) => kind.call1((value,))?,
                None => kind.call0()?,
            },
            Err(_) => error.clone(),
        };
        Err(PyErr::from_value(error))
    }

    /// Closes the coroutine: the runtime task is aborted.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        self.stop(py)
    }
}
