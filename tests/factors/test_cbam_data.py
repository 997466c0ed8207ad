"""The CBAM data files: provenance and status on every row, every default value's CN code in a category, the
mark-ups without overlap, and a broken file named with its place."""

from __future__ import annotations

import pytest

from carbonkit.cbam import load_defaults, load_goods
from carbonkit.errors import FactorDataError


def test_every_default_belongs_to_a_category_and_is_marked():
    goods, defaults = load_goods(), load_defaults()
    for row in defaults.default:
        assert goods.category_of(row.cn_code.ljust(8, "0")) is not None or goods.category_of(row.cn_code), row.cn_code
        assert row.status in ("verified", "corroborated", "unconfirmed", "unverified")
        assert row.note  # where the value was read
    # secondary transcriptions only: nothing may claim to be verified
    assert {r.status for r in defaults.default} == {"unverified"}


def test_markups_do_not_overlap():
    defaults = load_defaults()
    for year in range(2026, 2040):
        for sector in ("cement", "iron_steel", "aluminium", "fertilisers", "hydrogen"):
            hits = [m for m in defaults.markup
                    if sector in m.sectors and m.year_from <= year and (m.year_to is None or year <= m.year_to)]
            assert len(hits) == 1, (year, sector)


def test_precursors_and_sectors_are_consistent():
    goods = load_goods()
    cats = goods.categories()
    assert cats["cement"].precursors == ["cement_clinker", "calcined_clay"]
    assert "pig_iron" in cats["crude_steel"].precursors
    assert {s.id for s in goods.sector if s.indirect_counted} == {"cement", "fertilisers"}


def test_a_broken_file_is_named(tmp_path):
    from carbonkit.datafiles import data_path

    text = data_path("cbam", "eu-2025-2621-cn.toml").read_text(encoding="utf-8")
    path = tmp_path / "mine.toml"
    path.write_text(text.replace('cn_code = "7208"', 'cn_code = "72x8"'), encoding="utf-8")
    with pytest.raises(FactorDataError, match=r"mine.toml, default\[\d+\].cn_code"):
        load_defaults(path)
