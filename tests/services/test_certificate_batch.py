"""Certificates in bulk: one render, split per certificate, written resumably with a manifest."""

import hashlib
import io
import json
import subprocess
from urllib.parse import urlsplit

import pypdfium2
import pytest
from flask import render_template, url_for
from PIL import ImageChops, ImageFilter
from pypdf import PdfReader

from awards.models import Certificate
from awards.pdf import html_to_pdf
from awards.extensions import db
from awards.services import certificate_batch, certificates, results
from tests.conftest import user

ORGANISER = "mratibu@tuzo.example"
PLACES = {
    "first": ("Nafasi ya Kwanza", "First Place"),
    "second": ("Nafasi ya Pili", "Second Place"),
    "third": ("Nafasi ya Tatu", "Third Place"),
    "excellence": ("Cheti cha Ubora", "Certificate of Excellence"),
    "participation": ("Cheti cha Ushiriki", "Certificate of Participation"),
}


def urls():
    return {"verify_url_for": lambda serial: url_for("public.verify", serial=serial, _external=True),
            "verify_form_url": url_for("public.verify_form", _external=True)}


def issue(app, edition, out_dir):
    with app.test_request_context():
        return certificate_batch.issue_edition(edition, out_dir, **urls())


def innovation(demo):
    return next(c for c in demo.categories if c.code == "innovation")


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def qr_codes(data: bytes) -> list[str]:
    """The QR codes on the PDF's first page, read by zbar (Debian's zbar-tools): a decoder of its own,
    not the library that encodes them (zxing-cpp)."""
    png = io.BytesIO()
    pypdfium2.PdfDocument(data)[0].render(scale=3).to_pil().save(png, "PNG")
    found = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=png.getvalue(), capture_output=True)
    assert found.returncode in (0, 4), found.stderr  # 4: none found
    return found.stdout.decode().splitlines()


def test_render_batch_gives_one_page_per_certificate_and_splits_them(app, demo):
    certs = certificate_batch.current_certificates(demo)
    assert len(certs) == 5
    with app.test_request_context():
        rendered = certificate_batch.render_batch(certs, **urls())
    assert rendered.ranges == [(i, i + 1) for i in range(5)]
    assert len(PdfReader(io.BytesIO(rendered.pdf())).pages) == 5
    parts = rendered.split()
    for cert, part in zip(certs, parts, strict=True):
        assert len(PdfReader(io.BytesIO(part)).pages) == 1
        assert cert.serial in pdf_text(part)


def test_each_issued_pdf_states_its_certificate_and_its_qr_verifies(app, client, demo, tmp_path):
    result = issue(app, demo, tmp_path)
    certs = certificate_batch.current_certificates(demo)
    assert sorted(result.issued) == sorted(c.serial for c in certs) and result.skipped == [] == result.removed
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for cert in certs:
        data = (tmp_path / f"{cert.serial}.pdf").read_bytes()
        text = pdf_text(data)
        assert cert.institution.name in text
        category = cert.snapshot.category
        assert category.name_sw in text and category.name_en in text
        for words in PLACES[cert.kind.value]:
            assert words.casefold() in text.casefold(), (cert.kind, words)  # titles are set in capitals
        assert cert.serial in text
        [code] = qr_codes(data)
        assert code == f"http://tuzo.test/verify/{cert.serial}"
        page = client.get(urlsplit(code).path, headers={"Accept-Language": "en"})
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "Valid" in body and cert.institution.name in body and category.name_en in body
        entry = manifest["certificates"][cert.serial]
        assert entry["pdf_sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["snapshot_sha256"] == cert.snapshot.sha256
    combined = (tmp_path / "all-certificates.pdf").read_bytes()
    assert len(PdfReader(io.BytesIO(combined)).pages) == 5
    assert manifest["combined"]["sha256"] == hashlib.sha256(combined).hexdigest()
    assert all(c.serial in pdf_text(combined) for c in certs)


def test_rerun_skips_what_is_up_to_date_and_reissues_a_missing_file(app, demo, tmp_path):
    first = issue(app, demo, tmp_path)
    combined = (tmp_path / "all-certificates.pdf").read_bytes()
    again = issue(app, demo, tmp_path)
    assert again.issued == [] and sorted(again.skipped) == sorted(first.issued) and again.removed == []
    assert (tmp_path / "all-certificates.pdf").read_bytes() == combined  # not rebuilt
    lost = first.issued[2]
    (tmp_path / f"{lost}.pdf").unlink()
    (tmp_path / f"{first.issued[3]}.pdf").write_bytes(b"not a pdf")  # damaged: its sha256 no longer matches
    third = issue(app, demo, tmp_path)
    assert sorted(third.issued) == sorted([lost, first.issued[3]]) and len(third.skipped) == 3


def test_a_renamed_institution_or_new_signatories_make_prepared_files_stale(app, demo, tmp_path):
    first = issue(app, demo, tmp_path)
    cert = db.session.execute(db.select(Certificate).filter_by(serial=first.issued[0])).scalar_one()
    cert.institution.name = "Taasisi Iliyobadilishwa Jina"
    db.session.flush()
    renamed = issue(app, demo, tmp_path)
    mine = [c.serial for c in db.session.execute(db.select(Certificate)).scalars() if c.institution_id == cert.institution_id]
    assert set(renamed.issued) == set(mine) & set(first.issued) and renamed.issued
    assert "Taasisi Iliyobadilishwa Jina" in pdf_text((tmp_path / f"{cert.serial}.pdf").read_bytes())
    demo.signatories = [*(demo.signatories or []), {"name": "Dkt. Mpya Sahihi", "title_sw": "Katibu", "title_en": "Secretary"}]
    db.session.flush()
    assert sorted(issue(app, demo, tmp_path).issued) == sorted(first.issued)  # every certificate shows them


def test_a_crash_mid_run_loses_one_chunk_at_most(app, demo, tmp_path, monkeypatch):
    real = certificate_batch.render_batch
    calls = []

    def crash_on_third_chunk(certs, **kwargs):
        calls.append(len(certs))
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(certs, **kwargs)

    monkeypatch.setattr(certificate_batch, "render_batch", crash_on_third_chunk)
    with app.test_request_context(), pytest.raises(RuntimeError):
        certificate_batch.issue_edition(demo, tmp_path, chunk=2, **urls())
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert len(manifest["certificates"]) == 4
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(certificate_batch, "render_batch", real)
    resumed = issue(app, demo, tmp_path)
    assert len(resumed.issued) == 1 and len(resumed.skipped) == 4


def test_progress_is_reported(app, demo, tmp_path):
    seen = []
    with app.test_request_context():
        certificate_batch.issue_edition(demo, tmp_path, chunk=2, progress=lambda d, t: seen.append((d, t)), **urls())
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]


def test_after_a_correction_the_old_files_are_removed(app, client, demo, tmp_path):
    old = issue(app, demo, tmp_path)
    results.publish_category(innovation(demo), actor=user(ORGANISER),
                             correction_reason="One judge's impact score was entered wrongly.")
    db.session.commit()
    after = issue(app, demo, tmp_path)
    assert sorted(after.removed) == sorted(old.issued)
    assert len(after.issued) == 5 and set(after.issued).isdisjoint(old.issued)
    assert not any((tmp_path / f"{s}.pdf").exists() for s in old.issued)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert sorted(manifest["certificates"]) == sorted(after.issued)
    page = client.get(f"/verify/{old.issued[0]}", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Superseded" in page.get_data(as_text=True)


def test_a_revoked_certificate_is_removed_on_the_next_run(app, demo, tmp_path):
    first = issue(app, demo, tmp_path)
    cert = certificates.get_certificate(first.issued[0])
    certificates.revoke(cert, "Issued to the wrong institution by mistake.", user(ORGANISER))
    db.session.commit()
    after = issue(app, demo, tmp_path)
    assert after.removed == [cert.serial] and len(after.skipped) == 4 and after.issued == []
    assert not (tmp_path / f"{cert.serial}.pdf").exists()
    assert len(PdfReader(tmp_path / "all-certificates.pdf").pages) == 4


def test_revoke_is_audited_and_refused_twice_or_without_a_reason(demo):
    from awards.models import AuditEvent
    from awards.services.errors import InvalidInput

    cert = db.session.execute(db.select(Certificate)).scalars().first()
    organiser = user(ORGANISER)
    with pytest.raises(InvalidInput):
        certificates.revoke(cert, "   short  ", organiser)
    certificates.revoke(cert, "Issued to the wrong institution by mistake.", organiser)
    assert certificates.status(cert) == "revoked"
    event = db.session.execute(db.select(AuditEvent).filter_by(action="certificate.revoke")).scalar_one()
    assert event.before["revoked_at"] is None and event.after["revoked_reason"].startswith("Issued to")
    with pytest.raises(InvalidInput):
        certificates.revoke(cert, "Issued to the wrong institution by mistake.", organiser)


def test_cli_writes_the_certificates_with_a_base_url(app, runner, demo, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(args=["awards", "certificates", "--edition", "psw-2026", "--out", str(out),
                                 "--base-url", "https://tuzo.example"])
    assert result.exit_code == 0, result.output
    assert "5 issued, 0 skipped (up to date), 0 removed" in result.output
    serial = next(p.stem for p in out.glob("PSW-*.pdf"))
    assert qr_codes((out / f"{serial}.pdf").read_bytes()) == [f"https://tuzo.example/verify/{serial}"]
    again = runner.invoke(args=["awards", "certificates", "--edition", "psw-2026", "--out", str(out),
                                "--base-url", "https://tuzo.example"])
    assert "0 issued, 5 skipped" in again.output
    # Another address for the QR codes makes every certificate out of date.
    moved = runner.invoke(args=["awards", "certificates", "--edition", "psw-2026", "--out", str(out)])
    assert "5 issued, 0 skipped" in moved.output
    assert runner.invoke(args=["awards", "certificates", "--edition", "nope", "--out", str(out)]).exit_code == 1


@pytest.mark.parametrize("base_url", ["tuzo.example", "ftp://tuzo.example", "https://", "https://tuzo.example/?a=1"])
def test_cli_refuses_a_base_url_the_qr_codes_could_not_open(app, runner, demo, tmp_path, base_url):
    out = tmp_path / "out"
    result = runner.invoke(args=["awards", "certificates", "--edition", "psw-2026", "--out", str(out),
                                 "--base-url", base_url])
    assert result.exit_code == 1 and "--base-url must be an http or https address" in result.output
    assert not out.exists()


def test_cli_says_when_an_edition_has_no_certificates(app, runner, demo, tmp_path):
    assert runner.invoke(args=["awards", "init", "--year", "2027"]).exit_code == 0  # nothing published yet
    out = tmp_path / "out"
    result = runner.invoke(args=["awards", "certificates", "--edition", "psw-2027", "--out", str(out),
                                 "--base-url", "https://tuzo.example"])
    assert result.exit_code == 0, result.output
    assert "0 issued, 0 skipped" in result.output and "has no certificates that verify as valid" in result.output
    assert "Combined PDF" not in result.output and not (out / "all-certificates.pdf").exists()


def test_a_hand_edited_manifest_cannot_remove_files_outside_the_folder(app, demo, tmp_path):
    out = tmp_path / "out"
    issue(app, demo, out)
    outside = tmp_path / "keep.pdf"
    outside.write_bytes(b"%PDF-1.7 not ours")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["certificates"]["../keep"] = {"pdf_sha256": "x", "snapshot_sha256": "y"}
    (out / "manifest.json").write_text(json.dumps(manifest))
    again = issue(app, demo, out)
    assert outside.exists() and again.removed == [] and len(again.skipped) == 5


@pytest.mark.parametrize("languages", ["both", "sw", "en"])
def test_a_batch_page_looks_like_the_single_download(app, demo, languages):
    """The batch draws each certificate's own layer over a background laid out once: the page must come
    out as the single download's, box for box, and read the same."""
    demo.certificate_languages = languages
    certs = certificate_batch.current_certificates(demo)[:2]
    with app.test_request_context():
        parts = certificate_batch.render_batch(certs, **urls()).split()
        singles = [certificates.render_certificate_pdf(c, urls()["verify_url_for"](c.serial), urls()["verify_form_url"])
                   for c in certs]
    for part, single in zip(parts, singles, strict=True):
        batch_image, single_image = (pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("RGB")
                                     for data in (part, single))
        assert batch_image.size == single_image.size
        difference = ImageChops.difference(batch_image, single_image).convert("L").point(lambda v: v > 64 and 255)
        assert difference.histogram()[255] / (batch_image.width * batch_image.height) < 0.001
        words = pdf_text(part).split()  # the same words (pypdf reads the background's first)
        assert words and sorted(words) == sorted(pdf_text(single).split())


def test_a_certificate_cut_from_a_batch_holds_only_its_own_qr_code(app, demo):
    """WeasyPrint gives all the pages of a render one resources dictionary: a page cut out with it would
    carry the images of every page, the other certificates' QR codes (and so their serials) among them."""
    certs = certificate_batch.current_certificates(demo)
    with app.test_request_context():
        parts = certificate_batch.render_batch(certs, **urls()).split()
    for cert, part in zip(certs, parts, strict=True):
        images = [image for page in PdfReader(io.BytesIO(part)).pages for image in page.images]
        assert len(images) == 1
        assert qr_codes(part) == [f"http://tuzo.test/verify/{cert.serial}"]


def _ink(html: str):
    """Where a page has ink, widened by two pixels."""
    page = pypdfium2.PdfDocument(html_to_pdf(html))[0].render(scale=1.5).to_pil().convert("L")
    return page.point(lambda v: 255 if v < 200 else 0).filter(ImageFilter.MaxFilter(5))


@pytest.mark.parametrize("languages", ["both", "sw", "en"])
def test_the_longest_names_keep_each_statement_in_its_box(app, demo, languages):
    """Each part of a certificate has a fixed place, so a statement is drawn apart from the titles and
    dates around it (the batch lays them out apart). Names as long as the model takes (200 characters)
    set the statement smaller; it must still touch nothing of the rest of the page."""
    demo.certificate_languages = languages
    cert = certificate_batch.current_certificates(demo)[0]
    cert.institution.name = ("Mamlaka ya Usimamizi wa Huduma za Maji na Usafi wa Mazingira Mijini " * 3)[:200]
    category, edition = cert.snapshot.category, demo
    category.name_sw = category.name_en = ("Ubunifu katika Utoaji wa Huduma kwa Wananchi na Taasisi " * 4)[:200]
    edition.name_sw = edition.name_en = ("Wiki ya Utumishi wa Umma, Mashindano ya Taifa ya Mwaka " * 4)[:200]
    with app.test_request_context():
        context = certificates.certificate_context(cert, urls()["verify_url_for"](cert.serial), urls()["verify_form_url"])
        own, shared = (_ink(render_template("certificates/certificate.html", **dict(context, layer=layer)))
                       for layer in ("overlay", "background"))
    assert own.getbbox() and shared.getbbox()
    assert ImageChops.multiply(own, shared).getbbox() is None  # no pixel inked by both
