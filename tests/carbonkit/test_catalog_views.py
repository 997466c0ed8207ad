"""The modules' lists of indicators derive from the catalog (carbonkit/indicators.toml) and equal, order
included, the hand-written lists they replaced (issue 13, section 2): the behaviour-unchanged check."""

from __future__ import annotations

import pytest

from carbonkit import aggregation, catalog, decomposition, intensity, targets
from carbonkit.errors import FactorDataError

# the literal lists of carbonkit and api at 55e23e0, before they were derived
SUM_COLUMNS_BEFORE = (
    "energy_equivalent_tce", "energy_equal_tce", "feedstock_equivalent_tce", "renewable_electricity_equivalent_tce",
    "electricity_kwh", "co2_combustion_tco2", "co2_electricity_location_tco2", "co2_heat_tco2", "co2_location_tco2",
    "co2_market_tco2", "water_withdrawal_m3", "fresh_water_m3", "value_added_10k_cny",
)
INTENSITIES_BEFORE = (
    ("energy_intensity_tce_per_10k_cny", "energy_equivalent_tce", "va"),
    ("energy_intensity_comparable_tce_per_10k_cny", "energy_equivalent_tce", "vac"),
    ("energy_excl_feedstock_intensity_comparable_tce_per_10k_cny", "energy_excl_feedstock_tce", "vac"),
    ("water_intensity_m3_per_10k_cny", "water_withdrawal_m3", "va"),
    ("water_intensity_comparable_m3_per_10k_cny", "water_withdrawal_m3", "vac"),
    ("co2_intensity_tco2_per_10k_cny", "co2_location_tco2", "va"),
    ("co2_intensity_comparable_tco2_per_10k_cny", "co2_location_tco2", "vac"),
)
NUMERATORS_BEFORE = ("energy_equivalent_tce", "energy_excl_feedstock_tce", "feedstock_equivalent_tce",
                     "renewable_electricity_equivalent_tce", "water_withdrawal_m3", "fresh_water_m3", "co2_location_tco2",
                     "co2_market_tco2", "electricity_kwh", "co2_combustion_tco2", "co2_electricity_location_tco2",
                     "co2_heat_tco2")
TARGET_INDICATORS_BEFORE = {
    "energy_intensity": ("energy_equivalent_tce", "vac", "tce/10^4 CNY"),
    "water_intensity": ("water_withdrawal_m3", "vac", "m3/10^4 CNY"),
    "fresh_water_intensity": ("fresh_water_m3", "vac", "m3/10^4 CNY"),
    "co2_intensity": ("co2_location_tco2", "vac", "tCO2/10^4 CNY"),
    "co2_market_intensity": ("co2_market_tco2", "vac", "tCO2/10^4 CNY"),
    "co2_per_energy": ("co2_location_tco2", "iv_energy_equivalent_tce", "tCO2/tce"),
    "co2_market_per_energy": ("co2_market_tco2", "iv_energy_equivalent_tce", "tCO2/tce"),
    "co2_total": ("co2_location_tco2", None, "tCO2"),
    "energy_total": ("energy_equivalent_tce", None, "tce"),
}
DECOMPOSITION_BEFORE = {"energy": ("iv_energy_equivalent_tce", "tce/10^4 CNY"),
                        "energy_excl_feedstock": ("iv_energy_excl_feedstock_tce", "tce/10^4 CNY"),
                        "water": ("iv_water_withdrawal_m3", "m3/10^4 CNY"),
                        "co2": ("iv_co2_location_tco2", "tCO2/10^4 CNY")}
RESULT_COLUMNS_BEFORE = (
    "energy_equivalent_tce", "energy_equal_tce", "feedstock_equivalent_tce", "renewable_electricity_equivalent_tce",
    "co2_location_tco2", "co2_market_tco2", "water_withdrawal_m3", "fresh_water_m3",
    "value_added_10k_cny", "value_added_comparable_10k_cny",
    "electricity_kwh", "co2_combustion_tco2", "co2_electricity_location_tco2", "co2_heat_tco2",
)
# the result ratios of carbonkit.intensity (catalog order, level "result", plain quotients)
RESULT_RATIOS_BEFORE = (
    "energy_intensity_tce_per_10k_cny", "energy_intensity_comparable_tce_per_10k_cny",
    "energy_equal_intensity_tce_per_10k_cny", "water_intensity_m3_per_10k_cny",
    "water_intensity_comparable_m3_per_10k_cny", "fresh_water_intensity_m3_per_10k_cny",
    "co2_intensity_tco2_per_10k_cny", "co2_intensity_comparable_tco2_per_10k_cny",
    "co2_market_intensity_tco2_per_10k_cny", "energy_per_revenue_tce_per_10k_cny",
    "energy_per_output_value_tce_per_10k_cny", "co2_per_output_value_tco2_per_10k_cny", "energy_per_product_tce",
    "water_per_product_m3", "co2_per_product_tco2",
)


def test_aggregation_lists_are_the_catalog_views_unchanged():
    assert aggregation.SUM_COLUMNS == SUM_COLUMNS_BEFORE == catalog.group_sum_columns()
    assert aggregation.INTENSITIES == INTENSITIES_BEFORE == catalog.group_intensities()
    assert aggregation.NUMERATORS == NUMERATORS_BEFORE == catalog.value_added_sum_columns()


def test_target_and_decomposition_indicators_are_unchanged_in_order():
    assert list(targets.INDICATORS.items()) == [(k, (num, unit)) for k, (num, _, unit) in TARGET_INDICATORS_BEFORE.items()]
    assert list(catalog.target_indicators().items()) == list(TARGET_INDICATORS_BEFORE.items())
    assert list(decomposition.NUMERATORS.items()) == list(DECOMPOSITION_BEFORE.items())


def test_target_forms_agree_with_the_catalog():
    # target_forms.INDICATOR_DEFS is still a hand list (its module is not this change's): it must agree
    from carbonkit.target_forms import INDICATOR_DEFS

    assert list(INDICATOR_DEFS.items()) == list(catalog.target_indicators().items())


def test_result_ratios_are_unchanged():
    assert tuple(c for c, _, _ in intensity.INTENSITIES) == RESULT_RATIOS_BEFORE
    assert intensity.INTENSITY_COLUMNS == RESULT_RATIOS_BEFORE


def test_service_result_columns_are_the_stored_view_unchanged():
    from api.models import RESULT_COLUMNS

    assert RESULT_COLUMNS == RESULT_COLUMNS_BEFORE == catalog.stored_columns()


def test_every_stored_catalog_column_is_a_field_of_the_result_table():
    # a catalog entry marked `stored` without its field on api.models.Result (and a migration) fails here
    from api.models import Result

    table_columns = set(Result.__table__.columns.keys())
    missing = [c for c in catalog.stored_columns() if c not in table_columns]
    assert missing == [], f"stored in the catalog but not a column of api.models.Result: {missing}"
    for c in catalog.stored_columns():
        assert Result.model_fields[c].annotation == float | None


def test_prepared_names():
    # value added at current / comparable prices are `va` / `vac`; any other sum over the rows with value
    # added is iv_<column>
    assert catalog.prepared_name("value_added_10k_cny") == "va"
    assert catalog.prepared_name("value_added_comparable_10k_cny") == "vac"
    assert catalog.prepared_name("co2_location_tco2") == "iv_co2_location_tco2"


def _write(tmp_path, body: str):
    path = tmp_path / "catalog.toml"
    path.write_text(body, encoding="utf-8")
    return path


ENTRY = '[[indicator]]\ncolumn = "{c}"\nunit = "tce"\nname_zh = "甲"\nname_en = "{c}"\naggregate = "sum"\n'


def test_places_of_a_list_must_be_one_to_n(tmp_path):
    body = ENTRY.format(c="a") + "group_sum = 1\n" + ENTRY.format(c="b") + "group_sum = 3\n"
    with pytest.raises(FactorDataError, match=r"field 'group_sum': the places \[1, 3\] are not 1 to 2"):
        catalog.catalog(_write(tmp_path, body))


def test_a_view_follows_the_places_not_the_file_order(tmp_path):
    body = ENTRY.format(c="a") + "group_sum = 2\n" + ENTRY.format(c="b") + "group_sum = 1\n" + ENTRY.format(c="c")
    path = _write(tmp_path, body)
    assert catalog.group_sum_columns(path) == ("b", "a")


def test_a_group_intensity_needs_a_numerator_summed_over_value_added(tmp_path):
    body = (ENTRY.format(c="e") + ENTRY.format(c="va") + 'prepared = "va"\n'
            + '[[indicator]]\ncolumn = "i"\nunit = "tce/10^4 CNY"\nname_zh = "乙"\nname_en = "i"\naggregate = "ratio"\n'
            'numerator = "e"\ndenominator = "va"\ngroup_ratio = 1\n')
    with pytest.raises(FactorDataError, match=r"indicator 3 \(i\), field 'numerator': 'e' is not summed"):
        catalog.catalog(_write(tmp_path, body))


def test_a_target_name_is_given_once(tmp_path):
    body = (ENTRY.format(c="a") + 'target = "x"\ntarget_order = 1\n' + ENTRY.format(c="b")
            + 'target = "x"\ntarget_order = 2\n')
    with pytest.raises(FactorDataError, match="field 'target': a name is given to two entries"):
        catalog.catalog(_write(tmp_path, body))


def test_new_progress_figures_are_group_level_only():
    # the four entries added so that every target indicator is in the catalog stay out of an enterprise's result
    for column in ("fresh_water_intensity_comparable_m3_per_10k_cny", "co2_market_intensity_comparable_tco2_per_10k_cny",
                   "co2_per_energy_tco2_per_tce", "co2_market_per_energy_tco2_per_tce"):
        entry = catalog.indicator(column)
        assert entry.level == "group" and entry.target
        assert column not in intensity.INTENSITY_COLUMNS
