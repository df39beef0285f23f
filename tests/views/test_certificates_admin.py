"""The certificate console: the edition's ZIP, revoking with a public reason, reissuing; verification."""

import hashlib
import io
import json
import shutil
import zipfile

import pytest
from pypdf import PdfReader

from awards.extensions import db
from awards.models import AuditEvent, Certificate
from awards.services import certificate_batch, certificate_prep, results
from tests.conftest import csrf_token, user
from tests.views.test_slice import ORGANISER

EN = {"Accept-Language": "en"}
REASON = "Issued to the wrong institution by mistake."


def a_certificate(demo) -> Certificate:
    return certificate_batch.current_certificates(demo)[0]


def test_zip_holds_one_pdf_per_current_certificate_the_combined_pdf_and_the_manifest(client, auth, demo):
    auth.login(ORGANISER)
    assert "/admin/certificates/editions/psw-2026.zip" in client.get("/admin/").get_data(as_text=True)
    with client.get("/admin/certificates/editions/psw-2026.zip") as resp:  # closing it closes the archive file
        data = resp.get_data()
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert "psw-2026-certificates.zip" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "private, no-store"
    serials = sorted(c.serial for c in certificate_batch.current_certificates(demo))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(zf.namelist())
        assert names == sorted([f"psw-2026-certificates/{s}.pdf" for s in serials]
                               + ["psw-2026-certificates/all-certificates.pdf", "psw-2026-certificates/manifest.json"])
        manifest = json.loads(zf.read("psw-2026-certificates/manifest.json"))
        assert sorted(manifest["certificates"]) == serials
        for serial in serials:
            text = PdfReader(io.BytesIO(zf.read(f"psw-2026-certificates/{serial}.pdf"))).pages[0].extract_text()
            assert serial in text
        assert len(PdfReader(io.BytesIO(zf.read("psw-2026-certificates/all-certificates.pdf"))).pages) == 5
    assert client.get("/admin/certificates/editions/nope.zip").status_code == 404


def test_revoke_shows_the_reason_on_the_verify_page_and_is_refused_twice(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    url = f"/admin/certificates/{cert.serial}/revoke"
    resp = client.post(url, data={"csrf_token": token, "reason": "short", "confirm": "y"}, headers=EN)
    assert resp.status_code == 400
    assert client.post(url, data={"reason": REASON, "confirm": "y"}).status_code == 400  # no CSRF token
    resp = client.post(url, data={"csrf_token": token, "reason": REASON, "confirm": "y"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/admin/certificates/editions/psw-2026?serial={cert.serial}")
    shown = client.get(resp.headers["Location"], headers=EN).get_data(as_text=True)
    assert f"Revoked: {REASON}" in shown and "Reissue…" in shown
    page = client.get(f"/verify/{cert.serial}", headers=EN)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Revoked" in body and REASON in body
    event = db.session.execute(db.select(AuditEvent).filter_by(action="certificate.revoke")).scalar_one()
    assert event.after["serial"] == cert.serial and event.actor_id == user(ORGANISER).id
    resp = client.post(url, data={"csrf_token": token, "reason": "Another reason, given a second time.",
                                  "confirm": "y"}, headers=EN)
    assert resp.status_code == 400 and "already been revoked" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_reason == REASON
    assert client.post("/admin/certificates/PSW-2026-0000-0000-0000/revoke",
                       data={"csrf_token": token, "reason": REASON, "confirm": "y"}).status_code == 404


def test_reissue_is_refused_for_a_valid_certificate(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token, "confirm": "y"},
                       headers=EN)
    assert resp.status_code == 400 and "Only a revoked certificate" in resp.get_data(as_text=True)


def test_reissue_gives_a_new_valid_serial(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON, "confirm": "y"})
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token}, headers=EN)
    assert resp.status_code == 400 and "Tick the box to confirm that you want to reissue" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token, "confirm": "y"})
    assert resp.status_code == 302
    new_serial = resp.headers["Location"].rsplit("serial=", 1)[1]
    assert new_serial != cert.serial
    page = client.get(f"/verify/{new_serial}", headers=EN)
    assert page.status_code == 200 and "Valid" in page.get_data(as_text=True)
    event = db.session.execute(db.select(AuditEvent).filter_by(action="certificate.reissue")).scalar_one()
    assert event.before["serial"] == cert.serial and event.after["serial"] == new_serial


def test_reissue_is_refused_when_the_results_were_corrected(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON, "confirm": "y"})
    results.publish_category(cert.snapshot.category, actor=user(ORGANISER),
                             correction_reason="One judge's impact score was entered wrongly.")
    db.session.commit()
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token, "confirm": "y"},
                       headers=EN)
    assert resp.status_code == 409 and "issued new certificates already" in resp.get_data(as_text=True)


def test_verify_tampered_unknown_and_superseded_serials(client, auth, demo):
    cert = a_certificate(demo)
    last = cert.serial[-1]
    tampered = cert.serial[:-1] + ("0" if last != "0" else "1")
    for serial in (tampered, "PSW-2026-ZZZZ-ZZZZ-ZZZZ"):
        resp = client.get(f"/verify/{serial}", headers=EN)
        assert resp.status_code == 404 and "not found" in resp.get_data(as_text=True).lower()
    results.publish_category(cert.snapshot.category, actor=user(ORGANISER),
                             correction_reason="One judge's impact score was entered wrongly.")
    db.session.commit()
    resp = client.get(f"/verify/{cert.serial}", headers=EN)
    assert resp.status_code == 200 and "Superseded" in resp.get_data(as_text=True)


def test_only_the_organiser_may_use_the_console(client, auth, demo):
    cert = a_certificate(demo)
    assert client.get("/admin/certificates/editions/psw-2026.zip").status_code == 302
    auth.login("afisa@mnh.example")
    token = csrf_token(client, "/")
    assert client.get("/admin/certificates/editions/psw-2026.zip").status_code == 403
    resp = client.post(f"/admin/certificates/{cert.serial}/revoke",
                       data={"csrf_token": token, "reason": REASON, "confirm": "y"})
    assert resp.status_code == 403
    assert client.get("/admin/certificates/editions/psw-2026").status_code == 403
    assert client.post("/admin/certificates/editions/psw-2026/prepare", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is None


CONSOLE = "/admin/certificates/editions/psw-2026"
JSON = {"Accept": "application/json"}


def test_the_console_lists_every_certificate_with_its_status_and_actions(client, auth, demo):
    auth.login(ORGANISER)
    assert CONSOLE in client.get("/admin/").get_data(as_text=True)
    resp = client.get(CONSOLE, headers=EN)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    certs = certificate_batch.current_certificates(demo)
    for cert in certs:
        assert f'href="/verify/{cert.serial}"' in body and cert.institution.name in body
        assert f'action="/admin/certificates/{cert.serial}/revoke"' in body
    assert body.count(">Valid<") == len(certs) and "First Place" in body and "Innovation" in body
    assert "Revoking cannot be undone" in body
    assert "0 of 5 certificates prepared." in body and "Prepare certificates" in body
    # One certificate by its number; a number of another edition or none at all finds nothing.
    one = client.get(CONSOLE, query_string={"serial": certs[0].serial.lower()}, headers=EN).get_data(as_text=True)
    assert certs[0].serial in one and certs[1].serial not in one
    none = client.get(CONSOLE, query_string={"serial": "PSW-2026-0000-0000-0000"}, headers=EN).get_data(as_text=True)
    assert "No certificate matches this filter." in none
    assert client.get("/admin/certificates/editions/nope").status_code == 404


def test_an_edition_without_certificates_says_what_to_do(client, auth, demo):
    from awards import seeding

    seeding.init_edition(2030)
    db.session.commit()
    auth.login(ORGANISER)
    resp = client.get("/admin/certificates/editions/psw-2030", headers=EN)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "No certificates yet: they are issued when you publish a category" in body
    assert "/admin/categories/" in body and "/results" in body
    assert "Prepare certificates" not in body


@pytest.mark.parametrize("lang, message", [
    ("en", "Tick the box to confirm that you want to revoke this certificate."),
    ("sw", "Weka alama kwenye kisanduku kuthibitisha kwamba unataka kubatilisha cheti hiki."),
])
def test_revoking_needs_the_confirmation(client, auth, demo, lang, message):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    resp = client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON},
                       headers={"Accept-Language": lang})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert message in body and REASON in body  # the reason typed is still there, beside the message
    assert f'id="certificate-{cert.serial}"' in body and "<details open>" in body
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is None
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before


def _prepare(client, token, **headers):
    return client.post(f"{CONSOLE}/prepare", data={"csrf_token": token}, headers={**EN, **headers})


def test_preparing_goes_a_chunk_at_a_time_then_the_zip_packs_the_folder(client, auth, demo, monkeypatch):
    monkeypatch.setattr(certificate_prep, "CHUNK", 2)
    auth.login(ORGANISER)
    token = csrf_token(client, CONSOLE)
    shutil.rmtree(certificate_prep.folder(demo), ignore_errors=True)
    seen = [_prepare(client, token, **JSON).get_json() for _ in range(3)]
    assert seen == [{"done": 2, "total": 5, "ready": False}, {"done": 4, "total": 5, "ready": False},
                    {"done": 5, "total": 5, "ready": True}]
    events = db.session.execute(db.select(AuditEvent).filter_by(action="certificates.prepared")
                                .order_by(AuditEvent.id)).scalars().all()
    assert [(e.after["rendered"], e.after["done"], e.after["total"]) for e in events] == [(2, 2, 5), (2, 4, 5), (1, 5, 5)]
    assert all(e.object_type == "Edition" and e.actor_id == user(ORGANISER).id for e in events)
    # Everything is up to date: another press renders nothing and records nothing.
    assert _prepare(client, token, **JSON).get_json() == {"done": 5, "total": 5, "ready": True}
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                             .filter_by(action="certificates.prepared")) == 3
    page = client.get(CONSOLE, headers=EN).get_data(as_text=True)
    assert "All 5 certificates are prepared: the download is ready." in page and "Prepare certificates" not in page
    # The ZIP serves the prepared files as they are.
    manifest = json.loads((certificate_prep.folder(demo) / "manifest.json").read_text())
    with client.get(f"{CONSOLE}.zip") as resp:
        data = resp.get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for serial, entry in manifest["certificates"].items():
            assert hashlib.sha256(zf.read(f"psw-2026-certificates/{serial}.pdf")).hexdigest() == entry["pdf_sha256"]
        assert hashlib.sha256(zf.read("psw-2026-certificates/all-certificates.pdf")).hexdigest() \
            == manifest["combined"]["sha256"]


def test_preparing_without_javascript_goes_back_to_the_page_with_a_continue_button(client, auth, demo, monkeypatch):
    monkeypatch.setattr(certificate_prep, "CHUNK", 3)
    auth.login(ORGANISER)
    token = csrf_token(client, CONSOLE)
    shutil.rmtree(certificate_prep.folder(demo), ignore_errors=True)
    resp = _prepare(client, token, Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert resp.status_code == 303 and resp.headers["Location"].endswith(CONSOLE)
    page = client.get(CONSOLE, headers=EN).get_data(as_text=True)
    assert "3 of 5 certificates prepared. Press “Continue preparing” for the rest." in page
    assert 'value="3"' in page and "Continue preparing" in page
    assert _prepare(client, token).status_code == 303
    assert "All 5 certificates are ready to download." in client.get(CONSOLE, headers=EN).get_data(as_text=True)
    assert _prepare(client, "forged", **JSON).status_code == 400


def test_a_revocation_or_a_correction_makes_the_prepared_files_stale(client, auth, demo):
    auth.login(ORGANISER)
    token = csrf_token(client, CONSOLE)
    shutil.rmtree(certificate_prep.folder(demo), ignore_errors=True)
    assert _prepare(client, token, **JSON).get_json()["ready"] is True
    cert = a_certificate(demo)
    client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON, "confirm": "y"})
    folder = certificate_prep.folder(demo)
    assert (folder / f"{cert.serial}.pdf").exists()
    assert "4 of 4 certificates prepared." in client.get(CONSOLE, headers=EN).get_data(as_text=True)
    assert _prepare(client, token, **JSON).get_json() == {"done": 4, "total": 4, "ready": True}
    assert not (folder / f"{cert.serial}.pdf").exists()
    event = db.session.execute(db.select(AuditEvent).filter_by(action="certificates.prepared")
                               .order_by(AuditEvent.id.desc())).scalars().first()
    assert (event.after["rendered"], event.after["removed"]) == (0, 1)
    # A correction supersedes every certificate of the category: new ones are rendered, the old go.
    results.publish_category(cert.snapshot.category, actor=user(ORGANISER),
                             correction_reason="One judge's impact score was entered wrongly.")
    db.session.commit()
    fresh = {c.serial for c in certificate_batch.current_certificates(demo)}
    assert certificate_prep.progress(demo, verify_url_for=lambda s: f"http://localhost/verify/{s}",
                                     verify_form_url="http://localhost/verify").done == 0
    assert _prepare(client, token, **JSON).get_json() == {"done": len(fresh), "total": len(fresh), "ready": True}
    assert {p.stem for p in folder.glob("PSW-*.pdf")} == fresh


def test_the_zip_prepares_what_is_missing(client, auth, demo, monkeypatch):
    monkeypatch.setattr(certificate_prep, "CHUNK", 2)
    auth.login(ORGANISER)
    token = csrf_token(client, CONSOLE)
    shutil.rmtree(certificate_prep.folder(demo), ignore_errors=True)
    assert _prepare(client, token, **JSON).get_json()["done"] == 2
    with client.get(f"{CONSOLE}.zip") as resp:
        data = resp.get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert len([n for n in zf.namelist() if n.endswith(".pdf")]) == 6  # five certificates and the combined PDF
    assert "the download is ready" in client.get(CONSOLE, headers=EN).get_data(as_text=True)
