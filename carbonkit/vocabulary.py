"""The vocabulary users write in: items (carriers, water sources, economic items), flows and regions.

Loaded from ``factors/items.csv`` and ``factors/regions.csv``; names are matched in Chinese or
English, case- and width-insensitively, and an unknown name gets the nearest known names as
suggestions.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd

from carbonkit.datafiles import data_path

KINDS = ("fuel", "electricity", "heat", "steam", "water", "economic")

FLOWS = ("consumption", "feedstock", "export")
_FLOW_ALIASES = {
    "consumption": "consumption", "consume": "consumption", "use": "consumption", "used": "consumption",
    "消费": "consumption", "使用": "consumption", "消耗": "consumption", "能源消费": "consumption",
    "feedstock": "feedstock", "raw_material": "feedstock", "raw material": "feedstock", "non-energy": "feedstock",
    "原料": "feedstock", "原料用能": "feedstock", "非能源用途": "feedstock", "原材料": "feedstock",
    "export": "export", "exported": "export", "sold": "export", "sale": "export",
    "外销": "export", "外供": "export", "输出": "export", "外送": "export", "转供": "export", "上网": "export",
}


def normalise_name(text: str) -> str:
    """Fold width and case, trim, and unify separators so '原煤 ', 'Raw Coal' and 'raw_coal' meet.

    Parameters
    ----------
    text : str
        A name as a user wrote it.

    Returns
    -------
    str
        The folded name, the key names are looked up by.
    """
    folded = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return folded.replace("-", "_").replace(" ", "_")


@dataclass(frozen=True)
class Item:
    """One row of ``items.csv``."""

    item: str
    kind: str
    name_zh: str
    name_en: str
    unit: str  # canonical unit; "any" (product output) or "dimensionless"
    factor_key: str
    renewable: bool
    market_scope2: str  # "grid" | "zero" | "" (electricity items only)
    delivery: str  # "grid" | "onsite" | "" (electricity items only)
    water_class: str  # "fresh" | "nonconventional" | "recycled" | ""
    note: str

    @property
    def label(self) -> str:
        return f"{self.item} ({self.name_zh})"


class Vocabulary:
    """Items in file order, with their aliases, and the regions table."""

    def __init__(self, items: list[Item], aliases: dict[str, str], regions: pd.DataFrame):
        self.items = items
        self.index = {it.item: i for i, it in enumerate(items)}
        self._aliases = aliases
        self.regions = regions
        self._region_grid = dict(zip(regions["code"], regions["grid"]))

    def __len__(self) -> int:
        return len(self.items)

    def resolve(self, name: str) -> Item | None:
        """The item a user's name means, or None."""
        key = self._aliases.get(normalise_name(name))
        return None if key is None else self.items[self.index[key]]

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest known names, as 'id (中文名)'."""
        names = list(self._aliases)
        close = difflib.get_close_matches(normalise_name(name)[:40], names, n=n * 3, cutoff=0.3)
        seen: list[str] = []
        for c in close:
            label = self.items[self.index[self._aliases[c]]].label
            if label not in seen:
                seen.append(label)
        return seen[:n]

    def of_kind(self, *kinds: str) -> list[Item]:
        return [it for it in self.items if it.kind in kinds]

    # --- regions ---
    def province_of(self, region: str) -> str | None:
        """The 2-digit province code of a region code, 'CN' for national, a grid code as itself."""
        code = str(region).strip()
        if code == "" or code.upper() == "CN":
            return "CN"
        if code in self._region_grid:
            return code
        if code.isdigit() and len(code) in (2, 4, 6, 9, 12) and code[:2] in self._region_grid:
            return code[:2]
        return None

    def grid_of(self, code: str) -> str | None:
        """The regional grid of a province code (None for CN)."""
        return None if code == "CN" else self._region_grid.get(code)


def flow_of(name: object) -> str | None:
    """Canonical flow for a user's spelling; empty means consumption.

    Parameters
    ----------
    name : object
        The flow as written (``消费``, ``原料用能``, ``export`` ...); None, NaN or blank for consumption.

    Returns
    -------
    str or None
        One of :data:`FLOWS`; None when the spelling is not known.
    """
    if name is None or (isinstance(name, float) and name != name) or str(name).strip() == "":
        return "consumption"
    text = normalise_name(str(name))
    return _FLOW_ALIASES.get(text.replace("_", " ")) or _FLOW_ALIASES.get(text)


def _truthy(value: str) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "y")


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, read once.

    Returns
    -------
    Vocabulary
        The items of ``factors/items.csv`` (names, kinds, canonical units) and the regions.
    """
    frame = pd.read_csv(data_path("items.csv"), dtype=str, keep_default_na=False)
    items: list[Item] = []
    aliases: dict[str, str] = {}
    for rec in frame.to_dict("records"):
        it = Item(
            item=rec["item"], kind=rec["kind"], name_zh=rec["name_zh"], name_en=rec["name_en"], unit=rec["unit"],
            factor_key=rec["factor_key"] or rec["item"], renewable=_truthy(rec["renewable"]),
            market_scope2=rec["market_scope2"], delivery=rec["delivery"], water_class=rec["water_class"], note=rec["note"],
        )
        items.append(it)
        for name in [it.item, it.name_zh, it.name_en, *rec["aliases"].split(";")]:
            if name.strip():
                aliases.setdefault(normalise_name(name), it.item)
    regions = pd.read_csv(data_path("regions.csv"), dtype=str, keep_default_na=False)
    return Vocabulary(items, aliases, regions)
