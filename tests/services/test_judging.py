"""Judging rules: conflicts of interest, optimistic locking, submission, audit trail."""

from decimal import Decimal

import pytest

from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, AuditEvent, Category, ConflictDeclaration, Entry, Institution
from awards.services import audit, judging
from awards.services.errors import InvalidInput, NotAllowed, ScorecardLocked, StaleVersion
from tests.conftest import audit_guard_lifted, user


def entry_of(acronym: str, code: str) -> Entry:
    return db.session.execute(
        db.select(Entry).join(Entry.institution).join(Entry.category)
        .filter(Institution.acronym == acronym, Category.code == code)
    ).scalar_one()


def full_scores(entry: Entry, value="4") -> dict:
    return {c.code: Decimal(value) for c in entry.category.criteria}


def save(assignment, *, version, submit=False, scores=None, judge=None):
    return judging.save_scorecard(
        assignment, scores=scores if scores is not None else full_scores(assignment.entry), comments={},
        comment="", version=version, submit=submit, actor=judge or assignment.judge,
    )


@pytest.fixture
def asha_mnh(demo):
    return db.session.execute(
        db.select(Assignment).filter_by(entry_id=entry_of("MNH", "best-booth").id,
                                        judge_id=user("asha.mwinyi@tuzo.example").id)
    ).scalar_one()


def test_home_institution_parent_and_children_are_conflicts(demo):
    grace = user("grace.mallya@tuzo.example")  # home: MOH, parent of NHIF and MNH
    asha = user("asha.mwinyi@tuzo.example")    # home: OR-UTUMISHI, parent of e-GA
    assert judging.is_conflicted(grace, entry_of("MNH", "innovation"))
    assert judging.is_conflicted(grace, entry_of("NHIF", "best-booth"))
    assert judging.is_conflicted(asha, entry_of("E-GA", "innovation"))
    assert not judging.is_conflicted(asha, entry_of("MNH", "best-booth"))
    wma = user("neema.kweka@tuzo.example")
    entry = entry_of("WMA", "best-managed")
    assert not judging.is_conflicted(wma, entry)
    db.session.add(ConflictDeclaration(judge=wma, edition_id=entry.edition_id, institution_id=entry.institution_id,
                                       reason="Former employer"))
    db.session.flush()
    assert judging.is_conflicted(wma, entry)


def test_assignment_refuses_a_conflict(demo):
    organiser = user("mratibu@tuzo.example")
    before = db.session.scalar(db.select(db.func.count()).select_from(Assignment))
    with pytest.raises(NotAllowed):
        judging.assign_judge(user("grace.mallya@tuzo.example"), entry_of("MNH", "best-booth"), actor=organiser)
    with pytest.raises(InvalidInput):
        judging.assign_judge(organiser, entry_of("MNH", "best-booth"), actor=organiser)
    assert db.session.scalar(db.select(db.func.count()).select_from(Assignment)) == before


def test_save_then_submit_with_versions(asha_mnh):
    card = save(asha_mnh, version=0, scores={"message-theme": Decimal(3)})
    assert card.status is ScorecardStatus.DRAFT and card.version == 1
    with pytest.raises(StaleVersion):
        save(asha_mnh, version=0)  # another tab that opened the empty form
    with pytest.raises(InvalidInput, match="Score every criterion"):
        save(asha_mnh, version=1, submit=True, scores={"message-theme": Decimal(3)})
    card = save(asha_mnh, version=1, submit=True)
    assert card.status is ScorecardStatus.SUBMITTED and card.version == 2
    with pytest.raises(ScorecardLocked):
        save(asha_mnh, version=2)
    actions = db.session.execute(
        db.select(AuditEvent.action).filter_by(object_type="Scorecard", object_id=str(card.id)).order_by(AuditEvent.id)
    ).scalars().all()
    assert actions == ["scorecard.save", "scorecard.submit"]


@pytest.mark.parametrize("value", ["6", "-1", "2.5", "NaN"])
def test_scores_outside_the_scale_are_refused(asha_mnh, value):
    with pytest.raises(InvalidInput, match="between 0 and 5 in steps of 1"):
        save(asha_mnh, version=0, scores={"message-theme": Decimal(value)})
    assert asha_mnh.scorecard is None


def test_unknown_criterion_is_refused(asha_mnh):
    with pytest.raises(InvalidInput, match="Unknown criterion"):
        save(asha_mnh, version=0, scores={"not-a-criterion": Decimal(1)})


def test_concurrent_saves_from_the_same_version_cannot_both_win(app, asha_mnh):
    """Two requests both read version 1; the database refuses the second UPDATE."""
    save(asha_mnh, version=0)
    db.session.commit()
    card_id = asha_mnh.scorecard.id
    from sqlalchemy import update

    from awards.models import Scorecard

    # The other laptop's save lands between our read and our write.
    with db.engine.begin() as conn:
        conn.execute(update(Scorecard).where(Scorecard.id == card_id).values(version=2, comment="other laptop"))
    with pytest.raises(StaleVersion):
        save(asha_mnh, version=1)
    db.session.rollback()
    assert db.session.get(Scorecard, card_id).comment == "other laptop"


def test_audit_chain_detects_an_edited_event(demo):
    assert audit.verify_chain() is None
    event_id = db.session.execute(db.select(AuditEvent.id).order_by(AuditEvent.id).offset(5).limit(1)).scalar_one()
    db.session.commit()
    with db.engine.begin() as conn, audit_guard_lifted(conn):  # the database refuses otherwise (tests/trust)
        conn.execute(db.update(AuditEvent).filter_by(id=event_id).values(after={"tampered": True}))
    assert audit.verify_chain() == event_id
