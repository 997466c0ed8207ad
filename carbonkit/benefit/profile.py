"""What an enterprise supplies for the screen and the grading beyond its activity data.

The economic items (tax paid, main-business revenue, value added, R&D spending, land area [亩], employees)
are ordinary items of the accounting documents (``factors/items.csv``: ``tax``, ``revenue``,
``value_added``, ``rd_expense``, ``land_area``, ``employees``) and reach the screen through the accounting
summary. What is not an activity amount lives in a small :class:`BenefitProfile`:

- ``equipment``: the units the technical standards judge, each a type (``blast_furnace``, ``clinker_line``
  ...), a size with its unit (450 m3, 2500 t/day, 3.2 m) and a count; ``None`` means "not given" (every
  technical standard is then reported as missing), ``[]`` means "no such units";
- ``pollutants``: emissions of the main pollutants (COD, NH3-N, SO2, NOx ...) in units of mass, summed to
  the total [t] the grading divides by;
- ``facts``: declarations the provincial standards ask about (``in_chemical_park``: true ...);
- ``screen_industry``: one of the screened industries, overriding the mapping from the industry code.

In a JSON activity document the profile is the optional member ``benefit`` (:class:`BenefitDocument`);
for CSV input, profiles come from a separate JSON list (:class:`ProfileFor`, one per enterprise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from carbonkit.documents import (MAX_AMOUNT, EnterprisePeriod, Text7, Text32, Text64, documents_to_frame,
                                 validation_problems)
from carbonkit.errors import InvalidInput, Problem
from carbonkit.readers import read_activities


class EquipmentUnit(BaseModel):
    """One unit of equipment or process line: its type, size and how many of them."""

    model_config = ConfigDict(extra="forbid")
    type: Text64 = Field(description="equipment type id of the technical standards, e.g. clinker_line")
    id: Text64 | None = Field(None, description="the enterprise's own name of the unit")
    size: float | None = Field(None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False,
                               description="volume, tonnage, capacity, height or diameter in `unit`")
    unit: Text64 | None = Field(None, description="unit of the size: m3, t, Mt/yr, m, t/day, piece/year ...")
    count: int = Field(1, ge=1, le=10_000, description="number of identical units")
    attributes: dict[Text64, bool] = Field(default_factory=dict, max_length=50,
                                                 description="facts about this unit, e.g. waste_salt_use")


class PollutantIn(BaseModel):
    """Annual emission of one pollutant."""

    model_config = ConfigDict(extra="forbid")
    pollutant: Text32 = Field(min_length=1, description="COD, NH3-N, SO2, NOx ...")
    amount: float = Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)
    unit: Text64 = Field("t", description="a unit of mass: t, kg")


class BenefitProfile(BaseModel):
    """Equipment, pollutant emissions and declared facts of one enterprise (and period)."""

    model_config = ConfigDict(extra="forbid")
    screen_industry: Text32 | None = Field(None, description="screened industry id; overrides the code mapping")
    equipment: list[EquipmentUnit] | None = Field(None, max_length=10_000,
                                                  description="None: not given; []: no units of any listed type")
    pollutants: list[PollutantIn] | None = Field(None, max_length=100, description="None: not given")
    facts: dict[Text64, bool] = Field(default_factory=dict, max_length=100)


class ProfileFor(BenefitProfile):
    """A profile naming its enterprise (and period; without one it holds for every period)."""

    enterprise: Text64 = Field(min_length=1)
    period: Text7 | None = None


class BenefitDocument(EnterprisePeriod):
    """An accounting document with its benefit profile."""

    benefit: BenefitProfile | None = None


Profiles = dict[tuple[str, str | None], BenefitProfile]
_profile_list = TypeAdapter(list[ProfileFor])


@dataclass
class BenefitInput:
    """The long activity table and the profiles keyed by (enterprise, period or None)."""

    frame: pd.DataFrame
    profiles: Profiles = field(default_factory=dict)


def profile_of(profiles: Profiles | None, enterprise: str, period: str) -> BenefitProfile | None:
    """The profile of (enterprise, period), else the enterprise's profile for every period, else None.

    Parameters
    ----------
    profiles : Profiles, optional
        Profiles by (enterprise, period or None).
    enterprise, period : str
        The enterprise-period.

    Returns
    -------
    BenefitProfile or None
    """
    if not profiles:
        return None
    return profiles.get((enterprise, period)) or profiles.get((enterprise, None))


def profiles_from_list(items: list[dict[str, Any] | ProfileFor], prefix: str = "") -> Profiles:
    """Profiles from a list of :class:`ProfileFor`; refuses two for the same enterprise and period.

    Parameters
    ----------
    items : list of dict or ProfileFor
        One profile per enterprise (and period).
    prefix : str
        The JSON path of the list, for the messages.

    Returns
    -------
    Profiles

    Raises
    ------
    InvalidInput
    """
    try:
        parsed = _profile_list.validate_python(items)
    except ValidationError as exc:
        raise InvalidInput(validation_problems(exc, prefix)) from None
    out: Profiles = {}
    problems = []
    for i, p in enumerate(parsed):
        key = (p.enterprise, p.period)
        if key in out:
            problems.append(Problem("profile_duplicate", "a second profile for this enterprise and period",
                                    path=f"{prefix}[{i}]", index=i, enterprise=p.enterprise, period=p.period))
        out[key] = BenefitProfile(**p.model_dump(exclude={"enterprise", "period"}))
    if problems:
        raise InvalidInput(problems)
    return out


def split_documents(documents: list[dict[str, Any]]) -> BenefitInput:
    """Take the ``benefit`` member out of each JSON document; the rest is the accounting document.

    Parameters
    ----------
    documents : list of dict
        JSON documents, each optionally with a ``benefit`` member.

    Returns
    -------
    BenefitInput

    Raises
    ------
    InvalidInput
    """
    problems: list[Problem] = []
    plain: list[dict[str, Any] | EnterprisePeriod] = []
    profiles: Profiles = {}
    for i, doc in enumerate(documents):
        if not isinstance(doc, dict) or "benefit" not in doc:
            plain.append(doc)
            continue
        doc = dict(doc)
        raw = doc.pop("benefit")
        plain.append(doc)
        if raw is None:
            continue
        try:
            profile = BenefitProfile.model_validate(raw)
        except ValidationError as exc:
            problems += validation_problems(exc, f"[{i}].benefit", index=i, enterprise=str(doc.get("enterprise")),
                                            period=str(doc.get("period")))
            continue
        profiles[(str(doc.get("enterprise", "")).strip(), str(doc.get("period", "")).strip())] = profile
    if problems:
        raise InvalidInput(problems)
    return BenefitInput(documents_to_frame(plain), profiles)


def _json(path: Path) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() in (".jsonl", ".ndjson"):
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(Problem("json_invalid", f"{path.name}: not valid JSON: {exc.msg} at line {exc.lineno}",
                                   row=exc.lineno)) from None


def read_benefit(path: str | Path, profiles: str | Path | None = None) -> BenefitInput:
    """Activity data with benefit profiles: JSON documents with a ``benefit`` member, or a CSV long table.

    ``profiles`` is an optional JSON list of :class:`ProfileFor`; its entries win over the documents'.

    Parameters
    ----------
    path : str or Path
        The activity file (JSON documents may carry ``benefit``).
    profiles : str or Path, optional
        A JSON file of profiles.

    Returns
    -------
    BenefitInput
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        data = _json(path)
        found = split_documents(data if isinstance(data, list) else [data])
    else:
        found = BenefitInput(read_activities(path))
    if profiles is not None:
        extra = Path(profiles)
        if not extra.is_file():
            raise FileNotFoundError(f"no such file: {extra}")
        data = _json(extra)
        if not isinstance(data, list):
            data = [data]
        found.profiles.update(profiles_from_list(data, extra.name))
    return found
