"""GraphQL row of the Python benchmark: walking every item of the emulator's QueryItems
connection (cursor pagination, facts §1.3) with

  - jtl_connect: `CloudClient.paginate_graphql` (token cache, retries, typed errors),
  - a hand-written httpx loop (token request, then POST /erp/v2/graphql page by page),
  - gql (the Python GraphQL client) over its httpx transport, the same loop.

Each case walks all items `--walks` times against one in-process emulator; the median of
`--reps` interleaved runs is reported as walks/s, and the ratio is jtl-connect's divided by
the peer's (> 1: jtl-connect faster). Run with `nice -n 10 python graphql_walk.py`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import httpx
import jtl_connect
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport
from jtl_connect.testing import Emulator

QUERY = """query($first: Int, $after: String) {
  QueryItems(first: $first, after: $after) {
    nodes { id sku name }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""


def token(emulator: Emulator) -> str:
    answer = httpx.post(
        emulator.endpoints.token_url,
        auth=(emulator.client_id, emulator.client_secret),
        data={"grant_type": "client_credentials"},
    )
    answer.raise_for_status()
    value = answer.json()["access_token"]
    assert isinstance(value, str)
    return value


def walkers(emulator: Emulator, page_size: int) -> dict[str, Callable[[], int]]:
    url = emulator.endpoints.graphql_url
    client = jtl_connect.CloudClient(
        emulator.client_id,
        emulator.client_secret,
        emulator.tenant_id,
        emulator.endpoints,
    )
    headers = {
        "Authorization": f"Bearer {token(emulator)}",
        "X-Tenant-ID": emulator.tenant_id,
    }
    hx = httpx.Client(headers=headers)
    transport = HTTPXTransport(url=url, headers=headers)
    peer = Client(transport=transport, fetch_schema_from_transport=False)
    session = peer.connect_sync()
    document = gql(QUERY)

    def with_jtl() -> int:
        return sum(
            1
            for _ in client.paginate_graphql(
                QUERY, connection="QueryItems", page_size=page_size
            )
        )

    def with_httpx() -> int:
        count, after = 0, None
        while True:
            body = {"query": QUERY, "variables": {"first": page_size, "after": after}}
            answer = hx.post(url, json=body)
            answer.raise_for_status()
            page: dict[str, Any] = answer.json()
            if page.get("errors"):
                raise RuntimeError(page["errors"])
            connection = page["data"]["QueryItems"]
            count += len(connection["nodes"])
            if not connection["pageInfo"]["hasNextPage"]:
                return count
            after = connection["pageInfo"]["endCursor"]

    def with_gql() -> int:
        count, after = 0, None
        while True:
            document.variable_values = {"first": page_size, "after": after}
            data = session.execute(document)
            connection = data["QueryItems"]
            count += len(connection["nodes"])
            if not connection["pageInfo"]["hasNextPage"]:
                return count
            after = connection["pageInfo"]["endCursor"]

    return {"jtl_connect": with_jtl, "httpx loop": with_httpx, "gql": with_gql}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--walks", type=int, default=20)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=25)
    args = parser.parse_args()
    with Emulator() as emulator:
        cases = walkers(emulator, args.page_size)
        counts = {name: walk() for name, walk in cases.items()}  # warm-up, and a check
        assert len(set(counts.values())) == 1, counts
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.reps):
            for name, walk in cases.items():
                started = time.perf_counter()
                for _ in range(args.walks):
                    walk()
                samples[name].append(args.walks / (time.perf_counter() - started))
    ours = statistics.median(samples["jtl_connect"])
    print(f"walking {counts['jtl_connect']} items, pages of {args.page_size}:")
    for name, values in samples.items():
        rate = statistics.median(values)
        print(f"  {name:12} {rate:8.1f} walks/s   jtl_connect ratio {ours / rate:5.2f}")


if __name__ == "__main__":
    main()
