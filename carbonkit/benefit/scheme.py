"""Output-per-mu (亩产效益, "亩均论英雄") grading schemes: indicators with weights and benchmarks, and the
A-D classes by rank, as TOML documents (``factors/benefit/*.toml`` of kind ``grading_scheme``).

The shipped default is a published county scheme kept as an example (``example = true``); Shandong's own
weights and cut-offs are not public. Pass your county's scheme as a file of the same schema.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from carbonkit.documents import validation_problems
from carbonkit.benefit.quantities import Quantity, ratio_factor
from carbonkit.benefit.standards import FOLDER, Status, _unique, document_path
from carbonkit.errors import FactorDataError, InvalidInput, UnitMismatch
from carbonkit.factors.documents import Provenance, load_document, shipped

DEFAULT_SCHEME = "huangyan-2022-above-scale"


class SchemeIndicator(BaseModel):
    """One indicator: numerator ÷ denominator in ``unit``, its weight and benchmark."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_zh: str
    name_en: str = ""
    numerator: Quantity
    denominator: Quantity
    unit: str
    weight: float = Field(gt=0, allow_inf_nan=False)
    benchmark: float | Literal["mean"] = Field(
        description="the value that earns the full weight; 'mean': the mean over the enterprises graded together")
    if_missing: Literal["missing", "mean_score"] = Field(
        "missing", description="missing: the enterprise is not graded; mean_score: it gets the others' mean points")
    status: Status
    note: str = ""
    factor: float = Field(1.0, exclude=True)

    @model_validator(mode="after")
    def _check(self) -> SchemeIndicator:
        if isinstance(self.benchmark, float) and not self.benchmark > 0:
            raise ValueError(f"indicator {self.id}: the benchmark must be positive")
        try:
            self.factor = ratio_factor(self.numerator, self.denominator, self.unit)
        except UnitMismatch as exc:
            raise ValueError(f"indicator {self.id}, unit '{self.unit}': {exc.problems[0].message}") from None
        return self


class GradeClass(BaseModel):
    """A class and the share of the ranking it reaches down to (rank ÷ number graded ≤ ``up_to``)."""

    model_config = ConfigDict(extra="forbid")
    grade: str = Field(min_length=1, max_length=8)
    name_zh: str = ""
    up_to: float = Field(gt=0, le=1)
    status: Status
    note: str = ""


class GradingScheme(Provenance):
    """score = Σ weight × indicator ÷ benchmark; classes by rank share."""

    kind: Literal["grading_scheme"]
    example: bool = Field(False, description="shipped as an example, not the scheme of the user's region")
    indicator: list[SchemeIndicator] = Field(min_length=1, max_length=50)
    grade: list[GradeClass] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> GradingScheme:
        _unique([i.id for i in self.indicator], "indicator")
        _unique([g.grade for g in self.grade], "grade")
        cuts = [g.up_to for g in self.grade]
        if any(b <= a for a, b in zip(cuts, cuts[1:])):
            raise ValueError("the grades' up_to must increase")
        if cuts[-1] != 1:
            raise ValueError("the last grade must reach up_to = 1 (every graded enterprise gets a class)")
        return self

    @property
    def unverified(self) -> list[str]:
        return [i.id for i in self.indicator if i.status == "unverified"] + \
            [f"grade.{g.grade}" for g in self.grade if g.status == "unverified"]


def load_scheme(ref: str | Path | GradingScheme | None = None) -> GradingScheme:
    """A shipped scheme by id (default: the example county scheme) or a user's file by path.

    Parameters
    ----------
    ref : str, Path or GradingScheme, optional
        A shipped id or a TOML path (the default scheme if None).

    Returns
    -------
    GradingScheme
    """
    if isinstance(ref, GradingScheme):
        return ref
    return load_document(document_path(ref, DEFAULT_SCHEME), GradingScheme, kind="grading_scheme")


def scheme_from_dict(raw: dict[str, Any], where: str = "scheme") -> GradingScheme:
    """A scheme sent as JSON (the same schema as the TOML file); problems name the place in it.

    Parameters
    ----------
    raw : dict
        A scheme as data (the TOML schema).
    where : str
        Its place in the input, for the messages.

    Returns
    -------
    GradingScheme

    Raises
    ------
    InvalidInput
    """
    try:
        return GradingScheme.model_validate(raw)
    except ValidationError as exc:
        raise InvalidInput(validation_problems(exc, where)) from None


def shipped_schemes() -> list[GradingScheme]:
    """The grading schemes shipped in ``factors/benefit/``.

    Returns
    -------
    list of GradingScheme
    """
    out = []
    for path in shipped(FOLDER):
        try:
            kind = tomllib.loads(path.read_text(encoding="utf-8")).get("kind")
        except tomllib.TOMLDecodeError as exc:
            raise FactorDataError(f"{path}: not valid TOML: {exc}") from None
        if kind == "grading_scheme":
            out.append(load_document(path, GradingScheme, kind="grading_scheme"))
    return out
