//! The shared conformance cases (`conformance/cases/*.json`, schema in
//! `conformance/README.md`), each against a fresh in-process emulator. A failure names the
//! case id; all cases run, and the test fails listing every case that failed.
//!
//! The dispatcher maps the neutral snake_case call to the Rust API: options become the
//! builder's option structs, results are normalised to the neutral JSON.

use std::{
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use jtl_connect::{
    options::{self, Case},
    Account, AccountClient, AccountStore, ApiClient, ClientCredentials, CloudClient, Endpoints,
    Error, HttpOptions, Page, Request, Response, ScxClient, SessionClaims, SessionVerifier, System,
    VerifierConfig, WawiClient,
};
use jtl_emulator::Emulator;
use serde_json::{json, Map, Value};

const APP_ID: &str = "conformance-app";
const APP_VERSION: &str = "1.0.0";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../conformance")
}

/// Every case of `conformance/cases/` (not `pending/`), in file and list order.
fn cases() -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let list: Vec<Value> = serde_json::from_str(&text).unwrap();
            list
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut ids: Vec<&str> = cases.iter().map(|c| c["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), cases.len(), "case ids must be unique");
    let mut failed = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap().to_owned();
        let emu = Emulator::start().await.unwrap();
        let tmp = tempdir(&id);
        let outcome = Runner::new(&emu, &tmp).run(case).await;
        emu.shutdown().await;
        let _ = std::fs::remove_dir_all(&tmp);
        if let Err(message) = outcome {
            eprintln!("conformance case {id} FAILED: {message}");
            failed.push(format!("{id}: {message}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} conformance cases failed:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

fn tempdir(id: &str) -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("jtl-conformance-{id}-{nanos}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a step gives: an object for later steps, or only its neutral JSON. A handful live
/// per case, so the size of the store variant does not matter.
#[allow(clippy::large_enum_variant)]
enum Obj {
    Cloud(CloudClient),
    Wawi(WawiClient),
    Scx(ScxClient),
    Verifier(SessionVerifier),
    Store(AccountStore),
    Plain,
}

type Outcome = Result<(Obj, Value), Error>;

/// Runs `$body` with `$c` bound to whichever client `$obj` is.
macro_rules! on_client {
    ($obj:expr, $c:ident => $body:expr) => {
        match $obj {
            Obj::Cloud($c) => $body,
            Obj::Wawi($c) => $body,
            Obj::Scx($c) => $body,
            _ => return Err(fail("not a client")),
        }
    };
}

fn fail(message: &str) -> String {
    message.to_owned()
}

struct Runner<'a> {
    emu: &'a Emulator,
    tmp: &'a Path,
    saved: Map<String, Value>,
    objects: Vec<(String, Obj)>,
}

impl<'a> Runner<'a> {
    fn new(emu: &'a Emulator, tmp: &'a Path) -> Self {
        Self {
            emu,
            tmp,
            saved: Map::new(),
            objects: Vec::new(),
        }
    }

    fn endpoints(&self) -> Endpoints {
        Endpoints::emulator(self.emu.url()).unwrap()
    }

    fn emu_value(&self, name: &str) -> Result<Value, String> {
        let emu = self.emu;
        Ok(match name {
            "url" | "endpoints" => json!(emu.url()),
            "client_id" => json!(emu.client_id()),
            "client_secret" => json!(emu.client_secret()),
            "tenant_id" => json!(emu.tenant_id()),
            "second_tenant_id" => json!("00000000-0000-4000-8000-000000000002"),
            "foreign_tenant_id" => json!("00000000-0000-4000-8000-00000000000f"),
            "wawi_url" => json!(emu.wawi_base()),
            "wawi_api_key" => json!(emu.wawi_api_key()),
            "scx_refresh_token" => json!(emu.scx_refresh_token()),
            other => return Err(format!("unknown emulator value {other}")),
        })
    }

    /// Resolves the `$` values of conformance/README.md. `$emu.endpoints` stays the URL:
    /// the constructors turn it into `Endpoints`; bytes become a JSON array of numbers.
    fn resolve(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.resolve(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                if let Some(hex) = map.get("$bytes_hex").and_then(Value::as_str) {
                    let bytes: Vec<Value> = (0..hex.len() / 2)
                        .map(|i| json!(u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()))
                        .collect();
                    return Ok(Value::Array(bytes));
                }
                if let Some(plus) = map.get("$now_plus").and_then(Value::as_i64) {
                    let now = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .unwrap()
                        .as_secs();
                    return Ok(json!(now as i64 + plus));
                }
                if let Some(repeat) = map.get("$repeat") {
                    let text = repeat[0].as_str().unwrap_or_default();
                    return Ok(json!(text.repeat(repeat[1].as_u64().unwrap_or(0) as usize)));
                }
                if let Some(inner) = map.get("$tamper") {
                    let token = self.resolve(inner)?;
                    return Ok(json!(tamper(token.as_str().unwrap_or_default())));
                }
                let mut out = Map::new();
                for (k, v) in map {
                    out.insert(k.clone(), self.resolve(v)?);
                }
                Value::Object(out)
            }
            Value::String(text) if text.starts_with("$tmp") => {
                json!(format!("{}{}", self.tmp.display(), &text[4..]))
            }
            Value::String(text) if text.starts_with('$') => {
                let (head, rest) = text[1..].split_once('.').unwrap_or((&text[1..], ""));
                if head == "emu" {
                    self.emu_value(rest)?
                } else {
                    let saved = self
                        .saved
                        .get(head)
                        .ok_or_else(|| format!("nothing kept as {head}"))?;
                    lookup(saved, rest).cloned().unwrap_or(Value::Null)
                }
            }
            other => other.clone(),
        })
    }

    /// The admin-API calls the cases use, made on the in-process emulator (the same
    /// `Shared` methods the HTTP routes call).
    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.unwrap_or_else(|| json!({}));
        let emu = self.emu;
        let text = |e: &dyn std::fmt::Display| e.to_string();
        match (method, path) {
            ("POST", "/_emulator/faults") => {
                let fault = serde_json::from_value(body).map_err(|e| text(&e))?;
                emu.inject_fault(fault)
                    .map(|id| json!({ "id": id }))
                    .map_err(|e| text(&e))
            }
            ("POST", "/_emulator/session-tokens") => {
                let spec = serde_json::from_value(body).map_err(|e| text(&e))?;
                let minted = emu.mint_session_token(spec).map_err(|e| text(&e))?;
                serde_json::to_value(minted).map_err(|e| text(&e))
            }
            ("PATCH", "/_emulator/settings") => emu
                .update_settings(body)
                .map_err(|e| text(&e))
                .and_then(|s| serde_json::to_value(s).map_err(|e| text(&e))),
            ("GET", "/_emulator/stats") => serde_json::to_value(emu.stats()).map_err(|e| text(&e)),
            other => Err(format!(
                "admin call {other:?} is not in the Rust runner's table"
            )),
        }
    }

    fn builtin(&self, name: &str) -> Result<Obj, String> {
        let emu = self.emu;
        let ok = |r: Result<Obj, Error>| r.map_err(|e| format!("built-in {name}: {e}"));
        match name {
            "cloud" => ok(cloud(&json!({
                "client_id": emu.client_id(), "client_secret": emu.client_secret(),
                "tenant_id": emu.tenant_id(), "endpoints": emu.url(),
            }))),
            "wawi" => {
                ok(
                    WawiClient::new(&emu.wawi_base(), emu.wawi_api_key(), APP_ID, APP_VERSION)
                        .map(Obj::Wawi),
                )
            }
            "scx" => ok(ScxClient::new(emu.scx_refresh_token(), self.endpoints()).map(Obj::Scx)),
            "verifier" => {
                let Obj::Cloud(client) = self.builtin("cloud")? else {
                    unreachable!()
                };
                ok(SessionVerifier::new(&client, VerifierConfig::default()).map(Obj::Verifier))
            }
            "store" => ok(AccountStore::open_with_master_key(
                &self.tmp.join("accounts.db"),
                &std::array::from_fn(|i| i as u8),
            )
            .map(Obj::Store)),
            other => Err(format!("unknown object {other}")),
        }
    }

    fn take(&mut self, name: &str) -> Result<Obj, String> {
        if let Some(at) = self.objects.iter().position(|(n, _)| n == name) {
            return Ok(self.objects.remove(at).1);
        }
        self.builtin(name)
    }

    fn put(&mut self, name: &str, obj: Obj) {
        self.objects.push((name.to_owned(), obj));
    }

    async fn run(&mut self, case: &Value) -> Result<(), String> {
        for step in case["setup"].as_array().into_iter().flatten() {
            let body = self.resolve(&step["body"])?;
            let body = (!body.is_null()).then_some(body);
            let answer = self
                .admin(
                    step["admin"].as_str().unwrap_or("POST"),
                    step["path"].as_str().unwrap_or_default(),
                    body,
                )
                .await?;
            if let Some(name) = step["as"].as_str() {
                self.saved.insert(name.to_owned(), answer);
            }
        }
        let steps = case["steps"].as_array().ok_or("no steps")?;
        let mut result = Value::Null;
        let mut error = None;
        for (index, step) in steps.iter().enumerate() {
            let args = self.resolve(&step["args"])?;
            let args = if args.is_null() { json!({}) } else { args };
            if let Some(refusal) = typed_refusal(step, &args) {
                return expect_typed_refusal(&case["expect"], refusal);
            }
            let outcome = if let Some(kind) = step["new"].as_str() {
                construct(kind, &args).map(|obj| (obj, json!({"constructed": true})))
            } else {
                let on = step["on"].as_str().ok_or("a step needs new or on")?;
                let target = self.take(on)?;
                let outcome = call(&target, step["call"].as_str().unwrap_or_default(), &args).await;
                self.put(on, target);
                outcome?
            };
            match outcome {
                Ok((obj, value)) => {
                    if let Some(name) = step["as"].as_str() {
                        self.saved.insert(name.to_owned(), value.clone());
                        self.put(name, obj);
                    }
                    result = value;
                }
                Err(e) if index + 1 == steps.len() => {
                    error = Some(e);
                    break;
                }
                Err(e) => return Err(format!("step {index} failed: {}: {e}", e.code())),
            }
        }
        let expect = &case["expect"];
        match (&expect["error"], error) {
            (Value::Null, None) => checks(&result, &self.resolve(&expect["value"])?)?,
            (Value::Null, Some(e)) => return Err(format!("unexpected error {}: {e}", e.code())),
            (want, Some(e)) => check_error(&self.resolve(want)?, &e)?,
            (_, None) => return Err(format!("expected an error, got {result}")),
        }
        if let Some(want) = expect["stats"].as_object() {
            let stats = self.admin("GET", "/_emulator/stats", None).await?;
            for (name, count) in want {
                if &stats[name] != count {
                    return Err(format!(
                        "stats.{name}: expected {count}, got {}",
                        stats[name]
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A neutral argument that Rust's types cannot hold: a master key that is not 32 bytes
/// (`&[u8; 32]`). The compiler refuses such a call, so the case holds by construction; the
/// runner only checks that the case expects `invalid_input` naming that parameter
/// (conformance/README.md, "Typed languages").
fn typed_refusal(step: &Value, args: &Value) -> Option<&'static str> {
    let key = args["master_key"].as_array()?;
    (step["new"] == "account_store" && key.len() != 32).then_some("master_key")
}

fn expect_typed_refusal(expect: &Value, param: &str) -> Result<(), String> {
    let want = &expect["error"];
    if want["code"] == "invalid_input" && want["param"] == param {
        Ok(())
    } else {
        Err(format!(
            "{param} cannot be given in Rust, but the case expects {expect}"
        ))
    }
}

fn text<'v>(args: &'v Value, name: &str) -> &'v str {
    args[name].as_str().unwrap_or_default()
}

fn opt_text<'v>(args: &'v Value, name: &str) -> Option<&'v str> {
    args[name].as_str()
}

/// A constructor's options through core's schema (`jtl_connect::options`), as every binding
/// hands them over: unknown names and bad values are core's `invalid_input`.
fn http_options(schema: &options::Schema, options: &Value) -> Result<HttpOptions, Error> {
    let options = if options.is_null() {
        json!({})
    } else {
        options.clone()
    };
    schema.parse(options.clone(), Case::Snake)?;
    options::http_options(options["http"].clone(), Case::Snake, "")
}

fn cloud(args: &Value) -> Result<Obj, Error> {
    let credentials = ClientCredentials::new(text(args, "client_id"), text(args, "client_secret"))?;
    let options = &args["options"];
    let mut builder = CloudClient::builder(credentials)
        .endpoints(Endpoints::emulator(text(args, "endpoints"))?)
        .http_options(http_options(&options::CLOUD_CLIENT, options)?);
    if let Some(tenant) = opt_text(args, "tenant_id") {
        builder = builder.tenant_id(tenant);
    }
    if let Some(language) = opt_text(options, "accept_language") {
        builder = builder.accept_language(language);
    }
    builder.build().map(Obj::Cloud)
}

fn construct(kind: &str, args: &Value) -> Result<Obj, Error> {
    let options = &args["options"];
    match kind {
        "cloud_client" => cloud(args),
        "wawi_client" => {
            let mut builder = WawiClient::builder(text(args, "base_url"), text(args, "api_key"))
                .app_id(text(args, "app_id"))
                .app_version(text(args, "app_version"))
                .http_options(http_options(&options::WAWI_CLIENT, options)?);
            if let Some(user) = opt_text(options, "run_as") {
                builder = builder.run_as(user);
            }
            builder.build().map(Obj::Wawi)
        }
        "scx_client" => ScxClient::builder(text(args, "refresh_token"))
            .endpoints(Endpoints::emulator(text(args, "endpoints"))?)
            .http_options(http_options(&options::SCX_CLIENT, options)?)
            .build()
            .map(Obj::Scx),
        "account_store" => {
            let bytes: Vec<u8> = args["master_key"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|b| b.as_u64().map(|b| b as u8))
                .collect();
            // `run` has checked the length: another one is no `[u8; 32]` (see `typed_refusal`).
            let key: [u8; 32] = bytes.as_slice().try_into().unwrap_or([0; 32]);
            AccountStore::open_with_master_key(Path::new(text(args, "path")), &key).map(Obj::Store)
        }
        "endpoints_emulator" => Endpoints::emulator(text(args, "url")).map(|_| Obj::Plain),
        other => panic!("unknown constructor {other}"),
    }
}

fn verifier_config(options: &Value) -> Result<(VerifierConfig, Option<String>), Error> {
    let options = if options.is_null() {
        json!({})
    } else {
        options.clone()
    };
    options::verifier_config(options, Case::Snake)
}

fn request(method: &str, args: &Value) -> Result<Request, Error> {
    // A call's `options` object: core's request schema, as the bindings check it.
    let given = options::REQUEST.parse(args["options"].clone(), Case::Snake)?;
    let mut request = Request::new(method, text(args, "path"))?;
    if let Some(timeout) = given.seconds("timeout") {
        request = request.timeout(timeout);
    }
    for (name, value) in args["params"].as_object().into_iter().flatten() {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        request = request.query(name.clone(), value);
    }
    for (name, value) in args["headers"].as_object().into_iter().flatten() {
        request = request.header(name.clone(), value.as_str().unwrap_or_default());
    }
    if !args["json"].is_null() {
        request = request.json(args["json"].clone());
    }
    if let Some(idempotent) = args["idempotent"].as_bool() {
        request = request.idempotent(idempotent);
    }
    Ok(request)
}

fn params(args: &Value) -> Vec<(String, String)> {
    args["params"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect()
}

async fn call(target: &Obj, method: &str, a: &Value) -> Result<Outcome, String> {
    let plain = |value: Value| (Obj::Plain, value);
    Ok(match (target, method) {
        (Obj::Store(store), _) => store_call(store, method, a).await,
        (Obj::Verifier(v), "verify") => v.verify(text(a, "token")).await.map(|c| plain(claims(&c))),
        (Obj::Cloud(c), "for_tenant") => c
            .for_tenant(text(a, "tenant_id"))
            .map(|c| (Obj::Cloud(c), json!({}))),
        (Obj::Cloud(c), "run_as") => Ok((Obj::Cloud(c.run_as(text(a, "user_id"))), json!({}))),
        (Obj::Cloud(c), "session_verifier") => match verifier_config(&a["options"]) {
            Ok((config, Some(url))) => SessionVerifier::with_jwks_url(c, &url, config),
            Ok((config, None)) => SessionVerifier::new(c, config),
            Err(e) => Err(e),
        }
        .map(|v| (Obj::Verifier(v), json!({}))),
        (Obj::Cloud(c), "access_token") => c
            .access_token()
            .await
            .map(|t| plain(token(t.expose(), t.expires_at()))),
        (Obj::Scx(c), "access_token") => c
            .access_token()
            .await
            .map(|t| plain(token(t.expose(), t.expires_at()))),
        (Obj::Cloud(c), "graphql") => c
            .graphql(
                text(a, "query"),
                (!a["variables"].is_null()).then(|| a["variables"].clone()),
                opt_text(a, "operation_name"),
            )
            .await
            .map(|data| plain(json!({ "data": data }))),
        (Obj::Cloud(c), "paginate_graphql") => {
            let size = a["page_size"].as_u64().map(|n| n as u32);
            let variables = (!a["variables"].is_null()).then(|| a["variables"].clone());
            match c.paginate_graphql(text(a, "query"), variables, text(a, "connection"), size) {
                Ok(pages) => pages.collect_all().await.map(|items| plain(listed(items))),
                Err(e) => Err(e),
            }
        }
        (_, "get" | "delete" | "post" | "put" | "patch") => {
            let request = request(&method.to_uppercase(), a);
            on_client!(target, c => match request {
                Ok(r) => c.request(r).await.map(|r| plain(response(&r))),
                Err(e) => Err(e),
            })
        }
        (_, "request") => {
            let request = request(text(a, "method"), a);
            on_client!(target, c => match request {
                Ok(r) => c.request(r).await.map(|r| plain(response(&r))),
                Err(e) => Err(e),
            })
        }
        (_, "page") => {
            if let Err(e) = options::PAGINATION.parse(a["options"].clone(), Case::Snake) {
                return Ok(Err(e));
            }
            let number = a["page_number"].as_u64().unwrap_or(1);
            let size = a["page_size"].as_u64().unwrap_or(100) as u32;
            on_client!(target, c => c.page(text(a, "path"), &params(a), number, size).await.map(|p| plain(page(&p))))
        }
        (_, "paginate") => {
            let size = a["page_size"].as_u64().map(|n| n as u32);
            on_client!(target, c => c.paginate(text(a, "path"), params(a), size).collect_all().await.map(|items| plain(listed(items))))
        }
        (_, other) => return Err(format!("unknown call {other}")),
    })
}

async fn store_call(store: &AccountStore, method: &str, a: &Value) -> Outcome {
    let fields: Vec<(String, String)> = a["fields"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let plain = |value: Value| (Obj::Plain, value);
    match method {
        "add" => {
            let system = System::parse(text(a, "system"))?;
            store
                .add(system, text(a, "name"), &fields)
                .map(|acc| plain(account(&acc)))
        }
        "get" => store.get(text(a, "id")).map(|acc| plain(account(&acc))),
        "update" => store
            .update(text(a, "id"), opt_text(a, "name"), &fields)
            .map(|acc| plain(account(&acc))),
        "delete" => store.delete(text(a, "id")).map(|()| plain(Value::Null)),
        "list" => store.list().map(|all| {
            let accounts: Vec<Value> = all.iter().map(account).collect();
            plain(json!({ "count": accounts.len(), "accounts": accounts }))
        }),
        "client" => store
            .client(text(a, "id"), opt_text(a, "tenant_id"))
            .map(|client| {
                let obj = match client {
                    AccountClient::Cloud(c) => Obj::Cloud(c),
                    AccountClient::Wawi(c) => Obj::Wawi(c),
                    AccountClient::Scx(c) => Obj::Scx(c),
                };
                (obj, json!({}))
            }),
        "test_connection" => store
            .test_connection(text(a, "id"), opt_text(a, "tenant_id"))
            .await
            .map(|t| plain(json!({ "ok": t.ok, "status": t.status, "code": t.code }))),
        other => panic!("unknown store call {other}"),
    }
}

fn unix(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn token(exposed: &str, expires_at: SystemTime) -> Value {
    json!({ "token": exposed, "expires_at": unix(expires_at) })
}

fn response(r: &Response) -> Value {
    let headers: Map<String, Value> = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_lowercase(), json!(v)))
        .collect();
    let body: Value = r.json().unwrap_or(Value::Null);
    json!({ "status": r.status(), "headers": headers, "json": body })
}

fn page(p: &Page) -> Value {
    json!({
        "items": p.items, "page_number": p.page_number, "page_size": p.page_size,
        "total_items": p.total_items, "total_pages": p.total_pages, "next_page": p.next_page,
    })
}

fn listed(items: Vec<Value>) -> Value {
    json!({ "count": items.len(), "items": items })
}

fn claims(c: &SessionClaims) -> Value {
    json!({
        "tenant_id": c.tenant_id, "user_id": c.user_id, "customer_id": c.customer_id,
        "tenant_slug": c.tenant_slug, "expires_at": c.expires_at,
    })
}

fn account(a: &Account) -> Value {
    json!({ "id": a.id, "system": a.system.as_str(), "name": a.name, "fields": a.fields })
}

/// The JWT with the middle character of its signature changed (conformance/README.md).
fn tamper(token: &str) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    if let Some(signature) = parts.get_mut(2) {
        let at = signature.len() / 2;
        let swapped = if &signature[at..=at] == "A" { "B" } else { "A" };
        signature.replace_range(at..=at, swapped);
    }
    parts.join(".")
}

/// `a.b.0.c` of a JSON value.
fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .filter(|p| !p.is_empty())
        .try_fold(value, |v, part| match v {
            Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
            Value::Object(map) => map.get(part),
            _ => None,
        })
}

fn checks(result: &Value, wanted: &Value) -> Result<(), String> {
    for check in wanted.as_array().into_iter().flatten() {
        let path = check["path"].as_str().unwrap_or_default();
        let found = lookup(result, path).filter(|v| !v.is_null());
        let at = format!("{path} = {}", found.map_or("null".into(), Value::to_string));
        let ok = |good: bool| if good { Ok(()) } else { Err(at.clone()) };
        if let Some(eq) = check.get("eq") {
            ok(found.unwrap_or(&Value::Null) == eq)?;
        }
        if let Some(len) = check.get("len").and_then(Value::as_u64) {
            let n = found.map(|v| {
                v.as_array()
                    .map_or_else(|| v.as_str().map_or(0, str::len), Vec::len)
            });
            ok(n == Some(len as usize))?;
        }
        if let Some(gte) = check.get("gte").and_then(Value::as_f64) {
            ok(found.and_then(Value::as_f64).is_some_and(|f| f >= gte))?;
        }
        if let Some(needle) = check.get("contains") {
            ok(match found {
                Some(Value::String(s)) => needle.as_str().is_some_and(|n| s.contains(n)),
                Some(Value::Array(items)) => items.contains(needle),
                _ => false,
            })?;
        }
        if let Some(present) = check.get("present").and_then(Value::as_bool) {
            ok(found.is_some() == present)?;
        }
    }
    Ok(())
}

fn check_error(want: &Value, e: &Error) -> Result<(), String> {
    let message = e.to_string();
    let got = format!("{}: {message}", e.code());
    let ensure = |good: bool, what: &str| {
        if good {
            Ok(())
        } else {
            Err(format!("{what}: {got}"))
        }
    };
    let list = |name: &str| want[name].as_array().cloned().unwrap_or_default();
    if let Some(code) = want["code"].as_str() {
        ensure(e.code() == code, &format!("expected {code}"))?;
    }
    if want["code_in"].is_array() {
        ensure(list("code_in").contains(&json!(e.code())), "code_in")?;
    }
    if let Some(status) = want["status"].as_u64() {
        ensure(
            e.status() == Some(status as u16),
            &format!("status {:?}", e.status()),
        )?;
    }
    let reason = e.reason().map(|r| r.as_str());
    if let Some(r) = want["reason"].as_str() {
        ensure(reason == Some(r), &format!("reason {reason:?}"))?;
    }
    if want["reason_in"].is_array() {
        ensure(
            list("reason_in").contains(&json!(reason)),
            &format!("reason {reason:?}"),
        )?;
    }
    if let Some(code) = want["error_code"].as_str() {
        let found = e.detail().and_then(|d| d.error_code.as_deref());
        ensure(found == Some(code), &format!("error_code {found:?}"))?;
    }
    if let Some(seconds) = want["retry_after"].as_f64() {
        let found = e.retry_after().map(|d| d.as_secs_f64());
        ensure(found == Some(seconds), &format!("retry_after {found:?}"))?;
    }
    if let Some(param) = want["param"].as_str() {
        let spelled = want["param_by_language"]["rust"].as_str().unwrap_or(param);
        ensure(
            message.contains(spelled),
            &format!("parameter {spelled} not named"),
        )?;
    }
    if let Some(suggestion) = want["suggestion"].as_str() {
        let found = message
            .find("did you mean")
            .is_some_and(|at| message[at..].contains(suggestion));
        ensure(found, &format!("no \"did you mean {suggestion}\""))?;
    }
    for text in list("message_contains") {
        let text = text.as_str().unwrap_or_default();
        ensure(
            message.contains(text),
            &format!("{text} not in the message"),
        )?;
    }
    let everything = format!("{e:?} {message}");
    for text in list("message_excludes") {
        let text = text.as_str().unwrap_or_default();
        ensure(!everything.contains(text), "a secret is shown")?;
    }
    for key in list("validation_error_keys") {
        let key = key.as_str().unwrap_or_default();
        let found = e
            .detail()
            .is_some_and(|d| d.validation_errors.contains_key(key));
        ensure(found, &format!("validation error {key} missing"))?;
    }
    Ok(())
}

/// The cases name options only as the core's schemas spell them (except the cases about an
/// unknown name), so every runner's mapping starts from the same list.
#[test]
fn cases_use_the_core_option_names() {
    let names =
        |schema: &options::Schema| -> Vec<&str> { schema.options.iter().map(|o| o.name).collect() };
    let mut checked = 0;
    for case in cases() {
        if case["expect"]["error"]["suggestion"].is_string() {
            continue;
        }
        for step in case["steps"].as_array().into_iter().flatten() {
            let (schema, given) = match (step["new"].as_str(), step["call"].as_str()) {
                (Some("cloud_client"), _) => (options::CLOUD_CLIENT, &step["args"]["options"]),
                (Some("wawi_client"), _) => (options::WAWI_CLIENT, &step["args"]["options"]),
                (Some("scx_client"), _) => (options::SCX_CLIENT, &step["args"]["options"]),
                (_, Some("session_verifier")) => {
                    (options::SESSION_VERIFIER, &step["args"]["options"])
                }
                _ => continue,
            };
            for (name, value) in given.as_object().into_iter().flatten() {
                assert!(
                    names(&schema).contains(&name.as_str()),
                    "{}: {name} is no {} option",
                    case["id"],
                    schema.name
                );
                if name == "http" {
                    for inner in value.as_object().into_iter().flatten().map(|(k, _)| k) {
                        assert!(
                            names(&options::HTTP).contains(&inner.as_str()),
                            "{}: {inner} is no http option",
                            case["id"]
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "{checked} options checked");
}
