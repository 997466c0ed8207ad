"""The CBAM data: sectors, aggregated goods categories with their CN codes and precursors, the default values of
a country of production and the mark-ups by year (``factors/cbam/``).

Both files are TOML documents with the provenance fields of every factor file; a user's variant (another
country's defaults, a corrected table) is a file with the same schema passed by path.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from carbonkit.errors import FactorDataError
from carbonkit.factors.documents import Provenance, find_shipped, load_document

Status = Literal["verified", "corroborated", "unconfirmed", "unverified"]
GOODS_ID = "eu-2023-956-goods"
DEFAULTS_ID = "eu-2025-2621-cn"


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    note: str = ""


class Sector(_Row):
    """A CBAM sector; ``indirect_counted``: indirect emissions are part of the embedded emissions charged."""

    id: str
    name_zh: str
    name_en: str
    indirect_counted: bool
    clause: str


class Category(_Row):
    """An aggregated goods category: its CN code prefixes (digits) and the categories that are its precursors."""

    id: str
    sector: str
    name_zh: str
    name_en: str
    cn_codes: list[str] = Field(min_length=1)
    precursors: list[str]


class Constant(_Row):
    id: str
    name: str
    value: float = Field(gt=0)
    unit: str
    clause: str


class GoodsData(Provenance):
    """``factors/cbam/<id>.toml`` of kind ``cbam_goods``."""

    sector: list[Sector]
    category: list[Category]
    constant: list[Constant] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = _category_problems(self.category, {s.id for s in self.sector}) + _repeated_prefixes(self.category)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def category_of(self, cn_code: str) -> Category | None:
        """The category whose CN prefix is the longest match of ``cn_code`` (digits), or None."""
        best: tuple[int, Category | None] = (0, None)
        for cat in self.category:
            for prefix in cat.cn_codes:
                if cn_code.startswith(prefix) and len(prefix) > best[0]:
                    best = (len(prefix), cat)
        return best[1]

    def categories(self) -> dict[str, Category]:
        """The aggregated goods categories by id."""
        return {c.id: c for c in self.category}

    def sectors(self) -> dict[str, Sector]:
        """The CBAM sectors by id."""
        return {s.id: s for s in self.sector}

    def constant_value(self, key: str) -> tuple[float, str]:
        """A reference factor by id: (value, factor id)."""
        for c in self.constant:
            if c.id == key:
                return c.value, f"{self.id}.{c.id}"
        raise FactorDataError(f"{self.id}: no constant '{key}'")


def _category_problems(categories: list[Category], sectors: set[str]) -> list[str]:
    """A category's sector not defined, a precursor that is not a category, a CN code that is not digits."""
    cats = {c.id for c in categories}
    problems = [f"category {c.id}: sector '{c.sector}' is not defined" for c in categories if c.sector not in sectors]
    problems += [f"category {c.id}: precursor '{p}' is not a category" for c in categories
                 for p in c.precursors if p not in cats]
    problems += [f"category {c.id}: CN code '{code}' is not digits" for c in categories
                 for code in c.cn_codes if not code.isdigit()]
    return problems


def _repeated_prefixes(categories: list[Category]) -> list[str]:
    """A CN prefix listed more than once (in one category or two)."""
    codes = [code for c in categories for code in c.cn_codes]
    return [f"CN prefix '{code}' is listed twice" for code in sorted({x for x in codes if codes.count(x) > 1})]


class Markup(_Row):
    """The mark-up on default values for imports in ``year_from``..``year_to`` (open-ended when empty) [fraction]."""

    year_from: int
    year_to: int | None = None
    value: float = Field(ge=0, le=1)
    sectors: list[str] = Field(min_length=1)


class DefaultValue(_Row):
    """A default value [tCO2e/t] for a CN code (digits; a heading applies to every code under it)."""

    cn_code: str = Field(pattern=r"^\d{4,8}$")
    description: str
    direct: float = Field(ge=0)
    indirect: float | None = Field(None, ge=0)
    route: str = ""


class DefaultsData(Provenance):
    """``factors/cbam/<id>.toml`` of kind ``cbam_defaults``: one country's default values and the mark-ups."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    markup: list[Markup]
    default: list[DefaultValue]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        codes = [d.cn_code for d in self.default]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"CN codes listed twice: {', '.join(twice)}")
        return self

    def default_for(self, cn_code: str) -> DefaultValue | None:
        """The row whose CN code is the longest prefix of ``cn_code``, or None (no default shipped)."""
        rows = [d for d in self.default if cn_code.startswith(d.cn_code)]
        return max(rows, key=lambda d: len(d.cn_code)) if rows else None

    def markup_for(self, year: int, sector: str) -> Markup | None:
        """The mark-up [-] of ``sector`` for imports in ``year``, or None (no mark-up listed)."""
        for m in self.markup:
            if sector in m.sectors and m.year_from <= year and (m.year_to is None or year <= m.year_to):
                return m
        return None


def _path(choice: str | Path | None, shipped_id: str) -> Path:
    if choice is None:
        return find_shipped("cbam", shipped_id)
    path = Path(choice)
    return path if path.suffix == ".toml" else find_shipped("cbam", str(choice))


@cache
def _goods(path: Path) -> GoodsData:
    return load_document(path, GoodsData, kind="cbam_goods")


@cache
def _defaults(path: Path) -> DefaultsData:
    return load_document(path, DefaultsData, kind="cbam_defaults")


def load_goods(choice: str | Path | None = None) -> GoodsData:
    """The sectors and goods categories (Regulation (EU) 2023/956, Annex I).

    Parameters
    ----------
    choice : str or Path, optional
        A shipped id, a TOML path, or None for the shipped table.

    Returns
    -------
    GoodsData
        The validated document (cached per path).
    """
    return _goods(_path(choice, GOODS_ID).resolve())


def load_defaults(choice: str | Path | None = None) -> DefaultsData:
    """A country's default values [tCO2e/t] and the mark-ups [-] (Implementing Regulation (EU) 2025/2621).

    Parameters
    ----------
    choice : str or Path, optional
        A shipped id, a TOML path, or None for China.

    Returns
    -------
    DefaultsData
        The validated document (cached per path).
    """
    return _defaults(_path(choice, DEFAULTS_ID).resolve())
