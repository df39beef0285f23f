"""Institutions and their entries: who may enter which category, writing an entry and its
narratives before the deadline, submitting, withdrawing, and who may see an entry.

The submission window is the edition's submissions stage up to its deadline, checked here on
the server for every change. ``now`` is a parameter so that seeds and tests can replay a timeline.
"""

import re
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from awards.enums import EntryStatus, InstitutionType, Role, Stage
from awards.extensions import db
from awards.models import Category, Criterion, Edition, Entry, Institution, Narrative, User
from awards.models._types import utcnow
from awards.i18n import format_number, localized
from awards.services import audit
from awards.services.errors import InvalidInput, NotAllowed


def get_institution(acronym: str) -> Institution | None:
    return db.session.execute(db.select(Institution).filter_by(acronym=acronym.strip().upper())).scalar()


def create_institution(
    *, name: str, acronym: str, type: InstitutionType, parent: Institution | None = None, actor: User | None = None
) -> Institution:
    acronym = acronym.strip().upper()
    if not name.strip() or not acronym:
        raise InvalidInput(_l("An institution needs a name and an acronym."))
    if get_institution(acronym) is not None:
        raise InvalidInput(_l("An institution with the acronym %(acronym)s already exists.", acronym=acronym))
    institution = Institution(name=name.strip(), acronym=acronym, type=type, parent=parent)
    db.session.add(institution)
    audit.record("institution.create", institution, actor=actor,
                 after={"name": institution.name, "acronym": acronym, "type": type.value,
                        "parent": parent.acronym if parent else None})
    return institution


def submissions_open(edition: Edition, now: datetime | None = None) -> bool:
    """Entries can change while the edition takes submissions, up to its deadline."""
    if edition.stage is not Stage.SUBMISSIONS:
        return False
    deadline = edition.submissions_deadline
    return deadline is None or (now or utcnow()) <= deadline


def check_open(edition: Edition, now: datetime | None = None) -> None:
    if not submissions_open(edition, now):
        raise NotAllowed(_l("Submissions for this edition are closed; entries can no longer change."))


def check_staff(entry_institution_id: int, actor: User | None) -> None:
    """Institution staff change their own institution's entries; the secretariat any (seeds: no actor)."""
    if actor is None or actor.role is Role.ORGANISER:
        return
    if actor.role is not Role.INSTITUTION or actor.institution_id != entry_institution_id:
        raise NotAllowed()


def entry_for(user: User, entry_id: int) -> Entry | None:
    """The entry if ``user`` may see it on the institution pages: their own institution's, or any for
    the secretariat. None otherwise (judges read entries through their assignments)."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        return None
    if user.role is Role.ORGANISER or (user.role is Role.INSTITUTION and user.institution_id == entry.institution_id):
        return entry
    return None


def eligible_categories(institution: Institution, edition: Edition) -> list[Category]:
    return [c for c in edition.categories if institution.type.value in c.eligible_types]


def categories_open_to(institution: Institution, edition: Edition) -> list[Category]:
    """Eligible categories the institution has not entered yet (a withdrawn entry can be revived)."""
    entered = set(db.session.execute(
        db.select(Entry.category_id).filter(Entry.institution_id == institution.id,
                                            Entry.edition_id == edition.id,
                                            Entry.status != EntryStatus.WITHDRAWN)
    ).scalars())
    return [c for c in eligible_categories(institution, edition) if c.id not in entered]


def _clean_details(category: Category, title: str, summary: str, innovation_name: str | None) -> tuple:
    title, summary = (title or "").strip(), (summary or "").strip()
    innovation_name = (innovation_name or "").strip() or None
    if not title or len(title) > 300:
        raise InvalidInput(_l("Give the entry a title (at most 300 characters)."))
    if len(summary) > 5000:
        raise InvalidInput(_l("The summary is too long (at most 5000 characters)."))
    if category.names_innovation and not innovation_name:
        raise InvalidInput(_l("Name the innovation this entry is about."))
    if innovation_name is not None and len(innovation_name) > 200:
        raise InvalidInput(_l("The innovation's name is too long (at most 200 characters)."))
    return title, summary, innovation_name if category.names_innovation else None


def create_entry(
    institution: Institution, category: Category, *, title: str, summary: str = "",
    innovation_name: str | None = None, actor: User | None = None, now: datetime | None = None,
) -> Entry:
    """Enter a category (or enter it again after withdrawing, before the deadline)."""
    check_staff(institution.id, actor)
    check_open(category.edition, now)
    if institution.type.value not in category.eligible_types:
        raise NotAllowed(_l("This institution type cannot enter this category."))
    title, summary, innovation_name = _clean_details(category, title, summary, innovation_name)
    entry = db.session.execute(
        db.select(Entry).filter_by(category_id=category.id, institution_id=institution.id)
    ).scalar()
    if entry is not None and entry.status is not EntryStatus.WITHDRAWN:
        raise InvalidInput(_l("This institution already has an entry in this category."))
    before = _state(entry) if entry is not None else None
    if entry is None:
        entry = Entry(edition=category.edition, category=category, institution=institution)
        db.session.add(entry)
    entry.title, entry.summary, entry.innovation_name = title, summary, innovation_name
    entry.status, entry.submitted_at = EntryStatus.DRAFT, None
    audit.record("entry.create", entry, actor=actor, before=before,
                 after={"category": category.code, "institution": institution.acronym, **_state(entry)})
    return entry


def update_entry(
    entry: Entry, *, title: str, summary: str, innovation_name: str | None = None,
    narratives: dict[int, str] | None = None, actor: User | None, now: datetime | None = None,
) -> Entry:
    """Change a draft entry's details and its narratives ({criterion id: text})."""
    check_staff(entry.institution_id, actor)
    check_open(entry.edition, now)
    if entry.status is not EntryStatus.DRAFT:
        raise NotAllowed(_l("This entry has been submitted. Return it to draft to change it."))
    before = _state(entry)
    entry.title, entry.summary, entry.innovation_name = _clean_details(entry.category, title, summary, innovation_name)
    criteria = {c.id: c for c in entry.category.criteria}
    existing = {n.criterion_id: n for n in entry.narratives}
    for criterion_id, text in (narratives or {}).items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise InvalidInput(_l("That criterion does not belong to this entry's category."))
        text = (text or "").strip()
        limit = word_limit(criterion)
        if count_words(text) > limit:
            raise InvalidInput(_l("%(criterion)s: the text has %(n)s words; the limit is %(limit)s.",
                                  criterion=localized(criterion, "name"), n=format_number(count_words(text)),
                                  limit=format_number(limit)))
        row = existing.get(criterion_id)
        if row is None:
            row = Narrative(entry=entry, criterion=criterion)
            entry.narratives.append(row)
        if row.text != text:
            row.text, row.updated_at = text, utcnow()
    after = _state(entry)
    if after != before:
        audit.record("entry.update", entry, actor=actor, before=before, after=after)
    return entry


_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    return len(_WORD.findall(text or ""))


def word_limit(criterion: Criterion) -> int:
    return criterion.word_limit or current_app.config["NARRATIVE_MAX_WORDS"]


def submit_entry(entry: Entry, *, actor: User | None = None, now: datetime | None = None) -> Entry:
    """Submit a draft: every criterion needs a narrative. The entry and its evidence are then frozen."""
    check_staff(entry.institution_id, actor)
    check_open(entry.edition, now)
    if entry.status is not EntryStatus.DRAFT:
        raise InvalidInput(_l("Only a draft entry can be submitted."))
    written = {n.criterion_id for n in entry.narratives if n.text.strip()}
    missing = [c for c in entry.category.criteria if c.id not in written]
    if missing:
        raise InvalidInput(_l("Write something for every criterion before submitting. Missing: %(names)s",
                              names=", ".join(localized(c, "name") for c in missing)))
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = now or utcnow()
    audit.record("entry.submit", entry, actor=actor, before={"status": "draft"},
                 after={"status": "submitted", "files": {e.id: e.sha256 for e in entry.evidence if e.sha256}})
    return entry


def return_to_draft(entry: Entry, *, actor: User | None, now: datetime | None = None) -> Entry:
    """Take a submitted entry back to change it before the deadline (it must be submitted again)."""
    check_staff(entry.institution_id, actor)
    check_open(entry.edition, now)
    if entry.status is not EntryStatus.SUBMITTED:
        raise InvalidInput(_l("Only a submitted entry can be returned to draft."))
    entry.status, entry.submitted_at = EntryStatus.DRAFT, None
    audit.record("entry.return_to_draft", entry, actor=actor, before={"status": "submitted"},
                 after={"status": "draft"})
    return entry


def withdraw_entry(entry: Entry, *, actor: User | None, now: datetime | None = None) -> Entry:
    """Leave the category before the deadline; entering it again later revives the same entry."""
    check_staff(entry.institution_id, actor)
    check_open(entry.edition, now)
    if entry.status not in (EntryStatus.DRAFT, EntryStatus.SUBMITTED):
        raise InvalidInput(_l("This entry cannot be withdrawn."))
    before = _state(entry)
    entry.status, entry.submitted_at = EntryStatus.WITHDRAWN, None
    audit.record("entry.withdraw", entry, actor=actor, before=before, after=_state(entry))
    return entry


def _state(entry: Entry) -> dict:
    return {"status": entry.status.value if entry.status else "draft", "title": entry.title,
            "summary": entry.summary, "innovation_name": entry.innovation_name,
            "narratives": {n.criterion.code: n.text for n in entry.narratives}}


def entries_for_institution(institution_id: int) -> list[Entry]:
    return list(
        db.session.execute(
            db.select(Entry).filter_by(institution_id=institution_id).order_by(Entry.edition_id.desc(), Entry.category_id)
        ).scalars()
    )
