"""Account one Shandong tyre maker (Qingdao Huangdao, C2911) for 2023, then its 2020-2023 series.

Run from any directory:  python examples/account_tyre_maker.py
"""

from pathlib import Path

import carbonkit as ck

HERE = Path(__file__).resolve().parent


def show(label: str, value: float, unit: str) -> None:
    print(f"  {label:<44} {value:>16,.3f}  {unit}")


def main() -> None:
    result = ck.account(ck.read_activities(HERE / "tyre_maker.json"))
    enterprise = str(result.summary["enterprise"].iloc[0])
    r = result.record(enterprise, "2023")
    print(f"Tyre maker {enterprise}, 2023 (factor release {result.release})")
    print("Energy")
    show("comprehensive energy, equivalent value", r["energy_equivalent_tce"], "tce")
    show("comprehensive energy, equal value", r["energy_equal_tce"], "tce")
    show("  of which renewable electricity (equivalent)", r["renewable_electricity_equivalent_tce"], "tce")
    show("electricity", r["electricity_kwh"] / 1000, "MWh")
    print("CO2")
    show("scope 1, fuel combustion", r["co2_combustion_tco2"], "tCO2")
    show("scope 2, location-based (Shandong grid)", r["co2_scope2_location_tco2"], "tCO2")
    show("scope 2, market-based (green power at zero)", r["co2_scope2_market_tco2"], "tCO2")
    show("total, location-based", r["co2_location_tco2"], "tCO2")
    show("total, market-based", r["co2_market_tco2"], "tCO2")
    print("Water")
    show("withdrawal", r["water_withdrawal_m3"], "m3")
    show("non-conventional share", r["nonconventional_share"], "1")
    show("reuse rate", r["water_reuse_rate"], "1")
    print("Intensities")
    show("energy per value added (current prices)", r["energy_intensity_tce_per_10k_cny"], "tce/10^4 CNY")
    show("energy per value added (2020 prices)", r["energy_intensity_comparable_tce_per_10k_cny"], "tce/10^4 CNY")
    show("CO2 (location) per value added", r["co2_intensity_tco2_per_10k_cny"], "tCO2/10^4 CNY")
    show("water per value added", r["water_intensity_m3_per_10k_cny"], "m3/10^4 CNY")
    show(f"energy per {r['product_unit']}", r["energy_per_product_tce"] * 1000, "kgce")

    # The release has grid factors from data year 2021 on; 2020 borrows the nearest (2021) factor.
    options = ck.AccountingOptions(year_fallback="nearest")
    series = ck.account(ck.read_activities(HERE / "tyre_maker_series.csv"), options=options).summary
    changes = ck.changes(series, base_year=2020)
    print("Series 2020-2023: intensity at 2020 prices and cumulative change vs 2020")
    table = series[["period", "energy_intensity_comparable_tce_per_10k_cny",
                    "water_intensity_comparable_m3_per_10k_cny"]].merge(
        changes[["period", "energy_intensity_comparable_tce_per_10k_cny_change_base",
                 "water_intensity_comparable_m3_per_10k_cny_change_base"]], on="period")
    for row in table.itertuples(index=False):
        print(f"  {row[0]}  energy {row[1]:.4f} tce/10^4 CNY ({row[3]:+.1%})   water {row[2]:.3f} m3/10^4 CNY ({row[4]:+.1%})")


if __name__ == "__main__":
    main()
