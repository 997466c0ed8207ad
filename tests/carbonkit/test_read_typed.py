"""A large CSV is read typed (amount as float, texts as categories) and gives exactly what the text
reading gives: the same summary, or the same problems with the same row numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import carbonkit as ck
from carbonkit import readers
from carbonkit.errors import CarbonkitError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CRAFTED = {
    "spaces": "enterprise, period,item,amount,unit,flow,region\n E1,2023, electricity , 1200.5,MWh,,370211\n"
              "E1,2023,natural_gas,3e2,万立方米, consumption,370211\nE1,2023,value_added,900,万元,,370211\n",
    "bad_amount": "enterprise,period,item,amount,unit\nE1,2023,electricity,12;5,kWh\nE1,2023,tap_water,,m3\n",
    "quoted": 'enterprise,period,item,amount,unit,name\nE1,2023,electricity,5,kWh, "Name, Ltd"\n',
    "chinese_header": "统一社会信用代码,年份,能源品种,数量,计量单位\nE1,2023,原煤,100,吨\nE1,2023,电力,20,万千瓦时\n",
    "duplicates": "enterprise,period,item,amount,unit\nE1,2023,electricity,1,kWh\nE1,2023,electricity,2,kWh\n",
}


def outcome(path: Path):
    try:
        result = ck.account(readers.read_activities(path), options={"year_fallback": "nearest"})
    except CarbonkitError as exc:
        return [p.__dict__ for p in exc.problems]
    return result.summary


@pytest.mark.parametrize("name", [*CRAFTED, "tyre_maker.csv", "park.csv"])
def test_typed_reading_equals_text_reading(tmp_path, monkeypatch, name):
    path = EXAMPLES / name if name.endswith(".csv") else tmp_path / f"{name}.csv"
    if name in CRAFTED:
        path.write_text(CRAFTED[name], encoding="utf-8")
    text = outcome(path)
    monkeypatch.setattr(readers, "TYPED_CSV_BYTES", 0)  # every file typed
    typed = outcome(path)
    if isinstance(text, list):
        assert typed == text
    else:
        pd.testing.assert_frame_equal(typed, text, check_exact=True)
