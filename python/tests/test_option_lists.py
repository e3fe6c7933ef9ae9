"""The options Python exposes (keyword arguments) against the core's option schemas.

The core's list is its single source, `core/src/options.rs` (the `Schema` tables that
`jtl_connect::options::schemas()` serialises); where the native module exports
`option_schemas()` too, it must say the same. Known differences are listed in
`conformance/pending/option-lists.json`; the test fails on any other difference, and also
when a listed one has gone (so the list is kept true)."""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jtl_connect

ROOT = Path(__file__).resolve().parents[2]


def core_schemas() -> dict[str, list[str]]:
    """`{schema name: [option names]}` from the core's `Schema` constants."""
    text = (ROOT / "core" / "src" / "options.rs").read_text(encoding="utf-8")
    # Only the schemas of `ALL` (what `schemas()` serialises); the others are for one language.
    listed = re.search(r"pub const ALL: &\[Schema\] = &\[(.*?)\];", text, re.S)
    assert listed is not None, "options.rs has no ALL list"
    in_all = set(re.findall(r"\w+", listed.group(1)))
    schemas: dict[str, list[str]] = {}
    for block in re.finditer(
        r'pub const (\w+): Schema\s*=\s*Schema\s*\{\s*name:\s*"(\w+)",\s*options:\s*&\[(.*?)\],',
        text,
        re.S,
    ):
        if block.group(1) in in_all:
            schemas[block.group(2)] = re.findall(r'opt\("(\w+)"', block.group(3))
    assert {"http", "session_verifier", "cloud_client"} <= schemas.keys(), schemas.keys()
    return schemas


STUBS = ROOT / "python" / "python" / "jtl_connect" / "_native.pyi"


def stub_parameters(owner: str | None, name: str) -> set[str]:
    """Parameter names of `owner.name` (or the function `name`) as the stubs declare them."""
    tree = ast.parse(STUBS.read_text(encoding="utf-8"))
    scope: list[ast.stmt] = tree.body
    if owner is not None:
        scope = next(n.body for n in tree.body if isinstance(n, ast.ClassDef) and n.name == owner)
    for node in scope:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            a = node.args
            return {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
    raise AssertionError(f"{owner}.{name} is not in the stubs")


def parameters(function: Callable[..., Any], *leave_out: str) -> set[str]:
    """The keyword arguments a user can pass: the runtime signature, or where the native
    function takes `**options` (checked by the core's schema), the stubs' declaration."""
    signature = inspect.signature(function)
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        owner, _, name = function.__qualname__.rpartition(".")
        if isinstance(function, type):  # a constructor: the stubs declare `__new__`
            owner, name = function.__qualname__, "__new__"
        names = stub_parameters(owner or None, name)
    else:
        names = set(signature.parameters)
    return names - {"self", "cls"} - set(leave_out)


def python_options() -> dict[str, set[str]]:
    """What each core schema is in Python. The HTTP options are keyword arguments of each
    client (so `http` stands for them), pagination is `page`, request is `request`."""
    c = jtl_connect
    return {
        "session_verifier": parameters(c.CloudClient.session_verifier),
        "app_token_verifier": parameters(c.CloudClient.app_token_verifier, "app_id"),
        "cloud_client": parameters(c.CloudClient),
        "wawi_client": parameters(c.WawiClient),
        "scx_client": parameters(c.ScxClient),
        "registration": parameters(c.register_wawi_app, "base_url", "app"),
        "account_store": parameters(c.AccountStore),
        "pagination": parameters(c.CloudClient.page, "path"),
        "request": parameters(c.CloudClient.request, "method", "path"),
    }


def expected(schemas: dict[str, list[str]], name: str) -> set[str]:
    names = set(schemas[name])
    if "http" in names:  # Python takes the HTTP options flat, beside the others
        names = (names - {"http"}) | set(schemas["http"])
    return names


def test_python_options_match_the_core() -> None:
    schemas = core_schemas()
    if hasattr(jtl_connect, "option_schemas"):
        native = jtl_connect.option_schemas()
        assert {k: [o["name"] for o in v] for k, v in native.items()} == schemas
    pending = json.loads((ROOT / "conformance" / "pending" / "option-lists.json").read_text())
    known = pending.get("python", {})
    found: dict[str, dict[str, list[str]]] = {}
    for name, exposed in python_options().items():
        want = expected(schemas, name)
        missing, extra = sorted(want - exposed), sorted(exposed - want)
        if missing or extra:
            found[name] = {"missing": missing, "extra": extra}
    assert found == known, (
        "Python's options differ from the core's (missing: the core has it, Python lacks it; "
        f"extra: Python has it, the core lacks it): {json.dumps(found, indent=1)}"
    )
