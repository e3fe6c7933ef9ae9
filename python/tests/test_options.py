"""Option names, types and defaults are the core's (issue 16): unknown keyword arguments
are `InvalidInputError` naming the option with a "did you mean", durations are seconds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import jtl_connect
from jtl_connect import CloudClient, aio


def bad(name: str) -> dict[str, Any]:
    """`{name: 5}`, typed loosely so mypy lets the test pass what the stubs forbid."""
    return {name: 5}


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


def test_constructors_refuse_unknown_and_mistyped_options(tmp_path: Any) -> None:
    typo: dict[str, Any] = {"tenant_idd": "t"}
    with pytest.raises(
        jtl_connect.InvalidInputError, match=r'"tenant_idd".*did you mean "tenant_id"'
    ):
        CloudClient("id", "secret", **typo)
    retry: dict[str, Any] = {"max_retry": 1}
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "max_retries"'):
        jtl_connect.ScxClient("refresh", **retry)
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "run_as"'):
        jtl_connect.WawiClient("http://127.0.0.1:1/api", "key", "app", "1.0", **bad("runas"))
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "max_retries"'):
        jtl_connect.AccountStore(tmp_path / "a.db", master_key=bytes(32), **bad("max_retires"))
    wrong: dict[str, Any] = {"timeout": "fast"}
    with pytest.raises(jtl_connect.InvalidInputError, match=r"http.timeout: expected a number"):
        CloudClient("id", "secret", **wrong)
    with pytest.raises(jtl_connect.InvalidInputError, match=r"cloud_client.accept_language"):
        CloudClient("id", "secret", **bad("accept_language"))
    with pytest.raises(jtl_connect.InvalidInputError, match=r"http.user_agent"):
        aio.CloudClient("id", "secret", user_agent="  ")


def test_every_http_option_is_taken_by_the_constructors() -> None:
    options: dict[str, Any] = {
        "timeout": 1.5,
        "deadline": 3,
        "max_retries": 0,
        "max_retry_after": 2.5,
        "user_agent": "my-app/1.0",
    }
    assert CloudClient("id", "secret", accept_language="de", **options).client_id == "id"
    assert jtl_connect.ScxClient("refresh", **options)
    assert jtl_connect.WawiClient("http://127.0.0.1:1/api", "key", "app", "1.0", **options)


def test_registration_options_are_the_cores() -> None:
    app = jtl_connect.WawiApp("com.example.x", "X", "1.0")
    typo: dict[str, Any] = {"poll_intervall": 1}
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "poll_interval"'):
        jtl_connect.register_wawi_app("http://127.0.0.1:1/api", app, tenant_id="t", **typo)
    with pytest.raises(jtl_connect.InvalidInputError, match=r"registration\.path"):
        jtl_connect.start_wawi_registration("http://127.0.0.1:1/api", app, tenant_id="t", path="v9")
    old: dict[str, Any] = {"registration_path": "v9"}
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(jtl_connect.InvalidInputError, match=r"registration\.path"),
    ):
        jtl_connect.start_wawi_registration("http://127.0.0.1:1/api", app, tenant_id="t", **old)


def test_authorization_code_client_takes_the_http_options() -> None:
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "sign_in_timeout"'):
        jtl_connect.AuthorizationCodeClient(
            "id", redirect_uri="https://app.example/cb", **bad("sign_in_timout")
        )
    client = jtl_connect.AuthorizationCodeClient(
        "id", redirect_uri="https://app.example/cb", max_retry_after=1.0, user_agent="x/1"
    )
    assert client.client_id == "id"


def test_request_methods_refuse_unknown_keyword_arguments(
    client: CloudClient, aio_client: aio.CloudClient, emulator: Any
) -> None:
    """A misspelled option of a call is the core's invalid_input with a "did you mean", not
    Python's TypeError, and nothing is sent (issue 16: unknown options are errors)."""
    before = emulator.stats()["api"]
    typo: dict[str, Any] = {"time_out": 5}
    calls: list[Callable[[], object]] = [
        lambda: client.get("info", **typo),
        lambda: client.post("items", {"sku": "x"}, **typo),
        lambda: client.request("GET", "info", **typo),
        lambda: client.delete("items/1", **typo),
    ]
    for call in calls:
        with pytest.raises(
            jtl_connect.InvalidInputError, match=r'"time_out".*did you mean "timeout"'
        ):
            call()
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "page_size"'):
        client.page("items", **bad("page_sise"))
    with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "page_size"'):
        client.paginate("items", **bad("page_sise"))
    # A schema option this method does not take is named as such.
    not_taken: dict[str, Any] = {"json": {"a": 1}}
    with pytest.raises(jtl_connect.InvalidInputError, match=r'takes no "json" option'):
        client.get("info", **not_taken)

    async def run() -> None:
        with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "timeout"'):
            await aio_client.get("info", **typo)
        with pytest.raises(jtl_connect.InvalidInputError, match='did you mean "page_size"'):
            await aio_client.page("items", **bad("page_sise"))

    asyncio.run(run())
    assert emulator.stats()["api"] == before, "nothing was sent"
