"""How far an .xlsx may unpack before openpyxl opens it (zip bombs), and that the sizes it declares are proved.

Every archive here is built in the test with ``zipfile`` from a small real workbook; no binary is committed. Sizes
and ratios expected are read from the archive with ``zipfile`` here, independently of the code under test.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from carbonkit.errors import InvalidInput
from carbonkit.readers import (XLSX_MAX_MEMBERS, XLSX_MAX_RATIO, XLSX_MAX_UNPACKED_BYTES, XLSX_RATIO_FROM_BYTES,
                               check_xlsx_archive, read_excel)

MiB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def small_workbook() -> bytes:
    """One sheet of the long table: two rows of grid electricity."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["enterprise", "period", "item", "amount", "unit", "region"])
    sheet.append(["91370211473270545N", "2023", "electricity", 1000.0, "MWh", "370211"])
    sheet.append(["91370305552464479B", "2023", "electricity", 500.0, "MWh", "370305"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BASE = small_workbook()


def rebuilt(replace: dict[str, object] | None = None, add: dict[str, object] | None = None,
            method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The small workbook with members replaced or added. A value is bytes, or ``(head, n_zeros, tail)``: written
    in 1 MiB steps, so a bomb is never held in memory whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(BASE)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        members = {i.filename: src.read(i) for i in src.infolist()}
        for name, content in {**members, **(replace or {}), **(add or {})}.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = method if name in {**(add or {}), **(replace or {})} else zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as f:
                if isinstance(content, bytes):
                    f.write(content)
                    continue
                head, zeros, tail = content
                f.write(head)
                for start in range(0, zeros, MiB):
                    f.write(b"0" * min(MiB, zeros - start))
                f.write(tail)
    return out.getvalue()


def zeros_sheet(n_zeros: int) -> tuple[bytes, int, bytes]:
    """A sheet XML whose cell A2 holds a run of ``n_zeros`` zeros (the classic xlsx bomb)."""
    head = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData>'
            '<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in
                                    zip("ABCDE", ("enterprise", "period", "item", "amount", "unit"))) + '</row>'
            '<row r="2"><c r="A2"><v>').encode()
    return head, n_zeros, b"</v></c></row></sheetData></worksheet>"


def unpacked(data: bytes) -> tuple[int, list[zipfile.ZipInfo]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    return sum(i.file_size for i in infos), infos


def refused(data: bytes, **limits) -> list:
    with pytest.raises(InvalidInput) as info:
        read_excel(io.BytesIO(data), **limits)
    return info.value.problems


# --------------------------------------------------------------------------- the total

def test_a_sheet_bomb_over_the_default_total_is_refused_before_it_is_opened():
    n = XLSX_MAX_UNPACKED_BYTES + MiB  # 101 MiB of zeros in one cell
    bomb = rebuilt(replace={SHEET: zeros_sheet(n)})
    total, infos = unpacked(bomb)
    sheet = next(i for i in infos if i.filename == SHEET)
    assert len(bomb) < MiB < n  # a small upload, a huge sheet
    problems = refused(bomb)
    assert {p.code for p in problems} == {"xlsx_too_large"}
    text = " ".join(p.message for p in problems)
    assert f"the members unpack to {total:,} bytes" in text
    assert f"the largest, {SHEET}, to {sheet.file_size:,} bytes" in text and f"the limit is {100 * MiB:,} bytes" in text
    assert f"({sheet.file_size / sheet.compress_size:,.0f}:1); the limit is 200:1" in text  # and its ratio


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_limit_on_the_total_is_exact(data):
    total, _ = unpacked(BASE)
    limit = data.draw(st.integers(1, 3 * total))
    if limit < total:
        problems = refused(BASE, max_unpacked_bytes=limit)
        assert [p.code for p in problems] == ["xlsx_too_large"] and f"the limit is {limit:,} bytes" in problems[0].message
    else:
        frame = read_excel(io.BytesIO(BASE), max_unpacked_bytes=limit)
        assert frame["amount"].tolist() == ["1000", "500"]


# --------------------------------------------------------------------------- the ratio and the members

def test_a_member_packed_more_than_200_to_1_is_refused_over_1_mib_only():
    at_floor = rebuilt(add={"xl/media/zeros.bin": (b"", XLSX_RATIO_FROM_BYTES, b"")})
    _, infos = unpacked(at_floor)
    blob = next(i for i in infos if i.filename == "xl/media/zeros.bin")
    assert blob.file_size / blob.compress_size > XLSX_MAX_RATIO  # packed far tighter, yet only 1 MiB: allowed
    assert len(read_excel(io.BytesIO(at_floor))) == 2
    over = rebuilt(add={"xl/media/zeros.bin": (b"", XLSX_RATIO_FROM_BYTES + 1, b"")})
    problems = refused(over)
    assert [p.code for p in problems] == ["xlsx_too_large"]
    assert problems[0].field == "xl/media/zeros.bin" and "unpacks to 1,048,577 bytes" in problems[0].message


def test_at_most_10000_members():
    n_base = len(unpacked(BASE)[1])
    fill = {f"customXml/item{i}.xml": b"<a/>" for i in range(XLSX_MAX_MEMBERS - n_base)}
    assert len(read_excel(io.BytesIO(rebuilt(add=fill)))) == 2  # exactly 10,000: read
    fill["customXml/one-more.xml"] = b"<a/>"
    problems = refused(rebuilt(add=fill))
    assert [p.code for p in problems] == ["xlsx_too_large"]
    assert "holds 10,001 members; the limit is 10,000" in problems[0].message


def test_members_packed_otherwise_than_stored_or_deflated_are_refused():
    problems = refused(rebuilt(add={"xl/media/x.bin": b"x" * 100}, method=zipfile.ZIP_BZIP2))
    assert [p.code for p in problems] == ["xlsx_invalid"] and "zip method 12" in problems[0].message


# --------------------------------------------------------------------------- sizes that lie

def declare(data: bytes, member: str, size: int, crc: int) -> bytes:
    """``data`` with ``member``'s unpacked size and CRC-32 rewritten in its local and central headers."""
    buf = bytearray(data)
    end = buf.rfind(b"PK\x05\x06")
    count, _, start = struct.unpack("<HII", buf[end + 10:end + 20])
    at = start
    for _ in range(count):
        n, m, k = struct.unpack("<HHH", buf[at + 28:at + 34])
        name = buf[at + 46:at + 46 + n].decode()
        if name == member:
            local = struct.unpack("<I", buf[at + 42:at + 46])[0]
            struct.pack_into("<I", buf, at + 16, crc)
            struct.pack_into("<I", buf, at + 24, size)
            struct.pack_into("<I", buf, local + 14, crc)
            struct.pack_into("<I", buf, local + 22, size)
        at += 46 + n + m + k
    return bytes(buf)


def test_a_member_that_unpacks_to_more_than_it_declares_is_refused():
    real = 20 * MiB
    packed = rebuilt(add={"xl/media/zeros.bin": (b"", real, b"")})
    # declared: 1,000 bytes (under every limit), with the CRC of the first 1,000 bytes, so zipfile's own check passes
    liar = declare(packed, "xl/media/zeros.bin", 1000, zlib.crc32(b"0" * 1000))
    with zipfile.ZipFile(io.BytesIO(liar)) as z:
        assert len(z.read("xl/media/zeros.bin")) == 1000  # zipfile alone notices nothing
    problems = refused(liar)
    assert [p.code for p in problems] == ["xlsx_invalid"]
    assert "member xl/media/zeros.bin unpacks to more than the 1,000 bytes it declares" in problems[0].message


def test_a_broken_member_is_unreadable_not_a_crash():
    with zipfile.ZipFile(io.BytesIO(BASE)) as z:
        sheet = z.getinfo(SHEET)
    wrong_crc = declare(BASE, SHEET, sheet.file_size, sheet.CRC ^ 1)  # true sizes: found when the sheet is read
    broken = bytearray(BASE)
    data_at = sheet.header_offset + 30 + len(SHEET.encode()) + len(sheet.extra)
    broken[data_at:data_at + 8] = b"\xff" * 8  # the sheet's deflate stream corrupted: found by the size check
    for data in (wrong_crc, bytes(broken)):
        problems = refused(data)
        assert [p.code for p in problems] == ["xlsx_invalid"]


def test_not_a_zip_is_unreadable():
    assert [p.code for p in refused(b"enterprise,period\n")] == ["xlsx_invalid"]


# --------------------------------------------------------------------------- paths and streams

def test_a_path_is_checked_and_a_stream_is_left_where_it_was(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rebuilt(add={"xl/media/zeros.bin": (b"", 2 * MiB, b"")}))
    with pytest.raises(InvalidInput, match="bomb.xlsx: member xl/media/zeros.bin unpacks to 2,097,152 bytes"):
        read_excel(path)
    stream = io.BytesIO(b"\0" * 7 + BASE)
    stream.seek(7)
    check_xlsx_archive(stream)
    assert stream.tell() == 7


def test_a_cell_openpyxl_cannot_read_is_unreadable_not_a_crash():
    # 10,000 digits: under every size limit, but beyond Python's 4,300-digit int conversion openpyxl uses
    data = rebuilt(replace={SHEET: zeros_sheet(10_000)}, method=zipfile.ZIP_STORED)
    problems = refused(data)
    assert [p.code for p in problems] == ["xlsx_invalid"] and "ValueError" in problems[0].message
