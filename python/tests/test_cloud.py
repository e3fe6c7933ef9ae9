"""The Cloud ERP client against the emulator: tokens, requests, pagination, endpoints."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

import jtl_connect
from jtl_connect import CloudClient, Endpoints, aio
from jtl_connect.testing import Emulator


def test_token_and_info(client: CloudClient, emulator: Emulator) -> None:
    token = client.access_token()
    assert token.expires_at > time.time() + 3000
    assert token.obtained_at <= time.time()
    assert len(token.fingerprint) == 8
    assert token.expose().count(".") == 2  # a JWT
    response = client.get("info")
    assert response.status == 200
    info = response.json()
    assert info["tenantId"] == emulator.tenant_id
    assert response.headers["content-type"].startswith("application/json")
    assert response.header("Content-Type") == response.headers["content-type"]
    assert response.rate_limit is not None and response.rate_limit["limit"] == 10000
    assert '"tenantId"' in response.text
    assert response.content.startswith(b"{")
    assert repr(response) == "<Response [200]>"
    assert emulator.stats()["token"] == 1, "the token is cached"


def test_paginate_walks_every_page(client: CloudClient, emulator: Emulator) -> None:
    pages = client.paginate("items", page_size=20)
    assert pages.total_items is None and pages.pages_fetched == 0
    first = next(pages)
    assert first["sKU"] == "EMU-0001"
    assert pages.total_items == 60
    items = [first, *pages]
    assert len(items) == 60
    assert len({item["id"] for item in items}) == 60
    assert pages.pages_fetched == 3
    assert emulator.stats()["routes"]["GET /erp/v2/{resource}"] == 3
    with pytest.raises(StopIteration):
        next(pages)


def test_paginate_with_params_and_pages(client: CloudClient) -> None:
    customers = list(client.paginate("customers", params={"unused": "x"}, page_size=7))
    assert len(customers) == 30
    pages = client.paginate("sales-orders", page_size=10)
    sizes = []
    while (page := pages.next_page()) is not None:
        sizes.append(len(page))
    assert sizes == [10, 10, 5]
    page = client.page("items", page_number=2, page_size=25)
    assert (page.page_number, page.total_pages, page.next_page, len(page.items)) == (2, 3, 3, 25)
    assert page.total_items == 60 and page.page_size == 25
    assert "Page(page_number=2" in repr(page)


def test_walks_hand_out_each_page_parsed_once(
    client: CloudClient, aio_client: aio.CloudClient, emulator: Emulator
) -> None:
    pages_of_25 = [client.page("items", page_number=n, page_size=25) for n in (1, 2, 3)]
    expected = [item for page in pages_of_25 for item in page.items]
    assert len(expected) == 60
    before = emulator.stats()["routes"]["GET /erp/v2/{resource}"]
    assert list(client.paginate("items", page_size=25)) == expected

    async def walk() -> list[Any]:
        return [item async for item in aio_client.paginate("items", page_size=25)]

    assert asyncio.run(walk()) == expected
    # One request per page for each walk (the next page is fetched while one is read).
    assert emulator.stats()["routes"]["GET /erp/v2/{resource}"] - before == 6

    # next_page() skips the records of the current page not handed out yet.
    pages = client.paginate("items", page_size=25)
    assert next(pages) == expected[0]
    page = pages.next_page()
    assert page is not None and page.page_number == 2 and page.items == expected[25:50]
    assert next(pages) == expected[50]

    async def skip() -> tuple[Any, Any, Any, int]:
        walk = aio_client.paginate("items", page_size=25)
        first = await walk.__anext__()
        second = await walk.__anext__()  # from the buffer
        page = await walk.next_page()
        assert page is not None
        rest = [item async for item in walk]
        return first, second, page.items, len(rest)

    first, second, items, rest = asyncio.run(skip())
    assert (first, second, items, rest) == (expected[0], expected[1], expected[25:50], 10)


def test_crud_helpers(client: CloudClient) -> None:
    created = client.post("items", json={"sKU": "PY-1", "name": "Python", "price": 9.5})
    assert created.status == 201
    assert created.header("location")
    item = created.json()
    assert item["sKU"] == "PY-1"
    path = f"items/{item['id']}"
    assert client.get(path).json()["name"] == "Python"
    client.patch(path, json={"name": "Snake"})
    assert client.get(path).json()["name"] == "Snake"
    client.put(path, json={"sKU": "PY-1", "name": "Python 2", "price": 10})
    assert client.request("GET", path).json()["price"] == 10
    assert client.delete(path).status in (200, 204)
    with pytest.raises(jtl_connect.NotFoundError):
        client.get(path)


def test_request_arguments(client: CloudClient, emulator: Emulator) -> None:
    response = client.request(
        "get",
        "items",
        params=[("pageSize", 3), ("pageNumber", 2)],
        headers={"Accept-Language": "en"},
        timeout=5,
    )
    body = response.json()
    assert (body["pageSize"], body["pageNumber"]) == (3, 2)
    assert client.get("info", headers=[("Accept-Language", "en")]).status == 200
    other = client.for_tenant(emulator.second_tenant_id)
    assert other.get("info").json()["tenantId"] == emulator.second_tenant_id
    assert other.tenant_id == emulator.second_tenant_id
    assert emulator.stats()["token"] == 1, "for_tenant shares the token cache"
    assert client.run_as("user-7").get("info").json()["runAs"] == "user-7"
    with pytest.raises(TypeError):
        client.post("items", json={"price": object()})
    with pytest.raises(TypeError):
        client.get("items", params={"a": object()})  # type: ignore[arg-type]


def test_endpoints() -> None:
    production = Endpoints.production()
    assert production.name == "production"
    assert production.api_base == "https://api.jtl-cloud.com/erp/v2/"
    assert Endpoints() == production
    assert Endpoints.beta().name == "beta"
    assert Endpoints.sandbox().scx_base.startswith("https://scx-sbx.")
    assert {Endpoints.dev().name, Endpoints.qa().name} == {"dev", "qa"}
    custom = Endpoints(api_base="https://proxy.example/erp/v2")
    assert custom.api_base == "https://proxy.example/erp/v2/"
    assert custom.token_url == production.token_url
    assert custom.name == "custom"
    emulated = Endpoints.emulator("http://127.0.0.1:9")
    assert emulated.token_url == "http://127.0.0.1:9/oauth2/token"
    assert emulated.replace(jwks_url="http://127.0.0.1:9/keys").jwks_url.endswith("/keys")
    assert Endpoints.from_name("http://localhost:9").name == "emulator"
    assert "Endpoints(name='production'" in repr(production)
    assert len({Endpoints.production(), Endpoints.production()}) == 1
    with pytest.raises(jtl_connect.InvalidInputError, match="loopback"):
        Endpoints.emulator("http://example.com")
    with pytest.raises(jtl_connect.InvalidInputError):
        Endpoints(token_url="ftp://example.com/token")
    with pytest.raises(jtl_connect.InvalidInputError):
        Endpoints.from_name("staging")


def test_from_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JTL_CLIENT_ID", emulator.client_id)
    monkeypatch.setenv("JTL_CLIENT_SECRET", emulator.client_secret)
    monkeypatch.setenv("JTL_TENANT_ID", emulator.tenant_id)
    monkeypatch.setenv("JTL_ENVIRONMENT", emulator.url)
    client = CloudClient.from_env()
    assert client.endpoints.name == "emulator"
    assert client.get("info").status == 200
    monkeypatch.delenv("JTL_CLIENT_SECRET")
    with pytest.raises(jtl_connect.ConfigError, match="JTL_CLIENT_SECRET"):
        CloudClient.from_env()


def test_secret_objects_are_accepted(emulator: Emulator) -> None:
    secret = jtl_connect.Secret(emulator.client_secret)
    assert secret.expose() == emulator.client_secret
    assert secret == jtl_connect.Secret(emulator.client_secret)
    client = CloudClient(emulator.client_id, secret, emulator.tenant_id, emulator.endpoints)
    assert client.get("info").status == 200
    with pytest.raises(TypeError):
        CloudClient(emulator.client_id, 42, emulator.tenant_id)  # type: ignore[arg-type]
