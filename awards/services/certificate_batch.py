"""Certificates in bulk: one WeasyPrint render for many certificates, cut into one PDF each.

Rendering certificate by certificate repeats the expensive parts of WeasyPrint (loading and
subsetting the fonts, parsing the style sheet, building the document) for every page, and lays
out every page whole. ``render_batch`` lays out many certificates as one document, and only what
differs between them: what certificates of a kind share (the frame, the crest, the titles and
dates, the hint, the signatories, the label of the serial) is laid out once, as a background page,
and drawn under each certificate's own layer (its statements, QR code and serial) as a PDF form
XObject. Every part of the page has a fixed place in the style sheet the single download uses
too, so the two layers need nothing of each other to land where the single download puts them.

The render's objects are serialised once (``awards.pdf.PageStore``), and each certificate's PDF,
like the combined PDF, is assembled from them: the certificate's page, the background and the
subset fonts of its render.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pydyf
import weasyprint
from flask import render_template
from pypdf import PdfReader, PdfWriter
from weasyprint.text.fonts import FontConfiguration

from awards.extensions import db
from awards.models import Certificate, Edition, ResultSnapshot
from awards.pdf import STATIC_DIR, BundledOnlyFetcher, PageStore, assemble, collector_paused
from awards.services import certificates
from awards.services.certificates import certificate_context

CHUNK = 50
COMBINED = "all-certificates.pdf"
MANIFEST = "manifest.json"
_SERIAL = re.compile(r"PSW-\d{4}(-[0-9A-Z]{4}){3}")

VerifyUrlFor = Callable[[str], str]


def _anchor(serial: str) -> str:
    return f"certificate-{serial}"


def _background_key(context: dict) -> tuple:
    """What the background layer of a certificate depends on: in each of its languages, its title (the
    kind of certificate), its date, the hint and the label of the serial; and the signatories."""
    return (tuple((b["lang"], b["title"], b["date"], b["verify_hint"], b["serial_label"]) for b in context["blocks"]),
            tuple((s["name"], tuple(s["titles"])) for s in context["signatories"]))


def _render(html: str, font_config: FontConfiguration) -> weasyprint.Document:
    return weasyprint.HTML(
        string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=BundledOnlyFetcher()
    ).render(font_config=font_config)


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


_DRAWN = re.compile(rb"/(\S+) Do\b")


def _own_resources(pdf: pydyf.PDF, resources: pydyf.Dictionary, xobjects: dict, stream: pydyf.Stream) -> str:
    """A copy of the render's shared resources with only those of ``xobjects`` (images, forms) that
    ``stream`` draws: WeasyPrint gives all its pages one dictionary, so a page cut out with it would
    carry every page's images, the other certificates' QR codes among them."""
    drawn = {name.decode() for item in stream.stream if isinstance(item, (bytes, str))
             for name in _DRAWN.findall(item if isinstance(item, bytes) else item.encode())}
    own = pydyf.Dictionary(resources)
    own["XObject"] = pydyf.Dictionary({name: xobjects[name] for name in drawn})
    pdf.add_object(own)
    return own.reference


def _draw_backgrounds(pdf: pydyf.PDF, backgrounds: int, page_background: Sequence[int]) -> None:
    """The PDF's first ``backgrounds`` pages become form XObjects and leave the page tree; each
    following page i draws background ``page_background[i]`` first. Every page and form gets
    resources of its own (``_own_resources``)."""
    kids = pdf.pages["Kids"]
    pages = [pdf.objects[number] for number in kids[::3]]
    resources = pdf.objects[_number(pages[0]["Resources"])]  # WeasyPrint's pages share theirs
    forms = {}
    for index, page in enumerate(pages[:backgrounds]):
        form = pdf.objects[_number(page["Contents"])]
        form.extra.update({"Type": "/XObject", "Subtype": "/Form", "BBox": page["MediaBox"],
                           "Resources": _own_resources(pdf, resources, resources["XObject"], form)})
        forms[f"TuzoBackground{index}"] = form.reference
        page.clear()  # no longer a page: an empty dictionary that nothing refers to
    xobjects, names = dict(resources["XObject"], **forms), list(forms)
    pdf.pages["Kids"] = pydyf.Array(kids[3 * backgrounds:])
    pdf.pages["Count"] -= backgrounds
    for page, background in zip(pages[backgrounds:], page_background, strict=True):
        stream = pdf.objects[_number(page["Contents"])]
        stream.stream.insert(0, f"q /{names[background]} Do Q")
        page["Resources"] = _own_resources(pdf, resources, xobjects, stream)


@dataclass
class RenderedBatch:
    """One render of many certificates: certificate i is on pages ``ranges[i]`` = [start, stop)."""
    store: PageStore
    ranges: list[tuple[int, int]]
    lang: str
    titles: list[str]  # each certificate's, as the single download's <title> says it
    title: str  # the render's

    def pdf(self) -> bytes:
        """All the certificates of the render, as one PDF."""
        return assemble([(self.store, range(self.ranges[0][0], self.ranges[-1][1]))], self.lang, self.title)

    def split(self) -> list[bytes]:
        """One PDF per certificate."""
        return [assemble([(self.store, range(start, stop))], self.lang, title)
                for (start, stop), title in zip(self.ranges, self.titles, strict=True)]


def combine(parts: Sequence[tuple[RenderedBatch, tuple[int, int]]]) -> bytes:
    """One PDF of certificates' pages from one or more renders, in order; pages that follow each other
    in the same render share its fonts and background."""
    runs: list[tuple[PageStore, list[int]]] = []
    for rendered, (start, stop) in parts:
        if runs and runs[-1][0] is rendered.store:
            runs[-1][1].extend(range(start, stop))
        else:
            runs.append((rendered.store, list(range(start, stop))))
    return assemble(runs, parts[0][0].lang, parts[0][0].title) if parts else assemble([])


@dataclass
class Backgrounds:
    """The background pages of a run, each laid out once, and the fonts that they and the chunks share."""
    font_config: FontConfiguration = field(default_factory=FontConfiguration)
    pages: dict[tuple, weasyprint.Page] = field(default_factory=dict)


def render_batch(certs: Sequence[Certificate], *, verify_url_for: VerifyUrlFor, verify_form_url: str,
                 backgrounds: Backgrounds | None = None) -> RenderedBatch:
    """One render of many certificates, each drawn on its background.

    Pass the same ``backgrounds`` to the calls of a run (its chunks) to lay out each background
    once for all of them and load the fonts once."""
    if not certs:
        raise ValueError("render_batch needs at least one certificate")
    with collector_paused():
        return _render_batch(certs, verify_url_for, verify_form_url, backgrounds)


def _render_batch(certs: Sequence[Certificate], verify_url_for: VerifyUrlFor, verify_form_url: str,
                  backgrounds: Backgrounds | None) -> RenderedBatch:
    contexts = [certificate_context(c, verify_url_for(c.serial), verify_form_url) for c in certs]
    backgrounds = backgrounds or Backgrounds()
    keys = [_background_key(c) for c in contexts]
    for key, context in zip(keys, contexts, strict=True):
        if key not in backgrounds.pages:
            html = render_template("certificates/certificate.html", **dict(context, layer="background"))
            backgrounds.pages[key] = _render(html, backgrounds.font_config).pages[0]
    used = list(dict.fromkeys(keys))
    lang = contexts[0]["blocks"][0]["lang"]
    title = f"{certs[0].snapshot.edition.slug.upper()} certificates"
    html = render_template("certificates/batch.html", certificates=contexts, layer="overlay", doc_lang=lang,
                           title=title)
    document = _render(html, backgrounds.font_config)
    # Each certificate carries an id: the page holding it is where the certificate starts.
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            starts.setdefault(anchor, number)
    firsts = [starts[_anchor(c.serial)] for c in certs]
    ranges = [(first, nxt) for first, nxt in zip(firsts, firsts[1:] + [len(document.pages)], strict=True)]
    page_background = [used.index(key) for key, (start, stop) in zip(keys, ranges, strict=True)
                       for _ in range(start, stop)]
    store = PageStore()

    def finish(document, pdf):
        _draw_backgrounds(pdf, len(used), page_background)
        store(document, pdf)
        pdf.objects[:] = pdf.objects[:3]  # the PDFs are assembled from the store: WeasyPrint writes none
        pdf.pages["Kids"], pdf.pages["Count"] = pydyf.Array(), 0

    document.copy([backgrounds.pages[key] for key in used] + document.pages).write_pdf(finisher=finish)
    return RenderedBatch(store, ranges, lang, [f'{c["blocks"][0]["title"]} {c["serial"]}' for c in contexts], title)


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
    pending: list[str] = field(default_factory=list)  # beyond this run's limit: for the next run
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return len(self.issued) + len(self.skipped)

    @property
    def total(self) -> int:
        return self.done + len(self.pending)

    @property
    def complete(self) -> bool:
        """Every current certificate is in the folder, and so is the combined PDF."""
        return not self.pending

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


def listed(entry: dict | None, cert: Certificate, verify_url: str, verify_form_url: str) -> bool:
    """Does the manifest line describe this certificate as it is now (certificates.fingerprint)?"""
    return bool(entry) and entry.get("fingerprint") == certificates.fingerprint(cert, verify_url, verify_form_url)


def _up_to_date(path: Path, entry: dict | None, cert: Certificate, verify_url: str, verify_form_url: str) -> bool:
    if not listed(entry, cert, verify_url, verify_form_url):
        return False
    try:
        return _sha256(path.read_bytes()) == entry.get("pdf_sha256")
    except OSError:
        return False


def issue_edition(edition: Edition, out_dir: Path, *, verify_url_for: VerifyUrlFor, verify_form_url: str,
                  progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK,
                  limit: int | None = None) -> BatchResult:
    """Write every current certificate of the edition to ``out_dir``; skip those already up to date.

    With ``limit``, render at most that many in this run and leave the rest in ``result.pending``
    (the combined PDF waits for the run that completes the folder): each run resumes where the
    last one stopped, so a long batch can be done a request at a time.
    """
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
        if _up_to_date(out_dir / f"{cert.serial}.pdf", entries.get(cert.serial), cert, verify_url_for(cert.serial),
                       verify_form_url):
            result.skipped.append(cert.serial)
        else:
            todo.append(cert)
    if limit is not None:
        todo, later = todo[:max(limit, 0)], todo[max(limit, 0):]
        result.pending = [cert.serial for cert in later]
    total, done = len(certs), len(result.skipped)
    if progress:
        progress(done, total)
    rendered: dict[str, tuple[RenderedBatch, tuple[int, int]]] = {}  # this run's pages, for the combined PDF
    backgrounds = Backgrounds()  # laid out once for the whole run
    for index in range(0, len(todo), chunk):
        batch = todo[index:index + chunk]
        pages = render_batch(batch, verify_url_for=verify_url_for, verify_form_url=verify_form_url,
                             backgrounds=backgrounds)
        rendered.update((cert.serial, (pages, where)) for cert, where in zip(batch, pages.ranges, strict=True))
        for cert, pdf in zip(batch, pages.split(), strict=True):
            _write_atomic(out_dir / f"{cert.serial}.pdf", pdf)
            verify_url = verify_url_for(cert.serial)
            entries[cert.serial] = {"pdf_sha256": _sha256(pdf), "snapshot_sha256": cert.snapshot.sha256,
                                    "verify_url": verify_url, "file": f"{cert.serial}.pdf",
                                    "fingerprint": certificates.fingerprint(cert, verify_url, verify_form_url)}
            result.issued.append(cert.serial)
        done += len(batch)
        _write_manifest(out_dir, edition, entries, None)  # after each chunk: a crash loses one chunk at most
        if progress:
            progress(done, total)

    combined_path = out_dir / COMBINED
    if result.pending:  # not all there yet: no combined PDF that would leave some out
        combined_path.unlink(missing_ok=True)
        combined_sha = None
    elif result.issued or result.removed or not combined_path.exists() or combined_sha is None \
            or _sha256(combined_path.read_bytes()) != combined_sha:
        if certs:
            if all(c.serial in rendered for c in certs):
                combined_bytes = combine([rendered[c.serial] for c in certs])
            else:  # some come from an earlier run: from their files
                combined_bytes = _merge([out_dir / f"{c.serial}.pdf" for c in certs])
            _write_atomic(combined_path, combined_bytes)
            combined_sha = _sha256(combined_bytes)
        else:
            combined_path.unlink(missing_ok=True)
            combined_sha = None
    _write_manifest(out_dir, edition, entries, combined_sha)
    result.seconds = time.perf_counter() - started
    return result


def _merge(files: Sequence[Path]) -> bytes:
    """The certificates' PDFs as one, in order. Each file carries a copy of its own render's fonts and
    background, so identical objects are kept once."""
    writer = PdfWriter()
    for path in files:
        writer.append(PdfReader(path))
    writer.compress_identical_objects()  # defaults: drop duplicates and orphans (pypdf 5 to 7)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
