//! The fault matrix: every kind of fault the emulator can inject, on every service a client
//! talks to (token endpoint, ERP API, JWKS, SCX auth and channel API, Wawi and its
//! registration), each against a fresh emulator and fresh clients.
//!
//! For every case the outcome must be a retry that succeeds or the one expected typed error
//! (`Error::code()`), never a panic, never later than the client's deadline plus a little
//! slack, and with exactly the number of requests the retry rules allow: a POST that may
//! have reached the application is never sent twice. The table goes to stdout and to
//! `target/reliability/fault-matrix.md`.

use std::{
    collections::BTreeMap,
    ops::RangeInclusive,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use jtl_connect::{
    clock::ManualClock,
    wawi::registration::{PendingRegistration, RegistrationOptions, WawiApp},
    ApiClient, CloudClient, Error, HttpOptions, RetryPolicy, ScxClient, SessionVerifier,
    VerifierConfig, WawiClient,
};
use jtl_connect_reliability::report::Table;
use jtl_emulator::{Emulator, Fault, FaultKind, Service, SessionTokenSpec};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::support::*;

/// One attempt may take this long (the emulator's slow answers take [`SLOW_MS`]).
const TIMEOUT: Duration = Duration::from_millis(300);
/// A whole call, retries and waits included, must end within this.
const DEADLINE: Duration = Duration::from_millis(1500);
/// Scheduling noise allowed on top of the deadline (two shared cores, other builds running).
const SLACK: Duration = Duration::from_millis(1000);
/// How slow a "slow" answer is: well past [`TIMEOUT`].
const SLOW_MS: u64 = 1000;
/// Cases run side by side, each on its own emulator.
const PARALLEL: usize = 4;

fn http() -> HttpOptions {
    HttpOptions {
        timeout: TIMEOUT,
        deadline: DEADLINE,
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(100),
            // `Retry-After: 1` is honoured, `Retry-After: 3600` is not waited for.
            max_retry_after: Duration::from_secs(2),
        },
        ..HttpOptions::default()
    }
}

/// What a case calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Call {
    /// `CloudClient::access_token` on a cold cache: `POST /oauth2/token`.
    Token,
    /// `GET /erp/v2/info` (token already cached), body read as JSON.
    ApiGet,
    /// `POST /erp/v2/items` (token already cached), body read as JSON.
    ApiPost,
    /// `SessionVerifier::verify` on a cold key cache: `GET /account/.well-known/jwks.json`.
    Jwks,
    /// `verify` after the keys' TTL has passed, with the JWKS endpoint failing.
    JwksStale,
    /// `ScxClient::access_token` on a cold cache: `POST /v1/auth`.
    ScxAuth,
    /// `ScxClient::events` (auth token cached): `GET /v1/channel/event`.
    ScxEvents,
    /// `ScxClient::seller_sign_up` (auth token cached): `POST /v1/seller/channel/{channel}`.
    ScxSignUp,
    /// `GET /api/eazybusiness/v1/items` with the API key, body read as JSON.
    WawiGet,
    /// Wawi registration step 1: `POST /api/eazybusiness/v1/authentication`.
    WawiRegister,
}

impl Call {
    /// The emulator service whose requests are faulted and counted.
    fn service(self) -> Service {
        match self {
            Self::Token => Service::Token,
            Self::ApiGet | Self::ApiPost => Service::Api,
            Self::Jwks | Self::JwksStale => Service::Jwks,
            Self::ScxAuth => Service::ScxAuth,
            Self::ScxEvents | Self::ScxSignUp => Service::Scx,
            Self::WawiGet => Service::Wawi,
            Self::WawiRegister => Service::WawiRegistration,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Token => "token POST /oauth2/token",
            Self::ApiGet => "ERP GET /info",
            Self::ApiPost => "ERP POST /items",
            Self::Jwks => "JWKS GET",
            Self::JwksStale => "JWKS GET (keys past TTL)",
            Self::ScxAuth => "SCX auth POST /v1/auth",
            Self::ScxEvents => "SCX GET /channel/event",
            Self::ScxSignUp => "SCX POST /seller/channel",
            Self::WawiGet => "Wawi GET /v1/items",
            Self::WawiRegister => "Wawi registration POST",
        }
    }
}

/// The expected outcome: success, or an error with this code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Ok,
    Code(&'static str),
}

impl Expect {
    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Code(code) => code,
        }
    }
}

/// What a case produced.
struct Observed {
    /// `Ok(detail)` or the error (a placeholder if the call panicked or hung).
    outcome: Result<String, Error>,
    /// A panic or a hang, which no case may produce.
    failure: Option<&'static str>,
    /// Requests the faulted service received during the call.
    requests: u64,
    /// Requests every service received during the call, by name.
    all: BTreeMap<&'static str, u64>,
    elapsed: Duration,
}

type Check = fn(&Observed) -> Result<(), String>;

struct Case {
    call: Call,
    name: String,
    faults: Vec<Fault>,
    expect: Expect,
    /// Requests the faulted service must receive.
    requests: RangeInclusive<u64>,
    check: Option<Check>,
}

fn case(
    call: Call,
    name: &str,
    faults: Vec<Fault>,
    expect: Expect,
    requests: RangeInclusive<u64>,
) -> Case {
    Case {
        call,
        name: name.to_owned(),
        faults,
        expect,
        requests,
        check: None,
    }
}

impl Case {
    fn check(mut self, check: Check) -> Self {
        self.check = Some(check);
        self
    }
}

fn status(service: Service, status: u16, times: u32) -> Fault {
    Fault::status(service, status).times(times)
}

fn kind(service: Service, kind: FaultKind, times: u32) -> Fault {
    Fault::kind(service, kind).times(times)
}

fn slow(service: Service, times: u32) -> Fault {
    kind(service, FaultKind::Delay, times).delay_ms(SLOW_MS)
}

fn html(service: Service, status: u16) -> Fault {
    let mut fault = kind(service, FaultKind::WrongContentType, 1);
    fault.status = Some(status);
    fault
}

/// An HTTP date `after` from now, for `Retry-After`.
fn httpdate_in(after: Duration) -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now() + after)
}

fn waited_for_retry_after(o: &Observed) -> Result<(), String> {
    (o.elapsed >= Duration::from_millis(950))
        .then_some(())
        .ok_or_else(|| format!("Retry-After: 1 not honoured ({:?})", o.elapsed))
}

fn lifetime_from_the_token_itself(o: &Observed) -> Result<(), String> {
    // The emulator's tokens live 3600 s; the client falls back to the JWT's `exp` (Cloud) or
    // `tokenExpireAt` (SCX) when `expires_in` is unusable.
    match &o.outcome {
        Ok(detail) => match lifetime(detail) {
            Some(secs) if (3500..=3600).contains(&secs) => Ok(()),
            other => Err(format!("lifetime {other:?}, expected ~3600 s")),
        },
        Err(_) => Ok(()),
    }
}

fn lifetime_capped_at_a_day(o: &Observed) -> Result<(), String> {
    match &o.outcome {
        Ok(detail) if lifetime(detail) == Some(86_400) => Ok(()),
        Ok(detail) => Err(format!("{detail}, expected the one-day cap")),
        Err(_) => Ok(()),
    }
}

fn lifetime(detail: &str) -> Option<u64> {
    detail
        .strip_prefix("lifetime ")?
        .strip_suffix(" s")?
        .parse()
        .ok()
}

fn one_refresh(o: &Observed) -> Result<(), String> {
    // One token request to warm the cache, one refresh after the first 401.
    match o.all.get("token") {
        Some(1) => Ok(()),
        other => Err(format!(
            "token requests during the call: {other:?}, expected 1"
        )),
    }
}

/// The cases every idempotent call shares: bursts, storms, rate limits, slowness, broken
/// bodies and connections, HTML from a proxy.
fn common(call: Call, unauthorized: (Expect, RangeInclusive<u64>)) -> Vec<Case> {
    use Expect::*;
    let s = call.service();
    let mut cases = vec![
        case(call, "503 burst (2)", vec![status(s, 503, 2)], Ok, 3..=3),
        case(
            call,
            "503 storm",
            vec![status(s, 503, 0)],
            Code("api"),
            4..=4,
        ),
        case(
            call,
            "500 once (not retried)",
            vec![status(s, 500, 1)],
            Code("api"),
            1..=1,
        ),
        case(
            call,
            "502 + 504",
            vec![status(s, 502, 1), status(s, 504, 1)],
            Ok,
            3..=3,
        ),
        case(
            call,
            "429 Retry-After: 1",
            vec![status(s, 429, 1).retry_after("1")],
            Ok,
            2..=2,
        )
        .check(waited_for_retry_after),
        case(
            call,
            "429 without Retry-After",
            vec![status(s, 429, 1)],
            Ok,
            2..=2,
        ),
        case(
            call,
            "429 storm without Retry-After",
            vec![status(s, 429, 0)],
            Code("rate_limited"),
            4..=4,
        ),
        case(
            call,
            "429 Retry-After: 3600",
            vec![status(s, 429, 1).retry_after("3600")],
            Code("rate_limited"),
            1..=1,
        ),
        case(
            call,
            "slower than the timeout once",
            vec![slow(s, 1)],
            Ok,
            2..=2,
        ),
        // How many attempts fit depends on the backoff drawn; never more than 1 + 3 retries.
        case(
            call,
            "slower than the timeout always",
            vec![slow(s, 0)],
            Code("timeout"),
            2..=4,
        ),
        case(
            call,
            "truncated body once",
            vec![kind(s, FaultKind::Truncated, 1)],
            Ok,
            2..=2,
        ),
        case(
            call,
            "dropped connection once",
            vec![kind(s, FaultKind::Drop, 1)],
            Ok,
            2..=2,
        ),
        case(
            call,
            "dropped connection always",
            vec![kind(s, FaultKind::Drop, 0)],
            Code("network"),
            4..=4,
        ),
        case(call, "HTML 502 page once", vec![html(s, 502)], Ok, 2..=2),
        // A 200 that is not JSON: nothing to retry, the body is unusable.
        case(
            call,
            "HTML 200 page",
            vec![html(s, 200)],
            Code("api"),
            1..=1,
        ),
        case(
            call,
            "malformed JSON (200, cut in half)",
            vec![kind(s, FaultKind::MalformedJson, 1)],
            Code("api"),
            1..=1,
        ),
    ];
    let (expect, requests) = unauthorized;
    cases.push(case(
        call,
        "401 storm",
        vec![status(s, 401, 0)],
        expect,
        requests,
    ));
    cases
}

/// `expires_in` of 0, negative and absurd, for the two token exchanges.
fn lifetimes(call: Call) -> Vec<Case> {
    let s = call.service();
    vec![
        case(
            call,
            "expires_in 0",
            vec![Fault::expires_in(s, 0)],
            Expect::Ok,
            1..=1,
        )
        .check(lifetime_from_the_token_itself),
        case(
            call,
            "expires_in -60",
            vec![Fault::expires_in(s, -60)],
            Expect::Ok,
            1..=1,
        )
        .check(lifetime_from_the_token_itself),
        case(
            call,
            "expires_in 10^12 (absurd)",
            vec![Fault::expires_in(s, 1_000_000_000_000)],
            Expect::Ok,
            1..=1,
        )
        .check(lifetime_capped_at_a_day),
    ]
}

/// Faults on requests that must never be sent twice: each one reached (or may have reached)
/// the application, so the only allowed outcome is one request and a typed error.
fn not_repeated(call: Call) -> Vec<Case> {
    use Expect::*;
    let s = call.service();
    vec![
        case(
            call,
            "503 (POST)",
            vec![status(s, 503, 1)],
            Code("api"),
            1..=1,
        ),
        case(
            call,
            "429 Retry-After: 1 (POST)",
            vec![status(s, 429, 1).retry_after("1")],
            Code("rate_limited"),
            1..=1,
        ),
        case(
            call,
            "HTML 502 page (POST)",
            vec![html(s, 502)],
            Code("api"),
            1..=1,
        ),
        case(
            call,
            "dropped connection (POST)",
            vec![kind(s, FaultKind::Drop, 1)],
            Code("network"),
            1..=1,
        ),
        case(
            call,
            "truncated body (POST)",
            vec![kind(s, FaultKind::Truncated, 1)],
            Code("network"),
            1..=1,
        ),
        case(
            call,
            "slower than the timeout (POST)",
            vec![slow(s, 1)],
            Code("timeout"),
            1..=1,
        ),
    ]
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let mut cases = Vec::new();

    cases.extend(common(Call::Token, (Code("invalid_credentials"), 1..=1)));
    cases.extend(lifetimes(Call::Token));

    cases.extend(common(Call::ApiGet, (Code("unauthorized"), 2..=2)));
    if let Some(storm) = cases.last_mut() {
        storm.check = Some(one_refresh);
    }
    cases.push(
        case(
            Call::ApiGet,
            "401 once, refresh hits 503 burst (2)",
            vec![status(Service::Api, 401, 1), status(Service::Token, 503, 2)],
            Ok,
            2..=2,
        )
        .check(|o| match o.all.get("token") {
            Some(3) => Result::Ok(()),
            other => Err(format!("token requests {other:?}, expected 3")),
        }),
    );
    cases.push(case(
        Call::ApiGet,
        "429 Retry-After: HTTP date",
        vec![status(Service::Api, 429, 1).retry_after(httpdate_in(Duration::from_secs(1)))],
        Ok,
        2..=2,
    ));
    cases.push(case(
        Call::ApiGet,
        "429 Retry-After: garbage (backoff instead)",
        vec![status(Service::Api, 429, 1).retry_after("soon, maybe")],
        Ok,
        2..=2,
    ));
    cases.push(case(
        Call::ApiGet,
        "401 once, token endpoint slow always",
        vec![status(Service::Api, 401, 1), slow(Service::Token, 0)],
        Code("timeout"),
        1..=1,
    ));

    cases.extend(not_repeated(Call::ApiPost));
    cases.push(case(
        Call::ApiPost,
        "malformed JSON (POST)",
        vec![kind(Service::Api, FaultKind::MalformedJson, 1)],
        Code("api"),
        1..=1,
    ));
    // A 401 is refused before the application runs: the one deliberate repeat of a POST.
    cases.push(
        case(
            Call::ApiPost,
            "401 once (POST): refresh, resend once",
            vec![status(Service::Api, 401, 1)],
            Ok,
            2..=2,
        )
        .check(one_refresh),
    );

    cases.push(
        case(
            Call::ApiPost,
            "401 storm (POST)",
            vec![status(Service::Api, 401, 0)],
            Code("unauthorized"),
            2..=2,
        )
        .check(one_refresh),
    );

    cases.extend(common(Call::Jwks, (Code("unauthorized"), 2..=2)));
    cases.push(case(
        Call::JwksStale,
        "503 storm: stale keys served",
        vec![status(Service::Jwks, 503, 0)],
        Ok,
        4..=4,
    ));

    cases.extend(common(Call::ScxAuth, (Code("invalid_credentials"), 1..=1)));
    cases.extend(lifetimes(Call::ScxAuth));

    cases.push(case(
        Call::ScxEvents,
        "503 burst (2)",
        vec![status(Service::Scx, 503, 2)],
        Ok,
        3..=3,
    ));
    cases.push(case(
        Call::ScxEvents,
        "401 storm",
        vec![status(Service::Scx, 401, 0)],
        Code("unauthorized"),
        2..=2,
    ));
    cases.push(case(
        Call::ScxSignUp,
        "503 (POST)",
        vec![status(Service::Scx, 503, 1)],
        Code("api"),
        1..=1,
    ));
    cases.push(case(
        Call::ScxSignUp,
        "dropped connection (POST)",
        vec![kind(Service::Scx, FaultKind::Drop, 1)],
        Code("network"),
        1..=1,
    ));

    // An API key cannot be refreshed: a 401 is final at once.
    cases.extend(common(Call::WawiGet, (Code("unauthorized"), 1..=1)));
    cases.extend(not_repeated(Call::WawiRegister));
    cases
}

/// Clients built and warmed before the faults are armed.
enum Prepared {
    Cloud(CloudClient),
    Verify(SessionVerifier, String, Option<Arc<ManualClock>>),
    Scx(ScxClient),
    Wawi(WawiClient),
    Register(String),
}

static SKU: AtomicU64 = AtomicU64::new(0);

async fn prepare(call: Call, emu: &Emulator) -> Prepared {
    match call {
        Call::Token => Prepared::Cloud(cloud(emu, http())),
        Call::ApiGet | Call::ApiPost => {
            let client = cloud(emu, http());
            client.access_token().await.unwrap();
            Prepared::Cloud(client)
        }
        Call::Jwks | Call::JwksStale => {
            let client = cloud(emu, http());
            client.access_token().await.unwrap();
            let clock = (call == Call::JwksStale).then(|| Arc::new(ManualClock::starting_now()));
            let mut config = VerifierConfig {
                verified_cache_size: 0,
                ..VerifierConfig::default()
            };
            if let Some(clock) = &clock {
                config.clock = clock.clone();
            }
            let verifier = client.session_verifier(config).unwrap();
            let token = emu
                .mint_session_token(SessionTokenSpec::default())
                .unwrap()
                .token;
            if let Some(clock) = &clock {
                // Keys fetched once, then the TTL (10 min) passes.
                verifier.verify(&token).await.unwrap();
                clock.advance(Duration::from_secs(11 * 60));
            }
            Prepared::Verify(verifier, token, clock)
        }
        Call::ScxAuth => Prepared::Scx(scx(emu, http())),
        Call::ScxEvents => {
            let client = scx(emu, http());
            client.access_token().await.unwrap();
            Prepared::Scx(client)
        }
        Call::ScxSignUp => {
            // Seller sign-up is a Seller API call: a seller's refresh token (facts §6.4).
            let client = ScxClient::builder(emu.scx_seller_refresh_token())
                .endpoints(jtl_connect::Endpoints::emulator(emu.url()).unwrap())
                .http_options(http())
                .build()
                .unwrap();
            client.access_token().await.unwrap();
            Prepared::Scx(client)
        }
        Call::WawiGet => Prepared::Wawi(wawi(emu, http())),
        Call::WawiRegister => Prepared::Register(emu.wawi_base()),
    }
}

/// Runs the call; `Ok` carries a detail for the table.
async fn invoke(call: Call, prepared: Prepared) -> Result<String, Error> {
    match (call, prepared) {
        (Call::Token, Prepared::Cloud(client)) => {
            let token = client.access_token().await?;
            Ok(format!("lifetime {} s", token.lifetime().as_secs()))
        }
        (Call::ApiGet, Prepared::Cloud(client)) => {
            let body: Value = client.get("info").await?.json()?;
            Ok(format!(
                "tenant {}",
                body["tenantId"].as_str().unwrap_or("?")
            ))
        }
        (Call::ApiPost, Prepared::Cloud(client)) => {
            let sku = format!("REL-{}", SKU.fetch_add(1, Ordering::Relaxed));
            let body: Value = client
                .post(
                    "items",
                    json!({ "sKU": sku, "name": "fault matrix", "price": 1 }),
                )
                .await?
                .json()?;
            Ok(format!("created {}", body["sKU"].as_str().unwrap_or("?")))
        }
        (Call::Jwks | Call::JwksStale, Prepared::Verify(verifier, token, _clock)) => {
            let claims = verifier.verify(&token).await?;
            Ok(format!("verified, tenant {}", claims.tenant_id))
        }
        (Call::ScxAuth, Prepared::Scx(client)) => {
            let token = client.access_token().await?;
            Ok(format!("lifetime {} s", token.lifetime().as_secs()))
        }
        (Call::ScxEvents, Prepared::Scx(client)) => {
            Ok(format!("{} events", client.events().await?.len()))
        }
        (Call::ScxSignUp, Prepared::Scx(client)) => {
            let answer = client
                .seller_sign_up("reliability", "Wawi/1.11.0.3")
                .await?;
            Ok(format!("signUpUrl {}", !answer.sign_up_url.is_empty()))
        }
        (Call::WawiGet, Prepared::Wawi(client)) => {
            let body: Value = client.get("v1/items").await?.json()?;
            Ok(format!("{} items", body["TotalItems"]))
        }
        (Call::WawiRegister, Prepared::Register(base)) => {
            let app = WawiApp {
                app_id: "com.example.reliability".into(),
                display_name: "Reliability".into(),
                description: "Fault matrix".into(),
                version: "1.0.0".into(),
                provider_name: "jtl-connect".into(),
                provider_website: "https://example.com".into(),
                mandatory_scopes: vec!["all.read".into()],
                ..WawiApp::default()
            };
            let options = RegistrationOptions {
                tenant_id: Some(jtl_emulator::config::DEMO_TENANT_ID.into()),
                http: http(),
                ..RegistrationOptions::default()
            };
            let pending = PendingRegistration::start(&base, &app, &options).await?;
            Ok(format!("request {}", pending.request_id()))
        }
        (call, _) => Err(Error::Config {
            message: format!("the matrix prepared the wrong client for {call:?}"),
        }),
    }
}

fn counts(emu: &Emulator) -> BTreeMap<&'static str, u64> {
    let stats = emu.stats();
    [
        Service::Token,
        Service::Api,
        Service::Jwks,
        Service::ScxAuth,
        Service::Scx,
        Service::Wawi,
        Service::WawiRegistration,
    ]
    .into_iter()
    .map(|s| (s.name(), stats.get(s)))
    .collect()
}

async fn run(case: &Case) -> Observed {
    let emu = emulator().await;
    let prepared = prepare(case.call, &emu).await;
    let before = counts(&emu);
    for fault in &case.faults {
        emu.inject_fault(fault.clone()).unwrap();
    }
    let started = Instant::now();
    let task = tokio::spawn(invoke(case.call, prepared));
    let abort = task.abort_handle();
    // A panic or a hang is recorded, not propagated: the table shows every case.
    let broken = |what: &'static str| {
        let outcome = Err(Error::Config {
            message: what.to_owned(),
        });
        (outcome, Some(what))
    };
    let (outcome, failure) = match tokio::time::timeout(DEADLINE + SLACK, task).await {
        Ok(Ok(outcome)) => (outcome, None),
        Ok(Err(join)) if join.is_panic() => broken("PANIC"),
        Ok(Err(_)) => broken("CANCELLED"),
        Err(_) => {
            abort.abort();
            broken("HANG")
        }
    };
    let elapsed = started.elapsed();
    let after = counts(&emu);
    let all: BTreeMap<&'static str, u64> = after
        .iter()
        .map(|(name, n)| (*name, n - before.get(name).copied().unwrap_or(0)))
        .collect();
    Observed {
        requests: all.get(case.call.service().name()).copied().unwrap_or(0),
        all,
        outcome,
        failure,
        elapsed,
    }
}

/// Why a case failed, if it did.
fn verdict(case: &Case, o: &Observed) -> Option<String> {
    if let Some(failure) = o.failure {
        return Some(failure.to_owned());
    }
    let found = match &o.outcome {
        Ok(_) => Expect::Ok,
        Err(e) => Expect::Code(e.code()),
    };
    if found != case.expect {
        return Some(format!(
            "expected {}, found {}",
            case.expect.label(),
            found.label()
        ));
    }
    if !case.requests.contains(&o.requests) {
        return Some(format!(
            "{} requests, expected {:?}",
            o.requests, case.requests
        ));
    }
    if o.elapsed > DEADLINE + SLACK {
        return Some(format!("took {:?}, past the deadline", o.elapsed));
    }
    case.check.and_then(|check| check(o).err())
}

fn describe(o: &Observed) -> String {
    match (&o.outcome, o.failure) {
        (_, Some(failure)) => failure.to_owned(),
        (Ok(detail), None) => format!("ok ({detail})"),
        (Err(e), None) => match e.status() {
            Some(status) => format!("{} ({status})", e.code()),
            None => e.code().to_owned(),
        },
    }
}

fn range(r: &RangeInclusive<u64>) -> String {
    if r.start() == r.end() {
        r.start().to_string()
    } else {
        format!("{}–{}", r.start(), r.end())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_matrix() {
    let started = Instant::now();
    let cases: Arc<Vec<Case>> = Arc::new(cases());
    let gate = Arc::new(Semaphore::new(PARALLEL));
    let mut tasks = Vec::new();
    for index in 0..cases.len() {
        let cases = cases.clone();
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire().await.unwrap();
            run(&cases[index]).await
        }));
    }
    let mut table = Table::new(
        "Fault matrix",
        &[
            "#",
            "service",
            "case",
            "expected",
            "outcome",
            "requests (expected)",
            "elapsed ms",
            "result",
        ],
    );
    let mut failures = Vec::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for (index, task) in tasks.into_iter().enumerate() {
        let case = &cases[index];
        let observed = task.await.expect("a case task panicked outside the call");
        let verdict = verdict(case, &observed);
        let outcome = match &observed.outcome {
            Ok(_) => "ok".to_owned(),
            Err(e) => e.code().to_owned(),
        };
        *outcomes.entry(outcome).or_insert(0) += 1;
        table.row([
            (index + 1).to_string(),
            case.call.label().to_owned(),
            case.name.clone(),
            case.expect.label().to_owned(),
            describe(&observed),
            format!("{} ({})", observed.requests, range(&case.requests)),
            observed.elapsed.as_millis().to_string(),
            verdict
                .clone()
                .map_or("pass".to_owned(), |v| format!("FAIL: {v}")),
        ]);
        if let Some(v) = verdict {
            failures.push(format!(
                "#{} {} / {}: {v}",
                index + 1,
                case.call.label(),
                case.name
            ));
        }
    }
    let summary = format!(
        "{} cases, {} passed, {} failed; outcomes: {}; per-call timeout {} ms, deadline {} ms (+{} ms slack); {} s in all.",
        cases.len(),
        cases.len() - failures.len(),
        failures.len(),
        outcomes
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        TIMEOUT.as_millis(),
        DEADLINE.as_millis(),
        SLACK.as_millis(),
        started.elapsed().as_secs(),
    );
    table.publish("fault-matrix.md", &summary);
    assert!(
        failures.is_empty(),
        "failed cases:\n{}",
        failures.join("\n")
    );
}
