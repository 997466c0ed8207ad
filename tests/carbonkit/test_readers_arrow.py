"""The typed reading of a large CSV (through pyarrow where pyarrow imports: pandas' reader takes every cell as an
Arrow text, pyarrow casts the amounts and encodes the other columns; else pandas' reader alone) gives exactly what
the text reading gives: the same summary, or the same problems with the same row numbers, on tricky files.

Each file is read three ways: as text (the reference: ``TYPED_CSV_BYTES`` above its size), typed through pyarrow,
and typed with pyarrow made unimportable (pandas' reader). A typed reading may refuse a file (then the text
reading reads it); what it returns must equal what the text reading gives.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carbonkit import readers, readers_text
from test_read_typed import outcome  # the summary of a file's accounting, or its problems as dicts

pytest.importorskip("pyarrow")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEAD = "enterprise,period,item,amount,unit,flow,region,industry\n"
GOOD = ("E1,2023,electricity,1200.5,MWh,consumption,370211,C26\n"
        "E1,2023,natural_gas,3e2,万立方米,,370211,C26\n"
        "E1,2023,value_added,900,万元,,370211,C26\n")
ZEROS = ("0E1,2023,electricity,1200.5,MWh,consumption,0370211,0610\n"  # 0E1 reads as a number 0.0, and 0370211 as
         "0E1,2023,natural_gas,3e2,万立方米,,0370211,0610\n"  # 370211, to a reader that guesses types
         "0E1,2023,value_added,900,万元,,0370211,0610\n")

# name -> (file text, encoding, whether pyarrow's reading must take it: a clean file must not fall back)
FILES: dict[str, tuple[str, str, bool]] = {
    "leading_zeros": (HEAD + ZEROS, "utf-8", True),
    "clean": (HEAD + GOOD, "utf-8", True),
    "bom": (HEAD + GOOD, "utf-8-sig", True),
    "crlf": ((HEAD + GOOD).replace("\n", "\r\n"), "utf-8", True),
    "empty_cells": (HEAD + GOOD + "E2,2023,electricity,5,kWh,,,\nE2,2023,value_added,1,万元,,,\n", "utf-8", True),
    "chinese": ("统一社会信用代码,年份,能源品种,数量,计量单位,行政区划代码,企业名称\n"
                "E1,2023,原煤,100,吨,370211,青岛示例有限公司\nE1,2023,电力,20,万千瓦时,370211,青岛示例有限公司\n"
                "E1,2023,工业增加值,80,万元,370211,青岛示例有限公司\n", "utf-8", True),
    "quoted": (HEAD.replace("\n", ",name\n") + '0E1,2023,electricity,"1200.5",MWh,,370211,C26,"Name, Ltd"\n'
               '0E1,2023,value_added,"9e2",万元,,370211,C26,"Name, Ltd"\n', "utf-8", True),
    "newline_in_name": (HEAD.replace("\n", ",name\n") + '0E1,2023,electricity,12,MWh,,370211,C26,"two\nlines"\n'
                        '0E1,2023,value_added,9,万元,,370211,C26,"two\nlines"\n', "utf-8", True),
    "spaces": ("enterprise, period,item,amount,unit,flow,region\n E1,2023, electricity , 1200.5,MWh,,370211\n"
               "E1 ,2023,natural_gas,3e2 ,万立方米, consumption,370211\nE1,2023,value_added,900,万元,,370211\n", "utf-8", False),
    "bad_amount": (HEAD + GOOD + "E2,2023,electricity,12;5,kWh,,370211,C26\nE2,2023,tap_water,,m3,,370211,C26\n", "utf-8", False),
    "words_as_amounts": (HEAD + GOOD + "E2,2023,electricity,true,kWh,,370211,C26\nE2,2023,diesel,FALSE,t,,370211,C26\n"
                         "E2,2023,tap_water,NaN,m3,,370211,C26\nE2,2023,heat,inf,GJ,,370211,C26\n", "utf-8", False),
    "blank_line_then_bad": (HEAD + GOOD + "\nE2,2023,electricity,x1,kWh,,370211,C26\n", "utf-8", False),
    "open_quote_at_end": (HEAD + GOOD + 'E2,2023,electricity,5,kWh,,370211,"C26\n', "utf-8", False),
    "short_row": (HEAD + GOOD + "E2,2023,electricity,5,kWh\n", "utf-8", False),
    "gbk": ("enterprise,period,item,amount,unit\nE1,2023,原煤,100,吨\nE1,2023,工业增加值,80,万元\n", "gb18030", False),
    "semicolons": (HEAD.replace(",", ";") + GOOD.replace(",", ";"), "utf-8", False),
    "quoted_after_space": ("enterprise,period,item,amount,unit,enthalpy\nE1,2023,steam,5,t, \"3000\"\n"
                           "E1,2023,value_added,9,万元,\n", "utf-8", False),
    "duplicate_header": ("enterprise,period,item,amount,unit,unit\nE1,2023,electricity,5,kWh,kWh\n", "utf-8", False),
}


def assert_same(got, want) -> None:
    if isinstance(want, list):
        assert got == want
    else:
        pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.fixture
def no_pyarrow(monkeypatch):
    """pyarrow unimportable, as on an install without it."""
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.csv", None)


def write(tmp_path: Path, name: str) -> Path:
    text, encoding, _ = FILES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("name", FILES)
def test_pyarrow_reading_equals_text_reading(tmp_path, monkeypatch, name):
    path = write(tmp_path, name)
    text = outcome(path)
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)  # every file typed
    assert_same(outcome(path), text)
    taken = readers._read_typed(path) is not None
    assert taken or not FILES[name][2], "a clean file must be read by pyarrow, not fall back"


@pytest.mark.parametrize("name", FILES)
def test_pandas_reading_without_pyarrow_equals_text_reading(tmp_path, monkeypatch, no_pyarrow, name):
    path = write(tmp_path, name)
    text = outcome(path)
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
    with pytest.raises(ImportError):
        readers_text.read_arrow_typed(path, ["enterprise"], "amount")
    assert_same(outcome(path), text)


@pytest.mark.parametrize("name", [n for n, (_, _, clean) in FILES.items() if clean] + ["park.csv", "tyre_maker.csv"])
def test_pyarrow_frame_equals_pandas_frame(tmp_path, monkeypatch, name):
    """Column for column, dtypes, categories and their order included."""
    path = EXAMPLES / name if name.endswith(".csv") else write(tmp_path, name)
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
    by_arrow = readers.read_csv(path)
    monkeypatch.setattr(readers, "read_arrow_typed", _unimportable)
    by_pandas = readers.read_csv(path)
    pd.testing.assert_frame_equal(by_arrow, by_pandas, check_exact=True)
    assert isinstance(by_arrow["period"].dtype, pd.CategoricalDtype)


def _unimportable(*args, **kwargs):
    raise ImportError("pyarrow")


def test_bad_amount_names_the_cell_and_its_line(tmp_path, monkeypatch):
    """'12;5' on line 5 and the empty amount on line 6 (header line 1, three good rows) are the problems."""
    path = write(tmp_path, "bad_amount")
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
    problems = outcome(path)
    assert [(p["code"], p["row"], p["field"]) for p in problems] == [("amount_missing", 5, "amount"),
                                                                      ("amount_missing", 6, "amount")]
    assert "'12;5' is not a number" in problems[0]["message"]


def test_words_are_no_amounts(tmp_path, monkeypatch):
    """true and FALSE (which pandas' float reader takes for 1 and 0) and NaN are no numbers, on lines 5-7; inf is
    infinite (line 8)."""
    path = write(tmp_path, "words_as_amounts")
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
    problems = outcome(path)
    assert [(p["code"], p["row"]) for p in problems] == [("amount_missing", 5), ("amount_missing", 6),
                                                          ("amount_missing", 7), ("amount_nonfinite", 8)]


def test_leading_zeros_and_text_stay_text(tmp_path, monkeypatch):
    path = write(tmp_path, "leading_zeros")
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
    frame = readers.read_csv(path)
    assert list(frame["region"].unique()) == ["0370211"] and list(frame["industry"].unique()) == ["0610"]
    assert list(frame["enterprise"].unique()) == ["0E1"] and list(frame["row"]) == [2, 3, 4]
    assert frame["amount"].tolist() == [1200.5, 300.0, 900.0]
    assert list(frame["flow"].cat.categories) == ["", "consumption"]  # empty cells stay empty texts, sorted first


def test_random_files_read_alike(tmp_path, monkeypatch):
    """Files of random cells drawn from tricky pieces (quotes, spaces, separators, signs, exponents, words,
    Chinese, empty): whatever the typed readings return equals the text reading's outcome."""
    rng = random.Random(19)
    pieces = ["1", "0", "2.5", "-3", "+4", "1e3", ".5", "5.", " 7", "8 ", '"9"', '" 10"', "nan", "inf", "true", "",
              "E1", " E2", "E1 ", "电力", "吨", "kWh", "2023", "0370211", '"a,b"', '"q""q"', "x\"y", ";", "\t"]
    items = ["electricity", "raw_coal", "value_added", "原煤", "tap_water", ""]
    units = ["kWh", "t", "万元", "吨", "m3", "", " MWh"]
    for case in range(40):
        rows = [",".join([rng.choice(["E1", "E2", " E1", rng.choice(pieces)]), rng.choice(["2023", "2022", rng.choice(pieces)]),
                          rng.choice(items + [rng.choice(pieces)]), rng.choice(pieces[:11] + [rng.choice(pieces)]),
                          rng.choice(units + [rng.choice(pieces)]), rng.choice(["370211", "", rng.choice(pieces)])])
                for _ in range(rng.randint(1, 8))]
        path = tmp_path / f"random{case}.csv"
        path.write_text("enterprise,period,item,amount,unit,region\n" + "\n".join(rows) + "\n", encoding="utf-8")
        monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 10**12)
        try:
            text = outcome(path)
        except ValueError:  # a file the text reading itself cannot take (not this test's business)
            continue
        monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
        assert_same(outcome(path), text)
        monkeypatch.setattr(readers, "read_arrow_typed", _unimportable)
        assert_same(outcome(path), text)
        monkeypatch.undo()


def test_amounts_are_what_to_numeric_gives(tmp_path, monkeypatch):
    """20,000 amounts of up to 25 digits, with exponents: the typed reading's floats are bit for bit those of
    ``pd.to_numeric`` on the same texts (the text reading's conversion)."""
    rng = np.random.default_rng(7)
    digits = rng.integers(0, 10, size=(20_000, 25))
    texts = ["".join(map(str, d[: 1 + i % 25])) + "." + "".join(map(str, d[i % 7:])) + (f"e{i % 41 - 20}" if i % 3 else "")
             for i, d in enumerate(digits)]
    path = tmp_path / "amounts.csv"
    path.write_text("enterprise,period,item,amount,unit\n" + "".join(f"E1,2023,electricity,{t},kWh\n" for t in texts),
                    encoding="utf-8")
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)
    typed = readers.read_csv(path)["amount"].to_numpy()
    want = pd.to_numeric(pd.Series(texts, dtype=str)).to_numpy(np.float64)
    assert typed.view(np.int64).tolist() == want.view(np.int64).tolist()


@pytest.mark.parametrize("content, holds", [(b"a,b\n1,tRuE\n", True), (b"a,b\n1,2\n", False), (b"xxFALSExx", True),
                                            (b"fals,rue", False), (b"abc,fa" + b"lse", True)])
def test_boolean_words_are_found_in_any_piece(tmp_path, content, holds):
    """pandas' typed reading refuses a file that may hold true/false as an amount: the words are found in any case,
    also across two pieces of the file (pieces of 1 to 9 bytes)."""
    path = tmp_path / "words.csv"
    path.write_bytes(content)
    assert all(readers._holds_boolean_words(path, chunk=k) is holds for k in range(1, 10))
