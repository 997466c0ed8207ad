"""Excel in and out: the template, reading a filled workbook with row-numbered errors, exporting results.

Round trips fill a template's sheets from the CSV examples with openpyxl and compare
``carbonkit.account(...).summary`` with the CSV's. Expected lists are read from the data files with pandas
here, independently of the code under test.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import carbonkit as ck
from carbonkit.datafiles import data_path, examples_dir
from carbonkit.errors import FactorDataError, InvalidInput, Problem
from reports.excel import (FLOW_NAMES, HEADERS, SHEETS, TITLES, column_unit, export_results, template_units,
                             write_template)
from carbonkit.readers import COLUMNS, NOTE_SHEETS, read_activities, read_excel
from carbonkit.units import multiplier
from carbonkit.vocabulary import flow_of, normalise_name, vocabulary

ITEMS = pd.read_csv(data_path("items.csv"), dtype=str, keep_default_na=False)
UNITS = pd.read_csv(data_path("template_units.csv"), dtype=str, keep_default_na=False)
KINDS_OF = {"energy": ("fuel", "electricity", "heat", "steam"), "water": ("water",), "economic": ("economic",)}


def fill_template(csv_path, out_path, lang="zh", *, sheets=None) -> None:
    """Write the rows of a CSV example into a fresh template, each row on the sheet of its item's kind."""
    write_template(out_path, lang)
    book = openpyxl.load_workbook(out_path)
    rows = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    kind = dict(zip(ITEMS["item"], ITEMS["kind"]))
    for key, kinds in KINDS_OF.items():
        ws = book[TITLES[lang][key]]
        header = [c.value for c in ws[1]]
        canon = [next(k for k, v in HEADERS[lang].items() if v == h) for h in header]
        sub = rows[rows["item"].map(kind).isin(kinds)]
        for r, rec in enumerate(sub.to_dict("records"), start=2):
            for c, col in enumerate(canon, start=1):
                value = rec.get(col, "")
                if col in ("amount", "enthalpy") and value != "":
                    value = float(value)  # a number cell, as Excel stores it
                ws.cell(r, c, value if value != "" else None)
    book.save(out_path)


@pytest.fixture(scope="module")
def park_xlsx(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "park.xlsx"
    fill_template(examples_dir() / "park.csv", path)
    return path


# --------------------------------------------------------------------------- round trips

@pytest.mark.parametrize("example", ["tyre_maker.csv", "park.csv"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_round_trip_through_template_gives_the_csv_results(tmp_path, example, lang):
    path = tmp_path / f"{lang}.xlsx"
    fill_template(examples_dir() / example, path, lang)
    from_xlsx = ck.account(path).summary
    from_csv = ck.account(examples_dir() / example).summary
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


def test_round_trip_numbers_by_hand(tmp_path):
    path = tmp_path / "tyre.xlsx"
    fill_template(examples_dir() / "tyre_maker.csv", path, "en")
    rec = ck.account(path).record("91370211473270545N", "2023")
    # withdrawal = tap 120,000 + ground 30,000 + reclaimed 50,000 = 200,000 m3; fresh = 150,000 m3
    assert rec["water_withdrawal_m3"] == pytest.approx(200_000)
    assert rec["fresh_water_m3"] == pytest.approx(150_000)
    # reuse rate = 3,500,000 / (3,500,000 + 200,000) = 0.945946
    assert rec["water_reuse_rate"] == pytest.approx(3_500_000 / 3_700_000)
    assert rec["value_added_10k_cny"] == pytest.approx(44_000)
    assert rec["land_area_mu"] == pytest.approx(900)


def test_reader_keeps_the_sheet_and_excel_row_of_every_row(park_xlsx):
    frame = read_activities(park_xlsx)
    csv = pd.read_csv(examples_dir() / "park.csv", dtype=str, keep_default_na=False)
    assert len(frame) == len(csv) == 123
    energy = frame[frame["sheet"] == "能源"]
    assert energy["row"].tolist() == list(range(2, len(energy) + 2))  # header is row 1
    assert set(frame["sheet"]) == {"能源", "水", "经济数据"}


# --------------------------------------------------------------------------- the template

def _list_values(book, formula: str) -> list[str]:
    sheet, ref = formula.rsplit("!", 1)
    ws = book[sheet.strip("'")]
    return [c.value for row in ws[ref.replace("$", "")] for c in row if c.value is not None]


def _validation(ws, column_letter: str):
    hits = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(f"{column_letter}2:")]
    assert len(hits) == 1, f"one list on column {column_letter} of {ws.title}"
    return hits[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_drop_down_lists_hold_the_items_and_units_of_the_data_files(tmp_path, lang):
    path = tmp_path / "t.xlsx"
    write_template(path, lang)
    book = openpyxl.load_workbook(path)
    name_col = "name_zh" if lang == "zh" else "name_en"
    for key, kinds in KINDS_OF.items():
        ws = book[TITLES[lang][key]]
        header = [c.value for c in ws[1]]
        item_col = openpyxl.utils.get_column_letter(header.index(HEADERS[lang]["item"]) + 1)
        unit_col = openpyxl.utils.get_column_letter(header.index(HEADERS[lang]["unit"]) + 1)
        items = _list_values(book, _validation(ws, item_col).formula1)
        assert items == ITEMS.loc[ITEMS["kind"].isin(kinds), name_col].tolist()
        units = _list_values(book, _validation(ws, unit_col).formula1)
        expected = list(dict.fromkeys(u for k in kinds for u in UNITS.loc[UNITS["kind"] == k, "unit"]))
        if lang == "en":
            assert units == expected and units
        else:  # Chinese unit names first (吨 before t), then every unit of the data file; each one parses
            assert set(expected) <= set(units) and len(units) == len(set(units))
            chinese = [u for u in units if not u.isascii()]
            assert units[:len(chinese)] == chinese
            assert all(multiplier(u, u) == 1.0 for u in units)
            # changed with issue 18: the zh template lists 吨, 千瓦时, 立方米 first (was the file's order)
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].number_format == "@"  # credit codes stay text
    energy = book[TITLES[lang]["energy"]]
    flow_col = openpyxl.utils.get_column_letter([c.value for c in energy[1]].index(HEADERS[lang]["flow"]) + 1)
    flows = _list_values(book, _validation(energy, flow_col).formula1)
    assert [flow_of(f) for f in flows] == ["consumption", "feedstock", "export"]
    assert book[TITLES[lang]["lists"]].sheet_state == "hidden"
    assert book.sheetnames[0] == TITLES[lang]["instructions"]


def test_template_headers_are_spellings_the_reader_maps():
    aliases = {normalise_name(a): canon for canon, names in COLUMNS.items() for a in names}
    for lang, headers in HEADERS.items():
        for canon, text in headers.items():
            assert aliases.get(normalise_name(text)) == canon, (lang, text)
        for spec in SHEETS:
            assert normalise_name(TITLES[lang][spec.key]) not in NOTE_SHEETS
        assert {normalise_name(TITLES[lang][k]) for k in ("instructions", "lists")} <= set(NOTE_SHEETS)
        for flow, text in FLOW_NAMES[lang].items():
            assert flow_of(text) == flow


def test_every_name_in_the_item_lists_resolves_to_its_item():
    vocab = vocabulary()
    for rec in ITEMS.to_dict("records"):
        for name in (rec["name_zh"], rec["name_en"]):
            assert vocab.resolve(name).item == rec["item"], name


def test_template_units_parse_and_fit_an_item_of_their_kind():
    for rec in UNITS.to_dict("records"):
        targets = ITEMS.loc[ITEMS["kind"] == rec["kind"], "unit"]
        fits = [u for u in targets if u not in ("any", "dimensionless") and _converts(rec["unit"], u)]
        assert fits or "any" in set(targets), rec


def _converts(unit: str, target: str) -> bool:
    try:
        multiplier(unit, target)
        return True
    except InvalidInput:
        return False


def test_own_units_file_replaces_the_shipped_one(tmp_path):
    own = tmp_path / "units.csv"
    own.write_text("kind,unit,note\nfuel,t,\nelectricity,MWh,\nwater,m3,\neconomic,万元,\n", encoding="utf-8")
    assert template_units(own)["electricity"] == ["MWh"]
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,unit\nfuels,t\n", encoding="utf-8")
    with pytest.raises(FactorDataError, match=r"row 2, column 'kind': 'fuels'"):
        template_units(bad)


def test_template_to_a_stream_and_unknown_language():
    buf = io.BytesIO()
    write_template(buf, "en")
    assert openpyxl.load_workbook(io.BytesIO(buf.getvalue())).sheetnames[2:] == ["energy", "water", "economic"]
    with pytest.raises(InvalidInput, match="not a template language"):
        write_template(io.BytesIO(), "fr")


def test_an_empty_template_has_no_rows(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_template(path, "zh")
    with pytest.raises(InvalidInput) as exc:
        read_excel(path)
    assert exc.value.problems[0].code == "rows_missing"


# --------------------------------------------------------------------------- malformed workbooks

def _problems(path) -> list[Problem]:
    with pytest.raises(InvalidInput) as exc:
        ck.account(path)
    return exc.value.problems


def test_text_in_a_number_cell_and_a_unit_not_in_the_list_name_sheet_and_row(tmp_path, park_xlsx):
    book = openpyxl.load_workbook(park_xlsx)
    ws = book["能源"]
    amount = [c.value for c in ws[1]].index("数量") + 1
    unit = [c.value for c in ws[1]].index("计量单位") + 1
    ws.cell(7, amount, "abc")
    ws.cell(4, unit, "桶")  # barrel: not in the list and not a unit carbonkit knows
    ws.cell(5, unit, "m3")  # in the water list, not a unit of electricity
    path = tmp_path / "bad.xlsx"
    book.save(path)
    problems = sorted(_problems(path), key=lambda p: p.row)
    assert [(p.sheet, p.row, p.field, p.code) for p in problems] == [
        ("能源", 4, "unit", "unit_unknown"), ("能源", 5, "unit", "unit_dimension"), ("能源", 7, "amount", "amount_missing")]
    assert problems[2].describe().startswith("sheet 能源 row 7, ")
    assert "'abc' is not a number" in problems[2].describe()
    assert problems[2].to_dict()["sheet"] == "能源"


def test_rows_keep_their_excel_numbers_across_blank_rows(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "data"
    ws.append(["enterprise", "period", "item", "amount", "unit"])
    ws.append(["E1", 2023, "raw_coal", 100, "t"])
    ws.append([])
    ws.append([])
    ws.append(["E1", 2023, "electricity", "12 000", "kWh"])
    path = tmp_path / "gaps.xlsx"
    book.save(path)
    [p] = _problems(path)
    assert (p.sheet, p.row, p.field) == ("data", 5, "amount")


def test_wrong_sheet_headers_are_refused_not_skipped(tmp_path, park_xlsx):
    book = openpyxl.load_workbook(park_xlsx)
    notes = book.create_sheet("Sheet9")
    notes.append(["remark", "who"])
    notes.append(["checked", "me"])
    part = book.create_sheet("more")
    part.append(["enterprise", "period", "item", "数量"])  # no unit column
    part.append(["E1", "2023", "raw_coal", 1])
    path = tmp_path / "sheets.xlsx"
    book.save(path)
    problems = {p.sheet: p for p in _problems(path)}
    assert problems["Sheet9"].code == "sheet_unrecognised" and problems["Sheet9"].row == 1
    assert problems["more"].code == "column_missing" and problems["more"].field == "unit"


def test_no_recognisable_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["just notes"])
    path = tmp_path / "none.xlsx"
    book.save(path)
    [p] = _problems(path)
    assert p.code == "sheet_missing" and "说明" in p.message


def test_header_not_in_row_one_is_refused(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "energy"
    ws.cell(3, 1, "enterprise")
    path = tmp_path / "low.xlsx"
    book.save(path)
    [p] = _problems(path)
    assert (p.code, p.sheet, p.row) == ("sheet_unrecognised", "energy", 1)


def test_two_headers_for_one_column(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "e"
    ws.append(["enterprise", "period", "item", "amount", "数量", "unit"])
    ws.append(["E1", "2023", "raw_coal", 1, 2, "t"])
    path = tmp_path / "dup.xlsx"
    book.save(path)
    [p] = _problems(path)
    assert (p.code, p.sheet, p.row) == ("column_duplicate", "e", 1)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("enterprise,period\n", encoding="utf-8")
    [p] = _problems(path)
    assert p.code == "xlsx_invalid"
    with pytest.raises(InvalidInput, match="not a readable .xlsx"):
        read_excel(io.BytesIO(b"PK\x03\x04 broken"))


def test_dates_in_the_period_column_are_months(tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "energy"
    ws.append(["enterprise", "period", "item", "amount", "unit"])
    ws.append(["E1", dt.datetime(2023, 3, 1), "raw_coal", 1000, "t"])  # Excel turns a typed 2023-03 into a date
    path = tmp_path / "month.xlsx"
    book.save(path)
    rec = ck.account(path).summary.iloc[0]
    assert rec["period"] == "2023-03"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_any_amount_reads_back_as_from_csv(amount):
    rows = [["enterprise", "period", "region", "item", "amount", "unit"], ["E1", "2023", "CN", "raw_coal", amount, "t"],
            ["E1", "2023", "CN", "electricity", amount, "MWh"]]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    from_xlsx = ck.account(read_excel(io.BytesIO(buf.getvalue()))).summary
    csv = "\n".join(",".join(repr(v) if isinstance(v, float) else str(v) for v in row) for row in rows)
    from_csv = ck.account(ck.readers.read_csv(io.StringIO(csv))).summary
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


# --------------------------------------------------------------------------- export

def test_export_xlsx_reads_back_with_the_same_numbers(tmp_path, park_xlsx):
    result = ck.account(park_xlsx)
    path = export_results(result, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["summary", "factors", "indicators", "about"]
    back = pd.read_excel(path, sheet_name="summary", dtype={"enterprise": str, "period": str, "region": str})
    assert "energy_equivalent_tce [tce]" in back.columns
    assert "co2_intensity_tco2_per_10k_cny [tCO2/10^4 CNY]" in back.columns
    assert "water_reuse_rate [1]" in back.columns
    assert back["enterprise"].tolist() == result.summary["enterprise"].tolist()
    for col in ("energy_equivalent_tce", "co2_location_tco2", "water_withdrawal_m3", "value_added_10k_cny"):
        unit = column_unit(col)
        np.testing.assert_allclose(back[f"{col} [{unit}]"].to_numpy(float), result.summary[col].to_numpy(float),
                                   rtol=1e-15, atol=0)  # openpyxl writes 16 significant digits
    factors = pd.read_excel(path, sheet_name="factors")
    assert factors["id"].tolist() == [f.id for f in result.used]
    assert set(factors.columns) >= {"id", "value", "unit", "status", "source"}
    np.testing.assert_array_equal(factors["value"].to_numpy(float), [f.value for f in result.used])
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["release"] == result.release
    assert about["unverified factors"] == (", ".join(f.id for f in result.unverified_factors) or "none")


def test_export_marks_unverified_factors(tmp_path, park_xlsx):
    result = ck.account(park_xlsx)
    path = export_results(result, tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(path)["factors"]
    status_col = [c.value for c in ws[1]].index("status")
    for row in ws.iter_rows(min_row=2):
        marked = row[0].fill.fgColor.rgb not in (None, "00000000")
        assert marked == (row[status_col].value == "unverified"), row[0].value


def test_export_csv_and_unknown_format(tmp_path, park_xlsx):
    result = ck.account(park_xlsx)
    path = export_results(result, tmp_path / "out.csv")
    back = pd.read_csv(path, dtype={"enterprise": str, "period": str, "region": str, "industry": str})
    np.testing.assert_array_equal(back["energy_equivalent_tce"], result.summary["energy_equivalent_tce"])
    assert set(back["release"]) == {result.release}
    with pytest.raises(InvalidInput, match="cannot write '.ods'"):
        export_results(result, tmp_path / "out.ods")


def test_column_units():
    assert column_unit("co2_location_tco2") == "tCO2"
    assert column_unit("value_added_comparable_10k_cny") == "10^4 CNY"
    assert column_unit("energy_per_revenue_tce_per_10k_cny") == "tce/10^4 CNY"
    assert column_unit("water_per_product_m3") == "m3/product unit"
    assert column_unit("land_area_mu") == "mu"
    assert column_unit("enterprise") is None


def test_template_checks_numbers_and_periods_and_shows_an_example(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path, "zh")
    book = openpyxl.load_workbook(path)
    energy = book[TITLES["zh"]["energy"]]
    header = [c.value for c in energy[1]]
    amount = openpyxl.utils.get_column_letter(header.index(HEADERS["zh"]["amount"]) + 1)
    period = openpyxl.utils.get_column_letter(header.index(HEADERS["zh"]["period"]) + 1)
    rule = _validation(energy, amount)
    assert (rule.type, rule.operator, rule.formula1) == ("decimal", "greaterThanOrEqual", "0") and rule.prompt
    assert _validation(energy, period).type == "custom" and "LEN" in _validation(energy, period).formula1
    guide = book[TITLES["zh"]["instructions"]]
    cells = [c.value for row in guide.iter_rows() for c in row if c.value is not None]
    assert "示例（能源表的一行）" in cells and "原煤" in cells and 1200 in cells
    assert energy.max_row == 1 or all(c.value is None for c in energy[2])  # the example is not on a data sheet
