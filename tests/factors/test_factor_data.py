"""The shipped factor data validates, and the validator catches what it must (STYLE rule 7)."""

from __future__ import annotations

import math
import tomllib

import pandas as pd
import pytest

from carbonkit.datafiles import data_path
from carbonkit.errors import FactorDataError
from carbonkit.factors import STATUSES, load_release, read_table, release_names
from carbonkit.vocabulary import vocabulary

TABLES = sorted(data_path("tables").glob("*.csv"))


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_every_shipped_table_validates(path):
    table = read_table(path)
    assert len(table.rows) > 0
    assert set(table.rows["status"]) <= set(STATUSES)
    assert all(i.startswith(table.id + ".") for i in table.rows["id"]), "ids are prefixed by their table id"


def test_every_table_is_in_a_release_and_every_release_table_exists():
    listed = set()
    for name in release_names():
        manifest = tomllib.loads(data_path("releases", f"{name}.toml").read_text(encoding="utf-8"))
        listed.update(manifest["tables"])
        load_release(name)
    assert listed == {p.stem for p in TABLES}


def test_ids_unique_across_the_default_release():
    release = load_release()
    ids = [i for t in release.tables for i in t.rows["id"]]
    assert len(ids) == len(set(ids))


def test_items_and_regions_vocabulary():
    vocab = vocabulary()
    items = [it.item for it in vocab.items]
    assert len(items) == len(set(items))
    assert vocab.resolve("原煤").item == "raw_coal"
    assert vocab.resolve(" Raw Coal ").item == "raw_coal"
    assert vocab.resolve("电力").item == "electricity"
    assert vocab.province_of("370211") == "37" and vocab.grid_of("37") == "north_china"
    assert vocab.province_of("99") is None


def test_values_as_published():
    """Spot checks against the reference tables (energy_carbon_factors.md §1.2, §3)."""
    r = load_release()
    assert r.get("gbt2589-2020-a.raw_coal").value == 0.7143
    assert r.get("gbt2589-2020-a.electricity").value == 0.1229
    assert r.get("gbt2589-2020-a.heat").value == 0.03412
    assert r.get("mee-nbs-grid-2022.CN.average").value == 0.5366
    assert r.get("mee-nbs-grid-2023.37.average").value == 0.6191
    assert r.get("mee-nbs-grid-2023.37.average").status == "corroborated"
    assert r.get("power-coal-rate-cn.any").status == "unverified"


def _write(tmp_path, meta: str, csv: str, stem: str = "my-table"):
    (tmp_path / f"{stem}.toml").write_text(meta, encoding="utf-8")
    (tmp_path / f"{stem}.csv").write_text(csv, encoding="utf-8")
    return tmp_path / f"{stem}.csv"


META = """id = "my-table"\nkind = "standard_coal"\ntitle = "lab"\nsource = "our lab report 2023-17"
edition = "2023"\nissuing_body = "Example Tyre Co. QA lab"\npublished = "2023-12-01"\nregion = "37"\n"""


def test_validator_names_file_line_and_column(tmp_path):
    path = _write(tmp_path, META, "id,item,value,unit,status,note\n"
                  "my-table.raw_coal,raw_coal,0.70,kgce/kWh,verified,\n"
                  "my-table.raw_coal,unobtainium,-1,kgce/kg,sure,\n")
    with pytest.raises(FactorDataError) as info:
        read_table(path, user=True)
    text = str(info.value)
    assert "my-table.csv line 2, column 'unit'" in text
    assert "line 3, column 'id'" in text and "repeats line 2" in text
    assert "line 3, column 'item'" in text
    assert "line 3, column 'value'" in text
    assert "line 3, column 'status'" in text


def test_validator_requires_provenance(tmp_path):
    path = _write(tmp_path, 'id = "my-table"\nkind = "standard_coal"\n', "id,item,value,unit,status,note\n")
    with pytest.raises(FactorDataError, match="provenance field 'source'"):
        read_table(path, user=True)


def test_user_table_takes_precedence(tmp_path):
    """A measured calorific value replaces the Appendix A coefficient: 1000 t × 0.6500 kgce/kg = 650 tce."""
    import carbonkit as ck

    path = _write(tmp_path, META, "id,item,value,unit,status,note\nmy-table.raw_coal,raw_coal,0.6500,kgce/kg,verified,measured\n")
    release = load_release().with_table(path)
    doc = {"enterprise": "E", "period": "2023", "items": [{"item": "raw_coal", "amount": 1000, "unit": "t"}]}
    rec = ck.account(doc, release=release).record("E", "2023")
    assert math.isclose(rec["energy_equivalent_tce"], 650.0)
    assert "my-table.raw_coal" in rec["factor_ids"] and "gbt2589-2020-a.raw_coal" not in rec["factor_ids"]
    assert release.name.endswith("+my-table")


def test_release_frame_lists_every_factor():
    frame = load_release().frame()
    assert isinstance(frame, pd.DataFrame) and frame["id"].is_unique
    assert {"id", "value", "unit", "status", "source"} <= set(frame.columns)


def test_every_economic_item_has_a_summary_column():
    """An economic item added to items.csv must also get a column in ECONOMIC_COLUMNS (else the engine refuses)."""
    from carbonkit.accounting import ECONOMIC_COLUMNS
    from carbonkit.vocabulary import vocabulary

    economic = {it.item for it in vocabulary().items if it.kind == "economic"}
    assert economic <= set(ECONOMIC_COLUMNS) | {"value_added_comparable", "va_price_index"}
