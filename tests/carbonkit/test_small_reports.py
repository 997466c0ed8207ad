"""A small report takes the fast path (texts, regions and years coded in Python, the summary put
together without pandas' checks, a few documents validated from their columns without a frame) and
gives exactly what the batch path gives: the same summary bit for bit (values, dtypes, columns), the
same factors, the same problems (hypothesis, on random reports with good and bad rows, as a frame and
as documents). The batch path is every small-input shortcut switched off (:func:`batch_path`), and a
test fails when a module gains a shortcut the switch does not know."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import carbonkit as ck
from carbonkit import accounting, activity, codes, documents, grid, identity, intensity
from carbonkit.errors import CarbonkitError

# every small-input shortcut and the value that switches it off (each compares ``len(...) <= SMALL``)
SMALL_SWITCHES = [(documents, "SMALL_ROWS", 0), (activity, "SMALL_ROWS", 0), (accounting, "SMALL_GROUPS", 0),
                  (codes, "SMALL", 0), (intensity, "SMALL", -1), (grid, "SMALL", -1), (identity, "SMALL", -1)]


@contextmanager
def batch_path():
    """Every small-input shortcut off: the input takes the path of a large batch whatever its size."""
    with pytest.MonkeyPatch.context() as m:
        for module, name, off in SMALL_SWITCHES:
            assert hasattr(module, name), f"{module.__name__}.{name} is gone: update SMALL_SWITCHES"
            m.setattr(module, name, off)
        yield


def test_the_switch_knows_every_shortcut():
    """A module-level ``SMALL...`` threshold in the core that the batch switch does not set fails here."""
    core = Path(accounting.__file__).parent
    defined = {(path.stem, name) for path in core.rglob("*.py")
               for name in re.findall(r"^(SMALL\w*)\s*[:=]", path.read_text(encoding="utf-8"), flags=re.M)}
    switched = {(module.__name__.rsplit(".", 1)[-1], name) for module, name, _ in SMALL_SWITCHES}
    assert defined <= switched, f"not switched off by batch_path(): {sorted(defined - switched)}"

ITEMS = [("electricity", ["kWh", "MWh", "万千瓦时", " kWh "]), ("green_power", ["MWh"]), ("natural_gas", ["m3", "万立方米"]),
         ("原煤", ["t", "吨"]), ("diesel", ["t", "kg"]), ("steam", ["t"]), ("heat", ["GJ", "MJ"]),
         ("tap_water", ["m3"]), ("recycled_water", ["m3"]), ("value_added", ["万元"]), ("revenue", ["万元"]),
         ("va_price_index", [""]), ("product_output", ["t"]), ("unobtainium", ["t"]), ("electricity", ["kg"])]
FLOWS = [None, "", "consumption", "feedstock", "export", "外销", "sideways"]
REGIONS = [None, "", "370211", "37", "CN", " 3702 ", "999999"]


@st.composite
def reports(draw):
    rows = []
    for ent in draw(st.lists(st.sampled_from(["E1", "E2 ", "E3"]), min_size=1, max_size=2, unique=True)):
        period = draw(st.sampled_from(["2021", "2023", "2023-07", "2023-13", 2022]))
        region = draw(st.sampled_from(REGIONS))
        for _ in range(draw(st.integers(1, 14))):
            item, units = draw(st.sampled_from(ITEMS))
            rows.append({"enterprise": ent, "period": period, "item": item,
                         "amount": draw(st.one_of(st.floats(0, 1e7), st.just(-1.0), st.just(float("nan")))),
                         "unit": draw(st.sampled_from(units)), "flow": draw(st.sampled_from(FLOWS)),
                         "enthalpy": draw(st.sampled_from([None, 2800.0, 3100.5])) if item == "steam" else None,
                         "region": region, "park": draw(st.sampled_from([None, "P1"]))})
    return pd.DataFrame(rows)


def outcome(frame: pd.DataFrame, options: dict):
    try:
        result = ck.account(frame, options=options)
    except CarbonkitError as exc:
        return [p.__dict__ if hasattr(p, "__dict__") else p for p in exc.problems]
    return result.summary, result.factor_records()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports(), st.sampled_from([{}, {"year_fallback": "nearest"}]))
def test_fast_path_equals_batch_path(monkeypatch, frame, options):
    assert_paths_agree(frame, options)


def assert_paths_agree(data, options) -> None:
    """The fast path's outcome (summary and factor records, or problems) equals the batch path's, bit for bit."""
    fast = outcome(data, options)
    with batch_path():  # every column through pandas, every shortcut off
        batch = outcome(data, options)
    if isinstance(batch, list):
        assert fast == batch
        return
    pd.testing.assert_frame_equal(fast[0], batch[0], check_exact=True)
    assert fast[1] == batch[1]


def test_a_report_of_twelve_rows_takes_the_fast_path(monkeypatch):
    calls = []
    monkeypatch.setattr(activity, "_codes", lambda series: calls.append(series.name) or (_ for _ in ()).throw(AssertionError))
    frame = pd.DataFrame({"enterprise": ["E1"] * 12, "period": ["2023"] * 12, "item": ["electricity"] * 6 + ["tap_water"] * 6,
                          "amount": np.arange(12.0), "unit": ["kWh"] * 6 + ["m3"] * 6,
                          "flow": ["consumption", "export"] * 3 + [None] * 6})
    with pytest.raises(CarbonkitError):  # duplicates: the point is only that no column went through pandas
        ck.account(frame)
    assert calls == []


NAMES = [None, "", " Tyre Co. ", "轮胎厂"]
INDUSTRIES = [None, "C2911", " C26 "]


@st.composite
def documents_of(draw):
    """Documents of 1-3 enterprise-periods with good and bad items, heads (region, industry, park, name) and, on
    fuels, measured values with or without their source (carbonkit.measured)."""
    docs = []
    for ent in draw(st.lists(st.sampled_from(["E1", "E2 ", "91370211473270545N"]), min_size=1, max_size=3, unique=True)):
        doc = {"enterprise": ent, "period": draw(st.sampled_from(["2021", "2023", "2023-07", "2023-13", "2022"])),
               "items": []}
        for key, values in (("region", REGIONS), ("industry", INDUSTRIES), ("park", [None, "P1"]), ("name", NAMES)):
            value = draw(st.sampled_from(values))
            if value is not None:
                doc[key] = value
        for _ in range(draw(st.integers(1, 14))):
            item, units = draw(st.sampled_from(ITEMS))
            row = {"item": item, "amount": draw(st.one_of(st.floats(0, 1e7), st.just(-1.0), st.just(float("inf")))),
                   "unit": draw(st.sampled_from(units)), "flow": draw(st.sampled_from(FLOWS))}
            if item == "steam":
                row["enthalpy"] = draw(st.sampled_from([2800.0, 3100.5, -1.0]))
            if item in ("原煤", "diesel", "natural_gas") and draw(st.booleans()):
                row.update(ncv=draw(st.sampled_from([21.5, 0.0])), ncv_unit="GJ/t")
                if draw(st.booleans()):
                    row["factor_source"] = "lab report 2023-117"
            doc["items"].append({k: v for k, v in row.items() if v is not None})
        docs.append(doc)
    return docs


@settings(max_examples=150, deadline=None)
@given(documents_of(), st.sampled_from([{}, {"year_fallback": "earlier"}, {"grid_level": "national"}]))
def test_documents_fast_path_equals_batch_path(docs, options):
    """Documents: their columns read without a frame (documents.Columns) against the frame pandas infers,
    and every other shortcut on against off. One document alone is also a dict (the service's form)."""
    for data in (docs, docs[0]):
        assert_paths_agree(data, options)


def test_a_document_is_validated_without_a_frame(monkeypatch):
    """One report in the service's form builds no frame when it is valid (documents.Columns.frame is not read),
    and names its rows through the frame when it is not."""
    built = []
    frame_of = documents.Columns.frame.fget
    monkeypatch.setattr(documents.Columns, "frame", property(lambda self: built.append(1) or frame_of(self)))
    doc = {"enterprise": "E1", "period": "2023", "region": "370211",
           "items": [{"item": "electricity", "amount": 1000.0, "unit": "kWh"}, {"item": "value_added", "amount": 10.0,
                                                                                "unit": "万元"}]}
    result = ck.account(doc)
    assert built == []
    # 1000 kWh x 0.1229 kgce/kWh (gbt2589-2020-a.electricity, the equivalent value) / 1000 kgce/tce = 0.1229 tce
    assert result.summary["energy_equivalent_tce"].iloc[0] == pytest.approx(0.1229)
    doc["items"][0]["flow"] = "sideways"  # its message quotes the cell, read from the frame
    with pytest.raises(CarbonkitError) as caught:
        ck.account(doc)
    assert built and [(p.code, p.row, p.path, p.message) for p in caught.value.problems] == [
        ("flow_unknown", 1, "[0].items[0].flow", "'sideways' is not a flow")]
