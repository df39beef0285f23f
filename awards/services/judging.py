"""Judging: assignments, conflicts of interest and scorecards.

Owns the rules for who may score what, and saving or submitting a scorecard with
optimistic locking. Score arithmetic belongs to awards.scoring; this module only turns
rows into its inputs and its errors into domain errors.
"""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from awards import scoring
from awards.enums import EntryStatus, Role, ScorecardStatus, Stage
from awards.extensions import db
from awards.i18n import localized
from awards.models import (
    Assignment, Category, ConflictDeclaration, CriterionScore, DeclarationSignature, Entry, Institution, Scorecard,
    User,
)
from awards.models._types import utcnow
from awards.services import audit
from awards.services.editions import plain
from awards.services.errors import InvalidInput, NotAllowed, ScorecardLocked, StaleVersion


def rubric_spec(category: Category) -> scoring.RubricSpec:
    return scoring.RubricSpec(
        criteria=tuple(
            scoring.CriterionSpec(
                code=c.code,
                weight=Decimal(c.weight),
                minimum=Decimal(c.scale_min),
                maximum=Decimal(c.scale_max),
                step=Decimal(c.scale_step),
                in_total=c.in_total,
            )
            for c in category.criteria
        )
    )


def automatic_conflicts(judge: User) -> list[Institution]:
    """A judge's own institution, its parent and its children: conflicts without any declaration."""
    home = judge.institution
    if home is None:
        return []
    return [home] + ([home.parent] if home.parent is not None else []) + sorted(home.children, key=lambda i: i.name)


def conflicted_institution_ids(judge: User, edition_id: int) -> set[int]:
    """The automatic conflicts plus the ones the judge declared for the edition."""
    ids = {institution.id for institution in automatic_conflicts(judge)}
    ids.update(
        db.session.execute(
            db.select(ConflictDeclaration.institution_id).filter_by(judge_id=judge.id, edition_id=edition_id)
        ).scalars()
    )
    return ids


def is_conflicted(judge: User, entry: Entry) -> bool:
    return entry.institution_id in conflicted_institution_ids(judge, entry.edition_id)


def signature_for(judge: User, edition_id: int) -> DeclarationSignature | None:
    return db.session.execute(
        db.select(DeclarationSignature).filter_by(judge_id=judge.id, edition_id=edition_id)
    ).scalar()


def assign_judge(judge: User, entry: Entry, *, actor: User) -> Assignment:
    if judge.role is not Role.JUDGE:
        raise InvalidInput(_l("Only judges can be assigned to entries."))
    if is_conflicted(judge, entry):
        raise NotAllowed(_l("This judge has a conflict of interest with the institution and cannot be assigned."))
    existing = db.session.execute(db.select(Assignment).filter_by(judge_id=judge.id, entry_id=entry.id)).scalar()
    if existing is not None:
        return existing
    assignment = Assignment(judge=judge, entry=entry)
    db.session.add(assignment)
    audit.record("assignment.create", assignment, actor=actor, after={"judge": judge.id, "entry": entry.id})
    return assignment


def assignments_for_judge(judge: User) -> list[Assignment]:
    """The judge's assignments to submitted entries, leaving out any conflict that came to light since."""
    rows = db.session.execute(
        db.select(Assignment)
        .join(Assignment.entry)
        .filter(Assignment.judge_id == judge.id, Entry.status == EntryStatus.SUBMITTED)
        .options(db.contains_eager(Assignment.entry).selectinload(Entry.institution),
                 db.contains_eager(Assignment.entry).selectinload(Entry.category),
                 db.selectinload(Assignment.scorecard))
        .order_by(Entry.category_id, Entry.id)
    ).scalars()
    conflicts: dict[int, set[int]] = {}
    out = []
    for assignment in rows:
        edition_id = assignment.entry.edition_id
        if edition_id not in conflicts:
            conflicts[edition_id] = conflicted_institution_ids(judge, edition_id)
        if assignment.entry.institution_id not in conflicts[edition_id]:
            out.append(assignment)
    return out


def assignment_for_judge_or_none(judge: User, assignment_id: int) -> Assignment | None:
    """The judge's own assignment, or None (also when a conflict has come to light since)."""
    assignment = db.session.get(Assignment, assignment_id)
    if (
        assignment is None
        or assignment.judge_id != judge.id
        or assignment.entry.status is not EntryStatus.SUBMITTED
        or is_conflicted(judge, assignment.entry)
    ):
        return None
    return assignment


def category_is_published(category: Category) -> bool:
    from awards.services.results import is_published  # results imports this module

    return is_published(category)


def save_scorecard(
    assignment: Assignment,
    *,
    scores: dict[str, Decimal | None],
    comments: dict[str, str],
    comment: str,
    version: int,
    submit: bool,
    actor: User,
) -> Scorecard:
    """Save a draft, or submit (which needs every criterion and locks the scorecard).

    ``version`` is the scorecard version the judge's form was built from (0 for a new
    one); a save based on an older version is refused so newer data is never overwritten.
    """
    entry = assignment.entry
    category = entry.category
    card = assignment.scorecard
    reopened = card is not None and card.status is ScorecardStatus.REOPENED
    # Judging is open in the judging stage until the category is published. After that, and in
    # moderation, only a scorecard an organiser reopened (with a reason) can change.
    open_for_all = entry.edition.stage is Stage.JUDGING and not category_is_published(category)
    if not (open_for_all or (reopened and entry.edition.stage in REOPEN_STAGES)):
        raise NotAllowed(_l("Judging is closed for this category."))
    if signature_for(assignment.judge, entry.edition_id) is None:
        raise NotAllowed(_l("Sign your declaration of interests for this edition before scoring."))
    current_version = card.version if card is not None else 0
    if version != current_version:
        raise StaleVersion()
    if card is not None and card.status is ScorecardStatus.SUBMITTED:
        raise ScorecardLocked()

    rubric = rubric_spec(category)
    criteria = {c.code: c for c in category.criteria}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise InvalidInput(_l("Unknown criterion: %(code)s", code=sorted(unknown)[0]))
    clean: dict[str, Decimal | None] = {}
    for code, value in scores.items():
        if value is None:
            clean[code] = None
            continue
        try:
            clean[code] = scoring.check_score(rubric.criterion(code), value)
        except (scoring.ScoringError, TypeError):
            crit = criteria[code]
            raise InvalidInput(
                _l(
                    "%(criterion)s: the score must be between %(min)s and %(max)s in steps of %(step)s.",
                    criterion=localized(crit, "name"), min=plain(crit.scale_min), max=plain(crit.scale_max),
                    step=plain(crit.scale_step),
                )
            ) from None
    if submit:
        missing = [criteria[code] for code in criteria if clean.get(code) is None]
        if missing:
            raise InvalidInput(_l("Score every criterion before submitting. Missing: %(names)s",
                                  names=", ".join(localized(c, "name") for c in missing)))

    before = _snapshot(card)
    if card is None:
        card = Scorecard(assignment=assignment)
        db.session.add(card)
    by_criterion = {s.criterion_id: s for s in card.scores}
    for code, crit in criteria.items():
        if code not in clean and code not in comments:
            continue
        row = by_criterion.get(crit.id)
        if row is None:
            row = CriterionScore(criterion=crit, scorecard=card)
            card.scores.append(row)
        if code in clean:
            row.value = clean[code]
        if code in comments:
            row.comment = comments[code].strip()
    card.comment = comment.strip()
    card.updated_at = utcnow()  # always dirty, so the version bumps even if only scores changed
    if submit:
        card.status = ScorecardStatus.SUBMITTED
        card.submitted_at = card.updated_at
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion() from None
    audit.record("scorecard.submit" if submit else "scorecard.save", card, actor=actor,
                 before=before, after=_snapshot(card))
    return card


# A submitted scorecard can be sent back while judging, in moderation, and after a category is
# published (a correction: the public keeps the published ranking until it is re-published).
REOPEN_STAGES = (Stage.JUDGING, Stage.MODERATION, Stage.PUBLISHED)


def reopen_scorecard(card: Scorecard, *, reason: str, actor: User) -> Scorecard:
    """Send a submitted scorecard back to its judge, with a written reason the judge is shown."""
    if actor.role is not Role.ORGANISER:
        raise NotAllowed(_l("Only an organiser can reopen a scorecard."))
    reason = (reason or "").strip()
    if not 10 <= len(reason) <= 2000:
        raise InvalidInput(_l("Write the reason for reopening (10 to 2000 characters); the judge will read it."))
    if card.status is not ScorecardStatus.SUBMITTED:
        raise InvalidInput(_l("Only a submitted scorecard can be reopened."))
    entry = card.assignment.entry
    if entry.edition.stage not in REOPEN_STAGES:
        raise NotAllowed(_l("Scorecards can be reopened only from judging until the results are published."))
    before = _snapshot(card)
    card.status = ScorecardStatus.REOPENED
    card.reopen_reason = reason
    card.reopened_at = utcnow()
    card.reopened_by = actor
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion() from None
    audit.record("scorecard.reopen", card, actor=actor, before=before, after={**_snapshot(card), "reason": reason})
    return card


def reopened_scorecards(category: Category) -> list[Scorecard]:
    """Scorecards an organiser sent back that the judge has not submitted again yet."""
    return list(
        db.session.execute(
            db.select(Scorecard)
            .join(Scorecard.assignment)
            .join(Assignment.entry)
            .filter(Entry.category_id == category.id, Scorecard.status == ScorecardStatus.REOPENED)
            .order_by(Scorecard.reopened_at)
        ).scalars()
    )


def scorecard_data(card: Scorecard) -> dict:
    """A judge's own draft as plain data, in the shape the scoring page sends (the autosave payload)."""
    return {
        "version": card.version,
        "status": card.status.value,
        "scores": {s.criterion.code: (plain(s.value) if s.value is not None else None) for s in card.scores},
        "comments": {s.criterion.code: s.comment for s in card.scores},
        "comment": card.comment,
    }


def _snapshot(card: Scorecard | None) -> dict | None:
    if card is None:
        return None
    return {
        "status": card.status.value if card.status else None,
        "version": card.version,
        "scores": {s.criterion.code: (str(s.value) if s.value is not None else None) for s in card.scores},
        "comments": {s.criterion.code: s.comment for s in card.scores},
        "comment": card.comment,
    }
