//! Core errors as JavaScript `JtlError`s.
//!
//! The one place where a [`jtl_connect::Error`] becomes JavaScript: its stable `code` plus the
//! fields that apply (`status`, `errorCode`, `validationErrors`, `retryAfter` in seconds,
//! `reason`; `errors` and `data` for `graphql`). The class itself is JavaScript (`lib/errors.js`), registered once at load time
//! through [`set_error_class`], so a rejection is `instanceof JtlError` whether it comes from a
//! constructor, a synchronous call or a Promise.

use jtl_connect::{options::Case, Error as CoreError};
use napi::{
    bindgen_prelude::{FnArgs, Function, FunctionRef, Object, Unknown},
    Env, JsValue, Status,
};
use napi_derive::napi;
use serde_json::{Map, Value};

/// The arguments of the `JtlError` constructor: `(message, {code, status, ...})`.
type ErrorArgs = FnArgs<(String, Value)>;

/// The registered `JtlError` class of one Node environment (main thread or worker).
struct ErrorClass(FunctionRef<ErrorArgs, Unknown<'static>>);

/// Registers the class the addon constructs for every error: `new Class(message, fields)`.
/// Called once by `lib/errors.js`; not part of the public API.
#[napi(js_name = "__setErrorClass", skip_typescript)]
pub fn set_error_class(
    env: &Env,
    class: Function<ErrorArgs, Unknown<'static>>,
) -> napi::Result<()> {
    env.set_instance_data(ErrorClass(class.create_ref()?), (), |_| {})
}

/// The fields of a core error beyond its message, as the JavaScript error carries them.
fn fields(error: &CoreError) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("code".into(), error.code().into());
    if let Some(detail) = error.detail() {
        fields.insert("status".into(), detail.status.into());
        if let Some(code) = &detail.error_code {
            fields.insert("errorCode".into(), code.clone().into());
        }
        let validation: Map<String, Value> = detail
            .validation_errors
            .iter()
            .map(|(field, message)| (field.clone(), Value::from(message.clone())))
            .collect();
        fields.insert("validationErrors".into(), Value::Object(validation));
    }
    if let Some(wait) = error.retry_after() {
        fields.insert("retryAfter".into(), wait.as_secs_f64().into());
    }
    if let Some(reason) = error.reason() {
        fields.insert("reason".into(), reason.as_str().into());
    }
    if error.code() == "graphql" {
        let errors = serde_json::to_value(error.graphql_errors()).unwrap_or_default();
        fields.insert("errors".into(), errors);
        fields.insert(
            "data".into(),
            error.graphql_data().cloned().unwrap_or_default(),
        );
    }
    fields
}

/// A core error as a `JtlError`, ready to be thrown or to reject a Promise. The core's
/// messages name parameters in snake_case; `in_case` spells them as Node does (`clientId`).
pub(crate) fn to_js(env: &Env, error: &CoreError) -> napi::Error {
    let message = error.clone().in_case(Case::Camel).to_string();
    build(env, message, fields(error))
}

/// A `JtlError` with `code` (one of the core's codes) that did not come from the core, e.g.
/// an emulator call after `stop()`.
pub(crate) fn with_code(env: &Env, code: &str, message: impl Into<String>) -> napi::Error {
    let mut fields = Map::new();
    fields.insert("code".into(), code.into());
    build(env, message.into(), fields)
}

fn build(env: &Env, message: String, fields: Map<String, Value>) -> napi::Error {
    match construct(env, message.clone(), fields) {
        Ok(error) => napi::Error::from(error),
        // Constructing failed (e.g. the environment is shutting down): a plain error still
        // carries the message.
        Err(_) => napi::Error::new(Status::GenericFailure, message),
    }
}

fn construct(env: &Env, message: String, fields: Map<String, Value>) -> napi::Result<Unknown<'_>> {
    if let Some(class) = env.get_instance_data::<ErrorClass>()? {
        let class = class.0.borrow_back(env)?;
        return class.new_instance(FnArgs::from((message, Value::Object(fields))));
    }
    // Loaded without the JavaScript layer: a plain Error with the same fields.
    let mut error: Object = env.create_error(napi::Error::new(Status::GenericFailure, message))?;
    for (name, value) in fields {
        error.set(name, value)?;
    }
    Ok(error.to_unknown())
}

/// `Err(JtlError)` for a failed synchronous core call.
pub(crate) fn check<T>(env: &Env, result: jtl_connect::Result<T>) -> napi::Result<T> {
    result.map_err(|error| to_js(env, &error))
}
