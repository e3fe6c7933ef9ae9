//! `util.inspect` (and so `console.log`) of the native classes: `ClassName <what toJSON()
//! shows>`, which never includes a secret (a string from `toJSON()` or, without one,
//! `toString()` is shown as it is). Without it Node prints an empty `ClassName {}`. The method
//! sits on each class under `Symbol.for('nodejs.util.inspect.custom')`, the key
//! `util.inspect.custom` stands for.

use napi::{
    bindgen_prelude::{FnArgs, Function, Object, This, Unknown},
    Env, JsValue, ValueType,
};
use napi_derive::napi;

use crate::{
    cloud::CloudClient,
    emulator::Emulator,
    endpoints::Endpoints,
    paginator::Paginator,
    response::Response,
    scx::ScxClient,
    secret::Secret,
    session::SessionVerifier,
    store::AccountStore,
    token::AccessToken,
    user_auth::{AuthorizationCodeClient, SignIn, UserGrant},
    wawi::{Cancellation, WawiClient, WawiPendingRegistration, WawiRegistration},
};

/// The `inspect` function Node hands to a custom inspection: `inspect(value, options)`.
type Inspect<'env> = Function<'env, FnArgs<(Unknown<'env>, Object<'env>)>, String>;

/// What `util.inspect` shows of `this`, an instance of the class `name`.
fn show<'env>(
    env: &'env Env,
    this: This<'env>,
    name: &str,
    depth: f64,
    options: Object<'env>,
    inspect: Inspect<'env>,
) -> napi::Result<String> {
    let object = this.object;
    let method = |key: &str| object.get::<Function<'env, (), Unknown<'env>>>(key);
    let shown = match method("toJSON")? {
        Some(to_json) => Some(to_json.apply(object, ())?),
        None => None,
    };
    let shown = match shown {
        Some(shown) if shown.get_type()? == ValueType::String => return text(shown),
        Some(shown) if shown.get_type()? != ValueType::Undefined => shown,
        _ => {
            return match method("toString")? {
                Some(to_string) => text(to_string.apply(object, ())?),
                None => Ok(name.to_owned()),
            }
        }
    };
    if depth < 0.0 {
        return Ok(format!("[{name}]"));
    }
    // The same options one level deeper (`depth: null` means no limit).
    let mut nested = Object::new(env)?;
    for key in Object::keys(&options)? {
        nested.set(&key, options.get::<Unknown>(&key)?)?;
    }
    if let Some(limit) = options.get::<f64>("depth").ok().flatten() {
        nested.set("depth", limit - 1.0)?;
    }
    let text = inspect.call(FnArgs::from((shown, nested)))?;
    Ok(format!("{name} {text}"))
}

/// A JavaScript value as text.
fn text(value: Unknown<'_>) -> napi::Result<String> {
    value.coerce_to_string()?.into_utf8()?.into_owned()
}

/// Gives each listed class its `[util.inspect.custom]` method.
macro_rules! inspect_as_json {
    ($($class:ident),* $(,)?) => {$(
        #[napi]
        impl $class {
            /// `util.inspect` of it: what `toJSON()` shows, never a secret.
            #[napi(symbol_for = "nodejs.util.inspect.custom")]
            pub fn inspect_custom<'env>(
                &self,
                env: &'env Env,
                this: This<'env>,
                depth: f64,
                options: Object<'env>,
                inspect: Inspect<'env>,
            ) -> napi::Result<String> {
                show(env, this, stringify!($class), depth, options, inspect)
            }
        }
    )*};
}

inspect_as_json!(
    AccountStore,
    AccessToken,
    AuthorizationCodeClient,
    Cancellation,
    CloudClient,
    Emulator,
    Endpoints,
    Paginator,
    Response,
    ScxClient,
    Secret,
    SessionVerifier,
    SignIn,
    UserGrant,
    WawiClient,
    WawiPendingRegistration,
    WawiRegistration,
);
