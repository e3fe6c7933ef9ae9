//! Conversions between Python objects and the core's plain types: JSON values, query
//! parameters, headers, durations in seconds, Unix times.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pyo3::{
    exceptions::PyTypeError,
    prelude::*,
    types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple},
    IntoPyObjectExt,
};
use serde_json::{Map, Number, Value};

use crate::errors;

/// Nesting deeper than this is refused (and a list that contains itself cannot recurse forever).
const MAX_DEPTH: usize = 128;

/// A JSON value that becomes the matching Python object (`dict`, `list`, `str`, `int`,
/// `float`, `bool`, `None`).
pub(crate) struct Json(pub(crate) Value);

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        to_python(py, &self.0)
    }
}

/// A JSON object as a Python `dict`.
pub(crate) fn object_to_python<'py>(
    py: Python<'py>,
    map: &Map<String, Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, to_python(py, value)?)?;
    }
    Ok(dict)
}

/// A JSON value as a Python object.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py),
            (None, Some(u)) => u.into_bound_py_any(py),
            _ => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py),
        },
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            Ok(list.into_any())
        }
        Value::Object(map) => Ok(object_to_python(py, map)?.into_any()),
    }
}

/// A Python object (`dict` with `str` keys, `list`, `tuple`, `str`, `int`, `float`, `bool`,
/// `None`) as a JSON value; `what` names the argument in errors.
pub(crate) fn from_python(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    from_python_at(value, what, 0)
}

fn from_python_at(value: &Bound<'_, PyAny>, what: &str, depth: usize) -> PyResult<Value> {
    let py = value.py();
    if depth > MAX_DEPTH {
        return Err(errors::invalid_input(
            py,
            format!("{what}: expected at most {MAX_DEPTH} levels of nesting; found more"),
        ));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(i.into());
        }
        if let Ok(u) = value.extract::<u64>() {
            return Ok(u.into());
        }
        return Err(errors::invalid_input(
            py,
            format!("{what}: integers must fit in 64 bits to be sent as JSON"),
        ));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| {
                errors::invalid_input(
                    py,
                    format!("{what}: NaN and infinity cannot be sent as JSON"),
                )
            });
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Value::String(value.extract()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            if !key.is_instance_of::<PyString>() {
                return Err(PyTypeError::new_err(format!(
                    "{what}: JSON object keys must be str; found {}",
                    type_name(&key)
                )));
            }
            map.insert(key.extract()?, from_python_at(&item, what, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in value.try_iter()? {
            items.push(from_python_at(&item?, what, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{what}: expected JSON data (dict, list, tuple, str, int, float, bool or None); found {}",
        type_name(value)
    )))
}

/// The name of a value's type, for error messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// Query parameters from a mapping or a sequence of pairs. Values may be `str`, `int`,
/// `float`, `bool` (sent as `true`/`false`), a list or tuple of those (the parameter is
/// repeated), or `None` (left out).
pub(crate) fn params(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    let pairs = if value.hasattr("items")? {
        value.call_method0("items")?
    } else {
        value.clone()
    };
    let mut out = Vec::new();
    for pair in pairs.try_iter()? {
        let (name, item): (String, Bound<'_, PyAny>) = pair?.extract().map_err(|_| {
            PyTypeError::new_err("params: expected a mapping or a sequence of (name, value) pairs")
        })?;
        if item.is_instance_of::<PyList>() || item.is_instance_of::<PyTuple>() {
            for element in item.try_iter()? {
                push_param(&mut out, &name, &element?)?;
            }
        } else {
            push_param(&mut out, &name, &item)?;
        }
    }
    Ok(out)
}

fn push_param(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let text = if value.is_none() {
        return Ok(());
    } else if let Ok(b) = value.cast::<PyBool>() {
        if b.is_true() { "true" } else { "false" }.to_owned()
    } else if value.is_instance_of::<PyString>() {
        value.extract()?
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        value.str()?.extract()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "params: the value of {name:?} must be str, int, float, bool or a list of those; found {}",
            type_name(value)
        )));
    };
    out.push((name.to_owned(), text));
    Ok(())
}

/// Header names and values from a mapping of `str` to `str` (or a sequence of pairs).
pub(crate) fn headers(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    let pairs = if value.hasattr("items")? {
        value.call_method0("items")?
    } else {
        value.clone()
    };
    let mut out = Vec::new();
    for pair in pairs.try_iter()? {
        let pair: (String, String) = pair?.extract().map_err(|_| {
            PyTypeError::new_err(
                "headers: expected a mapping of str to str (or (name, value) pairs)",
            )
        })?;
        out.push(pair);
    }
    Ok(out)
}

/// Seconds (`int` or `float`, finite, not negative) as a [`Duration`].
pub(crate) fn seconds(py: Python<'_>, what: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        errors::invalid_input(
            py,
            format!("{what}: expected a number of seconds, 0 or more; found {value}"),
        )
    })
}

/// Optional seconds as an optional [`Duration`].
pub(crate) fn optional_seconds(
    py: Python<'_>,
    what: &str,
    value: Option<f64>,
) -> PyResult<Option<Duration>> {
    value.map(|v| seconds(py, what, v)).transpose()
}

/// A [`SystemTime`] as Unix seconds (`time.time()` scale).
pub(crate) fn unix_seconds(time: SystemTime) -> f64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs_f64(),
        Err(before) => -before.duration().as_secs_f64(),
    }
}

/// A string as Python's `repr()` shows it (single quotes), for `__repr__` methods.
pub(crate) fn repr_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// An optional string as Python's `repr()` shows it (`None` or `'...'`).
pub(crate) fn repr_opt(value: Option<&str>) -> String {
    value.map_or_else(|| "None".to_owned(), repr_str)
}
