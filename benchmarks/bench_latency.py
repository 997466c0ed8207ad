"""Benchmark: latency of POST /v1/calculate under concurrent clients, against GET /healthz and carbonkit.account.

    python benchmarks/bench_latency.py [--clients 16] [--requests 2000] [--seconds 30] [--workers 1,2] [--spread]

The service runs under uvicorn in a subprocess on 127.0.0.1 with a fresh SQLite file; an enterprise key
for the tyre maker is made in this process with ``api.keys.create_key``. --clients asyncio tasks, each
with its own ``httpx.AsyncClient`` (one keep-alive connection, opened before the clock starts), send
requests back to back until --requests have been sent or --seconds have passed, whichever comes first;
every request's latency is the time from sending to the whole answer read. With --workers > 1 the
spread of the connections over the worker processes is printed: the service is started as ``carbonkit
serve`` starts it, each worker on its own ``SO_REUSEPORT`` socket, and the kernel spreads new connections over
them by a hash of their ports (about even, not exactly); --spread reconnects until they are even (what a load
balancer in front would do).

Baselines in the same run: ``GET /healthz`` under the same load, sent from the same clients over the same
connections (so both phases have the same spread over the workers; the framework floor: routing, a session
and ``SELECT 1``, JSON), and ``carbonkit.account(document)`` in this process (the work the endpoint has to
do). The load generator runs on the same machine and shares its CPUs with the server; its CPU time is
printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import ROOT, Service, load_average, machine_busy_seconds, sqlite_url  # noqa: E402

import carbonkit as ck  # noqa: E402

AIM_P50_MS, AIM_P99_MS = 10.0, 50.0  # with 16 concurrent clients
AIM_P50_RATIO, AIM_P99_RATIO = 2.0, 3.0  # POST /v1/calculate against GET /healthz, same load, same run
OPTIONS = ck.AccountingOptions(year_fallback="nearest")  # the service's default (Settings.year_fallback)
DOCUMENT = ROOT / "examples" / "tyre_maker.json"


@dataclass
class Load:
    """Latencies [s] of one load phase and what came back."""

    path: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    wall: float = math.nan
    client_cpu: float = math.nan
    server_cpu: float = math.nan
    other_cpu: float = math.nan
    connections: list[int] = field(default_factory=list)  # per server process, most first
    first_body: dict | None = None

    def q(self, p: float) -> float:
        """Percentile ``p`` [ms]."""
        return float(np.percentile(self.latencies, p)) * 1e3 if self.latencies else math.nan

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else math.nan

    def line(self) -> str:
        n = len(self.latencies)
        bad = {k: v for k, v in self.statuses.items() if k != 200}
        return (f"{self.path:15s} {self.clients:2d} clients: {n:5d} requests in {self.wall:5.1f} s = {self.rate:6.0f} req/s; "
                f"p50 {self.q(50):6.1f}  p90 {self.q(90):6.1f}  p99 {self.q(99):6.1f}  max {self.q(100):6.1f} ms; "
                f"CPU: server {self.server_cpu / self.wall:.0%} ({self.server_cpu / max(n, 1) * 1e3:.2f} ms/request), "
                f"load generator {self.client_cpu / self.wall:.0%} "
                f"({self.client_cpu / max(n, 1) * 1e3:.2f} ms/request), other processes {self.other_cpu / self.wall:.0%}"
                + (f"; connections per worker {'/'.join(map(str, self.connections))}" if len(self.connections) > 1 else "")
                + (f"; non-200: {bad}" if bad else "") + (f"; errors: {dict(self.errors)}" if self.errors else ""))


async def connect(svc: Service, clients: int, timeout: httpx.Timeout, spread: bool) -> list[httpx.AsyncClient]:
    """``clients`` clients, each with its keep-alive connection open (one GET /healthz each, not timed).

    Each worker listens on its own socket (:mod:`api.workers`) and the kernel picks one for each new connection
    by a hash: the spread is even on average, not in every run. With ``spread``
    the clients connect one by one, and a connection that lands on a worker which already has its share is
    closed and made again (at most 20 tries per client): what a load balancer in front of the workers would do.
    """
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    def new_client() -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=svc.url, limits=limits, timeout=timeout, trust_env=False)

    if not (spread and svc.workers > 1):
        pool = [new_client() for _ in range(clients)]
        await asyncio.gather(*(c.get("/healthz") for c in pool))
        return pool
    share = math.ceil(clients / svc.workers)
    pool: list[httpx.AsyncClient] = []
    for _ in range(clients * 20):
        if len(pool) == clients:
            break
        client = new_client()
        await client.get("/healthz")
        if max(svc.connections().values(), default=0) > share:
            await client.aclose()
            continue
        pool.append(client)
    while len(pool) < clients:  # could not spread them: take what comes
        pool.append(new_client())
        await pool[-1].get("/healthz")
    return pool


async def load(svc: Service, method: str, path: str, clients: int, requests: int, seconds: float,
               headers: dict[str, str], body: bytes | None = None, spread: bool = False,
               pool: list[httpx.AsyncClient] | None = None) -> Load:
    """``clients`` tasks with one keep-alive connection each, until ``requests`` are sent or ``seconds`` pass.

    ``pool``: the clients to send from (left open), so that two phases run on the same connections, spread over
    the workers alike; else ``clients`` new ones, closed at the end."""
    out = Load(path, clients)
    remaining = requests
    own = pool is None
    if pool is None:
        pool = await connect(svc, clients, httpx.Timeout(max(seconds, 5.0)), spread)
    deadline = time.monotonic() + seconds

    async def client_task(client: httpx.AsyncClient) -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            t0 = time.perf_counter()
            try:
                r = await client.request(method, path, content=body, headers=headers)
                await r.aread()
            except httpx.HTTPError as exc:
                out.errors[type(exc).__name__] += 1
                continue
            out.latencies.append(time.perf_counter() - t0)
            out.statuses[r.status_code] += 1
            if out.first_body is None:
                out.first_body = r.json()

    try:
        cpu0, scpu0, mcpu0 = time.process_time(), svc.cpu_seconds(), machine_busy_seconds()
        t0 = time.perf_counter()
        await asyncio.gather(*(client_task(c) for c in pool))
        out.wall = time.perf_counter() - t0
        out.client_cpu, out.server_cpu = time.process_time() - cpu0, svc.cpu_seconds() - scpu0
        out.other_cpu = max(0.0, machine_busy_seconds() - mcpu0 - out.client_cpu - out.server_cpu)  # jiffies round
        conns = sorted(svc.connections().values(), reverse=True)
        out.connections = conns + [0] * (svc.workers - len(conns))
    finally:
        for c in pool if own else ():
            await c.aclose()
    return out


def in_process(document: dict, calls: int = 300, seconds: float = 10.0) -> tuple[float, float, dict]:
    """Median and minimum time [s] of ``carbonkit.account(document)`` in this process, and its summary row."""
    for _ in range(20):
        record = ck.account(document, options=OPTIONS).records()[0]  # warm-up: registry, release, vocabulary
    times = []
    deadline = time.monotonic() + seconds
    while len(times) < calls and time.monotonic() < deadline:
        t0 = time.perf_counter()
        ck.account(document, options=OPTIONS)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), float(np.min(times)), record


def parse_ints(text_: str) -> list[int]:
    return [int(p) for p in text_.split(",") if p.strip()]


async def run_server(workers: int, client_counts: list[int], args, document: dict, body: bytes,
                     expected: dict, account_s: float) -> bool:
    ok = True
    with tempfile.TemporaryDirectory(prefix="carbonkit-bench-") as tmp:
        url = sqlite_url(tmp)
        if workers > 1:  # each worker migrates in its lifespan; migrate first so they do not race on a fresh database
            from api.db import upgrade
            upgrade(url)
        with Service(url, workers=workers) as svc:
            key = svc.key("enterprise", enterprises=[document["enterprise"]], name="bench-latency")
            auth = {"Authorization": f"Bearer {key}"}
            print(f"carbonkit serve --workers {workers} (a socket per worker): up in {svc.startup_seconds:.1f} s at {svc.url}")
            # warm-up: every worker imports, loads the factor release, opens its connections
            await load(svc, "POST", "/v1/calculate", args.clients_max, args.warmup, args.seconds,
                       {**auth, "Content-Type": "application/json"}, body)
            for clients in client_counts:  # both phases on the same connections: the same spread over the workers
                pool = await connect(svc, clients, httpx.Timeout(max(args.seconds, 5.0)), args.spread)
                try:
                    health = await load(svc, "GET", "/healthz", clients, args.requests, args.seconds, {}, pool=pool)
                    calc = await load(svc, "POST", "/v1/calculate", clients, args.requests, args.seconds,
                                      {**auth, "Content-Type": "application/json"}, body, pool=pool)
                finally:
                    for client in pool:
                        await client.aclose()
                print("  " + health.line())
                print("  " + calc.line())
                got = (calc.first_body or {}).get("result", {})
                worst = max(abs(got.get(k, math.nan) - v) / max(abs(v), 1e-9) for k, v in expected.items())
                print(f"  ratios: calculate/healthz p50 {calc.q(50) / health.q(50):.1f}x, p99 {calc.q(99) / health.q(99):.1f}x; "
                      f"calculate p50/in-process account {calc.q(50) / (account_s * 1e3):.1f}x; "
                      f"answer vs in-process: max relative difference {worst:.1e}")
                if clients == 16:
                    p50, p99 = calc.q(50) / health.q(50), calc.q(99) / health.q(99)
                    print(f"  aim with 16 clients: calculate/healthz p50 {p50:.1f}x (aim <= {AIM_P50_RATIO:.0f}x: "
                          f"{'met' if p50 <= AIM_P50_RATIO else 'NOT met'}), p99 {p99:.1f}x (aim <= {AIM_P99_RATIO:.0f}x: "
                          f"{'met' if p99 <= AIM_P99_RATIO else 'NOT met'})")
                    met = calc.q(50) < AIM_P50_MS and calc.q(99) < AIM_P99_MS
                    print(f"  aim with 16 clients: p50 < {AIM_P50_MS:.0f} ms and p99 < {AIM_P99_MS:.0f} ms: "
                          + ("met" if met else "NOT met"))
                ok &= not (health.errors or calc.errors) and set(health.statuses) == {200} == set(calc.statuses) \
                    and worst < 1e-9
        for line in svc.problems_in_log()[:10]:
            print(f"  server log: {line}")
            ok = False
        from api.db import engine_for
        engine_for(url).dispose()  # the key was made through api.db's cached engine
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="16", help="concurrent clients, or a list: '16', '1,16'")
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase (default 2,000)")
    parser.add_argument("--seconds", type=float, default=30.0, help="time limit per phase (default 30 s)")
    parser.add_argument("--workers", default=None,
                        help="uvicorn worker processes, or a list: '1', '1,2' (default: what `carbonkit serve` starts, "
                             "one per CPU)")
    parser.add_argument("--warmup", type=int, default=100, help="requests before measuring (default 100)")
    parser.add_argument("--document", type=Path, default=DOCUMENT)
    parser.add_argument("--spread", action="store_true",
                        help="with --workers > 1, reconnect until the connections are spread evenly over the workers")
    args = parser.parse_args(argv)
    client_counts = parse_ints(args.clients)
    args.clients_max = max(client_counts)

    import fastapi
    import uvicorn
    print(f"carbonkit {ck.__version__}, Python {platform.python_version()}, fastapi {fastapi.__version__}, "
          f"uvicorn {uvicorn.__version__}, httpx {httpx.__version__}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {load_average()}; "
          f"at most {args.requests:,} requests or {args.seconds:.0f} s per phase")
    document = json.loads(args.document.read_text(encoding="utf-8"))
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    median_s, min_s, record = in_process(document)
    print(f"in-process carbonkit.account(document) ({args.document.name}, {len(document['items'])} items): "
          f"median {median_s * 1e3:.2f} ms, min {min_s * 1e3:.2f} ms per call")
    expected = {k: record[k] for k in ("energy_equivalent_tce", "co2_location_tco2", "water_withdrawal_m3")}

    ok = True
    if args.workers is None:
        from cli.service import default_workers
        args.workers = str(default_workers())
    for workers in parse_ints(args.workers):
        ok &= asyncio.run(run_server(workers, client_counts, args, document, body, expected, median_s))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
