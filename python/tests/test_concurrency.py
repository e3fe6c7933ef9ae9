"""Threads, asyncio and fork: one token request for any number of callers, the GIL
released while waiting, the event loop never blocked, and a working client after fork."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from jtl_connect import CloudClient, aio
from jtl_connect.testing import Emulator


def test_100_threads_on_a_cold_cache_send_one_token_request(
    client: CloudClient, emulator: Emulator
) -> None:
    emulator.update_settings(latency_ms=50)  # keep the first token request in flight
    barrier = threading.Barrier(100)

    def call(_: int) -> int:
        barrier.wait()
        return client.get("info").status

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(call, range(100)))
    assert statuses == [200] * 100
    assert emulator.stats()["token"] == 1
    assert emulator.stats()["api"] == 100


def test_asyncio_gather_of_100_calls_sends_one_token_request(
    aio_client: aio.CloudClient, emulator: Emulator
) -> None:
    emulator.update_settings(latency_ms=50)

    async def main() -> list[int]:
        responses = await asyncio.gather(*(aio_client.get("info") for _ in range(100)))
        return [r.status for r in responses]

    assert asyncio.run(main()) == [200] * 100
    assert emulator.stats()["token"] == 1
    assert emulator.stats()["api"] == 100


def test_aio_never_blocks_the_event_loop(aio_client: aio.CloudClient, emulator: Emulator) -> None:
    emulator.inject_fault("api", "delay", delay_ms=400)

    async def main() -> tuple[int, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        response = await aio_client.get("info")
        task.cancel()
        return response.status, ticks

    status, ticks = asyncio.run(main())
    assert status == 200
    assert ticks >= 20, f"the loop ran only {ticks} times in 400 ms"


def test_aio_coroutines_and_cancellation(aio_client: aio.CloudClient, emulator: Emulator) -> None:
    async def main() -> None:
        token = await aio_client.access_token()
        assert token.expose()
        # Real coroutines: create_task and wait_for work on them.
        info = await asyncio.create_task(aio_client.get("info"))
        assert info.json()["tenantId"] == emulator.tenant_id
        emulator.inject_fault("api", "delay", delay_ms=2000)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(aio_client.get("info"), 0.1)
        items = [item async for item in aio_client.paginate("items", page_size=25)]
        assert len(items) == 60
        page = await aio_client.page("customers", page_number=3, page_size=10)
        assert page.next_page is None
        created = await aio_client.post("items", json={"sKU": "A-1", "name": "a", "price": 1})
        assert created.status == 201

    asyncio.run(main())


def test_the_gil_is_released_while_waiting(client: CloudClient, emulator: Emulator) -> None:
    emulator.inject_fault("api", "delay", delay_ms=300)
    counted = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal counted
        while not stop.is_set():
            counted += 1

    thread = threading.Thread(target=count)
    thread.start()
    try:
        started = time.perf_counter()
        client.get("info")
        elapsed = time.perf_counter() - started
    finally:
        stop.set()
        thread.join()
    assert elapsed >= 0.3
    assert counted > 10_000, f"the other thread counted only to {counted}"


def _in_child(body: Callable[[], bool]) -> int:
    """Runs `body` in a forked child; returns the child's exit status (0: `body` was true)."""
    pid = os.fork()
    if pid == 0:  # the child: any failure must end in a non-zero exit status
        code = 1
        try:
            code = 0 if body() else 2
        except BaseException as error:
            print(f"child failed: {error!r}", file=sys.stderr)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1


_fork_marks = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    # Python 3.12+ warns about fork() in any process with threads (ours has the runtime's).
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def needs_fork(test: Callable[..., None]) -> Callable[..., None]:
    for mark in _fork_marks:
        test = mark(test)
    return test


@needs_fork
def test_clients_work_in_a_forked_child(client: CloudClient, emulator: Emulator) -> None:
    assert client.get("info").status == 200  # the parent's runtime and pool are warm

    def child() -> bool:
        fresh = CloudClient(
            emulator.client_id, emulator.client_secret, emulator.tenant_id, emulator.endpoints
        )
        fresh_ok = len(list(fresh.paginate("sales-orders"))) == 25
        # The parent's client too: its pooled connection died with the parent's runtime
        # threads, so its first attempt runs into the timeout and the retry succeeds.
        inherited_ok = client.get("info", timeout=1).status == 200
        return fresh_ok and inherited_ok

    assert _in_child(child) == 0
    assert client.get("info").status == 200, "the parent still works"


@needs_fork
def test_an_inherited_client_answers_promptly_after_fork(client: CloudClient) -> None:
    assert client.get("info").status == 200

    def child() -> bool:
        started = time.perf_counter()
        ok = client.get("info", timeout=2).status == 200
        return ok and time.perf_counter() - started < 1

    assert _in_child(child) == 0


class Interrupted(Exception):
    pass


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer")
def test_a_signal_interrupts_a_waiting_call(client: CloudClient, emulator: Emulator) -> None:
    client.access_token()
    emulator.inject_fault("api", "delay", delay_ms=3000)

    def on_alarm(signum: int, frame: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    started = time.perf_counter()
    try:
        with pytest.raises(Interrupted):
            client.get("info")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.perf_counter() - started < 1.0, "Ctrl-C-like signals end the wait promptly"
