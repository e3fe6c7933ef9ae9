"""JTL-Wawi: the client with an API key, and the two-step registration through the emulator."""

from __future__ import annotations

import asyncio
import threading

import pytest

import jtl_connect
from jtl_connect import WawiApp, WawiClient, aio, register_wawi_app
from jtl_connect.testing import Emulator

APP = WawiApp(
    "com.example.python-tests",
    "Python tests",
    "1.0.0",
    description="jtl-connect's Python test suite",
    provider_name="Example",
    mandatory_scopes=["items.read"],
    optional_scopes=["customers.read"],
)


def test_client_with_the_demo_key(emulator: Emulator) -> None:
    client = WawiClient(
        emulator.wawi_url, emulator.wawi_api_key, app_id="com.example", app_version="1"
    )
    assert client.base_url == emulator.wawi_url + "/"
    page = client.get("v1/items", params={"pageSize": 5}).json()
    assert page["TotalItems"] == 60 and len(page["Items"]) == 5
    assert len(list(client.paginate("v1/customers", page_size=10))) == 30
    with pytest.raises(jtl_connect.AuthenticationError):
        WawiClient(emulator.wawi_url, "wrong-key").get("v1/items")
    assert emulator.stats()["wawi"] == 5


def test_registration_approved(emulator: Emulator) -> None:
    emulator.update_settings(wawi_auto_approve_ms=100)
    registration = register_wawi_app(emulator.wawi_url, APP, poll_interval=0.05, timeout=10)
    assert registration.app_id == APP.app_id
    assert set(registration.granted_scopes) == {"items.read", "customers.read"}
    assert repr(registration.api_key) == "Secret('***')"
    client = WawiClient(emulator.wawi_url, registration.api_key, app_id=registration.app_id)
    assert client.get("v1/items/1").status == 200
    assert emulator.wawi_registrations()[0]["status"] == 1


def test_registration_approved_by_hand_with_scopes(emulator: Emulator) -> None:
    def approve() -> None:
        while not emulator.wawi_registrations():
            threading.Event().wait(0.02)
        emulator.approve_wawi_registration(
            emulator.wawi_registrations()[0]["id"], granted_scopes=["items.read"]
        )

    approver = threading.Thread(target=approve)
    approver.start()
    registration = register_wawi_app(
        emulator.wawi_url, APP, challenge_code="challenge-42", poll_interval=0.05, timeout=10
    )
    approver.join()
    assert registration.granted_scopes == ["items.read"]


def test_registration_rejected_timeout_and_cancel(emulator: Emulator) -> None:
    def reject() -> None:
        while not emulator.wawi_registrations():
            threading.Event().wait(0.02)
        emulator.reject_wawi_registration(emulator.wawi_registrations()[0]["id"])

    rejecter = threading.Thread(target=reject)
    rejecter.start()
    with pytest.raises(jtl_connect.RegistrationRejectedError) as caught:
        register_wawi_app(emulator.wawi_url, APP, poll_interval=0.05, timeout=10)
    rejecter.join()
    assert caught.value.code == "registration_rejected"

    with pytest.raises(jtl_connect.TimeoutError):
        register_wawi_app(emulator.wawi_url, APP, poll_interval=0.05, timeout=0.2)

    cancellation = jtl_connect.Cancellation()
    threading.Timer(0.2, cancellation.cancel).start()
    with pytest.raises(jtl_connect.TimeoutError, match="cancelled"):
        register_wawi_app(
            emulator.wawi_url, APP, poll_interval=5, timeout=60, cancellation=cancellation
        )
    assert cancellation.is_cancelled

    with pytest.raises(jtl_connect.InvalidInputError, match="challenge_code"):
        register_wawi_app(emulator.wawi_url, APP, challenge_code="x" * 31)


def test_aio_registration_and_client(emulator: Emulator) -> None:
    emulator.update_settings(wawi_auto_approve_ms=50)

    async def main() -> int:
        registration = await aio.register_wawi_app(
            emulator.wawi_url, APP, poll_interval=0.05, timeout=10
        )
        client = aio.WawiClient(emulator.wawi_url, registration.api_key)
        items = [item async for item in client.paginate("v1/items", page_size=50)]
        return len(items)

    assert asyncio.run(main()) == 60
