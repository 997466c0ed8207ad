"""``carbonkit ingest FILE``: the whole file validated and accounted first, then stored in chunks inside one
transaction with progress; re-running changes nothing; a bad file stores nothing; no progress noise off a terminal.

Runs against a fresh SQLite file and against PostgreSQL (``backend`` fixture of conftest).
"""

from __future__ import annotations

import io
import json
from contextlib import contextmanager

import openpyxl
import pytest
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from typer.testing import CliRunner

from api import ingest
from cli.main import app
from cli.service import ingest_file
from api.db import engine_for, upgrade
from api.keys import Principal
from api.models import Report, Result
from cli import status
from carbonkit.datafiles import examples_dir
from service_kit import A_2023, B_2023, ENT_A, ENT_B, doc_a, doc_b

runner = CliRunner()
PROVINCE = Principal(key_id=None, role="province", name="test")
HEADER = ["enterprise", "period", "item", "amount", "unit", "region", "industry", "park", "name"]
# characters rich draws for a progress bar or a spinner
PROGRESS_MARKS = ("━", "╸", "╺", "⠋", "⠙", "⠹", "⠸", "elapsed", "remaining", "Storing", "Reading", "Accounting")


def csv_of(*docs: dict) -> str:
    lines = [",".join(HEADER)]
    for d in docs:
        for it in d["items"]:
            values = {**d, **it}
            lines.append(",".join(str(values.get(c, "")) for c in HEADER))
    return "\n".join(lines) + "\n"


def eleven_reports() -> list[dict]:
    """doc_a for 2013-2023: eleven reports of one enterprise."""
    return [doc_a(str(year)) for year in range(2013, 2024)]


@pytest.fixture
def db(backend, monkeypatch, settings):
    monkeypatch.setenv("CARBONKIT_DATABASE_URL", backend)
    upgrade(settings.database_url)
    return settings


def counted(settings, table=Report) -> int:
    with Session(engine_for(settings.database_url)) as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def latest(settings, enterprise: str, period: str = "2023") -> Result:
    with Session(engine_for(settings.database_url)) as session:
        return session.execute(select(Result).join(Report, Report.id == Result.report_id).where(
            Report.enterprise_id == enterprise, Report.period == period, Report.is_latest)).scalar_one()


# --------------------------------------------------------------------------- the command

def test_ingest_stores_every_report_and_again_changes_nothing(db, tmp_path):
    path = tmp_path / "ab.csv"
    path.write_text(csv_of(doc_a(), doc_b()), encoding="utf-8")
    first = runner.invoke(app, ["ingest", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 reports: 2 created / 0 revised / 0 unchanged in " in first.stdout
    # hand-computed in service_kit: A 714.3 + 1,474.8 = 2,189.1 tce; B CO2 2,162.2 + 3,095.5 = 5,257.7 tCO2
    # (rel 1e-4: the reference tables give the emission factors to 4-5 significant figures)
    assert latest(db, ENT_A).energy_equivalent_tce == pytest.approx(A_2023["energy_equivalent_tce"], rel=1e-9)
    assert latest(db, ENT_B).co2_location_tco2 == pytest.approx(B_2023["co2_location_tco2"], rel=1e-4)
    again = runner.invoke(app, ["ingest", str(path)])
    assert again.exit_code == 0, again.output
    assert "2 reports: 0 created / 0 revised / 2 unchanged" in again.stdout
    assert counted(db) == 2 and counted(db, Result) == 2


def test_ingest_of_the_park_example_then_its_json_form_is_unchanged(db):
    folder = examples_dir()
    first = runner.invoke(app, ["ingest", str(folder / "park.csv"), "--chunk", "3"])
    assert first.exit_code == 0, first.output
    assert "10 reports: 10 created / 0 revised / 0 unchanged" in first.stdout
    same = runner.invoke(app, ["ingest", str(folder / "park.json")])  # the same ten reports as JSON documents
    assert "10 reports: 0 created / 0 revised / 10 unchanged" in same.stdout, same.output


def test_a_changed_report_is_a_revision(db, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(csv_of(doc_a(), doc_b()), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    path.write_text(csv_of(doc_a(coal_t=2000), doc_b()), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert "2 reports: 0 created / 1 revised / 1 unchanged" in result.stdout, result.output
    # 2,000 t x 0.7143 kgce/kg = 1,428.6 tce + 1,474.8 tce electricity = 2,903.4 tce
    assert latest(db, ENT_A).energy_equivalent_tce == pytest.approx(2903.4, rel=1e-9)


def test_a_file_with_a_bad_row_stores_nothing(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(csv_of(doc_b()), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(good)]).exit_code == 0
    before = (counted(db), counted(db, Result))
    text = csv_of(*eleven_reports()).replace("2019,electricity,12000,MWh", "2019,electricity,12000,MWhh")
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(bad), "--chunk", "2"])
    assert result.exit_code == 2
    # the 2019 report is the 7th (2013..2019), its electricity the 2nd item: line 1 + 6 x 3 + 2 = 21
    assert "row 21" in result.stderr and "MWhh" in result.stderr and "field 'unit'" in result.stderr
    assert (counted(db), counted(db, Result)) == before


def test_every_problem_of_the_file_is_listed(db, tmp_path):
    text = csv_of(*eleven_reports()).replace("2014,raw_coal,1000,t", "2014,raw_coal,-5,t").replace(
        "2020,value_added,10000,万元", "2020,value_added,10000,万吨")
    path = tmp_path / "two.csv"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 2 and "2 problem(s)" in result.stderr
    # 2014 is report 2: line 1 + 3 + 1 = 5; 2020 is report 8, value added its 3rd item: 1 + 7 x 3 + 3 = 25
    assert "row 5" in result.stderr and "row 25" in result.stderr
    assert counted(db) == 0


def test_two_json_documents_for_one_enterprise_and_period_are_refused(db, tmp_path):
    path = tmp_path / "twice.json"
    path.write_text(json.dumps([doc_a(), doc_b(), doc_a(coal_t=5)]), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 2
    assert f"enterprise {ENT_A}, period 2023 is also document [0] of this file" in result.stderr
    assert counted(db) == 0


def test_a_report_the_document_model_refuses_is_named_by_its_row(db, tmp_path):
    long_id = "9" * 65  # ids are at most 64 characters
    path = tmp_path / "long.csv"
    path.write_text(csv_of(doc_b(), doc_a(enterprise=long_id)), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 2
    assert "row 4, field 'enterprise'" in result.stderr  # B holds lines 2-3; A starts on line 4
    assert counted(db) == 0


def test_a_missing_file_is_an_error(db, tmp_path):
    result = runner.invoke(app, ["ingest", str(tmp_path / "none.csv")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_a_workbook_is_ingested_and_the_unpacked_limit_applies(db, tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for line in csv_of(doc_a(), doc_b()).splitlines()[1:]:
        cells = line.split(",")
        cells[3] = float(cells[3])
        sheet.append(cells)
    path = tmp_path / "ab.xlsx"
    book.save(path)
    monkeypatch.setenv("CARBONKIT_MAX_XLSX_UNPACKED_BYTES", "1000")  # far below any workbook
    refused = runner.invoke(app, ["ingest", str(path)])
    assert refused.exit_code == 2 and "the limit is 1,000 bytes" in refused.stderr
    assert counted(db) == 0
    monkeypatch.delenv("CARBONKIT_MAX_XLSX_UNPACKED_BYTES")
    stored = runner.invoke(app, ["ingest", str(path)])
    assert "2 reports: 2 created" in stored.stdout, stored.output


# --------------------------------------------------------------------------- progress

def test_no_progress_characters_off_a_terminal(db, tmp_path):
    path = tmp_path / "eleven.csv"
    path.write_text(csv_of(*eleven_reports()), encoding="utf-8")
    for args in (["ingest", str(path), "--chunk", "2"], ["ingest", str(path), "--quiet"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert not [m for m in PROGRESS_MARKS if m in result.output], result.output
        assert result.stdout.strip().count("\n") == 0  # one line: the counts and the time


def test_the_bar_is_drawn_on_a_terminal(db, tmp_path, monkeypatch):
    """The marks the quiet test looks for are the ones a drawn bar has (so that test can fail)."""
    screen = io.StringIO()
    monkeypatch.setattr(status, "showing", lambda quiet=False: not quiet)
    monkeypatch.setattr(status, "err", Console(file=screen, force_terminal=True, width=120))
    path = tmp_path / "eleven.csv"
    path.write_text(csv_of(*eleven_reports()), encoding="utf-8")
    outcomes = ingest_file(db, path, chunk=4)
    drawn = screen.getvalue()
    assert len(outcomes) == 11
    assert "Storing eleven.csv" in drawn and "11/11" in drawn and "reports" in drawn and "━" in drawn
    screen.truncate(0)
    ingest_file(db, path, chunk=4, quiet=True)
    assert screen.getvalue().strip("\x00") == ""


def test_the_command_advances_the_bar_by_each_chunk(db, tmp_path, monkeypatch):
    steps: list[int] = []

    @contextmanager
    def recording(total, description, quiet=False, *, unit=""):
        assert total == 11 and unit == "reports"
        yield steps.append

    monkeypatch.setattr(status, "progress_bar", recording)
    path = tmp_path / "eleven.csv"
    path.write_text(csv_of(*eleven_reports()), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(path), "--chunk", "4"]).exit_code == 0
    assert steps == [4, 4, 3]  # 11 reports in chunks of 4


# --------------------------------------------------------------------------- submit / store with chunks

def reports(docs) -> list[ingest.ReportIn]:
    return [ingest.ReportIn(report=d) for d in docs]


def test_progress_is_called_with_chunk_sizes_summing_to_the_batch(db):
    calls: list[int] = []
    outcomes = ingest.submit(db, PROVINCE, reports(eleven_reports()), chunk=3, progress=calls.append)
    assert calls == [3, 3, 3, 2] and sum(calls) == 11
    assert [o.status for o in outcomes] == ["created"] * 11
    assert [o.period for o in outcomes] == [str(y) for y in range(2013, 2024)]  # in the order given
    again: list[int] = []
    assert {o.status for o in ingest.submit(db, PROVINCE, reports(eleven_reports()), chunk=5,
                                            progress=again.append)} == {"unchanged"}
    assert again == [5, 5, 1]


def test_without_chunk_the_batch_is_one_step(db):
    calls: list[int] = []
    ingest.submit(db, PROVINCE, reports(eleven_reports()), progress=calls.append)
    assert calls == [11]
    assert ingest.submit(db, PROVINCE, reports([doc_b()]))[0].status == "created"  # no callback: as before


def test_a_failure_in_a_later_chunk_stores_nothing(db, monkeypatch):
    real = ingest._store
    seen = []

    def failing(session, *args):
        seen.append(len(args[1]))
        if len(seen) == 3:
            raise RuntimeError("the disk is full")
        return real(session, *args)

    monkeypatch.setattr(ingest, "_store", failing)
    with pytest.raises(RuntimeError):
        ingest.submit(db, PROVINCE, reports(eleven_reports()), chunk=4, progress=lambda n: None)
    assert seen == [4, 4, 3]
    assert counted(db) == 0 and counted(db, Result) == 0  # the first two chunks were not committed


def test_a_retried_transaction_rewinds_the_progress(db, monkeypatch):
    real = ingest._store
    calls: list[int] = []
    raised = []

    def racing(session, *args):
        if len(calls) == 1 and not raised:  # the second chunk of the first attempt loses a race
            raised.append(True)
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return real(session, *args)

    monkeypatch.setattr(ingest, "_store", racing)
    outcomes = ingest.submit(db, PROVINCE, reports(eleven_reports()), chunk=4, progress=calls.append)
    assert calls == [4, -4, 4, 4, 3] and sum(calls) == 11
    assert len(outcomes) == 11 and counted(db) == 11


def test_duplicates_across_chunks_are_refused_before_anything_is_stored(db):
    docs = [*eleven_reports(), doc_a("2013", coal_t=1)]  # the 12th repeats the 1st, in another chunk
    with pytest.raises(ingest.InvalidInput) as info:
        ingest.submit(db, PROVINCE, reports(docs), chunk=2)
    assert [p.code for p in info.value.problems] == ["report_duplicate"]
    assert info.value.problems[0].index == 11
    assert counted(db) == 0
