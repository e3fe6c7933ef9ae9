//! [`Emulator::control`]: every admin operation behind one function that takes and answers
//! JSON, so the language bindings (Python's `jtl_connect.testing.Emulator`, Node's
//! `startEmulator()`) only forward a method name and their arguments. Argument parsing,
//! defaults, unit conversion and the key spelling of each language live here, once.

use std::{net::IpAddr, time::Duration};

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

use crate::{
    config,
    state::{scx::Party, Shared},
    AppTokenSpec, ClientSpec, Config, Emulator, Error, Fault, SessionTokenSpec,
};

/// How a language spells the keys of the objects it hands over and gets back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `token_lifetime_secs` (Python, Rust, the admin API).
    Snake,
    /// `tokenLifetimeSecs` (JavaScript).
    Camel,
}

/// `malformedJson` → `malformed_json` (already snake_case text is kept).
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `faults_served` → `faultsServed`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The top-level keys of an object (or of each object in an array) respelled.
fn respell(value: Value, spell: fn(&str) -> String) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (spell(&k), v)).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| respell(v, spell)).collect()),
        other => other,
    }
}

/// The top-level keys of an object (or of each object in an array) in camelCase; nested
/// objects are left alone (they hold user data such as extra claims).
pub fn camel_keys(value: Value) -> Value {
    respell(value, camel_case)
}

/// The top-level keys of an object (or of each object in an array) in snake_case.
pub fn snake_keys(value: Value) -> Value {
    respell(value, snake_case)
}

/// What an operation was given: a JSON object with snake_case keys.
struct Args {
    op: &'static str,
    map: Map<String, Value>,
}

impl Args {
    fn new(op: &'static str, args: Value) -> Result<Self, Error> {
        match respell(args, snake_case) {
            Value::Object(map) => Ok(Self { op, map }),
            Value::Null => Ok(Self {
                op,
                map: Map::new(),
            }),
            other => Err(Error::InvalidInput(format!(
                "{op}: expected an object of arguments; found {}",
                kind(&other)
            ))),
        }
    }

    /// The arguments as `T`; `enums` are fields whose string values are put in snake_case
    /// (`malformedJson`), `drop_nulls` treats `null` as left out.
    fn parse<T: DeserializeOwned>(mut self, enums: &[&str], drop_nulls: bool) -> Result<T, Error> {
        if drop_nulls {
            self.map.retain(|_, v| !v.is_null());
        }
        for (name, value) in &mut self.map {
            match value {
                Value::String(s) if enums.contains(&name.as_str()) => *s = snake_case(s),
                // JavaScript has one number type: 3.0 is the integer 3.
                Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && !n.is_i64()) => {
                    if let Some(f) = n.as_f64() {
                        *value = json!(f as i64);
                    }
                }
                _ => {}
            }
        }
        let op = self.op;
        serde_json::from_value(Value::Object(self.map))
            .map_err(|e| Error::InvalidInput(format!("{op}: {e}")))
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        self.map.remove(name).filter(|v| !v.is_null())
    }

    fn string(&mut self, name: &str) -> Result<String, Error> {
        match self.take(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
            other => Err(Error::InvalidInput(format!(
                "{}: {name}: expected a non-empty string; found {}",
                self.op,
                other.as_ref().map_or("nothing", kind)
            ))),
        }
    }

    fn strings(&mut self, name: &str) -> Result<Option<Vec<String>>, Error> {
        self.take(name)
            .map(|v| {
                serde_json::from_value(v).map_err(|e| {
                    Error::InvalidInput(format!(
                        "{}: {name}: expected a list of strings; {e}",
                        self.op
                    ))
                })
            })
            .transpose()
    }
}

/// The JSON type of a value, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Seconds (a float, as every binding gives durations) as a [`Duration`].
fn seconds(op: &str, name: &str, value: Value) -> Result<Duration, Error> {
    value
        .as_f64()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "{op}: {name}: expected seconds (a number >= 0); found {value}"
            ))
        })
}

/// Where and how to start: `{port, host, settings}` (all optional).
pub fn start_config(options: Value) -> Result<(Config, Option<Value>), Error> {
    let mut args = Args::new("start", options)?;
    let mut config = Config::default();
    if let Some(port) = args.take("port") {
        config.port = port
            .as_f64()
            .filter(|p| p.fract() == 0.0 && (0.0..=65535.0).contains(p))
            .map(|p| p as u16)
            .ok_or_else(|| {
                Error::InvalidInput(format!("port: expected 0 to 65535; found {port}"))
            })?;
    }
    if let Some(host) = args.take("host") {
        config.host = host
            .as_str()
            .and_then(|h| h.parse::<IpAddr>().ok())
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "host: expected a loopback IP address; found {host}"
                ))
            })?;
    }
    let settings = args.take("settings");
    if let Some(extra) = args.map.keys().next() {
        return Err(Error::InvalidInput(format!(
            "start: unknown option {extra:?}; expected port, host or settings"
        )));
    }
    Ok((config, settings))
}

impl Emulator {
    /// Starts an emulator from `{port, host, settings}` (each optional; `settings` as
    /// `update_settings` takes them, in either spelling).
    pub async fn start_from(options: Value) -> Result<Self, Error> {
        let (config, settings) = start_config(options)?;
        let emulator = Self::start_with(config).await?;
        if let Some(settings) = settings {
            emulator.control("update_settings", settings, Case::Snake)?;
        }
        Ok(emulator)
    }

    /// The demo credentials and URLs this emulator accepts: `url`, `client_id`,
    /// `client_secret`, `tenant_id`, `second_tenant_id`, `foreign_tenant_id`, `wawi_api_key`,
    /// `wawi_url`, `scx_refresh_token`, `scx_seller_refresh_token`, `app_id`, `app_issuer`,
    /// `customer_id`.
    pub fn demo(&self) -> Value {
        self.shared.demo()
    }

    /// Runs the admin operation `op` with `args` (a JSON object, keys in either spelling, or
    /// `null`) and answers JSON with top-level keys spelled as `case` says. Durations are
    /// seconds. Operations: `demo`, `mint_session_token`, `mint_app_token`, `inject_fault`,
    /// `clear_faults`, `stats`, `rotate_keys` (`grace_secs`), `current_kid`, `settings`,
    /// `update_settings`, `reset`, `register_client` (`client_id`, `client_secret`,
    /// `tenants` default the demo tenants, `scopes`), `issue_scx_refresh_token`,
    /// `issue_scx_seller_refresh_token`, `push_scx_event` (`type`, `event`),
    /// `scx_dead_letters`, `issue_wawi_api_key` (`scopes`, default `["all.read"]`),
    /// `wawi_registrations`, `approve_wawi_registration` (`id`, `granted_scopes`),
    /// `reject_wawi_registration` (`id`).
    ///
    /// The admin API runs the same function at `POST /_emulator/control/{op}`, which is how
    /// an emulator in another process (`jtl_connect::testing::EmulatorProcess`) is steered.
    pub fn control(&self, op: &str, args: Value, case: Case) -> Result<Value, Error> {
        self.shared.control(op, args, case)
    }
}

// On `Shared`, not `Emulator`: the admin route `POST /_emulator/control/{op}` has only the
// shared state, and must run exactly what `Emulator::control` runs.
impl Shared {
    /// See [`Emulator::demo`].
    pub(crate) fn demo(&self) -> Value {
        json!({
            "url": self.base_url,
            "client_id": config::DEMO_CLIENT_ID,
            "client_secret": config::DEMO_CLIENT_SECRET,
            "tenant_id": config::DEMO_TENANT_ID,
            "second_tenant_id": config::DEMO_SECOND_TENANT_ID,
            "foreign_tenant_id": config::FOREIGN_TENANT_ID,
            "wawi_api_key": config::DEMO_WAWI_API_KEY,
            "wawi_url": format!("{}/api/eazybusiness", self.base_url),
            "scx_refresh_token": config::DEMO_SCX_REFRESH_TOKEN,
            "scx_seller_refresh_token": config::DEMO_SCX_SELLER_REFRESH_TOKEN,
            "app_id": config::DEMO_APP_ID,
            "app_issuer": self.app_issuer(),
            "customer_id": config::DEMO_CUSTOMER_ID,
        })
    }

    /// See [`Emulator::control`].
    pub(crate) fn control(&self, op: &str, args: Value, case: Case) -> Result<Value, Error> {
        let answer = self.run(op, args)?;
        Ok(match case {
            Case::Snake => answer,
            Case::Camel => respell(answer, camel_case),
        })
    }

    fn run(&self, op: &str, args: Value) -> Result<Value, Error> {
        let op: &'static str = OPERATIONS
            .iter()
            .find(|o| **o == snake_case(op))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "unknown emulator operation {op:?}; expected one of {}",
                    OPERATIONS.join(", ")
                ))
            })?;
        let mut args = Args::new(op, args)?;
        Ok(match op {
            "demo" => self.demo(),
            "mint_session_token" => to_json(
                &self
                    .mint_session_token(args.parse::<SessionTokenSpec>(&["kid", "key"], false)?)?,
            ),
            "mint_app_token" => {
                to_json(&self.mint_app_token(args.parse::<AppTokenSpec>(&["key"], false)?)?)
            }
            "inject_fault" => {
                if let Some(Value::Number(n)) = args.map.get("retry_after") {
                    let text = n.to_string();
                    args.map.insert("retry_after".into(), Value::String(text));
                }
                let fault = args.parse::<Fault>(&["service", "kind", "shape"], true)?;
                json!(self.lock().faults.arm(fault)?)
            }
            "clear_faults" => {
                self.lock().faults.clear();
                Value::Null
            }
            "stats" => to_json(&self.lock().stats),
            "rotate_keys" => {
                let grace = args
                    .take("grace_secs")
                    .map(|g| seconds(op, "grace_secs", g))
                    .transpose()?;
                self.rotate_keys(grace.map(|g| g.as_secs()))
            }
            "current_kid" => Value::String(self.lock().keys.current().kid.clone()),
            "settings" => to_json(&self.lock().settings),
            "update_settings" => to_json(&self.update_settings(Value::Object(args.map))?),
            "reset" => {
                self.reset();
                Value::Null
            }
            "register_client" => {
                let demo = [config::DEMO_TENANT_ID, config::DEMO_SECOND_TENANT_ID];
                let tenants = args.take("tenants").unwrap_or_else(|| json!(demo));
                args.map.insert("tenants".into(), tenants);
                self.register_client(args.parse::<ClientSpec>(&[], true)?)?;
                Value::Null
            }
            "issue_scx_refresh_token" => Value::String(self.issue_scx_refresh_token(None)),
            "issue_scx_seller_refresh_token" => {
                Value::String(self.issue_scx_refresh_token_for(None, Party::Seller))
            }
            "push_scx_event" => {
                let kind = args.string("type")?;
                let event = args.take("event").unwrap_or_else(|| json!({}));
                self.push_scx_event(kind, event)
            }
            "scx_dead_letters" => Value::Array(self.scx_dead_letters()),
            "issue_wawi_api_key" => {
                let scopes = args
                    .strings("scopes")?
                    .unwrap_or_else(|| vec!["all.read".to_owned()]);
                Value::String(self.issue_wawi_api_key(scopes))
            }
            "wawi_registrations" => Value::Array(self.wawi_registrations()),
            "approve_wawi_registration" => {
                let id = args.string("id")?;
                let granted = args.strings("granted_scopes")?;
                self.decide_wawi_registration(&id, true, granted)?;
                Value::Null
            }
            "reject_wawi_registration" => {
                self.decide_wawi_registration(&args.string("id")?, false, None)?;
                Value::Null
            }
            _ => Value::Null,
        })
    }
}

/// Every operation [`Emulator::control`] knows.
pub const OPERATIONS: &[&str] = &[
    "demo",
    "mint_session_token",
    "mint_app_token",
    "inject_fault",
    "clear_faults",
    "stats",
    "rotate_keys",
    "current_kid",
    "settings",
    "update_settings",
    "reset",
    "register_client",
    "issue_scx_refresh_token",
    "issue_scx_seller_refresh_token",
    "push_scx_event",
    "scx_dead_letters",
    "issue_wawi_api_key",
    "wawi_registrations",
    "approve_wawi_registration",
    "reject_wawi_registration",
];
