"""Account the carbon-market example plants (MEE 2024 guidelines) from their monthly key parameters.

A cement plant, the same with a month whose coal was not analysed, a long-process (BF-BOF) steel works, an EAF
shop and an aluminium smelter. Run from any directory:  python examples/account_market.py
"""

from pathlib import Path

from carbonkit.market import account_market, read_monthly

HERE = Path(__file__).resolve().parent
PLANTS = (("market_cement.csv", "cement plant (default factor per clinker type)"),
          ("market_cement_missing_month.csv", "cement plant, clinker-oxide method, December NCV missing"),
          ("market_steel_bof.csv", "long-process steel works (BF-BOF)"),
          ("market_steel_eaf.csv", "electric-arc-furnace steel shop"),
          ("market_aluminium.csv", "aluminium smelter (PFC slope method)"))


def main() -> None:
    for name, title in PLANTS:
        result = account_market(read_monthly(HERE / name))
        f = result.facility_years()[0]
        print(f"{title}: {f.enterprise} / {f.facility}, {f.year}")
        print(f"  direct {f.direct_tco2e:,.1f} tCO2e (combustion {f.combustion_tco2:,.1f}, process {f.process_tco2:,.1f},"
              f" PFC {f.pfc_tco2e:,.1f}); electricity {f.electricity_mwh:,.0f} MWh -> {f.electricity_tco2:,.1f} tCO2")
        print(f"  {f.intensity_tco2e_per_t:.4f} tCO2e per t of {f.product}; process by source: "
              + ", ".join(f"{k} {v:,.1f}" for k, v in f.process_by_source.items()))
        for flag in f.flags:
            print(f"  data quality: month {flag.month} {flag.parameter} {flag.item}: {flag.problem}, {flag.handling}")


if __name__ == "__main__":
    main()
