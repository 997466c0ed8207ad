"""Bulk storage by COPY on PostgreSQL (api/bulkcopy.py): the same guarantees and the same stored rows as
the ORM path — all or nothing, a re-sent report is unchanged, changed content is a new revision.

The COPY path is taken for batches of at least ``BULK_MIN_REPORTS`` reports; the tests lower it to 2.
"""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import create_engine, text

from service_kit import ENT_A, ENT_B, PARK_A, POSTGRES_ENV, POSTGRES_SKIP, doc_a, doc_b

pytestmark = pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=POSTGRES_SKIP)


@pytest.fixture
def settings():
    from api.db import upgrade
    from api.settings import Settings

    url = os.environ[POSTGRES_ENV]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SET lock_timeout = '20s'"))
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from api.db import engine_for
    engine_for(url).dispose()
    upgrade(url)
    return Settings(database_url=url, env="test")


def province():
    from api.keys import Principal
    return Principal(key_id=None, role="province", name="test")


def submit(settings, docs, *, copy: bool, submission_ids=None, principal=None):
    import api.bulkcopy as bulk
    import api.ingest as ingest

    calls = []
    old, original = bulk.BULK_MIN_REPORTS, ingest.store_copy
    bulk.BULK_MIN_REPORTS = 2 if copy else 10**9
    ingest.store_copy = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        reports = [ingest.ReportIn(report=d, submission_id=(submission_ids or [None] * len(docs))[i])
                   for i, d in enumerate(docs)]
        return ingest.store(settings, principal or province(), ingest.prepare(settings, reports))
    finally:
        bulk.BULK_MIN_REPORTS, ingest.store_copy = old, original
        assert bool(calls) == copy  # the path asked for was taken


def stored(settings) -> list[tuple]:
    """Reports with their results (document and summary as JSON values), then the enterprises."""
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.enterprise_id, r.period, r.revision, r.is_latest, r.content_hash, r.submission_id, "
            "r.document::text, s.release, s.year, s.options_hash, s.summary::jsonb, s.energy_equivalent_tce, "
            "s.co2_location_tco2 FROM report r JOIN result s ON s.report_id = r.id "
            "ORDER BY r.enterprise_id, r.period, r.revision")).all()
        enterprises = conn.execute(text("SELECT id, name, region, industry, park_id FROM enterprise ORDER BY id")).all()
    engine.dispose()
    return [(*r[:6], json.loads(r[6]), *r[7:]) for r in rows] + [tuple(e) for e in enterprises]


def test_copy_stores_what_the_orm_path_stores(settings):
    docs = [doc_a("2023"), doc_b("2023"), doc_a("2024", coal_t=900)]
    submit(settings, docs, copy=False)
    by_orm = stored(settings)
    settings = _fresh(settings)
    outcomes = submit(settings, docs, copy=True)
    assert [o.status for o in outcomes] == ["created"] * 3
    assert stored(settings) == by_orm


def _fresh(settings):
    from api.db import upgrade
    engine = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from api.db import engine_for
    engine_for(settings.database_url).dispose()
    upgrade(settings.database_url)
    return settings


def test_resent_batch_is_unchanged_and_changed_content_is_a_revision(settings):
    first = submit(settings, [doc_a("2023"), doc_b("2023")], copy=True, submission_ids=["s1", "s2"])
    again = submit(settings, [doc_a("2023"), doc_b("2023")], copy=True)
    assert [(o.status, o.revision, o.report_id) for o in again] == [("unchanged", 1, o.report_id) for o in first]
    changed = submit(settings, [doc_a("2023", coal_t=1100), doc_b("2023")], copy=True)
    assert [(o.status, o.revision) for o in changed] == [("revised", 2), ("unchanged", 1)]
    # a submission id seen before is unchanged whatever it carries now
    resent = submit(settings, [doc_a("2023", coal_t=5), doc_b("2023")], copy=True, submission_ids=["s1", None])
    assert [(o.status, o.report_id) for o in resent] == [("unchanged", first[0].report_id), ("unchanged",
                                                                                            first[1].report_id)]
    rows = [r for r in stored(settings) if len(r) > 5]
    latest = [(r[0], r[2]) for r in rows if r[3]]
    assert sorted(latest) == sorted([(ENT_A, 2), (ENT_B, 1)])


def test_a_refused_batch_stores_nothing(settings):
    from api.ingest import Forbidden
    from api.keys import Principal

    park_key = Principal(key_id=None, role="park", name="p", parks=frozenset({PARK_A}))
    # COPY is the province's path: a park key's large batch takes the ORM path, with the same refusal
    with pytest.raises(Forbidden):
        submit(settings, [doc_a("2023"), doc_b("2023")], copy=False, principal=park_key)  # B is in park P02
    assert stored(settings) == []


def test_a_submission_id_of_another_enterprise_period_is_a_conflict_and_stores_nothing(settings):
    from api.revisions import SubmissionConflict

    submit(settings, [doc_a("2023"), doc_b("2023")], copy=True, submission_ids=["s1", "s2"])
    before = stored(settings)
    with pytest.raises(SubmissionConflict) as info:  # s1 named A's 2023 report; here it is sent for A's 2024
        submit(settings, [doc_a("2024"), doc_b("2024")], copy=True, submission_ids=["s1", None])
    assert info.value.original == {"submission_id": "s1", "enterprise": ENT_A, "period": "2023"}
    assert stored(settings) == before


def test_an_id_first_sent_with_unchanged_content_is_recorded(settings):
    """The id of a re-send whose content is unchanged is stored, so sending it again later with other content is
    still "unchanged" (issue 11's idempotency rule), on the COPY path as on the ORM path."""
    first = submit(settings, [doc_a("2023"), doc_b("2023")], copy=True)
    same = submit(settings, [doc_a("2023"), doc_b("2023")], copy=True, submission_ids=["late-1", None])
    assert [o.status for o in same] == ["unchanged", "unchanged"]
    later = submit(settings, [doc_a("2023", coal_t=5), doc_b("2023")], copy=True, submission_ids=["late-1", None])
    assert [(o.status, o.report_id) for o in later] == [("unchanged", first[0].report_id),
                                                         ("unchanged", first[1].report_id)]


def test_text_with_tabs_newlines_and_backslashes_survives_copy(settings):
    name = "青岛\t示例\\轮胎\n有限\r公司"
    submit(settings, [doc_a("2023", name=name), doc_b("2023")], copy=True)
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        stored_name = conn.execute(text("SELECT name FROM enterprise WHERE id = :id"), {"id": ENT_A}).scalar_one()
        document = conn.execute(text("SELECT document::text FROM report WHERE enterprise_id = :id"),
                                {"id": ENT_A}).scalar_one()
    engine.dispose()
    assert stored_name == name and json.loads(document)["name"] == name


def test_the_register_written_by_copy_equals_the_orm_paths(settings):
    """New enterprises are inserted set-wise from the stage on the COPY path: the head fields of each one's first
    report in the batch (B's second report names it otherwise and is ignored, as on the ORM path); in a later
    batch a registered enterprise's changed head fields and park are updated, and a new park is registered."""
    batches = ([doc_a("2023"), doc_b("2023", name="first name"), doc_b("2024", name="second name", industry="C2615")],
               [doc_a("2025", name="renamed", park="P09"), doc_b("2025", name="first name")])

    def run(copy: bool) -> list[list[tuple]]:
        states = []
        for docs in batches:
            submit(settings, docs, copy=copy)
            engine = create_engine(settings.database_url)
            with engine.connect() as conn:
                parks = conn.execute(text("SELECT id FROM park ORDER BY id")).all()
            engine.dispose()
            states.append([tuple(r) for r in stored(settings) if len(r) == 5] + [tuple(p) for p in parks])
        return states

    by_orm = run(copy=False)
    _fresh(settings)
    by_copy = run(copy=True)
    assert by_copy == by_orm
    assert by_copy[0] == [(ENT_A, "青岛示例轮胎有限公司", "370211", "C2911", "P01"),
                          (ENT_B, "first name", "370305", "C2614", "P02"), ("P01",), ("P02",)]
    assert by_copy[1] == [(ENT_A, "renamed", "370211", "C2911", "P09"),
                          (ENT_B, "first name", "370305", "C2614", "P02"), ("P01",), ("P02",), ("P09",)]
