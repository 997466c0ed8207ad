"""Workbooks in the service: ``GET /v1/template`` (any key; none -> 401) and filled templates submitted to
``POST /v1/reports/bulk`` as .xlsx (same validation, problems name the sheet and Excel row; role bounds)."""

from __future__ import annotations

import io

import openpyxl

from service_kit import A_2023, ENT_A, ENT_B, assert_numbers, auth, doc_a, problems_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ITEM_SHEET = {"raw_coal": "energy", "electricity": "energy", "natural_gas": "energy", "value_added": "economic"}


def workbook_of(client, key, *docs) -> bytes:
    """The documents' items written into the English template downloaded from the service."""
    r = client.get("/v1/template", params={"lang": "en"}, headers=auth(key))
    assert r.status_code == 200, r.text
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    next_row = {name: 2 for name in ("energy", "water", "economic")}
    for doc in docs:
        for item in doc["items"]:
            ws = book[ITEM_SHEET[item["item"]]]
            header = [c.value for c in ws[1]]
            values = {**{k: doc.get(k) for k in ("enterprise", "name", "region", "industry", "park", "period")}, **item}
            row = next_row[ws.title]
            for c, col in enumerate(header, start=1):
                ws.cell(row, c, values.get(col))
            next_row[ws.title] += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_xlsx(client, key, body: bytes):
    return client.post("/v1/reports/bulk", content=body, headers={**auth(key), "Content-Type": XLSX})


def test_template_needs_a_key(client):
    assert client.get("/v1/template").status_code == 401
    assert client.get("/v1/template", headers=auth("ck_not_a_key")).status_code == 401


def test_template_for_any_role_in_both_languages(client, keys):
    for key in (keys.ent_a, keys.park, keys.province):
        r = client.get("/v1/template", headers=auth(key))
        assert r.status_code == 200
        assert r.headers["content-type"] == XLSX
        assert 'filename="carbonkit-template-zh.xlsx"' in r.headers["content-disposition"]
        assert openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames[2:] == ["能源", "水", "经济数据"]
    en = client.get("/v1/template", params={"lang": "en"}, headers=auth(keys.ent_a))
    assert openpyxl.load_workbook(io.BytesIO(en.content)).sheetnames[2:] == ["energy", "water", "economic"]
    assert client.get("/v1/template", params={"lang": "fr"}, headers=auth(keys.ent_a)).status_code == 422


def test_filled_template_through_bulk_stores_the_hand_computed_result(client, keys):
    r = post_xlsx(client, keys.ent_a, workbook_of(client, keys.ent_a, doc_a()))
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 1
    stored = client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(keys.ent_a))
    # 1,000 t raw coal x 0.7143 = 714.3 tce; 12,000 MWh x 0.1229 kgce/kWh = 1,474.8 tce; sum 2,189.1 tce
    assert_numbers(stored.json()["result"], A_2023)


def test_bulk_workbook_respects_the_key(client, keys):
    r = post_xlsx(client, keys.ent_b, workbook_of(client, keys.ent_b, doc_a()))
    assert r.status_code == 403
    assert client.get(f"/v1/enterprises/{ENT_A}/reports/2023", headers=auth(keys.province)).status_code == 404


def test_bad_workbook_names_sheet_and_row_and_stores_nothing(client, keys):
    book = openpyxl.load_workbook(io.BytesIO(workbook_of(client, keys.province, doc_a(), doc_a(enterprise=ENT_B))))
    ws = book["energy"]
    amount = [c.value for c in ws[1]].index("amount") + 1
    ws.cell(3, amount, "twelve thousand")
    buffer = io.BytesIO()
    book.save(buffer)
    r = post_xlsx(client, keys.province, buffer.getvalue())
    assert r.status_code == 422
    [p] = problems_of(r.json())
    assert (p["sheet"], p["row"], p["field"]) == ("energy", 3, "amount")
    assert client.get(f"/v1/enterprises/{ENT_B}/reports/2023", headers=auth(keys.province)).status_code == 404


def test_not_a_workbook_is_422(client, keys):
    r = post_xlsx(client, keys.province, b"enterprise,period\n")
    assert r.status_code == 422
    assert problems_of(r.json())[0]["code"] == "xlsx_invalid"
