"""Issue 19's Python rows: the cost of the binding hop, measured side by side in one run.

    (h1) cold session-token verification (distinct tokens, cache off) against PyJWT with a
         kid dict and against the bare ed25519-dalek check of the same tokens
         (`_Ed25519Floor`: split, base64url, verify_strict; no header, no claims), and that
         ratio once more paired round by round (the same 50 tokens through both, order
         alternating), which load from elsewhere moves far less; for reference also the
         cofactorless `verify` (which accepts the identity as R: not a strict check);
    (h2) a cached access token: `CloudClient.access_token()` and
         `await aio.CloudClient.access_token()`;
    (h3) asyncio GET /erp/v2/info + json(), one request at a time: `aio.CloudClient.get`
         against aiohttp and httpx.AsyncClient (hand-cached bearer token), and the sync
         client as a reference;
    (h4) 1,000 clients (one per stored account): the time to build them and the RSS they
         add, each case in a fresh child process, against 1,000 requests.Session;
    (h5) walking 2,000 items in pages of 100: `paginate()` (sync and `async for`) against a
         requests.Session loop and an aiohttp loop (hand-cached bearer token, json() per
         page), as Node's (h4).

Method as run.py: warm-up, R interleaved repetitions, the median reported. The server is
the release `jtl-emulator` binary in a child process (emulator_process.py), so it shares
neither the GIL nor a runtime with the client measured. Appends the section "## Issue 19"
to RESULTS.md (run.py writes the rest first).

    python hop.py [--quick] [--reps 7] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import jwt
import requests

import jtl_connect
from jtl_connect import CloudClient, aio
from jtl_connect._native import _Ed25519Floor  # type: ignore[attr-defined]

from emulator_process import ProcessEmulator as Emulator

HERE = Path(__file__).resolve().parent
ISSUER = "https://api.jtl-cloud.com"
REQUIRED = ["exp", "tenantId", "userId"]  # what a session token carries (facts §4.1: no iss, no iat)
Stats = tuple[float, float, float]


def med(samples: list[float]) -> Stats:
    return statistics.median(samples), min(samples), max(samples)


def interleaved(cases: list[str], reps: int, measure: Callable[[str, int], float]) -> dict[str, Stats]:
    samples: dict[str, list[float]] = {c: [] for c in cases}
    for rep in range(reps):
        k = rep % len(cases)
        for case in cases[k:] + cases[:k]:
            gc.collect()
            samples[case].append(measure(case, rep))
    return {c: med(s) for c, s in samples.items()}


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --------------------------------------------------------------------------------------


def world() -> tuple[Emulator, CloudClient, aio.CloudClient]:
    emu = Emulator(latency_ms=0, rate_limit=4_000_000_000, token_lifetime_secs=3600)
    ep = emu.endpoints
    sync = CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, ep)
    asyn = aio.CloudClient(emu.client_id, emu.client_secret, emu.tenant_id, ep)
    return emu, sync, asyn


def bench_verify(emu: Emulator, client: CloudClient, n: int, reps: int) -> dict[str, Stats]:
    access = client.access_token().expose()
    jwks = requests.get(emu.endpoints.jwks_url, headers={"Authorization": f"Bearer {access}"}).json()
    keys = {k.key_id: k.key for k in jwt.PyJWKSet.from_dict(jwks).keys}
    floor = _Ed25519Floor(jwks["keys"][0]["x"])
    only = next(iter(keys.values()))
    verifier = client.session_verifier(verified_cache_size=0)

    def pyjwt(token: str) -> Any:
        kid = jwt.get_unverified_header(token).get("kid")
        key = keys[kid] if kid is not None else only  # a kid-less token: the one key
        c = jwt.decode(token, key, algorithms=["EdDSA"], leeway=60, options={"require": REQUIRED})
        return c["tenantId"], c["userId"]

    def jtl(token: str) -> Any:
        s = verifier.verify(token)
        return s.tenant_id, s.user_id

    def dalek(token: str) -> Any:
        if not floor.verify(token):
            raise AssertionError("the floor refused a good token")

    def cofactorless(token: str) -> Any:
        if not floor.verify_cofactorless(token):
            raise AssertionError("the reference refused a good token")

    cases: dict[str, Callable[[str], Any]] = {
        "floor: ed25519-dalek verify alone": dalek,
        "reference: ed25519-dalek cofactorless verify (not strict)": cofactorless,
        "PyJWT + kid dict": pyjwt,
        "jtl-connect SessionVerifier, cache off": jtl,
    }
    tokens = [emu.mint_session_token(ttl_seconds=3600).token for _ in range(200 + reps * n)]
    for f in cases.values():
        for t in tokens[:200]:
            f(t)
    slices = [tokens[200 + r * n : 200 + (r + 1) * n] for r in range(reps)]

    def measure(case: str, rep: int) -> float:
        f, batch = cases[case], slices[rep]
        start = time.perf_counter()
        for t in batch:
            f(t)
        return len(batch) / (time.perf_counter() - start)

    return interleaved(list(cases), reps, measure)


def bench_verify_paired(emu: Emulator, client: CloudClient, rounds: int, batch: int) -> tuple[Stats, Stats]:
    """Cold verify ÷ the ed25519-dalek floor, paired: each round times the same `batch`
    fresh tokens with both (the order alternating) in thread CPU time, so load from
    elsewhere, which moves wall-clock times a lot on a shared machine, counts far less. The
    verified-token cache is off and the floor has none, so both do the full work each time.
    Two floors: `verify_strict` (the strictness the verifier guarantees) and the cofactorless
    `verify` (the cheapest check ed25519-dalek has); returns (÷ strict, ÷ cofactorless)."""
    access = client.access_token().expose()
    jwks = requests.get(emu.endpoints.jwks_url, headers={"Authorization": f"Bearer {access}"}).json()
    floor = _Ed25519Floor(jwks["keys"][0]["x"])
    verifier = client.session_verifier(verified_cache_size=0)
    tokens = [emu.mint_session_token(ttl_seconds=3600).token for _ in range(rounds * batch)]
    for t in tokens[:batch]:
        floor.verify(t)
        verifier.verify(t)

    # CPU time of this thread: both run entirely on the calling thread (the keys are cached,
    # so verify() answers inline), and time spent descheduled by other load is not counted.
    def run_check(check: Callable[[str], bool], ts: list[str]) -> float:
        start = time.thread_time()
        for t in ts:
            if not check(t):
                raise AssertionError("the floor refused a good token")
        return time.thread_time() - start

    def run_floor(ts: list[str]) -> float:
        return run_check(floor.verify, ts)

    def run_cofactorless(ts: list[str]) -> float:
        return run_check(floor.verify_cofactorless, ts)

    def run_jtl(ts: list[str]) -> float:
        start = time.thread_time()
        for t in ts:
            s = verifier.verify(t)
            s.tenant_id, s.user_id
        return time.thread_time() - start

    strict, cofactorless = [], []
    for r in range(rounds):
        ts = tokens[r * batch : (r + 1) * batch]
        gc.collect()
        if r % 2:
            f, c, j = run_floor(ts), run_cofactorless(ts), run_jtl(ts)
        else:
            j, c, f = run_jtl(ts), run_cofactorless(ts), run_floor(ts)
        strict.append(j / f)
        cofactorless.append(j / c)
    if verifier.stats()["cache_hits"]:
        raise AssertionError("the verified-token cache hit: the cold row is not cold")
    return med(strict), med(cofactorless)


def bench_token(client: CloudClient, aclient: aio.CloudClient, n: int, reps: int) -> dict[str, Stats]:
    client.access_token()

    async def aio_loop() -> float:
        await aclient.access_token()
        start = time.perf_counter()
        for _ in range(n):
            await aclient.access_token()
        return n / (time.perf_counter() - start)

    def sync_loop() -> float:
        start = time.perf_counter()
        for _ in range(n):
            client.access_token()
        return n / (time.perf_counter() - start)

    cases = {"CloudClient.access_token()": sync_loop, "await aio.CloudClient.access_token()": lambda: asyncio.run(aio_loop())}
    return interleaved(list(cases), reps, lambda c, _r: cases[c]())


class Stopwatch:
    """Wall and process CPU time from now: `ops(n)` gives operations per wall second and
    CPU µs per operation (every thread of this process)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def ops(self, n: int) -> tuple[float, float]:
        wall, cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        return n / wall, cpu / n * 1e6


def bench_aio_get(
    emu: Emulator, client: CloudClient, aclient: aio.CloudClient, n: int, reps: int
) -> tuple[dict[str, Stats], dict[str, float]]:
    """Ops/s of each case, and the median CPU time per request of this process (every
    thread: the event loop's and the runtime's; the server's is not counted), in µs."""
    url = emu.endpoints.api_base.rstrip("/") + "/info"
    bearer = f"Bearer {client.access_token().expose()}"  # hand-cached: valid for the whole run
    headers = {"X-Tenant-ID": emu.tenant_id, "Accept": "application/json", "Authorization": bearer}

    async def with_aiohttp() -> tuple[float, float]:
        async with aiohttp.ClientSession() as s:
            for _ in range(20):
                async with s.get(url, headers=headers) as r:
                    await r.json()
            start = Stopwatch()
            for _ in range(n):
                async with s.get(url, headers=headers) as r:
                    r.raise_for_status()
                    await r.json()
            return start.ops(n)

    async def with_httpx() -> tuple[float, float]:
        async with httpx.AsyncClient() as s:
            for _ in range(20):
                (await s.get(url, headers=headers)).json()
            start = Stopwatch()
            for _ in range(n):
                r = await s.get(url, headers=headers)
                r.raise_for_status()
                r.json()
            return start.ops(n)

    async def with_jtl() -> tuple[float, float]:
        for _ in range(20):
            (await aclient.get("info")).json()
        start = Stopwatch()
        for _ in range(n):
            (await aclient.get("info")).json()
        return start.ops(n)

    def with_sync() -> tuple[float, float]:
        start = Stopwatch()
        for _ in range(n):
            client.get("info").json()
        return start.ops(n)

    runs: dict[str, Callable[[], Awaitable[tuple[float, float]]]] = {
        "aiohttp.ClientSession": with_aiohttp,
        "httpx.AsyncClient": with_httpx,
        "jtl-connect aio.CloudClient": with_jtl,
    }
    cases = list(runs) + ["jtl-connect CloudClient (sync, reference)"]

    cpu: dict[str, list[float]] = {c: [] for c in cases}

    def measure(case: str, _rep: int) -> float:
        ops, cpu_us = asyncio.run(runs[case]()) if case in runs else with_sync()
        cpu[case].append(cpu_us)
        return ops

    return interleaved(cases, reps, measure), {c: statistics.median(v) for c, v in cpu.items()}


WALK_ITEMS = 2000

# The spin window of jtl-connect's runtime worker in this run (core/src/warm.rs).
SPIN = os.environ.get("JTL_CONNECT_SPIN_MICROS", "250 (the default)")


def bench_walk(emu: Emulator, client: CloudClient, aclient: aio.CloudClient, walks: int, reps: int) -> dict[str, Stats]:
    """Items/s walking every item in pages of 100 (the catalogue topped up to WALK_ITEMS)."""
    base = emu.endpoints.api_base.rstrip("/") + "/items"
    headers = {"X-Tenant-ID": emu.tenant_id, "Accept": "application/json",
               "Authorization": f"Bearer {client.access_token().expose()}"}
    missing = WALK_ITEMS - int(client.get("items", params={"pageSize": "1"}).json()["totalItems"])
    for i in range(max(0, missing)):
        client.post("items", json={"sKU": f"HOP-{i}", "name": f"Benchmark item {i}", "price": 1}, idempotent=True)

    def with_requests() -> int:
        n, page = 0, 1
        with requests.Session() as session:
            while page:
                body = session.get(base, params={"pageNumber": page, "pageSize": 100}, headers=headers).json()
                n += sum(1 for item in body["items"] if item["id"])
                page = body.get("nextPageNumber")
        return n

    async def with_aiohttp() -> int:
        n, page = 0, 1
        async with aiohttp.ClientSession() as session:
            while page:
                params = {"pageNumber": str(page), "pageSize": "100"}
                async with session.get(base, params=params, headers=headers) as r:
                    body = await r.json()
                n += sum(1 for item in body["items"] if item["id"])
                page = body.get("nextPageNumber")
        return n

    def with_jtl() -> int:
        return sum(1 for item in client.paginate("items", page_size=100) if item["id"])

    async def with_aio() -> int:
        return sum([1 async for item in aclient.paginate("items", page_size=100) if item["id"]])

    cases: dict[str, Callable[[], int]] = {
        "requests.Session loop": with_requests,
        "aiohttp loop": lambda: asyncio.run(with_aiohttp()),
        "jtl-connect paginate()": with_jtl,
        "jtl-connect aio paginate() (async for)": lambda: asyncio.run(with_aio()),
    }
    for name, case in cases.items():
        if (got := case()) != WALK_ITEMS:
            raise AssertionError(f"{name} walked {got} of {WALK_ITEMS} items")

    def measure(case: str, _rep: int) -> float:
        start = time.perf_counter()
        for _ in range(walks):
            cases[case]()
        return walks * WALK_ITEMS / (time.perf_counter() - start)

    return interleaved(list(cases), reps, measure)


CLIENT_CASES = ["jtl-connect CloudClient", "jtl-connect aio.CloudClient", "requests.Session"]


def clients_child(case: str, n: int, url: str) -> dict[str, Any]:
    # The emulator's tenant and URLs only: building a client sends nothing.
    ep = jtl_connect.Endpoints.emulator(url)
    # One client first: what every process pays once (imports, the shared HTTP client).
    if case == "requests.Session":
        keep: list[Any] = [requests.Session()]
    elif case == "jtl-connect CloudClient":
        keep = [CloudClient("client-first", "secret", "tenant", ep)]
    else:
        keep = [aio.CloudClient("client-first", "secret", "tenant", ep)]
    gc.collect()
    before = rss_kib()
    start = time.perf_counter()
    for i in range(n):
        if case == "requests.Session":
            s = requests.Session()
            s.auth = (f"client-{i}", "secret")
            s.headers["X-Tenant-ID"] = "tenant"
            keep.append(s)
        elif case == "jtl-connect CloudClient":
            keep.append(CloudClient(f"client-{i}", "secret", "tenant", ep))
        else:
            keep.append(aio.CloudClient(f"client-{i}", "secret", "tenant", ep))
    elapsed = time.perf_counter() - start
    gc.collect()
    grown = rss_kib() - before
    return {"case": case, "n": n, "ms": elapsed * 1000, "rss_kib": grown}


def bench_clients(n: int, reps: int, url: str) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, list[float]]] = {c: {"ms": [], "rss_kib": []} for c in CLIENT_CASES}
    for rep in range(reps):
        k = rep % len(CLIENT_CASES)
        for case in CLIENT_CASES[k:] + CLIENT_CASES[:k]:
            proc = subprocess.run(
                [sys.executable, __file__, "--clients-child", case, "--clients-n", str(n), "--clients-url", url],
                capture_output=True, text=True, check=False,
            )
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                raise SystemExit(f"clients child {case!r} failed")
            got = json.loads(proc.stdout.strip().splitlines()[-1])
            out[case]["ms"].append(got["ms"])
            out[case]["rss_kib"].append(got["rss_kib"])
    return {c: {k: statistics.median(v) for k, v in m.items()} for c, m in out.items()}


# --------------------------------------------------------------------------------------


def rows(results: dict[str, Stats], unit: str = "ops/s") -> list[str]:
    per = "µs/op" if unit == "ops/s" else "µs/item"
    lines = [f"| case | {unit} (median) | {per} | min-max {unit} |", "|---|---:|---:|---:|"]
    for name, (m, lo, hi) in results.items():
        lines.append(f"| {name} | {m:,.0f} | {1e6 / m:,.2f} | {lo:,.0f}-{hi:,.0f} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--clients-child", help=argparse.SUPPRESS)
    ap.add_argument("--clients-n", type=int, default=1000, help=argparse.SUPPRESS)
    ap.add_argument("--clients-url", default="http://127.0.0.1:1", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.clients_child:
        print(json.dumps(clients_child(args.clients_child, args.clients_n, args.clients_url)))
        return
    verify_n, token_n, get_n, reps = 2000, 20000, 1000, args.reps
    if args.quick:
        verify_n, token_n, get_n, reps = 200, 2000, 100, 2

    load_start = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    emu, client, aclient = world()
    try:
        print("(h1) cold verify", flush=True)
        verify = bench_verify(emu, client, verify_n, reps)
        paired, paired_cofactorless = bench_verify_paired(emu, client, 20 if args.quick else 200, 50)
        print("(h2) cached token", flush=True)
        token = bench_token(client, aclient, token_n, reps)
        print("(h3) asyncio GET, one at a time", flush=True)
        aget, aget_cpu = bench_aio_get(emu, client, aclient, get_n, reps)
        print("(h4) 1,000 clients", flush=True)
        clients = bench_clients(1000, max(3, reps // 2), emu.url)
        print("(h5) walking 2,000 items", flush=True)
        walk = bench_walk(emu, client, aclient, 1 if args.quick else 3, reps)
    finally:
        emu.close()
    load_end = os.getloadavg()

    v = {k: s[0] for k, s in verify.items()}
    jtl_v, dalek, pyjwt = v["jtl-connect SessionVerifier, cache off"], v["floor: ed25519-dalek verify alone"], v["PyJWT + kid dict"]
    aio_token = 1e6 / token["await aio.CloudClient.access_token()"][0]
    g = {k: s[0] for k, s in aget.items()}
    w = {k: s[0] for k, s in walk.items()}
    jtl_c, req_c = clients["jtl-connect CloudClient"], clients["requests.Session"]
    aio_c = clients["jtl-connect aio.CloudClient"]

    def met(ok: bool) -> str:
        return "met" if ok else "**missed**"

    body = [
        "## Issue 19: the binding hop (hop.py)",
        "",
        f"- run: {started:%Y-%m-%d %H:%M} UTC; {reps} repetitions per case, interleaved, median reported; "
        f"load average {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end "
        f"({os.cpu_count()} CPUs, shared)",
        f"- Python {platform.python_version()}; jtl-connect {jtl_connect.__version__}, PyJWT {jwt.__version__}, "
        f"aiohttp {aiohttp.__version__}, httpx {httpx.__version__}, requests {requests.__version__}",
        "- server: the release `jtl-emulator` binary in a child process (loopback, no latency): "
        "it shares neither the GIL nor a runtime with the client measured, only the 2 CPUs",
        "",
        f"### (h1) Cold verification, distinct tokens ({verify_n:,} per repetition)",
        "",
        *rows(verify),
        "",
        f"### (h2) A cached access token ({token_n:,} calls per repetition)",
        "",
        *rows(token),
        "",
        f"### (h3) asyncio GET /erp/v2/info + json(), one request at a time ({get_n:,} per repetition)",
        "",
        *rows(aget),
        "",
        "CPU time of this process per request (the event loop's thread and the runtime's; the server's not counted), median: "
        + "; ".join(f"{c} {us:,.0f} µs" for c, us in aget_cpu.items())
        + f". jtl-connect's runtime worker spins around each call instead of parking (`core/src/warm.rs`; window in this run: {SPIN} µs), "
        "trading CPU for wake-ups; `JTL_CONNECT_SPIN_MICROS=0` turns that off.",
        "",
        "### (h4) 1,000 clients, each case in a fresh process (median of the runs)",
        "",
        "| case | time to build 1,000 | RSS added |",
        "|---|---:|---:|",
        *[f"| {c} | {m['ms']:,.1f} ms | {m['rss_kib'] / 1024:,.2f} MiB |" for c, m in clients.items()],
        "",
        f"### (h5) Walking {WALK_ITEMS:,} items in pages of 100 (items/s; not one of issue 19's targets in Python)",
        "",
        *rows(walk, "items/s"),
        "",
        f"jtl-connect paginate() ÷ requests.Session loop: {w['jtl-connect paginate()'] / w['requests.Session loop']:.2f}x; "
        f"aio paginate() ÷ aiohttp loop: {w['jtl-connect aio paginate() (async for)'] / w['aiohttp loop']:.2f}x",
        "",
        "### Against issue 19's targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        f"| cold verify ≤ 1.1x raw ed25519-dalek, paired, CPU time (median of {20 if args.quick else 200} rounds of the same 50 tokens each; min-max {paired[1]:.2f}-{paired[2]:.2f}) | {paired[0]:.2f}x | {met(paired[0] <= 1.1)} |",
        f"| (the same from the (h1) table: medians of separate runs) | {dalek / jtl_v:.2f}x ({1e6 / jtl_v:.1f} vs {1e6 / dalek:.1f} µs) | |",
        f"| cold verify ≤ 1.1x the cofactorless ed25519-dalek `verify` (not strict), paired as above (min-max {paired_cofactorless[1]:.2f}-{paired_cofactorless[2]:.2f}) | {paired_cofactorless[0]:.2f}x | {met(paired_cofactorless[0] <= 1.1)} |",
        f"| (cold verify ÷ PyJWT + kid dict, for reference) | {jtl_v / pyjwt:.2f}x | |",
        f"| cached token from aio ≤ 5 µs | {aio_token:.2f} µs | {met(aio_token <= 5)} |",
        f"| aio GET ≥ 1.3x aiohttp | {g['jtl-connect aio.CloudClient'] / g['aiohttp.ClientSession']:.2f}x | "
        f"{met(g['jtl-connect aio.CloudClient'] / g['aiohttp.ClientSession'] >= 1.3)} |",
        f"| 1,000 clients ≤ 50 ms | {jtl_c['ms']:.1f} ms (aio {aio_c['ms']:.1f} ms; requests.Session {req_c['ms']:.1f} ms) | "
        f"{met(max(jtl_c['ms'], aio_c['ms']) <= 50)} |",
        f"| 1,000 clients ≤ 10 MiB | {jtl_c['rss_kib'] / 1024:.2f} MiB (aio {aio_c['rss_kib'] / 1024:.2f}; requests.Session "
        f"{req_c['rss_kib'] / 1024:.2f}) | {met(max(jtl_c['rss_kib'], aio_c['rss_kib']) <= 10 * 1024)} |",
        "",
    ]
    print("\n".join(body))
    if args.no_write or args.quick:
        return
    results = HERE / "RESULTS.md"
    previous = results.read_text().split("\n## Issue 19: the binding hop")[0].rstrip() if results.exists() else ""
    results.write_text(previous + "\n\n" + "\n".join(body))
    print(f"wrote {results}")


if __name__ == "__main__":
    main()
