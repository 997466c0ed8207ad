"""Every example runs, and its input files agree with each other and with a hand-worked account."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import carbonkit as ck

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REPO = EXAMPLES.parent
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def test_examples_exist_and_none_is_skipped():
    assert SCRIPTS, "no example scripts found"
    # Scripts are discovered by glob, so every top-level .py is run below; nothing may hide deeper.
    assert sorted(EXAMPLES.rglob("*.py")) == SCRIPTS


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script: Path, tmp_path: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


@pytest.mark.parametrize("stem", ["tyre_maker", "park"])
def test_json_and_csv_give_the_same_summary(stem: str):
    from_json = ck.account(ck.read_activities(EXAMPLES / f"{stem}.json")).summary
    from_csv = ck.account(ck.read_activities(EXAMPLES / f"{stem}.csv")).summary
    pd.testing.assert_frame_equal(from_json, from_csv)


def test_series_2023_is_the_single_year_example():
    single = ck.account(ck.read_activities(EXAMPLES / "tyre_maker.csv")).summary
    # No grid factor is published for 2020 or earlier: 2020 takes the nearest year (2021).
    nearest = ck.AccountingOptions(year_fallback="nearest")
    series = ck.account(ck.read_activities(EXAMPLES / "tyre_maker_series.csv"), options=nearest).summary
    assert list(series["period"]) == ["2020", "2021", "2022", "2023"]
    last = series[series["period"] == "2023"].reset_index(drop=True)
    pd.testing.assert_frame_equal(last, single, check_categorical=False)  # factor_ids: categories of the whole series


def test_tyre_maker_by_hand():
    """Qingdao tyre maker, 2023, worked from /work/shared/reference/energy_carbon_factors.md.

    Energy, equivalent value (GB/T 2589 Appendix A):
      raw coal     12,000 t      = 12,000,000 kg x 0.7143 kgce/kg            =  8,571.600 tce
      electricity  64,000 MWh    = 64,000,000 kWh x 0.1229 kgce/kWh          =  7,865.600 tce
      green power   8,000 MWh    =  8,000,000 kWh x 0.1229 kgce/kWh         =    983.200 tce
      natural gas     150 万m3   =  1,500,000 m3 x 1.3300 kgce/m3             =  1,995.000 tce
      steam        60,000 t at En 2,950 kJ/kg: 60,000,000 kg x 2,950 kJ/kg
                   = 177,000,000 MJ x 0.03412 kgce/MJ                        =  6,039.240 tce
      diesel          180 t      =    180,000 kg x 1.4571 kgce/kg            =    262.278 tce
      total                                                                  = 25,716.918 tce
    renewable electricity = green power = 983.2 tce.

    CO2 (§2, EF = NCV x CC x OF x 44/12; §3.3 Shandong 2023 0.6191; §3.2 national excl. market
    non-fossil 2023 0.6096; §3.4 heat 0.11 tCO2/GJ):
      raw coal     12,000 t x 20.908 GJ/t x 0.0261 tC/GJ x 0.93 x 44/12       = 22,329.995 tCO2
      natural gas     150 万Nm3 x 389.31 GJ/万Nm3 x 0.0153 x 0.99 x 44/12     =  3,243.283 tCO2
      diesel          180 t x 42.652 GJ/t x 0.0202 x 0.98 x 44/12             =    557.264 tCO2
      combustion                                                            = 26,130.542 tCO2
      electricity, location: (64,000 + 8,000) MWh x 0.6191                  = 44,575.200 tCO2
      electricity, market:    64,000 MWh x 0.6096 (green power at zero)     = 39,014.400 tCO2
      steam heat: 60,000,000 kg x (2,950 - 83.74) kJ/kg = 171,975.6 GJ x 0.11 = 18,917.316 tCO2

    Water: withdrawal = 120,000 tap + 30,000 ground + 50,000 reclaimed = 200,000 m3;
    non-conventional share 50,000 / 200,000 = 0.25; reuse rate 3,500,000 / 3,700,000 = 0.945946.
    Intensities: 25,716.918 / 44,000 = 0.584475 tce/10^4 CNY; at 2020 prices VA = 44,000 / 1.052.
    """
    r = ck.account(ck.read_activities(EXAMPLES / "tyre_maker.json")).record("91370211473270545N", "2023")
    assert r["energy_equivalent_tce"] == pytest.approx(25_716.918, rel=1e-9)
    assert r["renewable_electricity_equivalent_tce"] == pytest.approx(983.2, rel=1e-9)
    assert r["electricity_kwh"] == pytest.approx(72_000_000, rel=1e-12)
    combustion = 12_000 * 20.908 * 0.0261 * 0.93 * 44 / 12 + 150 * 389.31 * 0.0153 * 0.99 * 44 / 12 \
        + 180 * 42.652 * 0.0202 * 0.98 * 44 / 12
    assert combustion == pytest.approx(26_130.542, abs=1e-3)
    assert r["co2_combustion_tco2"] == pytest.approx(combustion, rel=1e-9)
    assert r["co2_electricity_location_tco2"] == pytest.approx(44_575.2, rel=1e-9)
    assert r["co2_electricity_market_tco2"] == pytest.approx(39_014.4, rel=1e-9)
    assert r["co2_heat_tco2"] == pytest.approx(18_917.316, rel=1e-9)
    assert r["co2_location_tco2"] == pytest.approx(combustion + 44_575.2 + 18_917.316, rel=1e-9)
    assert r["co2_market_tco2"] == pytest.approx(combustion + 39_014.4 + 18_917.316, rel=1e-9)
    assert r["water_withdrawal_m3"] == pytest.approx(200_000)
    assert r["nonconventional_share"] == pytest.approx(0.25)
    assert r["water_reuse_rate"] == pytest.approx(3_500_000 / 3_700_000)
    assert r["energy_intensity_tce_per_10k_cny"] == pytest.approx(25_716.918 / 44_000, rel=1e-9)
    assert r["energy_intensity_comparable_tce_per_10k_cny"] == pytest.approx(25_716.918 / (44_000 / 1.052), rel=1e-9)
