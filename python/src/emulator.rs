//! [`EmulatorHandle`]: the emulator of JTL's servers for tests, run as a child process (the
//! `jtl-emulator` binary, found through `JTL_EMULATOR_BIN` or `PATH`) by
//! [`jtl_connect::testing::EmulatorProcess`], so the wheel does not carry the emulator. It
//! serves until `close()` and dies with this process. Every admin operation goes to the
//! emulator's `control`, which parses the arguments; `jtl_connect.testing.Emulator` names
//! the methods on top of `control`.

use std::sync::{Arc, Mutex, PoisonError};

use jtl_connect::{options::Case, testing::EmulatorProcess};
use pyo3::{prelude::*, types::PyDict};
use serde_json::Value;

use crate::{
    convert::{self, Json},
    errors,
};

/// A running emulator: `control(op, args)` runs one admin operation. Use
/// `jtl_connect.testing.Emulator`, which wraps it.
#[pyclass(module = "jtl_connect._native", frozen)]
pub(crate) struct EmulatorHandle {
    inner: Mutex<Option<Arc<EmulatorProcess>>>,
    demo: Value,
}

#[pymethods]
impl EmulatorHandle {
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let options = match options {
            Some(o) => convert::from_python(o.as_any(), "options")?,
            None => Value::Null,
        };
        let emulator = py
            .detach(|| jtl_connect::blocking::run(EmulatorProcess::start(options)))
            .and_then(|started| started)
            .map_err(|e| errors::to_py(py, &e))?;
        Ok(Self {
            demo: emulator.demo().clone(),
            inner: Mutex::new(Some(Arc::new(emulator))),
        })
    }

    /// The demo credentials and URLs (`url`, `client_id`, `tenant_id`, ...).
    #[getter]
    fn demo(&self) -> Json {
        Json(self.demo.clone())
    }

    /// Runs the admin operation `op` with the arguments in `args`; answers its JSON.
    #[pyo3(signature = (op, args=None))]
    fn control(&self, py: Python<'_>, op: &str, args: Option<&Bound<'_, PyAny>>) -> PyResult<Json> {
        let args = match args {
            Some(a) => convert::from_python(a, op)?,
            None => Value::Null,
        };
        let emulator = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| {
                errors::to_py(
                    py,
                    &jtl_connect::Error::Config {
                        message: "the emulator is closed".into(),
                    },
                )
            })?;
        py.detach(|| jtl_connect::blocking::run(emulator.control(op, args, Case::Snake)))
            .and_then(|answer| answer)
            .map(Json)
            .map_err(|e| errors::to_py(py, &e))
    }

    /// Stops serving (kills the child and waits until it has exited, so the port is closed).
    /// Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(emulator) = taken {
            py.detach(|| jtl_connect::blocking::run(emulator.shutdown()))
                .and_then(|stopped| stopped)
                .map_err(|e| errors::to_py(py, &e))?;
        }
        Ok(())
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_none()
    }
}
