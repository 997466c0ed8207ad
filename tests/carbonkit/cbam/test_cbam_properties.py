"""Invariants of the CBAM attribution (hypothesis): heat and waste gas moved between processes create or lose
nothing; SEE does not depend on the order processes are listed in nor on the scale of the installation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonkit.cbam import embedded_emissions

_pos = st.floats(min_value=1.0, max_value=1e6, allow_nan=False, allow_infinity=False)
_small = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)


def _chain(direct, production, heat, gas, bought_see) -> dict:
    """A steel chain BF -> BOF -> HSM with internal heat and waste-gas flows and a bought pig-iron lot."""
    names = ["bf", "bof", "hsm"]
    cats = ["pig_iron", "crude_steel", "iron_steel_products"]
    procs = []
    for i, (pid, cat) in enumerate(zip(names, cats)):
        proc = {"id": pid, "category": cat, "production_t": production[i], "direct_emissions_tco2e": direct[i],
                "electricity_mwh": production[i], "electricity_factor": 0.5}
        if i:
            proc["precursors"] = [{"category": cats[i - 1], "quantity_t": production[i - 1], "from_process": names[i - 1]}]
        procs.append(proc)
    procs[1]["precursors"].append({"category": "pig_iron", "quantity_t": 10.0, "bought": "lot"})
    procs[2]["goods"] = [{"cn_code": "72083900", "quantity_t": production[2]}]
    return {"id": "x", "period_start": "2025-01-01", "period_end": "2025-12-31", "import_year": 2026,
            "processes": procs,
            "bought_precursors": [{"id": "lot", "category": "pig_iron", "cn_code": "72011011", "see_direct": bought_see}],
            "heat_flows": [{"from_process": "bof", "to_process": "hsm", "heat_tj": heat, "emission_factor": 60.0}],
            "waste_gas_flows": [{"from_process": "bf", "to_process": "hsm", "energy_tj": gas, "emissions_tco2e": gas * 250}]}


@settings(max_examples=60, deadline=None)
@given(st.lists(_pos, min_size=3, max_size=3), st.lists(_pos, min_size=3, max_size=3), _small, _small, _small)
def test_internal_flows_create_or_lose_nothing(direct, production, heat, gas, bought_see):
    r = embedded_emissions(_chain(direct, production, heat, gas, bought_see))
    assert r.attributed_direct == pytest.approx(sum(direct), rel=1e-9, abs=1e-6)
    # everything the HSM made is sold and every upstream tonne is used: what leaves = attributed + bought
    sold = sum(g.see_direct * g.quantity_t for g in r.goods)
    assert sold == pytest.approx(r.attributed_direct + 10.0 * bought_see, rel=1e-9, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(_pos, min_size=3, max_size=3), st.lists(_pos, min_size=3, max_size=3), _small, _small,
       st.randoms(use_true_random=False))
def test_order_of_processes_does_not_matter(direct, production, heat, gas, rnd: random.Random):
    doc = _chain(direct, production, heat, gas, 1.9)
    first = {p.id: (p.see_direct, p.see_indirect) for p in embedded_emissions(doc).processes}
    rnd.shuffle(doc["processes"])
    second = {p.id: (p.see_direct, p.see_indirect) for p in embedded_emissions(doc).processes}
    assert second.keys() == first.keys()
    for key, (d, i) in first.items():
        assert second[key] == (pytest.approx(d), pytest.approx(i))


@settings(max_examples=40, deadline=None)
@given(st.lists(_pos, min_size=3, max_size=3), st.lists(_pos, min_size=3, max_size=3),
       st.floats(min_value=0.01, max_value=100))
def test_scaling_the_installation_leaves_see_unchanged(direct, production, scale):
    base = embedded_emissions(_chain(direct, production, 5.0, 3.0, 1.9))
    big = embedded_emissions(_chain([d * scale for d in direct], [p * scale for p in production], 5.0 * scale,
                                    3.0 * scale, 1.9))
    # the bought lot (10 t) does not scale; compare the BF, whose SEE has no bought part
    assert big.processes[0].see_direct == pytest.approx(base.processes[0].see_direct, rel=1e-9)
    assert big.processes[0].see_indirect == pytest.approx(base.processes[0].see_indirect, rel=1e-9)
