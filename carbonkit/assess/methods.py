"""Scoring methods of criteria sets, registered by name: a new method is a new registered function.

A criteria set names its method (``[scoring] method = "linear"``); the name is checked against this
registry when the set is loaded, and :func:`scoring_method` hands the scorer the method's points function.
Each method gives the points of a quantitative or count indicator; qualitative indicators earn their
points when met whatever the method.

- ``linear`` (GB/T 36132-2025 §5.2 as cited): points = P x (v - base) / (lead - base) clipped to [0, P];
  for a lower-is-better indicator the same with the signs reversed, i.e. P x (base - v) / (base - lead).
  Needs the lead and the base value.
- ``ratio_to_lead`` (green-park index shape): points = P x min(v / lead, 1); lower-is-better:
  P x min(lead / v, 1) (P when v = 0). Needs the lead value only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carbonkit.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from carbonkit.assess.criteria import Indicator

PointsFunction = Callable[["Indicator", float, float, "float | None"], float]


@dataclass(frozen=True)
class ScoringMethod:
    """A scoring method: its name, its points function and the benchmarks it needs."""

    name: str
    points: PointsFunction  # (indicator, value, lead, base) -> points in [0, indicator.points]
    needs_base: bool  # True: the lead and the base value; False: the lead value only

    def has_benchmarks(self, lead: float | None, base: float | None) -> bool:
        """Whether ``lead`` and ``base`` are enough to score with this method."""
        return lead is not None and (base is not None or not self.needs_base)

    @property
    def needs(self) -> str:
        """What a scorer lacking the benchmarks must be given (message text)."""
        return "lead and base values (benchmarks)" if self.needs_base else "a lead value (benchmark)"


METHODS: dict[str, ScoringMethod] = {}


def register(name: str, *, needs_base: bool) -> Callable[[PointsFunction], PointsFunction]:
    """Register the decorated points function as the scoring method ``name``.

    Parameters
    ----------
    name : str
        The name a criteria set gives in ``[scoring] method``.
    needs_base : bool
        Whether the method needs the base value besides the lead value.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.
    """
    def decorate(points: PointsFunction) -> PointsFunction:
        if name in METHODS:
            raise ValueError(f"scoring method '{name}' is registered already")
        METHODS[name] = ScoringMethod(name, points, needs_base)
        return points
    return decorate


def scoring_method(name: str) -> ScoringMethod:
    """The scoring method registered as ``name``.

    Parameters
    ----------
    name : str
        A registered method's name (``linear``, ``ratio_to_lead``).

    Returns
    -------
    ScoringMethod

    Raises
    ------
    InvalidInput
        For a name that is not registered (code ``scoring_method_unknown``), naming those that are.
    """
    try:
        return METHODS[name]
    except KeyError:
        known = ", ".join(sorted(METHODS))
        raise InvalidInput(Problem("scoring_method_unknown", f"'{name}' is not a scoring method",
                                   field="method", expected=f"one of {known}")) from None


@register("linear", needs_base=True)
def linear(ind: Indicator, value: float, lead: float, base: float | None) -> float:
    """Points P x (v - base) / (lead - base), clipped to [0, P] [points].

    Parameters
    ----------
    ind : Indicator
        The indicator: its maximum points P [points].
    value, lead, base : float
        The value, the lead value (引领值) and the base value (基准值), in the indicator's unit.

    Returns
    -------
    float
        The points [points]; the same formula serves both directions (lead - base carries the sign).
    """
    assert base is not None  # needs_base: the scorer gives it
    span = (value - base) / (lead - base)
    return ind.points * min(max(span, 0.0), 1.0)


@register("ratio_to_lead", needs_base=False)
def ratio_to_lead(ind: Indicator, value: float, lead: float, base: float | None) -> float:
    """Points P x min(v / lead, 1); lower-is-better P x min(lead / v, 1), P when v <= 0 [points].

    Parameters
    ----------
    ind : Indicator
        The indicator: its maximum points P [points] and direction.
    value, lead : float
        The value and the lead value (引领值), in the indicator's unit. A lead <= 0 for a higher-is-better
        indicator gives full points.
    base : float, optional
        Not used.

    Returns
    -------
    float
        The points [points], clipped to [0, P].
    """
    if ind.direction == "higher":
        ratio = value / lead if lead > 0 else 1.0
    else:
        ratio = 1.0 if value <= 0 else lead / value
    return ind.points * min(max(ratio, 0.0), 1.0)
