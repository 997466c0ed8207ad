"""Every error through the one table of api/errors.py: a broken shipped factor table is the server's fault (500,
a problem saying so), never the request's (422); an unknown release a caller names stays the caller's (422)."""

from __future__ import annotations

import carbonkit.factors.release as release_module
from carbonkit.datafiles import data_dir
from carbonkit.errors import FactorDataError
from service_kit import auth, doc_a


def test_a_broken_shipped_factor_table_is_a_500_problem(client, province_key, monkeypatch):
    broken = data_dir() / "emissions" / "broken.csv"

    def load_broken(name):  # the shipped loader, as if a table of factors/ had a bad row
        raise FactorDataError(f"1 problem(s) in factor table {broken}:\n  - row 3, column 'value': 'x' is not a number")

    monkeypatch.setattr(release_module, "_shipped", load_broken)
    r = client.post("/v1/calculate", json=doc_a(), headers=auth(province_key))
    assert r.status_code == 500, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert "shipped factor data is broken" in body["detail"] and "not a fault of the request" in body["detail"]
    assert body["problems"][0]["code"] == "shipped_data_invalid"
    assert "factors/emissions/broken.csv" in body["problems"][0]["message"]
    assert str(data_dir()) not in r.text  # where the server keeps its data is not shown


def test_an_unknown_release_is_still_the_callers_422(client, province_key):
    r = client.post("/v1/calculate?release=nope", json=doc_a(), headers=auth(province_key))
    assert r.status_code == 422, r.text
    assert "no release 'nope'" in r.json()["detail"]
