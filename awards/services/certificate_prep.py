"""An edition's certificates prepared ahead, a chunk at a time, for the console's progress bar.

The organiser's console renders the edition's current certificates into a folder of the app's
file store, ``UPLOAD_DIR/certificates/<edition>/`` (shared by every app machine, like the
evidence files), with ``certificate_batch.issue_edition``: each ``prepare`` call renders at most
``CHUNK`` more and answers how far the folder has got, so no request runs for long and a page
can show progress. The folder's manifest says what is already there and up to date: a rerun
skips it, and a correction or a revocation makes the affected files stale, so they go (and the
new certificates are rendered) on the next run. The ZIP download packs the prepared folder.

The folder is derived data: it can be deleted at any time (it is rendered again) and backups
leave it out. A file lock on the folder keeps two requests from preparing it at once, and a
download from reading it while it changes.
"""

from __future__ import annotations

import fcntl
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from awards.extensions import db
from awards.models import Certificate, Edition, Institution, ResultSnapshot
from awards.services import audit, certificate_batch
from awards.services.certificate_batch import COMBINED, MANIFEST, VerifyUrlFor, current_certificates

CHUNK = 50  # certificates rendered per request: a few seconds, far from any proxy's timeout
_SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Progress:
    done: int   # current certificates rendered and up to date in the folder
    total: int  # current certificates of the edition
    ready: bool  # everything is there, the combined PDF too: the ZIP is only packing

    @property
    def percent(self) -> int:
        return 100 if not self.total else self.done * 100 // self.total

    def as_json(self) -> dict:
        return {"done": self.done, "total": self.total, "ready": self.ready}


def folder(edition: Edition) -> Path:
    name = edition.slug if _SAFE_SLUG.fullmatch(edition.slug or "") else f"edition-{edition.id}"
    return Path(current_app.config["UPLOAD_DIR"]) / "certificates" / name


@contextmanager
def _locked(path: Path, *, shared: bool = False) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    with open(path / ".lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def progress(edition: Edition, *, verify_url_for: VerifyUrlFor, verify_form_url: str) -> Progress:
    """How far the folder is, read from its manifest; renders and writes nothing."""
    out_dir = folder(edition)
    entries, combined_sha = certificate_batch._read_manifest(out_dir)
    certs = current_certificates(edition)
    done = sum(1 for cert in certs
               if certificate_batch.listed(entries.get(cert.serial), cert, verify_url_for(cert.serial), verify_form_url)
               and (out_dir / f"{cert.serial}.pdf").is_file())
    stale = set(entries) - {cert.serial for cert in certs}
    ready = done == len(certs) and not stale and (
        not certs or (combined_sha is not None and (out_dir / COMBINED).is_file()))
    return Progress(done, len(certs), ready)


def prepare(edition: Edition, *, actor, verify_url_for: VerifyUrlFor, verify_form_url: str,
            limit: int | None = CHUNK) -> Progress:
    """Render the next ``limit`` certificates (None: all that are missing) into the edition's folder.

    A run that changed the folder records ``certificates.prepared`` (what it rendered and removed,
    and how far the folder is) when an ``actor`` is given; a run that found everything up to date
    records nothing.
    """
    with _locked(folder(edition)) as out_dir:
        result = certificate_batch.issue_edition(edition, out_dir, verify_url_for=verify_url_for,
                                                 verify_form_url=verify_form_url, limit=limit)
    if actor is not None and (result.issued or result.removed):
        audit.record("certificates.prepared", edition, actor=actor, after={
            "edition": edition.slug, "rendered": len(result.issued), "removed": len(result.removed),
            "done": result.done, "total": result.total, "seconds": round(result.seconds, 1)})
    return Progress(result.done, result.total, result.complete)


def write_zip(edition: Edition, archive: BinaryIO) -> int:
    """Pack the prepared folder (call ``prepare`` until ready first): each certificate's PDF, the
    combined PDF and the manifest, under ``<edition>-certificates/``. Returns the number of files."""
    with _locked(folder(edition), shared=True) as out_dir:
        entries, _ = certificate_batch._read_manifest(out_dir)
        names = [f"{serial}.pdf" for serial in sorted(entries)] + [COMBINED, MANIFEST]
        names = [name for name in names if (out_dir / name).is_file()]
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in names:
                # PDFs are compressed inside already: storing them is as small and much faster.
                kind = zipfile.ZIP_DEFLATED if name == MANIFEST else zipfile.ZIP_STORED
                zf.write(out_dir / name, f"{edition.slug}-certificates/{name}", compress_type=kind)
    return len(names)


def has_certificates(edition: Edition) -> bool:
    """Has the edition issued any certificate, whatever its status?"""
    return db.session.execute(
        db.select(Certificate.id).join(Certificate.snapshot).filter(ResultSnapshot.edition_id == edition.id).limit(1)
    ).first() is not None


def edition_certificates(edition: Edition, *, category_id: int | None = None, offset: int = 0,
                         limit: int | None = None) -> list[Certificate]:
    """Every certificate of the edition, whatever its status: category by category, the current
    publication first, then by place and institution."""
    query = (
        db.select(Certificate).join(Certificate.snapshot).join(Certificate.institution)
        .filter(ResultSnapshot.edition_id == edition.id)
        .options(db.contains_eager(Certificate.snapshot).selectinload(ResultSnapshot.category),
                 db.contains_eager(Certificate.institution))
        .order_by(ResultSnapshot.category_id, ResultSnapshot.superseded, ResultSnapshot.id.desc(),
                  db.func.coalesce(Certificate.place, 99), Certificate.kind, Institution.name,
                  Certificate.id)
    )
    if category_id is not None:
        query = query.filter(ResultSnapshot.category_id == category_id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())
