"""No N+1 queries: the busiest pages ask the database the same number of times however many
entries, assignments and scorecards there are.

Each page is fetched on the demo, then again after the best-booth category has grown by
GROWTH more entries, each assigned to its three-judge panel and scored, and published. The
public ranking is compared between the demo's published innovation ranking (5 entries) and the
grown best-booth ranking. A page whose count grows with the data fails.
"""

import contextlib
from decimal import Decimal

import pytest
from sqlalchemy import event

from awards.enums import EntryStatus, InstitutionType
from awards.extensions import db
from awards.models import Assignment, Category, Entry
from awards.models._types import utcnow
from awards.services import institutions, judging, results
from tests.conftest import user

GROWTH = 6
JUDGE = "juma.salim@tuzo.example"
ORGANISER = "mratibu@tuzo.example"
PANEL = ["asha.mwinyi@tuzo.example", JUDGE, "emmanuel.lyimo@tuzo.example"]  # seeds/demo: best-booth
GROWN = "best-booth"


@contextlib.contextmanager
def counting():
    statements: list[str] = []

    def before(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _category(edition, code: str = GROWN) -> Category:
    return db.session.execute(db.select(Category).filter_by(edition_id=edition.id, code=code)).scalar_one()


def _grow(edition, count: int) -> None:
    """``count`` more submitted best-booth entries, each scored by the whole panel; then publication."""
    category = _category(edition)
    organiser = user(ORGANISER)
    kind = InstitutionType(category.eligible_types[0])
    for n in range(count):
        institution = institutions.create_institution(name=f"Taasisi ya Majaribio {n}", acronym=f"TM{n}", type=kind)
        # Submissions closed long ago in the demo: the entry is made as it would have been then.
        entry = Entry(edition_id=edition.id, category=category, institution=institution, title=f"Ubunifu {n}",
                      summary="Huduma mpya kwa wananchi.", innovation_name=f"Ubunifu {n}",
                      status=EntryStatus.SUBMITTED, submitted_at=utcnow())
        db.session.add(entry)
        db.session.flush()
        for j, email in enumerate(PANEL):
            judge = user(email)
            assignment = judging.assign_judge(judge, entry, actor=organiser)
            scores = {c.code: Decimal((n + j + i) % 4 + 1) for i, c in enumerate(category.criteria)}
            judging.save_scorecard(assignment, scores=scores, comments={}, comment="", version=0, submit=True,
                                   actor=judge)
    results.publish_category(category, actor=organiser)
    db.session.commit()


def _judge_assignment(edition) -> int:
    return db.session.execute(
        db.select(Assignment.id).join(Assignment.entry)
        .filter(Assignment.judge_id == user(JUDGE).id, Entry.category_id == _category(edition).id)
        .order_by(Assignment.id)
    ).scalars().first()


PAGES = {
    # page: (who logs in, the URL on the demo, the URL after the growth)
    "judge dashboard": (JUDGE, lambda e: "/judging/", None),
    "scoring page": (JUDGE, lambda e: f"/judging/assignments/{_judge_assignment(e)}", None),
    "organiser progress": (ORGANISER, lambda e: f"/admin/editions/{e.slug}/progress", None),
    "certificates console": (ORGANISER, lambda e: f"/admin/certificates/editions/{e.slug}", None),
    "public ranking": (None, lambda e: f"/results/{e.slug}/innovation", lambda e: f"/results/{e.slug}/{GROWN}"),
}


def _count(client, url: str) -> int:
    with counting() as statements:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(statements)


@pytest.mark.parametrize("page", PAGES)
def test_the_query_count_does_not_grow_with_the_entries(client, auth, demo, page):
    email, url_before, url_after = PAGES[page]
    if email:
        auth.login(email)
    url = url_before(demo)
    client.get(url)  # first visit: anything cached per process is filled
    small = _count(client, url)
    entries_before = db.session.scalar(db.select(db.func.count()).select_from(Entry))

    _grow(demo, GROWTH)
    assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == entries_before + GROWTH
    url = (url_after or url_before)(demo)
    client.get(url)
    large = _count(client, url)
    assert large == small, f"{page}: {small} queries on the demo, {large} with {GROWTH} more entries"
    assert small <= 25, f"{page}: {small} queries"
