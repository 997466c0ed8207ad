"""Errors: every bad input is a 4xx JSON answer naming the problem; nothing gives a 500 or a traceback.

Spec (service.md, "Errors"): validation -> 422 FastAPI ``detail[]`` with ``loc``; core input problems ->
422 ``{"detail", "problems": [{"code","message","field","path","row","enterprise","period","expected"}]}``;
malformed JSON, wrong types, unknown document fields -> 422; a body above ``max_body_bytes`` -> 413 JSON;
unknown route -> 404 JSON. Never 500, never a traceback.
"""

from __future__ import annotations

import copy
import json
import time

import pytest

from service_kit import ENT_A, ENT_C, RELEASE, auth, doc_a, names_field, problems_of, simple_doc

PROBLEM_KEYS = {"code", "message", "field", "path", "row", "enterprise", "period", "expected"}


def is_json(r) -> bool:
    return r.headers.get("content-type", "").startswith("application/json")


def post_raw(client, key, path, body: bytes, content_type="application/json"):
    return client.post(path, content=body, headers={**auth(key), "Content-Type": content_type})


# Where a document goes and how it is wrapped there.
DOC_TARGETS = {
    "report": ("/v1/reports", lambda d: {"report": d}),
    "calculate": ("/v1/calculate", lambda d: d),
    "bulk": ("/v1/reports/bulk", lambda d: [{"report": d}]),
}


def send_doc(client, key, target, doc):
    path, wrap = DOC_TARGETS[target]
    return client.post(path, json=wrap(doc), headers=auth(key))


# ------------------------------------------------------------------------------------------ malformed and mistyped


@pytest.mark.parametrize("path", ["/v1/reports", "/v1/calculate", "/v1/reports/bulk", "/v1/keys"])
def test_malformed_json_is_422(client, province_key, path):
    for body in (b'{"report": {', b"{'report': 1}", b'{"report": {"enterprise": "x",}}', b"\xef\xbb\xbf{"):
        r = post_raw(client, province_key, path, body)
        assert r.status_code == 422, (body, r.status_code, r.text)
        assert is_json(r)
        assert "detail" in r.json()


def test_malformed_json_line_refuses_the_batch(client, province_key):
    body = (json.dumps({"report": simple_doc(ENT_C)}) + "\n" + '{"report": {"enterprise": \n').encode()
    r = post_raw(client, province_key, "/v1/reports/bulk", body, "application/x-ndjson")
    assert r.status_code == 422, r.text
    assert is_json(r)
    assert client.get(f"/v1/enterprises/{ENT_C}", headers=auth(province_key)).status_code == 404


@pytest.mark.parametrize("target", list(DOC_TARGETS))
def test_wrong_type_names_the_field(client, province_key, target):
    doc = doc_a()
    doc["items"][0]["amount"] = "abc"
    r = send_doc(client, province_key, target, doc)
    assert r.status_code == 422, r.text
    assert is_json(r)
    assert names_field(r.json(), "items", "0", "amount"), r.json()

    doc = doc_a()
    doc["items"] = "raw_coal 1000 t"
    r = send_doc(client, province_key, target, doc)
    assert r.status_code == 422, r.text
    assert names_field(r.json(), "items"), r.json()


@pytest.mark.parametrize("target", list(DOC_TARGETS))
def test_unknown_fields_are_422(client, province_key, target):
    doc = doc_a(colour="red")  # not a document field
    r = send_doc(client, province_key, target, doc)
    assert r.status_code == 422, r.text
    assert names_field(r.json(), "colour"), r.json()

    doc = doc_a()
    doc["items"][1]["meter"] = "M-17"  # not an item field
    r = send_doc(client, province_key, target, doc)
    assert r.status_code == 422, r.text
    assert names_field(r.json(), "items", "1", "meter"), r.json()
    assert client.get(f"/v1/enterprises/{ENT_A}", headers=auth(province_key)).status_code == 404


# ------------------------------------------------------------------------------------------ core problems


@pytest.mark.parametrize("target", list(DOC_TARGETS))
def test_unknown_carrier_is_item_unknown(client, province_key, target):
    doc = doc_a()
    doc["items"][0]["item"] = "raw_coa1"
    r = send_doc(client, province_key, target, doc)
    assert r.status_code == 422, r.text
    body = r.json()
    assert isinstance(body["detail"], str)
    problems = problems_of(body)
    assert [p["code"] for p in problems] == ["item_unknown"]
    (p,) = problems
    assert PROBLEM_KEYS <= set(p), set(p)
    assert p["field"] == "item"
    assert p["enterprise"] == ENT_A and p["period"] == "2023"
    assert "raw_coal" in p["message"]  # "did you mean raw_coal ..."
    assert client.get(f"/v1/enterprises/{ENT_A}", headers=auth(province_key)).status_code == 404


def _set_item(doc, i, **kv):
    doc["items"][i].update(kv)


CORE_PROBLEMS = [
    ("electricity in tonnes", lambda d: _set_item(d, 1, unit="t"), "unit_dimension", "unit"),
    ("negative coal", lambda d: _set_item(d, 0, amount=-1000), "amount_negative", "amount"),
    ("month 13", lambda d: d.update(period="2023-13"), "period_invalid", "period"),
    ("unknown flow", lambda d: _set_item(d, 1, flow="sideways"), "flow_unknown", "flow"),
    ("unknown region", lambda d: d.update(region="ZZ"), "region_unknown", "region"),
    ("duplicate item", lambda d: d["items"].append(dict(d["items"][0])), "duplicate_item", None),
]


@pytest.mark.parametrize(("mutate", "code", "field"), [c[1:] for c in CORE_PROBLEMS], ids=[c[0] for c in CORE_PROBLEMS])
def test_core_problems_are_422_with_code(client, province_key, mutate, code, field):
    doc = copy.deepcopy(doc_a())
    mutate(doc)
    r = send_doc(client, province_key, "report", doc)
    assert r.status_code == 422, r.text
    problems = problems_of(r.json())
    assert code in {p["code"] for p in problems}, problems
    if field is not None:
        assert field in {p["field"] for p in problems if p["code"] == code}
    for p in problems:
        assert PROBLEM_KEYS <= set(p), set(p)


# ------------------------------------------------------------------------------------------ size and routes


def test_body_over_max_body_bytes_is_413(make_client, province_key):
    small = make_client(max_body_bytes=1000)
    big_doc = doc_a(name="青" * 700)  # 700 x 3 bytes of UTF-8 in the name alone: > 2,100 bytes
    cases = [
        ("/v1/reports", json.dumps({"report": big_doc}).encode(), "application/json"),
        ("/v1/calculate", json.dumps(big_doc).encode(), "application/json"),
        ("/v1/reports/bulk", json.dumps([{"report": big_doc}]).encode(), "application/json"),
        ("/v1/reports/bulk", (json.dumps({"report": big_doc}) + "\n").encode(), "application/x-ndjson"),
        ("/v1/reports/bulk", ("enterprise,period,item,amount,unit\n" + f"{ENT_A},2023,electricity,1,MWh\n" * 40)
         .encode(), "text/csv"),
    ]
    for path, body, ctype in cases:
        assert len(body) > 1000
        r = post_raw(small, province_key, path, body, ctype)
        assert r.status_code == 413, (path, ctype, r.status_code, r.text)
        assert is_json(r)
        assert "detail" in r.json()
    # sent in chunks without a Content-Length: still counted
    body = json.dumps({"report": big_doc}).encode()
    r = small.post("/v1/reports", content=iter([body[i:i + 256] for i in range(0, len(body), 256)]),
                   headers={**auth(province_key), "Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert is_json(r)
    assert small.get(f"/v1/enterprises/{ENT_A}", headers=auth(province_key)).status_code == 404
    # a small body passes the same app
    r = small.post("/v1/reports", json={"report": simple_doc(ENT_C)}, headers=auth(province_key))
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/nope"), ("GET", "/nope"), ("POST", "/v1/reports/x/y"),
                                              ("GET", f"/v1/enterprises/{ENT_A}/nope")])
def test_unknown_route_is_404_json(client, province_key, method, path):
    r = client.request(method, path, headers=auth(province_key))
    assert r.status_code == 404, r.text
    assert is_json(r)
    assert "detail" in r.json()


def test_unknown_route_without_key_is_json(client):
    r = client.get("/nope")
    assert r.status_code == 404
    assert is_json(r)


# ------------------------------------------------------------------------------------------ the battery


def _doc_with(**kv):
    doc = simple_doc(ENT_C)
    doc.update(kv)
    return doc


def _item_with(**kv):
    doc = simple_doc(ENT_C)
    doc["items"][0].update(kv)
    return doc


LONG = 100_000
ODD_BODIES: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("null", b"null"),
    ("list", b"[]"),
    ("object", b"{}"),
    ("numbers", b"[1, 2]"),
    ("string", b'"report"'),
    ("zero", b"0"),
    ("true", b"true"),
    ("list of null", b"[null]"),
    ("list of list", b"[[]]"),
    ("report null", b'{"report": null}'),
    ("report list", b'{"report": []}'),
    ("items string", b'{"report": {"enterprise": "x", "period": "2023", "items": "x"}}'),
    ("deep nesting", b"[" * 50_000 + b"]" * 50_000),
    ("deep objects", b'{"a":' * 20_000 + b"1" + b"}" * 20_000),
    ("invalid utf-8", b"\xff\xfe\xfd"),
    ("nul bytes", b"\x00\x00\x00"),
    ("BOM only", b"\xef\xbb\xbf"),
    ("whitespace", b" \n\t "),
    ("NaN literal", b'{"report": {"enterprise": "x", "period": "2023", "items": [{"item": "electricity", '
                    b'"amount": NaN, "unit": "MWh"}]}}'),
    ("Infinity literal", b'{"report": {"enterprise": "x", "period": "2023", "items": [{"item": "electricity", '
                         b'"amount": Infinity, "unit": "MWh"}]}}'),
    ("1e999", b'{"report": {"enterprise": "x", "period": "2023", "items": [{"item": "electricity", '
              b'"amount": 1e999, "unit": "MWh"}]}}'),
    ("10^400 integer", b'{"report": {"enterprise": "x", "period": "2023", "items": [{"item": "electricity", '
                       b'"amount": 1' + b"0" * 400 + b', "unit": "MWh"}]}}'),
    ("lone surrogate", b'{"report": {"enterprise": "\\ud800", "period": "2023", "items": [{"item": "electricity", '
                       b'"amount": 1, "unit": "MWh"}]}}'),
    ("csv garbage", b'"unclosed,quote\n\x00,\xff\n'),
    ("csv header only", b"enterprise,period,item,amount,unit\n"),
]

ODD_DOCS: list[tuple[str, dict]] = [
    ("amount 1e308", _item_with(amount=1e308)),
    ("amount 1.7e308 x2", {**simple_doc(ENT_C),
                           "items": [{"item": "electricity", "amount": 1.7e308, "unit": "MWh"},
                                     {"item": "green_power", "amount": 1.7e308, "unit": "MWh"}]}),
    ("amount 1e300 10^8 t", _item_with(item="raw_coal", amount=1e300, unit="亿吨")),
    ("amount denormal", _item_with(amount=5e-324)),
    ("amount -0.0", _item_with(amount=-0.0)),
    ("enthalpy huge", {**simple_doc(ENT_C), "items": [{"item": "steam", "amount": 1, "unit": "t", "enthalpy": 1e308}]}),
    ("enthalpy negative", {**simple_doc(ENT_C), "items": [{"item": "steam", "amount": 1, "unit": "t", "enthalpy": -5}]}),
    ("value added 1e-300", {**simple_doc(ENT_C), "items": [{"item": "electricity", "amount": 1, "unit": "MWh"},
                                                            {"item": "value_added", "amount": 1e-300, "unit": "万元"}]}),
    ("no items", _doc_with(items=[])),
    ("empty enterprise", _doc_with(enterprise="")),
    ("enterprise NUL", _doc_with(enterprise="9137\u0000X")),
    ("enterprise emoji", _doc_with(enterprise="🏭" * 10)),
    ("enterprise RTL and combining", _doc_with(enterprise="\u202e\u0301\u200b91370")),
    ("enterprise whitespace", _doc_with(enterprise="   ")),
    ("enterprise slash", _doc_with(enterprise="../../etc/passwd")),
    ("enterprise very long", _doc_with(enterprise="9" * LONG)),
    ("name very long", _doc_with(name="名" * LONG)),
    ("name NUL", _doc_with(name="a\u0000b")),
    ("region very long", _doc_with(region="3" * LONG)),
    ("industry very long", _doc_with(industry="C" * LONG)),
    ("park very long", _doc_with(park="P" * LONG)),
    ("park NUL", _doc_with(park="P\u0000")),
    ("period very long", _doc_with(period="2" * LONG)),
    ("period full-width digits", _doc_with(period="２０２３")),
    ("period 0000", _doc_with(period="0000")),
    ("period 9999-12", _doc_with(period="9999-12")),
    ("period 2023-00", _doc_with(period="2023-00")),
    ("period 2023-1", _doc_with(period="2023-1")),
    ("item very long", _item_with(item="x" * LONG)),
    ("item NUL", _item_with(item="electricity\u0000")),
    ("unit long", _item_with(unit="t" * 2_000)),
    ("unit expression", _item_with(unit="MWh**1000")),
    ("unit python", _item_with(unit="__import__('os').system('true')")),
    ("unit garbage", _item_with(unit="\U0010ffff\ufffd")),
    ("flow very long", _item_with(flow="f" * LONG)),
    ("many items", _doc_with(items=[{"item": "electricity", "amount": i, "unit": "MWh", "enthalpy": float(i)}
                                    for i in range(3000)])),
    ("enterprise number", _doc_with(enterprise=12345)),
    ("items of null", _doc_with(items=[None])),
    ("items of list", _doc_with(items=[[1, 2]])),
    ("amount bool", _item_with(amount=True)),
    ("amount list", _item_with(amount=[1])),
    ("amount object", _item_with(amount={"v": 1})),
    ("amount null", _item_with(amount=None)),
    ("nested document", _doc_with(name={"zh": "名"})),
]

WRAPPED: list[tuple[str, object]] = [
    ("submission_id very long", {"submission_id": "s" * LONG, "report": simple_doc(ENT_C)}),
    ("submission_id NUL", {"submission_id": "s\u0000", "report": simple_doc(ENT_C)}),
    ("submission_id number", {"submission_id": 7, "report": simple_doc(ENT_C)}),
    ("submission_id object", {"submission_id": {"a": 1}, "report": simple_doc(ENT_C)}),
]

KEY_BODIES: list[tuple[str, object]] = [
    ("role unknown", {"role": "god", "enterprises": [], "parks": [], "name": "x"}),
    ("enterprise role without enterprises", {"role": "enterprise", "enterprises": [], "parks": [], "name": "x"}),
    ("park role without parks", {"role": "park", "enterprises": [], "parks": [], "name": "x"}),
    ("enterprises not a list", {"role": "enterprise", "enterprises": "91370", "parks": [], "name": "x"}),
    ("parks of null", {"role": "park", "enterprises": [], "parks": [None], "name": "x"}),
    ("name very long", {"role": "province", "enterprises": [], "parks": [], "name": "n" * LONG}),
    ("enterprise id very long", {"role": "enterprise", "enterprises": ["9" * LONG], "parks": [], "name": "x"}),
    ("park id NUL", {"role": "park", "enterprises": [], "parks": ["P\u0000"], "name": "x"}),
    ("role null", {"role": None}),
]

BIG = "9" * 30
ODD_REQUESTS: list[tuple[str, str]] = [
    ("GET", "/v1/enterprises?limit=-1"),
    ("GET", "/v1/enterprises?limit=abc"),
    ("GET", f"/v1/enterprises?limit={BIG}"),
    ("GET", "/v1/enterprises?offset=-5"),
    ("GET", f"/v1/enterprises?offset={BIG}"),
    ("GET", "/v1/enterprises?region=%00"),
    ("GET", "/v1/enterprises?park=%27%20OR%201%3D1%20--"),
    ("GET", "/v1/enterprises?region=" + "3" * 10_000),
    ("GET", "/v1/enterprises/%00"),
    ("GET", "/v1/enterprises/%F0%9F%8F%AD"),
    ("GET", "/v1/enterprises/%ff%fe"),
    ("GET", "/v1/enterprises/" + "9" * 10_000),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/2023?revision=abc"),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/2023?revision=0"),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/2023?revision=-1"),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/2023?revision={BIG}"),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/%00"),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/" + "2" * 10_000),
    ("GET", f"/v1/enterprises/{ENT_A}/reports/%00/revisions"),
    ("GET", f"/v1/enterprises/{ENT_A}/results?period=%00"),
    ("GET", f"/v1/enterprises/{ENT_A}/results?period=" + "2" * 10_000),
    ("POST", f"/v1/enterprises/{ENT_A}/reports/2023/recompute"),
    ("POST", f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release="),
    ("POST", f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release=%00"),
    ("POST", f"/v1/enterprises/{ENT_A}/reports/2023/recompute?release=..%2F..%2Fetc%2Fpasswd"),
    ("POST", f"/v1/enterprises/{ENT_A}/reports/%00/recompute?release={RELEASE}"),
    ("GET", "/v1/parks/%00/enterprises"),
    ("GET", "/v1/parks/" + "P" * 10_000 + "/enterprises"),
    ("GET", "/v1/factors?release=nope"),
    ("GET", "/v1/factors?release=..%2F..%2Fetc"),
    ("GET", "/v1/factors?kind=%00&status=%00"),
    ("GET", "/v1/factors/%00"),
    ("GET", "/v1/factors/..%2F..%2Fpyproject.toml"),
    ("GET", "/v1/factors/" + "f" * 10_000),
    ("DELETE", "/v1/keys/abc"),
    ("DELETE", "/v1/keys/-1"),
    ("DELETE", f"/v1/keys/{BIG}"),
    ("DELETE", "/v1/keys/999999"),
    ("PUT", "/v1/reports"),
    ("PATCH", f"/v1/enterprises/{ENT_A}"),
]

CALC_QUERIES = ["power_coal_rate=abc", "power_coal_rate=-1", "power_coal_rate=0", "power_coal_rate=1e309",
                "power_coal_rate=nan", "power_coal_rate=inf", "year_fallback=bogus", "year_fallback=nearest",
                "release=nope", "release=%00", "release=..%2F..%2Ffactors%2Freleases%2Fcn-2026.11"]


def test_very_long_unit_is_refused_quickly(client, province_key):
    """A 20,000-character unit (a 20 kB body, far under max_body_bytes) must be refused, and quickly:
    the time to reject it may not grow with the square of its length (a cheap denial of service)."""
    doc = _item_with(unit="t" * 20_000)
    started = time.perf_counter()
    r = send_doc(client, province_key, "calculate", doc)
    elapsed = time.perf_counter() - started
    assert r.status_code == 422, r.text
    assert elapsed < 1.0, f"{elapsed:.1f} s to refuse a 20,000-character unit"


def _check(failures, label, call):
    try:
        r = call()
    except Exception as exc:  # TestClient re-raises what the app did not handle
        failures.append(f"{label}: raised {type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}")
        return
    if r.status_code >= 500:
        failures.append(f"{label}: {r.status_code} {r.text[:160]}")
    elif r.status_code >= 400 and not is_json(r):
        failures.append(f"{label}: {r.status_code} not JSON ({r.headers.get('content-type')})")
    elif "Traceback" in r.text:
        failures.append(f"{label}: traceback in the answer")


def test_odd_inputs_never_give_500(client, province_key, seeded):
    """A battery of odd inputs on every endpoint that takes one: all answered below 500, as JSON."""
    failures: list[str] = []
    key = province_key
    for label, body in ODD_BODIES:
        for path, ctype in (("/v1/reports", "application/json"), ("/v1/calculate", "application/json"),
                            ("/v1/reports/bulk", "application/json"), ("/v1/reports/bulk", "application/x-ndjson"),
                            ("/v1/reports/bulk", "text/csv"), ("/v1/keys", "application/json")):
            _check(failures, f"{path} [{ctype}] {label}", lambda: post_raw(client, key, path, body, ctype))
    for label, doc in ODD_DOCS:
        for target in DOC_TARGETS:
            _check(failures, f"{target} {label}", lambda: send_doc(client, key, target, doc))
        line = (json.dumps({"report": doc}, ensure_ascii=False) + "\n").encode()
        _check(failures, f"ndjson {label}",
               lambda: post_raw(client, key, "/v1/reports/bulk", line, "application/x-ndjson"))
    for label, body in WRAPPED:
        _check(failures, f"report {label}", lambda: client.post("/v1/reports", json=body, headers=auth(key)))
        _check(failures, f"bulk {label}", lambda: client.post("/v1/reports/bulk", json=[body], headers=auth(key)))
    for label, body in KEY_BODIES:
        _check(failures, f"keys {label}", lambda: client.post("/v1/keys", json=body, headers=auth(key)))
    for method, path in ODD_REQUESTS:
        _check(failures, f"{method} {path[:80]}", lambda: client.request(method, path, headers=auth(key)))
    for query in CALC_QUERIES:
        _check(failures, f"calculate?{query}",
               lambda: client.post(f"/v1/calculate?{query}", json=doc_a(), headers=auth(key)))
    # the service is still healthy afterwards
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert not failures, "\n".join(failures)
