//! [`start_emulator`]: the emulator of JTL's servers for users' own tests, run as a child
//! process (the `jtl-emulator` binary, found through `JTL_EMULATOR_BIN` or `PATH`) by
//! [`jtl_connect::testing::EmulatorProcess`], so the addon does not carry the emulator. Every
//! admin method forwards its argument to the emulator's `control`, which parses it
//! (camelCase or snake_case keys) and answers in camelCase; the option types are declared in
//! `lib/testing.d.ts`. The admin methods stay synchronous (a loopback round trip of well
//! under a millisecond), as they were when the emulator ran in-process.

use std::sync::{Arc, Mutex, PoisonError};

use jtl_connect::{options::Case, testing::EmulatorProcess};
use napi::{bindgen_prelude::PromiseRaw, Env};
use napi_derive::napi;
use serde_json::{json, Value};

use crate::{
    endpoints::Endpoints,
    errors::{check, with_code},
    runtime::spawn,
};

/// An emulator of JTL's servers in a child process of this one, on a loopback port: for
/// your own tests. It serves until `stop()` (or until this process exits).
#[napi]
pub struct Emulator {
    inner: Mutex<Option<Arc<EmulatorProcess>>>,
    url: String,
    /// The demo values with snake_case keys, and with camelCase keys (`demoValues`).
    demo: Value,
    demo_camel: Value,
}

impl Emulator {
    /// Runs the admin operation `op` with `args`, or throws `JtlError` `config` after `stop()`.
    fn call(&self, env: &Env, op: &str, args: Value) -> napi::Result<Value> {
        let emulator = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match emulator {
            Some(emulator) => check(
                env,
                jtl_connect::blocking::run(emulator.control(op, args, Case::Camel))
                    .and_then(|answer| answer),
            ),
            None => Err(with_code(env, "config", "the emulator has been stopped")),
        }
    }

    /// A demo value (`clientId`, `tenantId`, ...) by its snake_case name.
    fn demo(&self, name: &str) -> String {
        self.demo[name].as_str().unwrap_or_default().to_owned()
    }
}

/// Declares `#[napi]` methods that forward one argument object to `control`.
macro_rules! forward {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:literal),*) -> $ret:literal;)*) => {
        #[napi]
        impl Emulator {
            $(
                $(#[$doc])*
                #[napi(ts_return_type = $ret)]
                pub fn $name(&self, env: &Env, $(#[napi(ts_arg_type = $ty)] $arg: Option<Value>),*) -> napi::Result<Value> {
                    self.call(env, stringify!($name), forward!(@args $($arg),*))
                }
            )*
        }
    };
    (@args) => { Value::Null };
    (@args $arg:ident) => { $arg.unwrap_or(Value::Null) };
}

forward! {
    /// Mints an App Shell session token, signed like JTL's (`SessionTokenOptions`).
    mint_session_token(options: "import('./lib/testing').SessionTokenOptions") -> "import('./lib/testing').MintedSessionToken";
    /// Mints a JTL app token (RS256), signed like JTL's platform IdP (`AppTokenOptions`).
    mint_app_token(options: "import('./lib/testing').AppTokenOptions") -> "import('./lib/testing').MintedAppToken";
    /// Request counters since start or `reset()`: `stats().token` counts token requests.
    stats() -> "import('./lib/testing').EmulatorStats";
    /// Arms a fault (`FaultOptions`); returns its id.
    inject_fault(fault: "import('./lib/testing').FaultOptions") -> "number";
    /// Disarms every fault.
    clear_faults() -> "void";
    /// The current settings.
    settings() -> "Required<import('./lib/testing').EmulatorSettings>";
    /// Changes settings (send only the ones to change); returns all of them.
    update_settings(settings: "import('./lib/testing').EmulatorSettings") -> "Required<import('./lib/testing').EmulatorSettings>";
    /// Back to the start state (clients, data, faults, counters, settings); keys are kept.
    reset() -> "void";
    /// Registers (or replaces) an OAuth client (`EmulatorClientOptions`).
    register_client(client: "import('./lib/testing').EmulatorClientOptions") -> "void";
    /// Issues a new SCX refresh token.
    issue_scx_refresh_token() -> "string";
    /// Issues a new SCX refresh token of a seller (Seller API).
    issue_scx_seller_refresh_token() -> "string";
    /// The `kid` of the current session key.
    current_kid() -> "string";
    /// The Wawi registration requests, decided ones included.
    wawi_registrations() -> "Array<Record<string, any>>";
    /// SCX events delivered 10 times without an acknowledgement, now dead-lettered.
    scx_dead_letters() -> "Array<Record<string, any>>";
}

#[napi]
impl Emulator {
    /// The base URL, `http://127.0.0.1:<port>` (pass it to `Endpoints.emulator(url)`).
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// `Endpoints.emulator(url)`.
    #[napi]
    pub fn endpoints(&self, env: &Env) -> napi::Result<Endpoints> {
        Endpoints::emulator(env, self.url.clone())
    }

    /// The demo credentials and URLs: `{ url, clientId, clientSecret, tenantId,
    /// secondTenantId, foreignTenantId, wawiApiKey, wawiUrl, scxRefreshToken,
    /// scxSellerRefreshToken, appId, appIssuer, customerId }`.
    #[napi(getter, ts_return_type = "Record<string, string>")]
    pub fn demo_values(&self) -> Value {
        self.demo_camel.clone()
    }

    /// The demo client id (`demo-client-id`).
    #[napi(getter)]
    pub fn client_id(&self) -> String {
        self.demo("client_id")
    }

    /// The demo client secret (`demo-client-secret`).
    #[napi(getter)]
    pub fn client_secret(&self) -> String {
        self.demo("client_secret")
    }

    /// The demo tenant.
    #[napi(getter)]
    pub fn tenant_id(&self) -> String {
        self.demo("tenant_id")
    }

    /// A second tenant the demo client may use.
    #[napi(getter)]
    pub fn second_tenant_id(&self) -> String {
        self.demo("second_tenant_id")
    }

    /// A tenant the demo client may not use (403).
    #[napi(getter)]
    pub fn foreign_tenant_id(&self) -> String {
        self.demo("foreign_tenant_id")
    }

    /// A Wawi API key accepted from the start.
    #[napi(getter)]
    pub fn wawi_api_key(&self) -> String {
        self.demo("wawi_api_key")
    }

    /// The Wawi base, `<url>/api/eazybusiness`.
    #[napi(getter)]
    pub fn wawi_base(&self) -> String {
        self.demo("wawi_url")
    }

    /// An SCX refresh token accepted from the start.
    #[napi(getter)]
    pub fn scx_refresh_token(&self) -> String {
        self.demo("scx_refresh_token")
    }

    /// A seller's SCX refresh token accepted from the start (Seller API: sign-up).
    #[napi(getter)]
    pub fn scx_seller_refresh_token(&self) -> String {
        self.demo("scx_seller_refresh_token")
    }

    /// The app-token issuer (`iss` of minted app tokens; keys at `<issuer>/oauth/v2/keys`).
    #[napi(getter)]
    pub fn app_issuer(&self) -> String {
        self.demo("app_issuer")
    }

    /// The demo app id (`urn:jtl:app_id` and `aud` of minted app tokens by default).
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.demo("app_id")
    }

    /// The customer id minted session tokens carry in their payload `kid`.
    #[napi(getter)]
    pub fn customer_id(&self) -> String {
        self.demo("customer_id")
    }

    /// Rotates the session keys; the old key stays in the JWKS for `graceSecs` (default:
    /// the `keyGraceSecs` setting). Returns `{ current, previous, graceSecs }`.
    #[napi(ts_return_type = "{ current: string; previous: string; graceSecs: number }")]
    pub fn rotate_keys(&self, env: &Env, grace_secs: Option<f64>) -> napi::Result<Value> {
        self.call(env, "rotate_keys", json!({ "grace_secs": grace_secs }))
    }

    /// Queues an SCX event (`type`, e.g. `Seller:Order.Accepted`, and its payload); returns
    /// it as the event list will show it.
    #[napi(ts_return_type = "{ id: string; type: string; createdAt: string; event: any }")]
    pub fn push_scx_event(
        &self,
        env: &Env,
        kind: String,
        #[napi(ts_arg_type = "any")] event: Option<Value>,
    ) -> napi::Result<Value> {
        self.call(
            env,
            "push_scx_event",
            json!({ "type": kind, "event": event }),
        )
    }

    /// Issues a Wawi API key directly, without the registration flow (default scopes
    /// `["all.read"]`).
    #[napi]
    pub fn issue_wawi_api_key(
        &self,
        env: &Env,
        scopes: Option<Vec<String>>,
    ) -> napi::Result<String> {
        let key = self.call(env, "issue_wawi_api_key", json!({ "scopes": scopes }))?;
        Ok(key.as_str().unwrap_or_default().to_owned())
    }

    /// Approves a pending Wawi registration, as the user would in JTL-Wawi (granted scopes
    /// default to all requested).
    #[napi]
    pub fn approve_wawi_registration(
        &self,
        env: &Env,
        id: String,
        granted_scopes: Option<Vec<String>>,
    ) -> napi::Result<()> {
        let args = json!({ "id": id, "granted_scopes": granted_scopes });
        self.call(env, "approve_wawi_registration", args).map(drop)
    }

    /// Rejects a pending Wawi registration.
    #[napi]
    pub fn reject_wawi_registration(&self, env: &Env, id: String) -> napi::Result<()> {
        self.call(env, "reject_wawi_registration", json!({ "id": id }))
            .map(drop)
    }

    /// Stops serving and closes the port. Calling it again does nothing.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn stop<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, ()>> {
        let emulator = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        spawn(
            env,
            async move {
                match emulator {
                    Some(emulator) => emulator.shutdown().await,
                    None => Ok(()),
                }
            },
            |_, ()| Ok(()),
        )
    }

    /// `{ url, clientId, tenantId }` (no secret, though the demo one is public anyway).
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ url: string; clientId: string; tenantId: string }"
    )]
    pub fn to_json(&self) -> Value {
        json!({ "url": self.url, "clientId": self.client_id(), "tenantId": self.tenant_id() })
    }

    /// `Emulator(<url>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("Emulator({})", self.url)
    }
}

/// Starts an emulator of JTL's servers (the `jtl-emulator` binary as a child process, from
/// `JTL_EMULATOR_BIN` or `PATH`) on a free loopback port: the demo client
/// (`clientId`/`clientSecret`/`tenantId`), session tokens, faults and counters for your
/// tests. Stop it with `stop()`; it also ends when this process does.
#[napi]
pub fn start_emulator<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "import('./lib/testing').EmulatorOptions")] options: Option<Value>,
) -> napi::Result<PromiseRaw<'env, Emulator>> {
    let options = options.unwrap_or(Value::Null);
    spawn(env, EmulatorProcess::start(options), |_, emulator| {
        Ok(Emulator {
            url: emulator.url().to_owned(),
            demo: emulator.demo().clone(),
            demo_camel: emulator.demo_in(Case::Camel),
            inner: Mutex::new(Some(Arc::new(emulator))),
        })
    })
}
