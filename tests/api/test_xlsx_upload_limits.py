"""An uploaded .xlsx may not unpack further than ``max_xlsx_unpacked_bytes`` (CARBONKIT_MAX_XLSX_UNPACKED_BYTES):
413 with the JSON problem body before openpyxl opens it, nothing stored. Bombs are built here with zipfile."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from pydantic import ValidationError

from api.settings import Settings
from service_kit import A_2023, ENT_A, as_list, assert_numbers, auth, doc_a

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"


def workbook_of_a() -> bytes:
    """doc_a() (2023) as one sheet of the long table."""
    book = openpyxl.Workbook()
    sheet = book.active
    doc = doc_a()
    sheet.append(["enterprise", "period", "item", "amount", "unit", "region", "industry", "park", "name"])
    for it in doc["items"]:
        sheet.append([doc["enterprise"], doc["period"], it["item"], float(it["amount"]), it["unit"], doc["region"],
                      doc["industry"], doc["park"], doc["name"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_zeros_sheet(data: bytes, n_zeros: int) -> bytes:
    """``data`` with its sheet replaced by one whose cell A2 holds ``n_zeros`` zeros, written 1 MiB at a time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info), zipfile.ZIP_DEFLATED)
                continue
            sheet = zipfile.ZipInfo(SHEET, date_time=(2024, 1, 1, 0, 0, 0))
            sheet.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(sheet, "w", force_zip64=True) as f:
                f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                        b'<row r="2"><c r="A2"><v>')
                for start in range(0, n_zeros, MiB):
                    f.write(b"0" * min(MiB, n_zeros - start))
                f.write(b"</v></c></row></sheetData></worksheet>")
    return out.getvalue()


def unpacked_total(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sum(i.file_size for i in z.infolist())


def post_xlsx(client, key, body: bytes):
    return client.post("/v1/reports/bulk", content=body, headers={**auth(key), "Content-Type": XLSX})


def enterprises(client, key) -> list:
    r = client.get("/v1/enterprises", headers=auth(key))
    assert r.status_code == 200, r.text
    return as_list(r.json(), "enterprises")


def no_reports(client, key) -> bool:
    """Nothing stored: no enterprise has a report (the keys fixture registers A and B in their parks, without
    reports, as the province does when it issues their keys)."""
    return all(client.get(f"/v1/enterprises/{e['id']}/reports", headers=auth(key)).json() == []
               for e in enterprises(client, key))


@pytest.mark.parametrize("role", ["province", "ent_a"])
def test_a_bomb_answers_413_with_the_problem_and_stores_nothing(client, keys, role):
    bomb = with_zeros_sheet(workbook_of_a(), 100 * MiB + 1)  # the default limit is 100 MiB in all
    assert len(bomb) < MiB
    r = post_xlsx(client, getattr(keys, role), bomb)
    assert r.status_code == 413, r.text
    body = r.json()
    assert "nothing was stored" in body["detail"]
    codes = {p["code"] for p in body["problems"]}
    assert codes == {"xlsx_too_large"}
    named = [p for p in body["problems"] if p.get("field") == SHEET]
    assert named and f"the limit is {100 * MiB:,} bytes" in body["problems"][0]["message"]
    assert no_reports(client, keys.province)


def test_the_limit_is_the_setting(make_client, keys):
    body = workbook_of_a()
    total = unpacked_total(body)
    tight = make_client(max_xlsx_unpacked_bytes=total - 1)
    r = post_xlsx(tight, keys.province, body)
    assert r.status_code == 413, r.text
    assert f"the members unpack to {total:,} bytes" in r.json()["problems"][0]["message"]
    assert no_reports(tight, keys.province)
    exact = make_client(max_xlsx_unpacked_bytes=total)
    r = post_xlsx(exact, keys.province, body)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1
    stored = exact.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(keys.province))
    assert_numbers(stored.json()["result"], A_2023)  # hand-computed in service_kit: 2,189.1 tce, 9,290.0 tCO2


def test_a_bomb_needs_a_key_first(client):
    bomb = with_zeros_sheet(workbook_of_a(), 2 * MiB)
    assert client.post("/v1/reports/bulk", content=bomb, headers={"Content-Type": XLSX}).status_code == 401


def test_a_member_packed_too_tightly_answers_413_under_the_total(client, keys):
    bomb = with_zeros_sheet(workbook_of_a(), 2 * MiB)  # 2 MiB: under the total, but packed about 1000:1
    r = post_xlsx(client, keys.province, bomb)
    assert r.status_code == 413, r.text
    problem = r.json()["problems"][0]
    assert problem["code"] == "xlsx_too_large" and problem["field"] == SHEET and "the limit is 200:1" in problem["message"]


def test_a_broken_workbook_is_still_422(client, keys):
    body = bytearray(workbook_of_a())
    body[len(body) // 3: len(body) // 3 + 16] = b"\xff" * 16
    r = post_xlsx(client, keys.province, bytes(body))
    assert r.status_code == 422, r.text
    assert r.json()["problems"][0]["code"] == "xlsx_invalid"


def test_the_setting_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARBONKIT_MAX_XLSX_UNPACKED_BYTES", "1234")
    assert Settings().max_xlsx_unpacked_bytes == 1234
    monkeypatch.setenv("CARBONKIT_MAX_XLSX_UNPACKED_BYTES", "0")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.delenv("CARBONKIT_MAX_XLSX_UNPACKED_BYTES")
    assert Settings().max_xlsx_unpacked_bytes == 100 * MiB
