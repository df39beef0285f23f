"""Automatic assignment at national scale: imported institutions and judges, 600 entries, 3 judges each."""

from collections import Counter

import pytest

from awards import seeding
from awards.enums import EntryStatus, Stage
from awards.extensions import db
from awards.models import Assignment, AuditEvent, Entry, Institution
from awards.services import assignment, imports, judging
from awards.services.errors import InvalidInput
from tests.conftest import user

ORGANISER = "mratibu@tuzo.example"


def institutions_csv() -> bytes:
    """200 institutions: 20 ministries each with 4 agencies, 10 regional secretariats each with 5 LGAs,
    20 public corporations, 20 independent departments. Children come before their parents."""
    rows = ["acronym,name,type,parent"]
    for m in range(20):
        rows += [f"AG{m:02d}{a},Wakala {m}-{a},agency,MIN{m:02d}" for a in range(4)]
        rows.append(f"MIN{m:02d},Wizara {m},ministry,")
    for r in range(10):
        rows += [f"LGA{r:02d}{c},Halmashauri {r}-{c},lga,RS{r:02d}" for c in range(5)]
        rows.append(f"RS{r:02d},Sekretarieti ya Mkoa {r},regional_secretariat,")
    rows += [f"PC{p:02d},Shirika {p},public_corporation," for p in range(20)]
    rows += [f"ID{d:02d},Idara {d},independent_department," for d in range(20)]
    return ("\n".join(rows) + "\n").encode()


def judges_csv() -> bytes:
    """30 judges: 20 from institutions that take part (their entries are conflicts), 10 independent."""
    rows = ["email,name,institution,specialities"]
    homes = [f"MIN{m:02d}" for m in range(10)] + [f"RS{r:02d}" for r in range(5)] + [f"AG{m:02d}0" for m in range(5)]
    codes = ["best-managed", "best-booth", "hiv-aids", "women-empowerment", "innovation"]
    for j in range(30):
        home = homes[j] if j < 20 else ""
        rows.append(f"jaji{j:02d}@tuzo.example,Jaji {j:02d},{home},{codes[j % 5] if j % 3 == 0 else ''}")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def national(demo):
    """Next year's edition with the imported institutions' 600 submitted entries (120 per category)."""
    organiser = user(ORGANISER)
    for result in (imports.import_institutions(institutions_csv(), actor=organiser),
                   imports.import_judges(judges_csv(), actor=organiser)):
        assert result.ok, result.errors
    edition, _ = seeding.load_next_edition()
    acronyms = [line.split(",")[0] for line in institutions_csv().decode().splitlines()[1:]]
    imported = db.session.execute(db.select(Institution).filter(Institution.acronym.in_(acronyms))).scalars().all()
    assert len(imported) == 200
    # Test set-up, not an app write: 600 submitted entries, each category with 120 eligible institutions.
    for category in edition.categories:
        eligible = [i for i in imported if i.type.value in category.eligible_types]
        assert len(eligible) >= 120, category.code
        for institution in eligible[:120]:
            db.session.add(Entry(edition=edition, category=category, institution=institution,
                                 title=f"{category.code} {institution.acronym}", status=EntryStatus.SUBMITTED))
    edition.stage = Stage.JUDGING
    db.session.commit()
    return edition


def test_auto_assignment_balances_load_and_never_assigns_a_conflict(national):
    edition = national
    entries = db.session.execute(
        db.select(Entry).filter_by(edition_id=edition.id, status=EntryStatus.SUBMITTED)).scalars().all()
    assert len(entries) == 600
    judges = [u for u in assignment.judges() if u.email.startswith("jaji")]
    assert len(judges) == 30
    for category in edition.categories:
        plan = assignment.assign_automatically(category, judges_per_entry=3, actor=user(ORGANISER))
        assert plan.short == {}
    db.session.commit()

    rows = db.session.execute(
        db.select(Assignment, Entry).join(Assignment.entry).filter(Entry.edition_id == edition.id)).all()
    assert len(rows) == 600 * 3
    per_entry = Counter(entry.id for _, entry in rows)
    assert set(per_entry.values()) == {3}
    demo_judges = {u.id for u in assignment.judges()} - {j.id for j in judges}
    conflicts = {j.id: judging.conflicted_institution_ids(j, edition.id) for j in assignment.judges()}
    assert all(entry.institution_id not in conflicts[a.judge_id] for a, entry in rows)
    for category in edition.categories:
        load = Counter(a.judge_id for a, entry in rows if entry.category_id == category.id)
        counts = [load.get(j, 0) for j in {*demo_judges, *(j.id for j in judges)}]
        assert max(counts) - min(counts) <= 1, (category.code, sorted(counts))
    # One audit event per category run, listing what was created.
    events = db.session.execute(db.select(AuditEvent).filter_by(action="assignment.auto")).scalars().all()
    assert len(events) == 5 and sum(len(e.after["created"]) for e in events) == 1800
    # Running it again assigns nothing more.
    again = assignment.assign_automatically(edition.categories[0], judges_per_entry=3, actor=user(ORGANISER))
    assert again.created == [] and again.short == {}


def test_specialists_come_first_among_equal_loads(demo):
    edition, _ = seeding.load_next_edition()
    organiser = user(ORGANISER)
    result = imports.import_judges(
        b"email,name,institution,specialities\nbingwa@tuzo.example,Bingwa wa Ubunifu,,innovation\n", actor=organiser)
    assert result.ok, result.errors
    category = next(c for c in edition.categories if c.code == "innovation")
    mow = db.session.execute(db.select(Institution).filter_by(acronym="MOW")).scalar_one()
    entry = Entry(edition=edition, category=category, institution=mow, title="Maji", status=EntryStatus.SUBMITTED)
    db.session.add(entry)
    db.session.commit()
    plan = assignment.assign_automatically(category, judges_per_entry=1, actor=organiser)
    assert plan.created == [(entry.id, user("bingwa@tuzo.example").id)]


def test_a_judge_who_started_scoring_cannot_be_unassigned(demo):
    card_assignment = db.session.execute(
        db.select(Assignment).join(Assignment.scorecard)).scalars().first()
    with pytest.raises(InvalidInput, match="already started scoring"):
        assignment.unassign(card_assignment, actor=user(ORGANISER))
    with pytest.raises(InvalidInput, match="between 1 and 15"):
        assignment.assign_automatically(card_assignment.entry.category, judges_per_entry=0, actor=user(ORGANISER))
