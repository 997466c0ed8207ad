"""Output-per-mu (亩产效益) grading of every enterprise of a region or park in one vectorised pass.

For each indicator k of the scheme: x_k = numerator ÷ denominator (tax per mu [10^4 CNY/mu], revenue or
value added per tce [10^4 CNY/tce], per t of pollutants [10^4 CNY/t], R&D intensity [1], labour productivity
[10^4 CNY/person] ...), points_k = weight_k × x_k ÷ benchmark_k and score = Σ_k points_k. Enterprises are
ranked within each period (and within ``group_by``: park, region or industry, if given) by score, best
first; equal scores (to 1e-9 points) share the better rank. place = rank ÷ number graded, and the class is the first whose
``up_to`` the place does not exceed (A = top 25 % ...). The indicator that most holds an enterprise back is
the one with the largest shortfall weight_k − points_k (the points it misses against the benchmark; on a
tie, the first in the scheme's order).

An indicator that cannot be formed (land area, employees, tax ... not reported, or a zero denominator)
leaves the enterprise ungraded with the reason, unless the scheme gives it the mean points of the others
(``if_missing = "mean_score"``: the mean points of the enterprises of the same period and group that have
the indicator). Nothing is counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.accounting import AccountingOptions, AccountingResult, account
from carbonkit.benefit.profile import BenefitInput, Profiles
from carbonkit.benefit.quantities import quantity_frame, ratio
from carbonkit.benefit.scheme import GradingScheme, load_scheme
from carbonkit.benefit.screen import KEYS, _plain_records
from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors import Release

GROUP_BY = ("park", "region", "industry")
PLACE_TOLERANCE = 1e-12  # rank ÷ n equal to a cut-off up to float rounding is inside it
SCORE_DECIMALS = 9  # scores are compared for ranking to 1e-9 points


@dataclass
class GradeResult:
    """One row per enterprise-period: score, rank, class, the indicator holding it back, and per indicator
    ``<id>_value``, ``<id>_points`` and ``<id>_imputed``."""

    grades: pd.DataFrame
    scheme: GradingScheme
    release: str | None = None
    group_by: str | None = None
    unverified: list[str] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Rows as plain JSON values with the indicators nested."""
        ids = [i.id for i in self.scheme.indicator]
        out = []
        for rec in _plain_records(self.grades):
            indicators = {k: {"value": rec.pop(f"{k}_value"), "points": rec.pop(f"{k}_points"),
                              "imputed": bool(rec.pop(f"{k}_imputed")), "missing": rec.pop(f"{k}_missing")}
                          for k in ids}
            out.append({**rec, "indicators": indicators})
        return out

    def to_dict(self) -> dict[str, Any]:
        """The grades as plain JSON values, with the scheme."""
        s = self.scheme
        return {"scheme": {"id": s.id, "title": s.title, "example": s.example, "region": s.region,
                           "source": s.source, "indicators": [i.model_dump() for i in s.indicator],
                           "grades": [g.model_dump() for g in s.grade]},
                "release": self.release, "group_by": self.group_by, "unverified": self.unverified,
                "results": self.records()}


def grade(data: Any, scheme: GradingScheme | str | None = None, profiles: Profiles | None = None, *,
          region: str | None = None, park: str | None = None, group_by: str | None = None,
          release: Release | str | None = None, options: AccountingOptions | dict[str, Any] | None = None) -> GradeResult:
    """Account ``data`` (or take an :class:`AccountingResult`) and grade the enterprises of a region or park.

    ``region`` keeps the enterprises whose administrative code starts with it; ``park`` those of one park.

    Parameters
    ----------
    data : documents, DataFrame, path, BenefitInput or AccountingResult
        The activity data (or results).
    scheme : GradingScheme or str, optional
        The grading scheme (the shipped default if None).
    profiles : Profiles, optional
        Land [mu], tax [10^4 CNY], employees, pollutants [t] ... per enterprise and period.
    region, park : str, optional
        The selection.
    group_by : str, optional
        ``park``, ``region`` or ``industry``: rank within these too.
    release : Release or str, optional
        The factor release.
    options : AccountingOptions or dict, optional
        The accounting options.

    Returns
    -------
    GradeResult
    """
    if isinstance(data, BenefitInput):
        profiles = {**data.profiles, **(profiles or {})}
        data = data.frame
    result = data if isinstance(data, AccountingResult) else account(data, release=release, options=options)
    summary = result.summary
    if region:
        summary = summary[summary["region"].fillna("").astype(str).str.startswith(str(region))]
    if park:
        summary = summary[summary["park"] == park]
    out = grade_summary(summary, load_scheme(scheme), profiles, group_by=group_by)
    out.release = result.release
    return out


def _group_ids(summary: pd.DataFrame, group_by: str | None) -> np.ndarray:
    keys = ["period"] + ([group_by] if group_by else [])
    if group_by is not None and group_by not in GROUP_BY:
        raise InvalidInput(Problem("group_by_invalid", f"cannot rank within '{group_by}'", field="group_by",
                                   expected=", ".join(GROUP_BY)))
    frame = summary.reindex(columns=keys).astype(object).where(summary.reindex(columns=keys).notna(), "")
    return frame.groupby(keys, sort=False).ngroup().to_numpy(np.int64)


def _group_mean(values: np.ndarray, gid: np.ndarray, n_groups: int) -> np.ndarray:
    """Per row, the mean of the finite ``values`` of its group (NaN if none)."""
    ok = np.isfinite(values)
    sums = np.bincount(gid[ok], weights=values[ok], minlength=n_groups)
    counts = np.bincount(gid[ok], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean: np.ndarray = (sums / counts)[gid]
    return mean


def grade_summary(summary: pd.DataFrame, scheme: GradingScheme, profiles: Profiles | None = None, *,
                  group_by: str | None = None) -> GradeResult:
    """Grade the enterprise-periods of an accounting summary (see the module docstring).

    Parameters
    ----------
    summary : DataFrame
        The accounting summary, one row per enterprise and period (energy [tce], value added [10^4 CNY] ...).
    scheme : GradingScheme
        The indicators (weights [points], benchmarks in each indicator's unit) and the grade cut-offs [-].
    profiles : Profiles, optional
        What the summary lacks: land [mu], tax [10^4 CNY], employees, pollutants [t] ...
    group_by : str, optional
        ``park``, ``region`` or ``industry``: rank within these too, not only within each period.

    Returns
    -------
    GradeResult
        Per row: score [points], rank, place [-], grade, the indicator holding it back and its gap [points],
        and per indicator its value [its unit], points [points], whether imputed and why missing.
    """
    summary = summary.reset_index(drop=True)
    gid = _group_ids(summary, group_by)
    n_groups = int(gid.max()) + 1 if len(summary) else 0
    pts = _indicator_points(quantity_frame(summary, profiles), scheme, gid, n_groups)
    graded: np.ndarray = ~np.isnan(pts.points).any(axis=1)  # type: ignore[assignment]  # an array for a 2-d input
    score = np.where(graded, np.nansum(pts.points, axis=1), np.nan)
    rank, count, place = _places(score, graded, gid, n_groups)
    out = summary.reindex(columns=KEYS).copy()
    if group_by:
        out["ranked_within"] = summary[group_by].to_numpy(object)
    out["status"] = np.where(graded, "graded", "missing")
    out["score"] = score
    out["rank"] = pd.array(np.where(graded, rank, np.nan), dtype="Int64") if len(summary) else pd.array([], dtype="Int64")
    out["graded"] = np.where(graded, count, 0)
    out["place"] = np.where(graded, place, np.nan)
    idx = _grade_index(scheme, place, graded)
    out["grade"] = np.array([g.grade for g in scheme.grade] + [None], dtype=object)[idx]
    out["grade_name"] = np.array([g.name_zh or None for g in scheme.grade] + [None], dtype=object)[idx]
    _add_holding_back(out, scheme, pts.points)
    out["missing"] = ["; ".join(dict.fromkeys(r for r in row if r is not None)) or None for row in pts.reason]
    for j, ind in enumerate(scheme.indicator):
        out[f"{ind.id}_value"] = pts.value[:, j]
        out[f"{ind.id}_points"] = pts.points[:, j]
        out[f"{ind.id}_imputed"] = pts.imputed[:, j]
        out[f"{ind.id}_missing"] = pts.reason[:, j]
    return GradeResult(grades=out, scheme=scheme, group_by=group_by, unverified=scheme.unverified)


@dataclass(frozen=True)
class _Points:
    """Per row and indicator (n x k): value [its unit], points [points] (NaN: not formed), imputed, why missing."""

    value: npt.NDArray[np.float64]
    points: npt.NDArray[np.float64]
    imputed: npt.NDArray[np.bool_]
    reason: npt.NDArray[np.object_]


def _indicator_points(q: pd.DataFrame, scheme: GradingScheme, gid: np.ndarray, n_groups: int) -> _Points:
    """Each indicator's value and points for every row, one array operation per indicator."""
    n, k = len(q), len(scheme.indicator)
    out = _Points(np.full((n, k), np.nan), np.full((n, k), np.nan), np.zeros((n, k), dtype=bool),
                  np.full((n, k), None, dtype=object))
    for j, ind in enumerate(scheme.indicator):
        x, why = ratio(q, ind.numerator, ind.denominator, ind.factor)
        bench = _group_mean(x, gid, n_groups) if ind.benchmark == "mean" else np.full(n, float(ind.benchmark))
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(bench > 0, ind.weight * x / bench, np.nan)
        if ind.if_missing == "mean_score":
            filled = np.where(np.isnan(p), _group_mean(p, gid, n_groups), p)
            out.imputed[:, j] = np.isnan(p) & ~np.isnan(filled)
            why = np.where(out.imputed[:, j], None, why)  # type: ignore[call-overload]  # None: imputed
            p = filled
        out.value[:, j], out.points[:, j], out.reason[:, j] = x, p, why
    return out


def _places(score: np.ndarray, graded: np.ndarray, gid: np.ndarray,
            n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rank within each group (equal scores to 1e-9 share the better one), the number graded, place = rank / n."""
    rounded = np.round(score, SCORE_DECIMALS)  # scores equal but for float rounding share a rank
    rank = pd.Series(rounded).groupby(gid).rank(method="min", ascending=False).to_numpy(np.float64)
    count = np.bincount(gid[graded], minlength=n_groups)[gid] if len(score) else np.zeros(0, dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        place = rank / count
    return rank, count, place


def _grade_index(scheme: GradingScheme, place: np.ndarray, graded: np.ndarray) -> np.ndarray:
    """The index of each row's grade: the first whose ``up_to`` the place does not exceed (len: ungraded)."""
    cuts = np.array([g.up_to for g in scheme.grade])
    idx = np.searchsorted(cuts, np.where(graded, place - PLACE_TOLERANCE, 0), side="left")
    return np.where(graded, np.minimum(idx, len(cuts) - 1), len(cuts))


def _add_holding_back(out: pd.DataFrame, scheme: GradingScheme, points: npt.NDArray[np.float64]) -> None:
    """The indicator with the largest shortfall weight - points [points] (the first on a tie), its name and gap."""
    n = len(points)
    weight = np.array([i.weight for i in scheme.indicator], dtype=np.float64)
    gap = weight - points
    any_gap = ~np.isnan(gap).all(axis=1)
    worst = np.where(any_gap, np.argmax(np.where(np.isnan(gap), -np.inf, gap), axis=1), -1)
    out["holding_back"] = np.array([i.id for i in scheme.indicator] + [None], dtype=object)[worst]
    out["holding_back_name"] = np.array([i.name_zh for i in scheme.indicator] + [None], dtype=object)[worst]
    out["holding_back_gap"] = np.where(any_gap, gap[np.arange(n), np.maximum(worst, 0)] if n else [], np.nan)
