"""EU CBAM: embedded emissions of the goods of three example Shandong installations (a BF-BOF steel works buying
pig iron, a cement plant with its own and bought clinker, an aluminium smelter with a wire mill), each written as
the communication JSON, .xlsx and bilingual HTML summary into the current directory.

Run: python examples/cbam_installations.py
"""

import json
from pathlib import Path

from carbonkit.cbam import embedded_emissions, read_installation
from reports.cbam import html_summary, write_xlsx

HERE = Path(__file__).resolve().parent

for name in ("cbam_steel_bfbof", "cbam_cement", "cbam_aluminium"):
    result = embedded_emissions(read_installation(HERE / f"{name}.json"))
    comm = result.to_dict()
    Path(f"{name}_communication.json").write_text(json.dumps(comm, ensure_ascii=False, indent=2), encoding="utf-8")
    write_xlsx(comm, f"{name}_communication.xlsx")
    Path(f"{name}_summary.html").write_text(html_summary(comm), encoding="utf-8")
    print(f"{result.installation.id}: direct {result.direct_emissions:,.0f} tCO2e, attributed "
          f"{result.attributed_direct:,.0f} tCO2e")
    for g in result.goods:
        vs = "no default shipped" if g.difference is None else (
            f"default+mark-up {g.default_marked_up:.4f}, difference {g.difference:+.4f} tCO2e/t")
        print(f"  CN {g.cn_code}: {g.quantity_t:,.0f} t, SEE charged {g.see_charged:.4f} tCO2e/t ({vs})")
