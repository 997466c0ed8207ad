"""Target profiles (data in ``factors/targets/``) and progress toward them.

A profile gives a region, a plan period (base year B, target year T) and targets:

- ``cumulative_decline`` R of an intensity over the period (Shandong energy: 0.17), or ``annual_decline`` r
  (Shanghai: about 0.01 a year, so R = 1 − (1 − r)^(T−B));
- ``count`` targets (green factories, green parks), compared with counts supplied by the caller.

Progress of an intensity I in year t (n = T − B, k = t − B, m = T − t):

    cumulative change   c = I_t / I_B − 1
    required pace       p = 1 − (1 − R)^(1/n)              (even yearly decline; 17 % -> 3.658 % a year)
    achieved pace       a = 1 − (I_t / I_B)^(1/k)
    path value          I_B · (1 − p)^k = I_B · (1 − R)^(k/n);  on track when I_t ≤ path value
    needed per year     1 − (I_B (1 − R) / I_t)^(1/m)      (the even decline still needed each remaining year)
    projected final     I_t · (1 − a)^m                     (at the pace achieved so far)

I = Σ E / Σ VA over the enterprise-periods of the region with positive value added, VA at comparable prices
(see :mod:`carbonkit.aggregation`). Energy intensity is also shown with the profile's exclusions, applied
cumulatively in their order: raw-material energy deducted from the numerator in every year (rule
``deduct``), then new renewables: the increase of renewable electricity over the base year deducted
(rule ``deduct_increase_over_base``), as energy_carbon_factors.md §5 defines them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from carbonkit.accounting import AccountingResult
from carbonkit.aggregation import Prepared, add_intensities, group_sums, prepare, results_frame, select
from carbonkit.deflators import Deflators, basis_notes
from carbonkit.catalog import target_indicators
from carbonkit.designations import count_line, place
from carbonkit.errors import InvalidInput, Problem
from carbonkit.panels import balanced_panel, check_panel, factor_year_notes, panel_coverage, panel_note
from carbonkit.target_forms import INDICATOR_DEFS, Series, evaluate
from carbonkit.target_profiles import (EXCLUSION_RULES, Exclusion, TargetProfile, load_profile,
                                      main_province, profile_for)

# indicator -> (numerator summary column, unit), from the catalog (field target); the denominators as in
# carbonkit.target_forms.INDICATOR_DEFS, which agrees with carbonkit.catalog.target_indicators()
INDICATORS: dict[str, tuple[str, str]] = {name: (num, unit) for name, (num, _, unit) in target_indicators().items()}
# exclusion column -> summary column; exclusions apply to indicators whose numerator is energy (equivalent value)
# the numbers of a progress line; a form without one of them leaves it None
LINE_KEYS = ("base_value", "value", "cumulative_change", "target_decline", "target_value", "required_annual_pace",
             "achieved_annual_pace", "path_value", "remaining_years", "on_track", "needed_annual_pace",
             "projected_final_value", "projected_cumulative_change", "met")
EXCLUSION_COLUMNS = {"feedstock": "feedstock_equivalent_tce",
                     "renewable_electricity": "renewable_electricity_equivalent_tce"}


# ----------------------------------------------------------------------------- pace arithmetic

def required_pace(decline: float, years: int) -> float:
    """Even yearly decline that reaches a cumulative ``decline`` in ``years``: 1 − (1 − R)^(1/n).

    Parameters
    ----------
    decline : float
        Cumulative decline R over the period [-].
    years : int
        Length of the period n [a].

    Returns
    -------
    float
        The yearly decline p [-/a].
    """
    pace: float = 1 - (1 - decline) ** (1 / years)
    return pace


def path_value(base_value: float, decline: float, k: int, n: int) -> float:
    """The intensity on the even-pace path ``k`` years after the base year: I_B × (1 − R)^(k/n).

    Parameters
    ----------
    base_value : float
        I_B [indicator's unit, e.g. tce/10^4 CNY].
    decline : float
        Cumulative decline R over the period [-].
    k, n : int
        Years since the base year and length of the period [a].

    Returns
    -------
    float
        The path value [indicator's unit].
    """
    value: float = base_value * (1 - decline) ** (k / n)
    return value


def achieved_pace(ratio: float, years: int) -> float:
    """Even yearly decline that gives ``ratio`` = I_t / I_B after ``years``: 1 − ratio^(1/k).

    Parameters
    ----------
    ratio : float
        I_t / I_B [-].
    years : int
        Years since the base year k [a], k > 0.

    Returns
    -------
    float
        The yearly decline achieved [-/a] (negative: a rise).
    """
    pace: float = 1 - ratio ** (1 / years)
    return pace


def intensity_progress(base_value: float, value: float, base_year: int, year: int, target_year: int,
                       decline: float) -> dict[str, Any]:
    """Every progress number of one intensity series (formulas in the module docstring).

    Parameters
    ----------
    base_value, value : float
        I_B and I_t [indicator's unit, e.g. tce/10^4 CNY], both positive.
    base_year, year, target_year : int
        B, t and T [a].
    decline : float
        Cumulative decline R targeted over the period [-].

    Returns
    -------
    dict
        The line's numbers: levels [indicator's unit], changes and paces [-], remaining years [a], on_track and met.
    """
    n, k, m = target_year - base_year, year - base_year, target_year - year
    ratio = value / base_value
    required = required_pace(decline, n)
    target_value = base_value * (1 - decline)
    achieved = achieved_pace(ratio, k) if k > 0 else None
    on_path = path_value(base_value, decline, k, n) if k >= 0 else None
    out: dict[str, Any] = {"base_value": base_value, "value": value, "cumulative_change": ratio - 1, "target_decline": decline,
           "target_value": target_value, "required_annual_pace": required, "achieved_annual_pace": achieved,
           "path_value": on_path, "remaining_years": m}
    if on_path is None or k <= 0:  # k > 0 gives a path value
        out["on_track"] = None
    else:
        out["on_track"] = bool(value <= on_path * (1 + 1e-12))
    if m > 0:
        out["needed_annual_pace"] = 1 - (target_value / value) ** (1 / m)
        projected = value * (1 - achieved) ** m if achieved is not None else None
    else:
        out["needed_annual_pace"] = None
        projected = value if m == 0 else None
    out["projected_final_value"] = projected
    out["projected_cumulative_change"] = None if projected is None else projected / base_value - 1
    out["met"] = bool(value <= target_value * (1 + 1e-12)) if m <= 0 else None
    return out


# ----------------------------------------------------------------------------- progress of a region

@dataclass
class Progress:
    """Progress of a region (or park) in one year toward a profile, with what the numbers rest on."""

    profile: TargetProfile
    year: int
    region: str | None
    park: list[str] | None
    panel: str
    indicators: list[dict[str, Any]]
    counts: list[dict[str, Any]]
    series: list[dict[str, Any]]
    coverage: dict[str, Any]
    price_basis: str | None
    deflators: str | None = None
    deflator_rows: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    panel_coverage: dict[str, Any] = field(default_factory=dict)

    @property
    def unverified(self) -> list[str]:
        """What the answer rests on that is not verified.

        Returns
        -------
        list of str
            The targets, exclusions and deflator rows used that are marked unverified.
        """
        out = [f"target {t.id}" for t in self.profile.targets if t.status == "unverified"]
        out += [f"exclusion {e.id}" for e in self.profile.exclusions if e.status == "unverified"]
        return out + [f"deflator {i}" for i, s in sorted(self.deflator_rows.items()) if s == "unverified"]

    def frame(self) -> pd.DataFrame:
        """The indicator lines as a frame.

        Returns
        -------
        DataFrame
            One row per indicator line.
        """
        return pd.DataFrame(self.indicators)

    def to_dict(self) -> dict[str, Any]:
        """The answer as plain data.

        Returns
        -------
        dict
            The answer as plain data (the profile's public fields, lines, counts, series, coverage, notes).
        """
        return {"profile": self.profile.public(), "year": self.year, "region": self.region, "park": self.park,
                "panel": self.panel, "panel_coverage": self.panel_coverage, "price_basis": self.price_basis, "deflators": self.deflators,
                "coverage": self.coverage, "indicators": self.indicators, "counts": self.counts,
                "series": self.series, "unverified": self.unverified, "notes": self.notes}


def _variants(profile: TargetProfile, indicator: str) -> list[tuple[str, list[Exclusion]]]:
    applied = [e for e in profile.exclusions if indicator in e.applies_to]
    out: list[tuple[str, list[Exclusion]]] = [("total", [])]
    for i in range(len(applied)):
        out.append(("excl_" + "_".join(e.id for e in applied[: i + 1]), applied[: i + 1]))
    return out


def _numerator(sums: pd.DataFrame, column: str, exclusions: list[Exclusion], base_row: int) -> np.ndarray:
    """Numerator per year with the exclusions applied in order, each by its registered rule (EXCLUSION_RULES)."""
    value = sums[f"iv_{column}"].to_numpy(dtype=float).copy()
    for exc in exclusions:
        x = sums[f"iv_{EXCLUSION_COLUMNS[exc.column]}"].to_numpy(dtype=float)
        value -= EXCLUSION_RULES[exc.rule](x, base_row)
    return value


def indicator_values(sums: pd.DataFrame, indicator: str, exclusions: list[Exclusion], base_row: int) -> np.ndarray:
    """The indicator per year of ``sums``: numerator / denominator (INDICATOR_DEFS), or the total [its unit].

    Parameters
    ----------
    sums : DataFrame
        Yearly sums (:func:`yearly_sums`).
    indicator : str
        A key of :data:`carbonkit.target_forms.INDICATOR_DEFS`.
    exclusions : list of Exclusion
        Applied in order to the numerator (:data:`EXCLUSION_RULES`).
    base_row : int
        The row of the base year in ``sums``.

    Returns
    -------
    ndarray of float
        The indicator per year in its unit of :data:`~carbonkit.target_forms.INDICATOR_DEFS` ([tce/10^4 CNY],
        [m3/10^4 CNY], [tCO2/10^4 CNY], [tCO2/tce], or a total [tCO2], [tce]); NaN where the denominator is not
        positive.
    """
    column, denominator, _ = INDICATOR_DEFS[indicator]
    if denominator is None:  # a total: every reporting enterprise's level, value added or not
        return sums[column].to_numpy(dtype=float)
    num = _numerator(sums, column, exclusions, base_row)
    den = sums[denominator].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def yearly_sums(prepared: Prepared) -> pd.DataFrame:
    """One row per year of ``prepared`` (sums and intensities), sorted by year.

    Parameters
    ----------
    prepared : Prepared
        Enterprise-years prepared by :func:`carbonkit.aggregation.prepare`.

    Returns
    -------
    DataFrame
        Sums [tce, tCO2, m3, 10^4 CNY ...] and intensities per year, with an integer ``year``.
    """
    return yearly_table(group_sums(prepared, ()))


def yearly_table(cells: pd.DataFrame) -> pd.DataFrame:
    """The yearly sums of :func:`yearly_sums` from group sums without keys (one row per annual period).

    Parameters
    ----------
    cells : pandas.DataFrame
        :func:`carbonkit.aggregation.group_sums` with ``keys=()``, or such sums added over partitions.

    Returns
    -------
    pandas.DataFrame
        The sums with their intensities and an integer ``year``, sorted by year.
    """
    sums = add_intensities(cells)
    sums["year"] = sums["period"].astype(int)
    return sums.sort_values("year").reset_index(drop=True)


def indicator_lines(profile: TargetProfile, sums: pd.DataFrame,
                    year: int) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """Every intensity or total target and variant evaluated by its form; the series per year.

    Parameters
    ----------
    profile : TargetProfile
        The targets and exclusions.
    sums : DataFrame
        Yearly sums (:func:`yearly_sums`) from the base year to ``year``.
    year : int
        The year compared [a].

    Returns
    -------
    (list of dict, dict)
        One line per target and variant (levels in the indicator's unit, changes and paces [-]), and the series:
        per year, each target's and variant's value [indicator's unit].
    """
    base = profile.base_year
    years = sums["year"].to_numpy()
    base_row = int(np.flatnonzero(years == base)[0])
    lines: list[dict[str, Any]] = []
    series: dict[int, dict[str, Any]] = {int(y): {"year": int(y)} for y in years}
    for target in (t for t in profile.targets if t.form != "count"):
        unit = INDICATOR_DEFS[target.indicator][2]
        for variant, exclusions in _variants(profile, target.indicator):
            values = indicator_values(sums, target.indicator, exclusions, base_row)
            for y, v in zip(years, values):
                series[int(y)][f"{target.id}.{variant}"] = float(v) if np.isfinite(v) else None
            line = evaluate(target.form, Series(years, values, base, year, profile.target_year, target.value,
                                                target.year))
            line.setdefault("target_decline", profile.cumulative_decline(target))
            for key in LINE_KEYS:  # every line has every key (None where the form has no such number)
                line.setdefault(key, None)
            lines.append({"target": target.id, "indicator": target.indicator, "label": target.label,
                          "form": target.form, "target_value_as_given": target.value, "variant": variant,
                          "exclusions": [e.id for e in exclusions], "unit": unit,
                          "status": _weakest([target.status, *(e.status for e in exclusions)]), **line})
    return lines, series


def _selection(data: AccountingResult | pd.DataFrame, profile: TargetProfile | None, year: int | None,
               region: str | None,
               park: str | list[str] | None) -> tuple[pd.DataFrame, TargetProfile, str | None, int]:
    """Stage 1: the annual results of the selection, the profile, the region and the year (checked)."""
    wanted = None
    if year is not None and profile is not None:  # only the years compared and those between are read
        wanted = [str(y) for y in range(min(profile.base_year, year), max(profile.base_year, year) + 1)]
    frame = results_frame(data, wanted)
    frame = frame[frame["period"].str.len() == 4]  # annual reports; months are not summed into years
    if profile is None:
        province = region or main_province(frame["region"])
        if not province:
            raise InvalidInput(Problem("profile_missing", "give a target profile or a region", field="profile"))
        latest = year if year is not None else (int(frame["period"].max()) if len(frame) else None)
        profile = profile_for(province, latest)
    if region is None and not park:
        region = None if profile.region == "CN" else profile.region
    frame = select(frame, region, park)
    base = profile.base_year
    year = checked_year(sorted(int(y) for y in frame["year"].unique()), base, year)
    return frame[(frame["year"] >= base) & (frame["year"] <= year)], profile, region, year


def checked_year(years_seen: list[int], base: int, year: int | None) -> int:
    """The year compared with the base year ``base`` (default: the latest of ``years_seen``), refused with every
    problem when it or the base year has no annual results, or when it lies before the base year.

    Parameters
    ----------
    years_seen : list of int
        The years with annual results, sorted [a].
    base : int
        The base year [a].
    year : int, optional
        The year asked [a].

    Returns
    -------
    int
        The year compared [a].

    Raises
    ------
    InvalidInput
        Every missing year, and a year before the base year.
    """
    year = year if year is not None else (years_seen[-1] if years_seen else None)
    problems = [Problem("year_missing", f"no annual results for {y} in the selection", field="year", period=str(y),
                        expected="annual reports ('YYYY') of the base year and the year asked")
                for y in dict.fromkeys((base, year)) if y is None or y not in years_seen]
    if year is not None and year < base:
        problems.append(Problem("year_invalid", f"year {year} is before the base year {base}", field="year"))
    if problems or year is None:  # no year seen: the base year's problem says so
        raise InvalidInput(problems)
    return year


def _check_value_added(sums: pd.DataFrame, years: tuple[int, ...], panel: str) -> None:
    for y in dict.fromkeys(years):
        row = np.flatnonzero(sums["year"].to_numpy() == y)
        if len(row) == 0 or sums["vac"].iat[row[0]] <= 0:  # type: ignore[operator,arg-type]
            who = "enterprise of the balanced panel (value added in both years)" if panel == "balanced" else \
                "enterprise of the selection"
            raise InvalidInput(Problem("value_added_missing", f"no {who} has a positive value added in {y}: no "
                                       "intensity", field="value_added_10k_cny", period=str(y),
                                       expected="value added of the same enterprises in both years, or panel=all"))


def _coverage(prepared: Prepared, register_ids: pd.Index, years: tuple[int, ...]) -> dict[str, Any]:
    coverage = {}
    f = prepared.frame
    year = f["year"].to_numpy()
    for y in dict.fromkeys(years):
        mask = year == y
        reporting = pd.unique(f["enterprise"].to_numpy(dtype=object)[mask])
        missing = register_ids.difference(pd.Index(reporting, dtype=object))
        coverage[str(y)] = {"n_expected": len(register_ids), "n_reporting": len(reporting),
                            "n_value_added": int(f["has_va"].to_numpy()[mask].sum()), "n_missing": len(missing),
                            "missing": sorted(missing.tolist())[:100]}
    return coverage


def _two_year_totals(sums: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """The sums of the base year and the year asked together (for the price-basis notes), from the yearly sums."""
    two = sums[sums["year"].isin(years)].select_dtypes("number").drop(columns=["year"])
    return add_intensities(two.sum(min_count=1).to_frame().T.reset_index(drop=True))


def _attach_unbalanced(lines: list[dict[str, Any]], others: list[dict[str, Any]], label: str) -> None:
    """Put the other panel's levels beside each headline line, labelled."""
    by_key = {(o["target"], o["variant"]): o for o in others}
    for line in lines:
        o = by_key.get((line["target"], line["variant"]), {})
        line["other_panel"] = {"panel": label, "base_value": o.get("base_value"), "value": o.get("value"),
                               "cumulative_change": o.get("cumulative_change"),
                               "on_track": o.get("on_track"), "met": o.get("met")}


def progress(data: AccountingResult | pd.DataFrame, profile: TargetProfile | str | Path | None = None,
             year: int | None = None, *,
             region: str | None = None, park: str | list[str] | None = None, register: pd.DataFrame | None = None,
             counts: dict[str, int] | None = None, deflators: Deflators | str | None = None, override: bool = False,
             panel: Literal["balanced", "all"] = "balanced", designations: pd.DataFrame | None = None) -> Progress:
    """Progress in ``year`` (default: the latest year of the data) toward ``profile``.

    ``region`` (code prefix) defaults to the profile's region unless ``park`` is given; the profile defaults
    to the shipped one of the region. ``counts`` gives counts for the ``count`` targets (green factories,
    green parks ...); a count target naming a ``designation`` kind is otherwise counted from ``designations``
    (:func:`carbonkit.designations.read_designations`) in the selection's scope; an explicit count wins, and
    each line says its ``source``; a count neither given nor counted is reported as not available.
    ``panel="balanced"`` (the default) keeps only enterprises with value added in both the base year and
    ``year`` (:mod:`carbonkit.panels`); each line also carries the other panel's levels (``other_panel``) and
    ``panel_coverage`` says how much of ``year`` the headline covers. ``panel="all"``: every enterprise.

    Parameters
    ----------
    data : AccountingResult or DataFrame
        Enterprise results (energy [tce], CO2 [tCO2], water [m3], value added [10^4 CNY] ...).
    profile : TargetProfile, str or Path, optional
        The targets; the shipped profile of the region by default.
    year : int, optional
        The year compared [a].
    region, park : optional
        The selection: a code prefix, or a park id (or ids).
    register : DataFrame, optional
        The enterprises expected to report.
    counts : dict, optional
        Counts for count targets, by indicator or target id.
    deflators : Deflators or str, optional
        Price indices for value added at comparable prices.
    override : bool
        Deflate even where an enterprise reported comparable value added.
    panel : {"balanced", "all"}
        The enterprises compared.
    designations : DataFrame, optional
        Designations to count for count targets naming a kind.

    Returns
    -------
    Progress
    """
    check_panel(panel)
    frame, chosen, region, year = _selection(data, None if profile is None else load_profile(profile), year,
                                             region, park)
    base = chosen.base_year
    everyone = prepare(frame, deflators, base, override)
    prepared = _panel(everyone, panel, (base, year))
    sums = yearly_sums(prepared)
    _check_value_added(sums, (base, year), panel)
    indicators, series = indicator_lines(chosen, sums, year)
    _attach_other_panel(indicators, chosen, everyone, prepared, panel, (base, year))
    placed = _placed(designations, register, frame)
    count_lines = [count_line(t, counts or {}, placed, year, region=region, parks=park)
                   for t in chosen.targets if t.form == "count"]
    totals = _two_year_totals(sums, (base, year))
    cover = panel_coverage(prepared, everyone, year, panel)
    notes = basis_notes(totals, prepared.deflators, prepared.deflator_rows) + [c["note"] for c in count_lines
                                                                                 if c.get("note")]
    notes += factor_year_notes(frame)
    if panel == "balanced":
        notes.append(panel_note(cover, base, year))
    answer = Progress(chosen, year, region, [park] if isinstance(park, str) else park, panel, indicators,
                      count_lines, [series[y] for y in sorted(series)],
                      _coverage(everyone, _register_ids(register, frame), (base, year)),
                      totals["price_basis"].iloc[0], prepared.deflators, prepared.deflator_rows, notes)
    answer.panel_coverage = cover
    return answer


def _panel(everyone: Prepared, panel: str, years: tuple[int, int]) -> Prepared:
    """The enterprises of ``panel``: those with value added in both ``years`` (balanced), or everyone (all)."""
    return balanced_panel(everyone, years) if panel == "balanced" else everyone


def _attach_other_panel(lines: list[dict[str, Any]], profile: TargetProfile, everyone: Prepared, prepared: Prepared,
                        panel: str, years: tuple[int, int]) -> None:
    """Put the other panel's levels beside each headline line (``other_panel``), where it has both years."""
    other = "all" if panel == "balanced" else "balanced"
    other_prepared = _panel(everyone, other, years)
    if other_prepared is prepared:  # the panel is every enterprise: the other figure is the same
        _attach_unbalanced(lines, lines, other)
        return
    other_sums = yearly_sums(other_prepared)
    if len(other_sums) and set(years) <= set(other_sums["year"]):
        _attach_unbalanced(lines, indicator_lines(profile, other_sums, years[1])[0], other)


def _placed(designations: pd.DataFrame | None, register: pd.DataFrame | None,
            frame: pd.DataFrame) -> pd.DataFrame | None:
    """The designations with their enterprises' region and park: from the register, else from their results."""
    if designations is None:
        return None
    known = [f[["enterprise", "region", "park"]] for f in (register, frame)
             if f is not None and {"enterprise", "region", "park"} <= set(f.columns)]
    return place(designations, pd.concat(known) if known else None)


def _register_ids(register: pd.DataFrame | None, frame: pd.DataFrame) -> pd.Index:
    """The enterprises expected to report: the register's, else those in the results."""
    ids = (register["enterprise"] if register is not None else frame["enterprise"]).astype(str)
    index: pd.Index = pd.Index(pd.unique(ids.to_numpy(dtype=object)), dtype=object)
    return index


_ORDER = ("unverified", "unconfirmed", "corroborated", "verified")


def _weakest(statuses: list[str]) -> str:
    return min(statuses, key=_ORDER.index)
