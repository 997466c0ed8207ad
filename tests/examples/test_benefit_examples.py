"""examples/benefit_park.json, screened and graded, against figures worked by hand.

Energy (GB/T 2589-2020 Appendix A): raw coal 0.7143, washed coal 0.9000, coke 0.9714 kgce/kg; electricity
0.1229 kgce/kWh (equivalent value) or 0.31 kgce/kWh (equal value: the release's national coal rate of
power supply). 1 MWh × 0.1229 kgce/kWh = 0.1229 tce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonkit import benefit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CEMENT_OLD, CEMENT_NEW = "91370305MA3BXM0C16", "91370303MA3CP1R72Q"
STEEL, TYRES, CHLOR, COKE = "91370305MA3DKW5H38", "91370303MA3EFN8Q4Y", "91370305MA3FGT2L50", "91370305MA3GHB6K6N"
DAIRY, PHARMA = "91370303MA3HJC1N75", "91370303MA3JKD4P8U"


@pytest.fixture(scope="module")
def data():
    return benefit.read_benefit(EXAMPLES / "benefit_park.json")


def _checks(result, enterprise):
    rec = next(r for r in result.records() if r["enterprise"] == enterprise)
    return rec, {c["standard"]: c for c in rec["checks"]}


def test_screen_by_hand(data):
    """Cement (old): energy 150,000 t × 0.7143 = 107,145 tce + 60,000 MWh × 0.1229 = 7,374 tce = 114,519 tce;
    tax per tce 3,000 / 114,519 = 0.026196 < 0.042 → fail; tax per mu 3,000 / 600 = 5.0 ≥ 0.075; revenue per
    employee 90,000 / 500 = 180 ≥ 118.1; clinker line 2,500 t/day ≤ 2,500 → fail; mills 3.2 m ≤ 3.2 → fail.
    Cement (new): 240,000 × 0.7143 = 171,432 + 11,000 万kWh = 110,000 MWh × 0.1229 = 13,519 → 184,951 tce;
    12,000 / 184,951 = 0.064882 ≥ 0.042; clinker 4,000 t/day passes by 1,500.
    Coke: tax per mu 4,000 / 1,200 = 3.3333 < 5.3 (margin −1.9667); ovens 4.3 m: national (< 4.3) passes,
    provincial (< 5.5) fails by −1.2. Steel: no employees → revenue per employee missing → incomplete."""
    r = benefit.screen(data)
    old, checks = _checks(r, CEMENT_OLD)
    assert old["verdict"] == "fail"
    assert checks["cement.tax_per_tce"]["value"] == pytest.approx(3000 / 114_519, rel=1e-9)
    assert checks["cement.tax_per_tce"]["result"] == "fail"
    assert checks["cement.tax_per_mu"]["value"] == pytest.approx(5.0) and checks["cement.tax_per_mu"]["result"] == "pass"
    assert checks["cement.revenue_per_employee"]["value"] == pytest.approx(180)
    assert checks["cement.clinker_line_le_2500"]["result"] == "fail"
    assert checks["cement.mill_le_3_2m"]["result"] == "fail"
    new, checks = _checks(r, CEMENT_NEW)
    assert new["verdict"] == "pass" and new["n_missing"] == 0
    assert checks["cement.tax_per_tce"]["value"] == pytest.approx(12_000 / 184_951, rel=1e-9)
    assert checks["cement.clinker_line_le_2500"]["margin"] == 1500
    coke, checks = _checks(r, COKE)
    assert coke["verdict"] == "fail"
    assert checks["coke.tax_per_mu"]["margin"] == pytest.approx(4000 / 1200 - 5.3)
    assert checks["coke.top_charged_lt_4_3m"]["result"] == "pass"
    assert checks["coke.chamber_lt_5_5m"]["margin"] == pytest.approx(-1.2)
    steel, checks = _checks(r, STEEL)
    assert steel["verdict"] == "incomplete" and checks["steel.revenue_per_employee"]["missing"] == "employees missing"
    assert checks["steel.blast_furnace_le_400m3"]["margin"] == 680
    for ent in (TYRES, CHLOR):
        assert _checks(r, ent)[0]["verdict"] == "pass"
    for ent in (DAIRY, PHARMA):
        assert _checks(r, ent)[0]["verdict"] == "not_applicable"


def huangyan(tax, land, va, energy_equal_tce, pollutants_t, employees, rd, revenue) -> float:
    """The Huangyan score as printed (green_criteria.md §3.3)."""
    return (tax / land / 24.097 * 30 + va / land / 136.16 * 20 + va / energy_equal_tce / 2.694 * 20
            + va / pollutants_t / 4929.81 * 10 + va / employees / 18.14 * 10 + rd / revenue / 0.0302 * 10)


def test_grades_by_hand(data):
    """Equal value: coal as above, electricity MWh × 0.31 tce/MWh.
      cement new  171,432 + 110,000 × 0.31 = 205,532 tce; pollutants 150 + 380 = 530 t
      dairy       3,571.5 + 20,000 × 0.31  =   9,771.5 tce; COD 15 t + NH3-N 1,500 kg = 16.5 t
      cement old  107,145 + 60,000 × 0.31  = 125,745 tce; 420 t
      tyres       14,286 + 70,000 × 0.31   =  35,986 tce; 110 t
      chlor       71,430 + 900,000 × 0.31  = 350,430 tce; 350 t
      coke        900,000 + 40,000 × 0.31  = 912,400 tce; 900 t
    Scores ≈ 106.18, 73.49, 51.87, 46.94, 37.47, 29.99 → ranks 1-6 of 6 → A, B, B, B, C, D (places 1/6 ... 6/6).
    Steel (no employees) and pharma (no land area) are not graded."""
    expected = [
        (CEMENT_NEW, huangyan(12_000, 800, 80_000, 205_532, 530, 700, 4_000, 200_000), "A"),
        (DAIRY, huangyan(2_400, 150, 15_000, 9_771.5, 16.5, 400, 900, 60_000), "B"),
        (CEMENT_OLD, huangyan(3_000, 600, 30_000, 125_745, 420, 500, 900, 90_000), "B"),
        (TYRES, huangyan(5_400, 700, 40_000, 35_986, 110, 2_200, 5_400, 180_000), "B"),
        (CHLOR, huangyan(6_000, 1_500, 60_000, 350_430, 350, 1_800, 6_000, 300_000), "C"),
        (COKE, huangyan(4_000, 1_200, 50_000, 912_400, 900, 1_500, 1_000, 400_000), "D"),
    ]
    assert [round(score, 2) for _, score, _ in expected] == [106.18, 73.49, 51.87, 46.94, 37.47, 29.99]
    got = {r["enterprise"]: r for r in benefit.grade(data, park="P0002").records()}
    for rank, (ent, score, grade) in enumerate(expected, start=1):
        assert got[ent]["score"] == pytest.approx(score, rel=1e-9), ent
        assert (got[ent]["rank"], got[ent]["graded"], got[ent]["grade"]) == (rank, 6, grade), ent
    assert got[STEEL]["status"] == "missing" and got[STEEL]["missing"] == "employees missing"
    assert got[PHARMA]["status"] == "missing" and got[PHARMA]["missing"] == "land_area missing"
