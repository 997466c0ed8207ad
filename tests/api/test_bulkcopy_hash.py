"""The COPY path's content hashes (api.bulkcopy.content_hashes) equal api.ingest.content_hash digit for digit.

A report stored by one path and re-sent through the other must be "unchanged", so the two hashes may never
differ. No database is needed: both are pure functions of the document.
"""

from __future__ import annotations

import math

import pytest

from service_kit import doc_a, doc_b


def _docs() -> list[dict]:
    a, b = doc_a("2023"), doc_b("2024", gas_10k_m3=1e-7, electricity_mwh=1e16)
    spelled = doc_a("2022")  # the same report in other spellings and orders: it must hash like doc_a("2022")
    spelled["items"] = [{"item": "Value Added", "amount": 10000.0, "unit": " 万元 ", "flow": ""},
                        {"item": "电力", "amount": 12000, "unit": "MWh", "flow": "消费"},
                        {"item": "原煤", "amount": 1000, "unit": "t", "flow": "consumption"}]
    flows = {"enterprise": "E9", "period": "2023-05", "region": "CN", "note": {"b": 1, "a": [1.5, "x\ty"]},
             "items": [{"item": "electricity", "amount": 5.0, "unit": "MWh", "flow": "上网"},
                       {"item": "electricity", "amount": 5.0, "unit": "MWh"},
                       {"item": "steam", "amount": 3.25, "unit": "GJ", "enthalpy": 2.8},
                       {"item": "steam", "amount": 3.25, "unit": "GJ", "enthalpy": 2.7},
                       {"item": "unknown thing", "amount": -0.0, "unit": None},
                       {"item": "natural_gas", "amount": 2.0, "unit": "m3", "flow": "raw material"}]}
    return [a, b, spelled, flows, {"enterprise": "E0", "period": "2023", "items": []}, doc_a("2022")]


def test_content_hashes_equal_the_reference_function():
    from api.bulkcopy import content_hashes
    from api.ingest import content_hash

    docs = _docs()
    assert content_hashes(docs) == [content_hash(d) for d in docs]
    # other spellings, flows written out or not and item order do not change the hash (doc 2 is doc 5 re-spelled)
    assert content_hashes(docs)[2] == content_hashes(docs)[5]


def test_odd_values_hash_as_the_reference_hashes_them():
    from api.bulkcopy import content_hashes
    from api.ingest import content_hash

    # an amount as text and a non-finite amount (json.dumps writes Infinity) go through the fast path; a unit that
    # is a list cannot be a cache key (TypeError), so that document falls back to the reference function
    odd = {"enterprise": "E1", "period": "2023", "items": [{"item": "electricity", "amount": "12.5", "unit": "MWh"},
                                                            {"item": "electricity", "amount": math.inf, "unit": "MWh"}]}
    listed = {"enterprise": "E2", "period": "2023", "items": [{"item": "electricity", "amount": 1.0, "unit": ["MWh"]}]}
    assert content_hashes([odd, listed]) == [content_hash(odd), content_hash(listed)]


@pytest.mark.parametrize("years", [[2023]])
def test_synthetic_province_hashes_equal(years):
    from api.bulkcopy import content_hashes
    from api.ingest import content_hash
    from carbonkit.documents import frame_to_documents
    from carbonkit.synthetic import province

    docs = frame_to_documents(province(300, years=years, months=True))
    assert content_hashes(docs) == [content_hash(d) for d in docs]
