"""carbonkit: energy (tce, GB/T 2589-2020), water and CO2 accounting for Chinese manufacturing.

    >>> import carbonkit as ck
    >>> result = ck.account(ck.read_activities("examples/tyre_maker.json"))
    >>> result.summary[["energy_equivalent_tce", "co2_location_tco2"]]
"""

from carbonkit import factors
from carbonkit.accounting import AccountingOptions, AccountingResult, account
from carbonkit.documents import EnterprisePeriod, ItemIn
from carbonkit.errors import CarbonkitError, FactorDataError, InvalidInput, MissingFactor, Problem, UnitMismatch, UnknownItem
from carbonkit.intensity import changes
from carbonkit.readers import read_activities
from carbonkit import benefit
from carbonkit.aggregation import aggregate
from carbonkit.decomposition import decompose, lmdi
from carbonkit.targets import progress
from carbonkit.target_profiles import load_profile

__version__ = "0.1.0"

__all__ = [
    "AccountingOptions", "AccountingResult", "CarbonkitError", "EnterprisePeriod", "FactorDataError", "InvalidInput",
    "ItemIn", "MissingFactor", "Problem", "UnitMismatch", "UnknownItem", "account", "changes", "factors",
    "read_activities", "benefit", "aggregate", "decompose", "lmdi", "load_profile", "progress",
]

from carbonkit.schema import summary_schema
from carbonkit.sums import combine, partial_sums

__all__ += ["summary_schema", "partial_sums", "combine"]
