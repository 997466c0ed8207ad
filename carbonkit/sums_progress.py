"""Progress toward a target profile from partial sums of partitions (:mod:`carbonkit.sums`), equal to
:func:`carbonkit.progress` on the enterprise results, for the balanced panel and for every enterprise.

Each partition gives ``progress_partial(results, profile, year)``; the driver combines them with
:func:`carbonkit.sums.combine` and calls :func:`progress_sums`. The intensity of year t is
I_t = Σ E_e,t / Σ VA_comp,e,t over the enterprise-years of the selection with value added (VA at
comparable prices of the profile's base year), the same sums as the enterprise-level function.

The balanced panel of the base year B and the year t (:mod:`carbonkit.panels`) holds the enterprises with
value added in both. Partitions share no enterprise, so each decides its own enterprises' membership and
the panel's sums add over partitions like the others. Without a ``year`` the year compared (the latest of
all partitions) is known only once they are combined, so a partition gives the panel sums for each year it
could be: the table ``panels`` holds, per ``panel_year`` t, the sums by year B..t of the panel of B and t.
The table ``releases`` counts the results per release and year, for the notes on grid-factor years.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from carbonkit.accounting import AccountingResult
from carbonkit.deflators import Deflators

from carbonkit.aggregation import Prepared, group_sums, prepare, results_frame, select
from carbonkit.deflators import basis_notes
from carbonkit.designations import count_line
from carbonkit.errors import InvalidInput, Problem
from carbonkit.panels import balanced_panel, check_panel, coverage_of, factor_year_notes, panel_note
from carbonkit.sums import PartialSums
from carbonkit.targets import (Progress, _attach_unbalanced, _check_value_added, _two_year_totals, checked_year,
                               indicator_lines, yearly_table)
from carbonkit.target_profiles import TargetProfile, load_profile

MISSING_SHOWN = 100  # enterprises listed per year in the coverage (as carbonkit.progress)
PANELS_TABLE, RELEASES_TABLE = "panels", "releases"


def progress_partial(results: AccountingResult | pd.DataFrame, profile: TargetProfile | str | Path, year: int | None = None,
                     *, region: str | None = None, park: str | list[str] | None = None,
                     deflators: Deflators | str | None = None, override: bool = False) -> PartialSums:
    """The partial sums of one partition for :func:`progress_sums`.

    Both panels are summed whatever panel is asked later, since each headline line carries the other
    panel's levels.

    Parameters
    ----------
    results : AccountingResult or pandas.DataFrame
        The partition's enterprise results; only annual periods (``2024``) are read.
    profile : TargetProfile, str or Path
        The target profile (its base year B and region).
    year : int, optional
        The year compared; default: each year the partition has (the panels of B and every year).
    region, park : optional
        Selection (default: the profile's region).
    deflators : Deflators or str, optional
        Price indices for value added at comparable prices of B.
    override : bool
        Deflators replace the enterprises' own price indices.

    Returns
    -------
    PartialSums
        Level and intensity sums [tce, tCO2, m3, 10^4 CNY] by year, and the tables ``panels`` and ``releases``.
    """
    profile = load_profile(profile)
    base = profile.base_year
    if region is None and not park:
        region = None if profile.region == "CN" else profile.region
    frame, periods = _annual(results, base, year)
    frame = select(frame, region, park)
    prepared = prepare(frame, deflators, base, override)
    panel_years = [year] if year is not None else [int(p) for p in periods]
    cells = group_sums(prepared, ()) if len(frame) else pd.DataFrame(columns=["period"])
    tables: dict[str, tuple[tuple[str, ...], pd.DataFrame]] = {
        PANELS_TABLE: (("panel_year",), _panel_cells(prepared, base, panel_years)),
              RELEASES_TABLE: (("release",), _release_counts(frame))}
    sums = PartialSums((), (), cells, pd.DataFrame(), pd.DataFrame(), periods, base, prepared.deflators,
                       prepared.deflator_rows, [], {"region": region, "park": park, "industry": None},
                       tables=tables)
    return _by_presence(sums, frame)


def _annual(results: AccountingResult | pd.DataFrame, base: int, year: int | None) -> tuple[pd.DataFrame, list[str]]:
    """The annual results of the years read and those years: B to ``year`` (from B when no year is asked)."""
    frame = results_frame(results)
    frame = frame[frame["period"].str.len() == 4]
    if year is not None:
        periods = [str(y) for y in range(min(base, year), max(base, year) + 1)]
    else:
        periods = sorted(p for p in frame["period"].unique() if int(p) >= base)
    return frame[frame["period"].isin(periods)], periods


def _panel_cells(prepared: Prepared, base: int, years: list[int]) -> pd.DataFrame:
    """The sums by year of the balanced panel of ``base`` and t, for each t of ``years``.

    Parameters
    ----------
    prepared : Prepared
        The partition's results of the years read, with comparable value added.
    base : int
        The base year B.
    years : list of int
        The years t that may be compared.

    Returns
    -------
    pandas.DataFrame
        ``panel_year`` (t as text), ``period`` (B..t) and the sums of :func:`carbonkit.aggregation.group_sums`.
    """
    year = prepared.frame["year"].to_numpy()
    frames = []
    for t in years:
        rows = (year >= min(base, t)) & (year <= max(base, t))
        within = prepared if rows.all() else Prepared(prepared.frame[rows], prepared.deflators,
                                                      prepared.deflator_rows)
        panel = balanced_panel(within, (base, t))
        if len(panel.frame):
            frames.append(group_sums(panel, ()).assign(panel_year=str(t)))
    if not frames:
        return pd.DataFrame(columns=["panel_year", "period"])
    cells = pd.concat(frames, ignore_index=True)
    return cells[["panel_year", *(c for c in cells.columns if c != "panel_year")]]


def _release_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """The results per release and period (what :func:`carbonkit.panels.factor_year_notes` reads)."""
    if "release" not in frame.columns or frame.empty:
        return pd.DataFrame({"release": pd.Series(dtype=object), "period": pd.Series(dtype=object),
                             "n_results": pd.Series(dtype=int)})
    counts = frame.groupby(["release", "period"], dropna=False, observed=True).size()
    return counts.rename("n_results").reset_index().astype({"release": object, "period": object})


def _by_presence(sums: PartialSums, frame: pd.DataFrame) -> PartialSums:
    """The register of progress: the enterprises with an annual result in the selection (the first
    ``MISSING_SHOWN`` by id are enough to list the missing ones of each year)."""
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
    """Every enterprise's yearly sums from B to ``year`` (default: the latest year), the years checked."""
    cells = sums.cells
    year = checked_year(sorted(int(p) for p in cells["period"].unique()) if len(cells) else [], base, year)
    return yearly_table(cells[cells["period"].astype(int).between(base, year)].reset_index(drop=True)), year


def _panel_sums(sums: PartialSums, base: int, year: int) -> pd.DataFrame:
    """The yearly sums of the balanced panel of B and ``year`` (no rows if the panel is empty)."""
    cells = sums.tables[PANELS_TABLE][1]
    cells = cells[cells["panel_year"] == str(year)].drop(columns="panel_year")
    cells = cells[cells["period"].astype(int).between(base, year)].reset_index(drop=True)
    return yearly_table(cells) if len(cells) else pd.DataFrame({"year": pd.Series(dtype=int)})


def _year_row(table: pd.DataFrame, year: int) -> tuple[int, float, float]:
    """Enterprises with value added in ``year`` [1], their comparable value added [10^4 CNY] and energy [tce]."""
    row = table[table["year"] == year]
    if not len(row):
        return 0, 0.0, 0.0
    return (int(row["n_value_added"].to_numpy()[0]), float(row["vac"].to_numpy()[0]),
            float(row["iv_energy_equivalent_tce"].to_numpy()[0]))


def _attach_other(profile: TargetProfile, lines: list[dict[str, Any]], tables: dict[str, pd.DataFrame], panel: str, base: int,
                  year: int) -> None:
    """Put the other panel's levels beside each headline line, as :func:`carbonkit.progress` does."""
    other = "all" if panel == "balanced" else "balanced"
    table = tables[other]
    if len(table) and {base, year} <= set(table["year"]):
        _attach_unbalanced(lines, indicator_lines(profile, table, year)[0], other)


def _coverage(sums: PartialSums, everyone: pd.DataFrame, base: int, year: int) -> dict[str, dict[str, Any]]:
    """Enterprises expected, reporting, with value added and missing in B and ``year``."""
    coverage = {}
    for y in dict.fromkeys((base, year)):
        row = everyone[everyone["year"] == y]
        n_rep = int(row["n_reporting"].to_numpy()[0]) if len(row) else 0
        missing = sorted(sums.missing.loc[sums.missing["period"] == str(y), "enterprise"].tolist())
        coverage[str(y)] = {"n_expected": sums.n_enterprises, "n_reporting": n_rep,
                            "n_value_added": int(row["n_value_added"].to_numpy()[0]) if len(row) else 0,
                            "n_missing": sums.n_enterprises - n_rep, "missing": missing[:MISSING_SHOWN]}
    return coverage


def _releases(sums: PartialSums, base: int, year: int) -> pd.DataFrame:
    """Release and year of the results of B to ``year`` (one row per release and year)."""
    counts = sums.tables[RELEASES_TABLE][1]
    counts = counts[counts["period"].astype(int).between(base, year)]
    return pd.DataFrame({"year": counts["period"].astype(int).to_numpy(), "release": counts["release"].to_numpy()})


def _check_sums(sums: PartialSums) -> None:
    """Refuse sums by groups or made without :func:`progress_partial` (``sums_incompatible``)."""
    if sums.keys or PANELS_TABLE not in sums.tables or RELEASES_TABLE not in sums.tables:
        raise InvalidInput(Problem("sums_incompatible", "progress needs partial sums of the whole selection "
                                   "(progress_partial)", field="by"))


def progress_sums(sums: PartialSums, profile: TargetProfile | str | Path, year: int | None = None, *,
                  counts: dict[str, int] | None = None, panel: str = "balanced") -> Progress:
    """:func:`carbonkit.progress` (no designations) from combined :func:`progress_partial`.

    Parameters
    ----------
    sums : PartialSums
        :func:`carbonkit.sums.combine` of the partitions' :func:`progress_partial`.
    profile : TargetProfile, str or Path
        The target profile the partial sums were made for.
    year : int, optional
        The year compared (default: the latest year of the sums).
    counts : dict, optional
        Counts for the ``count`` targets.
    panel : {"balanced", "all"}
        The headline: the enterprises with value added in both B and ``year`` (default), or every
        enterprise; each line carries the other's levels (``other_panel``).

    Returns
    -------
    Progress
        The same lines, series, coverage, panel coverage and notes as :func:`carbonkit.progress`.
    """
    check_panel(panel)
    profile = load_profile(profile)
    _check_sums(sums)
    base = profile.base_year
    everyone, year = _year_sums(sums, base, year)
    tables = {"all": everyone, "balanced": _panel_sums(sums, base, year)}
    headline = tables[panel]
    _check_value_added(headline, (base, year), panel)
    indicators, series = indicator_lines(profile, headline, year)
    _attach_other(profile, indicators, tables, panel, base, year)
    region, park = sums.selection.get("region"), sums.selection.get("park")
    count_lines = [count_line(t, counts or {}, None, year, region=region, parks=park)
                   for t in profile.targets if t.form == "count"]
    totals = _two_year_totals(headline, (base, year))
    notes = basis_notes(totals, sums.deflators, sums.deflator_rows) + [c["note"] for c in count_lines if c.get("note")]
    notes += factor_year_notes(_releases(sums, base, year))
    cover = coverage_of(_year_row(headline, year), _year_row(everyone, year), year, panel)
    if panel == "balanced":
        notes.append(panel_note(cover, base, year))
    answer = Progress(profile, year, region, [park] if isinstance(park, str) else park, panel, indicators,
                      count_lines, [series[y] for y in sorted(series)], _coverage(sums, everyone, base, year),
                      totals["price_basis"].iloc[0], sums.deflators, sums.deflator_rows, notes)
    answer.panel_coverage = cover
    return answer
