"""Documents become the long table through typed columns (issue 19: pandas' per-column inference cost 1 ms of a
report's 3 ms); the frame is exactly the one pandas infers from the records (hypothesis, on random documents)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonkit import documents as document_module
from carbonkit.documents import documents_to_frame

TEXT = st.one_of(st.none(), st.sampled_from(["", " ", "370211", "P1", "碳", "C2911"]))
NUMBER = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 10**6))


@st.composite
def items(draw):
    item = {"item": draw(st.sampled_from(["electricity", "原煤", "steam", "value_added", "x"])),
            "amount": draw(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 10**9))),
            "unit": draw(st.sampled_from(["kWh", "t", "万元", ""]))}
    for key, values in (("flow", TEXT), ("enthalpy", NUMBER)):
        if draw(st.booleans()):
            item[key] = draw(values)
    if draw(st.integers(0, 3)) == 0:  # measured values on some items only
        item.update(ncv=draw(NUMBER), ncv_unit=draw(TEXT), factor_source=draw(st.sampled_from(["lab 1", "报告"])))
    return item


@st.composite
def documents(draw):
    docs = []
    for k in range(draw(st.integers(1, 3))):
        doc = {"enterprise": f"E{k}", "period": draw(st.sampled_from(["2023", "2023-05", "202305"])),
               "items": draw(st.lists(items(), min_size=1, max_size=6))}
        for key in ("region", "industry", "park", "name"):
            if draw(st.booleans()):
                doc[key] = draw(TEXT)
        docs.append(doc)
    return docs


def _by_pandas(docs):
    with pytest.MonkeyPatch.context() as m:
        m.setattr(document_module, "SMALL_ROWS", 0)  # no typed columns: pandas infers each column
        return documents_to_frame(docs)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_typed_columns_give_the_frame_pandas_infers(docs):
    pd.testing.assert_frame_equal(documents_to_frame(docs), _by_pandas(docs), check_exact=True)


def test_a_document_as_typed_columns():
    doc = {"enterprise": "E1", "period": "2023", "region": "370211",
           "items": [{"item": "electricity", "amount": 5, "unit": "kWh", "flow": "export"},
                     {"item": "steam", "amount": 2.5, "unit": "t", "enthalpy": 3100.0}]}
    frame = documents_to_frame([doc])
    assert frame["amount"].tolist() == [5.0, 2.5] and frame["amount"].dtype == np.float64
    assert frame["flow"].dtype == "str" and frame["flow"].iloc[0] == "export" and pd.isna(frame["flow"].iloc[1])
    assert frame["enthalpy"].dtype == np.float64 and np.isnan(frame["enthalpy"].iloc[0])
    assert frame["park"].dtype == object and frame["park"].tolist() == [None, None]  # no park given: None, as pandas
    assert frame["path"].tolist() == ["[0].items[0]", "[0].items[1]"] and frame["row"].tolist() == [1, 2]
    pd.testing.assert_frame_equal(frame, _by_pandas([doc]), check_exact=True)
