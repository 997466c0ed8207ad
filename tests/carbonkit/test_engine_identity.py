"""account() gives exactly the outputs of the engine before issue 19's rewrite, on seeded inputs.

The reference (data/engine_reference.json.gz, written by engine_cases.py at commit a17dc90) holds
every summary column, its dtype, every value (floats compared by their exact binary value through
JSON's round-trip repr), the factor trace, and the problems with their row numbers.
"""

from __future__ import annotations

import gzip
import json

import pytest

from engine_cases import REFERENCE, build


@pytest.fixture(scope="module")
def reference() -> dict:
    with gzip.open(REFERENCE, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def current() -> dict:
    return json.loads(json.dumps(build(), ensure_ascii=False, sort_keys=True, default=str))


@pytest.mark.parametrize("case", ["categorical", "monthly", "mixed", "errors", "factor_missing"])
def test_outputs_identical_to_reference(reference, current, case):
    ref, now = reference[case], current[case]
    assert now.keys() == ref.keys()
    if "problems" in ref:
        assert now == ref
        return
    assert now["columns"] == ref["columns"]
    assert now["dtypes"] == ref["dtypes"]
    assert now["factors"] == ref["factors"]
    for i, (a, b) in enumerate(zip(now["rows"], ref["rows"], strict=True)):
        assert a == b, f"{case}: summary row {i} differs in " + ", ".join(k for k in a if a[k] != b.get(k))
