"""Export every record of an ERP resource (default: items) to CSV, with a progress bar.

The records are read through GraphQL (`QueryItems`, `QueryCustomers`, `QuerySalesOrders`:
JTL's main path for ERP data), walked page by page by cursor with `paginate_graphql`.

With credentials in the environment it talks to JTL (or to the emulator, if
JTL_ENVIRONMENT is an emulator URL):

    JTL_CLIENT_ID=... JTL_CLIENT_SECRET=... JTL_TENANT_ID=... python erp_export.py items.csv

Without credentials it starts jtl-connect's in-process emulator and exports its demo data:

    python erp_export.py items.csv --resource items --page-size 25

The progress bar is tqdm's if tqdm is installed, otherwise a plain text bar on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import jtl_connect
from jtl_connect.testing import Emulator


class TextBar:
    """A minimal progress bar for terminals without tqdm."""

    def __init__(self, total: int | None, out: TextIO = sys.stderr, width: int = 30) -> None:
        self.total, self.out, self.width, self.done = total, out, width, 0
        self.shown = -1

    def update(self, n: int = 1) -> None:
        self.done += n
        # Redraw once per percent (or per 100 records without a total), not per record.
        step = self.done * 100 // self.total if self.total else self.done // 100
        if step == self.shown and self.done != self.total:
            return
        self.shown = step
        if self.total:
            filled = self.width * self.done // self.total
            bar = "#" * filled + "-" * (self.width - filled)
            self.out.write(f"\r[{bar}] {self.done}/{self.total}")
        else:
            self.out.write(f"\r{self.done} records")
        self.out.flush()

    def close(self) -> None:
        self.out.write("\n")
        self.out.flush()


def progress(total: int | None, description: str) -> Any:
    """tqdm's bar if available, else a `TextBar`; both have `update(n)` and `close()`."""
    try:
        tqdm = importlib.import_module("tqdm")
    except ImportError:
        return TextBar(total)
    return tqdm.tqdm(total=total, desc=description, unit="rec", file=sys.stderr)


def cell(value: Any) -> str:
    """A CSV cell: booleans and nested values as JSON, None as empty."""
    if value is None:
        return ""
    if isinstance(value, (bool, dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# The GraphQL connection and the fields exported for each resource (facts §1.5, §1.6).
CONNECTIONS: dict[str, tuple[str, str]] = {
    "items": ("QueryItems", "id sku name salesPriceNet stockAvailable isActive createdDate"),
    "customers": (
        "QueryCustomers",
        "id customerNumber firstName lastName companyName emailAddress city countryIso",
    ),
    "salesOrders": ("QuerySalesOrders", "id salesOrderNumber salesOrderDate"),
}


def query_for(connection: str, fields: str) -> str:
    """A query that walks `connection` by cursor: `$first` and `$after` come from the paginator."""
    return (
        "query($first: Int, $after: String) {\n"
        f"  {connection}(first: $first, after: $after) {{\n"
        f"    nodes {{ {fields} }}\n"
        "    pageInfo { hasNextPage endCursor }\n"
        "    totalCount\n"
        "  }\n"
        "}"
    )


def export(
    client: jtl_connect.CloudClient, resource: str, out: TextIO, page_size: int = 100
) -> int:
    """Writes every record of `resource` to `out` as CSV; returns how many were written."""
    if resource not in CONNECTIONS:
        raise jtl_connect.InvalidInputError(
            f"resource: expected one of {', '.join(CONNECTIONS)}; found {resource!r}"
        )
    connection, fields = CONNECTIONS[resource]
    records = client.paginate_graphql(
        query_for(connection, fields), connection=connection, page_size=page_size
    )
    first = next(records, None)
    if first is None:
        return 0
    columns = list(first)
    writer = csv.writer(out)
    writer.writerow(columns)
    bar = progress(records.total_items, f"exporting {resource}")
    count = 0
    try:
        for record in _chain(first, records):
            writer.writerow([cell(record.get(column)) for column in columns])
            count += 1
            bar.update(1)
    finally:
        bar.close()
    return count


def _chain(first: Any, rest: Iterable[Any]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output", help="CSV file to write ('-' for stdout)")
    parser.add_argument("--resource", default="items", choices=sorted(CONNECTIONS))
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        if os.environ.get("JTL_CLIENT_ID"):
            client = jtl_connect.CloudClient.from_env()
            where = client.endpoints.name
        else:
            emulator = stack.enter_context(Emulator())
            client = jtl_connect.CloudClient(
                emulator.client_id, emulator.client_secret, emulator.tenant_id, emulator.endpoints
            )
            where = f"the in-process emulator at {emulator.url}"
        if args.output == "-":
            out: TextIO = sys.stdout
        else:
            out = stack.enter_context(open(args.output, "w", newline="", encoding="utf-8"))
        try:
            count = export(client, args.resource, out, args.page_size)
        except jtl_connect.JtlError as error:
            print(f"export failed ({error.code}): {error}", file=sys.stderr)
            return 1
    print(f"exported {count} {args.resource} from {where} to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
