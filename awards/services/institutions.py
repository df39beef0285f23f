"""Institutions and their entries: creating, submitting, and who may enter which category."""

from flask_babel import lazy_gettext as _l

from awards.enums import EntryStatus, InstitutionType
from awards.extensions import db
from awards.models import Category, Entry, Institution, User
from awards.models._types import utcnow
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


def create_entry(
    institution: Institution, category: Category, *, title: str, summary: str = "", actor: User | None = None
) -> Entry:
    if institution.type.value not in category.eligible_types:
        raise NotAllowed(_l("This institution type cannot enter this category."))
    if not title.strip():
        raise InvalidInput(_l("An entry needs a title."))
    exists = db.session.execute(
        db.select(Entry.id).filter_by(category_id=category.id, institution_id=institution.id)
    ).first()
    if exists:
        raise InvalidInput(_l("This institution already has an entry in this category."))
    entry = Entry(edition=category.edition, category=category, institution=institution,
                  title=title.strip(), summary=summary.strip())
    db.session.add(entry)
    audit.record("entry.create", entry, actor=actor,
                 after={"category": category.code, "institution": institution.acronym, "title": entry.title})
    return entry


def submit_entry(entry: Entry, *, actor: User | None = None) -> Entry:
    if entry.status is not EntryStatus.DRAFT:
        raise InvalidInput(_l("Only a draft entry can be submitted."))
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = utcnow()
    audit.record("entry.submit", entry, actor=actor, before={"status": "draft"}, after={"status": "submitted"})
    return entry


def entries_for_institution(institution_id: int) -> list[Entry]:
    return list(
        db.session.execute(
            db.select(Entry).filter_by(institution_id=institution_id).order_by(Entry.edition_id.desc(), Entry.category_id)
        ).scalars()
    )
