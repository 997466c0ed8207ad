"""Progress toward a target profile from partial sums of partitions (:mod:`carbonkit.sums`), equal to
:func:`carbonkit.progress` on the enterprise results.

Each partition gives ``progress_partial(results, profile, year)``; the driver combines them with
:func:`carbonkit.sums.combine` and calls :func:`progress_sums`. The intensity of year t is
I_t = Σ E_e,t / Σ VA_comp,e,t over the enterprise-years of the selection with value added (VA at
comparable prices of the profile's base year), the same sums as the enterprise-level function.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonkit.aggregation import add_intensities, results_frame
from carbonkit.deflators import basis_notes
from carbonkit.designations import count_line
from carbonkit.errors import InvalidInput, Problem
from carbonkit.sums import PartialSums, _totals, partial_sums
from carbonkit.targets import INDICATORS, Progress, _numerator, _variants, _weakest, intensity_progress, load_profile

MISSING_SHOWN = 100  # enterprises listed per year in the coverage (as carbonkit.progress)


def progress_partial(results, profile, year: int | None = None, *, region: str | None = None,
                     park: str | list[str] | None = None, deflators=None, override: bool = False) -> PartialSums:
    """The partial sums of one partition for :func:`progress_sums`: annual results of the selection
    (``region`` defaults to the profile's unless ``park``), the years from the base year to ``year``."""
    profile = load_profile(profile)
    if region is None and not park:
        region = None if profile.region == "CN" else profile.region
    frame = results_frame(results)
    frame = frame[frame["period"].str.len() == 4]
    wanted = None  # the years read: those compared and between (all annual years when no year is asked)
    if year is not None:
        wanted = [str(y) for y in range(min(profile.base_year, year), max(profile.base_year, year) + 1)]
    years = wanted or sorted(p for p in frame["period"].unique() if int(p) >= profile.base_year)
    sums = partial_sums(frame, (), periods=years, deflators=deflators, base_year=profile.base_year,
                        override=override, region=region, park=park)
    return _by_presence(sums, frame if wanted is None else frame[frame["period"].isin(wanted)], region, park)


def _by_presence(sums: PartialSums, frame: pd.DataFrame, region, park) -> PartialSums:
    """The register of progress: the enterprises with an annual result in the selection (the first
    ``MISSING_SHOWN`` by id are enough to list the missing ones of each year)."""
    from carbonkit.aggregation import select

    frame = select(frame, region, park)
    ids = sorted(set(frame["enterprise"].to_numpy(dtype=object)))
    sums.register = pd.DataFrame({"enterprise": pd.Series(ids[:MISSING_SHOWN], dtype=object)})
    rows = []
    for p in sums.periods:
        present = set(frame.loc[frame["period"] == p, "enterprise"].to_numpy(dtype=object))
        rows += [(p, e) for e in [e for e in ids if e not in present][:MISSING_SHOWN]]
    sums.missing = pd.DataFrame(rows, columns=["period", "enterprise"])
    sums.n_enterprises = len(ids)
    return sums


def _year_sums(sums: PartialSums, base: int, year: int | None) -> tuple[pd.DataFrame, int]:
    cells = sums.cells
    years_seen = sorted(int(p) for p in cells["period"].unique()) if len(cells) else []
    year = year if year is not None else (years_seen[-1] if years_seen else None)
    problems = [Problem("year_missing", f"no annual results for {y} in the selection", field="year", period=str(y),
                        expected="annual reports ('YYYY') of the base year and the year asked")
                for y in dict.fromkeys((base, year)) if y is None or y not in years_seen]
    if year is not None and year < base:
        problems.append(Problem("year_invalid", f"year {year} is before the base year {base}", field="year"))
    if problems:
        raise InvalidInput(problems)
    table = cells[cells["period"].astype(int).between(base, year)].copy()
    table = add_intensities(table)
    table["year"] = table["period"].astype(int)
    return table.sort_values("year").reset_index(drop=True), year


def _lines(profile, table: pd.DataFrame, base: int, year: int) -> tuple[list[dict], list[dict]]:
    """The indicator lines and the series per year (as carbonkit.progress)."""
    base_row = int(np.flatnonzero(table["year"].to_numpy() == base)[0])
    year_row = int(np.flatnonzero(table["year"].to_numpy() == year)[0])
    for row, y in ((base_row, base), (year_row, year)):
        if table["vac"].iat[row] <= 0:
            raise InvalidInput(Problem("value_added_missing", f"no enterprise of the selection has a positive value "
                                       f"added in {y}: no intensity", field="value_added_10k_cny", period=str(y)))
    indicators, series = [], {int(y): {"year": int(y)} for y in table["year"]}
    for target in (t for t in profile.targets if t.form != "count"):
        column, unit = INDICATORS[target.indicator]
        for variant, exclusions in _variants(profile, target.indicator):
            intensity = _numerator(table, column, exclusions, base_row) / table["vac"].to_numpy()
            for y, v in zip(table["year"], intensity):
                series[int(y)][f"{target.id}.{variant}"] = float(v)
            b, v = float(intensity[base_row]), float(intensity[year_row])
            decline = profile.cumulative_decline(target)
            if b > 0 and v > 0:
                line = intensity_progress(b, v, base, year, profile.target_year, decline)
            else:
                line = dict.fromkeys(intensity_progress(1.0, 1.0, base, year, profile.target_year, decline))
                line.update(base_value=b, value=v, target_decline=decline,
                            reason=f"no {column} reported in {base if not b > 0 else year}: no progress to compute")
            indicators.append({"target": target.id, "indicator": target.indicator, "label": target.label,
                               "form": target.form, "target_value_as_given": target.value, "variant": variant,
                               "exclusions": [e.id for e in exclusions], "unit": unit,
                               "status": _weakest([target.status, *(e.status for e in exclusions)]), **line})
    return indicators, [series[y] for y in sorted(series)]


def progress_sums(sums: PartialSums, profile, year: int | None = None, *,
                  counts: dict[str, int] | None = None) -> Progress:
    """:func:`carbonkit.progress` (``panel="all"``, no designations) from combined :func:`progress_partial`."""
    profile = load_profile(profile)
    if sums.keys:
        raise InvalidInput(Problem("sums_incompatible", "progress needs partial sums of the whole selection "
                                   "(progress_partial)", field="by"))
    base = profile.base_year
    table, year = _year_sums(sums, base, year)
    indicators, series = _lines(profile, table, base, year)
    region, park = sums.selection.get("region"), sums.selection.get("park")
    count_lines = [count_line(t, counts or {}, None, year, region=region, parks=park)
                   for t in profile.targets if t.form == "count"]
    coverage = {}
    for y in dict.fromkeys((base, year)):
        row = table[table["year"] == y]
        n_rep = int(row["n_reporting"].iat[0]) if len(row) else 0
        missing = sorted(sums.missing.loc[sums.missing["period"] == str(y), "enterprise"].tolist())
        coverage[str(y)] = {"n_expected": sums.n_enterprises, "n_reporting": n_rep,
                            "n_value_added": int(row["n_value_added"].iat[0]) if len(row) else 0,
                            "n_missing": sums.n_enterprises - n_rep, "missing": missing[:MISSING_SHOWN]}
    totals = _totals(sums, [str(base), str(year)])
    notes = basis_notes(totals, sums.deflators, sums.deflator_rows) + [c["note"] for c in count_lines if c.get("note")]
    return Progress(profile, year, region, [park] if isinstance(park, str) else park, "all", indicators, count_lines,
                    series, coverage, totals["price_basis"].iloc[0], sums.deflators, sums.deflator_rows, notes)
