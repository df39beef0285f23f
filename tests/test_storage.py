"""awards.storage: types from bytes, safe names, and the content-addressed file store (no app)."""

import hashlib
import io
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from awards.storage import (
    ALLOWED_TYPES,
    SNIFF_BYTES,
    FileStore,
    StoredFile,
    TooLarge,
    UnsupportedType,
    clean_filename,
    sniff,
)

# Keep hypothesis's cache out of the checkout, as tests/scoring/test_properties.py does.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "tuzo-storage-hypothesis")

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
MB = 1024 * 1024


# --- real files, built from their formats -----------------------------------------------------


def pdf_bytes(text: str = "Ripoti ya mwaka") -> bytes:
    """A small, well-formed one-page PDF with a correct cross-reference table."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes() -> bytes:
    """A real 1x1 RGB PNG: signature, IHDR, IDAT (zlib), IEND, each chunk with its CRC."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes([0, 128, 0]))  # filter byte, then one green pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    """A JPEG's start: SOI, then a JFIF APP0 segment, then EOI."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
)
RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)


def docx_parts() -> dict[str, str]:
    return {
        "[Content_Types].xml": CONTENT_TYPES_XML.format(
            overrides='<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        ),
        "_rels/.rels": RELS_XML.format(target="word/document.xml"),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Ripoti ya Wizara ya Afya</w:t></w:r></w:p></w:body></w:document>"
        ),
    }


def xlsx_parts() -> dict[str, str]:
    return {
        "[Content_Types].xml": CONTENT_TYPES_XML.format(
            overrides='<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        ),
        "_rels/.rels": RELS_XML.format(target="xl/workbook.xml"),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Alama" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": RELS_XML.format(target="worksheets/sheet1.xml"),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Mkoa</t></is></c></row></sheetData>'
            "</worksheet>"
        ),
    }


def zip_bytes(parts: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes(docx_parts())


def xlsx_bytes() -> bytes:
    return zip_bytes(xlsx_parts())


def csv_bytes() -> bytes:
    rows = ["Taasisi,Mkoa,Alama", "Wizara ya Afya,Mkoa wa Dodoma,87", "Ofisi ya Rais – Utumishi,Dar es Salaam,91"]
    return "".join(row + "\r\n" for row in rows).encode("utf-8")


def raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written field by field from already-deflated members: (name, raw deflate, crc, size).

    zipfile can only write what it compresses itself; this lets a test store a member that
    expands to far more than it would be practical to compress in a test.
    """
    out = bytearray()
    central = bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            *(20, 20, 0, 8, 0, 0x21),
            *(crc, len(data), size),
            *(len(encoded), 0, 0, 0, 0),
            *(0, offset),
        )
        central += encoded
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + eocd)


def deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


@pytest.fixture(scope="module")
def gigabyte_of_zeros() -> tuple[bytes, int, int]:
    """A raw deflate stream (about 1 MB) that expands to 1 GiB of zeros, with its CRC and size.

    One MiB of zeros is compressed once and ended with a full flush, which byte-aligns the output
    and resets the dictionary, so 1024 copies of it decode to 1024 MiB; an empty final block ends it.
    """
    zeros = bytes(MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = piece * 1024 + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(zeros, crc)
    return stream, crc, 1024 * MB


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


class CountingStream:
    """An endless upload that counts what is read from it and refuses an unbounded read()."""

    def __init__(self, prefix: bytes = b"%PDF-1.7\n") -> None:
        self.prefix = prefix
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, "read() without a limit on an upload stream"
        data = (self.prefix[self.bytes_read :] + b"x" * size)[:size]
        self.bytes_read += len(data)
        return data


class TrickleStream(io.RawIOBase):
    """Returns at most 7 bytes per read, as a slow socket might."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._data.read(min(size, 7) if size >= 0 else 7)


class BrokenStream:
    """Gives some bytes, then fails as a dropped connection does."""

    def __init__(self) -> None:
        self.calls = 0

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 2:
            raise OSError("client went away")
        return b"%PDF-1.7\n" if self.calls == 1 else b"x" * 100


# --- the list of types ------------------------------------------------------------------------


def test_allowed_types_are_exactly_the_six_with_canonical_extensions():
    assert ALLOWED_TYPES == {
        PDF: ".pdf",
        PNG: ".png",
        JPEG: ".jpg",
        DOCX: ".docx",
        XLSX: ".xlsx",
        CSV: ".csv",
    }


# --- sniff: accepted --------------------------------------------------------------------------

BUILDERS = {PDF: pdf_bytes, PNG: png_bytes, JPEG: jpeg_bytes, DOCX: docx_bytes, XLSX: xlsx_bytes, CSV: csv_bytes}


@pytest.mark.parametrize("content_type", sorted(BUILDERS))
def test_each_allowed_type_is_recognised_from_real_bytes(tmp_path, content_type):
    assert sniff(write(tmp_path, "upload", BUILDERS[content_type]())) == content_type


def test_the_test_files_are_what_they_claim(tmp_path):
    """The builders make well-formed files, so the tests above are about real formats."""
    png = png_bytes()
    length, tag = struct.unpack(">I4s", png[8:16])
    assert (length, tag) == (13, b"IHDR")
    assert struct.unpack(">II", png[16:24]) == (1, 1)
    pdf = pdf_bytes()
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref:].startswith(b"xref\n")
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        assert archive.testzip() is None
        assert b"Wizara ya Afya" in archive.read("word/document.xml")


@pytest.mark.parametrize(
    "data, name, expected",
    [
        (png_bytes(), "photo.pdf", PNG),
        (pdf_bytes(), "report.exe", PDF),
        (jpeg_bytes(), "picha.docx", JPEG),
        (docx_bytes(), "ripoti.xlsx", DOCX),
        (xlsx_bytes(), "alama.csv", XLSX),
        (csv_bytes(), "data.pdf", CSV),
    ],
)
def test_the_name_is_ignored(tmp_path, data, name, expected):
    assert sniff(write(tmp_path, name, data)) == expected


def test_a_png_named_pdf_is_a_png(tmp_path):
    assert sniff(write(tmp_path, "ripoti.pdf", png_bytes())) == PNG


def test_office_part_names_are_case_insensitive(tmp_path):
    parts = {name.upper(): data for name, data in docx_parts().items()}
    assert sniff(write(tmp_path, "upper.docx", zip_bytes(parts))) == DOCX


@pytest.mark.parametrize(
    "text",
    [
        "Wizara ya Afya,Mkoa",
        "Wizara ya Afya,Mkoa\n",
        "Taasisi,Mkoa,Alama\nWizara ya Afya,Mkoa wa Dodoma,87\nMamlaka ya Mapato Tanzania,Dar es Salaam,93\n",
        "Taasisi\tMkoa\r\nOfisi ya Rais – Utumishi\tDodoma\r\n",
        "Jina,Maoni\nZanzibar,“Huduma bora” – ñ ü ß 中文 عربي\n",
        "   \n\nWizara ya Fedha,Dodoma\n",
    ],
)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
def test_utf8_csv_is_recognised_with_and_without_bom(tmp_path, text, bom):
    assert sniff(write(tmp_path, "data.csv", bom + text.encode("utf-8"))) == CSV


@pytest.mark.parametrize("char", ["é", "€", "😀"])
def test_csv_whose_64k_cut_splits_a_multibyte_character(tmp_path, char):
    encoded = char.encode("utf-8")
    for inside in range(1, len(encoded)):  # the cut falls after `inside` bytes of the character
        data = b"Mkoa," + b"a" * (SNIFF_BYTES - 5 - inside) + encoded + "\nDodoma,ñ\n".encode()
        assert data[:SNIFF_BYTES].endswith(encoded[:inside])
        assert sniff(write(tmp_path, f"split-{inside}.csv", data)) == CSV


def test_text_ending_inside_a_character_is_not_utf8(tmp_path):
    """The same incomplete sequence is refused when it is the real end of the file."""
    exactly_the_window = b"a" * (SNIFF_BYTES - 1) + b"\xe2"
    assert sniff(write(tmp_path, "cut.csv", exactly_the_window)) is None
    assert sniff(write(tmp_path, "short.csv", b"Mkoa,\xe2\x82")) is None


def test_an_invalid_byte_just_before_the_cut_is_still_refused(tmp_path):
    data = b"a" * (SNIFF_BYTES - 1) + b"\xff" + b"more text\n"
    assert sniff(write(tmp_path, "bad.csv", data)) is None


# --- sniff: refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", id="html"),
        pytest.param(b"\xef\xbb\xbf  \r\n\t<html><body>Wizara,Mkoa</body></html>", id="html-after-bom-and-space"),
        pytest.param(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>', id="svg-xml"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', id="svg"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48, id="exe"),
        pytest.param(b"MZ\x90\x00" + b"\x00" * 60 + zip_bytes(docx_parts()), id="exe-with-docx-appended"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00", id="elf"),
        pytest.param(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,", id="gif"),
        pytest.param("Mkoa,Café,Dodoma\n".encode("latin-1"), id="latin-1"),
        pytest.param("Wizara ya Afya,Mkoa\n".encode("utf-16"), id="utf-16"),
        pytest.param(b"Wizara,Mkoa\x00wa Dodoma\n", id="nul"),
        pytest.param(b"Wizara,\x1b[31mMkoa\n", id="escape"),
        pytest.param(b"Wizara\x0cMkoa\n", id="form-feed"),
        pytest.param(b"Wizara\x7fMkoa\n", id="del"),
        pytest.param("Wizara\u0085Mkoa\n".encode(), id="c1-control"),
        pytest.param(b"", id="empty"),
        pytest.param(b" \r\n\t\n", id="whitespace-only"),
        pytest.param(b"\xef\xbb\xbf", id="bom-only"),
        pytest.param(b"\x89PNG\r\n", id="png-too-short"),
        pytest.param(b"\xff\xd8", id="jpeg-too-short"),
    ],
)
def test_refused_bytes(tmp_path, data):
    assert sniff(write(tmp_path, "upload.csv", data)) is None


def test_html_named_csv_is_not_csv(tmp_path):
    html = b"<html><body><table><tr><td>Mkoa</td><td>1</td></tr></table></body></html>"
    assert sniff(write(tmp_path, "matokeo.csv", html)) is None


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param({"ripoti.txt": "Wizara ya Afya"}, id="plain-zip"),
        pytest.param({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "Main.class": b"\xca\xfe\xba\xbe"}, id="jar"),
        pytest.param(
            {
                "mimetype": "application/vnd.oasis.opendocument.text",
                "content.xml": "<office:document-content/>",
                "META-INF/manifest.xml": "<manifest:manifest/>",
            },
            id="odt",
        ),
        pytest.param({"word/document.xml": docx_parts()["word/document.xml"]}, id="docx-without-content-types"),
        pytest.param({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>"}, id="content-types-only"),
        pytest.param({**docx_parts(), **xlsx_parts()}, id="both-docx-and-xlsx"),
        pytest.param({**docx_parts(), "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, id="docm"),
        pytest.param({**xlsx_parts(), "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, id="xlsm"),
        pytest.param({**docx_parts(), "customUI/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0"}, id="vba-anywhere-any-case"),
    ],
)
def test_other_zips_are_refused(tmp_path, parts):
    assert sniff(write(tmp_path, "upload.docx", zip_bytes(parts))) is None


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04" + b"\x00" * 100, id="zip-header-then-garbage"),
        pytest.param(docx_bytes()[: len(docx_bytes()) // 2], id="truncated-docx"),
        pytest.param(
            b"PK\x03\x04\x14\x00" + random.Random(0).randbytes(2000) + b"PK\x05\x06" + b"\xff" * 18,
            id="lying-directory",
        ),
    ],
)
def test_broken_zips_are_refused_without_error(tmp_path, data):
    assert sniff(write(tmp_path, "broken.docx", data)) is None


# --- zip bombs --------------------------------------------------------------------------------


def bomb_zip(parts: dict[str, str], bomb_name: str, bomb: tuple[bytes, int, int]) -> bytes:
    members = [(name, *deflated(text.encode())) for name, text in parts.items() if name != bomb_name]
    return raw_zip([*members, (bomb_name, *bomb)])


@pytest.fixture
def no_decompression(monkeypatch):
    """Any attempt to read a member's bytes fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("sniff must not read zip members")

    for method in ("open", "read", "extract", "extractall", "testzip"):
        monkeypatch.setattr(zipfile.ZipFile, method, refuse)


def test_the_zip_bomb_is_real(tmp_path, gigabyte_of_zeros):
    data = bomb_zip(docx_parts(), "word/document.xml", gigabyte_of_zeros)
    assert len(data) < 2 * MB
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size == 1024 * MB
        assert info.file_size / info.compress_size > 1000
        with archive.open(info) as member:
            assert member.read(MB) == bytes(MB)  # real deflate data; reading all of it is the bomb


@pytest.mark.parametrize(
    "parts, bomb_name, expected",
    [
        # sniff judges the part names only; what a member expands to is for whoever opens it.
        (docx_parts(), "word/document.xml", DOCX),
        (xlsx_parts(), "xl/worksheets/sheet1.xml", XLSX),
        ({"ripoti.txt": "x"}, "bomb.bin", None),
    ],
)
def test_a_zip_bomb_costs_nothing_to_sniff(tmp_path, gigabyte_of_zeros, no_decompression, parts, bomb_name, expected):
    path = write(tmp_path, "bomb.docx", bomb_zip(parts, bomb_name, gigabyte_of_zeros))
    started = time.perf_counter()
    assert sniff(path) == expected
    assert time.perf_counter() - started < 0.5


# --- the store: saving ------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", sorted(BUILDERS))
def test_save_stores_each_type_under_its_hash(tmp_path, content_type):
    store = FileStore(tmp_path / "files")
    data = BUILDERS[content_type]()
    stored = store.save(io.BytesIO(data), max_bytes=MB)
    sha = hashlib.sha256(data).hexdigest()
    assert stored == StoredFile(sha256=sha, size=len(data), content_type=content_type)
    assert store.path(sha) == tmp_path / "files" / sha[:2] / sha[2:4] / sha
    assert store.path(sha).read_bytes() == data
    assert files_under(tmp_path / "files") == [f"{sha[:2]}/{sha[2:4]}/{sha}"]


def test_stored_file_is_frozen():
    stored = StoredFile(sha256="a" * 64, size=1, content_type=PDF)
    with pytest.raises(AttributeError):
        stored.size = 2  # type: ignore[misc]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_stored_files_are_0640_and_never_executable(tmp_path):
    old = os.umask(0)  # the mode must not depend on the process umask
    try:
        store = FileStore(tmp_path)
        stored = store.put_bytes(pdf_bytes(), max_bytes=MB)
    finally:
        os.umask(old)
    mode = store.path(stored.sha256).stat().st_mode & 0o777
    assert mode == 0o640
    assert not mode & 0o111


def test_same_content_twice_is_stored_once(tmp_path):
    store = FileStore(tmp_path)
    first = store.put_bytes(csv_bytes(), max_bytes=MB)
    second = store.save(TrickleStream(csv_bytes()), max_bytes=MB)
    assert first == second
    assert files_under(tmp_path) == [f"{first.sha256[:2]}/{first.sha256[2:4]}/{first.sha256}"]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_different_content_gets_different_files(tmp_path):
    store = FileStore(tmp_path)
    a = store.put_bytes(pdf_bytes("moja"), max_bytes=MB)
    b = store.put_bytes(pdf_bytes("mbili"), max_bytes=MB)
    assert a.sha256 != b.sha256
    assert len(files_under(tmp_path)) == 2


def test_short_reads_are_copied_whole(tmp_path):
    data = csv_bytes() * 50
    stored = FileStore(tmp_path).save(TrickleStream(data), max_bytes=MB)
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()


def test_a_truncated_leftover_is_replaced(tmp_path):
    store = FileStore(tmp_path)
    data = pdf_bytes()
    target = store.path(hashlib.sha256(data).hexdigest())
    target.parent.mkdir(parents=True)
    target.write_bytes(data[:10])
    store.put_bytes(data, max_bytes=MB)
    assert target.read_bytes() == data


# --- the store: size cap ----------------------------------------------------------------------


def test_exactly_max_bytes_is_accepted(tmp_path):
    data = pdf_bytes()
    stored = FileStore(tmp_path).put_bytes(data, max_bytes=len(data))
    assert stored.size == len(data)


def test_one_byte_over_max_bytes_is_too_large(tmp_path):
    data = pdf_bytes()
    with pytest.raises(TooLarge) as raised:
        FileStore(tmp_path).put_bytes(data + b"\n", max_bytes=len(data))
    assert raised.value.limit == len(data)
    assert str(len(data)) in str(raised.value)
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("max_bytes", [0, 1, 1000, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 5 * MB])
def test_the_stream_is_not_read_beyond_the_limit(tmp_path, max_bytes):
    stream = CountingStream()
    with pytest.raises(TooLarge):
        FileStore(tmp_path).save(stream, max_bytes=max_bytes)
    assert stream.bytes_read == max_bytes + 1
    assert files_under(tmp_path) == []


def test_too_large_is_checked_before_the_type(tmp_path):
    with pytest.raises(TooLarge):
        FileStore(tmp_path).save(CountingStream(prefix=b"MZ\x90\x00"), max_bytes=100)


def test_negative_max_bytes_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        FileStore(tmp_path).put_bytes(pdf_bytes(), max_bytes=-1)


# --- the store: refusals leave nothing behind -------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"MZ\x90\x00" + b"\x00" * 200, id="exe"),
        pytest.param(b"<html><body>x</body></html>", id="html"),
        pytest.param(b"", id="empty"),
        pytest.param(zip_bytes({**docx_parts(), "word/vbaProject.bin": b"macro"}), id="docm"),
    ],
)
def test_unsupported_type_leaves_no_file(tmp_path, data):
    with pytest.raises(UnsupportedType):
        FileStore(tmp_path).put_bytes(data, max_bytes=MB)
    assert files_under(tmp_path) == []


def test_a_failing_stream_leaves_no_file(tmp_path):
    with pytest.raises(OSError, match="client went away"):
        FileStore(tmp_path).save(BrokenStream(), max_bytes=MB)
    assert files_under(tmp_path) == []


# --- the store: addressing --------------------------------------------------------------------

VALID_SHA = hashlib.sha256(b"Tuzo").hexdigest()


@pytest.mark.parametrize(
    "bad",
    [
        "../etc/passwd",
        "../" + VALID_SHA[3:],
        VALID_SHA.upper(),
        VALID_SHA[:63],
        VALID_SHA + "0",
        VALID_SHA + "\n",
        VALID_SHA[:62] + "/x",
        "g" * 64,
        "",
        VALID_SHA.encode(),
        None,
    ],
)
def test_path_refuses_anything_but_a_lowercase_sha256(tmp_path, bad):
    store = FileStore(tmp_path)
    with pytest.raises(ValueError):
        store.path(bad)
    with pytest.raises(ValueError):
        store.open(bad)
    with pytest.raises(ValueError):
        store.delete(bad)
    with pytest.raises(ValueError):
        store.exists(bad)


def test_path_fans_out_inside_the_root(tmp_path):
    path = FileStore(tmp_path).path(VALID_SHA)
    assert path == tmp_path / VALID_SHA[:2] / VALID_SHA[2:4] / VALID_SHA
    assert path.resolve().is_relative_to(tmp_path.resolve())


def test_open_exists_and_delete(tmp_path):
    store = FileStore(tmp_path)
    data = xlsx_bytes()
    stored = store.put_bytes(data, max_bytes=MB)
    assert store.exists(stored.sha256)
    with store.open(stored.sha256) as fh:
        assert fh.read() == data
    store.delete(stored.sha256)
    assert not store.exists(stored.sha256)
    store.delete(stored.sha256)  # idempotent
    store.delete(VALID_SHA)  # never stored: fine too
    with pytest.raises(FileNotFoundError):
        store.open(stored.sha256)
    assert store.put_bytes(data, max_bytes=MB) == stored  # stored again after deletion
    assert store.exists(stored.sha256)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content_type, expected",
    [
        ("photo.PNG", PNG, "photo.png"),
        ("report.exe", PDF, "report.pdf"),
        ("x", PDF, "x.pdf"),
        ("report.pdf", PDF, "report.pdf"),
        ("report.pdf.exe", PDF, "report.pdf"),
        ("picha.jpeg", JPEG, "picha.jpg"),
        ("Alama.XLSX", XLSX, "Alama.xlsx"),
        ("../../etc/passwd", PDF, "passwd.pdf"),
        ("C:\\Users\\x\\ripoti ya mwaka.docx", DOCX, "ripoti ya mwaka.docx"),
        ("/var/www/../ripoti.csv", CSV, "ripoti.csv"),
        ("ri\x00po\x1bti\x7f ya\x85 mwaka.csv", CSV, "ripoti ya mwaka.csv"),
        ("ripoti\tya\n\nmwaka   2024.pdf", PDF, "ripoti ya mwaka 2024.pdf"),
        ("invoice\u202egpj.exe", PNG, "invoicegpj.png"),
        (".hidden.csv", CSV, "hidden.csv"),
        ("...  .bashrc", CSV, "bashrc.csv"),
        (".csv", CSV, "csv.csv"),
        ("  . .pdf", PDF, "pdf.pdf"),
        ('<>:"/\\|?*', PDF, "evidence.pdf"),
        ('<>:"|?*', CSV, "evidence.csv"),
        ("", DOCX, "evidence.docx"),
        ("   ", PDF, "evidence.pdf"),
        ("report ..pdf", PDF, "report.pdf"),
        ("v1.2 final", PDF, "v1.2 final.pdf"),
        ("Ripoti 2023.12", PDF, "Ripoti 2023.12.pdf"),
        ('Tuzo "bora" <2024>?.pdf', PDF, "Tuzo bora 2024.pdf"),
        ("Ripoti ya Wizara ya Afya – Mkoa wa Dodoma.pdf", PDF, "Ripoti ya Wizara ya Afya – Mkoa wa Dodoma.pdf"),
        ("Muhtasari wa Utekelezaji (Ofisi ya Rais).docx", DOCX, "Muhtasari wa Utekelezaji (Ofisi ya Rais).docx"),
        ("报告.pdf", PDF, "报告.pdf"),
        ("تقرير.pdf", PDF, "تقرير.pdf"),
        ("Cafe\u0301.pdf", PDF, "Caf\u00e9.pdf"),
    ],
)
def test_clean_filename(name, content_type, expected):
    assert clean_filename(name, content_type) == expected


def test_clean_filename_composes_marks_separated_by_a_dropped_character():
    assert clean_filename("Cafe\x00\u0301.pdf", PDF) == "Caf\u00e9.pdf"


def test_a_300_character_name_keeps_its_extension_within_120():
    name = "Ripoti ya utekelezaji wa Wizara ya Afya " * 8 + ".docx"
    assert len(name) > 300
    cleaned = clean_filename(name, DOCX)
    assert len(cleaned) <= 120
    assert cleaned.endswith(".docx")
    assert cleaned.startswith("Ripoti ya utekelezaji")
    assert not cleaned.removesuffix(".docx").endswith((" ", "."))
    assert clean_filename("a" * 300, PDF) == "a" * 116 + ".pdf"


def test_clean_filename_refuses_a_type_that_is_not_allowed():
    with pytest.raises(ValueError):
        clean_filename("x.html", "text/html")


# Separators, forbidden and control characters, dots, extension fragments and awkward Unicode.
TRICKY = list('./\\ \t\n\x00\x1f\x7f\x85<>:"|?*aZé9-_') + [
    *("pdf", "PDF", "csv", ".Csv", "docx", ".jpg", "jpeg"),
    *("\u0301", "\u202e", "\u200b", "İ", "\ufeff", "\u2028", "\u0958"),
]
names = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(TRICKY), max_size=120).map("".join),
    st.text(min_size=100, max_size=200).map(lambda s: s + ".pdf"),
)


@given(name=names, content_type=st.sampled_from(sorted(ALLOWED_TYPES)))
@settings(max_examples=400, deadline=None, database=None)
def test_clean_filename_is_always_safe(name, content_type):
    cleaned = clean_filename(name, content_type)
    ext = ALLOWED_TYPES[content_type]
    assert "/" not in cleaned and "\\" not in cleaned
    assert not any(unicodedata.category(c) == "Cc" for c in cleaned)
    assert not any(c in '<>:"|?*' for c in cleaned)
    assert not cleaned.startswith((".", " "))
    assert len(cleaned) <= 120
    assert cleaned.endswith(ext)
    assert len(cleaned) > len(ext)
    assert not cleaned[: -len(ext)].endswith((".", " "))
    assert clean_filename(cleaned, content_type) == cleaned  # idempotent


# --- purity -----------------------------------------------------------------------------------


def test_import_storage_loads_neither_flask_nor_the_database():
    code = (
        "import sys, awards.storage\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'flask_sqlalchemy', "
        "'werkzeug', 'jinja2', 'flask_babel'})\n"
        "others = sorted(m for m in sys.modules if m.startswith('awards.') and m != 'awards.storage')\n"
        "print(repr((bad, others)))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "([], [])"


@pytest.mark.parametrize("data", [b"MZ not a pdf", b"#!/bin/sh\nrm -rf /\n", "Ripoti ya mwaka\nhakuna safu".encode()])
def test_plain_text_without_columns_is_not_csv(tmp_path, data):
    assert sniff(write(tmp_path, "x.csv", data)) is None


@pytest.mark.parametrize("header", ["Mwezi,Idadi", "Mwezi;Idadi", "Mwezi\tIdadi"])
def test_csv_columns_may_be_split_by_comma_semicolon_or_tab(tmp_path, header):
    assert sniff(write(tmp_path, "x.csv", f"{header}\n2026-05 12\n".encode())) == CSV
