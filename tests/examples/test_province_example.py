"""examples/province_series.csv through ``carbonkit report region``: the README's worked example, by hand.

Three enterprises, 2020-2023, electricity only (0.1229 tce/MWh, GB/T 2589-2020 App. A), value added at
comparable (2020) prices given every year:
  A C29: 10,000 / 9,800 / 9,400 / 9,000 MWh; VA comp. 10,000 / 10,200 / 10,400 / 10,500
  B C26:  5,000 / 4,800 / 4,400 / 4,000 MWh; VA comp.  5,000 /  5,200 /  5,400 /  5,500
  C C31:  2,000 / 2,000 / 1,950 / 1,900 MWh; VA comp.  2,000 /  2,020 /  2,040 /  2,060
2020: 17,000 MWh x 0.1229 = 2,089.3 tce / 17,000 = 0.1229 tce/10^4 CNY
2023: 14,900 MWh x 0.1229 = 1,831.21 tce / 18,060 = 0.1013959 -> 0.1013959 / 0.1229 - 1 = -17.50 %
Required path 2023: 0.1229 x 0.83^(3/5) = 0.1229 x 0.8942251 = 0.1099003; achieved 1 - 0.8250277^(1/3) = 6.21 %/yr
Water: 2020 90,000 m3 / 17,000 = 5.2941; 2023 86,000 / 18,060 = 4.7619 -> -10.05 %
LMDI-I by division, w = E_i / VA (weights), L the log mean of w_T and w_0:
  C29 w0 = 1,229.0 / 17,000 = 0.0722941, wT = 1,106.1 / 18,060 = 0.0612458, L = 0.0666424;
      structure L x ln((10,500/18,060) / (10,000/17,000)) = 0.0666424 x ln(0.9883721) = -0.00078
      intensity L x ln((1,106.1/10,500) / 0.1229) = 0.0666424 x ln(0.8571429) = -0.01027
  the three divisions: structure -0.00011, intensity -0.02140, total -0.02150 = 0.10140 - 0.12290
  largest contributor C29 -0.01105 = 51.4 % of the change; then C26 -0.00893 (41.5 %), C31 -0.00153 (7.1 %)
"""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cli.main import app
from carbonkit.datafiles import examples_dir

runner = CliRunner()


def _row(html: str, attr: str) -> str:
    m = re.search(rf"<tr {attr}>(.*?)</tr>", html, re.S)
    assert m, attr
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def test_the_readme_example(tmp_path):
    out = tmp_path / "province.html"
    result = runner.invoke(app, ["report", "region", str(examples_dir() / "province_series.csv"), "--year-fallback",
                                 "nearest", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    energy = _row(html, 'data-target="energy_intensity.total"')
    assert "0.1229" in energy and "0.1014" in energy and "-17.50 %" in energy and "6.21 %" in energy
    water = _row(html, 'data-target="water_intensity.total"')
    assert "5.2941" in water and "4.7619" in water and "-10.05 %" in water
    assert "0.1099" in _row(html, 'data-year="2023"')  # the required path (first curve: energy)
    effects = re.search(r'<table class="effects" data-indicator="energy">(.*?)</table>', html, re.S).group(1)
    assert "-0.00011" in _row(effects, 'data-effect="structure"')
    assert "-0.02140" in _row(effects, 'data-effect="intensity"')
    assert "-0.02150" in _row(effects, 'data-effect="total"')
    contributors = re.search(r'<table class="contributors" data-indicator="energy">(.*?)</table>', html, re.S).group(1)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in re.findall(r"<tr>(.*?)</tr>", contributors, re.S)][1:]
    # the division's code, now shown with its GB/T 4754-2017 name ("C29 Manufacture of rubber and plastics products")
    assert [re.search(r"\bC\d\d\b", r).group(0) for r in rows] == ["C29", "C26", "C31"]
    assert "C29 Manufacture of rubber and plastics products" in rows[0]
    assert rows[0].endswith("-0.01105 51.4 %") and rows[1].endswith("-0.00893 41.5 %")
