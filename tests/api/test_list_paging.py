"""List routes say how long the whole list is (``X-Total-Count``) and where the next page starts (``Link``).

Seeded: enterprises A (park P01) and B (park P02), as in conftest's ``seeded``.
"""

from __future__ import annotations

from service_kit import ENT_A, ENT_B, PARK_A, auth


def test_a_page_of_enterprises_states_the_total_and_the_next_page(client, seeded, keys):
    r = client.get("/v1/enterprises", params={"limit": 1}, headers=auth(keys.province))
    assert r.status_code == 200
    assert [e["id"] for e in r.json()] == [ENT_A]  # ordered by id: 9137021... before 9137030...
    assert r.headers["X-Total-Count"] == "2"
    link = r.headers["Link"]
    assert link.endswith('; rel="next"') and "offset=1" in link and "limit=1" in link
    nxt = client.get(link[1:link.index(">")], headers=auth(keys.province))
    assert [e["id"] for e in nxt.json()] == [ENT_B]
    assert nxt.headers["X-Total-Count"] == "2" and "Link" not in nxt.headers  # the last page has no next link


def test_the_total_counts_only_what_the_key_sees(client, seeded, keys):
    r = client.get("/v1/enterprises", headers=auth(keys.park))
    assert r.headers["X-Total-Count"] == str(len(r.json())) == "1"
    assert "Link" not in r.headers


def test_parks_and_a_parks_enterprises_state_their_total(client, seeded, keys):
    parks = client.get("/v1/parks", headers=auth(keys.province))
    assert parks.headers["X-Total-Count"] == str(len(parks.json()))
    members = client.get(f"/v1/parks/{PARK_A}/enterprises", headers=auth(keys.province))
    assert members.headers["X-Total-Count"] == "1" and [e["id"] for e in members.json()] == [ENT_A]
