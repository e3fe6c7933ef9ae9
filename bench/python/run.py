"""Benchmarks of jtl-connect (Python binding) against the libraries JTL integrators glue
together today: PyJWT (+ cryptography) for session tokens, requests and httpx for the API.

Everything runs against ONE emulator of JTL's servers: the release `jtl-emulator` binary
in a child process (emulator_process.py); no request leaves the machine. Run it through `run.sh`
(which installs a release build); `python run.py --help` for the knobs.

    (a) session-token verification, each on distinct, freshly minted tokens:
        PyJWT + PyJWKClient (JWKS fetched once and cached, key by kid, EdDSA pinned, issuer
        and required claims checked), PyJWT with a kid->key dict built once (the cheapest
        correct peer), jtl-connect `SessionVerifier.verify` with the verified-token cache off
        (`verified_cache_size=0`) and on (default, 1024); as a floor, not a peer, the bare
        Ed25519 check with cryptography (no header, no claims).
    (b) authenticated GET /erp/v2/info (+ .json()): requests.Session, httpx.Client and
        urllib3.PoolManager (what requests is built on) with a manually cached bearer token
        vs `CloudClient.get("info")`, 1 thread and N threads.
    (c) memory of 10,000 operations of each, every case in a fresh child process: peak RSS
        growth (native allocations included) and the tracemalloc peak (Python heap only).

Method: warm-up, then R repetitions of each case, interleaved (the order rotates every
repetition, so load from other processes hits every case alike); the median ops/s is
reported, and ratios are jtl-connect ops/s divided by the peer's (> 1: jtl-connect faster).
Results: a table on stdout and RESULTS.md beside this file.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cryptography
import httpx
import jwt
import requests
import urllib3
from jwt import PyJWKClient

import jtl_connect
from jtl_connect import CloudClient

from emulator_process import ProcessEmulator as Emulator

HERE = Path(__file__).resolve().parent
Stats = tuple[float, float, float]  # median, min, max ops/s
Results = dict[str, Stats]
ISSUER = "https://api.jtl-cloud.com"
LEEWAY = 60  # jtl-connect's default leeway, given to PyJWT too
REQUIRED = ["exp", "tenantId", "userId"]  # what a session token carries (facts §4.1: no iss, no iat)
TOKEN_MARGIN = 300.0  # the manual bearer cache refreshes 5 min before expiry, like jtl-connect


# --------------------------------------------------------------------------------------
# The peers, written the way a careful integrator writes them


class BearerCache:
    """The hand-written access-token cache: one client-credentials token, reused until
    5 minutes before it expires (checked on every call), refetched under a lock."""

    def __init__(self, token_url: str, client_id: str, client_secret: str) -> None:
        self._url = token_url
        self._auth = (client_id, client_secret)
        self._lock = threading.Lock()
        self._header = ""
        self._refresh_at = 0.0

    def _fetch(self) -> None:
        r = requests.post(self._url, data={"grant_type": "client_credentials"}, auth=self._auth)
        r.raise_for_status()
        body = r.json()
        self._header = f"Bearer {body['access_token']}"
        self._refresh_at = time.monotonic() + float(body["expires_in"]) - TOKEN_MARGIN

    def header(self) -> str:
        if time.monotonic() >= self._refresh_at:
            with self._lock:
                if time.monotonic() >= self._refresh_at:
                    self._fetch()
        return self._header


class PyJWTWithJWKClient:
    """PyJWT's documented flow: PyJWKClient (JWKS cached for 5 min, keys by kid cached),
    then jwt.decode with EdDSA pinned, issuer, leeway and required claims."""

    def __init__(self, jwks_url: str, access_token: str) -> None:
        self.client = PyJWKClient(
            jwks_url,
            headers={"Authorization": f"Bearer {access_token}"},  # JTL's JWKS wants a bearer
            cache_jwk_set=True,
            lifespan=300,
            cache_keys=True,
        )

    def verify(self, token: str) -> dict[str, Any]:
        key = self.client.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["EdDSA"],
            leeway=LEEWAY,
            options={"require": REQUIRED},
        )
        return claims


class PyJWTWithKeyDict:
    """The cheapest correct PyJWT verifier: the JWKS parsed once into {kid: key}."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.keys = {k.key_id: k.key for k in jwt.PyJWKSet.from_dict(jwks).keys}

    def verify(self, token: str) -> dict[str, Any]:
        kid = jwt.get_unverified_header(token).get("kid")
        key = self.keys.get(kid)
        if key is None:
            raise jwt.InvalidTokenError(f"unknown kid {kid!r}")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["EdDSA"],
            leeway=LEEWAY,
            options={"require": REQUIRED},
        )
        return claims


# --------------------------------------------------------------------------------------
# Set-up shared by the timing run and the memory children


class World:
    """The emulator, the clients of every library, and helpers to mint tokens."""

    def __init__(self) -> None:
        # No artificial latency; a rate limit the benchmark cannot reach.
        self.emu = Emulator(latency_ms=0, rate_limit=4_000_000_000, token_lifetime_secs=3600)
        ep = self.emu.endpoints
        self.info_url = ep.api_base.rstrip("/") + "/info"
        self.jtl = CloudClient(self.emu.client_id, self.emu.client_secret, self.emu.tenant_id, ep)
        self.bearer = BearerCache(ep.token_url, self.emu.client_id, self.emu.client_secret)
        self.tenant_headers = {"X-Tenant-ID": self.emu.tenant_id, "Accept": "application/json"}
        self.jwks_url = ep.jwks_url

    def mint(self, n: int) -> list[str]:
        # A key id in the header: PyJWKClient picks keys by it (a kid-less token it cannot verify).
        return [self.emu.mint_session_token(ttl_seconds=3600, kid="header").token for _ in range(n)]

    def verifiers(self) -> dict[str, Callable[[str], Any]]:
        access = self.bearer.header().removeprefix("Bearer ")
        jwks = requests.get(self.jwks_url, headers={"Authorization": f"Bearer {access}"}).json()
        # Every case returns (tenant id, user id): what an app reads from a session.
        jwk_client = PyJWTWithJWKClient(self.jwks_url, access)
        key_dict = PyJWTWithKeyDict(jwks)
        self.verifier_off = self.jtl.session_verifier(verified_cache_size=0)
        self.verifier_on = self.jtl.session_verifier()  # default: 1024 verified tokens

        def pyjwt_client(token: str) -> tuple[str, str]:
            claims = jwk_client.verify(token)
            return claims["tenantId"], claims["userId"]

        def pyjwt_dict(token: str) -> tuple[str, str]:
            claims = key_dict.verify(token)
            return claims["tenantId"], claims["userId"]

        def jtl(verify: Callable[[str], Any]) -> Callable[[str], tuple[str, str]]:
            def call(token: str) -> tuple[str, str]:
                session = verify(token)
                return session.tenant_id, session.user_id

            return call

        # Not a peer: the floor under any Python verifier, the Ed25519 check alone (split,
        # base64 of the signature, cryptography's verify; no header, no claims).
        floor_key = next(iter(key_dict.keys.values()))

        def floor(token: str) -> None:
            signing_input, _, signature = token.rpartition(".")
            floor_key.verify(base64.urlsafe_b64decode(signature + "=="), signing_input.encode())

        return {
            "floor: cryptography Ed25519 verify alone": floor,
            "PyJWT + PyJWKClient": pyjwt_client,
            "PyJWT + kid dict": pyjwt_dict,
            "jtl-connect, cache off": jtl(self.verifier_off.verify),
            "jtl-connect, cache on": jtl(self.verifier_on.verify),
        }

    def getters(self, threads: int) -> dict[str, Callable[[int], Callable[[], Any]]]:
        """Per case: worker index -> a function doing one authenticated GET /info + json().
        requests.Session is not thread-safe, so every thread gets its own (as advised);
        httpx.Client and CloudClient are shared."""
        url, extra, bearer = self.info_url, self.tenant_headers, self.bearer
        sessions = [requests.Session() for _ in range(threads)]
        hx = httpx.Client()
        pool = urllib3.PoolManager(maxsize=max(10, threads))

        def with_requests(i: int) -> Callable[[], Any]:
            s = sessions[i]

            def call() -> Any:
                r = s.get(url, headers={**extra, "Authorization": bearer.header()})
                r.raise_for_status()
                return r.json()

            return call

        def with_httpx(_i: int) -> Callable[[], Any]:
            def call() -> Any:
                r = hx.get(url, headers={**extra, "Authorization": bearer.header()})
                r.raise_for_status()
                return r.json()

            return call

        def with_urllib3(_i: int) -> Callable[[], Any]:
            def call() -> Any:
                r = pool.request("GET", url, headers={**extra, "Authorization": bearer.header()})
                if r.status != 200:
                    raise RuntimeError(f"GET info answered {r.status}")
                return r.json()

            return call

        jtl = self.jtl

        def with_jtl(_i: int) -> Callable[[], Any]:
            def call() -> Any:
                return jtl.get("info").json()

            return call

        return {
            "requests.Session": with_requests,
            "httpx.Client": with_httpx,
            "urllib3.PoolManager": with_urllib3,
            "jtl-connect CloudClient": with_jtl,
        }

    def close(self) -> None:
        self.emu.close()


# --------------------------------------------------------------------------------------
# Timing


def median_ops(samples: list[float]) -> Stats:
    return statistics.median(samples), min(samples), max(samples)


def time_verify(verify: Callable[[str], Any], tokens: list[str]) -> float:
    start = time.perf_counter()
    for t in tokens:
        verify(t)
    return len(tokens) / (time.perf_counter() - start)


def time_threads(make: Callable[[int], Callable[[], Any]], threads: int, per_thread: int) -> float:
    calls = [make(i) for i in range(threads)]
    if threads == 1:
        call = calls[0]
        start = time.perf_counter()
        for _ in range(per_thread):
            call()
        return per_thread / (time.perf_counter() - start)
    barrier = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def work(call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            for _ in range(per_thread):
                call()
        except BaseException as e:  # reported below
            errors.append(e)

    workers = [threading.Thread(target=work, args=(c,)) for c in calls]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return threads * per_thread / elapsed


def interleaved(cases: list[str], reps: int, measure: Callable[[str, int], float]) -> Results:
    samples: dict[str, list[float]] = {c: [] for c in cases}
    for rep in range(reps):
        k = rep % len(cases)
        for case in cases[k:] + cases[:k]:  # rotate the order every repetition
            gc.collect()
            samples[case].append(measure(case, rep))
    return {c: median_ops(s) for c, s in samples.items()}


def bench_verify(world: World, n: int, reps: int, warmup: int) -> Results:
    verifiers = world.verifiers()
    cases = list(verifiers)
    print(f"  minting {warmup + reps * n} session tokens ...", flush=True)
    tokens = world.mint(warmup + reps * n)
    for verify in verifiers.values():  # warm-up: JWKS fetched, code paths hot
        for t in tokens[:warmup]:
            verify(t)
    slices = [tokens[warmup + r * n : warmup + (r + 1) * n] for r in range(reps)]
    # Every case sees the same tokens; each token once per case (cache on: never a hit).
    results = interleaved(cases, reps, lambda c, r: time_verify(verifiers[c], slices[r]))

    # Not a peer comparison: what the verified-token cache buys for a repeated token.
    hit = world.jtl.session_verifier()

    def hit_call(token: str) -> tuple[str, str]:
        session = hit.verify(token)
        return session.tenant_id, session.user_id

    same = [tokens[0]] * n
    hit_call(tokens[0])
    results["jtl-connect, cache on, repeated token"] = median_ops(
        [time_verify(hit_call, same) for _ in range(reps)]
    )
    on = world.verifier_on.stats()
    assert on["cache_hits"] == 0, f"distinct tokens must never hit the cache: {on}"
    return results


def bench_get(world: World, threads: int, total: int, reps: int, warmup: int) -> Results:
    getters = world.getters(threads)
    per_thread = max(1, total // threads)
    for make in getters.values():  # warm-up: token fetched, connections open, code hot
        time_threads(make, threads, max(1, warmup // threads))
    return interleaved(
        list(getters), reps, lambda c, _r: time_threads(getters[c], threads, per_thread)
    )


# --------------------------------------------------------------------------------------
# Memory: one fresh child process per case


MEMORY_CASES = [
    "verify:PyJWT + PyJWKClient",
    "verify:PyJWT + kid dict",
    "verify:jtl-connect, cache off",
    "verify:jtl-connect, cache on",
    "get:requests.Session",
    "get:httpx.Client",
    "get:urllib3.PoolManager",
    "get:jtl-connect CloudClient",
]


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def hwm_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_hwm() -> bool:
    """Resets the peak-RSS mark (Linux >= 4.0), so the peak of the loop alone is seen."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def memory_child(case: str, ops: int) -> dict[str, Any]:
    kind, name = case.split(":", 1)
    world = World()
    try:
        run_rss: Callable[[], None]
        run_trace: Callable[[], None]
        if kind == "verify":
            verify = world.verifiers()[name]
            tokens = world.mint(2 * ops + 10)
            for t in tokens[:10]:
                verify(t)
            first, second = tokens[10 : 10 + ops], tokens[10 + ops :]

            def loop(batch: list[str]) -> None:
                for t in batch:
                    verify(t)

            def run_rss() -> None:
                loop(first)

            def run_trace() -> None:
                loop(second)

        else:
            call = world.getters(1)[name](0)
            for _ in range(50):
                call()

            def loop_get() -> None:
                for _ in range(ops):
                    call()

            run_rss = run_trace = loop_get
        # 1) RSS, without tracemalloc (its own tables would count against Python code)
        gc.collect()
        before = rss_kib()
        exact = reset_hwm()
        run_rss()
        peak = hwm_kib()
        after = rss_kib()
        # 2) tracemalloc: Python-heap allocations only (Rust's malloc is invisible to it)
        gc.collect()
        tracemalloc.start()
        run_trace()
        _, tpeak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "case": case,
            "ops": ops,
            "rss_before_kib": before,
            "peak_growth_kib": max(0, peak - before),
            "retained_kib": after - before,
            "tracemalloc_peak_kib": tpeak / 1024,
            "hwm_reset": exact,
        }
    finally:
        world.close()


def bench_memory(ops: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for case in MEMORY_CASES:
        proc = subprocess.run(
            [sys.executable, __file__, "--memory-child", case, "--memory-ops", str(ops)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"memory child {case!r} failed")
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"  {case}: done", flush=True)
    return out


# --------------------------------------------------------------------------------------
# Report


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def fmt_ops(x: float) -> str:
    return f"{x:,.0f}"


def table(title: str, results: Results, jtl: list[str], peers: list[str]) -> list[str]:
    lines = [
        f"### {title}",
        "",
        "| library | ops/s (median) | µs/op | min-max ops/s |",
        "|---|---:|---:|---:|",
    ]
    for name, (med, lo, hi) in results.items():
        lines.append(
            f"| {name} | {fmt_ops(med)} | {1e6 / med:,.1f} | {fmt_ops(lo)}-{fmt_ops(hi)} |"
        )
    lines += ["", "| ratio (jtl-connect / peer, ops/s) | " + " | ".join(peers) + " |"]
    lines.append("|---|" + "---:|" * len(peers))
    for j in jtl:
        row = [f"{results[j][0] / results[p][0]:.2f}x" for p in peers]
        lines.append(f"| {j} | " + " | ".join(row) + " |")
    return [*lines, ""]


def memory_table(mem: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"### (c) Memory, {mem[0]['ops']:,} operations each (fresh process per case)",
        "",
        "| case | peak RSS growth (KiB) | RSS retained after (KiB) "
        "| tracemalloc peak (KiB, Python heap only) |",
        "|---|---:|---:|---:|",
    ]
    for m in mem:
        lines.append(
            f"| {m['case']} | {m['peak_growth_kib']:,} | {m['retained_kib']:,} "
            f"| {m['tracemalloc_peak_kib']:,.0f} |"
        )
    if not all(m["hwm_reset"] for m in mem):
        lines += ["", "(peak RSS mark could not be reset: peak growth is relative to ru_maxrss)"]
    return [*lines, ""]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer operations, for a smoke test")
    ap.add_argument("--reps", type=int, default=11, help="repetitions per case (median reported)")
    ap.add_argument("--verify-n", type=int, default=2000, help="distinct tokens per repetition")
    ap.add_argument("--get-n", type=int, default=1000, help="GET /info per repetition")
    ap.add_argument("--threads", type=int, default=8, help="threads of the multi-thread run")
    ap.add_argument("--memory-ops", type=int, default=10_000)
    ap.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    ap.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.memory_ops)))
        return
    if args.quick:
        args.reps, args.verify_n, args.get_n, args.memory_ops = 3, 300, 200, 1000

    load_start = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    versions = {
        "jtl-connect": jtl_connect.__version__,
        "PyJWT": jwt.__version__,
        "cryptography": cryptography.__version__,
        "requests": requests.__version__,
        "httpx": httpx.__version__,
        "urllib3": urllib3.__version__,
    }
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({cpu_model()}), "
        f"load average {load_start[0]:.2f}; " + ", ".join(f"{k} {v}" for k, v in versions.items())
    )

    world = World()
    try:
        print("(a) session-token verification", flush=True)
        verify = bench_verify(world, args.verify_n, args.reps, warmup=200)
        print("(b) GET /erp/v2/info, 1 thread", flush=True)
        get1 = bench_get(world, 1, args.get_n, args.reps, warmup=100)
        print(f"(b) GET /erp/v2/info, {args.threads} threads", flush=True)
        getn = bench_get(world, args.threads, args.get_n * 2, args.reps, warmup=200)
    finally:
        world.close()
    print("(c) memory", flush=True)
    mem = bench_memory(args.memory_ops)
    load_end = os.getloadavg()

    peers_v = ["PyJWT + PyJWKClient", "PyJWT + kid dict"]
    jtl_v = ["jtl-connect, cache off", "jtl-connect, cache on"]
    peers_g = ["requests.Session", "httpx.Client", "urllib3.PoolManager"]
    jtl_g = ["jtl-connect CloudClient"]
    body = [
        *table(
            f"(a) Session-token verification, distinct tokens ({args.verify_n:,} per repetition)",
            verify,
            jtl_v,
            peers_v,
        ),
        *table(
            f"(b) GET /erp/v2/info + json(), 1 thread ({args.get_n:,} per repetition)",
            get1,
            jtl_g,
            peers_g,
        ),
        *table(
            f"(b) GET /erp/v2/info + json(), {args.threads} threads "
            f"({args.get_n * 2:,} per repetition)",
            getn,
            jtl_g,
            peers_g,
        ),
        *memory_table(mem),
    ]
    print()
    print("\n".join(body))

    if args.no_write or args.quick:
        return
    head = [
        "# Python benchmark results (one run)",
        "",
        "Written by `bench/python/run.py` (see `bench/README.md` for what each case does).",
        "",
        f"- run: {started:%Y-%m-%d %H:%M} UTC; {args.reps} repetitions per case, interleaved, "
        "median reported",
        f"- machine: {os.cpu_count()} CPUs ({cpu_model()}), shared with other developers' builds: "
        f"load average {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end",
        f"- Python {platform.python_version()}; "
        + ", ".join(f"{k} {v}" for k, v in versions.items()),
        "- jtl-connect installed by `run.sh` with `maturin develop --release` (release profile)",
        "- server: the release `jtl-emulator` binary in a child process (loopback, no latency), "
        "sharing the CPUs but not the GIL or a runtime",
        "- ratio = jtl-connect ops/s ÷ peer ops/s: above 1 jtl-connect is faster",
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(head + body))
    print(f"wrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
