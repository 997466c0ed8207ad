"""The indicator catalog: read and checked once; the hand lists of the modules agree with it."""

from __future__ import annotations

import pytest

from carbonkit import aggregation, intensity
from carbonkit.catalog import catalog, columns, indicator, ratios, unit_of
from carbonkit.errors import FactorDataError


def test_catalog_entries_are_complete():
    table = catalog()
    assert len(table) >= 50
    for column, e in table.items():
        assert e.column == column and e.unit and e.name_zh and e.name_en
        if e.aggregate == "ratio" and not e.formula:
            assert unit_of(e.numerator) and unit_of(e.denominator)


def test_intensities_derive_from_the_catalog():
    assert intensity.INTENSITIES == ratios()
    # energy per value added: tce ÷ 10^4 CNY
    assert indicator("energy_intensity_tce_per_10k_cny").unit == "tce/10^4 CNY"
    assert ("energy_intensity_tce_per_10k_cny", "energy_equivalent_tce", "value_added_10k_cny") in ratios()


def test_aggregation_sums_only_catalogued_sums():
    sums = set(columns("sum"))
    assert set(aggregation.SUM_COLUMNS) <= sums
    for column, _numerator, _ in aggregation.INTENSITIES:
        assert indicator(column).aggregate == "ratio"


def test_a_bad_catalog_names_file_entry_and_field(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[[indicator]]\ncolumn = "x_tce"\nunit = "tce"\nname_zh = "甲"\nname_en = "x"\n'
                    'aggregate = "mean"\n', encoding="utf-8")
    with pytest.raises(FactorDataError, match=r"indicator 1 \(x_tce\), field 'aggregate': 'mean'"):
        catalog(path)
    path.write_text('[[indicator]]\ncolumn = "r"\nunit = "1"\nname_zh = "甲"\nname_en = "r"\n'
                    'aggregate = "ratio"\nnumerator = "a"\ndenominator = "b"\n', encoding="utf-8")
    with pytest.raises(FactorDataError, match="field 'numerator': 'a' is not a column"):
        catalog(path)


def test_service_result_columns_are_catalogued_sums():
    from api.models import RESULT_COLUMNS

    assert set(RESULT_COLUMNS) <= set(columns("sum"))
