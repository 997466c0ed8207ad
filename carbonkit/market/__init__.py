"""The national carbon market's new sectors: cement, steel and aluminium smelting.

Accounting by the MEE's 2024 guidelines (CETS-AG-02.01 cement, CETS-AG-03.01 steel, CETS-AG-04.01
aluminium) from monthly key parameters (关键参数月度存证): facilities as accounting boundaries, fuel
combustion with the data tier of each parameter, process emissions by sector formula (chosen by name),
net purchased electricity and heat. The annual result structure is :mod:`carbonkit.market.result`.
"""

from carbonkit.market.engine import account_market
from carbonkit.market.monthly import read_monthly
from carbonkit.market.result import (
    FACILITY_COLUMNS,
    QUALITY_COLUMNS,
    SOURCE_COLUMNS,
    FacilityYear,
    MarketResult,
    QualityFlag,
    SourceLine,
)

__all__ = ["account_market", "read_monthly", "FACILITY_COLUMNS", "QUALITY_COLUMNS", "SOURCE_COLUMNS", "FacilityYear",
           "MarketResult", "QualityFlag", "SourceLine"]
