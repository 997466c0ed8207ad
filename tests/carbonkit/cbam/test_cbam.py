"""CBAM embedded emissions: the three example installations worked by hand from the attribution formulas
(Implementing Regulation (EU) 2025/2547; as 2023/1773 Annex III F):

    AttrEm_dir = DirEm* + Em_H,imp - Em_H,exp + WG_corr,imp - WG_corr,exp - Em_el,exp
    SEE_dir    = (AttrEm_dir + sum M_i x SEE_i,dir) / AL          SEE_indir likewise with E_el x EF_el

and the checks that nothing is created or lost in attribution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carbonkit.cbam import embedded_emissions, load_defaults, load_goods
from carbonkit.errors import InvalidInput

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _load(name: str) -> dict:
    return json.loads((EXAMPLES / f"cbam_{name}.json").read_text(encoding="utf-8"))


def _by_id(result):
    return {p.id: p for p in result.processes}, {g.cn_code: g for g in result.goods}


def test_steel_bf_bof_with_bought_pig_iron():
    r = embedded_emissions(_load("steel_bfbof"))
    procs, goods = _by_id(r)
    # BF: DirEm = 350 000 t coke x 3.0 + 150 000 t coal x 2.0 = 1 050 000 + 300 000 = 1 350 000 tCO2e.
    # BF gas burnt in the hot strip mill: 520 000 tCO2e, 2 000 TJ; EF_NG 56.1 tCO2/TJ -> the mill keeps
    # 2 000 x 56.1 = 112 200; 520 000 - 112 200 = 407 800 moves back to the BF.
    assert procs["bf"].direct_emissions == pytest.approx(1_350_000)
    assert procs["bf"].attributed_direct == pytest.approx(1_757_800)  # 1 350 000 + 407 800
    assert procs["bf"].see_direct == pytest.approx(1.7578)            # 1 757 800 / 1 000 000 t
    assert procs["bf"].see_indirect == pytest.approx(0.05)            # 100 000 MWh x 0.5 / 1 000 000
    # BOF: 110 000 + 950 000 t x 1.7578 (own pig iron) + 100 000 t x 1.9 (supplier) = 110 000 + 1 669 910 + 190 000
    assert procs["bof"].see_direct == pytest.approx(1_969_910 / 1_000_000)
    # indirect: 55 000 x 0.5 + 950 000 x 0.05 + 100 000 x 0.1 = 27 500 + 47 500 + 10 000 = 85 000
    assert procs["bof"].see_indirect == pytest.approx(0.085)
    # HSM: AttrEm = 600 000 - 407 800 = 192 200; + 1 020 000 t x 1.96991 = 2 009 308.2 -> 2 201 508.2 / 1 000 000
    assert procs["hsm"].attributed_direct == pytest.approx(192_200)
    assert procs["hsm"].see_direct == pytest.approx(2.2015082)
    # indirect: 105 000 x 0.5 + 1 020 000 x 0.085 = 52 500 + 86 700 = 139 200
    assert procs["hsm"].see_indirect == pytest.approx(0.1392)
    coil = goods["72083900"]
    assert not coil.indirect_counted and coil.see_charged == pytest.approx(2.2015082)  # steel: direct only
    # China default for 7208: 3.19; 2026 mark-up 10 %: 3.19 x 1.1 = 3.509; 3.509 - 2.2015082 = 1.3074918
    assert coil.default_marked_up == pytest.approx(3.509)
    assert coil.difference == pytest.approx(1.3074918)
    assert coil.embedded == pytest.approx(2.2015082 * 900_000)
    # carbon price: 90 CNY x (2 060 000 - 1 854 000) / 2 060 000 = 9 CNY/tCO2; own direct SEE of the coil:
    # BOF own = (110 000 + 950 000 x 1.7578) / 1e6 = 1.77991; HSM own = (192 200 + 1 020 000 x 1.77991) / 1e6
    # = 2.0077082 -> 9 x 2.0077082 = 18.0693738 CNY/t, x 0.13 EUR/CNY = 2.349018594 EUR/t
    assert coil.carbon_price_per_t == pytest.approx(18.0693738)
    assert coil.carbon_price_eur_per_t == pytest.approx(2.349018594)


def test_cement_own_and_bought_clinker():
    r = embedded_emissions(_load("cement"))
    procs, goods = _by_id(r)
    # kiln: 800 000 x 0.52 + 100 000 x 2.4 = 416 000 + 240 000 = 656 000; heat sold 20 TJ x 80 = 1 600 leaves
    assert procs["kiln"].attributed_direct == pytest.approx(654_400)
    assert procs["kiln"].see_direct == pytest.approx(0.818)     # 654 400 / 800 000
    assert procs["kiln"].see_indirect == pytest.approx(0.036)   # 48 000 MWh x 0.6 / 800 000
    # mill: 5 000 + steam bought 50 TJ x 70 = 3 500 -> 8 500; clinker 700 000 x 0.818 + 50 000 x 0.85 (supplier)
    # = 572 600 + 42 500 = 615 100; (8 500 + 615 100) / 1 000 000 = 0.6236
    assert procs["mill"].see_direct == pytest.approx(0.6236)
    # indirect: 40 000 x 0.6 + 700 000 x 0.036 + 50 000 x 0.04 = 24 000 + 25 200 + 2 000 = 51 200 -> 0.0512
    assert procs["mill"].see_indirect == pytest.approx(0.0512)
    other = goods["25239000"]
    assert other.indirect_counted and other.see_charged == pytest.approx(0.6748)  # cement: direct + indirect
    # default 1.29 + 0.18 = 1.47; x 1.1 = 1.617; 1.617 - 0.6748 = 0.9422 t/t; x 200 000 t = 188 440 t
    assert other.default_marked_up == pytest.approx(1.617)
    assert other.difference == pytest.approx(0.9422)
    assert other.difference * other.quantity_t == pytest.approx(188_440)
    # no default shipped for clinker or Portland cement: no comparison, said so
    assert goods["25232900"].default_marked_up is None and goods["25231000"].difference is None
    assert any("25231000, 25232900" in n for n in r.notes)
    # rate: 100 x (661 000 - 528 800) / 661 000 = 20 CNY/tCO2; mill own SEE (8 500 + 572 600) / 1e6 = 0.5811
    assert other.carbon_price_per_t == pytest.approx(11.622)


def test_aluminium_with_a_default_valued_precursor():
    r = embedded_emissions(_load("aluminium"))
    procs, goods = _by_id(r)
    # potline: 200 000 x 3.6 + 500 000 x 0.2 = 720 000 + 100 000 = 820 000 -> 820 000 / 500 000 = 1.64
    assert procs["potline"].see_direct == pytest.approx(1.64)
    assert procs["potline"].see_indirect == pytest.approx(7.83)  # 6 750 000 MWh x 0.58 / 500 000
    # wire: 15 000 + 280 000 x 1.64 + 30 000 x 3.0 (China default 7601, no mark-up for a precursor)
    # = 15 000 + 459 200 + 90 000 = 564 200 / 300 000
    assert procs["wire"].see_direct == pytest.approx(564_200 / 300_000)
    # indirect: 120 000 x 0.58 + 280 000 x 7.83 + 30 000 x 0 = 69 600 + 2 192 400 = 2 262 000 / 300 000 = 7.54
    assert procs["wire"].see_indirect == pytest.approx(7.54)
    assert r.lots["ingot-lot"].source == "default" and "without mark-up" in r.lots["ingot-lot"].note
    wire = goods["76051100"]
    # aluminium: direct only; default 4.8808 x 1.2 (2027) = 5.85696; difference 5.85696 - 1.880666...
    assert wire.see_charged == pytest.approx(564_200 / 300_000)
    assert wire.default_marked_up == pytest.approx(5.85696)
    assert wire.difference == pytest.approx(5.85696 - 564_200 / 300_000)
    assert goods["76011000"].difference == pytest.approx(3.0 * 1.2 - 1.64)
    assert wire.carbon_price_per_t is None  # no carbon price stated


@pytest.mark.parametrize("name", ["steel_bfbof", "cement", "aluminium"])
def test_attribution_creates_and_loses_nothing(name):
    r = embedded_emissions(_load(name))
    balance = r.balance()
    assert balance["unexplained"] == pytest.approx(0, abs=1e-6)
    # steel and aluminium exchange nothing with the outside: attributed = the installation's direct emissions
    if name != "cement":
        assert r.attributed_direct == pytest.approx(r.direct_emissions)
    else:  # 661 000 + 3 500 heat bought - 1 600 heat sold = 662 900
        assert r.direct_emissions == pytest.approx(661_000) and r.attributed_direct == pytest.approx(662_900)


def test_embedded_emissions_of_all_output_equal_installation_emissions_plus_bought():
    """When every tonne made is sold or used on site, the direct emissions embedded in what leaves equal the
    installation's attributed emissions plus the bought precursors' embedded emissions."""
    doc = _load("steel_bfbof")
    doc["processes"][2]["goods"][0]["quantity_t"] = 950_000  # HSM sells all 1 000 000 t
    doc["processes"][1]["production_t"] = 1_020_000            # BOF makes exactly what the HSM uses
    doc["processes"][0]["production_t"] = 1_050_000 - 100_000  # BF makes exactly what the BOF uses from it
    r = embedded_emissions(doc)
    out = sum(g.see_direct * g.quantity_t for g in r.goods)
    assert out == pytest.approx(r.attributed_direct + 100_000 * 1.9)


def test_a_bad_installation_lists_every_problem_and_computes_nothing():
    doc = _load("steel_bfbof")
    doc["processes"][2]["goods"][0]["cn_code"] = "76011000"            # aluminium sold by a steel mill
    doc["processes"][1]["precursors"][0]["from_process"] = "nowhere"
    doc["bought_precursors"][0]["see_direct"] = None
    doc["bought_precursors"][0]["use_default"] = True                   # no default shipped for 7201
    with pytest.raises(InvalidInput) as info:
        embedded_emissions(doc)
    paths = {p.path for p in info.value.problems}
    assert {"processes[2].goods[0].cn_code", "processes[1].precursors[0].from_process",
            "bought_precursors[0].use_default"} <= paths


def test_schema_errors_name_the_field():
    doc = _load("cement")
    del doc["processes"][0]["production_t"]
    doc["processes"][1]["electricity_factor"] = None
    with pytest.raises(InvalidInput) as info:
        embedded_emissions(doc)
    assert {p.field for p in info.value.problems} >= {"production_t"}
    assert any("electricity_factor" in p.message for p in info.value.problems)


def test_a_cycle_between_processes_is_refused():
    doc = _load("steel_bfbof")
    doc["processes"][1]["category"] = "iron_steel_products"
    doc["processes"][1]["precursors"] = [{"category": "iron_steel_products", "quantity_t": 1, "from_process": "hsm"}]
    doc["processes"][2]["precursors"] = [{"category": "iron_steel_products", "quantity_t": 1, "from_process": "bof"}]
    with pytest.raises(InvalidInput, match="cycle"):
        embedded_emissions(doc)


def test_communication_has_the_template_sections():
    d = embedded_emissions(_load("steel_bfbof")).to_dict()
    assert set(d) >= {"installation", "production_processes", "purchased_precursors", "goods", "carbon_price",
                      "data_sources", "balance_tco2e", "notes"}
    json.dumps(d)  # JSON-ready
    assert d["goods"][0]["default_status"] == "unverified"
    assert d["purchased_precursors"][0]["source"] == "supplier"


def test_data_tables_load_and_look_up():
    goods, defaults = load_goods(), load_defaults()
    assert goods.category_of("25231000").id == "cement_clinker"
    assert goods.category_of("25232900").id == "cement"
    assert goods.category_of("99999999") is None
    assert defaults.markup_for(2026, "iron_steel").value == pytest.approx(0.10)
    assert defaults.markup_for(2027, "aluminium").value == pytest.approx(0.20)
    assert defaults.markup_for(2031, "cement").value == pytest.approx(0.30)
    assert not goods.sectors()["iron_steel"].indirect_counted and goods.sectors()["cement"].indirect_counted


def test_market_account_adapter_keeps_the_direct_emissions():
    """A facility-year shaped like carbonkit.market.FacilityYear (issue 16) becomes a CBAM process; the CBAM
    direct emissions add up to the market account's direct emissions."""
    from carbonkit.cbam.market import installation_from_market

    kiln = {"enterprise": "E", "facility": "line1", "sector": "cement", "route": "dry", "year": 2025,
            "direct_tco2e": 656_000.0, "electricity_mwh": 48_000.0, "electricity_tco2": 28_000.0,
            "heat_gj": -20_000.0, "heat_tco2": -1_600.0, "product": "clinker", "production_t": {"clinker": 800_000.0}}
    inst = installation_from_market([kiln], installation_id="E-1", import_year=2026,
                                    goods={"line1": [{"cn_code": "25231000", "quantity_t": 800_000}]})
    r = embedded_emissions(inst)
    proc = r.processes[0]
    assert r.direct_emissions == pytest.approx(656_000)           # nothing created or lost
    assert proc.heat_exported == pytest.approx(1_600)             # 20 000 GJ = 20 TJ x 80 tCO2/TJ sold
    assert proc.attributed_indirect == pytest.approx(28_000)      # 48 000 MWh x (28 000 / 48 000)
    assert proc.see_direct == pytest.approx((656_000 - 1_600) / 800_000)
    assert r.balance()["unexplained"] == pytest.approx(0)


def test_a_cement_precursor_without_indirect_value_is_refused_not_zeroed():
    doc = _load("cement")
    del doc["bought_precursors"][0]["see_indirect"]
    with pytest.raises(InvalidInput) as info:
        embedded_emissions(doc)
    assert [p.path for p in info.value.problems] == ["bought_precursors[0].see_indirect"]


def test_a_steel_precursor_without_indirect_value_counts_zero_and_says_so():
    doc = _load("steel_bfbof")
    del doc["bought_precursors"][0]["see_indirect"]
    r = embedded_emissions(doc)
    assert r.lots["pig-iron-lot"].indirect == 0 and "counted 0" in r.lots["pig-iron-lot"].note
