//! Every option schema a binding accepts, owned here: names, types, defaults and checks, so
//! Python keyword arguments, Node option objects and Kotlin records mean the same thing.
//!
//! A binding converts its language's dict/object into a [`serde_json::Value`] once and hands
//! it to a builder here ([`http_options`], [`verifier_config`], ...), saying how its language
//! spells names ([`Case`]). Unknown names are `invalid_input` naming the option as the caller
//! spelled it, with a "did you mean"; `null` means "the default"; durations are seconds (any
//! number >= 0, floats welcome) in every language. [`schemas`] lists every schema with its
//! fields, types and defaults, for the bindings' option-list comparison tests.

use std::{str::FromStr, time::Duration};

use serde_json::{json, Map, Value};

use crate::{Algorithm, Error, HttpOptions, Result, VerifierConfig};

/// How a language spells option names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `max_retries` (Rust, Python, Kotlin records as UniFFI writes them).
    Snake,
    /// `maxRetries` (JavaScript).
    Camel,
}

impl Case {
    /// `name` (snake_case) as this language spells it.
    pub fn spell(self, name: &str) -> String {
        match self {
            Self::Snake => name.to_owned(),
            Self::Camel => camel_case(name),
        }
    }
}

/// `max_retry_after` → `maxRetryAfter`.
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

/// `text` with every snake_case name in it (`client_id`, `max_retry_after`: lowercase words
/// joined by `_`) spelled as `case` spells names; quoted parts (`"..."`, the values a message
/// shows as found) are kept as they are. Core messages name parameters in snake_case; the
/// bindings of camelCase languages pass their errors through [`crate::Error::in_case`].
pub fn respell(text: &str, case: Case) -> String {
    if case == Case::Snake || !text.contains('_') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len == 0 {
            if c == '"' {
                quoted = !quoted;
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let (word, after) = rest.split_at(len);
        // A name inside a path, URL or header (`erp/some_path`, `x-my_header`) is kept.
        let glued = out.ends_with(['/', '-', '$']) || after.starts_with(['/', '-']);
        if !quoted && !glued && is_snake_name(word) {
            out.push_str(&case.spell(word));
        } else {
            out.push_str(word);
        }
        rest = after;
    }
    out
}

/// `client_id`: lowercase words joined by single `_`.
fn is_snake_name(word: &str) -> bool {
    word.contains('_')
        && word.starts_with(|c: char| c.is_ascii_lowercase())
        && !word.ends_with('_')
        && !word.contains("__")
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `maxRetryAfter` → `max_retry_after` (snake_case text is kept).
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

/// The type of one option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A duration: a number of seconds >= 0 (fractions allowed).
    Seconds,
    /// A whole number >= 0.
    Count,
    /// `true` or `false`.
    Bool,
    /// A string.
    Text,
    /// A list of strings (a single string is taken as a list of one).
    Texts,
    /// A nested object of options (e.g. a client's `http`).
    Object,
    /// Anything the binding converts itself (an `Endpoints` object or a name).
    Any,
}

impl Kind {
    /// The name the introspection lists.
    pub fn name(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Count => "count",
            Self::Bool => "bool",
            Self::Text => "string",
            Self::Texts => "strings",
            Self::Object => "object",
            Self::Any => "any",
        }
    }
}

/// One option: its snake_case name, type and default (as JSON text; `null`: none).
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The name in snake_case.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Its default as JSON text (`null` when it has none).
    pub default: &'static str,
}

const fn opt(name: &'static str, kind: Kind, default: &'static str) -> OptionSpec {
    OptionSpec {
        name,
        kind,
        default,
    }
}

/// A named set of options (`http`, `session_verifier`, ...).
#[derive(Clone, Copy, Debug)]
pub struct Schema {
    /// The schema's name in snake_case (the function or object that takes it).
    pub name: &'static str,
    /// Its options.
    pub options: &'static [OptionSpec],
}

/// Timeouts, retries and identification of every client ([`HttpOptions`]).
pub const HTTP: Schema = Schema {
    name: "http",
    options: &[
        opt("timeout", Kind::Seconds, "30.0"),
        opt("deadline", Kind::Seconds, "90.0"),
        opt("max_retries", Kind::Count, "3"),
        opt("max_retry_after", Kind::Seconds, "30.0"),
        opt("user_agent", Kind::Text, "null"),
    ],
};

/// `session_verifier(...)` ([`VerifierConfig`]).
pub const SESSION_VERIFIER: Schema = Schema {
    name: "session_verifier",
    options: &[
        opt("algorithms", Kind::Texts, r#"["EdDSA"]"#),
        opt("issuer", Kind::Text, r#""https://api.jtl-cloud.com""#),
        opt("verify_issuer", Kind::Bool, "true"),
        opt("require_issuer", Kind::Bool, "false"),
        opt("max_lifetime", Kind::Seconds, "null"),
        opt("audience", Kind::Texts, "null"),
        opt("leeway", Kind::Seconds, "60.0"),
        opt("jwks_url", Kind::Text, "null"),
        opt("jwks_ttl", Kind::Seconds, "600.0"),
        opt("unknown_kid_cooldown", Kind::Seconds, "30.0"),
        opt("max_stale", Kind::Seconds, "3600.0"),
        opt("max_token_bytes", Kind::Count, "16384"),
        opt("max_keys_tried", Kind::Count, "4"),
        opt("required_claims", Kind::Texts, r#"["tenantId", "userId"]"#),
        opt("verified_cache_size", Kind::Count, "1024"),
    ],
};

/// `app_token_verifier(app_id, ...)`.
pub const APP_TOKEN_VERIFIER: Schema = Schema {
    name: "app_token_verifier",
    options: &[
        opt("issuer", Kind::Text, "null"),
        opt("leeway", Kind::Seconds, "60.0"),
        opt("max_lifetime", Kind::Seconds, "null"),
        opt("jwks_ttl", Kind::Seconds, "600.0"),
        opt("unknown_kid_cooldown", Kind::Seconds, "30.0"),
        opt("max_stale", Kind::Seconds, "3600.0"),
        opt("max_token_bytes", Kind::Count, "16384"),
        opt("verified_cache_size", Kind::Count, "1024"),
    ],
};

/// `CloudClient(...)`.
pub const CLOUD_CLIENT: Schema = Schema {
    name: "cloud_client",
    options: &[
        opt("client_id", Kind::Text, "null"),
        opt("client_secret", Kind::Text, "null"),
        opt("tenant_id", Kind::Text, "null"),
        opt("endpoints", Kind::Any, r#""production""#),
        opt("accept_language", Kind::Text, "null"),
        opt("token_cache", Kind::Text, "null"),
        opt("http", Kind::Object, "null"),
    ],
};

/// `WawiClient(...)`.
pub const WAWI_CLIENT: Schema = Schema {
    name: "wawi_client",
    options: &[
        opt("base_url", Kind::Text, "null"),
        opt("api_key", Kind::Text, "null"),
        opt("app_id", Kind::Text, "null"),
        opt("app_version", Kind::Text, "null"),
        opt("api_version", Kind::Text, r#""1.0""#),
        opt("run_as", Kind::Text, "null"),
        opt("http", Kind::Object, "null"),
    ],
};

/// `ScxClient(...)`.
pub const SCX_CLIENT: Schema = Schema {
    name: "scx_client",
    options: &[
        opt("refresh_token", Kind::Text, "null"),
        opt("endpoints", Kind::Any, r#""production""#),
        opt("accept_language", Kind::Text, "null"),
        opt("token_cache", Kind::Text, "null"),
        opt("http", Kind::Object, "null"),
    ],
};

/// `register_wawi_app(...)` / `start_wawi_registration(...)` besides the app itself.
pub const REGISTRATION: Schema = Schema {
    name: "registration",
    options: &[
        opt("tenant_id", Kind::Text, "null"),
        opt("path", Kind::Text, r#""v1""#),
        opt("challenge_code", Kind::Text, "null"),
        opt("poll_interval", Kind::Seconds, "5.0"),
        opt("timeout", Kind::Seconds, "600.0"),
        opt("http", Kind::Object, "null"),
    ],
};

/// `AccountStore(...)`: where (a path or a `postgresql://` URL; default `JTL_CONNECT_DB` or
/// the default path) and the master key (default `JTL_CONNECT_MASTER_KEY` or the key file).
pub const ACCOUNT_STORE: Schema = Schema {
    name: "account_store",
    options: &[
        opt("path", Kind::Text, "null"),
        opt("master_key", Kind::Text, "null"),
        opt("http", Kind::Object, "null"),
    ],
};

/// `page(...)` and `paginate(...)` besides the path.
pub const PAGINATION: Schema = Schema {
    name: "pagination",
    options: &[
        opt("params", Kind::Any, "null"),
        opt("page_size", Kind::Count, "100"),
        opt("page_number", Kind::Count, "1"),
    ],
};

/// `request(...)` and the method helpers besides method, path and body.
pub const REQUEST: Schema = Schema {
    name: "request",
    options: &[
        opt("params", Kind::Any, "null"),
        opt("json", Kind::Any, "null"),
        opt("headers", Kind::Any, "null"),
        opt("timeout", Kind::Seconds, "null"),
        opt("idempotent", Kind::Bool, "null"),
    ],
};

/// Every schema, in a stable order.
pub const ALL: &[Schema] = &[
    HTTP,
    SESSION_VERIFIER,
    APP_TOKEN_VERIFIER,
    CLOUD_CLIENT,
    WAWI_CLIENT,
    SCX_CLIENT,
    REGISTRATION,
    ACCOUNT_STORE,
    PAGINATION,
    REQUEST,
];

/// Every schema as JSON, names spelled as `case` says:
/// `{"http": [{"name": "timeout", "type": "seconds", "default": 30.0}, ...], ...}`.
pub fn schemas(case: Case) -> Value {
    let mut all = Map::new();
    for schema in ALL {
        let options = schema
            .options
            .iter()
            .map(|o| {
                let default: Value = serde_json::from_str(o.default).unwrap_or(Value::Null);
                json!({"name": case.spell(o.name), "type": o.kind.name(), "default": default})
            })
            .collect();
        all.insert(case.spell(schema.name), Value::Array(options));
    }
    Value::Object(all)
}

/// Edit distance of two short names (Levenshtein), for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(!ca.eq_ignore_ascii_case(cb));
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// The closest of `names` to `given`, if it is close enough to be a typo.
pub fn did_you_mean<'a>(given: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .map(|n| (edit_distance(given, n), n))
        .filter(|(d, n)| *d <= (n.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

/// The JSON type of a value, for error messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Options given for one [`Schema`], checked: every name known, every value of its type.
#[derive(Clone, Debug)]
pub struct Options {
    schema: Schema,
    case: Case,
    /// Given values by snake_case name (`null`s left out).
    values: Map<String, Value>,
}

impl Schema {
    /// Checks `value` (an object, or `null` for "all defaults") against this schema.
    pub fn parse(&self, value: Value, case: Case) -> Result<Options> {
        let spelled = case.spell(self.name);
        let map = match value {
            Value::Null => Map::new(),
            Value::Object(map) => map,
            other => {
                return Err(Error::invalid_input(format!(
                    "{spelled}: expected an object of options; found {}",
                    kind_of(&other)
                )))
            }
        };
        let mut values = Map::new();
        for (given, value) in map {
            let spec = self
                .options
                .iter()
                .find(|o| case.spell(o.name) == given)
                .ok_or_else(|| self.unknown(&given, case))?;
            if value.is_null() {
                continue;
            }
            let value = check(&spelled, &given, spec.kind, value)?;
            values.insert(spec.name.to_owned(), value);
        }
        Ok(Options {
            schema: *self,
            case,
            values,
        })
    }

    /// Refuses names this schema does not know; the caller checks the values.
    pub fn check_names<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
        case: Case,
    ) -> Result<()> {
        for given in names {
            if !self.options.iter().any(|o| case.spell(o.name) == given) {
                return Err(self.unknown(given, case));
            }
        }
        Ok(())
    }

    fn unknown(&self, given: &str, case: Case) -> Error {
        let names: Vec<String> = self.options.iter().map(|o| case.spell(o.name)).collect();
        let hint = did_you_mean(given, names.iter().map(String::as_str))
            .map(|n| format!("did you mean {n:?}? "))
            .unwrap_or_default();
        Error::invalid_input(format!(
            "{}: unknown option {given:?}; {hint}expected one of {}",
            case.spell(self.name),
            names.join(", ")
        ))
    }
}

/// `value` checked (and normalized: one string → a list) as `kind`.
fn check(schema: &str, name: &str, kind: Kind, value: Value) -> Result<Value> {
    let ok = match (kind, &value) {
        (Kind::Seconds, Value::Number(n)) => n.as_f64().is_some_and(|s| s.is_finite() && s >= 0.0),
        (Kind::Count, Value::Number(n)) => {
            n.as_u64().is_some() || n.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0)
        }
        (Kind::Bool, Value::Bool(_)) | (Kind::Text, Value::String(_)) => true,
        (Kind::Texts, Value::String(s)) => return Ok(json!([s])),
        (Kind::Texts, Value::Array(items)) => items.iter().all(Value::is_string),
        (Kind::Object, Value::Object(_)) | (Kind::Any, _) => true,
        _ => false,
    };
    if ok {
        return Ok(value);
    }
    let expected = match kind {
        Kind::Seconds => "a number of seconds >= 0",
        Kind::Count => "a whole number >= 0",
        Kind::Bool => "true or false",
        Kind::Text => "a string",
        Kind::Texts => "a list of strings",
        Kind::Object => "an object",
        Kind::Any => "a value",
    };
    let found = match &value {
        Value::Number(n) => format!("{n}"),
        other => kind_of(other).to_owned(),
    };
    Err(Error::invalid_input(format!(
        "{schema}.{name}: expected {expected}; found {found}"
    )))
}

impl Options {
    /// Whether the option was given (and not `null`).
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The raw value of an option that was given.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Removes and returns the raw value of an option (for `Kind::Any`/`Object` ones the
    /// binding converts, such as `endpoints`).
    pub fn take(&mut self, name: &str) -> Option<Value> {
        self.values.remove(name)
    }

    /// A duration option.
    pub fn seconds(&self, name: &str) -> Option<Duration> {
        self.get(name)
            .and_then(Value::as_f64)
            .map(Duration::from_secs_f64)
    }

    /// A count option.
    pub fn count(&self, name: &str) -> Option<usize> {
        self.get(name)
            .and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f as u64)))
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// A boolean option.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }

    /// A string option.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).and_then(Value::as_str).map(str::to_owned)
    }

    /// A list-of-strings option.
    pub fn texts(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).and_then(Value::as_array).map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
    }

    /// The caller's spelling of an option, for error messages: `session_verifier.jwks_ttl`.
    pub fn spelled(&self, name: &str) -> String {
        format!(
            "{}.{}",
            self.case.spell(self.schema.name),
            self.case.spell(name)
        )
    }

    /// The spelling these options were given in.
    pub fn case(&self) -> Case {
        self.case
    }
}

/// The `User-Agent` of a binding: its own product token, then the core's.
pub fn user_agent(product: &str) -> String {
    let core = HttpOptions::default().user_agent;
    if product.is_empty() {
        core
    } else {
        format!("{product} {core}")
    }
}

/// [`HttpOptions`] from `value` ([`HTTP`]); `product` names the binding in the default
/// `User-Agent` (e.g. `jtl-connect-python/0.1.0`); a given `user_agent` goes in front of it.
pub fn http_options(value: Value, case: Case, product: &str) -> Result<HttpOptions> {
    let given = HTTP.parse(value, case)?;
    let mut http = HttpOptions {
        user_agent: user_agent(product),
        ..HttpOptions::default()
    };
    if let Some(t) = given.seconds("timeout") {
        http.timeout = t;
    }
    if let Some(d) = given.seconds("deadline") {
        http.deadline = d;
    }
    if let Some(n) = given.count("max_retries") {
        http.retry.max_retries = u32::try_from(n).unwrap_or(u32::MAX);
    }
    if let Some(wait) = given.seconds("max_retry_after") {
        http.retry.max_retry_after = wait;
    }
    if let Some(agent) = given.text("user_agent") {
        if agent.trim().is_empty() || agent.chars().any(char::is_control) {
            return Err(Error::invalid_input(format!(
                "{}: expected a product token such as \"my-app/1.0\"; found {agent:?}",
                given.spelled("user_agent")
            )));
        }
        http.user_agent = format!("{agent} {}", http.user_agent);
    }
    Ok(http)
}

/// The settings both verifiers share.
fn common_verifier(given: &Options, config: &mut VerifierConfig) {
    if let Some(l) = given.seconds("leeway") {
        config.leeway = l;
    }
    if given.has("max_lifetime") {
        config.max_lifetime = given.seconds("max_lifetime");
    }
    if let Some(t) = given.seconds("jwks_ttl") {
        config.jwks_ttl = t;
    }
    if let Some(c) = given.seconds("unknown_kid_cooldown") {
        config.unknown_kid_cooldown = c;
    }
    if let Some(s) = given.seconds("max_stale") {
        config.max_stale = s;
    }
    if let Some(n) = given.count("max_token_bytes") {
        config.max_token_bytes = n;
    }
    if let Some(n) = given.count("verified_cache_size") {
        config.verified_cache_size = n;
    }
}

/// A [`VerifierConfig`] and the `jwks_url` (if given) from `value` ([`SESSION_VERIFIER`]).
/// `verify_issuer: false` turns the issuer check off, the same in every language.
pub fn verifier_config(value: Value, case: Case) -> Result<(VerifierConfig, Option<String>)> {
    let given = SESSION_VERIFIER.parse(value, case)?;
    let mut config = VerifierConfig::default();
    common_verifier(&given, &mut config);
    if let Some(names) = given.texts("algorithms") {
        if names.is_empty() {
            return Err(Error::invalid_input(format!(
                "{}: expected at least one algorithm (e.g. [\"EdDSA\"]); found an empty list",
                given.spelled("algorithms")
            )));
        }
        config.algorithms = names
            .iter()
            .map(|name| {
                Algorithm::from_str(name.trim()).map_err(|_| {
                    Error::invalid_input(format!(
                        "{}: expected names such as \"EdDSA\" or \"RS256\"; found {name:?}",
                        given.spelled("algorithms")
                    ))
                })
            })
            .collect::<Result<_>>()?;
    }
    if let Some(issuer) = given.text("issuer") {
        config.issuer = Some(issuer);
    }
    if given.flag("verify_issuer") == Some(false) {
        config.issuer = None;
    }
    if let Some(require) = given.flag("require_issuer") {
        config.require_issuer = require;
    }
    if let Some(audience) = given.texts("audience") {
        config.audience = Some(audience);
    }
    if let Some(n) = given.count("max_keys_tried") {
        config.max_keys_tried = n;
    }
    if let Some(claims) = given.texts("required_claims") {
        config.required_claims = claims;
    }
    Ok((config, given.text("jwks_url")))
}

/// A [`VerifierConfig`] and the issuer (if given) for app tokens ([`APP_TOKEN_VERIFIER`]).
pub fn app_verifier_config(value: Value, case: Case) -> Result<(VerifierConfig, Option<String>)> {
    let given = APP_TOKEN_VERIFIER.parse(value, case)?;
    let mut config = VerifierConfig::default();
    common_verifier(&given, &mut config);
    Ok((config, given.text("issuer")))
}

// Option objects that only some languages take as one object (Node's `{...}` arguments;
// Python takes keyword arguments, which the interpreter checks). Their names are checked
// here all the same, so a typo is an error with a "did you mean"; they are not in [`ALL`]
// because not every language exposes them as an options object to compare.

/// `graphql(query, variables, {...})` besides the query and variables.
pub const GRAPHQL: Schema = Schema {
    name: "graphql",
    options: &[
        opt("operation_name", Kind::Text, "null"),
        opt("idempotency_key", Kind::Any, "true"),
        opt("headers", Kind::Any, "null"),
        opt("timeout", Kind::Seconds, "null"),
    ],
};

/// `paginate_graphql(query, {...})` besides the query.
pub const GRAPHQL_PAGINATION: Schema = Schema {
    name: "graphql_pagination",
    options: &[
        opt("connection", Kind::Text, "null"),
        opt("variables", Kind::Any, "null"),
        opt("page_size", Kind::Count, "100"),
    ],
};

/// The app of a Wawi registration ([`crate::WawiApp`]).
pub const WAWI_APP: Schema = Schema {
    name: "wawi_app",
    options: &[
        opt("app_id", Kind::Text, "null"),
        opt("display_name", Kind::Text, "null"),
        opt("description", Kind::Text, "null"),
        opt("version", Kind::Text, "null"),
        opt("provider_name", Kind::Text, "null"),
        opt("provider_website", Kind::Text, "null"),
        opt("mandatory_scopes", Kind::Texts, "null"),
        opt("optional_scopes", Kind::Texts, "null"),
        opt("icon_base64", Kind::Text, "null"),
    ],
};

/// Custom [`crate::Endpoints`]: an emulator's base URL and the URLs that replace theirs.
pub const ENDPOINTS: Schema = Schema {
    name: "endpoints",
    options: &[
        opt("base_url", Kind::Text, "null"),
        opt("token_url", Kind::Text, "null"),
        opt("api_base", Kind::Text, "null"),
        opt("jwks_url", Kind::Text, "null"),
        opt("scx_base", Kind::Text, "null"),
    ],
};

/// An authorization code (user sign-in) client.
pub const AUTHORIZATION_CODE_CLIENT: Schema = Schema {
    name: "authorization_code_client",
    options: &[
        opt("client_id", Kind::Text, "null"),
        opt("client_secret", Kind::Text, "null"),
        opt("redirect_uri", Kind::Text, "null"),
        opt("scopes", Kind::Texts, "null"),
        opt("endpoints", Kind::Any, r#""production""#),
        opt("sign_in_timeout", Kind::Seconds, "null"),
        opt("http", Kind::Object, "null"),
    ],
};

/// A store account's sign-in client (`authorization_code_client(account_id, ...)`).
pub const SIGN_IN: Schema = Schema {
    name: "sign_in",
    options: &[
        opt("redirect_uri", Kind::Text, "null"),
        opt("scopes", Kind::Texts, "null"),
    ],
};

/// The changes of a stored account (`update(id, ...)`).
pub const ACCOUNT_CHANGES: Schema = Schema {
    name: "account_changes",
    options: &[
        opt("name", Kind::Text, "null"),
        opt("fields", Kind::Object, "null"),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_are_refused_with_a_suggestion_in_the_callers_spelling() {
        let err = http_options(json!({"maxRetry": 2}), Case::Camel, "").unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("\"maxRetry\""), "{err}");
        assert!(
            err.to_string().contains("did you mean \"maxRetries\""),
            "{err}"
        );
        let err = http_options(json!({"max_retries": 2}), Case::Camel, "").unwrap_err();
        assert!(
            err.to_string().contains("did you mean \"maxRetries\""),
            "{err}"
        );
        let err = verifier_config(json!({"jwks_tll": 5}), Case::Snake).unwrap_err();
        assert!(
            err.to_string().contains("did you mean \"jwks_ttl\""),
            "{err}"
        );
    }

    #[test]
    fn seconds_are_floats_and_types_are_checked() {
        let http =
            http_options(json!({"timeout": 1.5, "maxRetries": 0}), Case::Camel, "x/1").unwrap();
        assert_eq!(http.timeout, Duration::from_millis(1500));
        assert_eq!(http.retry.max_retries, 0);
        assert!(http.user_agent.starts_with("x/1 jtl-connect/"));
        let err = http_options(json!({"timeout": "5"}), Case::Snake, "").unwrap_err();
        assert!(err
            .to_string()
            .contains("http.timeout: expected a number of seconds"));
        assert!(http_options(json!({"timeout": -1}), Case::Snake, "").is_err());
        assert!(http_options(json!([1]), Case::Snake, "").is_err());
    }

    #[test]
    fn verify_issuer_false_turns_the_check_off() {
        let (config, url) = verifier_config(
            json!({"verifyIssuer": false, "leeway": 0.5, "audience": "app"}),
            Case::Camel,
        )
        .unwrap();
        assert_eq!(config.issuer, None);
        assert_eq!(config.leeway, Duration::from_millis(500));
        assert_eq!(config.audience, Some(vec!["app".to_owned()]));
        assert_eq!(url, None);
    }

    #[test]
    fn schemas_list_every_option_with_its_default() {
        let all = schemas(Case::Camel);
        let http = all["http"].as_array().unwrap();
        assert!(http
            .iter()
            .any(|o| o["name"] == "maxRetries" && o["type"] == "count" && o["default"] == 3));
        assert!(all["sessionVerifier"].is_array());
        assert_eq!(edit_distance("tenantID", "tenantId"), 0);
        assert_eq!(did_you_mean("zzz", ["tenantId", "http"]), None);
    }

    #[test]
    fn respell_names_outside_quotes() {
        let message =
            r#"client_id: expected a non-empty string; found "my_id" (see max_retry_after)"#;
        assert_eq!(
            respell(message, Case::Camel),
            r#"clientId: expected a non-empty string; found "my_id" (see maxRetryAfter)"#
        );
        assert_eq!(respell(message, Case::Snake), message);
        assert_eq!(
            respell("app.provider_website: expected a URL", Case::Camel),
            "app.providerWebsite: expected a URL"
        );
        assert_eq!(
            respell("JTL_CONNECT_DB is _x_ or erp/v2/some_path", Case::Camel),
            "JTL_CONNECT_DB is _x_ or erp/v2/some_path"
        );
    }
}
