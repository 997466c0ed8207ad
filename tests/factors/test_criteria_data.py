"""The shipped criteria sets agree with ../shared/reference/green_criteria.md."""

from __future__ import annotations

from collections import Counter

import pytest

from carbonkit.assess.criteria import load_criteria
from carbonkit.factors.documents import shipped


def test_every_shipped_set_loads():
    paths = shipped("criteria")
    assert {p.stem for p in paths} == {"miit-green-factory-2025", "miit-green-park-2016", "miit-green-park-2025"}
    kinds = {p.stem: load_criteria(p).kind for p in paths}
    assert kinds == {"miit-green-factory-2025": "green_factory_criteria",
                     "miit-green-park-2016": "green_park_criteria", "miit-green-park-2025": "green_park_criteria"}


def test_factory_points_per_group_are_the_transcribed_34_22_22_14_8():
    c = load_criteria("miit-green-factory-2025", "green_factory_criteria")
    # alternatives (per output value instead of per product) share their primary's points
    counted = [i for i in c.indicator if i.alternative_of is None]
    per_group = Counter()
    for i in counted:
        per_group[i.group] += i.points
    assert dict(per_group) == {"energy": 34, "resources": 22, "production": 22, "product": 14, "land": 8}
    assert sum(per_group.values()) == 100


@pytest.mark.parametrize("indicator, lead, base", [
    ("water_reuse_rate", 92.22, 80.0), ("solid_waste_utilisation", 100.0, 80.0), ("advanced_technologies", 5.0, 3.0),
    ("waste_gas_concentration_margin", 86.1, 80.0), ("building_coverage", 51.0, 40.0), ("floor_area_ratio", 1.12, 0.5),
])
def test_factory_lead_and_base_values_as_in_the_reference(indicator, lead, base):
    i = load_criteria("miit-green-factory-2025", "green_factory_criteria").indicators[indicator]
    assert (i.lead, i.base) == (lead, base)


def test_factory_renewable_tiers_and_unusable_water_values():
    c = load_criteria("miit-green-factory-2025", "green_factory_criteria")
    tiers = {t.from_: t.lead for t in c.indicators["renewable_share"].tiers}
    assert tiers == {10000.0: 4.31, 5000.0: 11.9, 3000.0: 7.93, 0.0: 33.03}
    # the mock's water lead 1 / base 0.5 contradict "lower is better": not shipped, marked unverified
    water = c.indicators["water_per_product"]
    assert water.lead is None and water.base is None and water.status == "unverified"
    assert c.pass_rule.status == "unverified"


def test_park_table_has_31_indicators_in_six_groups():
    c = load_criteria("miit-green-park-2016", "green_park_criteria")
    assert len(c.indicator) == 31 and [i.number for i in c.indicator] == list(range(1, 32))
    assert Counter(i.group for i in c.indicator) == {"EG": 3, "RG": 8, "IG": 5, "CG": 4, "HG": 8, "MG": 3}
    leads = {i.number: i.lead for i in c.indicator}
    assert (leads[1], leads[2], leads[4], leads[5], leads[19], leads[22], leads[23], leads[24]) == \
        (3.0, 15.0, 1500.0, 15.0, 15.0, 3.0, 5.0, 0.3)
    choose = {ch.id: (ch.n, sorted(i.number for i in c.indicator if i.choose == ch.id)) for ch in c.choose}
    assert choose == {"RG-choose": (2, [8, 9, 10, 11]), "IG-choose": (2, [13, 14, 15, 16]), "HG-choose": (1, [26, 27, 28])}
    # 20 mandatory + 2 + 2 + 1 chosen = 25 counted indicators of 4 points = 100
    assert sum(i.mandatory for i in c.indicator) == 20
    # every lead value and flag is unverified in the reference
    assert {i.status for i in c.indicator} == {"unverified"}
    assert {g.status for g in c.gate} == {"verified"}
