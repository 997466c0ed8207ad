"""Reading the register (enterprises and parks) and the stored reports and results within a key's scope.

A record the key may not see answers exactly as a missing one (404, the same body), so that existence does not leak.
"""

from __future__ import annotations

from typing import Any, cast

from sqlmodel import Session, col, select

import carbonkit as ck
from api.access import Scope, not_found
from api.ingest import options_hash, result_row
from api.models import Enterprise, Park, Report, Result
from api.paging import count_of
from api.partitions import ensure_years, year_of
from api.queries import visible_enterprise

CHUNK = 500  # ids per IN (...) list


def enterprises_page(session: Session, scope: Scope, park: str | None, region: str | None, offset: int,
                     limit: int) -> tuple[int, list[Enterprise]]:
    """(how many enterprises the key may see of ``park`` and ``region``, the page of ``limit`` from ``offset``)."""
    query = select(Enterprise)
    where = scope.enterprise_filter(col(Enterprise.id), col(Enterprise.park_id))
    if where is not None:
        query = query.where(where)
    if park:
        query = query.where(col(Enterprise.park_id) == park)
    if region:
        query = query.where(col(Enterprise.region).startswith(region, autoescape=True))
    total = count_of(session, query)
    return total, list(session.exec(query.order_by(col(Enterprise.id)).offset(offset).limit(limit)).all())


def visible_parks(session: Session, scope: Scope) -> list[Park]:
    """Every park the key may see: the province all, a park key its own, an enterprise key its enterprises' parks."""
    query = select(Park).order_by(col(Park.id))
    where = scope.park_filter(col(Park.id), lambda ids: select(col(Enterprise.park_id)).where(col(Enterprise.id).in_(ids)))
    if where is not None:
        query = query.where(where)
    return list(session.exec(query).all())


def visible_park(session: Session, scope: Scope, park_id: str) -> Park:
    """The park if it exists and the key may see it (the province, or a park key of this park); 404 otherwise."""
    park = session.get(Park, park_id) if scope.may_read_park(park_id) else None
    if park is None:
        raise not_found(f"park {park_id}")
    return park


def park_enterprises(session: Session, scope: Scope, park_id: str) -> list[Enterprise]:
    """Every enterprise of a park the key may see (404 otherwise)."""
    visible_park(session, scope, park_id)
    return list(session.exec(select(Enterprise).where(col(Enterprise.park_id) == park_id).order_by(col(Enterprise.id))).all())


def parks_of(session: Session, enterprise_ids: list[str]) -> dict[str, str | None]:
    """The registered park of each registered enterprise of ``enterprise_ids``."""
    ids = sorted(set(enterprise_ids))
    parks: dict[str, str | None] = {}
    for start in range(0, len(ids), CHUNK):
        for ent_id, park_id in session.exec(select(col(Enterprise.id), col(Enterprise.park_id))
                                            .where(col(Enterprise.id).in_(ids[start:start + CHUNK]))).all():
            parks[ent_id] = park_id
    return parks


def latest_reports(session: Session, scope: Scope, enterprise_id: str) -> list[Report]:
    """The latest revision of each period of a visible enterprise (404 otherwise)."""
    visible_enterprise(session, scope, enterprise_id)
    return list(session.exec(select(Report).where(col(Report.enterprise_id) == enterprise_id, col(Report.is_latest))
                             .order_by(col(Report.period))).all())


def find_report(session: Session, scope: Scope, enterprise_id: str, period: str, revision: int | None) -> Report:
    """A revision of a visible enterprise's report (the latest unless ``revision``); 404 otherwise."""
    visible_enterprise(session, scope, enterprise_id)
    query = select(Report).where(col(Report.enterprise_id) == enterprise_id, col(Report.period) == period)
    query = query.where(col(Report.revision) == revision) if revision is not None else query.where(col(Report.is_latest))
    report = session.exec(query).first()
    if report is None:
        raise not_found(f"report {enterprise_id} {period}" + (f" revision {revision}" if revision else ""))
    return report


def report_revisions(session: Session, scope: Scope, enterprise_id: str, period: str) -> list[Report]:
    """Every revision of a visible enterprise's report, oldest first (404 when there is none)."""
    visible_enterprise(session, scope, enterprise_id)
    reports = list(session.exec(select(Report).where(col(Report.enterprise_id) == enterprise_id, col(Report.period) == period)
                                .order_by(col(Report.revision))).all())
    if not reports:
        raise not_found(f"report {enterprise_id} {period}")
    return reports


def enterprise_results(session: Session, scope: Scope, enterprise_id: str, period: str | None,
                       all_revisions: bool) -> list[tuple[Report, Result]]:
    """(report, result) of a visible enterprise: the latest revisions (or every revision), of ``period`` or all."""
    visible_enterprise(session, scope, enterprise_id)
    query = select(Report, Result).join(Result, col(Result.report_id) == col(Report.id)).where(col(Report.enterprise_id) == enterprise_id)
    if period:
        query = query.where(col(Report.period) == period, col(Result.year) == year_of(period))
    if not all_revisions:
        query = query.where(col(Report.is_latest))
    return list(session.exec(query.order_by(col(Report.period), col(Report.revision), col(Result.id))).all())


def store_result(session: Session, report: Report, result: ck.AccountingResult,
                 options: ck.AccountingOptions) -> tuple[Result, bool]:
    """The result of ``report`` with this release and options, stored unless it already is: (result, created)."""
    year = year_of(report.period)
    ensure_years(session.get_bind().engine, [year])
    existing = session.exec(select(Result).where(col(Result.report_id) == report.id, col(Result.year) == year,
                                                 col(Result.release) == result.release,
                                                 col(Result.options_hash) == options_hash(options))).first()
    if existing is not None:
        return existing, False
    row = Result(**result_row(cast(int, report.id), result.release, options, result.records()[0]))  # a stored report
    session.add(row)
    session.commit()
    session.refresh(row)
    return row, True


def latest_documents(session: Session, scope: Scope, enterprise_id: str) -> list[Any]:
    """The documents of the latest revisions of a visible enterprise's reports (404 otherwise)."""
    visible_enterprise(session, scope, enterprise_id)
    return list(session.exec(select(col(Report.document)).where(col(Report.enterprise_id) == enterprise_id,
                                                           col(Report.is_latest))).all())
