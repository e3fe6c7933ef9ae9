"""Issue 14.3: a hostile server (the emulator's `echo` fault) repeats the client's
credentials in every field of its error answer, in every dialect; no attribute of the
exception may carry one: not `str`, `repr`, `args`, `message`, `error_code`, a
`validation_errors` key or value, nor anything else in `vars()`.

Covered: Cloud (client secret, its HTTP Basic value, access token), Wawi (API key),
SCX (refresh token, auth token)."""

from __future__ import annotations

import base64
import pickle
import urllib.parse
from collections.abc import Iterator
from typing import Any, Literal

import pytest

import jtl_connect
from jtl_connect.testing import Emulator

Shape = Literal["erp", "wawi", "oauth", "scx", "problem", "text", "cut"]
SHAPES: list[Shape | None] = [None, "erp", "wawi", "oauth", "scx", "problem", "text", "cut"]
ODD_ID = "py-redaction-client"
ODD_SECRET = 'Pq7/+ sécret=&"x\\y-3Gh8kLm2'


def texts(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string reachable from `value`: keys, values, items, attributes."""
    if depth > 5:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(key, depth + 1)
            yield from texts(item, depth + 1)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from texts(item, depth + 1)
    elif isinstance(value, BaseException):
        yield str(value)
        yield repr(value)
        yield from texts(value.args, depth + 1)
        yield from texts(vars(value), depth + 1)
        for name in dir(value):
            if not name.startswith("__"):
                attribute = getattr(value, name)
                if not callable(attribute):
                    yield from texts(attribute, depth + 1)
        # What a pickled exception carries (multiprocessing) is searched as bytes below.
        yield pickle.dumps(value).decode("latin-1")


def forms(secret: str, client_id: str | None = None) -> list[str]:
    found = [
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        base64.b64encode(secret.encode()).decode(),
    ]
    if client_id is not None:
        pair = f"{client_id}:{secret}".encode()
        found.append(pair.decode())
        for encoded in (base64.b64encode(pair), base64.urlsafe_b64encode(pair)):
            found.append(encoded.decode())
            found.append(encoded.decode().rstrip("="))
    return found


def assert_clean(what: str, error: BaseException, secrets: list[tuple[str, str | None]]) -> None:
    """No form of a secret, and no 8 consecutive characters of one that are not also part
    of the public client id (a prefix a cut left behind)."""
    assert isinstance(error, jtl_connect.JtlError), what
    for text in texts(error):
        for secret, client_id in secrets:
            for form in forms(secret, client_id):
                assert form not in text, f"{what}: {form!r} in {text!r}"
            pickled = [form.encode().decode("latin-1") for form in forms(secret, client_id)]
            for form in pickled:
                assert form not in text, f"{what}: {form!r} in {text!r}"
            for start in range(len(secret) - 7):
                piece = secret[start : start + 8]
                if client_id is not None and piece in client_id:
                    continue
                assert piece not in text, f"{what}: {piece!r} of a secret in {text!r}"


def odd_cloud(emulator: Emulator) -> jtl_connect.CloudClient:
    emulator.register_client(ODD_ID, ODD_SECRET, [emulator.tenant_id])
    return jtl_connect.CloudClient(ODD_ID, ODD_SECRET, emulator.tenant_id, emulator.endpoints)


@pytest.mark.parametrize("shape", SHAPES)
def test_token_endpoint_echo(emulator: Emulator, shape: Shape | None) -> None:
    cases = [
        (emulator.client_id, emulator.client_secret),
        (ODD_ID, ODD_SECRET),
    ]
    emulator.register_client(ODD_ID, ODD_SECRET, [emulator.tenant_id])
    for client_id, secret in cases:
        emulator.inject_fault("token", "echo", shape=shape)
        client = jtl_connect.CloudClient(client_id, secret, emulator.tenant_id, emulator.endpoints)
        with pytest.raises(jtl_connect.JtlError) as caught:
            client.get("info")
        assert caught.value.status in (401, 422), caught.value
        assert "***" in str(caught.value)
        assert_clean(f"token {shape}", caught.value, [(secret, client_id)])


@pytest.mark.parametrize("shape", SHAPES)
def test_api_echo(emulator: Emulator, shape: Shape | None) -> None:
    client = odd_cloud(emulator)
    token = client.access_token().expose()
    emulator.inject_fault("api", "echo", shape=shape)
    with pytest.raises(jtl_connect.ApiError) as caught:
        client.get("info")
    assert caught.value.status == 422
    assert_clean(f"api {shape}", caught.value, [(token, None), (ODD_SECRET, ODD_ID)])


def test_api_body_echoing_the_client_secret(emulator: Emulator) -> None:
    client = odd_cloud(emulator)
    basic = base64.b64encode(f"{ODD_ID}:{ODD_SECRET}".encode()).decode()
    emulator.inject_fault(
        "api",
        status=400,
        body={
            "errorCode": ODD_SECRET,
            "errorMessage": f"Authorization: Basic {basic}",
            "validationErrors": {ODD_SECRET: basic, basic: ODD_SECRET},
        },
    )
    with pytest.raises(jtl_connect.ApiError) as caught:
        client.get("info")
    error = caught.value
    assert error.error_code == "***"
    assert len(error.validation_errors) == 2, error.validation_errors
    assert_clean("api body", error, [(ODD_SECRET, ODD_ID)])


@pytest.mark.parametrize("shape", SHAPES)
def test_wawi_echo(emulator: Emulator, shape: Shape | None) -> None:
    key = emulator.issue_wawi_api_key(["all.read"])
    client = jtl_connect.WawiClient(
        emulator.wawi_url, key, app_id="MyApp/1.0.0", app_version="1.0.0"
    )
    emulator.inject_fault("wawi", "echo", shape=shape)
    with pytest.raises(jtl_connect.JtlError) as caught:
        client.get("v1/items")
    assert_clean(f"wawi {shape}", caught.value, [(key, None)])


@pytest.mark.parametrize("shape", SHAPES)
def test_scx_echo(emulator: Emulator, shape: Shape | None) -> None:
    refresh = emulator.issue_scx_refresh_token()
    emulator.inject_fault("scx_auth", "echo", shape=shape)
    with pytest.raises(jtl_connect.JtlError) as caught:
        jtl_connect.ScxClient(refresh, emulator.endpoints).events()
    assert_clean(f"scx_auth {shape}", caught.value, [(refresh, None)])

    client = jtl_connect.ScxClient(refresh, emulator.endpoints)
    token = client.access_token().expose()
    emulator.inject_fault("scx", "echo", shape=shape)
    with pytest.raises(jtl_connect.JtlError) as caught:
        client.events()
    assert_clean(f"scx {shape}", caught.value, [(token, None), (refresh, None)])
