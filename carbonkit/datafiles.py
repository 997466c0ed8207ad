"""Where the shipped data lives: ``factors/`` and ``examples/`` in a checkout; ``carbonkit/_factor_data`` and
``carbonkit/_examples`` in a wheel."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


def _locate(packaged_name: str, checkout_name: str) -> Path:
    packaged = Path(str(resources.files("carbonkit"))) / packaged_name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / checkout_name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"carbonkit's data was not found (neither carbonkit/{packaged_name} nor {checkout_name}/)")


@cache
def data_dir() -> Path:
    """The folder holding items.csv, regions.csv, tables/ and releases/.

    Returns
    -------
    Path
        The ``factors/`` folder (installed with the package, or the checkout's).
    """
    return _locate("_factor_data", "factors")


@cache
def examples_dir() -> Path:
    """The folder of the bundled examples.

    Returns
    -------
    Path
        The ``examples/`` folder (installed with the package, or the checkout's).
    """
    return _locate("_examples", "examples")


def data_path(*parts: str) -> Path:
    """A path inside the data folder (:func:`data_dir`).

    Parameters
    ----------
    *parts : str
        The path's parts below the data folder.

    Returns
    -------
    Path
    """
    return data_dir().joinpath(*parts)
