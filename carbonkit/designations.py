"""Green designations (绿色制造名单) and the counts they give the count targets.

A green factory or green park is *designated* by MIIT (national) or a provincial department (provincial): an
administrative act published in batches (工信部 第N批绿色制造名单). A self-assessment that passes the criteria
(:mod:`carbonkit.assess`) is not a designation, so counts come only from designations recorded as such.

A designation record:

    subject_kind   enterprise | park
    subject        the enterprise id (unified social credit code) or the park id
    kind           green_factory, green_park, ... (the closed list of ``factors/designations/<id>.toml``)
    level          national | provincial (the levels of the same file)
    year           the year designated
    batch          the list or document it was published in (e.g. 工信部 第六批绿色制造名单)
    revoked_year   the year it was removed from the list (empty: in force)
    region, park   where the subject is (administrative code; the enterprise's park), for scoping

``count_designations`` counts subjects, not records: a designation counts in year t when year ≤ t and
(no revoked_year, or revoked_year > t); a factory designated provincial, then national, counts once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, cast

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from carbonkit.errors import InvalidInput, Problem
from carbonkit.factors.documents import Provenance, find_shipped, load_document
from carbonkit.factors.tables import STATUSES
from carbonkit.vocabulary import vocabulary

if TYPE_CHECKING:
    from carbonkit.target_profiles import Target

SHIPPED_KINDS = "miit-green-manufacturing"
SUBJECTS = ("enterprise", "park")
REQUIRED = ("subject_kind", "subject", "kind", "level", "year", "batch")
OPTIONAL = ("revoked_year", "region", "park", "name")
COLUMNS = (*REQUIRED, *OPTIONAL)
YEARS = (1990, 2100)  # a sanity range for years, as the factor tables use
Status = Literal["verified", "corroborated", "unconfirmed", "unverified"]


class DesignationLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=16, pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    status: Status
    note: str = ""


class DesignationKind(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    subject: Literal["enterprise", "park"]
    status: Status
    note: str = ""


class DesignationKinds(Provenance):
    """The closed list of designation kinds and levels, with provenance (``factors/designations/<id>.toml``)."""

    kind: Literal["designation_kinds"]
    levels: list[DesignationLevel] = Field(alias="level", min_length=1)
    kinds: list[DesignationKind] = Field(alias="designation", min_length=1)

    @model_validator(mode="after")
    def _check(self) -> DesignationKinds:
        for name, items in (("level", self.levels), ("designation", self.kinds)):
            ids = [i.id for i in items]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name} ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self

    def kind_of(self, kind_id: str) -> DesignationKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    @property
    def level_ids(self) -> list[str]:
        return [lv.id for lv in self.levels]


def load_kinds(source: str | Path | DesignationKinds | None = None) -> DesignationKinds:
    """The designation kinds: the shipped list (default), a shipped id, or the path of a TOML with the same schema.

    Parameters
    ----------
    source : str, Path or DesignationKinds, optional
        A shipped id or a TOML path; a list given is returned as it is.

    Returns
    -------
    DesignationKinds
    """
    if isinstance(source, DesignationKinds):
        return source
    if source is None:
        return shipped_kinds()
    path = Path(source)
    if isinstance(source, str) and path.suffix != ".toml" and len(path.parts) == 1:
        path = find_shipped("designations", source)
    return load_document(path, DesignationKinds, kind="designation_kinds")


@cache
def shipped_kinds() -> DesignationKinds:
    """The shipped list (``factors/designations/miit-green-manufacturing.toml``), read once.

    Returns
    -------
    DesignationKinds
    """
    return load_document(find_shipped("designations", SHIPPED_KINDS), DesignationKinds, kind="designation_kinds")


# ----------------------------------------------------------------------------- reading and checking

def read_designations(path: str | Path, kinds: str | Path | DesignationKinds | None = None) -> pd.DataFrame:
    """Designations from a CSV (UTF-8, with or without BOM; columns :data:`COLUMNS`), checked against ``kinds``.

    Every problem is reported at once with its line number (``row``; the header is line 1).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    kinds : str, Path or DesignationKinds, optional
        The closed list of kinds and levels (the shipped one by default).

    Returns
    -------
    DataFrame
        As :func:`check_designations`, with ``row``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InvalidInput(Problem("csv_invalid", f"{path.name}: not a readable CSV table: {exc}")) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InvalidInput([Problem("column_missing", f"{path.name}: column '{c}' is missing", field=c, row=1,
                                    expected="columns " + ", ".join(COLUMNS) + " (the last four may be left out)")
                            for c in missing])
    raw["row"] = np.arange(2, len(raw) + 2)
    return check_designations(raw, kinds)


def check_designations(records: pd.DataFrame | list[dict[str, Any]],
                       kinds: str | Path | DesignationKinds | None = None) -> pd.DataFrame:
    """The designation frame of ``records`` (a frame of text cells, or a list of dicts), or :class:`InvalidInput`
    with every problem: each names its ``row`` (a ``row`` column, CSV lines) or its ``index`` in the list.

    Checks: required cells present, subject kind, kind and level in ``kinds``, the kind designates that subject
    kind (a green park is a park), years whole numbers in range, revoked_year not before year, region a
    province-prefixed code, and no designation twice (subject kind, subject, kind, level).

    Parameters
    ----------
    records : DataFrame or list of dict
        The records, columns :data:`COLUMNS` (years [a] as text or numbers).
    kinds : str, Path or DesignationKinds, optional
        The closed list of designation kinds and levels (the shipped one by default).

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS` (years as integers [a], ``revoked_year`` nullable), plus ``row`` when given.
    """
    kinds = load_kinds(kinds)
    frame = _text_frame(records)
    by_row = "row" in frame.columns
    years, year_checks = _year_checks(frame)
    checks = [*_required_checks(frame), *_kind_checks(frame, kinds), *year_checks, _region_check(frame),
              _duplicate_check(frame, by_row)]
    problems = [p for check in checks for p in _problems(frame, by_row, check)]
    if problems:
        problems.sort(key=lambda p: (p.row if p.row is not None else p.index or 0))
        raise InvalidInput(problems)
    out = frame[list(COLUMNS)].copy()
    out["year"] = years["year"].astype("int64").to_numpy()
    out["revoked_year"] = pd.array(years["revoked_year"].to_numpy(), dtype="Int64")
    is_park = out["subject_kind"] == "park"
    out.loc[is_park, "park"] = out.loc[is_park, "subject"]  # a park is in its own scope
    if by_row:
        out["row"] = frame["row"].to_numpy()
    return out.reset_index(drop=True)


class _Check(NamedTuple):
    """The records failing one check (``mask``), and how to word their problem (text, or a function of the record)."""

    mask: pd.Series
    code: str
    field: str
    message: str | Callable[[dict[str, Any]], str]
    expected: str | None = None


def _text_frame(records: pd.DataFrame | list[dict[str, Any]]) -> pd.DataFrame:
    """A copy of the records with every column of :data:`COLUMNS` as text cells (None: blank), and ``_at``: the
    row (a ``row`` column) or the position of each record."""
    frame = pd.DataFrame(records).copy() if not isinstance(records, pd.DataFrame) else records.copy()
    frame["_at"] = frame["row"].to_numpy() if "row" in frame.columns else np.arange(len(frame))
    for col in COLUMNS:
        if col not in frame.columns:
            frame[col] = None
        frame[col] = [_cell(v) for v in frame[col].to_numpy(dtype=object)]
    return frame


def _problems(frame: pd.DataFrame, by_row: bool, check: _Check) -> list[Problem]:
    """One problem per record failing ``check``, naming its row (or index and path)."""
    out = []
    records: list[dict[str, Any]] = frame[check.mask].to_dict("records")  # type: ignore[assignment]  # str columns
    for at, rec in zip(frame.loc[check.mask, "_at"], records):
        text = check.message(rec) if callable(check.message) else check.message
        where: dict[str, Any] = {"row": int(at)} if by_row else {"index": int(at), "path": f"[{int(at)}].{check.field}"}
        out.append(Problem(check.code, text, field=check.field, expected=check.expected, **where))
    return out


def _required_checks(frame: pd.DataFrame) -> list[_Check]:
    return [_Check(frame[col].isna(), "value_missing", col, f"'{col}' is empty") for col in REQUIRED]


def _kind_checks(frame: pd.DataFrame, kinds: DesignationKinds) -> list[_Check]:
    """Subject kind, kind and level known; the kind designates the record's subject kind."""
    kind_subject = {k.id: k.subject for k in kinds.kinds}
    known_kind = frame["kind"].isin(list(kind_subject))
    wrong = known_kind & frame["subject_kind"].isin(SUBJECTS) & (frame["kind"].map(kind_subject) != frame["subject_kind"])
    return [
        _Check(frame["subject_kind"].notna() & ~frame["subject_kind"].isin(SUBJECTS), "subject_kind_invalid",
               "subject_kind", lambda r: f"'{r['subject_kind']}' is not a subject kind", " or ".join(SUBJECTS)),
        _Check(frame["kind"].notna() & ~known_kind, "kind_unknown", "kind",
               lambda r: f"'{r['kind']}' is not a designation kind of {kinds.id}", ", ".join(kind_subject)),
        _Check(frame["level"].notna() & ~frame["level"].isin(kinds.level_ids), "level_unknown", "level",
               lambda r: f"'{r['level']}' is not a level of {kinds.id}", ", ".join(kinds.level_ids)),
        _Check(wrong, "subject_kind_mismatch", "subject_kind",
               lambda r: f"{r['kind']} designates {kind_subject[r['kind']]}s, not {r['subject_kind']}s",
               "the subject kind of the designation kind"),
    ]


def _year_checks(frame: pd.DataFrame) -> tuple[dict[str, pd.Series], list[_Check]]:
    """``year`` and ``revoked_year`` as numbers [a] (NaN: blank or invalid): whole, in range, revoked not earlier."""
    years, checks = {}, []
    for col in ("year", "revoked_year"):
        text = frame[col].astype(object)
        number = pd.to_numeric(text.where(text.str.fullmatch(r"\d{4}", na=False)), errors="coerce")
        bad = text.notna() & (number.isna() | (number < YEARS[0]) | (number > YEARS[1]))
        checks.append(_Check(bad, "year_invalid", col, _not_a_year(col), f"a year {YEARS[0]}-{YEARS[1]}"))
        years[col] = number.where(~bad)
    early = years["revoked_year"].notna() & years["year"].notna() & (years["revoked_year"] < years["year"])
    checks.append(_Check(early, "revoked_before_designated", "revoked_year",
                         lambda r: f"revoked in {r['revoked_year']}, before it was designated ({r['year']})",
                         "revoked_year not before year"))
    return years, checks


def _not_a_year(col: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: f"'{r[col]}' is not a year"


def _region_check(frame: pd.DataFrame) -> _Check:
    """A region is an administrative code that starts with a province's code."""
    vocab = vocabulary()
    region_ok = frame["region"].map(lambda c: c is None or (c.isdigit() and len(c) in (2, 4, 6, 9, 12)
                                                            and vocab.province_of(c) == c[:2]))
    return _Check(~region_ok.astype(bool), "region_invalid", "region",
                  lambda r: f"'{r['region']}' is not an administrative code",
                  "a code starting with a province: 37, 3702, 370211")


def _duplicate_check(frame: pd.DataFrame, by_row: bool) -> _Check:
    """No designation twice (subject kind, subject, kind, level); the message names the first one's place."""
    key = ["subject_kind", "subject", "kind", "level"]
    complete = frame[key].notna().all(axis=1)
    twice = complete & frame.duplicated(key, keep="first")
    first = frame[complete].drop_duplicates(key).set_index(key)["_at"]
    return _Check(twice, "designation_duplicate", "subject",
                  lambda r: (f"{r['kind']} ({r['level']}) of {r['subject_kind']} {r['subject']} is also at "
                             f"{'row' if by_row else 'index'} {first[tuple(r[k] for k in key)]}"),
                  "each designation once (subject kind, subject, kind, level)")


def _cell(value: object) -> str | None:
    """A cell as text: None for blank or missing; a whole float (a JSON or pandas year, 2021.0) as '2021'."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def place(designations: pd.DataFrame, enterprises: pd.DataFrame | None) -> pd.DataFrame:
    """Fill the empty ``region`` and ``park`` of enterprise designations from ``enterprises`` (columns
    enterprise, region, park: a register or results frame); the first row of an enterprise wins.

    Parameters
    ----------
    designations : DataFrame
        Checked designations (:func:`check_designations`).
    enterprises : DataFrame, optional
        Enterprise, region (administrative code) and park; None: the designations unchanged.

    Returns
    -------
    DataFrame
    """
    if enterprises is None or enterprises.empty or designations.empty:
        return designations
    firsts = enterprises.drop_duplicates("enterprise")
    attrs = firsts.set_index(firsts["enterprise"].astype(str))
    out = designations.copy()
    ent = out["subject_kind"] == "enterprise"
    for col in ("region", "park"):
        if col not in attrs.columns:
            continue
        blank = ent & out[col].isna()
        out.loc[blank, col] = out.loc[blank, "subject"].map(attrs[col]).to_numpy(dtype=object)
        out[col] = out[col].where(out[col].notna() & (out[col].astype(str) != ""), None)
    return out


# ----------------------------------------------------------------------------- counting

def in_force(designations: pd.DataFrame, year: int, kind: str | None = None,
             levels: list[str] | None = None) -> np.ndarray:
    """Rows designated in or before ``year`` and not revoked by then (revoked_year > year or none) [bool].

    Parameters
    ----------
    designations : DataFrame
        Checked designations.
    year : int
        The year counted [a].
    kind : str, optional
        Only this designation kind.
    levels : list of str, optional
        Only these levels.

    Returns
    -------
    ndarray of bool
        One per row.
    """
    d = designations
    keep = (pd.to_numeric(d["year"]).to_numpy() <= year)
    revoked = pd.to_numeric(d["revoked_year"]).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    keep &= np.isnan(revoked) | (revoked > year)
    if kind is not None:
        keep &= (d["kind"] == kind).to_numpy()
    if levels is not None:
        keep &= d["level"].isin(list(levels)).to_numpy()
    return keep


def in_scope(designations: pd.DataFrame, *, region: str | None = None, parks: str | list[str] | None = None,
             enterprises: list[str] | None = None) -> np.ndarray:
    """Rows whose subject is in scope [bool]: ``region`` a code prefix of the subject's region (a row without a
    region is outside every region); ``parks``: parks themselves and enterprises in them; ``enterprises``:
    those enterprises only.

    Parameters
    ----------
    designations : DataFrame
        Checked designations.
    region : str, optional
        A code prefix of the subject's region.
    parks : str or list of str, optional
        The park (or parks) of the subject.
    enterprises : list of str, optional
        The enterprises counted (a park counts when it is in ``parks``).

    Returns
    -------
    ndarray of bool
        One per row.
    """
    d = designations
    keep = np.ones(len(d), dtype=bool)
    if region:
        keep &= np.array([isinstance(r, str) and r.startswith(region) for r in d["region"]], dtype=bool)
    if parks:
        chosen = [parks] if isinstance(parks, str) else list(parks)
        keep &= d["park"].isin(chosen).to_numpy()
    if enterprises is not None:
        keep &= ((d["subject_kind"] == "enterprise") & d["subject"].isin(list(enterprises))).to_numpy()
    return keep


def counted(designations: pd.DataFrame, kind: str, year: int, levels: list[str] | None = None, *,
            region: str | None = None, parks: str | list[str] | None = None,
            enterprises: list[str] | None = None) -> pd.DataFrame:
    """The designations that count, one row per subject (its earliest designation in force).

    Parameters
    ----------
    designations : DataFrame
        Checked designations.
    kind : str
        The designation kind counted.
    year : int
        The year counted [a].
    levels : list of str, optional
        Only these levels.
    region : str, optional
        A code prefix of the subject's region.
    parks : str or list of str, optional
        The park (or parks) of the subject.
    enterprises : list of str, optional
        The enterprises counted (a park counts when it is in ``parks``).

    Returns
    -------
    DataFrame
        One row per subject.
    """
    d = designations[in_force(designations, year, kind, levels)
                     & in_scope(designations, region=region, parks=parks, enterprises=enterprises)]
    first: pd.DataFrame = d.sort_values("year", kind="stable").drop_duplicates(["subject_kind", "subject"])
    return first


def count_designations(designations: pd.DataFrame, kind: str, year: int, levels: list[str] | None = None, *,
                       region: str | None = None, parks: str | list[str] | None = None,
                       enterprises: list[str] | None = None) -> int:
    """How many subjects hold a ``kind`` designation at one of ``levels`` (None: any) in ``year`` [1]: designated
    in or before ``year``, not revoked by then, subject in scope (see :func:`in_scope`); one per subject.

    Parameters
    ----------
    designations : DataFrame
        Checked designations.
    kind : str
        The designation kind counted.
    year : int
        The year counted [a].
    levels : list of str, optional
        Only these levels.
    region : str, optional
        A code prefix of the subject's region.
    parks : str or list of str, optional
        The park (or parks) of the subject.
    enterprises : list of str, optional
        The enterprises counted (a park counts when it is in ``parks``).

    Returns
    -------
    int
        The number of subjects [-].
    """
    return len(counted(designations, kind, year, levels, region=region, parks=parks, enterprises=enterprises))


# ----------------------------------------------------------------------------- count targets

def check_designation_link(designation: str | None, levels: list[str] | None,
                           kinds: str | Path | DesignationKinds | None = None) -> None:
    """A count target's ``designation`` and ``levels`` against the kinds list; ValueError naming the choices.

    Parameters
    ----------
    designation : str, optional
        The kind a count target counts.
    levels : list of str, optional
        The levels it counts.
    kinds : str, Path or DesignationKinds, optional
        The closed list (the shipped one by default).

    Raises
    ------
    ValueError
        Naming the kinds or levels there are.
    """
    kinds = load_kinds(kinds)
    if designation is None:
        raise ValueError("levels need a designation kind")
    if kinds.kind_of(designation) is None:
        raise ValueError(f"designation '{designation}' is not a kind of {kinds.id} "
                         f"({', '.join(k.id for k in kinds.kinds)})")
    unknown = [lv for lv in levels or [] if lv not in kinds.level_ids]
    if unknown:
        raise ValueError(f"levels {unknown} are not levels of {kinds.id} ({', '.join(kinds.level_ids)})")


def count_line(target: Target, counts: dict[str, int], designations: pd.DataFrame | None, year: int, *,
               region: str | None = None, parks: str | list[str] | None = None,
               kinds: str | Path | DesignationKinds | None = None) -> dict[str, Any]:
    """One count target's line of a progress answer: the count supplied (``counts`` by indicator or target id:
    it wins), else the designations in force in ``year`` in scope when the target names a ``designation`` kind
    and ``designations`` are given, else not available with the reason. ``source`` says which; ``note`` is a
    sentence for the report.

    Parameters
    ----------
    target : Target
        A count target of a profile.
    counts : dict of str to int
        Counts supplied, by indicator or target id.
    designations : DataFrame, optional
        Checked designations to count.
    year : int
        The year counted [a].
    region, parks : optional
        The selection's scope.
    kinds : str, Path or DesignationKinds, optional
        The closed list (the shipped one by default).

    Returns
    -------
    dict
        Target count and count [-], source, note, share [-], remaining [-] and met; or the reason there is no count.
    """
    got = counts.get(target.indicator, counts.get(target.id))
    value = cast(float, target.value)  # a count target has its value (Target checks it)
    line: dict[str, Any] = {"target": target.id, "indicator": target.indicator, "label": target.label,
            "target_count": int(value), "status": target.status, "count": None, "source": None,
            "designation": target.designation, "levels": target.levels}
    if got is not None:
        line.update(count=int(got), source="supplied",
                    note=f"{target.id}: the count {int(got)} was supplied by the caller"
                    + (" (it wins over the designations)" if target.designation and designations is not None else ""))
    elif target.designation is None:
        line["reason"] = (f"no count of {target.indicator} was supplied, and the target names no designation kind "
                          "to count, so pass the count")
    elif designations is None:
        line["reason"] = (f"no count of {target.indicator} was supplied and no designations were given "
                          f"({target.designation} designations are not stored for this selection): record them "
                          "(POST /v1/designations; --designations FILE) or pass the count")
    else:
        line.update(_designations_count(target, designations, year, region, parks, load_kinds(kinds)))
    if line["count"] is not None:
        line.update({"share": line["count"] / value, "remaining": max(int(value) - line["count"], 0),
                     "met": line["count"] >= value})
    return line


def _designations_count(target: Target, designations: pd.DataFrame, year: int, region: str | None,
                        parks: str | list[str] | None, kinds: DesignationKinds) -> dict[str, Any]:
    """A count target's count from the designations in force in ``year`` in scope, with its note and status."""
    kind = kinds.kind_of(cast(str, target.designation))  # count_line counts only targets that name one
    assert kind is not None  # the profile checked the target's designation against the kinds
    levels = [lv for lv in kinds.levels if target.levels is None or lv.id in target.levels]
    n = count_designations(designations, kind.id, year, target.levels, region=region, parks=parks)
    scope = (f"park {', '.join([parks] if isinstance(parks, str) else parks)}" if parks
             else f"region {region}" if region else "every region")
    note = (f"{target.id}: {n} counted from the {kind.id} designations ({', '.join(lv.id for lv in levels)}) "
            f"in force in {year} (designated in or before {year}, not revoked) in {scope}; kinds {kinds.id}")
    if not (designations["kind"] == kind.id).any():
        note += f"; no {kind.id} designation is recorded at all, so 0 may mean none were recorded"
    statuses = [target.status, kind.status, *(lv.status for lv in levels)]
    return {"count": n, "source": "designations", "designation_kinds": kinds.id, "note": note,
            "status": max(statuses, key=STATUSES.index)}
