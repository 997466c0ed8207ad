"""Benefit endpoints: the screen of a posted or stored enterprise-period and the grading of a region or park,
with the role boundaries (province: all; park: its enterprises; enterprise: itself)."""

from __future__ import annotations

import pytest
from service_kit import ENT_A, ENT_B, ENT_C, PARK_A, PARK_B, auth, problems_of

ENT_D = "91370305MA3BXM0C16"


def stored(enterprise: str, park: str, region: str, industry: str, tax: float, revenue: float) -> dict:
    """Land 100 亩 and 10 employees each: tax per mu = tax / 100, revenue per employee = revenue / 10."""
    return {"enterprise": enterprise, "period": "2023", "park": park, "region": region, "industry": industry,
            "items": [{"item": "raw_coal", "amount": 1000, "unit": "t"},
                      {"item": "tax", "amount": tax, "unit": "万元"},
                      {"item": "revenue", "amount": revenue, "unit": "万元"},
                      {"item": "value_added", "amount": revenue / 2, "unit": "万元"},
                      {"item": "rd_expense", "amount": revenue / 50, "unit": "万元"},
                      {"item": "land_area", "amount": 100, "unit": "亩"},
                      {"item": "employees", "amount": 10, "unit": "人"}]}


# tax per mu: A 3.0, C 1.0, D 2.0 (park P01, Qingdao), B 4.0 (park P02, Zibo);
# revenue per employee: A 1.0, C 5.0, D 2.0, B 0.5
DOCS = [stored(ENT_A, PARK_A, "370211", "C2911", 300, 10), stored(ENT_C, PARK_A, "370211", "C3011", 100, 50),
        stored(ENT_D, PARK_A, "370211", "C3011", 200, 20), stored(ENT_B, PARK_B, "370305", "C2614", 400, 5)]


def scheme(weights: dict[str, float]) -> dict:
    """A user's scheme: benchmarks 1, classes A ≤ 50 %, B the rest."""
    defs = {"tax_per_mu": ("tax", "land_area", "万元/亩"), "revenue_per_employee": ("revenue", "employees", "万元/人")}
    return {"id": "test-scheme", "kind": "grading_scheme", "title": "test", "source": "tests", "edition": "1",
            "issuing_body": "tests", "published": "2026", "region": "37",
            "indicator": [{"id": k, "name_zh": k, "numerator": defs[k][0], "denominator": defs[k][1], "unit": defs[k][2],
                           "weight": w, "benchmark": 1, "status": "unverified"} for k, w in weights.items()],
            "grade": [{"grade": "A", "up_to": 0.5, "status": "unverified"}, {"grade": "B", "up_to": 1, "status": "unverified"}]}


TAX_ONLY = scheme({"tax_per_mu": 100})
TAX_AND_REVENUE = scheme({"tax_per_mu": 10, "revenue_per_employee": 100})


@pytest.fixture
def world(client, keys):
    for doc in DOCS:
        r = client.post("/v1/reports", json={"report": doc}, headers=auth(keys.province))
        assert r.status_code == 201, r.text
    return keys


def grades(client, key, **body) -> tuple[int, dict]:
    r = client.post("/v1/benefit/grades", json={"period": "2023", **body}, headers=auth(key))
    return r.status_code, r.json()


def by_enterprise(body: dict) -> dict[str, dict]:
    return {r["enterprise"]: r for r in body["results"]}


def test_province_grades_a_park_by_hand(client, world):
    """Park P01 with score = 100 × tax per mu: A 300, D 200, C 100 → ranks 1, 2, 3 of 3; places 1/3 → A,
    2/3 and 3/3 → B."""
    code, body = grades(client, world.province, park=PARK_A, scheme_document=TAX_ONLY)
    assert code == 200, body
    got = by_enterprise(body)
    assert set(got) == {ENT_A, ENT_C, ENT_D} and body["population"] == 3
    assert [(got[e]["score"], got[e]["rank"], got[e]["grade"]) for e in (ENT_A, ENT_D, ENT_C)] == \
        [(pytest.approx(300), 1, "A"), (pytest.approx(200), 2, "B"), (pytest.approx(100), 3, "B")]


def test_a_posted_scheme_with_other_weights_changes_the_grades(client, world):
    """score = 10 × tax per mu + 100 × revenue per employee: A 30 + 100 = 130, C 10 + 500 = 510, D 20 + 200 = 220
    → C 1 (A), D 2 (B), A 3 (B): A falls from A to B, C rises from B to A."""
    _, first = grades(client, world.province, park=PARK_A, scheme_document=TAX_ONLY)
    code, second = grades(client, world.province, park=PARK_A, scheme_document=TAX_AND_REVENUE)
    assert code == 200
    before, after = by_enterprise(first), by_enterprise(second)
    assert after[ENT_C]["score"] == pytest.approx(510) and after[ENT_A]["score"] == pytest.approx(130)
    assert (before[ENT_A]["grade"], after[ENT_A]["grade"]) == ("A", "B")
    assert (before[ENT_C]["grade"], after[ENT_C]["grade"]) == ("B", "A")


def test_park_and_enterprise_keys_see_only_their_rows(client, world):
    """Region 37 (all four) by tax per mu: B 400 (1), A 300 (2), D 200 (3), C 100 (4)."""
    code, body = grades(client, world.province, region="37", scheme_document=TAX_ONLY)
    assert code == 200 and set(by_enterprise(body)) == {ENT_A, ENT_B, ENT_C, ENT_D}
    code, body = grades(client, world.park, region="37", scheme_document=TAX_ONLY)
    got = by_enterprise(body)
    assert code == 200 and set(got) == {ENT_A, ENT_C, ENT_D} and body["population"] == 4
    assert (got[ENT_A]["rank"], got[ENT_A]["graded"]) == (2, 4)
    code, body = grades(client, world.ent_a, park=PARK_A, scheme_document=TAX_ONLY)
    assert code == 200 and [r["enterprise"] for r in body["results"]] == [ENT_A]
    assert (body["results"][0]["rank"], body["results"][0]["graded"]) == (1, 3)
    r = client.get("/v1/benefit/grades", params={"period": "2023", "region": "37"}, headers=auth(world.ent_b))
    assert r.status_code == 200 and [x["enterprise"] for x in r.json()["results"]] == [ENT_B]


def test_keys_outside_the_population_get_404(client, world):
    for key in (world.park_b, world.ent_b):
        code, _ = grades(client, key, park=PARK_A, scheme_document=TAX_ONLY)
        assert code == 404
    r = client.get("/v1/benefit/grades", params={"period": "2023", "park": PARK_A}, headers=auth(world.ent_b))
    assert r.status_code == 404
    assert client.get("/v1/benefit/grades", params={"period": "2023", "park": PARK_A}).status_code == 401


def test_default_scheme_reports_missing_not_zero_and_profiles_fill_it(client, world):
    """The shipped example scheme needs pollutant emissions: without any, nobody is graded and the reason is
    named. Posted profiles give A, C and D theirs; B (no pollutants) then gets their mean points."""
    r = client.get("/v1/benefit/grades", params={"period": "2023", "region": "37"}, headers=auth(world.province))
    assert r.status_code == 200
    body = r.json()
    assert body["scheme"]["id"] == "huangyan-2022-above-scale" and body["scheme"]["example"] is True
    assert all(x["status"] == "missing" and x["grade"] is None and x["missing"] == "pollutants missing"
               for x in body["results"])
    profiles = [{"enterprise": e, "pollutants": [{"pollutant": "SO2", "amount": 10, "unit": "t"}]}
                for e in (ENT_A, ENT_C, ENT_D)]
    code, body = grades(client, world.province, region="37", profiles=profiles)
    assert code == 200
    got = by_enterprise(body)
    assert all(x["status"] == "graded" for x in got.values())
    assert got[ENT_B]["indicators"]["value_added_per_pollutant"]["imputed"] is True


def test_profiles_for_enterprises_a_key_may_not_see_are_refused(client, world):
    profiles = [{"enterprise": ENT_C, "pollutants": [{"pollutant": "SO2", "amount": 10}]}]
    code, _ = grades(client, world.ent_a, park=PARK_A, profiles=profiles)
    assert code == 403
    code, _ = grades(client, world.park_b, park=PARK_B, profiles=profiles)
    assert code == 403
    code, body = grades(client, world.park, park=PARK_A, profiles=profiles)  # C is in the park key's park
    assert code == 200 and set(by_enterprise(body)) == {ENT_A, ENT_C, ENT_D}


@pytest.mark.parametrize("body, params", [
    ({}, {}),  # neither region nor park
    ({"park": PARK_A, "scheme": "../etc/passwd"}, None),
    ({"park": PARK_A, "scheme": "no-such-scheme"}, None),
])
def test_bad_grade_requests_answer_422(client, world, body, params):
    if params is None:
        r = client.post("/v1/benefit/grades", json={"period": "2023", **body}, headers=auth(world.province))
    else:
        r = client.get("/v1/benefit/grades", params={"period": "2023", **params}, headers=auth(world.province))
    assert r.status_code == 422, r.text


def test_a_bad_posted_scheme_names_the_place(client, world):
    bad = scheme({"tax_per_mu": 100})
    bad["indicator"][0]["denominator"] = "land"
    code, body = grades(client, world.province, park=PARK_A, scheme_document=bad)
    assert code == 422
    assert any(p.get("path") == "scheme_document.indicator[0].denominator" for p in problems_of(body))


CLINKER_DOC = {"enterprise": ENT_D, "period": "2023", "industry": "C3011", "region": "370211",
               "items": [{"item": "tax", "amount": 10, "unit": "万元"}, {"item": "land_area", "amount": 100, "unit": "亩"}],
               "benefit": {"equipment": [{"type": "clinker_line", "size": 2500, "unit": "t/day"}]}}


def test_screen_a_posted_document(client, keys):
    """Clinker line 2,500 t/day ≤ 2,500 → fail (provincial); tax per mu 10 / 100 = 0.1 ≥ 0.075 → pass."""
    r = client.post("/v1/benefit/screen", json=CLINKER_DOC, headers=auth(keys.province))
    assert r.status_code == 200, r.text
    result = r.json()["results"][0]
    checks = {c["standard"]: c for c in result["checks"]}
    assert result["verdict"] == "fail"
    assert checks["cement.clinker_line_le_2500"]["result"] == "fail"
    assert checks["cement.tax_per_mu"]["value"] == pytest.approx(0.1)
    assert "cement.tax_per_mu" in r.json()["unverified"]
    assert client.post("/v1/benefit/screen", json=CLINKER_DOC, headers=auth(keys.ent_a)).status_code == 403
    own = {**CLINKER_DOC, "enterprise": ENT_A}
    assert client.post("/v1/benefit/screen", json=own, headers=auth(keys.ent_a)).status_code == 200
    bad = {**CLINKER_DOC, "benefit": {"equipment": [{"type": "kiln"}]}}
    r = client.post("/v1/benefit/screen", json=bad, headers=auth(keys.province))
    assert r.status_code == 422 and problems_of(r.json())[0]["code"] == "equipment_unknown"


def test_screen_a_stored_enterprise(client, world):
    """Stored C (cement, P01): tax per mu 100 / 100 = 1.0 passes; the posted clinker line of 4,000 t/day passes
    by 1,500; revenue per employee 50 / 10 = 5 < 118.1 fails."""
    url = f"/v1/benefit/enterprises/{ENT_C}/2023/screen"
    profile = {"equipment": [{"type": "clinker_line", "size": 4000, "unit": "t/day"}]}
    for key in (world.province, world.park):
        r = client.post(url, json=profile, headers=auth(key))
        assert r.status_code == 200, r.text
    checks = {c["standard"]: c for c in r.json()["results"][0]["checks"]}
    assert checks["cement.clinker_line_le_2500"]["margin"] == 1500
    assert checks["cement.tax_per_mu"]["value"] == pytest.approx(1.0)
    assert checks["cement.revenue_per_employee"]["result"] == "fail"
    for key in (world.park_b, world.ent_a, world.ent_b):
        assert client.post(url, json=profile, headers=auth(key)).status_code == 404
    assert client.post(f"/v1/benefit/enterprises/{ENT_C}/2022/screen", json=profile,
                       headers=auth(world.province)).status_code == 404
    no_profile = client.post(url, headers=auth(world.province))
    assert no_profile.status_code == 200
    assert no_profile.json()["results"][0]["verdict"] == "fail"  # equipment missing, revenue per employee fails


def test_not_applicable_through_the_service(client, world):
    r = client.post(f"/v1/benefit/enterprises/{ENT_B}/2023/screen", headers=auth(world.park_b))
    assert r.status_code == 200
    assert r.json()["results"][0]["verdict"] == "not_applicable"


def test_schemes_and_standards_are_listed(client, keys):
    r = client.get("/v1/benefit/schemes", headers=auth(keys.ent_a))
    assert r.status_code == 200
    assert [(s["id"], s["example"]) for s in r.json()] == [("huangyan-2022-above-scale", True)]
    r = client.get("/v1/benefit/standards", headers=auth(keys.park))
    assert r.status_code == 200 and r.json()["technical"]["id"] == "sd-14fyp-technical-standards"
    assert client.get("/v1/benefit/schemes").status_code == 401
