"""The message catalog: Chinese texts of the core's messages that reach a report, gettext-style.

The core writes its notes, reasons and warnings in English (they are also log and API text). A report in
Chinese passes each one through :func:`translate`, which looks the message up in :data:`MESSAGES` by its
English pattern (the msgid, with ``{name}`` placeholders, as in gettext) and writes the Chinese template
with the same values. A placeholder's value is itself translated when the catalog knows it, so composed
messages ("{basis} / fresh water") come out Chinese throughout. A message the catalog does not know is
returned unchanged: ``tests/carbonkit/test_report_language.py`` renders every report in Chinese and fails on
any English left, so a new core message needs its entry here.

Units are words too: :func:`unit_text` spells ``tce/10^4 CNY`` as 吨标准煤/万元 in Chinese; :func:`status_text`
names a provenance mark (verified → 已核实); :func:`yes_no` writes a truth value (True → 是).

These are words, not figures: no coefficient, threshold or target lives here (they are in ``factors/``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TypeVar, overload

LANGS = ("zh", "en")

# provenance marks of factors/ (factors/README.md) and of targets and criteria
STATUS: dict[str, tuple[str, str]] = {
    "verified": ("已核实", "verified"),
    "corroborated": ("已佐证", "corroborated"),
    "unverified": ("未核实", "unverified"),
    "unconfirmed": ("未确认", "unconfirmed"),
}

# unit symbols as the core writes them -> (zh, en); SI symbols without a common Chinese word stay as symbols
UNITS: dict[str, tuple[str, str]] = {
    "tce": ("吨标准煤", "tce"),
    "kgce": ("千克标准煤", "kgce"),
    "tCO2": ("吨二氧化碳", "tCO2"),
    "kgCO2": ("千克二氧化碳", "kgCO2"),
    "10^4 CNY": ("万元", "10^4 CNY"),
    "万元": ("万元", "10^4 CNY"),
    "CNY": ("元", "CNY"),
    "m3": ("立方米", "m3"),
    "Nm3": ("标准立方米", "Nm3"),
    "m2": ("平方米", "m2"),
    "km2": ("平方公里", "km2"),
    "mu": ("亩", "mu"),
    "t": ("吨", "t"),
    "kg": ("千克", "kg"),
    "kWh": ("千瓦时", "kWh"),
    "MWh": ("兆瓦时", "MWh"),
    "GJ": ("吉焦", "GJ"),
    "MJ": ("兆焦", "MJ"),
    "kJ": ("千焦", "kJ"),
    "person": ("人", "person"),
    "yr": ("年", "yr"),
    "points": ("分", "points"),
    "dimensionless": ("", ""),
    "1": ("", ""),
}

# English pattern (msgid, {name} placeholders) -> Chinese template; message ids are the first element
MESSAGES: tuple[tuple[str, str, str], ...] = (
    # carbonkit.assess.scoring
    ("score_below_pass", "score {score} is below the pass score {pass_score} (of 100)",
     "得分 {score} 低于合格分 {pass_score}（满分 100）"),
    ("unverified_indicator", "indicator {id}", "指标 {id}"),
    ("unverified_choose", "choose set {id}", "多选几 {id}"),
    ("unverified_scoring", "scoring: {note}", "评分方法：{note}"),
    ("unverified_pass_rule", "pass rule: {note}", "合格规则：{note}"),
    ("placeholder", "placeholder: {note}", "占位值：{note}"),
    # factors/criteria/miit-green-park-2016.toml notes that reach the park report
    ("park_gi_note", "GI is a sum of value / lead ratios (DB21/T 3662-2022, verified shape); the cap, inverse rule "
                     "and points are placeholders",
     "GI 为各指标值与引领值之比的和（DB21/T 3662-2022，形式已核实）；上限、反向指标规则和分值为占位值"),
    ("park_pass_note", "the pass score of the 2016 scheme was not found; here a park passes with {points} points and "
                       "every mandatory qualitative indicator met (sewage treatment, standards, plan, platform)",
     "未找到 2016 年评价方案的合格分；本工具按总分达到 {points} 分且全部必选定性指标（污水集中处理、标准体系、"
     "发展规划、信息平台）满足判定园区合格"),
    # carbonkit.targets
    ("unverified_exclusion", "exclusion {id}", "扣除项 {id}"),
    # carbonkit.target_forms
    ("target_no_value", "target value not published: levels and pace only, no verdict",
     "目标值尚未公布：仅列水平与速度，不作判断"),
    # carbonkit.assess.zero_carbon
    ("zc_no_value", "no value: state it (values) or report the accounting it rests on",
     "无数值：请直接填报该指标，或报送其所依据的核算数据"),
    ("zc_notes", "{n} enterprises' results; CO2 per tce market-based (location-based {value} tCO2/tce), energy at "
                 "the equivalent value",
     "{n} 家企业的核算结果；单位能耗碳排放按基于市场的排放计（基于位置为 {value} 吨二氧化碳/吨标准煤），能耗按当量值计"),
    # carbonkit.panels and carbonkit.targets: the panel of a progress comparison
    ("panel_balanced", "balanced panel: enterprises with value added in both years compared",
     "平衡面板：两个比较年份均有增加值的企业"),
    ("panel_unbalanced", "unbalanced: every enterprise reporting in each year", "非平衡面板：各年份全部填报企业"),
    ("panel_balanced_note", "balanced panel: {n} enterprises with value added in both {base} and {year}; the "
                            "unbalanced figure (every enterprise of each year) is in other_panel",
     "平衡面板：{n} 家企业在 {base} 年和 {year} 年均有增加值；非平衡面板（各年份全部企业）的数值见 other_panel"),
    # carbonkit.deflators
    ("basis_reported", "{n} enterprise-periods at comparable prices as reported (comparable value added or price "
                       "index)", "{n} 个企业-报告期按填报的可比价计（可比价增加值或价格指数）"),
    ("basis_deflated", "{n} enterprise-periods deflated with table {table}", "{n} 个企业-报告期按平减表 {table} 折算"),
    ("basis_base_year", "{n} enterprise-periods of the base year: their current prices are the base prices",
     "{n} 个企业-报告期属于基年：其现价即基年价"),
    ("basis_nominal", "value added at current prices only (no comparable value added, no deflator): the comparison "
                      "is nominal", "增加值只有现价（无可比价增加值、无平减指数）：比较为名义值"),
    ("basis_partly", "{n_cur} of {n_va} enterprise-periods have value added at current prices only; the others are "
                     "at comparable prices: the comparison is partly nominal",
     "{n_va} 个企业-报告期中有 {n_cur} 个只有现价增加值，其余为可比价：比较部分为名义值"),
    ("basis_none", "no enterprise-period has a positive value added: no intensity", "没有企业-报告期的增加值为正：无法计算强度"),
    # carbonkit.decomposition
    ("co2_carriers", "CO2 location-based; carriers: electricity (equivalent value) and other energy (fuels, heat; "
                     "raw-material use excluded); green power lowers electricity's emission factor",
     "二氧化碳按基于位置的方法；能源品种分为电力（等价值）和其他能源（燃料、热力；扣除原料用能）；绿电降低电力排放因子"),
    ("nothing_to_decompose", "no {indicator} reported in {year}: nothing to decompose", "{year} 年无{indicator}数据：无可分解"),
    # carbonkit.designations
    ("count_supplied_wins", "{target}: the count {n} was supplied by the caller (it wins over the designations)",
     "{target}：数量 {n} 由调用方提供（优先于认定名单）"),
    ("count_supplied", "{target}: the count {n} was supplied by the caller", "{target}：数量 {n} 由调用方提供"),
    ("count_no_kind", "no count of {indicator} was supplied, and the target names no designation kind to count, so "
                      "pass the count", "未提供 {indicator} 的数量，且目标未指明可计数的认定类别：请直接填报数量"),
    ("count_no_designations", "no count of {indicator} was supplied and no designations were given ({kind} "
                              "designations are not stored for this selection): record them (POST /v1/designations; "
                              "--designations FILE) or pass the count",
     "未提供 {indicator} 的数量，也未给出认定名单（所选范围未存储 {kind} 认定）：请录入认定名单"
     "（POST /v1/designations；--designations FILE）或直接填报数量"),
    # carbonkit.assess.metrics
    ("va_comparable", "value added at comparable prices", "可比价增加值"),
    ("va_current", "value added at current prices (no deflator for every enterprise)", "现价增加值（并非每家企业都有平减指数）"),
    ("per_energy_n", "{basis} / comprehensive energy, {n} enterprises", "{basis} / 综合能耗，{n} 家企业"),
    ("per_fresh_water", "{basis} / fresh water", "{basis} / 新鲜水量"),
    ("per_park_land", "{basis} / the park's land area", "{basis} / 园区用地面积"),
    ("per_enterprise_land", "{basis} / the sum of its enterprises' land areas", "{basis} / 园区内企业用地面积之和"),
    ("co2_per_basis", "location-based CO2 / {basis}", "基于位置的二氧化碳排放 / {basis}"),
    ("equivalent_value", "equivalent value", "等价值"),
    ("reuse_rate", "recycled / (recycled + withdrawal)", "重复利用水量 / (重复利用水量 + 取水量)"),
    ("per_product", "per {unit} of product", "每{unit}产品"),
    ("per_output_value", "equivalent value / gross output value", "等价值 / 工业总产值"),
    ("scope1_plus_2", "scope 1 + location-based scope 2", "范围一 + 基于位置的范围二"),
    ("water_per_output", "withdrawal / gross output value", "取水量 / 工业总产值"),
    ("output_per_land", "gross output value / land area", "工业总产值 / 用地面积"),
    ("energy_tce_note", "comprehensive energy, equivalent value", "综合能耗，等价值"),
    # carbonkit.assess.scoring: what is missing
    ("need_gate", "state whether it is met (true/false)", "说明是否满足（是/否）"),
    ("need_value_per_product", "a value [{unit} per unit of product]", "单位产品的数值 [{unit}]"),
    ("need_value_unit", "a value [{unit}]", "数值 [{unit}]"),
    ("need_value_bool", "a value (true/false)", "是否满足（是/否）"),
    ("need_benchmarks", "lead and base values (benchmarks)", "引领值和基准值（对标值）"),
    ("need_lead", "a lead value (benchmark)", "引领值（对标值）"),
    ("need_more_of", "{n} more of these ({k} given)", "还需 {n} 项（已有 {k} 项）"),
    ("choose_n_of", "{n} of {ids}", "{ids} 中选 {n} 项"),
)

_T = TypeVar("_T")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for _id, english, chinese in MESSAGES:
        parts = _PLACEHOLDER.split(english)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(regex, re.DOTALL), chinese))
    return tuple(out)


def message_ids() -> list[str]:
    """The ids of the catalog's messages, in catalog order.

    Returns
    -------
    list of str
        The first element of each entry of :data:`MESSAGES`.
    """
    return [m[0] for m in MESSAGES]


def _one(text: str) -> str | None:
    for pattern, chinese in _compiled():
        m = pattern.fullmatch(text)
        if m:
            return chinese.format(**{k: unit_text(v, "zh") if k == "unit" else translate(v, "zh")
                                     for k, v in m.groupdict().items()})
    return None


def translate(text: object, lang: str) -> str:
    """``text`` (a core message in English) in ``lang``: Chinese from the catalog for 'zh', unchanged for 'en'.

    A message made of parts joined by ", ", "; " or " and " (a list of unverified items, of missing data) is
    translated part by part;
    a part the catalog does not know stays as it is (ids, codes and numbers need no translation).

    Parameters
    ----------
    text : object
        The message (any other value is written with ``str``; None as '').
    lang : {"zh", "en"}
        The language wanted.

    Returns
    -------
    str
        The message in ``lang``.

    Raises
    ------
    ValueError
        ``lang`` not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    if text is None:
        return ""
    text = str(text)
    if lang == "en" or not text:
        return text
    if isinstance(text, str) and (found := _one(text)) is not None:
        return found
    for sep, joined in (("; ", "；"), (", ", "，"), (" and ", "；")):
        if sep in text:
            parts = text.split(sep)
            if any(_one(p) is not None for p in parts):
                return joined.join(translate(p, "zh") for p in parts)
    return text


def status_text(status: object, lang: str) -> str:
    """A provenance mark (verified / corroborated / unverified / unconfirmed) in ``lang``.

    Parameters
    ----------
    status : object
        The mark (:data:`STATUS`); another value is written as it is, None as ''.
    lang : {"zh", "en"}
        The language wanted.

    Returns
    -------
    str
        The mark in ``lang``.
    """
    pair = STATUS.get(str(status))
    return pair[LANGS.index(lang)] if pair else ("" if status is None else str(status))


@overload
def yes_no(value: bool, lang: str) -> str: ...


@overload
def yes_no(value: _T, lang: str) -> _T | str: ...


def yes_no(value: object, lang: str) -> object:
    """True / False as 是 / 否 (zh) or yes / no (en); any other value as it is.

    Parameters
    ----------
    value : object
        A truth value, or anything else (returned unchanged).
    lang : {"zh", "en"}
        The language wanted.

    Returns
    -------
    str or the type of ``value``
        The word for a bool, else ``value``.
    """
    if value is True or value is False:
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    return value


_UNIT_TOKEN = re.compile(r"10\^4 CNY|[A-Za-z][A-Za-z0-9]*|万元")


def unit_text(unit: object, lang: str) -> str:
    """A unit symbol as readers of ``lang`` expect it: in Chinese ``tce/10^4 CNY`` → 吨标准煤/万元,
    ``m3`` → 立方米, ``万元/person`` → 万元/人; in English the symbol as it is (``dimensionless`` → '').

    Parameters
    ----------
    unit : object
        The unit symbol (written with ``str``; None as '').
    lang : {"zh", "en"}
        The language wanted.

    Returns
    -------
    str
        The unit in ``lang``; in Chinese each known token of a compound unit is replaced (:data:`UNITS`).
    """
    if unit is None:
        return ""
    unit = str(unit)
    i = LANGS.index(lang)
    if unit in UNITS:
        return UNITS[unit][i]
    if lang == "en":
        return unit
    return _UNIT_TOKEN.sub(lambda m: UNITS.get(m.group(0), (m.group(0),))[0] or m.group(0), unit)


def label_text(label: object, lang: str) -> str:
    """One language of a bilingual label written 'zh en' in the data ("绿色园区 green industrial parks"):
    the Chinese part for 'zh', the English part for 'en'; a one-language label as it is.

    Parameters
    ----------
    label : object
        The label (written with ``str``; an empty or false value as '').
    lang : {"zh", "en"}
        The language wanted.

    Returns
    -------
    str
        The part of ``label`` in ``lang``, or ``label`` itself.
    """
    if not label:
        return ""
    label = str(label)
    m = re.match(r"^([^A-Za-z]*" + _CJK.pattern + r"[^A-Za-z]*?)\s+([A-Za-z].*)$", label)
    if not m:
        return label
    return m.group(1).strip() if lang == "zh" else m.group(2).strip()
