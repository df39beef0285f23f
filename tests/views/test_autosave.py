"""The scoring page's JSON autosave: drafts saved with versions, bad payloads refused, nothing changed."""

import pytest

from awards.enums import ScorecardStatus
from awards.extensions import db
from tests.conftest import csrf_token
from tests.views.test_slice import ASHA, db_state, mnh_booth_assignment


@pytest.fixture
def judge(client, auth, demo):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    token = csrf_token(client, f"/judging/assignments/{assignment.id}")
    url = f"/judging/assignments/{assignment.id}/autosave"

    def post(payload, *, with_token=True):
        headers = {"Accept-Language": "en"}
        if with_token:
            headers["X-CSRFToken"] = token
        return client.post(url, json=payload, headers=headers)

    return assignment, post


def test_drafts_save_with_increasing_versions(judge):
    assignment, post = judge
    resp = post({"version": 0, "scores": {"message-theme": "4"}, "comments": {"message-theme": "Clear"}, "comment": ""})
    assert resp.status_code == 200 and resp.json["version"] == 1 and resp.json["status"] == "draft"
    resp = post({"version": 1, "scores": {"staff-conduct": 3, "message-theme": None}, "comment": "Half done"})
    assert resp.status_code == 200 and resp.json["version"] == 2
    db.session.expire_all()
    card = mnh_booth_assignment().scorecard
    values = {s.criterion.code: s.value for s in card.scores}
    assert values["message-theme"] is None and values["staff-conduct"] == 3
    assert card.comment == "Half done" and card.status is ScorecardStatus.DRAFT


@pytest.mark.parametrize(
    "payload, status, message",
    [
        ({"version": 0, "scores": {"nope": "1"}}, 400, "Unknown criterion"),
        ({"version": 0, "scores": {"message-theme": "9"}}, 400, "between 0 and 5"),
        ({"version": 0, "scores": {"message-theme": "tano"}}, 400, "must be a number"),
        ({"version": 0, "scores": {"message-theme": 2.5}}, 400, "must be a number"),
        ({"version": 0, "scores": {"message-theme": "2.5"}}, 400, "in steps of 1"),
        ({"version": 7, "scores": {"message-theme": "2"}}, 409, "changed elsewhere"),
        ({"scores": {"message-theme": "2"}}, 400, "no valid version"),
        (["not", "an", "object"], 400, "could not be read"),
        ({"version": 0, "comment": "x" * 6000}, 400, "too long"),
    ],
)
def test_bad_payloads_are_refused_and_change_nothing(judge, payload, status, message):
    _, post = judge
    before = db_state()
    resp = post(payload)
    assert resp.status_code == status
    assert message in resp.json["error"]
    db.session.expire_all()
    assert db_state() == before


def test_missing_csrf_token_and_locked_card(judge):
    assignment, post = judge
    before = db_state()
    resp = post({"version": 0, "scores": {"message-theme": "2"}}, with_token=False)
    assert resp.status_code == 400 and "expired" in resp.json["error"]
    assert db_state() == before
    codes = [c.code for c in assignment.entry.category.criteria]
    from awards.services import judging

    judging.save_scorecard(assignment, scores={c: 5 for c in codes}, comments={}, comment="", version=0,
                           submit=True, actor=assignment.judge)
    db.session.commit()
    before = db_state()
    resp = post({"version": 1, "scores": {"message-theme": "2"}})
    assert resp.status_code == 409 and "locked" in resp.json["error"]
    assert db_state() == before


def test_a_stale_tab_is_refused_and_the_newer_data_kept(judge):
    _, post = judge
    assert post({"version": 0, "scores": {"message-theme": "4"}}).status_code == 200  # laptop A
    stale = post({"version": 0, "scores": {"message-theme": "1"}})  # laptop B, opened before A saved
    assert stale.status_code == 409 and stale.json["scorecard"]["version"] == 1
    db.session.expire_all()
    values = {s.criterion.code: s.value for s in mnh_booth_assignment().scorecard.scores}
    assert values["message-theme"] == 4


def test_two_sessions_on_one_scorecard(app, demo):
    """The same judge on two laptops: the second laptop's stale save is refused and nothing is lost."""
    from tests.conftest import AuthActions, IsolatedClient

    app.test_client_class = IsolatedClient
    laptops = []
    assignment = mnh_booth_assignment()
    url = f"/judging/assignments/{assignment.id}"
    for _ in range(2):
        client = app.test_client()
        AuthActions(client).login(ASHA)
        laptops.append((client, csrf_token(client, url)))
    (a, token_a), (b, token_b) = laptops
    assert a.post(url + "/autosave", json={"version": 0, "scores": {"message-theme": "5"}},
                  headers={"X-CSRFToken": token_a}).status_code == 200
    stale = b.post(url + "/autosave", json={"version": 0, "scores": {"message-theme": "0"}},
                   headers={"X-CSRFToken": token_b, "Accept-Language": "en"})
    assert stale.status_code == 409 and "changed elsewhere" in stale.json["error"]
    # Laptop B reloads, gets version 1 with A's data, and can then save on top of it.
    assert 'name="version" type="hidden" value="1"' in b.get(url).get_data(as_text=True)
    fresh = b.post(url + "/autosave", json={"version": 1, "scores": {"staff-conduct": "3"}},
                   headers={"X-CSRFToken": token_b})
    assert fresh.status_code == 200 and fresh.json["version"] == 2
    db.session.expire_all()
    values = {s.criterion.code: s.value for s in mnh_booth_assignment().scorecard.scores}
    assert values["message-theme"] == 5 and values["staff-conduct"] == 3


def test_a_judge_never_sees_another_judges_scores(client, auth, demo):
    """Juma submitted the NHIF booth card with a comment; Asha's page for the same entry shows none of it."""
    from awards.models import Assignment, Entry, Institution

    juma_card = db.session.execute(
        db.select(Assignment).join(Assignment.entry).join(Entry.institution)
        .filter(Institution.acronym == "NHIF", Assignment.judge.has(email="juma.salim@tuzo.example"))
        .filter(Entry.category.has(code="best-booth"))
    ).scalar_one().scorecard
    juma_card.comment = "Siri ya Juma: only Juma wrote this"
    db.session.commit()
    auth.login(ASHA)
    asha_nhif = db.session.execute(
        db.select(Assignment).join(Assignment.entry).join(Entry.institution)
        .filter(Institution.acronym == "NHIF", Assignment.judge.has(email=ASHA))
        .filter(Entry.category.has(code="best-booth"))
    ).scalar_one()
    html = client.get(f"/judging/assignments/{asha_nhif.id}").get_data(as_text=True)
    assert "Banda la NHIF" in html
    assert "Siri ya Juma" not in html
    assert "Juma" not in html


def test_dashboard_shows_progress_and_deadline_in_both_languages(client, auth, demo):
    auth.login(ASHA)
    en = client.get("/judging/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 of 3 submitted" in en and "Deadline:" in en and "Not started" in en and "Draft" in en
    sw = client.get("/judging/", headers={"Accept-Language": "sw"}).get_data(as_text=True)
    assert "Tarehe ya mwisho:" in sw and "Deadline:" not in sw


def test_a_refused_save_returns_the_stored_draft(judge):
    """The page uses it to tell a lost answer (same content) from a real conflict."""
    _, post = judge
    assert post({"version": 0, "scores": {"message-theme": "4"}, "comment": "Nzuri"}).status_code == 200
    replay = post({"version": 0, "scores": {"message-theme": "4"}, "comment": "Nzuri"})
    assert replay.status_code == 409
    stored = replay.json["scorecard"]
    assert stored["version"] == 1 and stored["scores"]["message-theme"] == "4" and stored["comment"] == "Nzuri"
    assert stored["status"] == "draft"
