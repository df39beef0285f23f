"""Declarations of interests before scoring, and an organiser reopening a submitted scorecard."""

import pytest

from awards.enums import ScorecardStatus, Stage
from awards.extensions import db
from awards.models import AuditEvent, ConflictDeclaration, DeclarationSignature, Institution, Scorecard
from awards.services import declarations
from awards.services.errors import InvalidInput, NotAllowed
from tests.conftest import csrf_token, user
from tests.views.test_slice import ASHA, ORGANISER, db_state, mnh_booth_assignment, score_form

DECLARATION = "/judging/declarations/psw-2026"


def institution(acronym: str) -> Institution:
    return db.session.execute(db.select(Institution).filter_by(acronym=acronym)).scalar_one()


def unsign(email: str) -> None:
    db.session.execute(db.delete(DeclarationSignature).filter_by(judge_id=user(email).id))
    db.session.commit()


def events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).filter_by(action=action)).scalars())


@pytest.fixture
def asha(client, auth, demo):
    auth.login(ASHA)
    return client


def test_an_unsigned_judge_is_sent_to_the_declaration_and_cannot_save(asha):
    unsign(ASHA)
    assignment = mnh_booth_assignment()
    resp = asha.get(f"/judging/assignments/{assignment.id}")
    assert resp.status_code == 302 and resp.headers["Location"] == DECLARATION
    token = csrf_token(asha, DECLARATION)
    before = db_state()
    resp = asha.post(f"/judging/assignments/{assignment.id}/autosave", json={"version": 0, "scores": {"message-theme": "3"}},
                     headers={"X-CSRFToken": token, "Accept-Language": "en"})
    assert resp.status_code == 403 and "Sign your declaration" in resp.json["error"]
    resp = asha.post(f"/judging/assignments/{assignment.id}", data=score_form(assignment, token=token))
    assert resp.status_code == 403
    db.session.expire_all()
    assert db_state() == before
    html = asha.get("/judging/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Before you score, declare your conflicts of interest and sign the declaration." in html


@pytest.mark.parametrize("lang, words", [
    ("en", ["Declaration of interests and confidentiality oath", "Conflicts that count without a declaration",
            "Mamlaka ya Serikali Mtandao (E-GA)"]),
    ("sw", ["Tamko la mgongano wa maslahi na kiapo cha usiri", "Mamlaka ya Serikali Mtandao (E-GA)"]),
])
def test_the_declaration_page_lists_automatic_conflicts_in_both_languages(asha, lang, words):
    token = csrf_token(asha, "/")
    asha.post("/language", data={"csrf_token": token, "lang": lang, "next": "/"})
    html = asha.get(DECLARATION).get_data(as_text=True)
    for word in words:  # Asha's home is OR-UTUMISHI; e-GA is its child
        assert word in html
    assert "Signed by Asha" in html or "Imesainiwa na Asha" in html


def test_declaring_a_conflict_recuses_the_judge_at_once(asha):
    assignment = mnh_booth_assignment()
    token = csrf_token(asha, DECLARATION)
    resp = asha.post(f"{DECLARATION}/conflicts", data={
        "csrf_token": token, "institution": institution("MNH").id, "reason": "Mume wangu ni daktari MNH."})
    assert resp.status_code == 302
    assert asha.get(f"/judging/assignments/{assignment.id}").status_code == 404
    resp = asha.post(f"/judging/assignments/{assignment.id}/autosave", json={"version": 0},
                     headers={"X-CSRFToken": token})
    assert resp.status_code == 404
    assert "Muhimbili" not in asha.get("/judging/").get_data(as_text=True)
    [event] = [e for e in events("conflict.declare") if e.actor_id == user(ASHA).id]
    assert event.after["reason"] == "Mume wangu ni daktari MNH."


@pytest.mark.parametrize("acronym, reason, message", [
    ("E-GA", "Worked there", "Not a valid choice"),  # a child of Asha's own institution: not offered
    ("MNH", "", "Give the reason"),
    ("MNH", "x" * 1001, "Field must be between 3 and 1000 characters long."),
    (None, "Worked there", "Not a valid choice"),                 # an institution that does not exist
])
def test_bad_declarations_are_refused_and_change_nothing(asha, acronym, reason, message):
    token = csrf_token(asha, DECLARATION)
    before = (db_state(), db.session.scalar(db.select(db.func.count()).select_from(ConflictDeclaration)))
    resp = asha.post(f"{DECLARATION}/conflicts", headers={"Accept-Language": "en"}, data={
        "csrf_token": token, "institution": institution(acronym).id if acronym else 99999, "reason": reason})
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    db.session.expire_all()
    assert (db_state(), db.session.scalar(db.select(db.func.count()).select_from(ConflictDeclaration))) == before


def test_withdraw_before_signing_only_and_sign_with_ones_own_name(asha):
    unsign(ASHA)
    token = csrf_token(asha, DECLARATION)
    asha.post(f"{DECLARATION}/conflicts", data={"csrf_token": token, "institution": institution("TANESCO").id,
                                                "reason": "Former employee"})
    declared_id = db.session.execute(
        db.select(ConflictDeclaration.id).filter_by(judge_id=user(ASHA).id)).scalar_one()
    assert asha.post(f"/judging/conflicts/{declared_id}/withdraw", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(ConflictDeclaration, declared_id) is None
    assert len(events("conflict.withdraw")) == 1

    asha.post(f"{DECLARATION}/conflicts", data={"csrf_token": token, "institution": institution("TANESCO").id,
                                                "reason": "Former employee"})
    for data, message in [
        ({"signed_name": "Asha Mwinyi", "confirmed": ""}, "Tick the box"),
        ({"signed_name": "Someone Else", "confirmed": "y"}, "exactly as it appears on your account"),
    ]:
        resp = asha.post(f"{DECLARATION}/sign", data={"csrf_token": token, **data}, headers={"Accept-Language": "en"})
        assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    name = user(ASHA).name
    resp = asha.post(f"{DECLARATION}/sign", data={"csrf_token": token, "signed_name": f"  {name.upper()} ",
                                                  "confirmed": "y"})
    assert resp.status_code == 302
    signature = db.session.execute(db.select(DeclarationSignature).filter_by(judge_id=user(ASHA).id)).scalar_one()
    assert signature.declared_institution_ids == [institution("TANESCO").id]
    seeded, event = [e for e in events("declaration.sign") if e.actor_id == user(ASHA).id]
    assert seeded.after["declared"] == [] and event.after["declared"] == [institution("TANESCO").id]

    declared = db.session.execute(db.select(ConflictDeclaration).filter_by(judge_id=user(ASHA).id)).scalar_one()
    resp = asha.post(f"/judging/conflicts/{declared.id}/withdraw", data={"csrf_token": token},
                     headers={"Accept-Language": "en"})
    assert resp.status_code == 403 and "can no longer be withdrawn" in resp.get_data(as_text=True)
    resp = asha.post(f"{DECLARATION}/sign", data={"csrf_token": token, "signed_name": name, "confirmed": "y"},
                     headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and "already signed" in resp.get_data(as_text=True)


def test_the_service_refuses_an_automatic_conflict_and_a_duplicate(demo):
    asha, edition = user(ASHA), demo
    with pytest.raises(InvalidInput, match="already counts as a conflict"):
        declarations.declare_conflict(asha, edition, institution("E-GA"), "Child agency")
    declarations.declare_conflict(asha, edition, institution("TANESCO"), "Former employee")
    with pytest.raises(InvalidInput, match="already declared"):
        declarations.declare_conflict(asha, edition, institution("TANESCO"), "Again")
    with pytest.raises(NotAllowed):
        declarations.declare_conflict(user(ORGANISER), edition, institution("TANESCO"), "Not a judge")


def submitted_card(client, auth) -> Scorecard:
    """Asha scores and submits the MNH booth entry, then logs out."""
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    token = csrf_token(client, f"/judging/assignments/{assignment.id}")
    assert client.post(f"/judging/assignments/{assignment.id}", data=score_form(assignment, token=token)).status_code == 302
    auth.logout()
    return mnh_booth_assignment().scorecard


def test_an_organiser_reopens_with_a_reason_and_the_judge_sees_it(client, auth, demo):
    card = submitted_card(client, auth)
    auth.login(ORGANISER)
    token = csrf_token(client, f"/admin/scorecards/{card.id}")
    before = db_state()
    resp = client.post(f"/admin/scorecards/{card.id}/reopen", data={"csrf_token": token, "reason": "short"},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and "Field must be between 10 and 2000 characters long." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db_state() == before and card.status is ScorecardStatus.SUBMITTED

    reason = "Kigezo cha ujumbe: alama 5 haiendani na maoni yako. Tafadhali angalia tena."
    resp = client.post(f"/admin/scorecards/{card.id}/reopen", data={"csrf_token": token, "reason": reason})
    assert resp.status_code == 302
    db.session.expire_all()
    assert card.status is ScorecardStatus.REOPENED and card.reopen_reason == reason
    [event] = events("scorecard.reopen")
    assert event.actor_id == user(ORGANISER).id
    assert event.before["status"] == "submitted" and event.after["status"] == "reopened"
    assert event.after["reason"] == reason and event.after["scores"] == event.before["scores"]
    # Reopening again is refused: it is no longer submitted.
    resp = client.post(f"/admin/scorecards/{card.id}/reopen", data={"csrf_token": token, "reason": reason},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and "Only a submitted scorecard" in resp.get_data(as_text=True)
    auth.logout()

    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    page = client.get(f"/judging/assignments/{assignment.id}").get_data(as_text=True)
    assert reason in page and 'id="scorecard" data-autosave-url' in page
    assert "Reopened by the secretariat" in client.get("/judging/", headers={"Accept-Language": "en"}).get_data(as_text=True) \
        or "Imefunguliwa upya na sekretarieti" in client.get("/judging/").get_data(as_text=True)
    token = csrf_token(client, f"/judging/assignments/{assignment.id}")
    resp = client.post(f"/judging/assignments/{assignment.id}",
                       data=score_form(assignment, token=token, version=card.version, level="4"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert card.status is ScorecardStatus.SUBMITTED and {s.value for s in card.scores} == {4}


def test_only_submitted_cards_of_a_live_edition_can_be_reopened(client, auth, demo):
    auth.login(ORGANISER)
    draft = db.session.execute(db.select(Scorecard).filter_by(status=ScorecardStatus.DRAFT)).scalars().first()
    token = csrf_token(client, f"/admin/scorecards/{draft.id}")
    reason = "Please look at the evidence again."
    resp = client.post(f"/admin/scorecards/{draft.id}/reopen", data={"csrf_token": token, "reason": reason},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400
    submitted = db.session.execute(
        db.select(Scorecard).filter_by(status=ScorecardStatus.SUBMITTED).order_by(Scorecard.id)
    ).scalars().first()
    demo.stage = Stage.ARCHIVED
    db.session.commit()
    resp = client.post(f"/admin/scorecards/{submitted.id}/reopen", data={"csrf_token": token, "reason": reason},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 403 and "until the results are published" in resp.get_data(as_text=True)
    assert events("scorecard.reopen") == []


def test_in_moderation_only_a_reopened_card_can_change(client, auth, demo):
    card = submitted_card(client, auth)
    demo.stage = Stage.MODERATION
    db.session.commit()
    auth.login(ORGANISER)
    token = csrf_token(client, f"/admin/scorecards/{card.id}")
    client.post(f"/admin/scorecards/{card.id}/reopen", data={"csrf_token": token, "reason": "Check the booth photos."})
    auth.logout()
    auth.login(ASHA)
    token = csrf_token(client, "/judging/")
    db.session.expire_all()
    resp = client.post(f"/judging/assignments/{card.assignment_id}/autosave", headers={"X-CSRFToken": token},
                       json={"version": card.version, "scores": {"message-theme": "3"}})
    assert resp.status_code == 200
    draft = db.session.execute(db.select(Scorecard).filter_by(status=ScorecardStatus.DRAFT)).scalars().first()
    resp = client.post(f"/judging/assignments/{draft.assignment_id}/autosave", headers={"X-CSRFToken": token,
                       "Accept-Language": "en"}, json={"version": draft.version, "scores": {"message-theme": "3"}})
    assert resp.status_code == 403 and "Judging is closed" in resp.json["error"]
