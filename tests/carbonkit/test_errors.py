"""Input errors: every problem code of the spec, located by row, enterprise, period and field.

A batch reports every problem at once and returns nothing. ``row`` is the 1-based data row in input
order (or the frame's ``row`` column when present).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import carbonkit as ck
from carbonkit.errors import InvalidInput, MissingFactor, UnitMismatch, UnknownItem

GOOD = ("raw_coal", 1000, "t")


def raise_problems(data, exc_type=InvalidInput, **opts):
    """Account ``data`` expecting ``exc_type``; return its problems."""
    options = ck.AccountingOptions(**opts) if opts else None
    with pytest.raises(exc_type) as info:
        ck.account(data, options=options)
    assert isinstance(info.value, InvalidInput)
    return info.value.problems


def only(problems, code):
    assert [p.code for p in problems] == [code], [p.describe() for p in problems]
    return problems[0]


def assert_at(problem, *, row, enterprise, period, field):
    assert problem.row == row
    assert problem.enterprise == enterprise
    assert problem.period == period
    assert problem.field == field


# ---------------------------------------------------------------- items


def test_item_unknown_suggests_the_nearest_name(kit):
    data = kit.frame([GOOD, ("原媒", 10, "t")])  # 原媒 is a typo of 原煤 (raw coal)
    p = only(raise_problems(data, UnknownItem), "item_unknown")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="item")
    assert "did you mean" in p.message.lower()
    assert "原煤" in p.message or "raw_coal" in p.message


def test_item_unknown_english_typo(kit):
    data = kit.frame([("electricty", 10, "MWh")], period="2023")
    p = only(raise_problems(data, UnknownItem), "item_unknown")
    assert_at(p, row=1, enterprise=kit.E1, period="2023", field="item")
    assert "electricity" in p.message


def test_wan_yuan_is_not_an_item(kit):
    data = kit.frame([GOOD, ("万元", 100, "万元")])
    p = only(raise_problems(data, UnknownItem), "item_unknown")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="item")


# ---------------------------------------------------------------- units


@pytest.mark.parametrize(("item", "unit"), [("raw_coal", "kWh"), ("electricity", "m3"), ("natural_gas", "t"),
                                            ("tap_water", "kWh"), ("value_added", "t")])
def test_unit_dimension(kit, item, unit):
    data = kit.frame([("coke", 100, "t"), (item, 10, unit)])
    p = only(raise_problems(data, UnitMismatch), "unit_dimension")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="unit")


def test_unit_unknown(kit):
    data = kit.frame([GOOD, ("raw_coal", 10, "flurbs", "feedstock")])
    p = only(raise_problems(data, UnitMismatch), "unit_unknown")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="unit")


@pytest.mark.parametrize("unit", ["", None])
def test_unit_missing(kit, unit):
    data = kit.frame([GOOD, ("electricity", 10, unit)])
    p = only(raise_problems(data, UnitMismatch), "unit_missing")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="unit")


def test_price_index_may_have_an_empty_unit(kit):
    rec = kit.one([GOOD, ("value_added", 1000, "万元"), ("va_price_index", 1.25, "")])
    # 1 000 / 1.25 = 800 万元
    assert rec["value_added_comparable_10k_cny"] == pytest.approx(800.0, rel=1e-12)


# ---------------------------------------------------------------- amounts


def test_amount_negative(kit):
    data = kit.frame([GOOD, ("diesel", -5, "t")])
    p = only(raise_problems(data), "amount_negative")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="amount")


@pytest.mark.parametrize("amount", [math.inf, -math.inf])
def test_amount_nonfinite(kit, amount):
    data = kit.frame([GOOD, ("diesel", amount, "t")])
    problems = raise_problems(data)
    # +inf is only non-finite; −inf is both non-finite and negative (one or both codes will do)
    allowed = {"amount_nonfinite"} if amount > 0 else {"amount_nonfinite", "amount_negative"}
    assert "amount_nonfinite" in {p.code for p in problems}
    for p in problems:
        assert p.code in allowed
        assert_at(p, row=2, enterprise=kit.E1, period="2022", field="amount")


def test_amount_nan(kit):
    # in a DataFrame a NaN amount is indistinguishable from an empty cell: the spec has both
    # amount_missing and amount_nonfinite, either is acceptable here
    data = kit.frame([GOOD, ("diesel", float("nan"), "t")])
    problems = raise_problems(data)
    assert len(problems) == 1
    assert problems[0].code in {"amount_missing", "amount_nonfinite"}
    assert_at(problems[0], row=2, enterprise=kit.E1, period="2022", field="amount")


def test_amount_missing_in_a_document(kit):
    doc = {"enterprise": kit.E1, "period": "2023",
           "items": [{"item": "raw_coal", "amount": 10, "unit": "t"}, {"item": "diesel", "unit": "t"}]}
    p = only(raise_problems(doc), "amount_missing")
    assert_at(p, row=2, enterprise=kit.E1, period="2023", field="amount")


# ---------------------------------------------------------------- duplicates and flows


@pytest.mark.parametrize("second", ["raw_coal", "原煤"])
def test_duplicate_item(kit, second):
    # the same item (by id or alias), flow and enthalpy twice for one enterprise-period
    data = kit.frame([GOOD, ("electricity", 10, "MWh"), (second, 20, "t")])
    problems = raise_problems(data)
    assert {p.code for p in problems} == {"duplicate_item"}
    assert 3 in {p.row for p in problems}
    for p in problems:
        assert p.enterprise == kit.E1 and p.period == "2022" and p.field == "item"


def test_not_duplicates(kit):
    # different flows, different steam enthalpies and different periods are separate rows
    # energy: coal (1 000 + 500 feedstock) t × 0.7143 = 1 071.45 tce;
    # steam 100 000 kg × 2 800 kJ/kg × 0.03412/1000 + 50 000 kg × 3 000 kJ/kg × 0.03412/1000
    #   = 9.5536 + 5.118 = 14.6716 tce → total 1 086.1216 tce
    data = kit.frame([
        GOOD,
        ("raw_coal", 500, "t", "feedstock"),
        {"item": "steam", "amount": 100, "unit": "t", "enthalpy": 2800},
        {"item": "steam", "amount": 50, "unit": "t", "enthalpy": 3000},
        {"item": "raw_coal", "amount": 1000, "unit": "t", "period": "2023"},
    ])
    res = ck.account(data)
    assert res.record(kit.E1, "2022")["energy_equivalent_tce"] == pytest.approx(1086.1216, rel=1e-9)


def test_flow_unknown(kit):
    data = kit.frame([GOOD, ("diesel", 5, "t", "burn")])
    p = only(raise_problems(data), "flow_unknown")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="flow")


@pytest.mark.parametrize(("item", "unit", "flow"), [
    ("tap_water", "m3", "feedstock"),     # feedstock water
    ("recycled_water", "m3", "export"),
    ("value_added", "万元", "feedstock"),
    ("revenue", "万元", "外销"),
])
def test_flow_not_allowed(kit, item, unit, flow):
    data = kit.frame([GOOD, (item, 100, unit, flow)])
    p = only(raise_problems(data), "flow_not_allowed")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="flow")


# ---------------------------------------------------------------- periods, regions, value added


@pytest.mark.parametrize("period", ["2023-13", "2023-00", "23", "2023Q1", "abcd"])
def test_period_invalid(kit, period):
    data = kit.frame([GOOD], period=period)
    p = only(raise_problems(data), "period_invalid")
    assert_at(p, row=1, enterprise=kit.E1, period=period, field="period")


def test_region_unknown(kit):
    data = kit.frame([GOOD, ("electricity", 10, "MWh")], region="99")
    problems = raise_problems(data)
    assert {p.code for p in problems} == {"region_unknown"}
    assert 1 in {p.row for p in problems}
    for p in problems:
        assert p.enterprise == kit.E1 and p.period == "2022" and p.field == "region"


def test_value_added_missing_when_required(kit):
    data = pd.concat([
        kit.frame([GOOD, ("value_added", 1000, "万元")], enterprise=kit.E1),
        kit.frame([GOOD], enterprise=kit.E2),
    ], ignore_index=True)
    p = only(raise_problems(data, require_value_added=True), "value_added_missing")
    assert p.enterprise == kit.E2
    assert p.period == "2022"
    assert p.field in {"item", "value_added"}
    assert p.row in {None, 3}  # an enterprise-period has no row of its own; at most its first row (3)
    # not required: accounted, intensity NaN
    assert kit.is_missing(ck.account(data).record(kit.E2, "2022")["energy_intensity_tce_per_10k_cny"])


@pytest.mark.parametrize("amount", [0, 0.0])
def test_value_added_nonpositive(kit, amount):
    data = kit.frame([GOOD, ("value_added", amount, "万元")])
    p = only(raise_problems(data), "value_added_nonpositive")
    assert_at(p, row=2, enterprise=kit.E1, period="2022", field="amount")


# ---------------------------------------------------------------- factors and columns


def test_factor_missing_for_2019_electricity(kit):
    # with year_fallback 'earlier' (the default is 'nearest', which takes 2021's factor and says so)
    data = kit.frame([GOOD, ("electricity", 1000, "MWh")], region="370211", period="2019")
    problems = raise_problems(data, MissingFactor, year_fallback="earlier")
    assert problems and {p.code for p in problems} == {"factor_missing"}
    for p in problems:
        assert p.enterprise == kit.E1 and p.period == "2019"
        assert p.row in {None, 2}
    assert any("37" in p.message or "2019" in p.message for p in problems)


def test_factor_missing_for_a_fuel_without_emission_factor(kit):
    # methanol has a GB/T 2589-2020 coefficient (0.6794 kgce/kg, corroborated) but no fuel parameters
    # in the release (gas-field gas and LNG have unverified constructions since 2026.11)
    data = kit.frame([GOOD, ("methanol", 10, "t")])
    problems = raise_problems(data, MissingFactor)
    p = only(problems, "factor_missing")
    assert p.enterprise == kit.E1 and p.period == "2022"
    assert p.row in {None, 2}


@pytest.mark.parametrize("column", ["enterprise", "period", "item", "amount", "unit"])
def test_column_missing(kit, column):
    data = kit.frame([GOOD, ("diesel", 5, "t")]).drop(columns=[column])
    problems = raise_problems(data)
    assert [p.code for p in problems] == ["column_missing"]
    assert problems[0].field == column
    assert problems[0].row is None


# ---------------------------------------------------------------- batches


def test_batch_reports_every_problem_at_once(kit):
    rows = [
        GOOD,                                        # 1 ok
        ("原媒", 10, "t"),                           # 2 item_unknown
        ("electricity", 5, "m3"),                    # 3 unit_dimension
        ("diesel", -1, "t"),                         # 4 amount_negative
        ("tap_water", 100, "m3", "feedstock"),       # 5 flow_not_allowed
        ("heat", 100, "GJ", "burn"),                 # 6 flow_unknown
        ("coke", math.inf, "t"),                     # 7 amount_nonfinite
        ("value_added", 1000, "万元"),               # 8 ok
    ]
    first = kit.frame(rows)
    second = kit.frame([("lpg", 3, "t"), ("steam", 2, "flurbs")], enterprise=kit.E2, period="2023-13")
    # E2 rows 9 and 10: period_invalid for both, and row 10 also unit_unknown
    data = pd.concat([first, second], ignore_index=True)
    with pytest.raises(InvalidInput) as info:
        result = ck.account(data)
        assert result is None  # never reached: nothing is returned
    problems = info.value.problems
    found = {(p.row, p.code) for p in problems}
    expected_first = {(2, "item_unknown"), (3, "unit_dimension"), (4, "amount_negative"),
                      (5, "flow_not_allowed"), (6, "flow_unknown"), (7, "amount_nonfinite")}
    assert expected_first <= found
    assert (10, "unit_unknown") in found
    assert {p.row for p in problems if p.code == "period_invalid"} <= {9, 10}
    assert any(p.code == "period_invalid" for p in problems)
    # one problem per bad row of E1, nothing for the good rows 1 and 8
    assert len([p for p in problems if p.enterprise == kit.E1]) == 6
    assert not {1, 8} & {p.row for p in problems}
    for p in problems:
        if p.row is not None and p.row <= 8:
            assert p.enterprise == kit.E1 and p.period == "2022"
        else:
            assert p.enterprise == kit.E2 and p.period == "2023-13"


def test_batch_of_same_problem_counts_each_row(kit):
    n = 5
    rows = [GOOD] + [{"item": "diesel", "amount": -float(i + 1), "unit": "t", "period": str(2020 + i)} for i in range(n)]
    problems = raise_problems(kit.frame(rows))
    assert len(problems) == n
    assert [p.code for p in problems] == ["amount_negative"] * n
    assert sorted(p.row for p in problems) == [2, 3, 4, 5, 6]
    assert sorted(p.period for p in problems) == ["2020", "2021", "2022", "2023", "2024"]


def test_row_column_is_used_for_row_numbers(kit):
    # a reader sets `row` to the CSV line number (header = line 1): data lines 2, 3, 4
    data = kit.frame([GOOD, ("电力", 10, "t"), ("diesel", 1, "t")])
    data["row"] = [2, 3, 4]
    p = only(raise_problems(data, UnitMismatch), "unit_dimension")
    assert_at(p, row=3, enterprise=kit.E1, period="2022", field="unit")


def test_problem_enterprise_in_a_multi_enterprise_batch(kit):
    data = pd.concat([
        kit.frame([GOOD], enterprise=kit.E1),
        kit.frame([GOOD, ("diesel", -3, "t")], enterprise=kit.E2, period="2023"),
    ], ignore_index=True)
    p = only(raise_problems(data), "amount_negative")
    assert_at(p, row=3, enterprise=kit.E2, period="2023", field="amount")
