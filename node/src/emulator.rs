//! [`start_emulator`]: the in-process emulator of JTL's servers (wraps
//! [`jtl_emulator::Emulator`]) for users' own tests. Admin objects go in and come out in
//! camelCase (snake_case is accepted too).

use std::{
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use jtl_connect::Error as CoreError;
use jtl_emulator::{AppTokenSpec, ClientSpec, Config, Fault, SessionTokenSpec};
use napi::{bindgen_prelude::PromiseRaw, Env};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{
    convert::{camel_keys, invalid, kind, snake_case, snake_keys},
    endpoints::Endpoints,
    errors::{check, with_code},
    runtime::spawn,
};

/// How to start an emulator.
#[napi(object)]
#[derive(Default)]
pub struct EmulatorOptions {
    /// Port to listen on (default 0: a free one).
    pub port: Option<u32>,
    /// Loopback address to listen on (default `127.0.0.1`).
    pub host: Option<String>,
    /// Initial settings, as `updateSettings` takes them.
    #[napi(ts_type = "EmulatorSettings")]
    pub settings: Option<Value>,
}

/// Settings of a running emulator (each one optional in `updateSettings`).
#[napi(object)]
pub struct EmulatorSettings {
    /// Lifetime of Cloud access tokens, in seconds (default 3600).
    pub token_lifetime_secs: Option<f64>,
    /// Lifetime of SCX auth tokens, in seconds (default 3600).
    pub scx_token_lifetime_secs: Option<f64>,
    /// Latency added to every non-admin response, in milliseconds (default 0).
    pub latency_ms: Option<f64>,
    /// ERP requests per client and tenant in one window (default 10000).
    pub rate_limit: Option<f64>,
    /// Length of the rate-limit window, in seconds (default 60).
    pub rate_limit_interval_secs: Option<f64>,
    /// How long a rotated-out session key stays in the JWKS, in seconds (default 600).
    pub key_grace_secs: Option<f64>,
    /// Approve Wawi registrations this many milliseconds after they were requested; `null`
    /// (default) waits for `approveWawiRegistration`.
    pub wawi_auto_approve_ms: Option<f64>,
    /// `iss` of minted session tokens (default `null`: none, as JTL documents them).
    #[napi(ts_type = "string | null")]
    pub session_issuer: Option<String>,
    /// Whether the Wawi installation has an app licence (default true; false: 402).
    pub wawi_licensed: Option<bool>,
    /// Wawi paging: `null` at the ends (the docs) instead of the OAS numbers (default false).
    pub wawi_paging_null_ends: Option<bool>,
    /// Milliseconds before an unacknowledged SCX event is delivered again (default 60000).
    pub scx_redelivery_timeout_ms: Option<f64>,
    /// `scope` of a channel's SCX token: `CHANNEL` (default) or `CHAN`.
    pub scx_channel_scope: Option<String>,
    /// Whether SCX per-route rate limits are enforced (default true).
    pub scx_rate_limits: Option<bool>,
    /// Put the key id in session-token headers (default false: JTL's documented header has
    /// no `kid`).
    pub session_kid_in_header: Option<bool>,
    /// Publish the session keys without `kid` (default false).
    pub jwks_without_kid: Option<bool>,
}

/// What `mintSessionToken` takes; every field is optional.
#[napi(object, object_to_js = false)]
pub struct SessionTokenOptions {
    /// `tenantId` claim (default: the demo tenant).
    pub tenant_id: Option<String>,
    /// `userId` claim (default: a fresh UUID).
    pub user_id: Option<String>,
    /// `tenantSlug` claim (default: none).
    pub tenant_slug: Option<String>,
    /// Lifetime in seconds from now; negative for an already expired token (default 3600).
    pub ttl_seconds: Option<f64>,
    /// `iss`: left out = the configured issuer, `null` = no `iss` claim.
    #[napi(ts_type = "string | null")]
    pub iss: Option<String>,
    /// The payload `kid`: the customer id (default the emulator's `customerId`; `null`: none).
    #[napi(ts_type = "string | null")]
    pub customer_id: Option<String>,
    /// Where the key id goes: `header`, `payload` (replacing the customer id), `both` or
    /// `none`; default per the `sessionKidInHeader` setting (`none`).
    #[napi(ts_type = "'header' | 'payload' | 'both' | 'none'")]
    pub kid: Option<String>,
    /// Which key signs: `current` (default), `previous` or `unpublished`.
    #[napi(ts_type = "'current' | 'previous' | 'unpublished'")]
    pub key: Option<String>,
    /// Extra claims, set last (they can override `exp`, `nbf`, `iat`, ...).
    #[napi(ts_type = "Record<string, any>")]
    pub claims: Option<Map<String, Value>>,
    /// Extra JOSE header fields, set last (e.g. another `alg`).
    #[napi(ts_type = "Record<string, any>")]
    pub header: Option<Map<String, Value>>,
}

/// A minted session token.
#[napi(object)]
pub struct MintedSessionToken {
    /// The compact JWT.
    pub token: String,
    /// The `kid` of the signing key.
    pub kid: String,
    /// `exp` as Unix seconds.
    pub expires_at: f64,
    /// The `userId` claim.
    pub user_id: String,
    /// The `tenantId` claim.
    pub tenant_id: String,
    /// The customer id in the payload `kid`, if any.
    pub customer_id: Option<String>,
}

/// What `mintAppToken` takes; every field is optional.
#[napi(object, object_to_js = false)]
pub struct AppTokenOptions {
    /// `urn:jtl:tenant_id` (default: the demo tenant).
    pub tenant_id: Option<String>,
    /// `sub` (default: a fresh UUID).
    pub user_id: Option<String>,
    /// `urn:jtl:app_id` (default: the emulator's `appId`; `null`: none).
    #[napi(ts_type = "string | null")]
    pub app_id: Option<String>,
    /// `aud` (default `[appId]`).
    pub audience: Option<Vec<String>>,
    /// Lifetime in seconds from now; negative for an already expired token (default 3600).
    pub ttl_seconds: Option<f64>,
    /// `iss`: left out = the emulator's issuer URL, `null` = no `iss`.
    #[napi(ts_type = "string | null")]
    pub iss: Option<String>,
    /// Which key signs: `current` (default), `unpublished` (unknown kid) or `foreign`
    /// (another key under the published kid).
    #[napi(ts_type = "'current' | 'unpublished' | 'foreign'")]
    pub key: Option<String>,
    /// Extra claims, set last.
    #[napi(ts_type = "Record<string, any>")]
    pub claims: Option<Map<String, Value>>,
    /// Extra JOSE header fields, set last.
    #[napi(ts_type = "Record<string, any>")]
    pub header: Option<Map<String, Value>>,
}

/// A minted JTL app token (RS256).
#[napi(object)]
pub struct MintedAppToken {
    /// The compact JWT.
    pub token: String,
    /// The `kid` in its header.
    pub kid: String,
    /// `exp` as Unix seconds.
    pub expires_at: f64,
    /// `sub`.
    pub user_id: String,
    /// `urn:jtl:tenant_id`.
    pub tenant_id: String,
    /// `urn:jtl:app_id`, if any.
    pub app_id: Option<String>,
    /// `aud`.
    pub audience: Vec<String>,
    /// `iss`, if any.
    pub issuer: Option<String>,
}

/// A fault to inject: the next `count` requests to `service` fail as `kind` says.
#[napi(object)]
pub struct FaultOptions {
    /// `token`, `api`, `jwks`, `scx_auth`, `scx`, `wawi` or `wawi_registration`.
    #[napi(
        ts_type = "'token' | 'api' | 'jwks' | 'scx_auth' | 'scx' | 'wawi' | 'wawi_registration'"
    )]
    pub service: String,
    /// `status` (default), `delay`, `malformed_json`, `truncated`, `drop`,
    /// `wrong_content_type`, `expires_in` or `echo`.
    #[napi(
        ts_type = "'status' | 'delay' | 'malformed_json' | 'truncated' | 'drop' | 'wrong_content_type' | 'expires_in' | 'echo'"
    )]
    pub kind: Option<String>,
    /// HTTP status, for `status` (required) and `wrong_content_type` (default 502).
    pub status: Option<u32>,
    /// How many requests (default 1; 0 = until cleared).
    pub count: Option<u32>,
    /// Delay before the fault (for `delay`: before the normal answer), in milliseconds.
    pub delay_ms: Option<f64>,
    /// `Retry-After` to send with a `status` fault (seconds or an HTTP date).
    pub retry_after: Option<String>,
    /// A body instead of the service's error body, for `status`.
    #[napi(ts_type = "any")]
    pub body: Option<Value>,
    /// The lifetime the token answer claims, for `expires_in`.
    pub expires_in: Option<f64>,
    /// The dialect of an `echo` fault's body (default: the service's own).
    #[napi(ts_type = "'erp' | 'wawi' | 'oauth' | 'scx' | 'problem' | 'text' | 'cut'")]
    pub shape: Option<String>,
}

/// An OAuth client to register.
#[napi(object)]
pub struct EmulatorClientOptions {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Tenants it may act for (default: the demo tenants).
    pub tenants: Option<Vec<String>>,
    /// Scopes, e.g. `["items.read"]` (left out: every scope).
    pub scopes: Option<Vec<String>>,
}

/// Request counters per service (and per route) since start or `reset()`.
#[napi(object)]
pub struct EmulatorStats {
    /// `POST /oauth2/token`.
    pub token: f64,
    /// `/erp/v2/...`.
    pub api: f64,
    /// `GET /account/.well-known/jwks.json`.
    pub jwks: f64,
    /// `POST /v1/auth` (SCX token exchange).
    pub scx_auth: f64,
    /// Other SCX paths.
    pub scx: f64,
    /// Wawi data endpoints.
    pub wawi: f64,
    /// Wawi app registration.
    pub wawi_registration: f64,
    /// Requests per route, e.g. `"GET /erp/v2/{resource}"`.
    pub routes: std::collections::HashMap<String, f64>,
    /// Injected faults served.
    pub faults_served: f64,
}

fn emulator_error(error: jtl_emulator::Error) -> CoreError {
    match error {
        jtl_emulator::Error::InvalidInput(message) => CoreError::InvalidInput { message },
        jtl_emulator::Error::NotFound(message) => CoreError::NotFound {
            message,
            detail: Default::default(),
        },
        jtl_emulator::Error::Conflict(message) => CoreError::Conflict {
            message,
            detail: Default::default(),
        },
        other => CoreError::Config {
            message: other.to_string(),
        },
    }
}

/// `value` (a JavaScript object, camelCase or snake_case keys) as `T`; string values of
/// `enum_fields` are put in snake_case too (`malformedJson` → `malformed_json`).
fn from_js<T: DeserializeOwned>(
    what: &str,
    value: Value,
    enum_fields: &[&str],
    keep_nulls: bool,
) -> jtl_connect::Result<T> {
    let Value::Object(_) = &value else {
        return Err(invalid(format!(
            "{what}: expected an object; found {}",
            kind(&value)
        )));
    };
    let mut value = snake_keys(value);
    if let Value::Object(map) = &mut value {
        if !keep_nulls {
            map.retain(|_, v| !v.is_null());
        }
        for field in enum_fields {
            if let Some(Value::String(s)) = map.get_mut(*field) {
                *s = snake_case(s);
            }
        }
    }
    serde_json::from_value(value).map_err(|e| invalid(format!("{what}: {e}")))
}

/// `value` with camelCase keys (top level).
fn to_js<T: serde::Serialize>(value: &T) -> Value {
    camel_keys(serde_json::to_value(value).unwrap_or(Value::Null))
}

/// An emulator of JTL's servers running in this process, on a loopback port: for your own
/// tests. It serves until `stop()` (or until the process exits).
#[napi]
pub struct Emulator {
    inner: Arc<Mutex<Option<jtl_emulator::Emulator>>>,
    url: String,
}

impl Emulator {
    /// Runs `f` on the running emulator, or throws `JtlError` `config` after `stop()`.
    fn with<T>(
        &self,
        env: &Env,
        f: impl FnOnce(&jtl_emulator::Emulator) -> jtl_connect::Result<T>,
    ) -> napi::Result<T> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match guard.as_ref() {
            Some(emulator) => check(env, f(emulator)),
            None => Err(with_code(env, "config", "the emulator has been stopped")),
        }
    }
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

    /// The demo client id (`demo-client-id`).
    #[napi(getter)]
    pub fn client_id(&self) -> &'static str {
        jtl_emulator::config::DEMO_CLIENT_ID
    }

    /// The demo client secret (`demo-client-secret`).
    #[napi(getter)]
    pub fn client_secret(&self) -> &'static str {
        jtl_emulator::config::DEMO_CLIENT_SECRET
    }

    /// The demo tenant.
    #[napi(getter)]
    pub fn tenant_id(&self) -> &'static str {
        jtl_emulator::config::DEMO_TENANT_ID
    }

    /// A second tenant the demo client may use.
    #[napi(getter)]
    pub fn second_tenant_id(&self) -> &'static str {
        jtl_emulator::config::DEMO_SECOND_TENANT_ID
    }

    /// A tenant the demo client may not use (403).
    #[napi(getter)]
    pub fn foreign_tenant_id(&self) -> &'static str {
        jtl_emulator::config::FOREIGN_TENANT_ID
    }

    /// A Wawi API key accepted from the start.
    #[napi(getter)]
    pub fn wawi_api_key(&self) -> &'static str {
        jtl_emulator::config::DEMO_WAWI_API_KEY
    }

    /// The Wawi base, `<url>/api/eazybusiness`.
    #[napi(getter)]
    pub fn wawi_base(&self) -> String {
        format!("{}/api/eazybusiness", self.url)
    }

    /// An SCX refresh token accepted from the start.
    #[napi(getter)]
    pub fn scx_refresh_token(&self) -> &'static str {
        jtl_emulator::config::DEMO_SCX_REFRESH_TOKEN
    }

    /// A seller's SCX refresh token accepted from the start (Seller API: sign-up).
    #[napi(getter)]
    pub fn scx_seller_refresh_token(&self) -> &'static str {
        jtl_emulator::config::DEMO_SCX_SELLER_REFRESH_TOKEN
    }

    /// Mints an App Shell session token, signed like JTL's.
    #[napi]
    pub fn mint_session_token(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "SessionTokenOptions")] options: Option<Value>,
    ) -> napi::Result<MintedSessionToken> {
        self.with(env, |emulator| {
            let spec: SessionTokenSpec = match options {
                Some(options) => from_js("mintSessionToken", options, &["kid", "key"], true)?,
                None => SessionTokenSpec::default(),
            };
            let minted = emulator.mint_session_token(spec).map_err(emulator_error)?;
            Ok(MintedSessionToken {
                token: minted.token,
                kid: minted.kid,
                expires_at: minted.expires_at as f64,
                user_id: minted.user_id,
                tenant_id: minted.tenant_id,
                customer_id: minted.customer_id,
            })
        })
    }

    /// The app-token issuer (`iss` of minted app tokens; keys at `<issuer>/oauth/v2/keys`).
    #[napi(getter)]
    pub fn app_issuer(&self) -> String {
        self.url.clone()
    }

    /// The demo app id (`urn:jtl:app_id` and `aud` of minted app tokens by default).
    #[napi(getter)]
    pub fn app_id(&self) -> &'static str {
        jtl_emulator::config::DEMO_APP_ID
    }

    /// The customer id minted session tokens carry in their payload `kid`.
    #[napi(getter)]
    pub fn customer_id(&self) -> &'static str {
        jtl_emulator::config::DEMO_CUSTOMER_ID
    }

    /// Mints a JTL app token (RS256), signed like JTL's platform IdP.
    #[napi]
    pub fn mint_app_token(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "AppTokenOptions")] options: Option<Value>,
    ) -> napi::Result<MintedAppToken> {
        self.with(env, |emulator| {
            let spec: AppTokenSpec = match options {
                Some(options) => from_js("mintAppToken", options, &["key"], true)?,
                None => AppTokenSpec::default(),
            };
            let minted = emulator.mint_app_token(spec).map_err(emulator_error)?;
            Ok(MintedAppToken {
                token: minted.token,
                kid: minted.kid,
                expires_at: minted.expires_at as f64,
                user_id: minted.user_id,
                tenant_id: minted.tenant_id,
                app_id: minted.app_id,
                audience: minted.audience,
                issuer: minted.issuer,
            })
        })
    }

    /// Request counters since start or `reset()`: `stats().token` is the number of token
    /// requests.
    #[napi]
    pub fn stats(&self, env: &Env) -> napi::Result<EmulatorStats> {
        self.with(env, |emulator| {
            let stats = serde_json::to_value(emulator.stats()).unwrap_or(Value::Null);
            let number = |name: &str| stats.get(name).and_then(Value::as_f64).unwrap_or(0.0);
            let routes = stats
                .get("routes")
                .and_then(Value::as_object)
                .map(|routes| {
                    routes
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_f64().unwrap_or(0.0)))
                        .collect()
                })
                .unwrap_or_default();
            Ok(EmulatorStats {
                token: number("token"),
                api: number("api"),
                jwks: number("jwks"),
                scx_auth: number("scx_auth"),
                scx: number("scx"),
                wawi: number("wawi"),
                wawi_registration: number("wawi_registration"),
                routes,
                faults_served: number("faults_served"),
            })
        })
    }

    /// Arms a fault; returns its id.
    #[napi]
    pub fn inject_fault(&self, env: &Env, fault: FaultOptions) -> napi::Result<u32> {
        let value = serde_json::json!({
            "service": fault.service,
            "kind": fault.kind,
            "status": fault.status,
            "count": fault.count,
            "delay_ms": fault.delay_ms.map(|ms| ms as u64),
            "retry_after": fault.retry_after,
            "body": fault.body,
            "expires_in": fault.expires_in.map(|s| s as i64),
            "shape": fault.shape,
        });
        self.with(env, |emulator| {
            let fault: Fault = from_js("injectFault", value, &["service", "kind"], false)?;
            let id = emulator.inject_fault(fault).map_err(emulator_error)?;
            Ok(u32::try_from(id).unwrap_or(u32::MAX))
        })
    }

    /// Disarms every fault.
    #[napi]
    pub fn clear_faults(&self, env: &Env) -> napi::Result<()> {
        self.with(env, |emulator| {
            emulator.clear_faults();
            Ok(())
        })
    }

    /// Rotates the session keys; the old key stays in the JWKS for `graceSecs` (default:
    /// the `keyGraceSecs` setting). Returns `{ current, previous, graceSecs }`.
    #[napi(ts_return_type = "{ current: string; previous: string; graceSecs: number }")]
    pub fn rotate_keys(&self, env: &Env, grace_secs: Option<f64>) -> napi::Result<Value> {
        self.with(env, |emulator| {
            let grace = grace_secs
                .map(|s| crate::convert::seconds("graceSecs", s))
                .transpose()?
                .map(|d| Duration::from_secs(d.as_secs()));
            Ok(camel_keys(emulator.rotate_keys(grace)))
        })
    }

    /// The `kid` of the current session key.
    #[napi]
    pub fn current_kid(&self, env: &Env) -> napi::Result<String> {
        self.with(env, |emulator| Ok(emulator.current_kid()))
    }

    /// The current settings.
    #[napi(ts_return_type = "Required<EmulatorSettings>")]
    pub fn settings(&self, env: &Env) -> napi::Result<Value> {
        self.with(env, |emulator| Ok(to_js(&emulator.settings())))
    }

    /// Changes settings (send only the ones to change); returns all of them.
    #[napi(ts_return_type = "Required<EmulatorSettings>")]
    pub fn update_settings(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "EmulatorSettings")] settings: Value,
    ) -> napi::Result<Value> {
        self.with(env, |emulator| update_settings(emulator, settings))
    }

    /// Back to the start state (clients, data, faults, counters, settings); keys are kept.
    #[napi]
    pub fn reset(&self, env: &Env) -> napi::Result<()> {
        self.with(env, |emulator| {
            emulator.reset();
            Ok(())
        })
    }

    /// Registers (or replaces) an OAuth client.
    #[napi]
    pub fn register_client(&self, env: &Env, client: EmulatorClientOptions) -> napi::Result<()> {
        let value = serde_json::json!({
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "tenants": client.tenants.unwrap_or_else(|| vec![
                jtl_emulator::config::DEMO_TENANT_ID.to_owned(),
                jtl_emulator::config::DEMO_SECOND_TENANT_ID.to_owned(),
            ]),
            "scopes": client.scopes,
        });
        self.with(env, |emulator| {
            let spec: ClientSpec = from_js("registerClient", value, &[], false)?;
            emulator.register_client(spec).map_err(emulator_error)
        })
    }

    /// Issues a new SCX refresh token.
    #[napi]
    pub fn issue_scx_refresh_token(&self, env: &Env) -> napi::Result<String> {
        self.with(env, |emulator| Ok(emulator.issue_scx_refresh_token()))
    }

    /// Issues a new SCX refresh token of a seller (Seller API).
    #[napi]
    pub fn issue_scx_seller_refresh_token(&self, env: &Env) -> napi::Result<String> {
        self.with(
            env,
            |emulator| Ok(emulator.issue_scx_seller_refresh_token()),
        )
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
        self.with(env, |emulator| {
            if kind.trim().is_empty() {
                return Err(invalid(
                    "type: expected an event type such as \"Seller:Order.Accepted\"; found an empty string",
                ));
            }
            Ok(emulator.push_scx_event(&kind, event.unwrap_or(Value::Null)))
        })
    }

    /// Issues a Wawi API key directly, without the registration flow.
    #[napi]
    pub fn issue_wawi_api_key(
        &self,
        env: &Env,
        scopes: Option<Vec<String>>,
    ) -> napi::Result<String> {
        self.with(env, |emulator| {
            Ok(emulator.issue_wawi_api_key(scopes.unwrap_or_else(|| vec!["all.read".to_owned()])))
        })
    }

    /// The Wawi registration requests, decided ones included.
    #[napi(ts_return_type = "Array<Record<string, any>>")]
    pub fn wawi_registrations(&self, env: &Env) -> napi::Result<Vec<Value>> {
        self.with(env, |emulator| {
            Ok(emulator
                .wawi_registrations()
                .into_iter()
                .map(camel_keys)
                .collect())
        })
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
        self.with(env, |emulator| {
            emulator
                .approve_wawi_registration(&id, granted_scopes)
                .map_err(emulator_error)
        })
    }

    /// Rejects a pending Wawi registration.
    #[napi]
    pub fn reject_wawi_registration(&self, env: &Env, id: String) -> napi::Result<()> {
        self.with(env, |emulator| {
            emulator
                .reject_wawi_registration(&id)
                .map_err(emulator_error)
        })
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
                if let Some(emulator) = emulator {
                    emulator.shutdown().await;
                }
                Ok(())
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
        serde_json::json!({
            "url": self.url,
            "clientId": self.client_id(),
            "tenantId": self.tenant_id(),
        })
    }

    /// `Emulator(<url>)`.
    #[napi(js_name = "toString")]
    pub fn to_string_js(&self) -> String {
        format!("Emulator({})", self.url)
    }
}

fn update_settings(
    emulator: &jtl_emulator::Emulator,
    settings: Value,
) -> jtl_connect::Result<Value> {
    let Value::Object(_) = &settings else {
        return Err(invalid(format!(
            "updateSettings: expected an object of settings; found {}",
            kind(&settings)
        )));
    };
    let patch = snake_keys(settings);
    let settings = emulator.update_settings(patch).map_err(emulator_error)?;
    Ok(to_js(&settings))
}

/// Starts an emulator of JTL's servers in this process on a free loopback port: the demo
/// client (`clientId`/`clientSecret`/`tenantId`), session tokens, faults and counters for
/// your tests. Stop it with `stop()`.
#[napi]
pub fn start_emulator<'env>(
    env: &'env Env,
    options: Option<EmulatorOptions>,
) -> napi::Result<PromiseRaw<'env, Emulator>> {
    let options = options.unwrap_or_default();
    let host = match options.host.as_deref() {
        None => Ok(IpAddr::from([127, 0, 0, 1])),
        Some(host) => host.parse::<IpAddr>().map_err(|_| {
            invalid(format!(
                "host: expected a loopback IP address; found {host:?}"
            ))
        }),
    };
    let port =
        u16::try_from(options.port.unwrap_or(0)).map_err(|_| invalid("port: expected 0 to 65535"));
    let settings = options.settings;
    spawn(
        env,
        async move {
            let config = Config {
                host: host?,
                port: port?,
                ..Config::default()
            };
            let emulator = jtl_emulator::Emulator::start_with(config)
                .await
                .map_err(emulator_error)?;
            if let Some(settings) = settings {
                update_settings(&emulator, settings)?;
            }
            Ok(emulator)
        },
        |_, emulator| {
            Ok(Emulator {
                url: emulator.url().to_owned(),
                inner: Arc::new(Mutex::new(Some(emulator))),
            })
        },
    )
}
