"""Documents, hand-computed results and response-shape readers shared by the service tests.

Expected numbers are worked out by hand from the reference tables
(/work/shared/reference/energy_carbon_factors.md), never copied from the service's output:

- raw coal 0.7143 kgce/kg (GB/T 2589 Appendix A); EF 1.8608 tCO2/t (reference section 2, proxy)
- electricity 0.1229 kgce/kWh (equivalent method)
- natural gas 1.3300 kgce/m3; EF 21.622 tCO2/10^4 Nm3
- Shandong (37) grid, purpose "average": 2022 0.6410, 2023 0.6191 tCO2/MWh
"""

from __future__ import annotations

import re

import pytest

POSTGRES_ENV = "CARBONKIT_TEST_POSTGRES_URL"
POSTGRES_SKIP = "set CARBONKIT_TEST_POSTGRES_URL to run against PostgreSQL (bash .ci/run does)"

# Two enterprises in two parks (unified social credit codes of the bundled examples).
ENT_A = "91370211473270545N"  # Qingdao tyre maker, park P01
ENT_B = "91370305552464479B"  # Zibo petrochemical plant, park P02
ENT_C = "91370305710852339P"  # a third enterprise, used where one must not exist yet
PARK_A = "P01"
PARK_B = "P02"
RELEASE = "cn-2026.11"  # the only release shipped in factors/releases


# --------------------------------------------------------------------------- documents

def doc_a(period: str = "2023", coal_t: float = 1000, electricity_mwh: float = 12000, **extra) -> dict:
    """Enterprise A: raw coal and grid electricity, value added 10,000 x 10^4 CNY, Qingdao (370211), park P01."""
    doc = {"enterprise": ENT_A, "name": "青岛示例轮胎有限公司", "region": "370211", "industry": "C2911",
           "park": PARK_A, "period": period,
           "items": [{"item": "raw_coal", "amount": coal_t, "unit": "t"},
                     {"item": "electricity", "amount": electricity_mwh, "unit": "MWh"},
                     {"item": "value_added", "amount": 10000, "unit": "万元"}]}
    doc.update(extra)
    return doc


def doc_b(period: str = "2023", gas_10k_m3: float = 100, electricity_mwh: float = 5000, **extra) -> dict:
    """Enterprise B: natural gas and grid electricity, Zibo (370305), park P02."""
    doc = {"enterprise": ENT_B, "name": "淄博示例石化有限公司", "region": "370305", "industry": "C2614",
           "park": PARK_B, "period": period,
           "items": [{"item": "natural_gas", "amount": gas_10k_m3, "unit": "万立方米"},
                     {"item": "electricity", "amount": electricity_mwh, "unit": "MWh"}]}
    doc.update(extra)
    return doc


def simple_doc(enterprise: str, period: str = "2023", *, park: str | None = PARK_A,
               electricity_mwh: float = 1000) -> dict:
    """A one-item document: grid electricity in Shandong."""
    doc = {"enterprise": enterprise, "region": "370211", "period": period,
           "items": [{"item": "electricity", "amount": electricity_mwh, "unit": "MWh"}]}
    if park is not None:
        doc["park"] = park
    return doc


# Hand-computed results of doc_a() (2023):
#   raw coal     1,000 t x 0.7143 kgce/kg = 714.3 tce
#   electricity 12,000 MWh = 12,000,000 kWh x 0.1229 kgce/kWh = 1,474,800 kgce = 1,474.8 tce
#   energy (equivalent) = 714.3 + 1,474.8 = 2,189.1 tce
#   CO2 combustion = 1,000 t x 1.8608 tCO2/t = 1,860.8 tCO2
#   CO2 electricity (location, Shandong 2023) = 12,000 MWh x 0.6191 = 7,429.2 tCO2
#   CO2 location = 1,860.8 + 7,429.2 = 9,290.0 tCO2
#   energy intensity = 2,189.1 tce / 10,000 x 10^4 CNY = 0.21891 tce per 10^4 CNY
A_2023 = {"energy_equivalent_tce": 2189.1, "co2_combustion_tco2": 1860.8,
          "co2_electricity_location_tco2": 7429.2, "co2_location_tco2": 9290.0,
          "electricity_kwh": 12_000_000, "value_added_10k_cny": 10000,
          "energy_intensity_tce_per_10k_cny": 0.21891}
# Hand-computed results of doc_b() (2023):
#   natural gas 100 x 10^4 m3 = 1,000,000 m3 x 1.3300 kgce/m3 = 1,330.0 tce
#   electricity 5,000 MWh = 5,000,000 kWh x 0.1229 = 614.5 tce;  energy = 1,944.5 tce
#   CO2 combustion = 100 x 21.622 = 2,162.2 tCO2;  electricity 5,000 x 0.6191 = 3,095.5 tCO2
B_2023 = {"energy_equivalent_tce": 1944.5, "co2_combustion_tco2": 2162.2,
          "co2_electricity_location_tco2": 3095.5, "co2_location_tco2": 5257.7}


def summary_of(result: dict) -> dict:
    """The summary row of a result: the result itself (calculate) or its ``summary`` (a stored result,
    which also carries release, options and computed_at)."""
    return result["summary"] if isinstance(result.get("summary"), dict) else result


def assert_numbers(result: dict, expected: dict, rel: float = 1e-4) -> None:
    """Each expected column of ``result`` equals the hand-computed value (relative tolerance 1e-4: the
    reference tables give EFs to 4-5 significant figures)."""
    result = summary_of(result)
    for col, value in expected.items():
        assert col in result, f"result has no column {col!r}"
        assert result[col] == pytest.approx(value, rel=rel), f"{col}: {result[col]} != {value}"


# --------------------------------------------------------------------------- response shapes

def as_list(body, *names: str) -> list:
    """The list in a collection response: the body itself, or its ``items`` (or one of ``names``) member."""
    if isinstance(body, list):
        return body
    for name in (*names, "items", "data", "results"):
        if isinstance(body, dict) and isinstance(body.get(name), list):
            return body[name]
    raise AssertionError(f"not a collection response: {body!r}")


def ids_of(body, *names: str) -> set[str]:
    return {str(e.get("id", e.get("enterprise"))) for e in as_list(body, *names)}


def release_names(body) -> list[str]:
    """Names from GET /v1/factors/releases: a list of names or of objects with ``name``."""
    return [r if isinstance(r, str) else r["name"] for r in as_list(body, "releases")]


def document_of(body: dict) -> dict:
    """The stored document in a report response (``report`` or ``document``)."""
    for name in ("report", "document"):
        if isinstance(body.get(name), dict):
            return body[name]
    raise AssertionError(f"no document in {sorted(body)}")


def problems_of(body: dict) -> list[dict]:
    assert isinstance(body, dict) and isinstance(body.get("problems"), list), body
    return body["problems"]


def error_paths(body) -> list[list[str]]:
    """Every field path an error response names, as token lists: FastAPI ``detail[].loc`` and the
    core's ``problems[].path`` ("[0].items[2].amount" -> ["0", "items", "2", "amount"])."""
    paths = []
    if isinstance(body, dict) and isinstance(body.get("detail"), list):
        paths += [[str(p) for p in d.get("loc", [])] for d in body["detail"] if isinstance(d, dict)]
    if isinstance(body, dict) and isinstance(body.get("problems"), list):
        for p in body["problems"]:
            if p.get("path"):
                paths.append(re.findall(r"[^\[\].]+", str(p["path"])))
    return paths


def names_field(body, *tail: str) -> bool:
    """True when some error path ends with ``tail`` (e.g. "items", "0", "amount")."""
    return any(path[-len(tail):] == list(tail) for path in error_paths(body))



def auth(key: str) -> dict[str, str]:
    """Headers authenticating with ``key``."""
    return {"Authorization": f"Bearer {key}"}
