"""Formula injection (issue 11, OWASP "CSV injection"): a name such as ``=HYPERLINK(...)`` is written as text, never
as a live formula, into every .xlsx and .csv the project writes."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import carbonkit as ck
from reports.excel import csv_text, export_results, formula_safe

HOSTILE = ['=HYPERLINK("http://x.invalid","click")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _result(name: str):
    return ck.account({"enterprise": "9137FORMULA", "name": name, "period": "2023", "region": "370211",
                       "items": [{"item": "electricity", "amount": 1, "unit": "MWh"}]})


def test_xlsx_export_writes_hostile_names_as_text(tmp_path):
    for i, name in enumerate(HOSTILE):
        path = export_results(_result(name), tmp_path / f"r{i}.xlsx")
        sheet = openpyxl.load_workbook(path)["summary"]
        header = [c.value for c in sheet[1]]
        cell = sheet.cell(2, header.index("name") + 1)
        assert cell.data_type == "s" and cell.value.startswith("'")  # text with a leading apostrophe
        assert cell.value.lstrip("'\t\r") == name.lstrip("\t\r")


def test_csv_export_and_csv_text_neutralise(tmp_path):
    path = export_results(_result(HOSTILE[0]), tmp_path / "r.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0]["name"] == "'" + HOSTILE[0]
    text = csv_text(pd.DataFrame({"name": HOSTILE, "amount": [-1.0] * len(HOSTILE)}))
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [r[0] for r in rows] == ["'" + n for n in HOSTILE]
    assert [r[1] for r in rows] == ["-1.0"] * len(HOSTILE)  # numbers are not text: untouched


@given(st.text(max_size=20))
def test_formula_safe_never_leaves_a_formula_start_and_keeps_the_text(text):
    safe = formula_safe(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)


def test_market_report_workbook_writes_a_hostile_facility_name_as_text(tmp_path):
    """The carbon-market sector report (.xlsx) takes its cells through the same neutralising as the exports."""
    from carbonkit.market import account_market
    from carbonkit.market.monthly import read_monthly
    from reports.market_workbook import write_report
    from carbonkit.datafiles import examples_dir

    frame = read_monthly(examples_dir() / "market_aluminium.csv")
    frame["facility"] = frame["facility"].replace("potline_1", HOSTILE[0])
    path = write_report(account_market(frame), tmp_path / "market.xlsx")
    texts = [c.value for ws in openpyxl.load_workbook(path) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert texts and all(t.startswith("'=") for t in texts)
