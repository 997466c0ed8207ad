"""The NBS 205-1 workbook (carbonkit.forms): template, import with checks by row, accounting, export, round trip.

A filled form (one enterprise, 2025), worked by hand:

    row  energy   unit      start  purchases  consumption = industrial (raw material) + non-ind.  end   own coeff.
    9    原煤 101  吨          100      1,000     900        = 850                      + 50         200   0.6 kgce/kg
    16   天然气 204 万立方米      –         10      10         = 10 (4)                   + 0           –    –
    27   电力 600  万千瓦时      –        100     100         = 100                      + 0           –    –

    原煤: stock 100 + 1,000 − 900 − 0 = 200 = end (closes). Industrial use only: 850 t × 0.6 kgce/kg (the row's
          own coefficient, not GB/T 2589's 0.7143) = 510,000 kgce = 510 tce; the 50 t non-industrial stay out.
    天然气: 10 万m3 of which 4 raw material: 6 × 10^4 m3 × 1.33 kgce/m3 = 79.8 tce consumption, 4 × 10^4 × 1.33
          = 53.2 tce raw material (GB/T 2589-2020 App. A, the oil-field row the release uses for 天然气).
    电力: 100 万kWh = 10^6 kWh × 0.1229 kgce/kWh = 122.9 tce.
    total equivalent value = 510 + 79.8 + 53.2 + 122.9 = 765.9 tce, of which raw material 53.2 tce.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from carbonkit.errors import InvalidInput
from carbonkit.forms import account_form, form_rows, read_form
from reports.form205 import write_form, write_template
from carbonkit.forms.nbs205 import COLUMNS, HEADER_ROW, SHEET

KEYS = [k for k, _ in COLUMNS]
ENTERPRISE = "91370211473270545N"


def row_of(code: str) -> int:
    return HEADER_ROW + 1 + list(form_rows()["code"]).index(code)


def filled(changes: dict | None = None, period="2025") -> io.BytesIO:
    """The template with the rows above (``changes``: (code, column) -> value on top)."""
    buf = io.BytesIO()
    write_template(buf)
    book = load_workbook(io.BytesIO(buf.getvalue()))
    ws = book[SHEET]
    ws["B2"], ws["B3"], ws["B4"], ws["B5"], ws["B6"] = ENTERPRISE, "某轮胎厂", period, "370211", "C2911"
    values = {("101", "start_stock"): 100, ("101", "purchases"): 1000, ("101", "consumption"): 900,
              ("101", "industrial"): 850, ("101", "non_industrial"): 50, ("101", "end_stock"): 200,
              ("101", "own_coefficient"): 0.6,
              ("204", "purchases"): 10, ("204", "consumption"): 10, ("204", "industrial"): 10, ("204", "feedstock"): 4,
              ("600", "purchases"): 100, ("600", "consumption"): 100, ("600", "industrial"): 100, **(changes or {})}
    for (code, key), v in values.items():
        ws.cell(row_of(code), KEYS.index(key) + 1, v)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_the_template_has_the_form_rows_codes_and_reference_coefficients():
    buf = io.BytesIO()
    write_template(buf)
    ws = load_workbook(io.BytesIO(buf.getvalue()))[SHEET]
    assert [c.value for c in ws[HEADER_ROW]][:4] == ["能源名称", "计量单位", "代码", "年初库存量"]
    coal = [c.value for c in ws[row_of("101")]]
    assert coal[:3] == ["原煤", "吨", "101"]
    # GB/T 2589-2020 App. A: raw coal 0.7143 kgce/kg, shown in Chinese units
    assert coal[KEYS.index("reference_coefficient")] == pytest.approx(0.7143)
    assert coal[KEYS.index("coefficient_unit")] == "千克标准煤/千克"
    power = [c.value for c in ws[row_of("600")]]
    assert power[KEYS.index("reference_coefficient")] == pytest.approx(0.1229)
    # number validation (≥ 0) with an input prompt on every figure column
    rules = ws.data_validations.dataValidation
    assert len(rules) == 10 and all(r.type == "decimal" and r.operator == "greaterThanOrEqual" for r in rules)
    assert all(r.prompt for r in rules if r.promptTitle != "购进金额（千元）")


def test_import_and_accounting_by_hand():
    form = read_form(filled())
    assert (form.enterprise, form.period, form.region) == (ENTERPRISE, "2025", "370211")
    result = account_form(form)
    rec = result.record(ENTERPRISE, "2025")
    assert rec["energy_equivalent_tce"] == pytest.approx(765.9)
    assert rec["feedstock_equivalent_tce"] == pytest.approx(53.2)
    # the trace: raw coal used the row's own coefficient, natural gas the release's
    ids = rec["factor_ids"].split(";")
    assert "nbs205-own.raw_coal" in ids and "gbt2589-2020-a.raw_coal" not in ids
    assert "gbt2589-2020-a.natural_gas" in ids
    # non-industrial use kept out, and kept
    assert form.non_industrial.to_dict("records") == [{"code": "101", "name_zh": "原煤", "amount": 50.0, "unit": "t"}]


def test_without_an_own_coefficient_the_reference_one_is_used():
    rec = account_form(filled({("101", "own_coefficient"): None})).record(ENTERPRISE, "2025")
    # 850 t x 0.7143 kgce/kg = 607.155 tce; + 79.8 + 53.2 + 122.9
    assert rec["energy_equivalent_tce"] == pytest.approx(607.155 + 79.8 + 53.2 + 122.9)


def test_a_stock_balance_that_does_not_close_is_reported_by_row():
    with pytest.raises(InvalidInput) as err:
        read_form(filled({("101", "end_stock"): 250, ("204", "feedstock"): 12, ("600", "purchases"): -5}))
    found = {(p.code, p.row, p.field) for p in err.value.problems}
    assert ("stock_balance", row_of("101"), "end_stock") in found  # 100 + 1,000 − 900 − 0 = 200, not 250
    assert ("feedstock_exceeds", row_of("204"), "feedstock") in found  # 12 > 10
    assert ("value_invalid", row_of("600"), "purchases") in found  # −5 is not ≥ 0
    balance = next(p for p in err.value.problems if p.code == "stock_balance")
    assert "= 200" in balance.message and balance.sheet == SHEET


def test_consumption_must_be_its_parts_and_the_period_a_period():
    with pytest.raises(InvalidInput) as err:
        read_form(filled({("101", "consumption"): 950, ("101", "end_stock"): 150}, period="2025年"))
    codes = {p.code for p in err.value.problems}
    assert codes == {"consumption_split", "period_invalid"}  # 950 ≠ 850 + 50; the balance closes at 150


def test_a_row_carbonkit_cannot_account_is_refused_not_dropped():
    with pytest.raises(InvalidInput) as err:
        read_form(filled({("103", "industrial"): 5, ("103", "consumption"): 5, ("103", "purchases"): 5}))
    assert [(p.code, p.row) for p in err.value.problems] == [("row_not_accounted", row_of("103"))]


def test_round_trip():
    form = read_form(filled())
    out = io.BytesIO()
    write_form(out, form)
    out.seek(0)
    again = read_form(out)
    assert (again.enterprise, again.period, again.name, again.industry) == (form.enterprise, form.period, "某轮胎厂", "C2911")
    cols = ["code", "start_stock", "purchases", "consumption", "industrial", "feedstock", "non_industrial", "end_stock",
            "own_coefficient"]
    assert again.rows[cols].fillna(-1).to_dict("records") == form.rows[cols].fillna(-1).to_dict("records")
    assert account_form(again).record(ENTERPRISE, "2025")["energy_equivalent_tce"] == pytest.approx(765.9)


def test_cli_writes_the_205_template(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    target = tmp_path / "205.xlsx"
    r = CliRunner().invoke(app, ["template", "--form", "205-1", "-o", str(target)])
    assert r.exit_code == 0, r.output
    assert load_workbook(target)[SHEET].cell(row_of("101"), 1).value == "原煤"
    assert CliRunner().invoke(app, ["template", "--form", "B204", "-o", str(tmp_path / "x.xlsx")]).exit_code != 0


def test_cli_accounts_a_filled_form(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    path = tmp_path / "filled.xlsx"
    path.write_bytes(filled().getvalue())
    r = CliRunner().invoke(app, ["form205", str(path), "-o", str(tmp_path / "out.csv")])
    assert r.exit_code == 0, r.output
    assert "原煤 50 t" in r.output  # the non-industrial use, kept out
    import pandas as pd

    assert pd.read_csv(tmp_path / "out.csv")["energy_equivalent_tce"].iloc[0] == pytest.approx(765.9)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(filled({("101", "end_stock"): 250}).getvalue())
    r = CliRunner().invoke(app, ["form205", str(bad)])
    assert r.exit_code != 0 and "年末库存量 = 200" in r.output
