"""jtl_connect.testing.Emulator runs the emulator binary as a child process (issue 17: the
emulator is no longer inside the wheel): how it is found, that it dies with the test process,
and that its errors are the same exceptions as before."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import jtl_connect
from jtl_connect import WawiApp, start_wawi_registration
from jtl_connect.testing import Emulator


def _accepts(url: str) -> bool:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def _closed_within(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _accepts(url):
            return True
        time.sleep(0.05)
    return False


def test_a_missing_binary_says_where_it_looked_and_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such" / "jtl-emulator"
    monkeypatch.setenv("JTL_EMULATOR_BIN", str(missing))
    with pytest.raises(jtl_connect.ConfigError, match=r"JTL_EMULATOR_BIN is .*no-such"):
        Emulator()
    monkeypatch.delenv("JTL_EMULATOR_BIN")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(jtl_connect.ConfigError) as caught:
        Emulator()
    message = str(caught.value)
    assert "neither jtl-emulator nor jtl-connect is on PATH" in message
    assert "cargo install --locked --path emulator" in message
    assert "make dist" in message


def test_the_cli_binary_serves_as_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    """`JTL_EMULATOR_BIN` may name `jtl-connect` (the CLI tarball): `jtl-connect emulator`."""
    configured = os.environ.get("JTL_EMULATOR_BIN")
    found = Path(configured).with_name("jtl-connect") if configured else None
    binary = str(found) if found and found.is_file() else shutil.which("jtl-connect")
    if binary is None:
        pytest.fail("jtl-connect is missing: python/scripts/test.sh builds it next to jtl-emulator")
    monkeypatch.setenv("JTL_EMULATOR_BIN", binary)
    with Emulator(rate_limit=4) as emu:
        assert emu.settings()["rate_limit"] == 4
        client = jtl_connect.CloudClient(
            emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints
        )
        assert client.get("info").status == 200


def test_a_killed_test_process_leaves_no_emulator_behind() -> None:
    script = (
        "import sys, time\n"
        "from jtl_connect.testing import Emulator\n"
        "emu = Emulator()\n"
        "print(emu.url, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        url = parent.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        assert _accepts(url)
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    assert _closed_within(url, 10), "the emulator outlived the process that started it"


def test_close_stops_the_child_at_once() -> None:
    emu = Emulator()
    assert _accepts(emu.url)
    emu.close()
    assert not _accepts(emu.url)


def test_errors_are_the_same_exceptions(emulator: Emulator) -> None:
    with pytest.raises(jtl_connect.InvalidInputError, match="unknown field `bogus`"):
        Emulator(port=0, **{"bogus": 1}).close()
    with pytest.raises(jtl_connect.InvalidInputError, match="no_such_setting"):
        emulator.update_settings(no_such_setting=1)
    with pytest.raises(jtl_connect.NotFoundError, match="no-such-registration"):
        emulator.approve_wawi_registration("no-such-registration")
    app = WawiApp(
        "com.example.python-twice",
        "Approved twice",
        "1.0.0",
        description="approved twice in jtl-connect's Python tests",
        provider_name="Example",
        provider_website="https://example.com",
        mandatory_scopes=["items.read"],
    )
    pending = start_wawi_registration(emulator.wawi_url, app, tenant_id=emulator.tenant_id)
    emulator.approve_wawi_registration(pending.request_id)
    with pytest.raises(jtl_connect.ConflictError):
        emulator.approve_wawi_registration(pending.request_id)
