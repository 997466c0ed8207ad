"""Benchmark: sixteen clients posting bulks of the same new enterprises at once (issue 11), on SQLite and PostgreSQL.

    python benchmarks/bench_contention.py [--clients 16] [--rounds 10] [--enterprises 10] [--db sqlite,postgres]

The service runs under uvicorn in a subprocess on 127.0.0.1 (one worker) on a fresh database: a SQLite file, or
the PostgreSQL database named by ``CARBONKIT_BENCH_POSTGRES_URL`` (default: ``CARBONKIT_TEST_POSTGRES_URL``, else
benchmarks/service.py's), whose public schema is dropped first. In each round every client (a thread with its own
keep-alive ``httpx.Client``) waits at a barrier, then posts one bulk of the same ``--enterprises`` new enterprises
with its own content (electricity 1,000 + client MWh). Printed: requests, answers by status, 5xx and transport
errors, wall time, and the invariants read back from the database:

- dense revisions: each enterprise-period has revisions 1..n, no gap and no duplicate;
- one latest revision per enterprise-period, and it is the highest;
- every stored revision was announced: n equals the number of "created" + "revised" answers for it;
- aggregates equal the expected sums: the sum of the latest results' electricity [kWh] equals the sum of the
  latest documents' electricity [MWh] x 1,000.

The floor in the same process (``--floor``) is one client alone posting bulks of other new enterprises: the
ratio of the wall time per request is what contention costs (on a 2-core machine the 16 clients share the CPUs
with the server). Exit status 1 if any 5xx or broken invariant was seen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from service import POSTGRES_URL, Service, postgres_ready, reset_postgres, sqlite_url  # noqa: E402


def bulk(round_no: int, client_no: int, enterprises: int, prefix: str = "9137CT") -> list[dict]:
    return [{"report": {"enterprise": f"{prefix}{round_no:03d}{i:04d}", "region": "370211", "park": "PCT",
                        "period": "2023", "items": [{"item": "electricity", "amount": 1000 + client_no, "unit": "MWh"}]}}
            for i in range(enterprises)]


def run_clients(url: str, key: str, clients: int, rounds: int, enterprises: int,
                prefix: str = "9137CT") -> tuple[Counter, Counter, float]:
    """(answers by status, announced revisions by enterprise, wall time [s])."""
    statuses: Counter = Counter()
    announced: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(no: int) -> None:
        with httpx.Client(base_url=url, timeout=120.0, trust_env=False,
                          headers={"Authorization": f"Bearer {key}"}) as http:
            for r in range(rounds):
                barrier.wait()
                try:
                    resp = http.post("/v1/reports/bulk", json=bulk(r, no, enterprises, prefix))
                    code = resp.status_code
                except httpx.TransportError as exc:
                    code = f"transport:{type(exc).__name__}"
                    resp = None
                with lock:
                    statuses[code] += 1
                    if resp is not None and code == 200:
                        for rep in resp.json()["reports"]:
                            if rep["status"] in ("created", "revised"):
                                announced[rep["enterprise"]] += 1

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses, announced, time.perf_counter() - t0


def invariants(database_url: str, announced: Counter) -> dict[str, object]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            revs = conn.execute(text("SELECT enterprise_id, period, revision, is_latest FROM report")).all()
            sums = conn.execute(text(
                "SELECT SUM(res.electricity_kwh), COUNT(*) FROM report r JOIN result res ON res.report_id = r.id "
                "WHERE r.is_latest")).one()
            docs = conn.execute(text("SELECT document FROM report WHERE is_latest")).scalars().all()
    finally:
        engine.dispose()
    by_key: dict[tuple, list] = {}
    for ent, period, rev, latest in revs:
        by_key.setdefault((ent, period), []).append((rev, bool(latest)))
    dense = all(sorted(r for r, _ in v) == list(range(1, len(v) + 1)) for v in by_key.values())
    one_latest = all([r for r, latest in v if latest] == [len(v)] for v in by_key.values())
    announced_ok = all(len(v) == announced[k[0]] for k, v in by_key.items())
    import json
    expected = sum(1000.0 * it["amount"] for d in docs for it in (json.loads(d) if isinstance(d, str) else d)["items"])
    aggregates_ok = abs((sums[0] or 0.0) - expected) <= 1e-9 * max(expected, 1.0)
    return {"enterprise_periods": len(by_key), "revisions": len(revs), "dense": dense, "one_latest": one_latest,
            "announced_equals_stored": announced_ok, "electricity_kwh_sum": sums[0], "expected_kwh_sum": expected,
            "aggregates_equal": aggregates_ok}


def run(db: str, args) -> bool:
    with tempfile.TemporaryDirectory(prefix="carbonkit-contention-") as tmp:
        if db == "sqlite":
            url = sqlite_url(tmp)
        else:
            url = os.environ.get("CARBONKIT_BENCH_POSTGRES_URL") or os.environ.get("CARBONKIT_TEST_POSTGRES_URL") or POSTGRES_URL
            problem = postgres_ready(url)
            if problem:
                print(f"[{db}] skipped: {problem}")
                return True
            reset_postgres(url)
        with Service(url) as svc:
            key = svc.province_key()
            statuses, announced, wall = run_clients(svc.url, key, args.clients, args.rounds, args.enterprises)
            checks = invariants(url, announced)
            floor = None
            if args.floor:
                floor = run_clients(svc.url, key, 1, args.rounds, args.enterprises, "9137CF")[2]  # new enterprises
    requests = sum(statuses.values())
    fives = sum(n for code, n in statuses.items() if isinstance(code, int) and code >= 500)
    transport = sum(n for code, n in statuses.items() if not isinstance(code, int))
    print(f"[{db}] {args.clients} clients x {args.rounds} rounds x {args.enterprises} enterprises: {requests} requests, "
          f"{fives} x 5xx, {transport} transport errors, answers {dict(sorted(statuses.items(), key=str))}, "
          f"wall {wall:.2f} s" + (f", {1000 * wall / requests:.0f} ms per request; one client alone on new enterprises "
                                  f"{1000 * floor / args.rounds:.0f} ms per request (ratio "
                                  f"{(wall / requests) / (floor / args.rounds):.2f})" if floor else ""))
    print(f"[{db}] invariants: {checks}")
    return fives == 0 and transport == 0 and all(checks[k] for k in ("dense", "one_latest", "announced_equals_stored",
                                                                    "aggregates_equal"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--enterprises", type=int, default=10)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--floor", action="store_true", help="also time one client alone (the floor)")
    args = parser.parse_args()
    ok = [run(db.strip(), args) for db in args.db.split(",") if db.strip()]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
