//! Option objects: the names, types, defaults and checks are core's
//! ([`jtl_connect::options`]); this module hands it JavaScript objects (camelCase) and
//! exports the schemas and error tables for the tests that compare languages.

use jtl_connect::options::{self, Case, Schema};
use napi::{
    bindgen_prelude::{
        ClassInstance, Either, FromNapiValue, Object, TypeName, Unknown, ValidateNapiValue,
    },
    Env, JsValue, ValueType,
};
use napi_derive::napi;
use serde_json::Value;

use crate::{
    endpoints::Endpoints,
    errors::{check, with_code},
};

/// The `User-Agent` product token of this package.
const PRODUCT: &str = concat!("jtl-connect-node/", env!("CARGO_PKG_VERSION"));

/// The core's HTTP options from `http` (`{ timeout, deadline, maxRetries, maxRetryAfter,
/// userAgent }`, seconds).
pub(crate) fn http(value: Option<Value>) -> jtl_connect::Result<jtl_connect::HttpOptions> {
    options::http_options(value.unwrap_or(Value::Null), Case::Camel, PRODUCT)
}

/// The durations (seconds) among a call's options, checked by core's `schema` (type, sign,
/// the message naming the option): `[("timeout", Some(2.5))]` → [`options::Options`].
pub(crate) fn durations(
    schema: Schema,
    given: &[(&str, Option<f64>)],
) -> jtl_connect::Result<options::Options> {
    let values = given.iter().filter_map(|(name, secs)| {
        let secs = (*secs)?;
        // NaN and infinities have no JSON number: core refuses the text with the option's name.
        let value = serde_json::Number::from_f64(secs)
            .map_or(Value::String(secs.to_string()), Value::Number);
        Some((options::camel_case(name), value))
    });
    schema.parse(Value::Object(values.collect()), Case::Camel)
}

/// A constructor's option object whose names were checked against `schema`.
pub(crate) struct Given<'a, 'env> {
    env: &'a Env,
    object: &'a Object<'env>,
    schema: Schema,
}

impl<'a, 'env> Given<'a, 'env> {
    /// Refuses names `schema` does not know (`invalid_input` with a "did you mean").
    pub(crate) fn check(
        env: &'a Env,
        object: &'a Object<'env>,
        schema: Schema,
    ) -> napi::Result<Self> {
        let keys = Object::keys(object)?;
        check(
            env,
            schema.check_names(keys.iter().map(String::as_str), Case::Camel),
        )?;
        Ok(Self {
            env,
            object,
            schema,
        })
    }

    /// The value of option `name` (snake_case), or `None` when absent or `null`.
    pub(crate) fn get<T: FromNapiValue>(&self, name: &str) -> napi::Result<Option<T>> {
        let spelled = options::camel_case(name);
        // The type first (cheap): absent and `null` mean the default.
        match self.object.get::<Unknown>(&spelled) {
            Ok(None) => return Ok(None),
            Ok(Some(value))
                if matches!(value.get_type(), Ok(ValueType::Null | ValueType::Undefined)) =>
            {
                return Ok(None)
            }
            _ => {}
        }
        self.object.get::<T>(&spelled).map_err(|e| {
            let schema = options::camel_case(self.schema.name);
            let message = format!("{schema}.{spelled}: {}", e.reason);
            with_code(self.env, "invalid_input", message)
        })
    }

    /// The `endpoints` option: an `Endpoints` object or a name/URL.
    pub(crate) fn endpoints(&self) -> napi::Result<jtl_connect::Endpoints> {
        // One conversion that tries both (a failed `String` conversion would build a JtlError
        // for nothing, which costs more than the rest of a constructor).
        Ok(
            match self.get::<Either<String, ClassInstance<Endpoints>>>("endpoints")? {
                Some(Either::A(name)) => {
                    crate::endpoints::resolve(self.env, Some(Either::A(name)))?
                }
                Some(Either::B(endpoints)) => endpoints.inner.clone(),
                None => jtl_connect::Endpoints::production(),
            },
        )
    }

    /// The option `name` as JSON (nested option objects such as `http`).
    pub(crate) fn json(&self, name: &str) -> napi::Result<Option<Value>> {
        self.get::<Value>(name)
    }
}

/// Every option schema of jtl-connect, names in camelCase:
/// `{ http: [{ name: 'timeout', type: 'seconds', default: 30 }, ...], sessionVerifier: ... }`.
#[napi(ts_return_type = "Record<string, Array<{ name: string; type: string; default: any }>>")]
pub fn option_schemas() -> Value {
    options::schemas(Case::Camel)
}

/// The error codes (`code → [meaning, fields]`) and token-invalid reasons, from the core.
#[napi(
    ts_return_type = "{ errorCodes: Record<string, [string, string[]]>; tokenInvalidReasons: string[] }"
)]
pub fn error_tables() -> Value {
    jtl_connect::codes::tables(Case::Camel)
}

/// A `#[napi(object)]` options struct and the core schema of the names it takes.
pub trait Named {
    /// The core's schema of these options.
    const SCHEMA: Schema;
    /// Names of this binding's own beside the schema's (e.g. an `AbortSignal`), camelCase.
    const EXTRA: &'static [&'static str] = &[];
}

/// An options object `T` whose names were checked against `T::SCHEMA`: an unknown name is a
/// `JtlError` `invalid_input` naming it, with core's "did you mean" (a `#[napi(object)]`
/// struct alone ignores names it lacks, so a typo would silently do nothing).
pub struct Checked<T>(pub T);

impl<T: Named + FromNapiValue> Checked<T> {
    /// `object` checked and converted.
    #[allow(unsafe_code)]
    pub(crate) fn from_object(env: &Env, object: &Object<'_>) -> napi::Result<T> {
        // SAFETY: the object's own env and value, valid for this call.
        unsafe { Self::from_napi_value(env.raw(), object.raw()) }.map(|checked| checked.0)
    }
}

#[allow(unsafe_code)] // napi-rs's conversion trait; it only forwards to T's and Object's
impl<T: Named + FromNapiValue> FromNapiValue for Checked<T> {
    unsafe fn from_napi_value(
        raw_env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        // Converting first: a value of the wrong type keeps napi's message naming the field.
        let converted = unsafe { T::from_napi_value(raw_env, value) }?;
        let env = Env::from_raw(raw_env);
        let object = unsafe { Object::from_napi_value(raw_env, value) }?;
        let keys = Object::keys(&object)?;
        let names = keys.iter().map(String::as_str);
        check(
            &env,
            T::SCHEMA.check_names(names.filter(|n| !T::EXTRA.contains(n)), Case::Camel),
        )?;
        Ok(Self(converted))
    }
}

impl<T: TypeName> TypeName for Checked<T> {
    fn type_name() -> &'static str {
        T::type_name()
    }

    fn value_type() -> napi::ValueType {
        T::value_type()
    }
}

#[allow(unsafe_code)] // napi-rs's validation trait; it forwards to T's
impl<T: ValidateNapiValue> ValidateNapiValue for Checked<T> {
    unsafe fn validate(
        env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<napi::sys::napi_value> {
        unsafe { T::validate(env, value) }
    }
}
