"""SCX: refresh-token exchange, the event queue with redelivery (facts §6.3), the
acknowledge-on-success helper, and the Seller API's sign-up link (facts §6.4)."""

from __future__ import annotations

import asyncio
import time

import pytest

import jtl_connect
from jtl_connect import ScxClient, ScxEvent, aio
from jtl_connect.testing import Emulator


def test_events_and_acknowledge(emulator: Emulator) -> None:
    emulator.update_settings(scx_redelivery_timeout_ms=0)
    client = ScxClient(emulator.scx_refresh_token, emulator.endpoints, accept_language="en")
    assert client.events() == []
    pushed = emulator.push_scx_event("Seller:Order.Accepted", {"orderId": "A-1"})
    emulator.push_scx_event("Seller:Order.Cancellation.Request", {"orderId": "A-2"})
    events = client.events()
    assert [e.type for e in events] == [
        "Seller:Order.Accepted",
        "Seller:Order.Cancellation.Request",
    ]
    assert events[0].id == pushed["id"]
    assert events[0].event == {"orderId": "A-1"}
    assert events[0].created_at
    assert "ScxEvent(id=" in repr(events[0])
    client.acknowledge([events[0]])
    client.acknowledge([events[1].id])
    assert client.events() == []
    with pytest.raises(TypeError):
        client.acknowledge(events[1].id)  # a str is not a list of ids
    assert client.access_token().expose()
    assert emulator.stats()["scx_auth"] == 1


def test_process_events_acknowledges_only_successes(emulator: Emulator) -> None:
    emulator.update_settings(scx_redelivery_timeout_ms=0)
    client = ScxClient(emulator.scx_refresh_token, emulator.endpoints)
    good = emulator.push_scx_event("Seller:Order.Accepted", {"orderId": "A-1"})
    bad = emulator.push_scx_event("Seller:Order.Payment", {"orderId": "A-2"})
    handled: list[str] = []

    def handler(event: ScxEvent) -> None:
        handled.append(event.id)
        if event.type == "Seller:Order.Payment":
            raise RuntimeError("payment service down")

    outcome = client.process_events(handler)
    assert outcome.acknowledged == [good["id"]]
    assert [f["id"] for f in outcome.failed] == [bad["id"]]
    assert "payment service down" in outcome.failed[0]["message"]
    assert outcome.failed[0]["type"] == "Seller:Order.Payment"
    assert sorted(handled) == sorted([good["id"], bad["id"]])
    assert [e.id for e in client.events()] == [bad["id"]]  # redelivered


def test_seller_sign_up_is_a_seller_api_call(emulator: Emulator) -> None:
    seller = ScxClient(emulator.scx_seller_refresh_token, emulator.endpoints)
    sign_up = seller.seller_sign_up("MYCHANNEL", "Wawi/1.11.0.3")
    assert "MYCHANNEL" in sign_up.sign_up_url
    assert time.time() < sign_up.expires_at <= time.time() + 3600
    with pytest.raises(jtl_connect.InvalidInputError, match="channel"):
        seller.seller_sign_up("my-channel", "Wawi/1.11.0.3")
    with pytest.raises(jtl_connect.InvalidInputError, match="user_agent"):
        seller.seller_sign_up("MYCHANNEL", "")
    channel = ScxClient(emulator.scx_refresh_token, emulator.endpoints)
    with pytest.raises(jtl_connect.InvalidInputError, match="Seller API"):
        channel.seller_sign_up("MYCHANNEL", "Wawi/1.11.0.3")


def test_unknown_refresh_token(emulator: Emulator) -> None:
    client = ScxClient("unknown-refresh-token", emulator.endpoints)
    with pytest.raises(jtl_connect.AuthenticationError) as caught:
        client.events()
    assert caught.value.status == 401
    with pytest.raises(jtl_connect.InvalidInputError):
        ScxClient(" ")


def test_aio_events_process_and_sign_up(emulator: Emulator) -> None:
    refresh_token = emulator.issue_scx_refresh_token()
    emulator.push_scx_event("Seller:Offer.Update", {"offerId": 7})
    emulator.push_scx_event("Seller:Offer.End", {"offerId": 8})

    def handler(event: ScxEvent) -> None:
        if event.type == "Seller:Offer.End":
            raise ValueError("not yet")

    async def main() -> tuple[list[str], int]:
        client = aio.ScxClient(jtl_connect.Secret(refresh_token), emulator.endpoints)
        outcome = await client.process_events(handler)

        async def coroutine_handler(event: ScxEvent) -> None:
            return None

        with pytest.raises(TypeError, match="synchronous"):
            await client.process_events(coroutine_handler)
        seller = aio.ScxClient(emulator.issue_scx_seller_refresh_token(), emulator.endpoints)
        sign_up = await seller.seller_sign_up("MYCHANNEL", "Wawi/1.11.0.3")
        assert sign_up.sign_up_url
        return outcome.acknowledged, len(outcome.failed)

    acknowledged, failed = asyncio.run(main())
    assert len(acknowledged) == 1 and failed == 1
