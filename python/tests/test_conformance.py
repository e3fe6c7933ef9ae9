"""The shared conformance cases (`conformance/cases/*.json`, schema in conformance/README.md),
run against the in-process emulator. Each case is one test named by its id.

The dispatcher maps the neutral call to Python: the neutral argument names are Python's
keyword names, options are keyword arguments, results are normalised to plain JSON."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import jtl_connect
from jtl_connect import AccountStore, CloudClient, Endpoints, ScxClient, WawiClient
from jtl_connect.testing import Emulator

ROOT = Path(__file__).resolve().parents[2] / "conformance"
STORE_KEY = bytes(range(32))
APP_ID, APP_VERSION = "conformance-app", "1.0.0"


def load_cases() -> list[dict[str, Any]]:
    """Every case of `conformance/cases/` (not `pending/`), in file and list order."""
    cases: list[dict[str, Any]] = []
    for file in sorted((ROOT / "cases").glob("*.json")):
        cases.extend(json.loads(file.read_text(encoding="utf-8")))
    return cases


def pending_here() -> set[str]:
    """Case ids `conformance/pending/languages.json` lists for Python: not run, not counted."""
    file = ROOT / "pending" / "languages.json"
    if not file.exists():
        return set()
    return set(json.loads(file.read_text(encoding="utf-8")).get("python", []))


ALL_CASES = load_cases()
CASES = [case for case in ALL_CASES if case["id"] not in pending_here()]


def test_enough_cases_with_unique_ids() -> None:
    ids = [case["id"] for case in ALL_CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 40, f"{len(CASES)} cases run in Python"


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case(case: dict[str, Any], emulator: Emulator, tmp_path: Path) -> None:
    Runner(emulator, tmp_path).run(case)


class Runner:
    """Runs one case: set-up through the admin API, the steps, then the expectations."""

    def __init__(self, emu: Emulator, tmp: Path) -> None:
        self.emu = emu
        self.tmp = tmp
        self.saved: dict[str, Any] = {}
        self.objects: dict[str, Any] = {}

    # -- values -------------------------------------------------------------------------

    def emu_value(self, name: str) -> Any:
        emu = self.emu
        table: dict[str, Any] = {
            "url": emu.url,
            "endpoints": emu.endpoints,
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
            "tenant_id": emu.tenant_id,
            "second_tenant_id": emu.second_tenant_id,
            "foreign_tenant_id": emu.foreign_tenant_id,
            "wawi_url": emu.wawi_url,
            "wawi_api_key": emu.wawi_api_key,
            "scx_refresh_token": emu.scx_refresh_token,
        }
        return table[name]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            if "$bytes_hex" in value:
                return bytes.fromhex(value["$bytes_hex"])
            if "$now_plus" in value:
                return int(time.time()) + int(value["$now_plus"])
            if "$repeat" in value:
                text, times = value["$repeat"]
                return str(text) * int(times)
            if "$tamper" in value:
                return tamper(str(self.resolve(value["$tamper"])))
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, str) and value.startswith("$"):
            if value.startswith("$tmp"):
                return str(self.tmp) + value[len("$tmp") :]
            head, _, rest = value[1:].partition(".")
            if head == "emu":
                return self.emu_value(rest)
            return lookup(self.saved[head], rest)
        return value

    # -- the emulator's admin API ----------------------------------------------------------

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body if body is not None else {}).encode()
        request = urllib.request.Request(
            self.emu.url + path,
            data=None if method == "GET" else data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read().decode()
        return json.loads(text) if text else None

    # -- objects -------------------------------------------------------------------------

    def builtin(self, name: str) -> Any:
        emu = self.emu
        if name == "cloud":
            return CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, emu.endpoints)
        if name == "wawi":
            return WawiClient(emu.wawi_url, emu.wawi_api_key, APP_ID, APP_VERSION)
        if name == "scx":
            return ScxClient(emu.scx_refresh_token, emu.endpoints)
        if name == "verifier":
            return self.subject("cloud").session_verifier()
        if name == "store":
            return AccountStore(self.tmp / "accounts.db", master_key=STORE_KEY)
        raise AssertionError(f"unknown object {name!r}")

    def subject(self, name: str) -> Any:
        if name not in self.objects:
            self.objects[name] = self.builtin(name)
        return self.objects[name]

    def construct(self, kind: str, args: dict[str, Any]) -> Any:
        options = dict(args.pop("options", {}))
        # Python takes the HTTP options as keyword arguments beside the others.
        options.update(options.pop("http", {}))
        if kind == "cloud_client":
            return CloudClient(**args, **options)
        if kind == "wawi_client":
            return WawiClient(**args, **options)
        if kind == "scx_client":
            return ScxClient(**args, **options)
        if kind == "account_store":
            return AccountStore(**args, **options)
        if kind == "endpoints_emulator":
            return Endpoints.emulator(args["url"])
        raise AssertionError(f"unknown constructor {kind!r}")

    def call(self, target: Any, method: str, args: dict[str, Any]) -> Any:
        if method in ("add", "update") and isinstance(target, AccountStore):
            fields = args.pop("fields", {})
            return getattr(target, method)(**args, **fields)
        if method == "session_verifier":
            return target.session_verifier(**args.get("options", {}))
        # A call's options are keyword arguments beside the others.
        options = args.pop("options", {})
        if method in ("paginate", "paginate_graphql"):
            return list(getattr(target, method)(**args, **options))
        return getattr(target, method)(**args, **options)

    # -- a case --------------------------------------------------------------------------

    def run(self, case: dict[str, Any]) -> None:
        for step in case.get("setup", []):
            answer = self.admin(step["admin"], step["path"], self.resolve(step.get("body")))
            if "as" in step:
                self.saved[step["as"]] = answer
        result: Any = None
        error: BaseException | None = None
        steps = case["steps"]
        for index, step in enumerate(steps):
            args = self.resolve(step.get("args", {}))
            try:
                if "new" in step:
                    value = self.construct(step["new"], args)
                else:
                    value = self.call(self.subject(step["on"]), step["call"], args)
            except jtl_connect.JtlError as caught:
                if index != len(steps) - 1:
                    raise AssertionError(f"step {index} failed: {caught!r}") from caught
                error = caught
                break
            if "as" in step:
                self.objects[step["as"]] = value
                self.saved[step["as"]] = normalise(value)
            result = value
        expect = case["expect"]
        if "error" in expect:
            assert error is not None, f"expected an error, got {normalise(result)!r}"
            self.check_error(expect["error"], error)
        else:
            assert error is None, f"unexpected error {error!r}"
            checks(normalise(result), self.resolve(expect.get("value", [])))
        if "stats" in expect:
            stats = self.admin("GET", "/_emulator/stats")
            for name, count in expect["stats"].items():
                assert stats[name] == count, f"stats.{name}: expected {count}, got {stats[name]}"

    def check_error(self, want: dict[str, Any], error: Any) -> None:
        want = self.resolve(want)
        message = str(error)
        got = f"{error.code}: {message}"
        if "code" in want:
            assert error.code == want["code"], got
        if "code_in" in want:
            assert error.code in want["code_in"], got
        if "status" in want:
            assert error.status == want["status"], f"status {error.status}: {got}"
        if "reason" in want:
            assert error.reason == want["reason"], f"reason {error.reason}: {got}"
        if "reason_in" in want:
            assert error.reason in want["reason_in"], f"reason {error.reason}: {got}"
        if "error_code" in want:
            assert error.error_code == want["error_code"], f"error_code {error.error_code}"
        if "retry_after" in want:
            assert error.retry_after == pytest.approx(want["retry_after"]), error.retry_after
        if "param" in want:
            assert spelled(want, "python") in message, f"parameter not named: {got}"
        if "suggestion" in want:
            hint = message[message.find("did you mean") :] if "did you mean" in message else ""
            assert want["suggestion"] in hint, f"no 'did you mean {want['suggestion']}': {got}"
        for text in want.get("message_contains", []):
            assert text in message, f"{text!r} not in {message!r}"
        for text in want.get("message_excludes", []):
            assert text not in repr(error.__dict__) and text not in message, "secret shown"
        for key in want.get("validation_error_keys", []):
            assert key in error.validation_errors, error.validation_errors


def spelled(want: dict[str, Any], language: str) -> str:
    """The parameter name as `language` spells it (Python: the neutral snake_case)."""
    by_language: dict[str, str] = want.get("param_by_language", {})
    return str(by_language.get(language, want["param"]))


def tamper(token: str) -> str:
    """The token with one character of its signature changed (conformance/README.md)."""
    head, payload, signature = token.split(".")
    at = len(signature) // 2
    swapped = "B" if signature[at] == "A" else "A"
    return f"{head}.{payload}.{signature[:at]}{swapped}{signature[at + 1 :]}"


def normalise(value: Any) -> Any:
    """A result as the neutral JSON of conformance/README.md."""
    if isinstance(value, jtl_connect.Response):
        try:
            body = value.json()
        except ValueError:
            body = None
        return {"status": value.status, "headers": value.headers, "json": body}
    if isinstance(value, jtl_connect.Page):
        return {
            "items": value.items,
            "page_number": value.page_number,
            "page_size": value.page_size,
            "total_items": value.total_items,
            "total_pages": value.total_pages,
            "next_page": value.next_page,
        }
    if isinstance(value, jtl_connect.SessionClaims):
        return {
            "tenant_id": value.tenant_id,
            "user_id": value.user_id,
            "customer_id": value.customer_id,
            "tenant_slug": value.tenant_slug,
            "expires_at": value.expires_at,
        }
    if isinstance(value, jtl_connect.Account):
        return {
            "id": value.id,
            "system": value.system,
            "name": value.name,
            "fields": value.fields,
        }
    if isinstance(value, jtl_connect.AccessToken):
        return {"token": value.expose(), "expires_at": value.expires_at}
    if isinstance(value, jtl_connect.ConnectionTest):
        return {"ok": value.ok, "status": value.status, "code": value.code}
    if isinstance(value, list):
        if value and isinstance(value[0], jtl_connect.Account):
            accounts = [normalise(a) for a in value]
            return {"accounts": accounts, "count": len(accounts)}
        return {"items": value, "count": len(value)}
    if isinstance(value, dict):
        return {"data": value}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"constructed": True}


def lookup(value: Any, path: str) -> Any:
    """`a.b.0.c` of a JSON value; a missing step gives None."""
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def checks(result: Any, wanted: list[dict[str, Any]]) -> None:
    for check in wanted:
        found = lookup(result, check["path"])
        where = f"{check['path']} = {found!r}"
        if "eq" in check:
            assert found == check["eq"], f"{where}, expected {check['eq']!r}"
        if "len" in check:
            assert found is not None and len(found) == check["len"], where
        if "gte" in check:
            assert found is not None and found >= check["gte"], where
        if "contains" in check:
            assert found is not None and check["contains"] in found, where
        if "present" in check:
            assert (found is not None) == check["present"], where
