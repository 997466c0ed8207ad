"""carbonkit is a typed package (PEP 561): the py.typed marker sits in the package, so hatch ships it in the wheel
(packages = ["carbonkit", ...] takes every file of the package directory; checked by building the wheel)."""

from __future__ import annotations

from pathlib import Path

import carbonkit


def test_the_package_carries_the_py_typed_marker():
    marker = Path(carbonkit.__file__).parent / "py.typed"
    assert marker.is_file() and marker.read_bytes() == b""  # PEP 561: an empty marker means the whole package
