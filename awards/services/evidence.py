"""Evidence: the files and links an entry offers, each for one criterion or the whole entry.

Files go to the content-addressed store (awards.storage: type from the bytes, stored once
under their sha256, outside static/); rows record who added what. Reading a file is for
views that have already checked who is asking.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from awards import storage
from awards.enums import EntryStatus
from awards.extensions import db
from awards.models import Criterion, Entry, Evidence, User
from awards.services import audit, institutions
from awards.services.errors import InvalidInput, NotAllowed

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def file_store() -> storage.FileStore:
    return storage.FileStore(Path(current_app.config["UPLOAD_DIR"]))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _check_can_change(entry: Entry, actor: User | None, criterion: Criterion | None = None,
                      privacy_confirmed: bool = True, now: datetime | None = None) -> None:
    institutions.check_staff(entry.institution_id, actor)
    institutions.check_open(entry.edition, now)
    if entry.status is not EntryStatus.DRAFT:
        raise NotAllowed(_l("This entry has been submitted; its evidence can no longer change."))
    if criterion is not None and criterion.category_id != entry.category_id:
        raise InvalidInput(_l("That criterion does not belong to this entry's category."))
    if entry.category.privacy_notice and not privacy_confirmed:
        raise InvalidInput(_l("Confirm that the file holds only aggregate, anonymised figures: no names or "
                              "other details of any person living with HIV."))


def entry_bytes(entry: Entry) -> int:
    return sum(e.size or 0 for e in entry.evidence)


def add_file(
    entry: Entry, *, stream: BinaryIO, filename: str, actor: User | None, criterion: Criterion | None = None,
    privacy_confirmed: bool = False, now: datetime | None = None,
) -> Evidence:
    """Store an uploaded file for the entry; its type is decided from its bytes, never its name."""
    _check_can_change(entry, actor, criterion, privacy_confirmed, now)
    # Browsers send a bare file name; one with folders in it is a tampered request.
    if "/" in (filename or "") or "\\" in (filename or "") or (filename or "").strip() in (".", ".."):
        raise InvalidInput(_l("The file name must not contain folders (/ or \\). Rename the file and try again."))
    config = current_app.config
    store = file_store()
    try:
        stored = store.save(stream, max_bytes=config["UPLOAD_MAX_FILE_BYTES"])
    except storage.TooLarge:
        raise InvalidInput(_l("The file is larger than %(mb)s MB. Make it smaller or split it.",
                              mb=_megabytes(config["UPLOAD_MAX_FILE_BYTES"]))) from None
    except storage.UnsupportedType:
        raise InvalidInput(_l("This kind of file is not accepted. Upload a PDF, PNG, JPEG, DOCX, XLSX or CSV file.")) \
            from None
    if entry_bytes(entry) + stored.size > config["UPLOAD_MAX_ENTRY_BYTES"]:
        _forget_if_unused(stored.sha256)
        raise InvalidInput(_l("The entry's files would exceed %(mb)s MB in total. Remove a file or upload a "
                              "smaller one.", mb=_megabytes(config["UPLOAD_MAX_ENTRY_BYTES"])))
    item = Evidence(
        entry=entry, criterion=criterion, sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
        original_name=storage.clean_filename(filename or "", stored.content_type),
        uploader_id=actor.id if actor else None,
    )
    db.session.add(item)
    audit.record("evidence.add", item, actor=actor, after=_describe(item))
    return item


def add_link(
    entry: Entry, *, url: str, actor: User | None, criterion: Criterion | None = None, text: str = "",
    privacy_confirmed: bool = False, now: datetime | None = None,
) -> Evidence:
    _check_can_change(entry, actor, criterion, privacy_confirmed, now)
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise InvalidInput(_l("Enter a full web address starting with https:// or http://."))
    text = (text or "").strip()
    if len(text) > 300:
        raise InvalidInput(_l("The link's description is too long (at most 300 characters)."))
    item = Evidence(entry=entry, criterion=criterion, url=url, text=text or None,
                    uploader_id=actor.id if actor else None)
    db.session.add(item)
    audit.record("evidence.add", item, actor=actor, after=_describe(item))
    return item


def delete(item: Evidence, *, actor: User | None, now: datetime | None = None) -> None:
    """Remove a file or link from a draft entry before the deadline; the audit trail keeps its hash."""
    entry = item.entry
    _check_can_change(entry, actor, now=now)
    audit.record("evidence.delete", item, actor=actor, before=_describe(item))
    entry.evidence.remove(item)
    db.session.delete(item)
    db.session.flush()
    if item.sha256 is not None:
        _forget_if_unused(item.sha256)


def _forget_if_unused(sha256: str) -> None:
    if db.session.scalar(db.select(db.func.count()).select_from(Evidence).filter_by(sha256=sha256)) == 0:
        file_store().delete(sha256)


def _describe(item: Evidence) -> dict:
    return {"entry": item.entry_id, "criterion": item.criterion_id, "sha256": item.sha256, "size": item.size,
            "type": item.content_type, "name": item.original_name, "url": item.url}


@dataclass(frozen=True)
class EvidenceGroups:
    """An entry's evidence: for the whole entry, and by criterion id."""

    general: list[Evidence]
    by_criterion: dict[int, list[Evidence]]


def grouped(entry: Entry) -> EvidenceGroups:
    general, by_criterion = [], {}
    for item in entry.evidence:
        if item.criterion_id is None:
            general.append(item)
        else:
            by_criterion.setdefault(item.criterion_id, []).append(item)
    return EvidenceGroups(general, by_criterion)


def open_file(item: Evidence) -> BinaryIO:
    """The stored bytes of a file evidence (the caller has checked access)."""
    if item.sha256 is None:
        raise InvalidInput(_l("This evidence is a link, not a file."))
    return file_store().open(item.sha256)
