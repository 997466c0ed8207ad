"""Screen a park's enterprises against Shandong's low-efficiency capacity standards and grade them by output
per mu (亩产效益), 2023.

The grading scheme shipped by default is a published county scheme kept as an example (Shandong's own
weights are not public): pass your county's scheme file instead.

Run from any directory:  python examples/benefit_park.py
"""

from pathlib import Path

from carbonkit import benefit

HERE = Path(__file__).resolve().parent


def text(value) -> str:
    """A text cell, '' where it is missing (None or NaN)."""
    return value if isinstance(value, str) else ""


def main() -> None:
    data = benefit.read_benefit(HERE / "benefit_park.json")

    screened = benefit.screen(data)
    print("Low-efficiency capacity screen (Shandong 14th FYP, 专栏1)")
    for v in screened.verdicts.itertuples(index=False):
        industry = text(v.screen_industry_name) or "—"
        print(f"  {v.name:<16} {v.industry:<6} {industry:<4} {v.verdict:<15} {text(v.failed)}")
    failing = screened.checks[screened.checks["result"] == "fail"]
    print("Failed standards")
    for c in failing.itertuples(index=False):
        print(f"  {c.enterprise}  {c.standard:<34} value {c.value:>12,.4f}  limit {c.limit:>10,.4f} {text(c.unit):<8}"
              f" margin {c.margin:>+10,.4f}")
    print(f"  data: {', '.join(screened.documents.values())}; unverified values used: {len(screened.unverified)}")

    graded = benefit.grade(data, park="P0002")
    scheme = graded.scheme
    print(f"\n亩产效益 grades by scheme {scheme.id}" + (" (an EXAMPLE, not Shandong's)" if scheme.example else ""))
    for g in graded.grades.sort_values("rank", na_position="last").itertuples(index=False):
        rank = "—" if g.status != "graded" else f"{int(g.rank)}/{g.graded}"
        score = "—" if g.status != "graded" else f"{g.score:6.2f}"
        held = text(g.holding_back_name) if g.status == "graded" else "—"
        print(f"  {rank:>4}  {g.name:<16} score {score:>6}  class {text(g.grade) or '—'}  held back by {held}  "
              f"{text(g.missing)}")


if __name__ == "__main__":
    main()
