"""The same reports through every entry point give the same results: the library, ``carbonkit account``,
``carbonkit ingest``, ``POST /v1/calculate``, ``POST /v1/reports`` and ``POST /v1/reports/bulk`` as JSON,
NDJSON, CSV and .xlsx. One set of options and defaults: the 2020 base year accounts everywhere.

Hand numbers for enterprise A (1,000 t raw coal, 12,000 MWh, Qingdao):
- energy, equivalent value: 1,000,000 kg × 0.7143 + 12,000,000 kWh × 0.1229 = 714.3 + 1,474.8 = 2,189.1 tce
- 2023 electricity CO2: 12,000 MWh × 0.6191 (Shandong 2023) = 7,429.2 t
- 2020 electricity CO2: no factor is published for 2020; the nearest year, Shandong 2021 0.6838, gives
  12,000 × 0.6838 = 8,205.6 t, and the result says so (grid_year_location = 2021).
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from typer.testing import CliRunner

import carbonkit as ck
from service_kit import ENT_A, ENT_B, auth, doc_a, doc_b, summary_of

FIGURES = ("energy_equivalent_tce", "energy_equal_tce", "co2_location_tco2", "co2_market_tco2",
           "co2_electricity_location_tco2", "grid_level_location", "grid_year_location", "value_added_10k_cny",
           "energy_intensity_tce_per_10k_cny", "credit_code_check")
HEADER = ["enterprise", "name", "region", "industry", "park", "period", "item", "amount", "unit"]


def _docs() -> list[dict]:
    return [doc_a("2020"), doc_a("2023"), doc_b("2023")]


def _figures(record: dict) -> dict:
    record = summary_of(record)
    return {c: (pytest.approx(record[c], rel=1e-12) if isinstance(record.get(c), float) else record.get(c))
            for c in FIGURES}


def _rows() -> list[list]:
    return [[d.get(c, it.get(c)) if c not in it else it[c] for c in HEADER] for d in _docs() for it in d["items"]]


def _csv() -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(v) for v in row) for row in _rows()]
    return ("\n".join(lines) + "\n").encode("gb18030")  # as Excel on Chinese Windows saves it


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in _rows():
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _stored(client, key) -> dict:
    out = {}
    for doc in _docs():
        r = client.get(f"/v1/enterprises/{doc['enterprise']}/reports/{doc['period']}", headers=auth(key))
        assert r.status_code == 200, r.text
        out[(doc["enterprise"], doc["period"])] = _figures(r.json()["result"])
    return out


def test_library_by_hand():
    result = ck.account(_docs())
    a2020, a2023 = result.record(ENT_A, "2020"), result.record(ENT_A, "2023")
    assert a2023["energy_equivalent_tce"] == pytest.approx(2189.1)
    assert a2023["co2_electricity_location_tco2"] == pytest.approx(7429.2)
    assert a2020["co2_electricity_location_tco2"] == pytest.approx(8205.6)
    assert (a2020["grid_level_location"], a2020["grid_year_location"]) == ("province", 2021)


def test_every_entry_point_gives_the_same_results(client, province_key, settings, tmp_path, monkeypatch):
    library = {(r["enterprise"], r["period"]): _figures(r) for r in ck.account(_docs()).records()}
    assert set(library) == {(ENT_A, "2020"), (ENT_A, "2023"), (ENT_B, "2023")}

    # the CLI: carbonkit account FILE --format json
    from cli.main import app as cli_app

    path = tmp_path / "docs.json"
    path.write_text(json.dumps(_docs(), ensure_ascii=False), encoding="utf-8")
    out = CliRunner().invoke(cli_app, ["account", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert {(r["enterprise"], r["period"]): _figures(r) for r in json.loads(out.stdout)["results"]} == library

    # the service, without storing: /v1/calculate
    for doc in _docs():
        r = client.post("/v1/calculate", json=doc, headers=auth(province_key))
        assert r.status_code == 200, r.text
        assert _figures(r.json()["result"]) == library[(doc["enterprise"], doc["period"])]

    # bulk as CSV (GB18030) first: accepted, 2020 included; then every other form changes nothing
    bodies = [("text/csv", _csv()),
              ("application/json", json.dumps([{"report": d} for d in _docs()]).encode()),
              ("application/x-ndjson", "\n".join(json.dumps({"report": d}) for d in _docs()).encode()),
              ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx())]
    for kind, body in bodies:
        r = client.post("/v1/reports/bulk", content=body, headers={**auth(province_key), "Content-Type": kind})
        assert r.status_code in (200, 201), (kind, r.text)
        assert _stored(client, province_key) == library, kind
    for doc in _docs():
        r = client.post("/v1/reports", json={"report": doc}, headers=auth(province_key))
        assert r.status_code in (200, 201), r.text
        assert _figures(r.json()["result"]) == library[(doc["enterprise"], doc["period"])]

    # carbonkit ingest FILE on the same database
    from cli.service import ingest_file

    csv_path = tmp_path / "docs.csv"
    csv_path.write_bytes(_csv())
    ingest_file(settings, csv_path, quiet=True)
    assert _stored(client, province_key) == library
