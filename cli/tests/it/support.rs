//! The harness: an in-process emulator on its own runtime, a temporary account database,
//! and the real `jtl-connect` binary run with a clean environment.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    sync::atomic::{AtomicU32, Ordering},
};

use jtl_emulator::{ClientSpec, Emulator};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_jtl-connect");
/// A client registered in every harness, with a secret the tests look for in the output.
pub const CLIENT_ID: &str = "cli-test-client";
pub const CLIENT_SECRET: &str = "cli-test-secret-5f1b9e7d2a";
pub const TENANT: &str = "00000000-0000-4000-8000-000000000001";
pub const SECOND_TENANT: &str = "00000000-0000-4000-8000-000000000002";
pub const FOREIGN_TENANT: &str = "00000000-0000-4000-8000-00000000000f";

const MASTER_KEY: &str = "8f2c1e0d9b7a65543210fedcba98765432100123456789abcdef0123456789ab";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Every environment variable the binary reads: cleared so the caller's shell cannot leak in.
const CLEARED: [&str; 8] = [
    "JTL_CLIENT_ID",
    "JTL_CLIENT_SECRET",
    "JTL_TENANT_ID",
    "JTL_ENVIRONMENT",
    "JTL_CONNECT_DB",
    "JTL_CONNECT_MASTER_KEY",
    "JTL_EMULATOR_PORT",
    "XDG_DATA_HOME",
];

pub struct Harness {
    // Dropped first: the emulator stops before its runtime does.
    pub emu: Emulator,
    runtime: tokio::runtime::Runtime,
    pub dir: PathBuf,
}

impl Harness {
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emu = runtime.block_on(Emulator::start()).unwrap();
        emu.register_client(ClientSpec {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            tenants: vec![TENANT.into(), SECOND_TENANT.into()],
            scopes: None,
        })
        .unwrap();
        let dir = std::env::temp_dir().join(format!(
            "jtl-connect-cli-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { emu, runtime, dir }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.join("accounts.db")
    }

    /// The binary with a clean environment, this harness's database and master key.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        for name in CLEARED {
            cmd.env_remove(name);
        }
        cmd.env("JTL_CONNECT_DB", self.db())
            .env("JTL_CONNECT_MASTER_KEY", MASTER_KEY)
            .env("HOME", &self.dir)
            .args(args);
        cmd
    }

    /// Like [`Harness::cmd`], with Cloud credentials of the emulator in the environment.
    pub fn cloud(&self, args: &[&str]) -> Command {
        let mut cmd = self.cmd(args);
        cmd.env("JTL_CLIENT_ID", CLIENT_ID)
            .env("JTL_CLIENT_SECRET", CLIENT_SECRET)
            .env("JTL_TENANT_ID", TENANT)
            .env("JTL_ENVIRONMENT", self.emu.url());
        cmd
    }

    /// Adds a jtl-cloud account `name` for the test client, the secret on stdin.
    pub fn add_cloud_account(&self, name: &str, secret: &str) -> Run {
        let url = self.emu.url().to_owned();
        let run = run_with(
            self.cmd(&[
                "accounts",
                "add",
                "jtl-cloud",
                name,
                "--client-id",
                CLIENT_ID,
                "--tenant-id",
                TENANT,
                "--environment",
                &url,
                "--secret-stdin",
            ]),
            &format!("{secret}\n"),
        );
        run
    }

    /// Adds a jtl-wawi account `name` with the emulator's demo API key.
    pub fn add_wawi_account(&self, name: &str) -> Run {
        let base = self.emu.wawi_base();
        run_with(
            self.cmd(&[
                "accounts",
                "add",
                "jtl-wawi",
                name,
                "--base-url",
                &base,
                "--app-id",
                "com.example.cli/1.0.0",
                "--app-version",
                "1.0.0",
                "--secret-stdin",
            ]),
            &format!("{}\n", self.emu.wawi_api_key()),
        )
    }

    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What one run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// stderr as JSON (`--json` errors).
    #[track_caller]
    pub fn error_json(&self) -> Value {
        serde_json::from_str(&self.stderr)
            .unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{}", self.stderr))
    }

    /// Asserts that `secret` appears in neither stream.
    #[track_caller]
    pub fn no_secret(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "the secret was printed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs `cmd` with stdin closed.
pub fn run(mut cmd: Command) -> Run {
    Run::from(cmd.stdin(Stdio::null()).output().unwrap())
}

/// Runs `cmd` with `input` on stdin.
pub fn run_with(mut cmd: Command, input: &str) -> Run {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    Run::from(child.wait_with_output().unwrap())
}

/// The lines of a file.
pub fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The documented exit codes (cli/README.md), as a script sees them.
pub mod exit {
    pub const OK: i32 = 0;
    pub const USAGE: i32 = 2;
    pub const INPUT: i32 = 3;
    pub const AUTH: i32 = 4;
    pub const API: i32 = 5;
    pub const VERIFY: i32 = 6;
    pub const STORE: i32 = 7;
}
