//! Option schemas are the core's ([`jtl_connect::options`]): this module hands it the
//! keyword arguments as JSON and exports the schemas and error tables to Python.

use jtl_connect::{
    options::{self, Case, Options, Schema, HTTP},
    HttpOptions,
};
use pyo3::{prelude::*, types::PyDict};
use serde_json::{Map, Value};

use crate::{
    convert::{self, Json},
    errors,
};

/// The `User-Agent` product token of this package.
const PRODUCT: &str = concat!("jtl-connect-python/", env!("CARGO_PKG_VERSION"));

/// The keyword options of a constructor or function, checked by the core: `schema`'s own
/// (those Python does not take as named parameters) and the HTTP options, which Python takes
/// flat beside them (`CloudClient(..., timeout=5, accept_language="de")`).
pub(crate) struct Given {
    /// `schema`'s options that were given.
    pub(crate) own: Options,
    /// The HTTP options (defaults for those not given).
    pub(crate) http: HttpOptions,
}

/// Checks `kwargs` against `schema` and, for the names `schema` does not have, the HTTP
/// options: an unknown name is `invalid_input` naming it with a "did you mean", a value of
/// the wrong type `invalid_input` naming the option. `None` values mean the default.
pub(crate) fn flat(
    py: Python<'_>,
    kwargs: Option<&Bound<'_, PyDict>>,
    schema: &Schema,
) -> PyResult<Given> {
    let fail = |e: jtl_connect::Error| errors::to_py(py, &e);
    let given = kwargs_map(kwargs, schema.name)?;
    let own_names = schema
        .options
        .iter()
        .map(|o| o.name)
        .filter(|n| *n != "http");
    let known: Vec<&str> = own_names
        .clone()
        .chain(HTTP.options.iter().map(|o| o.name))
        .collect();
    let (mut own, mut http) = (Map::new(), Map::new());
    for (name, value) in given {
        if own_names.clone().any(|n| n == name) {
            own.insert(name, value);
        } else if known.contains(&name.as_str()) {
            http.insert(name, value);
        } else {
            return Err(unknown(py, schema.name, &name, &known));
        }
    }
    Ok(Given {
        own: schema
            .parse(Value::Object(own), Case::Snake)
            .map_err(fail)?,
        http: options::http_options(Value::Object(http), Case::Snake, PRODUCT).map_err(fail)?,
    })
}

/// `HttpOptions` from keyword arguments that are all HTTP options (core's `http` schema),
/// for a constructor without a core schema of its own; `beside` are its named parameters,
/// offered in the "did you mean" of an unknown name.
pub(crate) fn http_beside(
    py: Python<'_>,
    kwargs: Option<&Bound<'_, PyDict>>,
    what: &str,
    beside: &[&str],
) -> PyResult<HttpOptions> {
    let given = kwargs_map(kwargs, what)?;
    let known: Vec<&str> = HTTP
        .options
        .iter()
        .map(|o| o.name)
        .chain(beside.iter().copied())
        .collect();
    if let Some(name) = given
        .keys()
        .find(|n| !HTTP.options.iter().any(|o| o.name == n.as_str()))
    {
        return Err(unknown(py, what, name, &known));
    }
    options::http_options(Value::Object(given), Case::Snake, PRODUCT)
        .map_err(|e| errors::to_py(py, &e))
}

/// The keyword arguments a request method did not name (`**unknown`): any is `invalid_input`
/// naming it with a "did you mean" from `schema` (the core's `request` or `pagination`), so
/// `get("info", time_out=5)` fails like an unknown option in every other language instead of
/// raising Python's `TypeError`.
pub(crate) fn refuse_unknown(extra: Option<&Bound<'_, PyDict>>, schema: &Schema) -> PyResult<()> {
    let Some(extra) = extra else {
        return Ok(());
    };
    let Some((name, _)) = extra.iter().next() else {
        return Ok(());
    };
    let name: String = name.extract()?;
    let known: Vec<&str> = schema.options.iter().map(|o| o.name).collect();
    if known.contains(&name.as_str()) {
        return Err(errors::invalid_input(
            extra.py(),
            format!("{}: this method takes no {name:?} option", schema.name),
        ));
    }
    Err(unknown(extra.py(), schema.name, &name, &known))
}

/// `invalid_input` for an unknown option `name` of `what`, as the core words it.
fn unknown(py: Python<'_>, what: &str, name: &str, known: &[&str]) -> PyErr {
    let hint = options::did_you_mean(name, known.iter().copied())
        .map(|n| format!("did you mean {n:?}? "))
        .unwrap_or_default();
    errors::invalid_input(
        py,
        format!(
            "{what}: unknown option {name:?}; {hint}expected one of {}",
            known.join(", ")
        ),
    )
}

/// Keyword arguments (`None` values left out: they mean the default) as a JSON object.
pub(crate) fn kwargs(kwargs: Option<&Bound<'_, PyDict>>, what: &str) -> PyResult<Value> {
    kwargs_map(kwargs, what).map(Value::Object)
}

fn kwargs_map(kwargs: Option<&Bound<'_, PyDict>>, what: &str) -> PyResult<Map<String, Value>> {
    let mut map = Map::new();
    for (name, value) in kwargs.into_iter().flat_map(|k| k.iter()) {
        if !value.is_none() {
            map.insert(name.extract()?, convert::from_python(&value, what)?);
        }
    }
    Ok(map)
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
