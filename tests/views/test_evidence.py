"""Evidence beside the rubric: who may read an entry's files, how they are served, how they are stored."""

import io
from pathlib import Path

import pytest

from awards.enums import EntryStatus
from awards.extensions import db
from awards.models import Assignment, AuditEvent, Category, Entry, Evidence, Institution
from awards import seeding
from awards.services import evidence, institutions
from awards.services.errors import InvalidInput, NotAllowed
from tests.conftest import user
from tests.views.test_slice import ASHA, mnh_booth_assignment

SEED_FILES = Path(__file__).resolve().parents[2] / "seeds" / "demo" / "evidence"


def entry_of(acronym: str, code: str) -> Entry:
    return db.session.execute(
        db.select(Entry).join(Entry.institution).join(Entry.category)
        .filter(Institution.acronym == acronym, Category.code == code)
    ).scalar_one()


def item(name: str) -> Evidence:
    return db.session.execute(db.select(Evidence).filter_by(original_name=name)).scalar_one()


def file_url(assignment, name: str) -> str:
    return f"/judging/assignments/{assignment.id}/evidence/{item(name).id}"


def test_the_assigned_judge_sees_pdfs_and_images_inline_and_downloads_the_rest(client, auth, demo):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    resp = client.get(file_url(assignment, "mnh-ripoti-ya-banda.pdf"), buffered=True)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data == (SEED_FILES / "mnh-ripoti-ya-banda.pdf").read_bytes()
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert "private" in resp.headers["Cache-Control"]
    resp = client.get(file_url(assignment, "mnh-ripoti-ya-banda.pdf") + "?download=1", buffered=True)
    assert resp.headers["Content-Disposition"] == 'attachment; filename=mnh-ripoti-ya-banda.pdf'
    resp = client.get(file_url(assignment, "mnh-huduma-kwa-siku.csv"), buffered=True)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert client.get(file_url(assignment, "mnh-banda.png"), buffered=True).mimetype == "image/png"


def test_the_scoring_page_shows_each_criterions_evidence_beside_it(client, auth, demo):
    auth.login(ASHA)
    assignment = mnh_booth_assignment()
    html = client.get(f"/judging/assignments/{assignment.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<iframe src="{file_url(assignment, "mnh-ripoti-ya-banda.pdf")}"' in html
    assert f'<img src="{file_url(assignment, "mnh-banda.png")}"' in html
    assert f'href="{file_url(assignment, "mnh-huduma-kwa-siku.csv")}?download=1"' in html
    # The photo sits with its criterion, the report with the whole entry.
    theme = html.index('data-code="message-theme"')
    services = html.index('data-code="on-the-spot-services"')
    assert theme < html.index("mnh-banda.png") < services < html.index("mnh-huduma-kwa-siku.csv")
    assert html.index("mnh-ripoti-ya-banda.pdf") < theme
    assert html.count("The institution gave no evidence for this criterion.") == 4


def test_no_one_else_reads_the_evidence(client, auth, demo):
    assignment = mnh_booth_assignment()
    url = file_url(assignment, "mnh-ripoti-ya-banda.pdf")
    assert client.get(url).status_code == 302  # to the login page
    # A conflicted judge with an assignment row (a conflict that came to light later), an
    # unassigned judge, and an institution.
    grace = user("grace.mallya@tuzo.example")
    conflicted = Assignment(entry_id=assignment.entry_id, judge_id=grace.id)
    db.session.add(conflicted)
    db.session.commit()
    for email, path, status in [
        ("grace.mallya@tuzo.example", f"/judging/assignments/{conflicted.id}/evidence/{item('mnh-ripoti-ya-banda.pdf').id}", 404),
        ("neema.kweka@tuzo.example", url, 404),
        ("afisa@nhif.example", url, 403),
    ]:
        auth.login(email)
        assert client.get(path).status_code == status, email
        auth.logout()
    # The judge's own assignment cannot be used to reach another entry's file.
    auth.login(ASHA)
    nhif = db.session.execute(
        db.select(Assignment).filter_by(judge_id=user(ASHA).id, entry_id=entry_of("NHIF", "best-booth").id)
    ).scalar_one()
    assert client.get(f"/judging/assignments/{nhif.id}/evidence/{item('mnh-ripoti-ya-banda.pdf').id}").status_code == 404
    assert client.get(f"/judging/assignments/{nhif.id}/evidence/{item('nhif-banda.jpg').id}", buffered=True).status_code == 200
    link = db.session.execute(db.select(Evidence).filter(Evidence.url.is_not(None))).scalars().first()
    assert client.get(f"/judging/assignments/{nhif.id}/evidence/{link.id}").status_code == 404


@pytest.fixture
def draft(demo):
    """A fresh draft entry of DCC in next year's edition (open for entries), and the organiser."""
    edition, _ = seeding.load_next_edition()
    dcc = db.session.execute(db.select(Institution).filter_by(acronym="DCC")).scalar_one()
    category = next(c for c in edition.categories if c.code == "women-empowerment")
    entry = institutions.create_entry(dcc, category, title="Wanawake viongozi", actor=None)
    db.session.commit()
    return entry, user("mratibu@tuzo.example")


def test_files_are_typed_from_their_bytes_and_capped(app, draft):
    entry, actor = draft
    pdf = (SEED_FILES / "mnh-ripoti-ya-banda.pdf").read_bytes()
    stored = evidence.add_file(entry, stream=io.BytesIO(pdf), filename="ripoti.exe", actor=actor)
    assert (stored.content_type, stored.original_name, stored.size) == ("application/pdf", "ripoti.pdf", len(pdf))
    assert evidence.file_store().path(stored.sha256).read_bytes() == pdf
    event = db.session.execute(db.select(AuditEvent).filter_by(action="evidence.add")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert event.after["sha256"] == stored.sha256 and event.actor_id == actor.id
    with pytest.raises(InvalidInput, match="not accepted"):
        evidence.add_file(entry, stream=io.BytesIO(b"MZ\x90\x00 not a pdf"), filename="ripoti.pdf", actor=actor)
    app.config["UPLOAD_MAX_FILE_BYTES"] = len(pdf) - 1
    with pytest.raises(InvalidInput, match="larger than"):
        evidence.add_file(entry, stream=io.BytesIO(pdf), filename="ripoti.pdf", actor=actor)
    app.config["UPLOAD_MAX_FILE_BYTES"] = len(pdf) + 1000
    app.config["UPLOAD_MAX_ENTRY_BYTES"] = len(pdf) + 100
    csv = "Mwezi,Idadi\n2026-05,12\n".encode() * 10
    with pytest.raises(InvalidInput, match="exceed"):
        evidence.add_file(entry, stream=io.BytesIO(csv), filename="takwimu.csv", actor=actor)
    db.session.rollback()
    wrong = next(c for c in entry.edition.categories if c.code == "innovation").criteria[0]
    with pytest.raises(InvalidInput, match="does not belong"):
        evidence.add_link(entry, url="https://example.org/", actor=actor, criterion=wrong)
    for url in ("javascript:alert(1)", "ftp://example.org/x", "https://", "example.org"):
        with pytest.raises(InvalidInput, match="web address"):
            evidence.add_link(entry, url=url, actor=actor)


def test_only_the_institution_or_an_organiser_changes_a_draft_entrys_evidence(app, draft):
    entry, _ = draft
    link = {"url": "https://example.org/ripoti", "text": "Ripoti"}
    with pytest.raises(NotAllowed):
        evidence.add_link(entry, actor=user("afisa@nhif.example"), **link)
    with pytest.raises(NotAllowed):
        evidence.add_link(entry, actor=user(ASHA), **link)
    entry.status = EntryStatus.SUBMITTED
    with pytest.raises(NotAllowed, match="has been submitted"):
        evidence.add_link(entry, actor=user("mratibu@tuzo.example"), **link)


@pytest.mark.parametrize("lang, present, absent", [
    ("sw", ["Ujumbe na uhusiano na kaulimbiu", "Ushahidi wa wasilisho zima", "Taasisi haikuwasilisha ushahidi",
            "Hifadhi kama rasimu", "Jumla ya alama kwa uzito hadi sasa"], ["Evidence for the whole entry", "Save draft"]),
    ("en", ["Message relevance &amp; theme", "Evidence for the whole entry", "Save draft",
            "Weighted total so far"], ["Ushahidi wa wasilisho zima", "Hifadhi kama rasimu"]),
])
def test_the_scoring_page_in_both_languages(client, auth, demo, lang, present, absent):
    auth.login(ASHA)
    html = client.get(f"/judging/assignments/{mnh_booth_assignment().id}",
                      headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text
