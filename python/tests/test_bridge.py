"""Issue 19: the asyncio bridge of `jtl_connect.aio` (requests, a token that is not cached, a
verification that needs the keys). Its coroutines behave like `async def` ones: nothing is
sent before the first step, bad arguments raise at `await`, cancelling aborts; results come
back through a socket the loop watches, or `call_soon_threadsafe` where a loop cannot watch
one. Timings are bench/python/hop.py's business."""

from __future__ import annotations

import asyncio
import collections.abc
import threading
import time
from typing import Any

import pytest

import jtl_connect
from jtl_connect import aio
from jtl_connect.testing import Emulator


def test_request_methods_return_coroutines_that_send_nothing_until_awaited(
    aio_client: aio.CloudClient, emulator: Emulator
) -> None:
    async def main() -> None:
        await aio_client.access_token()
        before = emulator.stats()["api"]
        pending = aio_client.get("info")
        assert asyncio.iscoroutine(pending)
        assert isinstance(pending, collections.abc.Coroutine)
        await asyncio.sleep(0.05)
        assert emulator.stats()["api"] == before, "sent before it was awaited"
        response = await pending
        assert response.json()["tenantId"] == emulator.tenant_id
        assert emulator.stats()["api"] == before + 1
        # Awaited once: a second await is refused, as for any coroutine.
        with pytest.raises(RuntimeError, match="already awaited"):
            await pending
        # Closed before its first step: nothing is sent.
        aio_client.get("info").close()
        await asyncio.sleep(0.05)
        assert emulator.stats()["api"] == before + 1

    asyncio.run(main())


def test_bad_arguments_and_error_answers_raise_at_await(
    aio_client: aio.CloudClient, emulator: Emulator
) -> None:
    async def main() -> None:
        before = emulator.stats()["api"]
        misspelled = aio_client.get("info", timout=1)  # type: ignore[call-arg]
        with pytest.raises(jtl_connect.InvalidInputError, match="did you mean"):
            await misspelled
        with pytest.raises(TypeError, match="expected JSON data"):
            await aio_client.post("items", json={"not json": object()})
        assert emulator.stats()["api"] == before, "a bad request was sent"
        with pytest.raises(jtl_connect.NotFoundError):
            await aio_client.get("items/no-such-item")

    asyncio.run(main())


def test_a_cancelled_request_stops_and_the_loop_goes_on(
    aio_client: aio.CloudClient, emulator: Emulator
) -> None:
    async def main() -> float:
        await aio_client.access_token()
        emulator.inject_fault("api", "delay", delay_ms=3000)
        task = asyncio.create_task(aio_client.get("info"))
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        waited = time.perf_counter() - started
        emulator.clear_faults()
        # The same client and loop work on.
        assert (await aio_client.get("info")).status == 200
        return waited

    assert asyncio.run(main()) < 1.0


def test_a_burst_of_results_all_arrive(aio_client: aio.CloudClient) -> None:
    async def main() -> list[int]:
        await aio_client.access_token()
        gathered = await asyncio.gather(*(aio_client.get("info") for _ in range(200)))
        return [r.status for r in gathered]

    assert asyncio.run(main()) == [200] * 200


def test_loops_one_after_another_and_side_by_side(aio_client: aio.CloudClient) -> None:
    async def some(n: int) -> list[int]:
        return [(await aio_client.get("info")).status for _ in range(n)]

    for _ in range(5):  # a fresh loop each time: each gets its own bridge
        assert asyncio.run(some(3)) == [200] * 3
    results: list[list[int]] = []

    def in_thread() -> None:
        results.append(asyncio.run(some(20)))

    threads = [threading.Thread(target=in_thread) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[200] * 20] * 4


class NoReaderLoop(asyncio.SelectorEventLoop):
    """A loop that cannot watch file descriptors (as Windows' proactor loop)."""

    def add_reader(self, fd: Any, callback: Any, *args: Any) -> None:  # type: ignore[override]
        raise NotImplementedError


def test_a_loop_without_add_reader_gets_results_through_call_soon_threadsafe(
    aio_client: aio.CloudClient, emulator: Emulator
) -> None:
    async def main() -> None:
        await aio_client.access_token()
        gathered = await asyncio.gather(*(aio_client.get("info") for _ in range(50)))
        assert [r.status for r in gathered] == [200] * 50
        with pytest.raises(jtl_connect.NotFoundError):
            await aio_client.get("items/no-such-item")
        verifier = aio_client.session_verifier()
        claims = await verifier.verify(emulator.mint_session_token().token)
        assert claims.tenant_id == emulator.tenant_id

    loop = NoReaderLoop()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()


def test_outside_a_running_loop_the_first_step_raises(aio_client: aio.CloudClient) -> None:
    pending = aio_client.get("info")
    with pytest.raises(RuntimeError, match="no running event loop"):
        pending.send(None)
    # Thrown into before it started: the error comes out, nothing runs.
    with pytest.raises(KeyError):
        aio_client.get("info").throw(KeyError("k"))
