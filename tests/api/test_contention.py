"""Contention (issue 11), a small run of benchmarks/bench_contention.py in the suite: eight clients post bulks of
the same new enterprises at once, each with its own content; no answer is a 5xx, and afterwards every
enterprise-period has dense revisions 1..n, one latest (the highest), n equal to the "created" + "revised"
answers for it, and the latest result's electricity equals its document's."""

from __future__ import annotations

import threading
from collections import Counter

from service_kit import auth

CLIENTS, ROUNDS, ENTERPRISES = 8, 3, 4


def bulk(round_no: int, client_no: int) -> list[dict]:
    return [{"report": {"enterprise": f"9137CT{round_no:02d}{i:03d}", "region": "370211", "park": "PCT",
                        "period": "2023", "items": [{"item": "electricity", "amount": 1000 + client_no, "unit": "MWh"}]}}
            for i in range(ENTERPRISES)]


def test_concurrent_bulks_of_the_same_new_enterprises_never_answer_5xx(client, province_key):
    statuses: Counter = Counter()
    announced: Counter = Counter()
    lock, barrier = threading.Lock(), threading.Barrier(CLIENTS)

    def run(no: int) -> None:
        for r in range(ROUNDS):
            barrier.wait()
            try:
                resp = client.post("/v1/reports/bulk", json=bulk(r, no), headers=auth(province_key))
            except Exception as exc:  # noqa: BLE001 - a server exception re-raised by TestClient counts as a 500
                with lock:
                    statuses[f"exception {type(exc).__name__}"] += 1
                continue
            with lock:
                statuses[resp.status_code] += 1
                if resp.status_code == 200:
                    announced.update(x["enterprise"] for x in resp.json()["reports"] if x["status"] != "unchanged")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert statuses == Counter({200: CLIENTS * ROUNDS}), statuses
    for r in range(ROUNDS):
        for i in range(ENTERPRISES):
            ent = f"9137CT{r:02d}{i:03d}"
            revs = client.get(f"/v1/enterprises/{ent}/reports/2023/revisions", headers=auth(province_key)).json()
            assert [x["revision"] for x in revs] == list(range(1, len(revs) + 1))  # dense
            assert [x["revision"] for x in revs if x["is_latest"]] == [len(revs)]  # one latest, the highest
            assert len(revs) == announced[ent]  # every stored revision was announced, and only those
            latest = client.get(f"/v1/enterprises/{ent}/reports/2023", headers=auth(province_key)).json()
            # the latest result is its own document's: (1,000 + client) MWh = x 1,000 kWh
            mwh = latest["document"]["items"][0]["amount"]
            assert latest["result"]["summary"]["electricity_kwh"] == mwh * 1000
