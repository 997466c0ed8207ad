"""The Shandong benefit standards as printed in the reference (policy_targets.md §2), typed once for the tests
that check the shipped data and the screen against them: industry -> (tax per mu [万元/亩], tax per tce
[万元/tce], main-business revenue per employee [万元/人])."""

BENEFIT_STANDARDS = {
    "steel": (2.6, 0.014, 177.6),
    "local_refining": (19.9, 0.233, 149.9),
    "coke": (5.3, 0.066, 203.5),
    "cement": (0.075, 0.042, 118.1),
    "tyres": (0.83, 0.02, 52.32),
    "chlor_alkali": (2.63, 0.013, 133),
    "synthetic_ammonia": (2.43, 0.0045, 103.3),
    "pesticide_ai": (0.33, 0.013, 8.33),
    "synthetic_materials": (17.1, 0.04, 578),
}
