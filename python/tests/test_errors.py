"""Every core error code arrives as its exception class with its details."""

from __future__ import annotations

import builtins
import pickle

import pytest

import jtl_connect
from jtl_connect import CloudClient
from jtl_connect.testing import Emulator


def test_invalid_input(client: CloudClient, emulator: Emulator) -> None:
    with pytest.raises(jtl_connect.InvalidInputError) as caught:
        client.request("TRACE", "info")
    assert caught.value.code == "invalid_input"
    assert isinstance(caught.value, ValueError)
    assert "TRACE" in str(caught.value)
    with pytest.raises(ValueError, match="client_id"):
        CloudClient("", "secret")
    with pytest.raises(jtl_connect.InvalidInputError, match="absolute URL"):
        client.get("https://evil.example/items")
    with pytest.raises(jtl_connect.InvalidInputError, match="Authorization"):
        client.get("info", headers={"Authorization": "Bearer x"})
    with pytest.raises(jtl_connect.InvalidInputError, match="seconds"):
        client.get("info", timeout=-1)


def test_config(emulator: Emulator) -> None:
    no_tenant = CloudClient(emulator.client_id, emulator.client_secret, None, emulator.endpoints)
    with pytest.raises(jtl_connect.ConfigError) as caught:
        no_tenant.get("info")
    assert caught.value.code == "config"
    assert "tenant" in caught.value.message


def test_invalid_credentials(emulator: Emulator) -> None:
    wrong = CloudClient(emulator.client_id, "wrong-secret", emulator.tenant_id, emulator.endpoints)
    with pytest.raises(jtl_connect.AuthenticationError) as caught:
        wrong.get("info")
    error = caught.value
    assert (error.code, error.status, error.error_code) == (
        "invalid_credentials",
        401,
        "invalid_client",
    )
    assert emulator.stats()["token"] == 1, "invalid_client is never retried"


def test_unauthorized(client: CloudClient, emulator: Emulator) -> None:
    emulator.inject_fault("api", status=401, count=0)
    with pytest.raises(jtl_connect.AuthenticationError) as caught:
        client.get("info")
    assert (caught.value.code, caught.value.status) == ("unauthorized", 401)
    assert emulator.stats()["token"] == 2, "one refresh after the first 401"


def test_forbidden(client: CloudClient, emulator: Emulator) -> None:
    with pytest.raises(jtl_connect.ForbiddenError) as caught:
        client.for_tenant(emulator.foreign_tenant_id).get("info")
    error = caught.value
    assert (error.code, error.status, error.error_code) == ("forbidden", 403, "TENANT_FORBIDDEN")
    assert isinstance(error, jtl_connect.ApiError)


def test_not_found(client: CloudClient) -> None:
    with pytest.raises(jtl_connect.NotFoundError) as caught:
        client.get("items/999999")
    assert (caught.value.code, caught.value.status) == ("not_found", 404)


def test_conflict(client: CloudClient) -> None:
    with pytest.raises(jtl_connect.ConflictError) as caught:
        client.post("items", json={"sKU": "EMU-0001", "name": "twin", "price": 1})
    assert (caught.value.code, caught.value.status) == ("conflict", 409)


def test_rate_limited(client: CloudClient, emulator: Emulator) -> None:
    emulator.inject_fault("api", status=429, count=0, retry_after=120)
    with pytest.raises(jtl_connect.RateLimitError) as caught:
        client.get("info")
    error = caught.value
    assert (error.code, error.status, error.retry_after) == ("rate_limited", 429, 120.0)


def test_api_with_validation_errors(client: CloudClient, emulator: Emulator) -> None:
    with pytest.raises(jtl_connect.ApiError) as caught:
        client.post("items", json={"name": "no sku"})
    error = caught.value
    assert (error.code, error.status) == ("api", 422)
    assert error.validation_errors["sKU"] == "is required"
    emulator.inject_fault("api", status=500)
    with pytest.raises(jtl_connect.ApiError) as caught:
        client.post("items", json={"sKU": "X", "name": "x", "price": 1})
    assert caught.value.status == 500
    emulator.inject_fault("api", "malformed_json")
    response = client.get("info")
    with pytest.raises(jtl_connect.ApiError, match="JSON"):
        response.json()


def test_network(emulator: Emulator) -> None:
    client = CloudClient(
        emulator.client_id,
        emulator.client_secret,
        emulator.tenant_id,
        emulator.endpoints,
        max_retries=0,
    )
    client.access_token()
    emulator.inject_fault("api", "drop", count=0)
    with pytest.raises(jtl_connect.NetworkError) as caught:
        client.get("info")
    assert caught.value.code == "network"
    assert isinstance(caught.value, ConnectionError)


def test_timeout(emulator: Emulator) -> None:
    client = CloudClient(
        emulator.client_id,
        emulator.client_secret,
        emulator.tenant_id,
        emulator.endpoints,
        timeout=0.2,
        max_retries=0,
    )
    client.access_token()
    emulator.inject_fault("api", "delay", delay_ms=1500)
    with pytest.raises(jtl_connect.TimeoutError) as caught:
        client.get("info")
    assert caught.value.code == "timeout"
    assert isinstance(caught.value, builtins.TimeoutError)


def test_token_invalid(client: CloudClient) -> None:
    with pytest.raises(jtl_connect.TokenVerificationError) as caught:
        client.session_verifier().verify("not-a-token")
    assert (caught.value.code, caught.value.reason) == ("token_invalid", "malformed")
    with pytest.raises(jtl_connect.TokenVerificationError) as caught:
        jtl_connect.decode_unverified("x" * 20_000)
    assert caught.value.reason == "too_large"


def test_every_code_has_its_class() -> None:
    expected = {
        "invalid_input": jtl_connect.InvalidInputError,
        "config": jtl_connect.ConfigError,
        "invalid_credentials": jtl_connect.AuthenticationError,
        "unauthorized": jtl_connect.AuthenticationError,
        "forbidden": jtl_connect.ForbiddenError,
        "not_found": jtl_connect.NotFoundError,
        "conflict": jtl_connect.ConflictError,
        "rate_limited": jtl_connect.RateLimitError,
        "api": jtl_connect.ApiError,
        "network": jtl_connect.NetworkError,
        "timeout": jtl_connect.TimeoutError,
        "token_invalid": jtl_connect.TokenVerificationError,
        "store": jtl_connect.StoreError,
        "registration_rejected": jtl_connect.RegistrationRejectedError,
    }
    for code, cls in expected.items():
        assert issubclass(cls, jtl_connect.JtlError)
        if cls is not jtl_connect.AuthenticationError:
            assert cls().code == code
    # The store is not part of the core yet; its class exists for the contract.
    assert jtl_connect.StoreError("disk full").code == "store"


def test_errors_pickle_with_their_details(client: CloudClient) -> None:
    with pytest.raises(jtl_connect.ApiError) as caught:
        client.post("items", json={"name": "no sku"})
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is jtl_connect.ApiError
    assert (copy.code, copy.status, copy.validation_errors) == (
        "api",
        422,
        caught.value.validation_errors,
    )
    assert str(copy) == str(caught.value)
