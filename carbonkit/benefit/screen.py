"""The low-efficiency capacity screen (低效落后产能) of Shandong's 14th Five-Year plan, 专栏1.

For each enterprise-period: which screened industry it belongs to (its GB/T 4754 code through the industry
map, or ``benefit.screen_industry``), then

- the benefit standards of that industry (provincial): tax per mu [10^4 CNY/mu] = tax ÷ land area,
  tax per tce [10^4 CNY/tce] = tax ÷ comprehensive energy consumption from the accounting core, main-business
  revenue per employee [10^4 CNY/person] = revenue ÷ employees; a value at or above the standard passes,
  margin = value − standard (relative margin = value ÷ standard − 1);
- the technical standards (national and provincial) on its equipment units (:mod:`.technical`).

An enterprise outside the screened industries is ``not_applicable`` (never a pass); one without an industry
code is ``industry_missing``. A missing input (land area, employees, tax, equipment, a declared fact) makes
its standard ``missing`` with the reason, never a zero and never a pass. The verdict is ``fail`` when any
standard fails, ``incomplete`` when none fails but some are missing, else ``pass``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonkit.accounting import AccountingOptions, AccountingResult, account
from carbonkit.benefit.profile import BenefitInput, BenefitProfile, Profiles, profile_of
from carbonkit.benefit.quantities import quantity_frame, ratio
from carbonkit.benefit.standards import ScreenData, load_screen_data
from carbonkit.benefit.technical import COLUMNS, technical_checks, validate_profiles
from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors import Release

KEYS = ["enterprise", "period", "name", "region", "park", "industry"]
RELATIVE_TOLERANCE = 1e-9  # a value equal to the standard up to float rounding meets it
_PASS_SIGN = {"ge": "≥", "gt": ">"}


@dataclass
class ScreenResult:
    """Checks (one row per enterprise-period and standard) and verdicts (one row per enterprise-period)."""

    checks: pd.DataFrame
    verdicts: pd.DataFrame
    documents: dict[str, str]  # role -> id of the data file used
    release: str | None = None
    unverified: list[str] = field(default_factory=list)  # standards used that are marked unverified

    def records(self) -> list[dict[str, Any]]:
        """Verdicts with their checks nested, as plain JSON values."""
        checks = _plain_records(self.checks)
        by_key: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        for c in checks:
            by_key.setdefault((c.pop("enterprise"), c.pop("period")), []).append(c)
        out = []
        for v in _plain_records(self.verdicts):
            out.append({**v, "checks": by_key.get((v["enterprise"], v["period"]), [])})
        return out

    def to_dict(self) -> dict[str, Any]:
        """The screen as plain JSON values."""
        return {"documents": self.documents, "release": self.release, "unverified": self.unverified,
                "results": self.records()}


def _plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols: dict[str, list[Any]] = {c: frame[c].tolist() for c in frame.columns}
    return [{c: _plain(v[i]) for c, v in cols.items()} for i in range(len(frame))]


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    return None if (isinstance(v, float) and v != v) or v is pd.NA else v


def screen(data: Any, profiles: Profiles | None = None, *, standards: ScreenData | None = None,
           release: Release | str | None = None, options: AccountingOptions | dict[str, Any] | None = None) -> ScreenResult:
    """Account ``data`` (documents, a long table, a file path, or a :class:`BenefitInput`) and screen it.

    An :class:`~carbonkit.accounting.AccountingResult` is screened as it is.

    Parameters
    ----------
    data : documents, DataFrame, path, BenefitInput or AccountingResult
        The activity data (or results).
    profiles : Profiles, optional
        Equipment, facts, land, tax, pollutants ... per enterprise and period.
    standards : ScreenData, optional
        The benefit and technical standards and the industry map (the shipped ones if None).
    release : Release or str, optional
        The factor release.
    options : AccountingOptions or dict, optional
        The accounting options.

    Returns
    -------
    ScreenResult
    """
    if isinstance(data, BenefitInput):
        profiles = {**data.profiles, **(profiles or {})}
        data = data.frame
    result = data if isinstance(data, AccountingResult) else account(data, release=release, options=options)
    out = screen_summary(result.summary, profiles, standards)
    out.release = result.release
    return out


def industries_of(summary: pd.DataFrame, profiles: list[BenefitProfile | None],
                  data: ScreenData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: the screened industry (None if none), the applicability and its reason.

    Parameters
    ----------
    summary : DataFrame
        Accounting summary rows.
    profiles : list of BenefitProfile or None
        Aligned with the rows.
    data : ScreenData
        The industry map.

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Industry id, applicability and reason per row.
    """
    n = len(summary)
    industry = np.full(n, None, dtype=object)
    state = np.full(n, "not_applicable", dtype=object)
    reason = np.full(n, None, dtype=object)
    raw = summary["industry"].tolist() if "industry" in summary.columns else [None] * n
    codes = [c.strip() if isinstance(c, str) and c.strip() else None for c in raw]
    matched = {code: data.industries.match(code) for code in dict.fromkeys(codes)}  # each distinct code once
    problems = []
    for i, (code, p) in enumerate(zip(codes, profiles)):
        chosen = p.screen_industry if p is not None else None
        if chosen is not None:
            ind = data.industries.by_id(chosen)
            if ind is None:
                problems.append(Problem("screen_industry_unknown", f"'{chosen}' is not a screened industry",
                                        path="benefit.screen_industry",
                                        enterprise=summary["enterprise"].iat[i],  # type: ignore[arg-type]
                                        period=summary["period"].iat[i],  # type: ignore[arg-type]
                                        expected=", ".join(x.id for x in data.industries.industry)))
                continue
            industry[i], state[i], reason[i] = chosen, "applicable", f"declared as {ind.name_zh} (screen_industry)"
            continue
        found, why = matched[code]
        industry[i], reason[i] = found, why
        if found is not None:
            state[i] = "applicable"
        elif code is None:
            state[i] = "industry_missing"
    if problems:
        raise InvalidInput(problems)
    return industry, state, reason


def benefit_checks(summary: pd.DataFrame, industry: np.ndarray, q: pd.DataFrame, data: ScreenData) -> pd.DataFrame:
    """Check rows of the benefit standards: one per applicable enterprise-period and standard.

    Parameters
    ----------
    summary : DataFrame
        Accounting summary rows.
    industry : ndarray
        The screened industry per row (None: not applicable).
    q : DataFrame
        Quantities (:func:`carbonkit.benefit.quantities.quantity_frame`).
    data : ScreenData
        The benefit standards (limits in each indicator's unit).

    Returns
    -------
    DataFrame
        Check rows: value and limit in the indicator's unit (tax per land [10^4 CNY/mu], tax per energy
        [10^4 CNY/tce], revenue per employee [10^4 CNY/person]), result, margin.
    """
    std = pd.DataFrame([{**s.model_dump(), "standard": s.id} for s in data.benefit.standard])
    applicable = np.flatnonzero(pd.notna(industry))
    pairs = pd.DataFrame({"row": applicable, "industry": industry[applicable]}).merge(std, on="industry")
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    n = len(pairs)
    value = np.full(n, np.nan)
    missing = np.full(n, None, dtype=object)
    meta = {}
    for ind in data.benefit.indicator:  # each indicator over all rows at once
        v, why = ratio(q, ind.numerator, ind.denominator, ind.factor)
        sel = (pairs["indicator"] == ind.id).to_numpy()
        rows = pairs["row"].to_numpy()[sel]
        value[sel], missing[sel] = v[rows], why[rows]
        meta[ind.id] = ind
    limit = pairs["value"].to_numpy(np.float64)
    pass_when = np.array([meta[i].pass_when for i in pairs["indicator"]], dtype=object)
    close = np.isclose(value, limit, rtol=RELATIVE_TOLERANCE, atol=0)
    ok = np.where(pass_when == "ge", (value >= limit) | close, (value > limit) & ~close)
    result = np.where(np.isnan(value), "missing", np.where(ok, "pass", "fail"))
    ind_status = np.array([meta[i].status for i in pairs["indicator"]], dtype=object)
    status = np.where(ind_status == "unverified", "unverified", pairs["status"].to_numpy(object))
    notes = [_notes(s_note, printed, as_printed, meta[i].note)
             for s_note, printed, as_printed, i in zip(pairs["note"], pairs["printed"], pairs["as_printed"], pairs["indicator"])]
    return pd.DataFrame({
        "row": pairs["row"], "group": "benefit", "standard": pairs["standard"], "level": data.benefit.level,
        "indicator": [f"{meta[i].name_zh} {meta[i].name_en}" for i in pairs["indicator"]],
        "value": value, "limit": limit, "unit": [meta[i].unit for i in pairs["indicator"]],
        "comparison": [f"passes when value {_PASS_SIGN[p]} standard" for p in pass_when], "result": result,
        "margin": value - limit, "relative_margin": value / limit - 1, "missing": missing, "unit_id": None,
        "status": status, "note": notes,
    }, columns=COLUMNS)


def _notes(note: str, printed: str, as_printed: bool, indicator_note: str) -> str | None:
    flag = f"printed {printed}" if as_printed and "as printed" not in (note or "") else ""
    parts = [flag, note, indicator_note]
    return "; ".join(p for p in parts if p) or None


def screen_summary(summary: pd.DataFrame, profiles: Profiles | None = None,
                   data: ScreenData | None = None) -> ScreenResult:
    """Screen the enterprise-periods of an accounting summary (see the module docstring).

    Parameters
    ----------
    summary : DataFrame
        Accounting summary rows (energy [tce], value added [10^4 CNY] ...).
    profiles : Profiles, optional
        Equipment, facts, land, tax, pollutants ... per enterprise and period.
    data : ScreenData, optional
        The standards (the shipped ones if None).

    Returns
    -------
    ScreenResult
    """
    data = data or load_screen_data()
    summary = summary.reset_index(drop=True)
    keys = list(zip(summary["enterprise"], summary["period"]))
    per_row = [profile_of(profiles, e, p) for e, p in keys]
    validate_profiles(per_row, keys, data.technical)
    industry, state, reason = industries_of(summary, per_row, data)
    q = quantity_frame(summary, profiles)
    checks = pd.concat([frame for frame in (benefit_checks(summary, industry, q, data),
                                            technical_checks(industry, per_row, data.technical)) if not frame.empty]
                       or [pd.DataFrame(columns=COLUMNS)], ignore_index=True)
    checks = checks.sort_values(["row", "group"], kind="stable").reset_index(drop=True)
    rows = checks["row"].to_numpy(np.int64)
    head = summary.reindex(columns=KEYS)
    checks.insert(0, "period", head["period"].to_numpy(object)[rows])
    checks.insert(0, "enterprise", head["enterprise"].to_numpy(object)[rows])
    verdicts = _verdicts(head, industry, state, reason, checks, data)
    unverified = sorted(set(checks.loc[checks["status"] == "unverified", "standard"]))
    return ScreenResult(checks=checks.drop(columns="row"), verdicts=verdicts, documents=data.ids, unverified=unverified)


def _verdicts(head: pd.DataFrame, industry: np.ndarray, state: np.ndarray, reason: np.ndarray, checks: pd.DataFrame,
              data: ScreenData) -> pd.DataFrame:
    n = len(head)
    rows = checks["row"].to_numpy(np.int64)
    counts = {r: np.bincount(rows[(checks["result"] == r).to_numpy()], minlength=n) for r in ("pass", "fail", "missing")}
    failed = _joined(checks[checks["result"] == "fail"], "standard", n)
    lacking = _joined(checks[checks["result"] == "missing"], "missing", n, unique=True)
    verdict = np.where(state != "applicable", state,
                       np.where(counts["fail"] > 0, "fail", np.where(counts["missing"] > 0, "incomplete", "pass")))
    limits = {e.industry: ", ".join(e.standards) or None for e in data.benefit.energy_limit}
    names = {i.id: i.name_zh for i in data.industries.industry}
    out = head.copy()
    out["screen_industry"] = industry
    out["screen_industry_name"] = [names.get(i) if i else None for i in industry]
    out["applicability"] = state
    out["reason"] = reason
    out["verdict"] = verdict
    out["n_pass"], out["n_fail"], out["n_missing"] = counts["pass"], counts["fail"], counts["missing"]
    out["failed"] = failed
    out["missing"] = lacking
    out["energy_limit_standards"] = [limits.get(i) if i else None for i in industry]
    return out


def _joined(frame: pd.DataFrame, column: str, n: int, unique: bool = False) -> np.ndarray:
    """Per row: the values of ``column`` joined with '; ' (None where there are none)."""
    out = np.full(n, None, dtype=object)
    for row, values in frame.groupby("row")[column]:
        items = [str(v) for v in values if v is not None]
        out[row] = "; ".join(dict.fromkeys(items) if unique else items) or None  # type: ignore[index]  # row: an int
    return out
