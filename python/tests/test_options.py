"""Option names, types and defaults are the core's (issue 16): unknown keyword arguments
are `InvalidInputError` naming the option with a "did you mean", durations are seconds."""

from __future__ import annotations

from typing import Any

import pytest

import jtl_connect
from jtl_connect import CloudClient


def _client() -> CloudClient:
    return CloudClient("id", "secret")


def test_unknown_verifier_option_names_it_with_a_suggestion() -> None:
    options: dict[str, Any] = {"jwks_tll": 5}
    with pytest.raises(jtl_connect.InvalidInputError, match=r'"jwks_tll".*did you mean "jwks_ttl"'):
        _client().session_verifier(**options)
    camel: dict[str, Any] = {"verifyIssuer": False}
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "verify_issuer"'):
        _client().session_verifier(**camel)
    with pytest.raises(jtl_connect.InvalidInputError, match="app_token_verifier"):
        extra: dict[str, Any] = {"audience": ["x"]}
        _client().app_token_verifier("app", **extra)


def test_verifier_options_are_checked_by_type_and_seconds_are_floats() -> None:
    assert _client().session_verifier(verify_issuer=False, leeway=0.5, jwks_ttl=60)
    bad: dict[str, Any] = {"leeway": "soon"}
    with pytest.raises(jtl_connect.InvalidInputError, match=r"session_verifier.leeway"):
        _client().session_verifier(**bad)
    with pytest.raises(jtl_connect.InvalidInputError, match=r"http.timeout"):
        CloudClient("id", "secret", timeout=-1)


def test_option_schemas_and_error_tables_come_from_the_core() -> None:
    schemas = jtl_connect.option_schemas()
    http = {o["name"]: o for o in schemas["http"]}
    assert http["max_retries"] == {"name": "max_retries", "type": "count", "default": 3}
    names = [o["name"] for o in schemas["session_verifier"]]
    assert "verify_issuer" in names and "unknown_kid_cooldown" in names
    tables = jtl_connect._native.error_tables()
    assert "lifetime_too_long" in tables["token_invalid_reasons"]
    assert tables["error_codes"]["rate_limited"][1] == ["status", "error_code", "retry_after"]
