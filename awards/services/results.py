"""Results: computing a category's standings from the database and publishing them.

Turns submitted scorecards into frozen awards.scoring inputs, calls the engine, and
returns plain data. Publishing stores that data as a ResultSnapshot (canonical JSON and
its sha256) and issues the certificates. No ranking arithmetic here: one ranking
implementation only, in awards.scoring.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from awards import scoring
from awards.enums import CertificateKind, EntryStatus, ScorecardStatus, Stage
from awards.extensions import db
from awards.models import (
    Assignment, Category, Certificate, CriterionScore, Entry, Institution, ResultSnapshot, Scorecard, User,
)
from awards.services import audit
from awards.services.certificates import new_serial
from awards.services.errors import Conflict, InvalidInput, NotAllowed
from awards.services.editions import plain, scoring_settings
from awards.services.judging import rubric_spec


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snapshot_digest(standings_text: str, method: dict) -> str:
    return hashlib.sha256((standings_text + "\n" + _canonical(method)).encode()).hexdigest()


@dataclass(frozen=True)
class CategoryInputs:
    """A category's submitted scorecards as frozen awards.scoring inputs, with the rows they came from."""

    rubric: scoring.RubricSpec
    settings: scoring.Settings
    entries: dict[int, sa.Row]  # id, title, institution_id, institution_name, institution_acronym
    sheets: list[scoring.SheetInput]
    # (entry key, judge key) of each sheet -> the scorecard it came from, to link the breakdown.
    scorecard_ids: dict[tuple[str, str], int]

    @property
    def entry_keys(self) -> list[str]:
        return [str(i) for i in self.entries]


def load_inputs(category: Category) -> CategoryInputs:
    # The entries as plain rows too: what the standings name (title, institution), not ORM objects.
    entries = {
        e.id: e
        for e in db.session.execute(
            db.select(Entry.id, Entry.title, Institution.id.label("institution_id"),
                      Institution.name.label("institution_name"), Institution.acronym.label("institution_acronym"))
            .join(Entry.institution)
            .filter(Entry.category_id == category.id, Entry.status == EntryStatus.SUBMITTED)
            .order_by(Entry.id)
        )
    }
    # The scores as plain rows in one query, not as ORM objects (a national category has 8,400 score
    # rows: building and tracking objects for them cost ten times the read). An outer join, so a
    # submitted card without any score still reaches the scoring engine, which refuses it.
    rows = db.session.execute(
        db.select(Scorecard.id, Assignment.entry_id, Assignment.judge_id, CriterionScore.criterion_id,
                  CriterionScore.value)
        .select_from(Scorecard)
        .join(Assignment, Scorecard.assignment_id == Assignment.id)
        .join(Entry, Assignment.entry_id == Entry.id)
        .outerjoin(CriterionScore, CriterionScore.scorecard_id == Scorecard.id)
        .filter(Entry.category_id == category.id, Entry.status == EntryStatus.SUBMITTED,
                Scorecard.status == ScorecardStatus.SUBMITTED)
    ).all()
    code_of = {c.id: c.code for c in category.criteria}
    cards: dict[int, tuple[str, str, list[tuple[str, Decimal]]]] = {}
    for card_id, entry_id, judge_id, criterion_id, value in rows:
        card = cards.get(card_id)
        if card is None:
            card = cards[card_id] = (str(entry_id), str(judge_id), [])
        if criterion_id is not None and value is not None:
            card[2].append((code_of[criterion_id], value))
    sheets, scorecard_ids = [], {}
    for card_id, (entry_key, judge_key, scores) in cards.items():
        # The values are Decimals already (Numeric columns), so the pairs go in as SheetInput.of would
        # make them, sorted by code, without converting each again; the engine checks every score
        # against the rubric when it totals the card.
        scores.sort()
        sheets.append(scoring.SheetInput(entry_key, judge_key, tuple(scores)))
        scorecard_ids[entry_key, judge_key] = card_id
    return CategoryInputs(rubric_spec(category), scoring_settings(category.edition), entries, sheets, scorecard_ids)


def compute_results(category: Category, inputs: CategoryInputs | None = None) -> dict:
    """The category's standings and method as plain JSON-ready data (the preview and the snapshot).

    ``inputs`` lets a page that also analyses the category load the scorecards once.
    """
    inputs = inputs or load_inputs(category)
    rubric, settings, entries = inputs.rubric, inputs.settings, inputs.entries
    standings = scoring.compute_standings(rubric, inputs.sheets, entries=inputs.entry_keys, settings=settings)

    def describe(entry_key: str) -> dict:
        entry = entries[int(entry_key)]
        return {"entry_id": entry.id, "title": entry.title,
                "institution": {"id": entry.institution_id, "name": entry.institution_name,
                                "acronym": entry.institution_acronym}}

    rows = [
        describe(row.entry) | {
            "rank": row.rank,
            "tied": row.tied,
            "score": str(scoring.to_decimal(row.score)),
            "judges": len(row.judge_totals),
            "method": row.method,
        }
        for row in standings.rows
    ]
    unranked = [
        describe(u.entry) | {"reason": u.reason, "sheets": u.sheets, "required": u.required}
        for u in standings.unranked
    ]
    method = {
        "aggregation": settings.method,
        "trim": settings.trim,
        "auto_trim_from": settings.auto_trim_from,
        "quorum": settings.quorum,
        "normalise": settings.normalise,
        "tie_breaks": list(settings.tie_breaks),
        "rubric": [
            {"code": c.code, "weight": plain(c.weight), "min": plain(c.minimum), "max": plain(c.maximum),
             "step": plain(c.step), "in_total": c.in_total}
            for c in rubric.criteria
        ],
    }
    return {"rows": rows, "unranked": unranked, "method": method}


def current_snapshot(category: Category) -> ResultSnapshot | None:
    return db.session.execute(
        db.select(ResultSnapshot)
        .filter_by(category_id=category.id, superseded=False)
        .order_by(ResultSnapshot.id.desc())
        .limit(1)
    ).scalar()


def is_published(category: Category) -> bool:
    return current_snapshot(category) is not None


def published_category_ids(category_ids) -> set[int]:
    """Which of these categories have a current snapshot, in one query (for lists of categories)."""
    ids = list(category_ids)
    if not ids:
        return set()
    return set(db.session.execute(
        db.select(ResultSnapshot.category_id).filter(ResultSnapshot.category_id.in_(ids),
                                                     ResultSnapshot.superseded.is_(False))
    ).scalars())


def snapshot_intact(snapshot: ResultSnapshot) -> bool:
    """Does the stored fingerprint still match the stored standings and method?"""
    return snapshot.sha256 == snapshot_digest(snapshot.standings, snapshot.method)


def snapshots_of(category: Category) -> list[ResultSnapshot]:
    """Every publication of the category, newest first (the first is current unless superseded)."""
    return list(db.session.execute(
        db.select(ResultSnapshot).filter_by(category_id=category.id).order_by(ResultSnapshot.id.desc())
    ).scalars())


def snapshot_standings(snapshot: ResultSnapshot) -> dict:
    return json.loads(snapshot.standings)


def certificate_kind(place: int | None, score: Decimal, threshold: Decimal) -> CertificateKind:
    if place is not None and (kind := CertificateKind.for_place(place)) is not None:
        return kind
    if score >= threshold:
        return CertificateKind.EXCELLENCE
    return CertificateKind.PARTICIPATION


def publish_category(category: Category, *, actor: User, correction_reason: str | None = None) -> ResultSnapshot:
    """Freeze the category's standings into a snapshot and issue one certificate per entry.

    Publishing again is a correction: it needs a written reason, and the new snapshot supersedes
    the old one, whose certificates then verify as superseded. Nothing published is ever edited.
    """
    edition = category.edition
    if edition.stage not in (Stage.JUDGING, Stage.MODERATION, Stage.PUBLISHED):
        raise NotAllowed(_l("Results can only be published once judging has started."))
    previous = current_snapshot(category)
    reason = (correction_reason or "").strip() or None
    if previous is not None and reason is None:
        raise Conflict(_l("This category is already published. A change needs a correction with a reason."))
    if previous is None and reason is not None:
        raise InvalidInput(_l("This category has not been published yet; there is nothing to correct."))
    if reason is not None and not 10 <= len(reason) <= 2000:
        raise InvalidInput(_l("Write the reason for the correction (10 to 2000 characters); it is shown publicly."))
    if previous is not None and db.session.scalar(
        db.select(db.func.count()).select_from(Scorecard).join(Scorecard.assignment).join(Assignment.entry)
        .filter(Entry.category_id == category.id, Scorecard.status == ScorecardStatus.REOPENED)
    ):
        raise InvalidInput(_l("Some scorecards of this category are still reopened. Wait until the judges "
                              "submit them again, then publish the correction."))
    results = compute_results(category)
    if not results["rows"]:
        raise InvalidInput(_l("No entry has enough submitted scorecards to be ranked yet."))
    method = results.pop("method")
    standings_text = _canonical(results)
    snapshot = ResultSnapshot(
        edition=edition,
        category=category,
        standings=standings_text,
        method=method,
        sha256=snapshot_digest(standings_text, method),
        published_by=actor,
        supersedes_id=previous.id if previous is not None else None,
        reason=reason,
    )
    db.session.add(snapshot)
    if previous is not None:
        previous.superseded = True
    audit.record("results.correct" if previous is not None else "results.publish", snapshot, actor=actor,
                 before={"snapshot": previous.id, "sha256": previous.sha256} if previous is not None else None,
                 after={"category": category.code, "sha256": snapshot.sha256, "ranked": len(results["rows"]),
                        "reason": reason})
    threshold = Decimal(edition.excellence_threshold)
    # Ranked entries get a place, excellence or participation certificate; unranked ones take part too.
    for row in results["rows"]:
        kind = certificate_kind(row["rank"], Decimal(row["score"]), threshold)
        _issue(snapshot, row, kind, row["rank"] if kind in CertificateKind.places() else None, actor)
    for row in results["unranked"]:
        _issue(snapshot, row, CertificateKind.PARTICIPATION, None, actor)
    return snapshot


def _issue(snapshot: ResultSnapshot, row: dict, kind: CertificateKind, place: int | None, actor: User) -> None:
    cert = Certificate(
        serial=new_serial(snapshot.edition.year),
        institution_id=row["institution"]["id"],
        entry_id=row["entry_id"],
        snapshot=snapshot,
        kind=kind,
        place=place,
    )
    db.session.add(cert)
    audit.record("certificate.issue", cert, actor=actor,
                 after={"serial": cert.serial, "kind": kind.value, "place": place, "entry": row["entry_id"]})
