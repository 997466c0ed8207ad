"""Benchmark: ingesting a synthetic province through POST /v1/reports/bulk, against carbonkit.account alone.

    python benchmarks/bench_ingest.py [--enterprises 31600] [--years 2023] [--batch 1000]
                                      [--backend sqlite|postgres|both] [--clients 1,2] [--workers 1] [--spread]

One year of the synthetic province (31,600 enterprise-year reports by default) is turned into JSON
documents; the service runs under uvicorn in a subprocess on 127.0.0.1 (a fresh SQLite file in a temporary
directory, or the PostgreSQL bench database with its public schema dropped and recreated); a province
key is made in this process with ``api.keys.create_key``; the reports are POSTed in batches of --batch as
a JSON array of ``{"report": document}`` by one client, or by several threads sharing the batches
(--clients 2), each with its keep-alive connection opened before the clock starts. With --workers > 1 the
spread of those connections over the worker processes is printed (a burst of connections often lands on
one worker); --spread reconnects until they are even, as a load balancer would. --postgres-url names
another database than the bench database (its public schema is dropped and recreated). On PostgreSQL the
province key's batches of at least 1,000 reports are stored by COPY (api/bulkcopy.py); smaller batches
(--batch 999) take the ORM path, so the two can be compared on the same documents.
Afterwards the stored reports are counted (GET /v1/enterprises and SQL), the stored results
are compared with the in-process accounting, and the first batch is sent again: every report must come
back "unchanged".

Baseline, in this process on the same documents: ``carbonkit.account`` over the same batches (the
accounting the service has to do anyway, including the validation of the documents). The ratio
ingest/accounting is what the HTTP + JSON + database path costs on top. The documents and request
bodies this process holds are frozen out of the garbage collector (``gc.freeze``) before the baseline:
the server never holds them, and scanning them would slow the baseline down about 2.5x.

Also printed: the CPU the server, this process and the machine's other processes used during the
ingest (on a shared machine other processes explain slow runs), and the latency of ``GET /healthz``
sent every 0.2 s meanwhile (how long other requests wait while a batch is being stored).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pandas as pd
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import (POSTGRES_URL, Service, load_average, machine_busy_seconds, postgres_ready,  # noqa: E402
                     reset_postgres, sqlite_url)

import carbonkit as ck  # noqa: E402
from carbonkit.documents import frame_to_documents  # noqa: E402
from carbonkit.synthetic import PROVINCE_ENTERPRISES, province  # noqa: E402

AIM_SECONDS = 60.0  # the province (31,600 reports) in under a minute on SQLite
OPTIONS = ck.AccountingOptions(year_fallback="nearest")  # the service's default (Settings.year_fallback)
CHECKED = ("energy_equivalent_tce", "co2_location_tco2", "co2_market_tco2", "water_withdrawal_m3", "value_added_10k_cny")


def parse_years(text_: str) -> list[int]:
    """'2023', '2022,2023' or '2020-2025'."""
    years: list[int] = []
    for part in text_.split(","):
        lo, _, hi = part.strip().partition("-")
        years += list(range(int(lo), int(hi or lo) + 1))
    return years


def parse_ints(text_: str) -> list[int]:
    return [int(p) for p in text_.split(",") if p.strip()]


def baseline(batches: list[list[dict]], frame: pd.DataFrame) -> tuple[float, float, pd.DataFrame]:
    """carbonkit.account over the same batches of documents [s], over the long frame [s], and the summary."""
    ck.account(batches[0][:20], options=OPTIONS)  # warm-up: registry, release, vocabulary
    summaries = []
    t0 = time.perf_counter()
    for batch in batches:
        summaries.append(ck.account(batch, options=OPTIONS).summary)
    docs_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ck.account(frame, options=OPTIONS)
    frame_s = time.perf_counter() - t0
    return docs_s, frame_s, pd.concat(summaries, ignore_index=True)


class Run:
    """One ingest of the province into a fresh database through one server."""

    def __init__(self, backend: str, clients: int, workers: int):
        self.backend, self.clients, self.workers = backend, clients, workers
        self.errors: list[str] = []
        self.batch_seconds: list[float] = []
        self.counts = {"created": 0, "revised": 0, "unchanged": 0}
        self.wall = math.nan
        self.server_cpu = math.nan
        self.client_cpu = math.nan
        self.other_cpu = math.nan
        self.health: list[float] = []
        self.connections: list[int] = []  # clients' connections per server process
        self.stored: dict[str, int] = {}
        self.listed = -1
        self.worst_difference = math.nan
        self.resend_seconds = math.nan
        self.resend_ok = False
        self.log_problems: list[str] = []
        self.startup = math.nan

    def ok(self, expected: int, enterprises: int) -> bool:
        return (not self.errors and self.counts["created"] == expected and self.listed == enterprises
                and self.stored.get("latest reports") == expected and self.stored.get("results") == expected
                and self.resend_ok and self.worst_difference < 1e-9)


def open_clients(svc: Service, key: str, n: int, spread: bool) -> list[httpx.Client]:
    """``n`` clients with their keep-alive connection open (one GET /healthz each).

    The kernel gives each new connection to whichever worker accepts first, so with --workers 2 both clients'
    connections often land on one worker. With ``spread``, a connection landing on a worker that already has
    its share is made again (at most 20 tries per client), as a load balancer in front would spread them.
    """
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    share = math.ceil(n / svc.workers)
    clients: list[httpx.Client] = []
    for _ in range(n * 20 if spread and svc.workers > 1 else n):
        if len(clients) == n:
            break
        client = httpx.Client(base_url=svc.url, headers=headers, trust_env=False, timeout=httpx.Timeout(300.0))
        client.get("/healthz").raise_for_status()
        if spread and svc.workers > 1 and max(svc.connections().values(), default=0) > share:
            client.close()
            continue
        clients.append(client)
    while len(clients) < n:  # could not spread them: take what comes
        clients.append(httpx.Client(base_url=svc.url, headers=headers, trust_env=False, timeout=httpx.Timeout(300.0)))
    return clients


def post_batches(clients: list[httpx.Client], bodies: list[bytes], sizes: list[int], run: Run, deadline: float) -> None:
    """POST every body once; one thread per client takes the next body from a shared index. Bounded by count and time."""
    lock = threading.Lock()
    next_index = iter(range(len(bodies)))

    def worker(client: httpx.Client) -> None:
        try:
            send(client)
        except Exception as exc:  # noqa: BLE001 - a failed thread must fail the run, not vanish
            with lock:
                run.errors.append(f"{threading.current_thread().name}: {type(exc).__name__}: {exc}")
        finally:
            client.close()

    def send(client: httpx.Client) -> None:
        while True:
            with lock:
                i = next(next_index, None)
                if i is None or run.errors or time.monotonic() > deadline:
                    if i is not None and not run.errors:
                        run.errors.append(f"stopped: the time limit ran out before batch {i}")
                    return
            t0 = time.perf_counter()
            try:
                r = client.post("/v1/reports/bulk", content=bodies[i])
            except httpx.HTTPError as exc:
                with lock:
                    run.errors.append(f"batch {i}: {type(exc).__name__}: {exc}")
                return
            dt = time.perf_counter() - t0
            with lock:
                run.batch_seconds.append(dt)
                if r.status_code != 200:
                    run.errors.append(f"batch {i}: HTTP {r.status_code}: {r.text[:300]}")
                    return
                body = r.json()
                for k in run.counts:
                    run.counts[k] += body.get(k, 0)
                if body.get("created") != sizes[i] or len(body.get("reports", [])) != sizes[i]:
                    run.errors.append(f"batch {i}: expected {sizes[i]} created, got "
                                      f"{ {k: body.get(k) for k in run.counts} }")

    threads = [threading.Thread(target=worker, args=(c,), name=f"client-{i}") for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not run.errors and len(run.batch_seconds) != len(bodies):
        run.errors.append(f"{len(run.batch_seconds)} of {len(bodies)} batches answered")


def probe_health(svc: Service, done: threading.Event, out: list[float], every: float = 0.2) -> None:
    """GET /healthz every ``every`` s until ``done``: how long other requests wait while batches are ingested."""
    with httpx.Client(base_url=svc.url, trust_env=False, timeout=60.0) as client:
        while not done.wait(every):
            t0 = time.perf_counter()
            try:
                client.get("/healthz").raise_for_status()
            except httpx.HTTPError:
                continue
            out.append(time.perf_counter() - t0)


def count_listed(svc: Service, key: str, expected: int) -> int:
    """Enterprises the province key sees, paged through GET /v1/enterprises (limit 10,000, bounded pages)."""
    seen = 0
    with httpx.Client(base_url=svc.url, headers={"Authorization": f"Bearer {key}"}, trust_env=False, timeout=120) as c:
        for page in range(expected // 10_000 + 3):
            r = c.get("/v1/enterprises", params={"limit": 10_000, "offset": page * 10_000})
            r.raise_for_status()
            got = len(r.json())
            seen += got
            if got < 10_000:
                break
    return seen


def check_database(url: str, expected: pd.DataFrame) -> tuple[dict[str, int], float]:
    """Row counts and the largest relative difference between stored results and the in-process accounting."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = {name: conn.execute(text(sql)).scalar_one() for name, sql in (
                ("enterprises", "SELECT count(*) FROM enterprise"),
                ("reports", "SELECT count(*) FROM report"),
                ("latest reports", "SELECT count(*) FROM report WHERE is_latest"),
                ("results", "SELECT count(*) FROM result"))}
            stored = pd.read_sql(text(f"SELECT r.enterprise_id AS enterprise, r.period, {', '.join('s.' + c for c in CHECKED)} "
                                      "FROM report r JOIN result s ON s.report_id = r.id WHERE r.is_latest"), conn)
    finally:
        engine.dispose()
    merged = expected[["enterprise", "period", *CHECKED]].merge(stored, on=["enterprise", "period"], how="outer",
                                                                  suffixes=("", "_db"), indicator=True)
    if (merged["_merge"] != "both").any():
        return counts, math.inf
    worst = 0.0
    for c in CHECKED:
        a, b = merged[c].astype(float), merged[c + "_db"].astype(float)
        both_nan = a.isna() & b.isna()
        diff = ((a - b).abs() / a.abs().clip(lower=1e-9)).where(~both_nan, 0.0)
        worst = max(worst, float(diff.fillna(math.inf).max()))
    return counts, worst


def ingest(backend: str, clients: int, workers: int, bodies: list[bytes], sizes: list[int], expected: pd.DataFrame,
           time_limit: float, spread: bool = False, postgres_url: str = POSTGRES_URL) -> Run:
    run = Run(backend, clients, workers)
    with tempfile.TemporaryDirectory(prefix="carbonkit-bench-") as tmp:
        if backend == "sqlite":
            url = sqlite_url(tmp)
        else:
            url = postgres_url
            reset_postgres(url)
        if workers > 1:  # each worker migrates in its lifespan; migrate first so they do not race on a fresh database
            from api.db import upgrade
            upgrade(url)
        with Service(url, workers=workers) as svc:
            run.startup = svc.startup_seconds
            key = svc.province_key()
            pool = open_clients(svc, key, clients, spread)
            conns = sorted(svc.connections().values(), reverse=True)
            run.connections = conns + [0] * (svc.workers - len(conns))
            cpu0, ccpu0, mcpu0 = svc.cpu_seconds(), time.process_time(), machine_busy_seconds()
            done = threading.Event()
            prober = threading.Thread(target=probe_health, args=(svc, done, run.health), name="healthz-probe")
            prober.start()
            t0 = time.perf_counter()
            try:
                post_batches(pool, bodies, sizes, run, time.monotonic() + time_limit)
            finally:
                done.set()
                prober.join()
            run.wall = time.perf_counter() - t0
            run.server_cpu, run.client_cpu = svc.cpu_seconds() - cpu0, time.process_time() - ccpu0
            run.other_cpu = max(0.0, machine_busy_seconds() - mcpu0 - run.server_cpu - run.client_cpu)
            if not run.errors:
                run.listed = count_listed(svc, key, expected["enterprise"].nunique())
                run.stored, run.worst_difference = check_database(url, expected)
                with httpx.Client(base_url=svc.url, headers={"Authorization": f"Bearer {key}",
                                  "Content-Type": "application/json"}, trust_env=False, timeout=300) as c:
                    t0 = time.perf_counter()
                    r = c.post("/v1/reports/bulk", content=bodies[0])
                    run.resend_seconds = time.perf_counter() - t0
                body = r.json() if r.status_code == 200 else {}
                run.resend_ok = (r.status_code == 200 and body.get("unchanged") == sizes[0]
                                 and body.get("created") == 0 and body.get("revised") == 0)
                if not run.resend_ok:
                    run.errors.append(f"re-sent batch 0: HTTP {r.status_code}: {r.text[:300]}")
        run.log_problems = svc.problems_in_log()
        from api.db import engine_for
        engine_for(url).dispose()  # the key was made through api.db's cached engine
    return run


def report(run: Run, n: int, rows: int, batch: int, accounting_s: float) -> None:
    label = f"{run.backend:8s} clients={run.clients} workers={run.workers}"
    if run.batch_seconds:
        bs = sorted(run.batch_seconds)
        per_batch = (f"per batch of {batch}: median {statistics.median(bs):.2f} s, min {bs[0]:.2f} s, max {bs[-1]:.2f} s")
    else:
        per_batch = "no batch answered"
    print(f"{label}: server up in {run.startup:.1f} s; ingest {run.wall:.1f} s = {n / run.wall:,.0f} reports/s "
          f"({rows / run.wall:,.0f} rows/s); {per_batch}")
    print(f"{'':8s} CPU during the ingest: server {run.server_cpu:.1f} s ({run.server_cpu / run.wall:.0%} of the wall time; "
          f"{os.cpu_count()} cores = {os.cpu_count()}00%), this process {run.client_cpu:.1f} s, "
          f"other processes on the machine{' (PostgreSQL included)' if run.backend == 'postgres' else ''} "
          f"{run.other_cpu:.1f} s ({run.other_cpu / run.wall:.0%})")
    if run.health:
        h = sorted(run.health)
        print(f"{'':8s} GET /healthz meanwhile (every 0.2 s, {len(h)} probes): median {statistics.median(h) * 1e3:.0f} ms, "
              f"max {h[-1] * 1e3:.0f} ms"
              + (f"; client connections per worker: {'/'.join(map(str, run.connections)) or 'not sampled'}"
                 if run.workers > 1 else ""))
    print(f"{'':8s} answered: {run.counts}; GET /v1/enterprises lists {run.listed:,}; database: "
          + ", ".join(f"{k} {v:,}" for k, v in run.stored.items())
          + f"; stored results vs in-process accounting: max relative difference {run.worst_difference:.1e}")
    print(f"{'':8s} re-sent batch 0: {'all unchanged' if run.resend_ok else 'NOT all unchanged'} in {run.resend_seconds:.2f} s; "
          f"ratio ingest/accounting {run.wall / accounting_s:.1f}x")
    for e in run.errors[:10]:
        print(f"{'':8s} ERROR {e}")
    for line in run.log_problems[:10]:
        print(f"{'':8s} server log: {line}")
    if run.backend == "sqlite":
        print(f"{'':8s} aim: the province ({PROVINCE_ENTERPRISES:,} reports) in under {AIM_SECONDS:.0f} s on SQLite: "
              + ("met" if not run.errors and run.wall * PROVINCE_ENTERPRISES / n < AIM_SECONDS else "NOT met")
              + ("" if n == PROVINCE_ENTERPRISES else f" (scaled from {n:,} reports)"))


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=PROVINCE_ENTERPRISES)
    parser.add_argument("--years", default="2023", help="'2023' (default), '2022,2023' or '2020-2025'")
    parser.add_argument("--batch", type=int, default=1000, help="reports per POST (the service takes up to 5,000)")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="PostgreSQL database (its public schema is reset)")
    parser.add_argument("--clients", default="1", help="concurrent clients, or a list of them: '1', '2', '1,2'")
    parser.add_argument("--workers", default="1", help="uvicorn worker processes, or a list: '1', '1,2'")
    parser.add_argument("--spread", action="store_true",
                        help="with --workers > 1, reconnect until the clients' connections are spread over the workers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds allowed for one ingest (default 900)")
    return parser.parse_args(argv)


def documents(args: argparse.Namespace) -> tuple[pd.DataFrame, list[list[dict]], list[bytes]]:
    """The synthetic province, its documents in batches of --batch and the request bodies (printed: sizes, times)."""
    t0 = time.perf_counter()
    years = parse_years(args.years)
    frame = province(args.enterprises, years=years, seed=args.seed)
    docs = frame_to_documents(frame)
    generated = time.perf_counter() - t0
    batches = [docs[i: i + args.batch] for i in range(0, len(docs), args.batch)]
    t0 = time.perf_counter()
    bodies = [json.dumps([{"report": d} for d in b], ensure_ascii=False).encode("utf-8") for b in batches]
    encoded = time.perf_counter() - t0
    print(f"generated {len(docs):,} reports ({len(frame):,} rows, years {years[0]}-{years[-1]}) in {generated:.1f} s; "
          f"{len(bodies)} bodies of {args.batch} reports, {sum(map(len, bodies)) / 2**20:.1f} MiB of JSON, encoded in {encoded:.2f} s")
    return frame, batches, bodies


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if "postgres" in backends and (err := postgres_ready(args.postgres_url)):
        print(f"PostgreSQL bench database not reachable ({err}); start it with: bash .ci/postgres.sh", file=sys.stderr)
        return 2
    import fastapi
    import sqlalchemy
    import uvicorn
    print(f"carbonkit {ck.__version__}, Python {platform.python_version()}, fastapi {fastapi.__version__}, "
          f"uvicorn {uvicorn.__version__}, sqlalchemy {sqlalchemy.__version__}, httpx {httpx.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load_average()}")
    frame, batches, bodies = documents(args)
    sizes = [len(b) for b in batches]
    n, rows = sum(sizes), len(frame)

    # The documents and bodies held here are millions of objects the server process never holds; left to the
    # collector, every full collection would scan them and charge the baseline for it (about 2.5x).
    gc.collect()
    gc.freeze()
    accounting_s, frame_s, summary = baseline(batches, frame)
    print(f"baseline carbonkit.account over the same {len(batches)} batches of documents: {accounting_s:.2f} s "
          f"({n / accounting_s:,.0f} reports/s); over the long frame in one call: {frame_s:.2f} s")

    failed = False
    for backend in backends:
        for workers in parse_ints(args.workers):
            for clients in parse_ints(args.clients):
                run = ingest(backend, clients, workers, bodies, sizes, summary, args.time_limit, args.spread,
                             args.postgres_url)
                report(run, n, rows, args.batch, accounting_s)
                failed |= not run.ok(n, frame["enterprise"].nunique())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
