"""The emulator for the benchmarks: the release `jtl-emulator` binary as a child process, so
it never shares the GIL, the tokio runtime or the allocator with the client being measured
(the in-process `jtl_connect.testing.Emulator` did: its work counted against whichever
library was being timed). `run.sh` builds it (`cargo build --release -p jtl-emulator`);
`JTL_EMULATOR_BIN` names another binary.

The same attributes the benchmarks used from `testing.Emulator`: `endpoints`, `client_id`,
`client_secret`, `tenant_id`, `mint_session_token(**spec)` (over the admin API) and `close()`.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import requests

from jtl_connect import Endpoints

ROOT = Path(__file__).resolve().parents[2]


def binary() -> Path:
    if os.environ.get("JTL_EMULATOR_BIN"):
        return Path(os.environ["JTL_EMULATOR_BIN"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "jtl-emulator"


class ProcessEmulator:
    """`jtl-emulator --port 0 ...` until `close()`."""

    def __init__(self, *, latency_ms: int = 0, rate_limit: int = 4_000_000_000, token_lifetime_secs: int = 3600) -> None:
        exe = binary()
        if not exe.exists():
            raise SystemExit(f"{exe} is missing: run `cargo build --release -p jtl-emulator` (run.sh does)")
        args = [str(exe), "--port", "0", "--latency-ms", str(latency_ms), "--rate-limit", str(rate_limit),
                "--token-lifetime", str(token_lifetime_secs)]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()  # the contract: "listening on <url>"
        if not first.startswith("listening on "):
            self.process.kill()
            raise SystemExit(f"jtl-emulator did not start: {first!r}")
        self.url = first.removeprefix("listening on ").rstrip("/")
        self.admin = requests.Session()
        summary = self.admin.get(f"{self.url}/_emulator").json()
        self.client_id: str = summary["client_id"]
        self.client_secret: str = summary["client_secret"]
        self.tenant_id: str = summary["tenant_id"]
        self.endpoints = Endpoints.emulator(self.url)

    def mint_session_token(self, **spec: Any) -> SimpleNamespace:
        answer = self.admin.post(f"{self.url}/_emulator/session-tokens", json=spec)
        answer.raise_for_status()
        return SimpleNamespace(**answer.json())

    def close(self) -> None:
        self.admin.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
