"""Assigning judges to entries: automatically (balanced, never a conflict, specialists first) and by hand.

The rules, as the console explains them:
- a judge is never assigned an entry of their own institution, its parent or children, or an
  institution they declared a conflict with;
- each entry gets the number of judges asked for, counting the ones it already has;
- within a category every judge carries the same load, give or take one: the next judge is always
  one with the fewest entries in the category so far;
- among judges with equal load, specialists of the category come first, then those with the
  fewest entries in the whole edition;
- the entries with the fewest possible judges are served first, so conflicts do not leave them short.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from awards.enums import EntryStatus, Role
from awards.extensions import db
from awards.models import Assignment, Category, Entry, User
from awards.services import audit
from awards.services.errors import InvalidInput, NotAllowed
from awards.services.judging import conflicted_institution_ids


@dataclass
class AssignmentPlan:
    created: list[tuple[int, int]] = field(default_factory=list)  # (entry id, judge id)
    short: dict[int, int] = field(default_factory=dict)  # entry id -> judges still missing


def judges() -> list[User]:
    return list(db.session.execute(
        db.select(User).filter_by(role=Role.JUDGE, active=True).order_by(User.name, User.id)
    ).scalars())


def entries_of(category: Category) -> list[Entry]:
    return list(db.session.execute(
        db.select(Entry).filter_by(category_id=category.id, status=EntryStatus.SUBMITTED).order_by(Entry.id)
    ).scalars())


def loads(edition_id: int, category_id: int | None = None) -> dict[int, int]:
    """Assignments per judge in the edition (or one category of it)."""
    query = (db.select(Assignment.judge_id, db.func.count()).join(Assignment.entry)
             .filter(Entry.edition_id == edition_id, Entry.status == EntryStatus.SUBMITTED)
             .group_by(Assignment.judge_id))
    if category_id is not None:
        query = query.filter(Entry.category_id == category_id)
    return dict(db.session.execute(query).all())


def assign_automatically(category: Category, *, judges_per_entry: int, actor: User) -> AssignmentPlan:
    """Give every submitted entry of the category ``judges_per_entry`` judges, by the rules above."""
    if actor.role is not Role.ORGANISER:
        raise NotAllowed()
    if not 1 <= judges_per_entry <= 15:
        raise InvalidInput(_l("Choose between 1 and 15 judges per entry."))
    edition_id = category.edition_id
    panel = judges()
    if not panel:
        raise InvalidInput(_l("There are no judges yet. Import or create judge accounts first."))
    conflicts = {j.id: conflicted_institution_ids(j, edition_id) for j in panel}
    entries = entries_of(category)
    on_entry: dict[int, set[int]] = {e.id: set() for e in entries}
    for entry_id, judge_id in db.session.execute(
        db.select(Assignment.entry_id, Assignment.judge_id).filter(Assignment.entry_id.in_(list(on_entry)))
    ).all():
        on_entry[entry_id].add(judge_id)
    in_category = loads(edition_id, category.id)
    in_edition = loads(edition_id)

    def candidates(entry: Entry) -> list[User]:
        return [j for j in panel if entry.institution_id not in conflicts[j.id] and j.id not in on_entry[entry.id]]

    plan = AssignmentPlan()
    for entry in sorted(entries, key=lambda e: (len(candidates(e)), e.id)):
        need = judges_per_entry - len(on_entry[entry.id])
        if need <= 0:
            continue
        chosen = sorted(
            candidates(entry),
            key=lambda j: (in_category.get(j.id, 0), category.code not in (j.specialities or []),
                           in_edition.get(j.id, 0), j.id),
        )[:need]
        for judge in chosen:
            db.session.add(Assignment(judge_id=judge.id, entry_id=entry.id))
            on_entry[entry.id].add(judge.id)
            in_category[judge.id] = in_category.get(judge.id, 0) + 1
            in_edition[judge.id] = in_edition.get(judge.id, 0) + 1
            plan.created.append((entry.id, judge.id))
        if len(chosen) < need:
            plan.short[entry.id] = need - len(chosen)
    db.session.flush()
    audit.record("assignment.auto", category, actor=actor,
                 after={"judges_per_entry": judges_per_entry, "created": plan.created, "short": plan.short})
    return plan


def unassign(assignment: Assignment, *, actor: User) -> None:
    """Take a judge off an entry, unless they have started scoring it (their scores are kept)."""
    if actor.role is not Role.ORGANISER:
        raise NotAllowed()
    if assignment.scorecard is not None:
        raise InvalidInput(_l("This judge has already started scoring this entry; their scorecard is kept. "
                              "Reopen or leave it instead."))
    audit.record("assignment.delete", assignment, actor=actor,
                 before={"judge": assignment.judge_id, "entry": assignment.entry_id})
    db.session.delete(assignment)
    db.session.flush()
