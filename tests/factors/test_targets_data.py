"""The shipped target profiles (factors/targets) and deflator tables (factors/deflators) validate and carry the
values of the reference notes (policy_targets.md §1; energy_carbon_factors.md §5)."""

from __future__ import annotations

import tomllib

import pytest

from carbonkit.datafiles import data_path
from carbonkit.deflators import load_deflators, shipped_deflators
from carbonkit.errors import FactorDataError
from carbonkit.factors import STATUSES
from carbonkit.factors.documents import shipped
from carbonkit.target_profiles import load_profile

PROFILES = shipped("targets")


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_every_shipped_profile_validates(path):
    profile = load_profile(path)
    assert profile.id == path.stem
    assert all(t.status in STATUSES for t in profile.targets)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in ("id", "kind", "title", "source", "edition", "issuing_body", "published", "region", "notes"):
        assert str(raw.get(key, "")).strip(), f"{path.name}: {key} is empty"


def test_shandong_14th_five_year_targets():
    p = load_profile("shandong-14fyp-2021-2025")
    assert (p.region, p.base_year, p.target_year) == ("37", 2020, 2025)
    t = {x.id: x for x in p.targets}
    assert (t["energy_intensity"].form, t["energy_intensity"].value) == ("cumulative_decline", 0.17)
    assert (t["water_intensity"].form, t["water_intensity"].value) == ("cumulative_decline", 0.05)
    assert (t["green_factories"].form, t["green_factories"].value) == ("count", 500)
    assert (t["green_parks"].form, t["green_parks"].value) == ("count", 20)
    exclusions = {e.id: e for e in p.exclusions}
    assert exclusions["feedstock"].rule == "deduct" and exclusions["feedstock"].status == "verified"
    assert "803" in exclusions["feedstock"].source
    # reference §5: whether the new-renewables deduction applies to intensity is conflicting (U)
    assert exclusions["new_renewables"].rule == "deduct_increase_over_base"
    assert exclusions["new_renewables"].status == "unverified"
    assert [e.id for e in p.exclusions] == ["feedstock", "new_renewables"]


def test_shanghai_profile():
    p = load_profile("shanghai-manufacturing-2023-2025")
    assert (p.region, p.base_year, p.target_year) == ("31", 2022, 2025)
    energy = next(t for t in p.targets if t.id == "energy_intensity")
    assert (energy.form, energy.value, energy.status) == ("annual_decline", 0.01, "unconfirmed")


def test_any_province_and_plan_period_fit_the_schema(tmp_path):
    path = tmp_path / "guangdong-15fyp.toml"
    path.write_text('id = "guangdong-15fyp"\nkind = "targets"\ntitle = "t"\nsource = "s"\nedition = "e"\n'
                    'issuing_body = "b"\npublished = "2026"\nregion = "44"\nbase_year = 2025\ntarget_year = 2030\n'
                    '[[target]]\nid = "water"\nindicator = "water_intensity"\nform = "cumulative_decline"\nvalue = 0.08\n'
                    'status = "unverified"\n', encoding="utf-8")
    p = load_profile(path)
    assert (p.region, p.base_year, p.target_year) == ("44", 2025, 2030)


@pytest.mark.parametrize("change, message", [
    ('form = "cumulative_decline"', "target[0].form"),
    ('value = 0.17', "target[0]"),
    ('region = "37"', "region"),
    ('kind = "targets"', "kind"),
])
def test_validator_names_file_and_place(tmp_path, change, message):
    good = {'form = "cumulative_decline"': 'form = "halving"', 'value = 0.17': 'value = 17',
            'region = "37"': 'region = "Shandong"', 'kind = "targets"': 'kind = "criteria"'}
    text = data_path("targets", "shandong-14fyp-2021-2025.toml").read_text(encoding="utf-8")
    assert change in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(change, good[change], 1), encoding="utf-8")
    with pytest.raises(FactorDataError) as info:
        load_profile(path)
    assert "broken.toml" in str(info.value) and message in str(info.value)


def test_shipped_deflator_tables():
    assert "nbs-ppi-cn" in shipped_deflators()
    for name in shipped_deflators():
        table = load_deflators(name).table
        assert set(table.rows["status"]) <= set(STATUSES)
        assert all(i.startswith(table.id + ".") for i in table.rows["id"])
        assert table.meta["notes"].strip()
    ppi = load_deflators("nbs-ppi-cn").table.rows.set_index("year")
    # NBS: 2021 +8.1 %, 2022 +4.1 %, 2023 -3.0 % (previous year = 100), read in reproductions: corroborated
    assert ppi.loc[2021, "value"] == 108.1 and ppi.loc[2022, "value"] == 104.1 and ppi.loc[2023, "value"] == 97.0
    assert set(ppi["status"]) == {"corroborated"}
    assert set(ppi["base_year"]) == {""}  # chain indices
