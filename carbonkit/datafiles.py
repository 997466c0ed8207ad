"""Where the shipped data lives: ``factors/`` in a checkout, ``carbonkit/_factor_data`` in a wheel."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_dir() -> Path:
    """The folder holding items.csv, regions.csv, tables/ and releases/."""
    packaged = Path(str(resources.files("carbonkit"))) / "_factor_data"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "factors"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("carbonkit's factor data was not found (neither carbonkit/_factor_data nor ../factors)")


def data_path(*parts: str) -> Path:
    return data_dir().joinpath(*parts)
