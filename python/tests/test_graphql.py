"""GraphQL on the Cloud ERP API (facts §1) against the emulator's /erp/v2/graphql:
graphql(), paginate_graphql(), GraphQLError with partial data, mutations; sync and aio."""

from __future__ import annotations

import asyncio
import pickle
from typing import Any

import pytest

import jtl_connect
from jtl_connect import CloudClient, GraphQLError, aio
from jtl_connect.testing import Emulator

TOTAL = "{ QueryItems(first: 1) { totalCount } }"

ALL_ITEMS = """
query Items($first: Int, $after: String) {
  QueryItems(first: $first, after: $after) {
    nodes { id sku name }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""

CREATE = """
mutation($request: CreateItemCommandRequestInput!) {
  CreateItem(request: $request) { itemId }
}
"""

GET = "query($id: ID!) { GetItemById(id: $id) { id identifiers { sku } } }"

PARTIAL = """{
  QueryItems(first: 2) { totalCount }
  missing: GetItemById(id: "00000000-0000-4000-8000-00000000dead") { id }
}"""


def total(client: CloudClient) -> int:
    count = client.graphql(TOTAL)["QueryItems"]["totalCount"]
    assert isinstance(count, int)
    return count


def test_graphql_returns_data(client: CloudClient, emulator: Emulator) -> None:
    data = client.graphql(
        "query($n: Int) { QueryItems(first: $n) { nodes { id sku } totalCount } }", {"n": 3}
    )
    nodes = data["QueryItems"]["nodes"]
    assert len(nodes) == 3
    assert all(node["sku"] for node in nodes)
    assert data["QueryItems"]["totalCount"] >= 3
    assert emulator.stats()["token"] == 1


def test_paginate_graphql_walks_every_item(client: CloudClient) -> None:
    expected = total(client)
    items = client.paginate_graphql(ALL_ITEMS, connection="QueryItems", page_size=7)
    assert items.pages_fetched == 0, "lazy"
    first = next(items)
    assert items.total_items == expected
    rest = list(items)
    ids = {item["id"] for item in [first, *rest]}
    assert len(ids) == len(rest) + 1 == expected, "count = totalCount, no record twice"
    assert items.pages_fetched == -(-expected // 7)


def test_errors_come_with_partial_data(client: CloudClient) -> None:
    with pytest.raises(GraphQLError) as caught:
        client.graphql(PARTIAL)
    error = caught.value
    assert isinstance(error, jtl_connect.JtlError)
    assert error.code == "graphql"
    assert error.errors and error.errors[0]["message"]
    assert error.errors[0]["path"][0] == "missing"
    assert set(error.errors[0]) == {"message", "locations", "path", "extensions"}
    assert error.data is not None
    assert error.data["QueryItems"]["totalCount"] > 0
    assert error.data["missing"] is None
    assert "partial data" in str(error)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.errors == error.errors and copy.data == error.data


def test_a_mutation_then_get_item_by_id(client: CloudClient) -> None:
    before = total(client)
    created = client.graphql(
        CREATE, {"request": {"sku": "PY-GQL-1", "name": "Python GraphQL item"}}
    )
    item_id = created["CreateItem"]["itemId"]
    item = client.graphql(GET, {"id": item_id})["GetItemById"]
    assert item["id"] == item_id
    assert item["identifiers"]["sku"] == "PY-GQL-1"
    assert total(client) == before + 1


def test_a_mutation_with_a_broken_answer_is_retried_once_and_creates_once(
    client: CloudClient, emulator: Emulator
) -> None:
    before = total(client)
    emulator.inject_fault("api", "truncated")
    created = client.graphql(CREATE, {"request": {"sku": "PY-GQL-2", "name": "retried"}})
    assert created["CreateItem"]["itemId"]
    assert total(client) == before + 1, "the retry carried the same Idempotency-Key"
    emulator.inject_fault("api", "truncated")
    with pytest.raises(jtl_connect.NetworkError):
        client.graphql(
            CREATE, {"request": {"sku": "PY-GQL-3", "name": "once"}}, idempotency_key=False
        )
    assert total(client) == before + 2, "without a key: not retried, it ran once"


def test_bad_arguments_are_clear(client: CloudClient) -> None:
    with pytest.raises(jtl_connect.InvalidInputError, match="variables"):
        client.graphql(TOTAL, [1, 2])  # type: ignore[arg-type]
    with pytest.raises(jtl_connect.InvalidInputError, match="idempotency_key"):
        client.graphql(CREATE, idempotency_key=3)  # type: ignore[arg-type]
    with pytest.raises(jtl_connect.InvalidInputError, match=r"\$first"):
        client.paginate_graphql("{ QueryItems { nodes { id } } }", connection="QueryItems")


def test_aio_graphql_and_paginate(aio_client: aio.CloudClient) -> None:
    async def main() -> None:
        data = await aio_client.graphql(TOTAL)
        expected = data["QueryItems"]["totalCount"]
        items: list[Any] = []
        walk = aio_client.paginate_graphql(ALL_ITEMS, connection="QueryItems", page_size=9)
        async for item in walk:
            items.append(item)
        assert len(items) == expected == walk.total_items
        assert len({item["id"] for item in items}) == expected

        with pytest.raises(GraphQLError) as caught:
            await aio_client.graphql(PARTIAL)
        assert caught.value.data is not None and caught.value.errors

        created = await aio_client.graphql(
            CREATE, {"request": {"sku": "PY-AIO-1", "name": "asyncio item"}}
        )
        item_id = created["CreateItem"]["itemId"]
        item = await aio_client.graphql(GET, {"id": item_id})
        assert item["GetItemById"]["identifiers"]["sku"] == "PY-AIO-1"
        after = await aio_client.graphql(TOTAL)
        assert after["QueryItems"]["totalCount"] == expected + 1

        # Many concurrent coroutines share one token.
        results = await asyncio.gather(*(aio_client.graphql(TOTAL) for _ in range(50)))
        assert len({r["QueryItems"]["totalCount"] for r in results}) == 1

    asyncio.run(main())
