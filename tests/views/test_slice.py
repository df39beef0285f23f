"""The thin slice through the test client: score, publish, view, download, verify.

Every bad input is answered with a 4xx and a message, and leaves the database unchanged.
"""

import io
import json
import re
from decimal import Decimal

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, AuditEvent, Category, Certificate, CriterionScore, Entry, Institution, ResultSnapshot, Scorecard, User
from tests.conftest import csrf_token, user

ASHA = "asha.mwinyi@tuzo.example"
ORGANISER = "mratibu@tuzo.example"


def mnh_booth_assignment() -> Assignment:
    return db.session.execute(
        db.select(Assignment).join(Assignment.entry).join(Entry.institution).join(Entry.category)
        .filter(Institution.acronym == "MNH", Category.code == "best-booth", Assignment.judge_id == user(ASHA).id)
    ).scalar_one()


def score_form(assignment, *, level="5", version=0, token, submit=True, **overrides):
    data = {"csrf_token": token, "version": str(version), "comment": "Banda zuri sana."}
    for criterion in assignment.entry.category.criteria:
        data[f"score_{criterion.id}"] = level
        data[f"comment_{criterion.id}"] = ""
    data["submit" if submit else "save"] = "1"
    if submit:
        data["confirm"] = "y"  # the judge ticked "I have checked these scores"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def db_state():
    """Counts that must not move when a request is refused."""
    return (
        db.session.scalar(db.select(db.func.count()).select_from(Scorecard)),
        db.session.scalar(db.select(db.func.count()).select_from(CriterionScore)),
        db.session.scalar(db.select(db.func.count()).select_from(ResultSnapshot)),
        db.session.scalar(db.select(db.func.count()).select_from(Certificate)),
        db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)),
    )


def test_judge_scores_and_submits(client, auth, demo):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    url = f"/judging/assignments/{assignment.id}"
    page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "Banda la Muhimbili" in page.get_data(as_text=True)
    token = csrf_token(client, url)
    resp = client.post(url, data=score_form(assignment, token=token))
    assert resp.status_code == 302
    db.session.expire_all()
    card = mnh_booth_assignment().scorecard
    assert card.status is ScorecardStatus.SUBMITTED
    assert {s.value for s in card.scores} == {Decimal(5)}
    assert card.comment == "Banda zuri sana."
    assert db.session.execute(db.select(AuditEvent).filter_by(action="scorecard.submit", object_id=str(card.id))).scalar()
    # Locked: a second submission is refused and changes nothing.
    before = db_state()
    resp = client.post(url, data=score_form(assignment, level="1", version=card.version, token=token),
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 409
    assert "locked" in resp.get_data(as_text=True)
    assert db_state() == before


@pytest.mark.parametrize(
    "case, overrides, status, message",
    [
        ("out of range", {"level": "7"}, 400, "Choose one of the levels shown."),
        ("not a number", {"level": "tano"}, 400, "Choose one of the levels shown."),
        ("missing score on submit", {"missing": True}, 400, "Score every criterion before submitting."),
        ("stale version", {"version": 3}, 409, "changed elsewhere"),
        ("version removed", {"version": None}, 400, "Some answers need fixing"),
        ("no CSRF token", {"token": None}, 400, "Your form has expired"),
        ("forged CSRF token", {"token": "forged"}, 400, "Your form has expired"),
    ],
)
def test_bad_scorecard_input_is_refused_and_changes_nothing(client, auth, demo, case, overrides, status, message):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    url = f"/judging/assignments/{assignment.id}"
    token = csrf_token(client, url)
    kwargs = {"level": overrides.get("level", "5"), "token": overrides.get("token", token)}
    if "version" in overrides:
        kwargs["version"] = overrides["version"]
    data = score_form(assignment, **kwargs)
    if overrides.get("missing"):
        data.pop(f"score_{assignment.entry.category.criteria[0].id}")
    if overrides.get("token", token) is None:
        data.pop("csrf_token", None)
    before = db_state()
    resp = client.post(url, data=data, headers={"Accept-Language": "en"})
    assert resp.status_code == status, case
    assert message in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db_state() == before
    assert mnh_booth_assignment().scorecard is None


def test_messages_come_in_swahili_too(client, auth, demo):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    url = f"/judging/assignments/{assignment.id}"
    token = csrf_token(client, url)
    data = score_form(assignment, token=token)
    data.pop(f"score_{assignment.entry.category.criteria[0].id}")
    resp = client.post(url, data=data, headers={"Accept-Language": "sw"})
    assert resp.status_code == 400
    assert "Toa alama kwa kila kigezo" in resp.get_data(as_text=True)


@pytest.mark.parametrize("lang, message", [
    ("en", "Tick the box to confirm that you want to submit. Your scores were saved as a draft"),
    ("sw", "Weka alama kwenye kisanduku kuthibitisha kwamba unataka kuwasilisha."),
])
def test_submit_without_the_confirmation_keeps_a_draft_and_says_so(client, auth, demo, lang, message):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    url = f"/judging/assignments/{assignment.id}"
    token = csrf_token(client, url)
    resp = client.post(url, data=score_form(assignment, level="4", token=token, confirm=None),
                       headers={"Accept-Language": lang})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert message in body
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*name="confirm"|<input[^>]*name="confirm"[^>]*aria-invalid="true"',
                     body)
    # Nothing typed is lost: the scores are the draft, which is not submitted.
    db.session.expire_all()
    card = mnh_booth_assignment().scorecard
    assert card.status is ScorecardStatus.DRAFT and card.submitted_at is None
    assert {s.value for s in card.scores} == {Decimal(4)} and card.comment == "Banda zuri sana."
    event = db.session.execute(db.select(AuditEvent).filter_by(object_id=str(card.id), object_type="Scorecard")).scalar_one()
    assert event.action == "scorecard.save"
    # The page carries the draft's version, so ticking the box and submitting again goes through.
    assert f'name="version" type="hidden" value="{card.version}"' in body
    resp = client.post(url, data=score_form(assignment, level="4", version=card.version, token=token))
    assert resp.status_code == 302
    db.session.expire_all()
    card = mnh_booth_assignment().scorecard
    assert card.status is ScorecardStatus.SUBMITTED and {s.value for s in card.scores} == {Decimal(4)}


def test_save_draft_needs_no_confirmation(client, auth, demo):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    url = f"/judging/assignments/{assignment.id}"
    resp = client.post(url, data=score_form(assignment, token=csrf_token(client, url), submit=False))
    assert resp.status_code == 302
    db.session.expire_all()
    assert mnh_booth_assignment().scorecard.status is ScorecardStatus.DRAFT


def test_tampered_assignment_id_is_not_found(client, auth, demo):
    """Another judge's assignment, a conflicted one, or a made-up id: 404, nothing saved."""
    auth.login(ASHA)
    asha = user(ASHA)
    others = db.session.execute(db.select(Assignment).filter(Assignment.judge_id != asha.id)).scalars().first()
    token = csrf_token(client, "/judging/")
    before = db_state()
    for assignment_id in (others.id, 999999):
        assert client.get(f"/judging/assignments/{assignment_id}").status_code == 404
        resp = client.post(f"/judging/assignments/{assignment_id}", data={"csrf_token": token, "version": "0"})
        assert resp.status_code == 404
    assert db_state() == before


def test_publish_needs_confirmation_and_then_freezes(client, auth, demo):
    auth.login(ORGANISER)
    booth = db.session.execute(db.select(Category).filter_by(code="best-booth", edition_id=demo.id)).scalar_one()
    url = f"/admin/categories/{booth.id}/results"
    page = client.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Ranking preview" in page.get_data(as_text=True)
    token = csrf_token(client, url)
    before = db_state()
    resp = client.post(f"/admin/categories/{booth.id}/publish", data={"csrf_token": token},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400
    assert "Tick the box" in resp.get_data(as_text=True)
    assert client.post(f"/admin/categories/{booth.id}/publish", data={"confirm": "y"}).status_code == 400
    assert db_state() == before
    assert client.post("/admin/categories/999999/publish", data={"csrf_token": token, "confirm": "y"}).status_code == 404

    resp = client.post(f"/admin/categories/{booth.id}/publish", data={"csrf_token": token, "confirm": "y"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith("/results/psw-2026/best-booth")
    snapshot = db.session.execute(db.select(ResultSnapshot).filter_by(category_id=booth.id)).scalar_one()
    from awards.services.results import snapshot_digest

    assert snapshot.sha256 == snapshot_digest(snapshot.standings, snapshot.method)
    # Publishing twice is refused: a change needs a correction.
    before = db_state()
    resp = client.post(f"/admin/categories/{booth.id}/publish", data={"csrf_token": token, "confirm": "y"},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 409
    assert db_state() == before


def test_public_results_certificate_and_verification(client, auth, demo):
    resp = client.get("/results/psw-2026/innovation", headers={"Accept-Language": "en"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    snapshot = db.session.execute(db.select(ResultSnapshot)).scalar_one()
    winner = json.loads(snapshot.standings)["rows"][0]
    assert winner["rank"] == 1
    first_row = re.search(r'<tr class="podium podium-1">(.*?)</tr>', html, re.S).group(1)
    assert winner["institution"]["name"] in first_row and winner["score"] in first_row
    assert client.get("/results/psw-2026/best-booth").status_code == 404  # not published yet
    assert client.get("/results/nope/innovation").status_code == 404

    cert = db.session.execute(db.select(Certificate).filter_by(entry_id=winner["entry_id"])).scalar_one()
    assert cert.kind.value == "first"
    officer = db.session.execute(db.select(User).filter_by(institution_id=cert.institution_id)).scalar_one()
    auth.login(officer.email)
    pdf = client.get(f"/institution/certificates/{cert.serial}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert winner["institution"]["name"] in text
    assert "Nafasi ya Kwanza" in text and "First Place" in text
    assert "Ubunifu" in text and "Innovation in service delivery" in text
    assert cert.serial in text

    page = pypdfium2.PdfDocument(pdf.data)[0]
    image = page.render(scale=3).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == [f"http://tuzo.test/verify/{cert.serial}"]

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    verify = client.get(f"/verify/{cert.serial}", headers={"Accept-Language": "en"})
    assert verify.status_code == 200
    body = verify.get_data(as_text=True)
    assert "Valid" in body and winner["institution"]["name"] in body and "First Place" in body
    assert client.get("/verify/PSW-2026-0000-0000-0000").status_code == 404
    assert client.get("/verify?serial=" + cert.serial.lower()).headers["Location"].endswith(f"/verify/{cert.serial}")
    assert client.get("/verify?serial=").status_code == 400


def test_certificate_of_another_institution_is_not_found(client, auth, demo):
    mnh = db.session.execute(db.select(Institution).filter_by(acronym="MNH")).scalar_one()
    cert = db.session.execute(db.select(Certificate).filter_by(institution_id=mnh.id)).scalars().first()
    auth.login("afisa@nhif.example")
    assert client.get(f"/institution/certificates/{cert.serial}.pdf").status_code == 404
