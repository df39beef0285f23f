"""Judging progress for an edition: per category and per judge, what is done, what is missing,
and what is overdue (not submitted once the judging deadline has passed). Read-only."""

from dataclasses import dataclass, field
from datetime import datetime

from awards.enums import EntryStatus, ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, Edition, Entry, Scorecard, User
from awards.models._types import utcnow


@dataclass
class Tally:
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    reopened: int = 0
    not_started: int = 0
    missing: list = field(default_factory=list)  # (judge name, institution, entry title, state)

    @property
    def done_share(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


def edition_progress(edition: Edition, now: datetime | None = None) -> dict:
    deadline = edition.judging_deadline
    overdue = deadline is not None and (now or utcnow()) > deadline
    rows = db.session.execute(
        db.select(Assignment, Entry, User, Scorecard)
        .join(Assignment.entry).join(Assignment.judge).outerjoin(Scorecard, Scorecard.assignment_id == Assignment.id)
        .filter(Entry.edition_id == edition.id, Entry.status == EntryStatus.SUBMITTED)
        .order_by(Entry.category_id, User.name, Entry.id)
        .options(db.joinedload(Entry.institution))
    ).all()
    by_category = {c.id: Tally() for c in edition.categories}
    by_judge: dict[int, tuple[User, Tally]] = {}
    for _, entry, judge, card in rows:
        state = "not_started" if card is None else card.status.value
        for tally in (by_category.setdefault(entry.category_id, Tally()),
                      by_judge.setdefault(judge.id, (judge, Tally()))[1]):
            tally.assigned += 1
            if card is not None and card.status is ScorecardStatus.SUBMITTED:
                tally.submitted += 1
                continue
            if card is None:
                tally.not_started += 1
            elif card.status is ScorecardStatus.REOPENED:
                tally.reopened += 1
            else:
                tally.drafts += 1
            tally.missing.append((judge.name, entry.institution.name, entry.title, state))
    return {
        "overdue": overdue,
        "deadline": deadline,
        "categories": [(c, by_category[c.id]) for c in edition.categories],
        "judges": sorted(by_judge.values(), key=lambda pair: (-len(pair[1].missing), pair[0].name)),
    }
