"""Output-per-mu (亩产效益) grading and the low-efficiency capacity screen (低效落后产能) of Shandong's plans.

    >>> from carbonkit import benefit
    >>> data = benefit.read_benefit("examples/benefit_park.json")
    >>> benefit.screen(data).verdicts[["enterprise", "screen_industry", "verdict"]]
    >>> benefit.grade(data, park="P0002").grades[["enterprise", "score", "rank", "grade", "holding_back"]]

The standards, the industry map and the grading scheme are data files under ``factors/benefit/``; pass
your own with the same schema (``load_screen_data(benefit=PATH)``, ``grade(..., scheme=PATH)``).
"""

from carbonkit.benefit.grading import GradeResult, grade, grade_summary
from carbonkit.benefit.profile import (BenefitDocument, BenefitInput, BenefitProfile, EquipmentUnit, PollutantIn,
                                       ProfileFor, profiles_from_list, read_benefit, split_documents)
from carbonkit.benefit.scheme import GradingScheme, load_scheme, scheme_from_dict, shipped_schemes
from carbonkit.benefit.screen import ScreenResult, screen, screen_summary
from carbonkit.benefit.standards import ScreenData, load_screen_data

__all__ = [
    "BenefitDocument", "BenefitInput", "BenefitProfile", "EquipmentUnit", "GradeResult", "GradingScheme",
    "PollutantIn", "ProfileFor", "ScreenData", "ScreenResult", "grade", "grade_summary", "load_scheme",
    "load_screen_data", "profiles_from_list", "read_benefit", "scheme_from_dict", "screen", "screen_summary",
    "shipped_schemes", "split_documents",
]
