//! [`EmulatorHandle`]: the emulator of JTL's servers in-process, for tests. It serves on the
//! core's shared runtime, so it keeps answering while Python code runs, until `close()`.
//! Every admin operation goes through [`jtl_emulator::Emulator::control`], which parses the
//! arguments; `jtl_connect.testing.Emulator` names the methods on top of `control`.

use std::sync::{Mutex, PoisonError};

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
    inner: Mutex<Option<jtl_emulator::Emulator>>,
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
        let started =
            py.detach(|| jtl_connect::blocking::run(jtl_emulator::Emulator::start_from(options)));
        let emulator = match started {
            Ok(Ok(emulator)) => emulator,
            Ok(Err(error)) => return Err(errors::emulator_error(py, &error)),
            Err(error) => return Err(errors::to_py(py, &error)),
        };
        Ok(Self {
            demo: emulator.demo(),
            inner: Mutex::new(Some(emulator)),
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
        let result = py.detach(|| {
            let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            guard
                .as_ref()
                .map(|emu| emu.control(op, args, jtl_emulator::Case::Snake))
        });
        match result {
            Some(Ok(value)) => Ok(Json(value)),
            Some(Err(error)) => Err(errors::emulator_error(py, &error)),
            None => Err(errors::to_py(
                py,
                &jtl_connect::Error::Config {
                    message: "the emulator is closed".into(),
                },
            )),
        }
    }

    /// Stops serving (waits until the port is closed). Idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let taken = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(emulator) = taken {
            py.detach(|| jtl_connect::blocking::run(emulator.shutdown()))
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
