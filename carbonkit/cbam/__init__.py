"""Embedded emissions of goods exported to the EU under the Carbon Border Adjustment Mechanism (CBAM).

``embedded_emissions(installation)`` attributes an installation's direct emissions (and electricity, as the
indirect part) to its production processes and goods, adds the relevant precursors, and compares each good's
specific embedded emissions with the default value of its CN code and the year's mark-up. Rules: Regulation (EU)
2023/956 and Implementing Regulations (EU) 2025/2547 (calculation) and 2025/2621 (default values); data in
``factors/cbam/``.
"""

from carbonkit.cbam.communication import CbamResult, embedded_emissions, read_installation
from carbonkit.cbam.data import DefaultsData, GoodsData, load_defaults, load_goods
from carbonkit.cbam.model import (BoughtPrecursor, CarbonPrice, Good, HeatFlow, Installation, PrecursorUse, Process,
                                  SourceStream, WasteGasFlow)

__all__ = ["BoughtPrecursor", "CarbonPrice", "CbamResult", "DefaultsData", "Good", "GoodsData", "HeatFlow",
           "Installation", "PrecursorUse", "Process", "SourceStream", "WasteGasFlow", "embedded_emissions",
           "load_defaults", "load_goods", "read_installation"]
