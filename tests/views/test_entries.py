"""An institution's entry: texts, uploads typed from their bytes, deadlines, receipts, and privacy."""

import hashlib
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader

from awards import seeding
from awards.enums import EntryStatus
from awards.extensions import db
from awards.models import AuditEvent, Entry, Evidence, Institution
from awards.models._types import utcnow
from awards.services import evidence, institutions
from tests.conftest import csrf_token, user
from tests.test_storage import BUILDERS, CSV, DOCX, JPEG, PDF, PNG, XLSX

MNH = "afisa@mnh.example"
NHIF = "afisa@nhif.example"


@pytest.fixture
def entry(demo):
    """MNH's draft best-booth entry in next year's edition, open for entries (from the demo)."""
    edition, _ = seeding.load_next_edition()
    db.session.commit()
    mnh = db.session.execute(db.select(Institution).filter_by(acronym="MNH")).scalar_one()
    return db.session.execute(db.select(Entry).filter_by(edition_id=edition.id, institution_id=mnh.id)).scalar_one()


def stored_state():
    """What must not move when an upload is refused: rows, audit events and files on disk."""
    files = sorted(p.name for p in evidence.file_store().root.rglob("*") if p.is_file())
    return (db.session.scalar(db.select(db.func.count()).select_from(Evidence)),
            db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)), files)


def upload(client, entry, name: str, data: bytes, *, criterion=None, token=None, **extra):
    """Press "Add" beside a criterion (or the whole entry) with a file chosen, as the entry page does."""
    token = token or csrf_token(client, f"/institution/entries/{entry.id}")
    target = str(criterion.id) if criterion else "entry"
    form = {"csrf_token": token, "add": target, f"file-{target}": (io.BytesIO(data), name),
            **{f"{key}-{target}": value for key, value in extra.items()}}
    return client.post(f"/institution/entries/{entry.id}/evidence", data=form,
                       content_type="multipart/form-data", headers={"Accept-Language": "en"})


@pytest.mark.parametrize("content_type", [PDF, PNG, JPEG, DOCX, XLSX, CSV])
def test_each_allowed_type_is_stored_under_its_hash(client, auth, entry, content_type):
    auth.login(MNH)
    data = BUILDERS[content_type]()
    criterion = entry.category.criteria[1]
    resp = upload(client, entry, "ushahidi.bin", data, criterion=criterion)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#criterion-{criterion.id}")
    item = db.session.execute(db.select(Evidence).filter_by(entry_id=entry.id)).scalar_one()
    assert item.content_type == content_type and item.criterion_id == criterion.id
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    assert item.original_name.startswith("ushahidi.") and not item.original_name.endswith(".bin")
    assert evidence.file_store().path(item.sha256).read_bytes() == data
    # Served back to its institution, never executed or sniffed by the browser.
    served = client.get(f"/institution/entries/{entry.id}/evidence/{item.id}?download=1", buffered=True)
    assert served.data == data and served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("case, name, data, message", [
    ("executable renamed .pdf", "ripoti.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "not accepted"),
    ("HTML renamed .png", "picha.png", b"<!doctype html><script>alert(1)</script>", "not accepted"),
    ("empty file", "tupu.pdf", b"", "not accepted"),
    ("path traversal", "../../etc/passwd.pdf", BUILDERS[PDF](), "must not contain folders"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(client, auth, entry, case, name, data, message):
    auth.login(MNH)
    token = csrf_token(client, f"/institution/entries/{entry.id}")
    before = stored_state()
    resp = upload(client, entry, name, data, token=token)
    assert resp.status_code == 400, case
    assert message in resp.get_data(as_text=True), case
    db.session.expire_all()
    assert stored_state() == before, case


def test_size_caps_per_file_and_per_entry(app, client, auth, entry):
    auth.login(MNH)
    token = csrf_token(client, f"/institution/entries/{entry.id}")
    pdf = BUILDERS[PDF]()
    app.config["UPLOAD_MAX_FILE_BYTES"] = len(pdf) - 1
    before = stored_state()
    resp = upload(client, entry, "kubwa.pdf", pdf, token=token)
    assert resp.status_code == 400 and "larger than" in resp.get_data(as_text=True)
    assert stored_state() == before
    app.config["UPLOAD_MAX_FILE_BYTES"] = 10 * len(pdf)
    app.config["UPLOAD_MAX_ENTRY_BYTES"] = len(pdf) + 10
    assert upload(client, entry, "ripoti.pdf", pdf, token=token).status_code == 302
    before = stored_state()
    resp = upload(client, entry, "takwimu.csv", BUILDERS[CSV]() * 3, token=token)
    assert resp.status_code == 400 and "would exceed" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert stored_state() == before


def test_after_the_deadline_nothing_changes_and_the_page_says_so(client, auth, entry):
    entry.edition.submissions_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(MNH)
    page = client.get(f"/institution/entries/{entry.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Submissions for this edition are closed" in page and 'type="file"' not in page
    token = csrf_token(client, "/institution/")
    before = stored_state()
    resp = upload(client, entry, "ripoti.pdf", BUILDERS[PDF](), token=token)
    assert resp.status_code == 403 and "Submissions for this edition are closed" in resp.get_data(as_text=True)
    for path in ("submit", "withdraw"):
        assert client.post(f"/institution/entries/{entry.id}/{path}", data={"csrf_token": token}).status_code == 403
    resp = client.post(f"/institution/entries/{entry.id}", data={"csrf_token": token, "title": "Jipya"})
    assert resp.status_code == 403
    db.session.expire_all()
    assert stored_state() == before and entry.title != "Jipya" and entry.status is EntryStatus.DRAFT


def test_another_institution_or_a_judge_gets_404(client, auth, entry):
    auth.login(MNH)
    assert upload(client, entry, "ripoti.pdf", BUILDERS[PDF]()).status_code == 302
    item = db.session.execute(db.select(Evidence).filter_by(entry_id=entry.id)).scalar_one()
    auth.logout()
    for email in (NHIF, "neema.kweka@tuzo.example"):
        auth.login(email)
        token = csrf_token(client, "/")
        before = stored_state()
        assert client.get(f"/institution/entries/{entry.id}").status_code == 404, email
        assert client.get(f"/institution/entries/{entry.id}/evidence/{item.id}").status_code == 404, email
        assert upload(client, entry, "yangu.pdf", BUILDERS[PDF](), token=token).status_code == 404, email
        for path in (f"evidence/{item.id}/delete", "submit", "withdraw"):
            assert client.post(f"/institution/entries/{entry.id}/{path}", data={"csrf_token": token}).status_code == 404
        assert stored_state() == before
        auth.logout()


def test_texts_word_limits_submit_receipt_and_withdraw(client, auth, entry):
    auth.login(MNH)
    url = f"/institution/entries/{entry.id}"
    token = csrf_token(client, url)
    criteria = entry.category.criteria
    pdf, photo = BUILDERS[PDF]("Ripoti ya banda 2027"), BUILDERS[PNG]()
    assert upload(client, entry, "ripoti ya banda.pdf", pdf, token=token).status_code == 302
    assert upload(client, entry, "picha.png", photo, criterion=criteria[0], token=token).status_code == 302
    target = str(criteria[1].id)
    link = {"csrf_token": token, "add": target, f"url-{target}": "https://www.mnh.or.tz/huduma",
            f"text-{target}": "Huduma za MNH"}
    assert client.post(f"{url}/evidence", data=link).status_code == 302

    # Submitting needs a text for every criterion (the demo draft has some: clear one).
    blank = {"csrf_token": token, "title": entry.title, f"narrative_{criteria[3].id}": ""}
    assert client.post(url, data=blank).status_code == 302
    resp = client.post(f"{url}/submit", data={"csrf_token": token}, headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and "Write something for every criterion" in resp.get_data(as_text=True)
    texts = {f"narrative_{c.id}": f"Tulifanya kazi nzuri kwa kigezo {c.code}." for c in criteria}
    limit = institutions.word_limit(criteria[2])
    too_long = dict(texts, **{f"narrative_{criteria[2].id}": "neno " * (limit + 1)})
    resp = client.post(url, data={"csrf_token": token, "title": entry.title, **too_long},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and f"the limit is {limit}" in resp.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "title": entry.title, **texts}).status_code == 302
    assert client.post(f"{url}/submit", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert entry.status is EntryStatus.SUBMITTED and entry.submitted_at is not None

    # The receipt lists every file with its size and sha256, matching the stored bytes.
    resp = client.get(f"{url}/receipt.pdf", headers={"Accept-Language": "en"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages))
    files = [e for e in entry.evidence if e.sha256]
    assert len(files) == 2
    for item in files:
        assert hashlib.sha256(evidence.file_store().path(item.sha256).read_bytes()).hexdigest() == item.sha256
        assert item.sha256 in text.replace(" ", "") and item.original_name in text and str(item.size) in text
    assert "Submission receipt" in text and "Hospitali ya Taifa Muhimbili" in text and "https://www.mnh.or.tz/huduma" in text

    # Frozen once submitted; back to draft and withdrawn before the deadline; entered again.
    resp = upload(client, entry, "nyingine.pdf", pdf, token=token)
    assert resp.status_code == 403 and "has been submitted" in resp.get_data(as_text=True)
    assert client.post(f"{url}/return-to-draft", data={"csrf_token": token}).status_code == 302
    assert client.get(f"{url}/receipt.pdf").status_code == 404
    assert client.post(f"{url}/withdraw", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert entry.status is EntryStatus.WITHDRAWN
    resp = client.post(f"/institution/editions/{entry.edition.slug}/entries/new", data={
        "csrf_token": token, "category": entry.category_id, "title": "Tumerudi"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(url)
    db.session.expire_all()
    assert entry.status is EntryStatus.DRAFT and entry.title == "Tumerudi"
    actions = [e.action for e in db.session.execute(
        db.select(AuditEvent).filter_by(object_type="Entry", object_id=str(entry.id)).order_by(AuditEvent.id)).scalars()]
    assert actions[-5:] == ["entry.update", "entry.submit", "entry.return_to_draft", "entry.withdraw", "entry.create"]


def test_delete_evidence_before_the_deadline_is_audited(client, auth, entry):
    auth.login(MNH)
    token = csrf_token(client, f"/institution/entries/{entry.id}")
    data = BUILDERS[CSV]()
    upload(client, entry, "takwimu.csv", data, token=token)
    item = db.session.execute(db.select(Evidence).filter_by(entry_id=entry.id)).scalar_one()
    sha = item.sha256
    resp = client.post(f"/institution/entries/{entry.id}/evidence/{item.id}/delete", data={"csrf_token": token})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.execute(db.select(Evidence).filter_by(entry_id=entry.id)).first() is None
    assert not evidence.file_store().exists(sha)  # no other entry used the same bytes
    event = db.session.execute(db.select(AuditEvent).filter_by(action="evidence.delete")).scalar_one()
    assert event.before["sha256"] == sha and event.actor_id == user(MNH).id


def test_hiv_evidence_needs_the_privacy_confirmation(client, auth, entry):
    mow = db.session.execute(db.select(Institution).filter_by(acronym="MOW")).scalar_one()
    hiv = next(c for c in entry.edition.categories if c.code == "hiv-aids")
    hiv_entry = institutions.create_entry(mow, hiv, title="Afua za VVU 2027", actor=None)
    db.session.commit()
    auth.login("afisa@mow.example")
    page = client.get(f"/institution/entries/{hiv_entry.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "only aggregate, anonymised figures" in page and "name=\"privacy-entry\"" in page
    token = csrf_token(client, f"/institution/entries/{hiv_entry.id}")
    before = stored_state()
    resp = upload(client, hiv_entry, "takwimu.csv", BUILDERS[CSV](), token=token)
    assert resp.status_code == 400 and "Confirm that the file holds only aggregate" in resp.get_data(as_text=True)
    assert stored_state() == before
    resp = upload(client, hiv_entry, "takwimu.csv", BUILDERS[CSV](), token=token, privacy="y")
    assert resp.status_code == 302


def test_only_eligible_categories_are_offered_and_innovation_needs_a_name(client, auth, entry):
    auth.login("afisa@ega.example")  # e-GA is an agency: eligible for all five
    edition = entry.edition
    dashboard = client.get("/institution/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "open for entries" in dashboard and dashboard.count("Enter: ") == 5
    innovation = next(c for c in edition.categories if c.code == "innovation")
    token = csrf_token(client, f"/institution/editions/{edition.slug}/entries/new")
    resp = client.post(f"/institution/editions/{edition.slug}/entries/new", headers={"Accept-Language": "en"},
                       data={"csrf_token": token, "category": innovation.id, "title": "Mfumo mpya"})
    assert resp.status_code == 400 and "Name the innovation" in resp.get_data(as_text=True)
    resp = client.post(f"/institution/editions/{edition.slug}/entries/new", data={
        "csrf_token": token, "category": innovation.id, "title": "Mfumo mpya", "innovation_name": "e-Mrejesho 2.0"})
    assert resp.status_code == 302
    created = db.session.execute(db.select(Entry).filter_by(category_id=innovation.id)).scalar_one()
    assert created.innovation_name == "e-Mrejesho 2.0" and created.status is EntryStatus.DRAFT
    # An LGA cannot enter best-managed (ministries, departments, agencies, corporations only).
    dcc = db.session.execute(db.select(Institution).filter_by(acronym="DCC")).scalar_one()
    assert "best-managed" not in {c.code for c in institutions.eligible_categories(dcc, edition)}


def test_adding_evidence_also_saves_the_texts_typed_so_far(client, auth, entry):
    """Typing a long text and then attaching a file must not lose the text, even when the file is refused."""
    auth.login(MNH)
    url = f"/institution/entries/{entry.id}"
    token = csrf_token(client, url)
    criterion = entry.category.criteria[0]
    typed = {f"narrative_{criterion.id}": "Maelezo marefu tuliyoandika kabla ya kuambatisha picha."}
    resp = client.post(f"{url}/evidence", content_type="multipart/form-data", headers={"Accept-Language": "en"},
                       data={"csrf_token": token, "add": str(criterion.id), **typed,
                             f"file-{criterion.id}": (io.BytesIO(b"MZ not a pdf"), "bandia.pdf")})
    assert resp.status_code == 400 and typed[f"narrative_{criterion.id}"] in resp.get_data(as_text=True)
    resp = client.post(f"{url}/evidence", content_type="multipart/form-data", data={
        "csrf_token": token, "add": str(criterion.id), **typed,
        f"file-{criterion.id}": (io.BytesIO(BUILDERS[PNG]()), "picha.png")})
    assert resp.status_code == 302
    db.session.expire_all()
    saved = {n.criterion_id: n.text for n in entry.narratives}
    assert saved[criterion.id] == typed[f"narrative_{criterion.id}"]
    assert [e.original_name for e in entry.evidence] == ["picha.png"]
