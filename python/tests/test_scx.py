"""The SCX Channel API: refresh-token exchange and the event queue."""

from __future__ import annotations

import asyncio

import pytest

import jtl_connect
from jtl_connect import ScxClient, aio
from jtl_connect.testing import Emulator


def test_events_and_acknowledge(emulator: Emulator) -> None:
    client = ScxClient(emulator.scx_refresh_token, emulator.endpoints, accept_language="en")
    assert client.events() == []
    pushed = emulator.push_scx_event("Seller:Order.Created", {"orderId": "A-1"})
    emulator.push_scx_event("Seller:Order.Cancelled", {"orderId": "A-2"})
    events = client.events()
    assert [e.type for e in events] == ["Seller:Order.Created", "Seller:Order.Cancelled"]
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
    sign_up = client.seller_sign_up("my-channel")
    assert sign_up["signUpUrl"]
    assert emulator.stats()["scx_auth"] == 1


def test_unknown_refresh_token(emulator: Emulator) -> None:
    client = ScxClient("unknown-refresh-token", emulator.endpoints)
    with pytest.raises(jtl_connect.AuthenticationError) as caught:
        client.events()
    assert caught.value.status == 401
    with pytest.raises(jtl_connect.InvalidInputError):
        ScxClient(" ")


def test_aio_events(emulator: Emulator) -> None:
    refresh_token = emulator.issue_scx_refresh_token()
    emulator.push_scx_event("Seller:Offer.Updated", {"offerId": 7})

    async def main() -> list[str]:
        client = aio.ScxClient(jtl_connect.Secret(refresh_token), emulator.endpoints)
        events = await client.events()
        await client.acknowledge([e.id for e in events])
        assert await client.events() == []
        return [e.type for e in events]

    assert asyncio.run(main()) == ["Seller:Offer.Updated"]
