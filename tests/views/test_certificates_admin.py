"""The certificate console: the edition's ZIP, revoking with a public reason, reissuing; verification."""

import io
import json
import zipfile

from pypdf import PdfReader

from awards.extensions import db
from awards.models import AuditEvent, Certificate
from awards.services import certificate_batch, results
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
    resp = client.post(url, data={"csrf_token": token, "reason": "short"}, headers=EN)
    assert resp.status_code == 400
    assert client.post(url, data={"reason": REASON}).status_code == 400  # no CSRF token
    resp = client.post(url, data={"csrf_token": token, "reason": REASON})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/verify/{cert.serial}")
    page = client.get(f"/verify/{cert.serial}", headers=EN)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Revoked" in body and REASON in body
    event = db.session.execute(db.select(AuditEvent).filter_by(action="certificate.revoke")).scalar_one()
    assert event.after["serial"] == cert.serial and event.actor_id == user(ORGANISER).id
    resp = client.post(url, data={"csrf_token": token, "reason": "Another reason, given a second time."}, headers=EN)
    assert resp.status_code == 400 and "already been revoked" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_reason == REASON
    assert client.post("/admin/certificates/PSW-2026-0000-0000-0000/revoke",
                       data={"csrf_token": token, "reason": REASON}).status_code == 404


def test_reissue_is_refused_for_a_valid_certificate(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token}, headers=EN)
    assert resp.status_code == 400 and "Only a revoked certificate" in resp.get_data(as_text=True)


def test_reissue_gives_a_new_valid_serial(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON})
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token})
    assert resp.status_code == 302
    new_serial = resp.headers["Location"].rsplit("/", 1)[1]
    assert new_serial != cert.serial
    page = client.get(f"/verify/{new_serial}", headers=EN)
    assert page.status_code == 200 and "Valid" in page.get_data(as_text=True)
    event = db.session.execute(db.select(AuditEvent).filter_by(action="certificate.reissue")).scalar_one()
    assert event.before["serial"] == cert.serial and event.after["serial"] == new_serial


def test_reissue_is_refused_when_the_results_were_corrected(client, auth, demo):
    cert = a_certificate(demo)
    auth.login(ORGANISER)
    token = csrf_token(client, "/admin/")
    client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON})
    results.publish_category(cert.snapshot.category, actor=user(ORGANISER),
                             correction_reason="One judge's impact score was entered wrongly.")
    db.session.commit()
    resp = client.post(f"/admin/certificates/{cert.serial}/reissue", data={"csrf_token": token}, headers=EN)
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
    resp = client.post(f"/admin/certificates/{cert.serial}/revoke", data={"csrf_token": token, "reason": REASON})
    assert resp.status_code == 403
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).revoked_at is None
