//! Core [`jtl_connect::Error`]s as Python exceptions.
//!
//! The exception classes live in `jtl_connect/errors.py` (so that `InvalidInputError` can
//! subclass `ValueError` and `TimeoutError` the builtin `TimeoutError`); this module picks
//! the class for an error's stable `code` and fills in `status`, `error_code`,
//! `validation_errors`, `retry_after`, `reason`, and for `graphql` the `errors` and `data`.

use pyo3::{prelude::*, sync::PyOnceLock, types::PyDict};

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The exception class (in `jtl_connect.errors`) for a core error code.
fn class_name(code: &str) -> &'static str {
    match code {
        "invalid_input" => "InvalidInputError",
        "config" => "ConfigError",
        "invalid_credentials" | "unauthorized" => "AuthenticationError",
        "forbidden" => "ForbiddenError",
        "not_found" => "NotFoundError",
        "conflict" => "ConflictError",
        "rate_limited" => "RateLimitError",
        "api" => "ApiError",
        "network" => "NetworkError",
        "timeout" => "TimeoutError",
        "token_invalid" => "TokenVerificationError",
        "store" => "StoreError",
        "registration_rejected" => "RegistrationRejectedError",
        "graphql" => "GraphQLError",
        "sign_in_required" => "SignInRequiredError",
        "state_mismatch" => "StateMismatchError",
        _ => "JtlError",
    }
}

/// The Python exception for a core error.
pub(crate) fn to_py(py: Python<'_>, error: &jtl_connect::Error) -> PyErr {
    build(py, error.code(), &error.to_string(), |kwargs| {
        if let Some(detail) = error.detail() {
            kwargs.set_item("status", detail.status)?;
            kwargs.set_item("error_code", detail.error_code.as_deref())?;
            kwargs.set_item("validation_errors", &detail.validation_errors)?;
        }
        if let Some(wait) = error.retry_after() {
            kwargs.set_item("retry_after", wait.as_secs_f64())?;
        }
        if let Some(reason) = error.reason() {
            kwargs.set_item("reason", reason.as_str())?;
        }
        if error.code() == "graphql" {
            let errors = serde_json::to_value(error.graphql_errors()).unwrap_or_default();
            kwargs.set_item("errors", crate::convert::to_python(py, &errors)?)?;
            let data = error.graphql_data().cloned().unwrap_or_default();
            kwargs.set_item("data", crate::convert::to_python(py, &data)?)?;
        }
        Ok(())
    })
    .unwrap_or_else(|failed| failed)
}

/// The Python exception for a core error, attaching to the interpreter to build it (for
/// code that runs detached, e.g. inside an `async fn` method).
pub(crate) fn to_py_attached(error: &jtl_connect::Error) -> PyErr {
    Python::attach(|py| to_py(py, error))
}

/// An `InvalidInputError` (a `ValueError`) for an argument that cannot be converted.
pub(crate) fn invalid_input(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py(
        py,
        &jtl_connect::Error::InvalidInput {
            message: message.into(),
        },
    )
}

/// `cls(message, code=code, **details)`; `Err` carries the error of building it instead.
fn build(
    py: Python<'_>,
    code: &str,
    message: &str,
    details: impl FnOnce(&Bound<'_, PyDict>) -> PyResult<()>,
) -> Result<PyErr, PyErr> {
    let module =
        ERRORS.get_or_try_init(py, || py.import("jtl_connect.errors").map(Bound::unbind))?;
    let class = module.bind(py).getattr(class_name(code))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", code)?;
    details(&kwargs)?;
    let instance = class.call((message,), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}
