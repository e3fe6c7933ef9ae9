//! [`EmulatorProcess`]: the emulator of JTL's servers as a child process, for tests.
//!
//! The Python (`jtl_connect.testing.Emulator`) and Node (`startEmulator()`) test helpers run
//! the emulator binary instead of linking it, so that the wheel and the addon do not carry
//! its HTTP and GraphQL servers (~1.3 MiB each). The child is started with
//! `--child --options-json <options>`: it prints its demo values (`url`, `client_id`, ...;
//! what `jtl_emulator::Emulator::demo` answers) as one JSON line, and exits when its stdin
//! reaches end of file, so a test process that dies leaves no emulator behind. Every admin
//! operation goes to `POST <url>/_emulator/control/{op}`, which runs the emulator's own
//! `Emulator::control`: the arguments are parsed and checked there, once for every language.
//!
//! Which binary: `JTL_EMULATOR_BIN` (a path to `jtl-emulator` or to the `jtl-connect` CLI,
//! whose `jtl-connect emulator` is the same emulator), else `jtl-emulator` on `PATH`, else
//! `jtl-connect` on `PATH`.
//!
//! ```no_run
//! # async fn demo() -> jtl_connect::Result<()> {
//! use jtl_connect::{options::Case, testing::EmulatorProcess};
//! let emulator = EmulatorProcess::start(serde_json::json!({"port": 0})).await?;
//! let stats = emulator.control("stats", serde_json::Value::Null, Case::Snake).await?;
//! assert_eq!(stats["token"], 0);
//! emulator.shutdown().await?;
//! # Ok(()) }
//! ```

use std::{
    ffi::{OsStr, OsString},
    path::{Path, PathBuf},
    process::Stdio,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use serde_json::{Map, Value};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, BufReader},
    process::{Child, ChildStdin, Command},
};

use crate::{
    http::{HttpOptions, Transport},
    options::{camel_case, Case},
    ApiDetail, Error, Result,
};

/// The environment variable naming the emulator binary (the same one the Kotlin and Swift
/// tests read).
pub const BINARY_ENV: &str = "JTL_EMULATOR_BIN";

/// How long the child may take to print its first line (a debug build on a busy machine
/// takes well under a second).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one admin operation may take.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of the child's stderr is kept for error messages (its end).
const STDERR_KEPT: usize = 4096;

/// How to install the emulator, for the error when it is not found.
const HOW_TO_GET: &str = "install it with `cargo install --locked --path emulator` from a \
checkout of jtl-connect, or unpack the CLI tarball (jtl-connect-<version>-<target>.tar.gz, from \
`make dist` or the release) and put its `jtl-connect` on PATH or set JTL_EMULATOR_BIN to it";

/// The program to run: a binary and the arguments before the emulator's own flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmulatorBinary {
    /// The executable.
    pub path: PathBuf,
    /// `["emulator"]` for the `jtl-connect` CLI, none for `jtl-emulator`.
    pub prefix: Vec<String>,
}

impl EmulatorBinary {
    /// The emulator to run, found as the module docs say ([`BINARY_ENV`], then `PATH`).
    /// A `config` error says where it looked and how to get the emulator.
    pub fn find() -> Result<Self> {
        Self::find_in(
            std::env::var_os(BINARY_ENV),
            std::env::var_os("PATH").unwrap_or_default(),
        )
    }

    /// [`EmulatorBinary::find`] with the environment given (for tests).
    pub fn find_in(configured: Option<OsString>, path: OsString) -> Result<Self> {
        if let Some(configured) = configured.filter(|c| !c.is_empty()) {
            let given = PathBuf::from(&configured);
            let found = if given.components().count() > 1 {
                given.is_file().then_some(given.clone())
            } else {
                on_path(&path, &configured)
            };
            return found.map(Self::for_path).ok_or_else(|| {
                Error::config(format!(
                    "{BINARY_ENV} is {}, which is not an executable file; it must name the \
                     jtl-emulator binary or the jtl-connect CLI: {HOW_TO_GET}",
                    given.display()
                ))
            });
        }
        for name in ["jtl-emulator", "jtl-connect"] {
            if let Some(found) = on_path(&path, OsStr::new(name)) {
                return Ok(Self::for_path(found));
            }
        }
        let dirs = std::env::split_paths(&path).count();
        Err(Error::config(format!(
            "the emulator of JTL's servers was not found: {BINARY_ENV} is not set, and neither \
             jtl-emulator nor jtl-connect is on PATH ({dirs} directories searched); {HOW_TO_GET}"
        )))
    }

    fn for_path(path: PathBuf) -> Self {
        let cli = path
            .file_stem()
            .and_then(OsStr::to_str)
            .is_some_and(|stem| stem.starts_with("jtl-connect"));
        Self {
            path,
            prefix: if cli {
                vec!["emulator".to_owned()]
            } else {
                Vec::new()
            },
        }
    }
}

/// `name` in one of the directories of `path`, as an executable file.
fn on_path(path: &OsStr, name: &OsStr) -> Option<PathBuf> {
    let mut file = PathBuf::from(name);
    if !std::env::consts::EXE_SUFFIX.is_empty() && file.extension().is_none() {
        file.set_extension(std::env::consts::EXE_EXTENSION);
    }
    std::env::split_paths(path)
        .map(|dir| dir.join(&file))
        .find(|candidate| executable(candidate))
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// The running child and its stdin (closing stdin stops it).
struct Running {
    child: Child,
    _stdin: Option<ChildStdin>,
}

/// An emulator of JTL's servers running as a child process on a loopback port. It is killed
/// on [`EmulatorProcess::shutdown`], when dropped, and (it watches its stdin) when this
/// process exits in any way.
pub struct EmulatorProcess {
    running: Mutex<Option<Running>>,
    demo: Value,
    url: String,
    binary: EmulatorBinary,
    stderr: Arc<Mutex<Vec<u8>>>,
    client: Arc<reqwest::Client>,
}

impl std::fmt::Debug for EmulatorProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorProcess")
            .field("url", &self.url)
            .field("binary", &self.binary.path)
            .finish()
    }
}

impl EmulatorProcess {
    /// Finds the binary ([`EmulatorBinary::find`]) and starts an emulator from `options`:
    /// `{port, host, settings}`, each optional, as `jtl_emulator::Emulator::start_from` takes
    /// them (`null` for the defaults: a free port). Must be called within a tokio runtime.
    /// Invalid options give the emulator's `invalid_input` error.
    pub async fn start(options: Value) -> Result<Self> {
        Self::start_binary(EmulatorBinary::find()?, options).await
    }

    /// [`EmulatorProcess::start`] with this binary.
    pub async fn start_binary(binary: EmulatorBinary, options: Value) -> Result<Self> {
        let client = Transport::new(HttpOptions::default())?.shared_client()?;
        let mut child = Command::new(&binary.path)
            .args(&binary.prefix)
            .arg("--child")
            .arg("--options-json")
            .arg(options.to_string())
            // The options say the port; an inherited JTL_EMULATOR_PORT would conflict.
            .env_remove("JTL_EMULATOR_PORT")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                Error::config(format!(
                    "could not start the emulator {}: {e}",
                    binary.path.display()
                ))
            })?;
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(pipe) = child.stderr.take() {
            tokio::spawn(keep_tail(pipe, stderr.clone()));
        }
        let stdin = child.stdin.take();
        let first = match child.stdout.take() {
            Some(stdout) => {
                let mut line = String::new();
                let mut reader = BufReader::new(stdout);
                let read = reader.read_line(&mut line);
                match tokio::time::timeout(START_TIMEOUT, read).await {
                    Ok(Ok(_)) => line,
                    Ok(Err(e)) => {
                        return Err(Error::config(format!(
                            "could not read the first line of the emulator {}: {e}",
                            binary.path.display()
                        )))
                    }
                    Err(_) => {
                        return Err(Error::Timeout {
                            message: format!(
                                "the emulator {} printed nothing within {} s",
                                binary.path.display(),
                                START_TIMEOUT.as_secs()
                            ),
                        })
                    }
                }
            }
            None => String::new(),
        };
        let demo = match serde_json::from_str::<Value>(first.trim()) {
            Ok(Value::Object(map)) if map.contains_key("error") => {
                let _ = child.wait().await;
                return Err(control_error(0, &Value::Object(map)));
            }
            Ok(demo @ Value::Object(_)) if demo["url"].is_string() => demo,
            _ => {
                // Not the child mode's line: an old binary, a wrong one, or it crashed.
                let status = tokio::time::timeout(Duration::from_secs(2), child.wait()).await;
                // Let the stderr reader catch up with what the child wrote before it exited.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let said = tail_text(&stderr);
                let status = match status {
                    Ok(Ok(status)) => format!("it exited with {status}"),
                    _ => "it kept running and was killed".to_owned(),
                };
                return Err(Error::config(format!(
                    "the emulator {} did not start ({status}; expected a JSON line with `url`, \
                     found {:?}){}; it must be a jtl-emulator or jtl-connect of this version \
                     (with --child): {HOW_TO_GET}",
                    binary.path.display(),
                    first.trim(),
                    if said.is_empty() {
                        String::new()
                    } else {
                        format!("; its stderr: {said}")
                    }
                )));
            }
        };
        let url = demo["url"].as_str().unwrap_or_default().to_owned();
        Ok(Self {
            running: Mutex::new(Some(Running {
                child,
                _stdin: stdin,
            })),
            demo,
            url,
            binary,
            stderr,
            client,
        })
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The binary that runs this emulator.
    pub fn binary(&self) -> &EmulatorBinary {
        &self.binary
    }

    /// The demo credentials and URLs, with snake_case keys: `url`, `client_id`,
    /// `client_secret`, `tenant_id`, `second_tenant_id`, `foreign_tenant_id`, `wawi_api_key`,
    /// `wawi_url`, `scx_refresh_token`, `scx_seller_refresh_token`, `app_id`, `app_issuer`,
    /// `customer_id`.
    pub fn demo(&self) -> &Value {
        &self.demo
    }

    /// [`EmulatorProcess::demo`] with the keys spelled as `case` says.
    pub fn demo_in(&self, case: Case) -> Value {
        match (&self.demo, case) {
            (Value::Object(map), Case::Camel) => Value::Object(
                map.iter()
                    .map(|(k, v)| (camel_case(k), v.clone()))
                    .collect::<Map<_, _>>(),
            ),
            (demo, _) => demo.clone(),
        }
    }

    /// Whether the child still runs (false after [`EmulatorProcess::shutdown`], or if it
    /// exited on its own).
    pub fn running(&self) -> bool {
        let mut slot = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_mut()
            .is_some_and(|r| matches!(r.child.try_wait(), Ok(None)))
    }

    /// The process id of the child, while it runs.
    pub fn pid(&self) -> Option<u32> {
        let slot = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        slot.as_ref().and_then(|r| r.child.id())
    }

    /// Runs the emulator's admin operation `op` (see `jtl_emulator::Emulator::control` for
    /// the list) with `args` (an object with keys in either spelling, or `null`), answering
    /// its JSON with top-level keys spelled as `case` says. The emulator's errors come back
    /// as `invalid_input`, `not_found` and `conflict`, as from an emulator in-process.
    pub async fn control(&self, op: &str, args: Value, case: Case) -> Result<Value> {
        let case_name = match case {
            Case::Snake => "snake",
            Case::Camel => "camel",
        };
        let url = format!(
            "{}/_emulator/control/{}?case={case_name}",
            self.url,
            encode_segment(op)
        );
        let sent = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(args.to_string())
            .timeout(CONTROL_TIMEOUT)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => return Err(self.unreachable(op, &e.to_string())),
        };
        let status = response.status().as_u16();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => return Err(self.unreachable(op, &e.to_string())),
        };
        let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if status == 200 {
            if let Value::Object(mut map) = answer {
                if let Some(result) = map.remove("result") {
                    return Ok(result);
                }
            }
            return Err(Error::config(format!(
                "the emulator {} answered {op} without a result; is it of this version?",
                self.binary.path.display()
            )));
        }
        Err(control_error(status, &answer))
    }

    /// A `network` error for an emulator that did not answer, with what it wrote on stderr.
    fn unreachable(&self, op: &str, why: &str) -> Error {
        let said = tail_text(&self.stderr);
        let exited = if self.running() {
            String::new()
        } else {
            " (it is no longer running)".to_owned()
        };
        Error::network(format!(
            "the emulator at {} did not answer {op}{exited}: {why}{}",
            self.url,
            if said.is_empty() {
                String::new()
            } else {
                format!("; its stderr: {said}")
            }
        ))
    }

    /// Kills the child and waits until it has exited (its port is then closed). Calling it
    /// again does nothing.
    pub async fn shutdown(&self) -> Result<()> {
        let taken = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(mut running) = taken {
            // Killing is immediate; the emulator keeps no state worth a graceful stop.
            let _ = running.child.start_kill();
            running.child.wait().await.map_err(|e| {
                Error::config(format!("could not wait for the emulator to exit: {e}"))
            })?;
        }
        Ok(())
    }
}

/// `op` as one URL path segment (operation names are plain words; anything else is sent
/// escaped so the emulator names it in its error).
fn encode_segment(op: &str) -> String {
    url::form_urlencoded::byte_serialize(op.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The core error for an emulator error answer `{"error": code, "message": ...}`.
fn control_error(status: u16, answer: &Value) -> Error {
    let message = answer["message"]
        .as_str()
        .unwrap_or("the emulator answered an error without a message")
        .to_owned();
    // As the bindings mapped the in-process emulator's errors (no HTTP detail: the
    // emulator's admin API is not JTL).
    let detail = ApiDetail::default();
    match answer["error"].as_str() {
        Some("invalid_input") => Error::InvalidInput { message },
        Some("not_found") => Error::NotFound { message, detail },
        Some("conflict") => Error::Conflict { message, detail },
        Some(_) => Error::config(message),
        None => Error::config(format!(
            "the emulator answered HTTP {status} with no error code: {}",
            answer
        )),
    }
}

/// Reads `pipe` to its end, keeping the last [`STDERR_KEPT`] bytes in `into`.
async fn keep_tail(mut pipe: tokio::process::ChildStderr, into: Arc<Mutex<Vec<u8>>>) {
    let mut buffer = [0u8; 1024];
    while let Ok(n) = pipe.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        let mut kept = into.lock().unwrap_or_else(PoisonError::into_inner);
        kept.extend_from_slice(&buffer[..n]);
        let excess = kept.len().saturating_sub(STDERR_KEPT);
        kept.drain(..excess);
    }
}

fn tail_text(kept: &Mutex<Vec<u8>>) -> String {
    let kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
    String::from_utf8_lossy(&kept).trim().to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::ffi::OsString;

    use super::EmulatorBinary;

    fn message(result: crate::Result<EmulatorBinary>) -> String {
        let error = result.expect_err("not found");
        assert_eq!(error.code(), "config");
        error.to_string()
    }

    #[test]
    fn not_found_says_where_it_looked_and_how_to_get_it() {
        let empty = tempfile_dir("empty");
        let text = message(EmulatorBinary::find_in(None, empty.clone().into()));
        assert!(text.contains("JTL_EMULATOR_BIN is not set"), "{text}");
        assert!(
            text.contains("neither jtl-emulator nor jtl-connect is on PATH"),
            "{text}"
        );
        assert!(
            text.contains("cargo install --locked --path emulator"),
            "{text}"
        );
        assert!(text.contains("make dist"), "{text}");

        let missing = empty.join("no-such-emulator");
        let text = message(EmulatorBinary::find_in(
            Some(missing.clone().into()),
            OsString::new(),
        ));
        assert!(text.contains(&missing.display().to_string()), "{text}");
        assert!(text.contains("JTL_EMULATOR_BIN is"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn path_lookup_prefers_jtl_emulator_and_runs_the_cli_as_jtl_connect_emulator() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile_dir("path");
        let make = |name: &str, mode: u32| {
            let file = dir.join(name);
            std::fs::write(&file, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
            file
        };
        // Not executable: not taken.
        make("jtl-emulator", 0o644);
        let cli = make("jtl-connect", 0o755);
        let found = EmulatorBinary::find_in(None, dir.clone().into()).unwrap();
        assert_eq!(found.path, cli);
        assert_eq!(found.prefix, ["emulator"]);

        let emulator = make("jtl-emulator", 0o755);
        let found = EmulatorBinary::find_in(None, dir.clone().into()).unwrap();
        assert_eq!((found.path, found.prefix.len()), (emulator.clone(), 0));

        // The variable wins over PATH, as a path or as a name looked up on PATH.
        let found = EmulatorBinary::find_in(Some(cli.clone().into()), OsString::new()).unwrap();
        assert_eq!(
            (found.path, found.prefix),
            (cli, vec!["emulator".to_owned()])
        );
        let found =
            EmulatorBinary::find_in(Some("jtl-emulator".into()), dir.clone().into()).unwrap();
        assert_eq!(found.path, emulator);
    }

    /// A fresh directory under the system's temporary directory.
    fn tempfile_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "jtl-connect-testing-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
