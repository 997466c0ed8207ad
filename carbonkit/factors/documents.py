"""Structured data files with provenance: criteria sets, targets, screening standards, grading schemes.

A factor *table* (``tables.py``) is a flat CSV of numbers. Criteria and targets are nested (groups of
indicators, gates, rules), so they are TOML documents instead: the same provenance fields at the top
(``id, kind, title, source, edition, issuing_body, published, region``), then the content, validated by a
pydantic model that each domain module defines. Problems name the file and the place in it
(``indicator[3].lead``), like the tables' file/line/column.

Shipped documents live in ``factors/<folder>/<id>.toml``; a user's variant is any file with the same
schema (``load_document(path, Model)``).
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from carbonkit.datafiles import data_path
from carbonkit.errors import FactorDataError
from carbonkit.factors.tables import META_REQUIRED, STATUSES

M = TypeVar("M", bound=BaseModel)


class Provenance(BaseModel):
    """The provenance fields every factor document starts with."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    kind: str
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    edition: str = Field(min_length=1)
    issuing_body: str = Field(min_length=1)
    published: str = Field(min_length=1)
    region: str = Field(min_length=1)
    urls: list[str] = Field(default_factory=list)
    notes: str = ""

    @field_validator("published", "edition", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else str(value) if isinstance(value, int) else value


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_document(path: str | Path, model: type[M], *, kind: str | None = None) -> M:
    """Read the TOML document at ``path`` and validate it with ``model``.

    Checks the provenance fields of every factor file and, if ``kind`` is given, that the document is of
    that kind. Raises :class:`FactorDataError` listing every problem with the file and the place in it.

    Parameters
    ----------
    path : str or Path
        The TOML file.
    model : type
        The pydantic model of the document.
    kind : str, optional
        The ``kind`` the document must have.

    Returns
    -------
    model
        The document, validated.

    Raises
    ------
    FactorDataError
    """
    path = Path(path)
    if not path.is_file():
        raise FactorDataError(f"{path}: file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FactorDataError(f"{path}: not valid TOML: {exc}") from None
    problems = [f"{path.name}: provenance field '{key}' is missing or empty"
                for key in META_REQUIRED if not str(raw.get(key, "")).strip()]
    if kind is not None and raw.get("kind") not in (None, "", kind):
        problems.append(f"{path.name}: kind '{raw.get('kind')}' where '{kind}' was expected")
    if "status" in raw and raw["status"] not in STATUSES:
        problems.append(f"{path.name}: status '{raw['status']}' is not one of {', '.join(STATUSES)}")
    try:
        doc = model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(f"{path.name}, {_where(err['loc'])}: {err['msg']}")
        doc = None
    if problems or doc is None:  # a document that does not validate has its problems listed
        raise FactorDataError(f"{len(problems)} problem(s) in {path}:\n" + "\n".join("  - " + p for p in problems))
    return doc


def shipped(folder: str) -> list[Path]:
    """The shipped documents of one folder of ``factors/`` (sorted by name).

    Parameters
    ----------
    folder : str
        A folder of ``factors/`` (``criteria``, ``targets`` ...).

    Returns
    -------
    list of Path
    """
    directory = data_path(folder)
    return sorted(directory.glob("*.toml")) if directory.is_dir() else []


def find_shipped(folder: str, doc_id: str) -> Path:
    """The shipped document ``factors/<folder>/<doc_id>.toml``; a clear error naming the choices if absent.

    Parameters
    ----------
    folder : str
        A folder of ``factors/``.
    doc_id : str
        The document's id (its file stem).

    Returns
    -------
    Path

    Raises
    ------
    FactorDataError
        Naming the documents there are.
    """
    path = data_path(folder, f"{doc_id}.toml")
    if not path.is_file():
        known = ", ".join(p.stem for p in shipped(folder)) or "none"
        raise FactorDataError(f"no shipped document '{doc_id}' in factors/{folder}/ (known: {known})")
    return path
