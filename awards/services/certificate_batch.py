"""Certificates in bulk: one WeasyPrint render for many certificates, split into one PDF each.

Rendering certificate by certificate repeats the expensive parts of WeasyPrint (loading and
subsetting the fonts, building the document) for every page; ``render_batch`` lays out many
certificates as one document with a page break between them (the same page partial as the
single download, so the layout is identical), and ``split_pdf`` cuts the result into one PDF
per certificate with pypdf.

``issue_edition`` writes an edition's current certificates into a folder: ``<serial>.pdf``
each, ``all-certificates.pdf`` and ``manifest.json`` (serial -> sha256 of the PDF and of the
result snapshot it states). Every file is written atomically and the manifest after every
chunk, so a run that crashes loses at most one chunk, and running it again only renders what
is missing or out of date.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import weasyprint
from flask import render_template
from pypdf import PdfReader, PdfWriter

from awards.extensions import db
from awards.models import Certificate, Edition, ResultSnapshot
from awards.pdf import STATIC_DIR, BundledOnlyFetcher
from awards.services.certificates import certificate_context

CHUNK = 50
COMBINED = "all-certificates.pdf"
MANIFEST = "manifest.json"
_SERIAL = re.compile(r"PSW-\d{4}(-[0-9A-Z]{4}){3}")

VerifyUrlFor = Callable[[str], str]


def _anchor(serial: str) -> str:
    return f"certificate-{serial}"


def render_batch(certs: Sequence[Certificate], *, verify_url_for: VerifyUrlFor,
                 verify_form_url: str) -> tuple[bytes, list[tuple[int, int]]]:
    """One render of many certificates: the combined PDF and each certificate's pages [start, stop)."""
    if not certs:
        raise ValueError("render_batch needs at least one certificate")
    contexts = [certificate_context(c, verify_url_for(c.serial), verify_form_url) for c in certs]
    html = render_template("certificates/batch.html", certificates=contexts,
                           title=f"{certs[0].snapshot.edition.slug.upper()} certificates")
    document = weasyprint.HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=BundledOnlyFetcher()
    ).render()
    # Each certificate's frame carries an id: the page holding it is where the certificate starts.
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            starts.setdefault(anchor, number)
    firsts = [starts[_anchor(c.serial)] for c in certs]
    ranges = [(first, nxt) for first, nxt in zip(firsts, firsts[1:] + [len(document.pages)], strict=True)]
    return document.write_pdf(), ranges


def split_pdf(combined: bytes, ranges: Iterable[tuple[int, int]]) -> list[bytes]:
    """One PDF per page range of ``combined``."""
    reader = PdfReader(io.BytesIO(combined))
    parts = []
    for start, stop in ranges:
        writer = PdfWriter()
        for number in range(start, stop):
            writer.add_page(reader.pages[number])
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
    return parts


def current_certificates(edition: Edition) -> list[Certificate]:
    """The edition's certificates that verify as valid: their snapshot is current and they are not revoked."""
    return list(db.session.execute(
        db.select(Certificate).join(Certificate.snapshot)
        .filter(ResultSnapshot.edition_id == edition.id, ResultSnapshot.superseded.is_(False),
                Certificate.revoked_at.is_(None))
        .options(db.selectinload(Certificate.institution),
                 db.selectinload(Certificate.snapshot).selectinload(ResultSnapshot.category))
        .order_by(ResultSnapshot.category_id, Certificate.id)
    ).scalars())


def _stale_serials(edition: Edition) -> set[str]:
    """Serials of the edition that no longer verify as valid (superseded or revoked)."""
    return set(db.session.execute(
        db.select(Certificate.serial).join(Certificate.snapshot)
        .filter(ResultSnapshot.edition_id == edition.id,
                db.or_(ResultSnapshot.superseded.is_(True), Certificate.revoked_at.is_not(None)))
    ).scalars())


@dataclass
class BatchResult:
    out_dir: Path
    issued: list[str] = field(default_factory=list)   # rendered in this run
    skipped: list[str] = field(default_factory=list)  # already there and up to date
    removed: list[str] = field(default_factory=list)  # superseded or revoked: their files were deleted
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return len(self.issued) + len(self.skipped)

    @property
    def combined(self) -> Path:
        return self.out_dir / COMBINED

    @property
    def manifest(self) -> Path:
        return self.out_dir / MANIFEST


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over: readers never see half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_manifest(out_dir: Path) -> tuple[dict, str | None]:
    """The manifest's certificate entries and the combined PDF's sha256; nothing if it is unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, None
    if not isinstance(data, dict):
        return {}, None
    entries, combined = data.get("certificates"), data.get("combined")
    # Only names shaped like our serials: a hand-edited manifest must not point outside the folder.
    entries = {k: v for k, v in entries.items() if _SERIAL.fullmatch(k)} if isinstance(entries, dict) else {}
    return (entries,
            combined.get("sha256") if isinstance(combined, dict) else None)


def _write_manifest(out_dir: Path, edition: Edition, entries: dict, combined_sha: str | None) -> None:
    body = {"edition": edition.slug, "certificates": dict(sorted(entries.items())),
            "combined": {"file": COMBINED, "sha256": combined_sha}}
    _write_atomic(out_dir / MANIFEST, (json.dumps(body, indent=2, sort_keys=True) + "\n").encode())


def _up_to_date(path: Path, entry: dict | None, cert: Certificate, verify_url: str) -> bool:
    if not entry or entry.get("snapshot_sha256") != cert.snapshot.sha256 or entry.get("verify_url") != verify_url:
        return False
    try:
        return _sha256(path.read_bytes()) == entry.get("pdf_sha256")
    except OSError:
        return False


def issue_edition(edition: Edition, out_dir: Path, *, verify_url_for: VerifyUrlFor, verify_form_url: str,
                  progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK) -> BatchResult:
    """Write every current certificate of the edition to ``out_dir``; skip those already up to date."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = BatchResult(out_dir)
    entries, combined_sha = _read_manifest(out_dir)
    certs = current_certificates(edition)
    current = {c.serial for c in certs}

    # Certificates that no longer verify as valid: their files go, and so do their manifest lines.
    for serial in sorted((_stale_serials(edition) | set(entries)) - current):
        path = out_dir / f"{serial}.pdf"
        if path.exists() or serial in entries:
            path.unlink(missing_ok=True)
            entries.pop(serial, None)
            result.removed.append(serial)

    todo = []
    for cert in certs:
        if _up_to_date(out_dir / f"{cert.serial}.pdf", entries.get(cert.serial), cert, verify_url_for(cert.serial)):
            result.skipped.append(cert.serial)
        else:
            todo.append(cert)
    total, done = len(certs), len(result.skipped)
    if progress:
        progress(done, total)
    rendered: dict[str, tuple[PdfReader, tuple[int, int]]] = {}  # this run's pages, for the combined PDF
    for index in range(0, len(todo), chunk):
        batch = todo[index:index + chunk]
        combined, ranges = render_batch(batch, verify_url_for=verify_url_for, verify_form_url=verify_form_url)
        reader = PdfReader(io.BytesIO(combined))
        rendered.update((cert.serial, (reader, pages)) for cert, pages in zip(batch, ranges, strict=True))
        for cert, pdf in zip(batch, split_pdf(combined, ranges), strict=True):
            _write_atomic(out_dir / f"{cert.serial}.pdf", pdf)
            entries[cert.serial] = {"pdf_sha256": _sha256(pdf), "snapshot_sha256": cert.snapshot.sha256,
                                    "verify_url": verify_url_for(cert.serial), "file": f"{cert.serial}.pdf"}
            result.issued.append(cert.serial)
        done += len(batch)
        _write_manifest(out_dir, edition, entries, None)  # after each chunk: a crash loses one chunk at most
        if progress:
            progress(done, total)

    combined_path = out_dir / COMBINED
    if result.issued or result.removed or not combined_path.exists() or combined_sha is None \
            or _sha256(combined_path.read_bytes()) != combined_sha:
        if certs:
            combined_bytes = _merge([rendered.get(c.serial) or out_dir / f"{c.serial}.pdf" for c in certs])
            _write_atomic(combined_path, combined_bytes)
            combined_sha = _sha256(combined_bytes)
        else:
            combined_path.unlink(missing_ok=True)
            combined_sha = None
    _write_manifest(out_dir, edition, entries, combined_sha)
    result.seconds = time.perf_counter() - started
    return result


def _merge(parts: Sequence[Path | tuple[PdfReader, tuple[int, int]]]) -> bytes:
    """The certificates' PDFs as one, in order. Pages rendered in this run come straight from their
    chunk's render (its fonts are shared by the whole chunk); files already on disk each carry a copy
    of their own render's fonts, so when there are some, identical objects are kept once."""
    writer = PdfWriter()
    from_files = False
    for part in parts:
        if isinstance(part, tuple):
            reader, pages = part
            writer.append(reader, pages=pages)
        else:
            writer.append(PdfReader(part))
            from_files = True
    if from_files:
        writer.compress_identical_objects()  # defaults: drop duplicates and orphans (pypdf 5 to 7)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
