"""Account a small Shandong chemical park (park P0001, ten enterprises in Zibo) for 2023.

Prints each enterprise's key numbers and the park totals, with energy both including and excluding
feedstock use (原料用能, deducted under 发改环资〔2022〕803号).

Run from any directory:  python examples/account_park.py
"""

from pathlib import Path

import carbonkit as ck

HERE = Path(__file__).resolve().parent


def main() -> None:
    data = ck.read_activities(HERE / "park.json")
    names = data.drop_duplicates("enterprise").set_index("enterprise")["name"]
    s = ck.account(data).summary
    print(f"Park {', '.join(sorted(set(s['park'])))}, 2023: {len(s)} enterprises")
    print(f"  {'industry':<9}{'energy tce':>12}{'excl. feed':>12}{'CO2 loc t':>12}{'CO2 mkt t':>12}"
          f"{'water m3':>12}{'tce/10^4 CNY':>14}  name")
    industry = data.drop_duplicates("enterprise").set_index("enterprise")["industry"]
    for r in s.itertuples(index=False):
        print(f"  {industry[r.enterprise]:<9}{r.energy_equivalent_tce:>12,.0f}"
              f"{r.energy_equivalent_excl_feedstock_tce:>12,.0f}{r.co2_location_tco2:>12,.0f}"
              f"{r.co2_market_tco2:>12,.0f}{r.water_withdrawal_m3:>12,.0f}"
              f"{r.energy_intensity_tce_per_10k_cny:>14.3f}  {names[r.enterprise]}")

    total = s[["energy_equivalent_tce", "energy_equal_tce", "energy_equivalent_excl_feedstock_tce",
               "feedstock_equivalent_tce", "co2_location_tco2", "co2_market_tco2", "water_withdrawal_m3",
               "recycled_water_m3", "nonconventional_water_m3", "value_added_10k_cny"]].sum()
    va = total["value_added_10k_cny"]
    print("Park totals")
    print(f"  energy, equivalent value           {total['energy_equivalent_tce']:>14,.1f} tce")
    print(f"  energy, equal value                {total['energy_equal_tce']:>14,.1f} tce")
    print(f"  feedstock use                      {total['feedstock_equivalent_tce']:>14,.1f} tce")
    print(f"  energy excl. feedstock             {total['energy_equivalent_excl_feedstock_tce']:>14,.1f} tce")
    print(f"  CO2 location-based                 {total['co2_location_tco2']:>14,.1f} tCO2")
    print(f"  CO2 market-based                   {total['co2_market_tco2']:>14,.1f} tCO2")
    print(f"  water withdrawal                   {total['water_withdrawal_m3']:>14,.0f} m3")
    reuse = total["recycled_water_m3"] / (total["recycled_water_m3"] + total["water_withdrawal_m3"])
    print(f"  water reuse rate                   {reuse:>14.1%}")
    print(f"  value added                        {va:>14,.0f} 10^4 CNY")
    print(f"  energy intensity                   {total['energy_equivalent_tce'] / va:>14.4f} tce/10^4 CNY")
    print(f"  energy intensity excl. feedstock   {total['energy_equivalent_excl_feedstock_tce'] / va:>14.4f} tce/10^4 CNY")
    print(f"  CO2 intensity (location)           {total['co2_location_tco2'] / va:>14.4f} tCO2/10^4 CNY")
    print(f"  water intensity                    {total['water_withdrawal_m3'] / va:>14.3f} m3/10^4 CNY")


if __name__ == "__main__":
    main()
