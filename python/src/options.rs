//! Option schemas are the core's ([`jtl_connect::options`]): this module hands it the
//! keyword arguments as JSON and exports the schemas and error tables to Python.

use jtl_connect::{
    options::{self, Case},
    HttpOptions,
};
use pyo3::{prelude::*, types::PyDict};
use serde_json::{json, Map, Value};

use crate::{
    convert::{self, Json},
    errors,
};

/// The `User-Agent` product token of this package.
const PRODUCT: &str = concat!("jtl-connect-python/", env!("CARGO_PKG_VERSION"));

/// `HttpOptions` from the keyword arguments that were given (seconds).
pub(crate) fn http_options(
    py: Python<'_>,
    timeout: Option<f64>,
    deadline: Option<f64>,
    max_retries: Option<u32>,
) -> PyResult<HttpOptions> {
    let given = json!({"timeout": timeout, "deadline": deadline, "max_retries": max_retries});
    options::http_options(given, Case::Snake, PRODUCT).map_err(|e| errors::to_py(py, &e))
}

/// Keyword arguments (`None` values left out: they mean the default) as a JSON object.
pub(crate) fn kwargs(kwargs: Option<&Bound<'_, PyDict>>, what: &str) -> PyResult<Value> {
    let Some(kwargs) = kwargs else {
        return Ok(Value::Object(Map::new()));
    };
    let mut map = Map::new();
    for (name, value) in kwargs.iter() {
        if !value.is_none() {
            map.insert(name.extract()?, convert::from_python(&value, what)?);
        }
    }
    Ok(Value::Object(map))
}

/// Every option schema of jtl-connect, names in snake_case:
/// `{"http": [{"name": "timeout", "type": "seconds", "default": 30.0}, ...], ...}`.
#[pyfunction]
pub(crate) fn option_schemas() -> Json {
    Json(options::schemas(Case::Snake))
}

/// The error codes (`code -> [meaning, fields]`) and token-invalid reasons of the core.
#[pyfunction]
pub(crate) fn error_tables() -> Json {
    Json(jtl_connect::codes::tables(Case::Snake))
}
