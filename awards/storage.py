"""Evidence storage: which uploads are accepted, and where their bytes live on disk.

This module owns the list of accepted evidence types, recognising a file's type from its bytes
(``sniff``), the safe display and download name of an upload (``clean_filename``), and the
content-addressed file store: every accepted file is kept once, under its SHA-256, at
``root/ab/cd/<sha256>``, outside ``static/``.

It must not import Flask, a request or the database, decide who may read or delete a file, or
trust a file's name or its claimed content type. The type comes from the bytes only, and the
size cap is enforced while the stream is copied, never after. Zip-based types are recognised
from the central directory alone: no member is ever decompressed here, so a zip bomb costs
nothing. Callers (services) record the evidence row and decide when a file is no longer
referred to; views serve the bytes only after checking access.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "ALLOWED_TYPES",
    "FileStore",
    "StoredFile",
    "TooLarge",
    "UnsupportedType",
    "clean_filename",
    "sniff",
]

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"

# Content type -> the canonical extension a stored file of that type is offered under.
ALLOWED_TYPES: dict[str, str] = {
    PDF: ".pdf",
    PNG: ".png",
    JPEG: ".jpg",
    DOCX: ".docx",
    XLSX: ".xlsx",
    CSV: ".csv",
}

# How much of a file decides whether it is CSV text.
SNIFF_BYTES = 64 * 1024
# Copy uploads in chunks of this size.
CHUNK_SIZE = 64 * 1024
# Longest display name, in characters, extension included.
MAX_NAME_LENGTH = 120
# Mode of every stored file: owner read/write, group read, never executable.
FILE_MODE = 0o640
# Mode asked for the directories the store creates (the umask may narrow it).
DIR_MODE = 0o750

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
# C0 controls except tab, LF and CR; DEL; C1 controls.
_CSV_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SHA256 = re.compile("[0-9a-f]{64}")
_NAME_FORBIDDEN = frozenset('<>:"/\\|?*')
# Bidirectional controls: they let "invoice\u202egpj.exe" display as "invoiceexe.jpg".
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class TooLarge(Exception):
    """The upload has more than ``limit`` bytes; the rest of the stream was not read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The upload is larger than {limit} bytes.")
        self.limit = limit


class UnsupportedType(Exception):
    """The upload's bytes are not one of ``ALLOWED_TYPES`` (whatever its name or claimed type)."""

    def __init__(self, message: str = "The upload is not an accepted file type.") -> None:
        super().__init__(message)


@dataclass(frozen=True)
class StoredFile:
    """A file in the store: its content hash (hex, lowercase), size in bytes and sniffed type."""

    sha256: str
    size: int
    content_type: str


# --- recognising a type from bytes ------------------------------------------------------------


def sniff(path: Path) -> str | None:
    """Return the content type of the file at ``path`` from its bytes, or None if not accepted.

    Only the bytes count: the name and any type a browser claimed are never looked at.
    """
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES + 1)
    if not head:
        return None
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_SIGNATURE):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_ZIP_LOCAL_HEADER):
        return _sniff_office(path)
    truncated = len(head) > SNIFF_BYTES
    return CSV if _looks_like_csv(head[:SNIFF_BYTES], truncated=truncated) else None


def _sniff_office(path: Path) -> str | None:
    """DOCX or XLSX from the zip's central directory only; any other zip is None.

    ``ZipFile`` reads the central directory when it is constructed; ``namelist()`` reads nothing
    more. No member is opened, so the cost does not depend on what the members expand to.
    """
    try:
        if not zipfile.is_zipfile(path):
            return None
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return None
    # OPC part names are case-insensitive.
    folded = {name.replace("\\", "/").lower() for name in names}
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in folded):
        return None  # macro-enabled (docm, xlsm, ...), whatever its content types claim
    if "[content_types].xml" not in folded:
        return None
    is_docx = "word/document.xml" in folded
    is_xlsx = "xl/workbook.xml" in folded
    if is_docx and not is_xlsx:
        return DOCX
    if is_xlsx and not is_docx:
        return XLSX
    return None


def _looks_like_csv(head: bytes, *, truncated: bool) -> bool:
    """Strict UTF-8 text, no control characters, not markup, and a first line with columns.

    When ``head`` is only the start of a longer file, the cut may fall inside a multi-byte
    character: the incremental decoder keeps an incomplete final sequence pending instead of
    failing, while still refusing any invalid byte before it.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        text = decoder.decode(head, final=not truncated)
    except UnicodeDecodeError:
        return False
    text = text.removeprefix("\ufeff")
    if _CSV_FORBIDDEN.search(text):
        return False
    stripped = text.lstrip()
    if not stripped or stripped.startswith("<"):  # HTML, SVG and XML never pass as CSV
        return False
    # A table: its first line separates columns (comma, semicolon as Excel writes in many locales, or tab).
    header = stripped.split("\n", 1)[0]
    return any(separator in header for separator in ",;\t")


# --- names ----------------------------------------------------------------------------------


def clean_filename(name: str, content_type: str) -> str:
    """A safe display and download name for an upload whose sniffed type is ``content_type``.

    Keeps the basename only, in NFC, with every letter of every script. Drops control and
    bidirectional-control characters and ``<>:"/\\|?*``, collapses whitespace, strips leading
    dots and spaces, gives it the canonical extension of ``content_type`` (replacing the last
    extension when that is a different one) and keeps it within ``MAX_NAME_LENGTH``
    characters. A name with nothing left becomes ``evidence<ext>``.
    """
    try:
        ext = ALLOWED_TYPES[content_type]
    except KeyError:
        raise ValueError(f"Not an accepted content type: {content_type!r}") from None
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    kept = []
    for char in base:
        if char.isspace():
            kept.append(" ")
        elif char in _NAME_FORBIDDEN or char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    # Again after dropping: a base letter and its combining mark may now be neighbours.
    text = " ".join(unicodedata.normalize("NFC", "".join(kept)).split()).lstrip(". ")

    stem, dot, last = text.rpartition(".")
    if not (dot and _looks_like_extension(last)):
        stem = text
    stem = _tidy_stem(stem, ext)
    stem = _tidy_stem(stem[: MAX_NAME_LENGTH - len(ext)], ext)
    return (stem or "evidence") + ext


def _looks_like_extension(text: str) -> bool:
    """'PNG', 'exe', 'mp3' are extensions; '2' in 'v1.2' and ' final' in 'v1. final' are not."""
    return 0 < len(text) <= 10 and text.isascii() and text.isalnum() and not text.isdigit()


def _tidy_stem(stem: str, ext: str) -> str:
    """Strip leading and trailing dots and spaces, and any copies of ``ext`` they uncover."""
    while True:
        tidy = stem.strip(". ")
        if tidy[-len(ext) :].lower() == ext:
            tidy = tidy[: -len(ext)]
        if tidy == stem:
            return tidy
        stem = tidy


# --- the store ------------------------------------------------------------------------------


class FileStore:
    """Content-addressed files under ``root``: ``root/ab/cd/<sha256>``, each kept once.

    Temporary files live in ``root/tmp`` (same filesystem, so the final move is atomic) and
    never outlive a ``save`` call, whether it succeeds or fails.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def save(self, stream: BinaryIO, *, max_bytes: int) -> StoredFile:
        """Store the stream's bytes if there are at most ``max_bytes`` and they are accepted.

        Raises ``TooLarge`` after reading at most ``max_bytes + 1`` bytes, and
        ``UnsupportedType`` when ``sniff`` refuses the bytes; neither leaves anything behind.
        Saving content that is already stored keeps the one existing file.
        """
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(DIR_MODE, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-", suffix=".part")
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = stream.read(min(CHUNK_SIZE, max_bytes + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            content_type = sniff(tmp)
            if content_type not in ALLOWED_TYPES:
                raise UnsupportedType()
            os.chmod(tmp, FILE_MODE)
            sha256 = digest.hexdigest()
            final = self.path(sha256)
            if _is_file_of_size(final, size):
                tmp.unlink()  # the same content was stored before
            else:
                final.parent.mkdir(DIR_MODE, parents=True, exist_ok=True)
                os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StoredFile(sha256=sha256, size=size, content_type=content_type)

    def put_bytes(self, data: bytes, *, max_bytes: int) -> StoredFile:
        """``save`` for bytes already in memory (seeds and tests)."""
        return self.save(io.BytesIO(data), max_bytes=max_bytes)

    def path(self, sha256: str) -> Path:
        """Where the file with this hash lives; anything but 64 lowercase hex digits is refused."""
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError("Not a SHA-256 hex digest (64 lowercase hex digits).")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes, opened for reading; FileNotFoundError when not stored."""
        return self.path(sha256).open("rb")

    def delete(self, sha256: str) -> None:
        """Remove the file if present. The caller makes sure no evidence row still refers to it.

        Fan-out directories are left in place, so a concurrent ``save`` never loses its target.
        """
        self.path(sha256).unlink(missing_ok=True)


def _is_file_of_size(path: Path, size: int) -> bool:
    """True when a complete copy is already there (a truncated leftover is replaced)."""
    try:
        return path.is_file() and path.stat().st_size == size
    except OSError:
        return False
