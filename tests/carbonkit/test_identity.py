"""One period parser and the enterprise id checks (GB 32100-2015 check character)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit.errors import InvalidInput
from carbonkit.identity import credit_code_status, is_float_id, parse_period


@pytest.mark.parametrize(("raw", "canonical"), [
    ("2023", "2023"), (2023, "2023"), (2023.0, "2023"), ("2023年", "2023"),
    ("2023-05", "2023-05"), ("2023-5", "2023-05"), ("2023/05", "2023-05"), ("2023/5", "2023-05"),
    ("202305", "2023-05"), ("2023年5月", "2023-05"), ("2023年05月", "2023-05"), (" 2023-05 ", "2023-05"),
    (dt.datetime(2023, 5, 1), "2023-05"), (pd.Timestamp("2023-05-01"), "2023-05"), ("2023-05-01 00:00:00", "2023-05"),
])
def test_period_forms_become_canonical(raw, canonical):
    assert parse_period(raw) == canonical


@pytest.mark.parametrize("raw", ["20x3", "2023-13", "2023-0", "1899", "23", "2023-05-05-05", "May 2023", 2023.5, ""])
def test_anything_else_is_not_a_period(raw):
    assert parse_period(raw) is None


@given(st.integers(1901, 2199), st.integers(1, 12))
def test_every_spelling_of_a_month_is_one_period(year, month):
    spellings = {f"{year}-{month}", f"{year}-{month:02d}", f"{year}/{month}", f"{year}{month:02d}", f"{year}年{month}月"}
    assert {parse_period(s) for s in spellings} == {f"{year}-{month:02d}"}


def _frame(periods, enterprise="91370211473270545N"):
    n = len(periods)
    return pd.DataFrame({"enterprise": [enterprise] * n, "period": periods, "region": ["370211"] * n,
                         "item": ["electricity", "raw_coal", "value_added"][:n], "amount": [1000, 100, 10][:n],
                         "unit": ["MWh", "t", "万元"][:n]})


def test_2023_5_and_2023_05_are_one_enterprise_month():
    # 1,000 MWh × 0.1229 kgce/kWh = 122.9 tce; 100 t raw coal × 0.7143 = 71.43 tce; together 194.33 tce;
    # value added 10 万元 → 19.433 tce/万元: one month, its intensity kept
    summary = ck.account(_frame(["2023-5", "2023-05", "2023/05"])).summary
    assert summary["period"].tolist() == ["2023-05"]
    assert summary["energy_equivalent_tce"].iloc[0] == pytest.approx(194.33)
    assert summary["energy_intensity_tce_per_10k_cny"].iloc[0] == pytest.approx(19.433)


def test_a_bad_period_is_one_problem_per_row_and_nothing_else():
    with pytest.raises(InvalidInput) as caught:
        ck.account(_frame(["20x3"]))
    (problem,) = caught.value.problems
    assert (problem.code, problem.field, problem.row) == ("period_invalid", "period", 1)
    assert "2023年5月" in problem.expected  # the accepted forms are named; no spurious grid-factor problem


def test_a_document_period_is_stored_canonical():
    doc = ck.EnterprisePeriod.model_validate({"enterprise": "E1", "period": "2023-5", "region": "37",
                                              "items": [{"item": "raw_coal", "amount": 1, "unit": "t"}]})
    assert doc.period == "2023-05"


@pytest.mark.parametrize("raw", ["9.137021147327054e+16", "9.137021147327054E16", "913702114732705.0", 9.137021147327054e16])
def test_an_id_in_float_form_is_refused_with_a_hint(raw):
    assert is_float_id(raw)
    with pytest.raises(InvalidInput) as caught:
        ck.account(_frame(["2023"], enterprise=raw))
    (problem,) = caught.value.problems
    assert (problem.code, problem.field) == ("enterprise_id_number", "enterprise")
    assert "format the column as text" in problem.message


def test_credit_code_check_character():
    # GB 32100-2015: C18 = 31 − Σ v(c_i)·W_i mod 31. For 91350100M000100Y43 (a code printed in guides):
    # values 9,1,3,5,0,1,0,0,M=21,0,0,0,1,0,0,Y=30,4; weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28
    # Σ = 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 420 + 0 + 0 + 0 + 8 + 0 + 0 + 900 + 112 = 1640;
    # 1640 mod 31 = 28 (31 × 52 = 1612); 31 − 28 = 3 → '3', as printed.
    assert credit_code_status("91350100M000100Y43") == "valid"
    assert credit_code_status("91350100M000100Y44") == "check_failed"
    assert credit_code_status("E1") == ""  # other ids are allowed, not checked


def test_the_result_flags_a_wrong_check_character():
    summary = ck.account(pd.concat([_frame(["2023"]), _frame(["2023"], enterprise="91350100M000100Y44")])).summary
    assert dict(zip(summary["enterprise"], summary["credit_code_check"])) == {
        "91370211473270545N": "valid", "91350100M000100Y44": "check_failed"}
