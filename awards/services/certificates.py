"""Certificates: serials, what a certificate states, its status, and its PDF.

The context builder returns primitives only (never DB objects), so the trusted template
cannot reach the database. Serials are random and unguessable; verification goes by serial.
"""

import base64
import hashlib
import io
import json
import secrets

import zxingcpp
from PIL import Image
from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from awards.enums import CertificateKind
from awards.i18n import format_day
from awards.extensions import db
from awards.models import Certificate
from awards.models._types import utcnow
from awards.pdf import html_to_pdf
from awards.services import audit
from awards.services.errors import Conflict, InvalidInput

# Crockford's base32 without I, L, O, U: easy to read aloud and type from paper.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_serial(year: int) -> str:
    """PSW-2026-XXXX-XXXX-XXXX: 60 random bits, so serials cannot be guessed or enumerated."""
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3)]
    return f"PSW-{year}-" + "-".join(groups)


def normalise_serial(text: str) -> str:
    return text.strip().upper().replace(" ", "")


def get_certificate(serial: str) -> Certificate | None:
    return db.session.execute(db.select(Certificate).filter_by(serial=normalise_serial(serial))).scalar()


def certificates_for_institution(institution_id: int) -> list[Certificate]:
    return list(
        db.session.execute(
            db.select(Certificate).filter_by(institution_id=institution_id).order_by(Certificate.id.desc())
        ).scalars()
    )


def status(cert: Certificate) -> str:
    """valid, superseded (its results were corrected) or revoked."""
    if cert.revoked_at is not None:
        return "revoked"
    if cert.snapshot.superseded:
        return "superseded"
    return "valid"


def _place_phrase(place: int) -> str:
    return {1: gettext("First Place"), 2: gettext("Second Place"), 3: gettext("Third Place")}[place]


def statement(cert: Certificate, lang: str, verify_form_url: str = "") -> dict:
    """What the certificate says, in one language: title, body and date line."""
    edition = cert.snapshot.edition
    category = cert.snapshot.category
    # The announcement day, else the day of issue in Tanzania (format_day takes an instant's local date).
    issued_on = edition.announcement_date or cert.issued_at
    with force_locale(lang):
        names = {
            "institution": cert.institution.name,
            "category": getattr(category, f"name_{lang}"),
            "edition": getattr(edition, f"name_{lang}"),
        }
        if cert.kind in CertificateKind.places():
            title = gettext("Certificate of Award")
            body = gettext(
                "Presented to %(institution)s for %(place)s in the category %(category)s, %(edition)s.",
                place=_place_phrase(cert.place), **names,
            )
        elif cert.kind is CertificateKind.EXCELLENCE:
            title = gettext("Certificate of Excellence")
            body = gettext("Presented to %(institution)s for excellence in the category %(category)s, %(edition)s.",
                           **names)
        else:
            title = gettext("Certificate of Participation")
            body = gettext("Presented to %(institution)s for taking part in the category %(category)s, %(edition)s.",
                           **names)
        return {
            "lang": lang,
            "title": title,
            "body": body,
            "date": gettext("Issued on %(date)s.", date=format_day(issued_on, lang)),
            "serial_label": gettext("Verification number"),
            "verify_hint": gettext("Scan the code or enter the number at %(url)s to check this certificate.",
                                   url=verify_form_url),
        }


def languages_for(cert: Certificate) -> list[str]:
    chosen = cert.snapshot.edition.certificate_languages
    return ["sw", "en"] if chosen == "both" else [chosen]


# Bump when the certificate templates change how a certificate looks, so that PDFs already prepared
# (awards certificates --out, the console's prepared folder) are made again. 2: dates for the locale.
# 3: every part in a fixed place, the QR code drawn from a PNG.
LAYOUT_VERSION = 3


def fingerprint(cert: Certificate, verify_url: str, verify_form_url: str) -> str:
    """The sha256 of everything a certificate's PDF shows (its statements in each language, the
    signatories, the verify URL) and of the layout: a prepared PDF with the same fingerprint is up to
    date; a renamed institution or edition, new signatories or a new layout make it stale."""
    content = {"layout": LAYOUT_VERSION, "serial": cert.serial, "kind": cert.kind.value, "verify_url": verify_url,
               "blocks": [statement(cert, lang, verify_form_url) for lang in languages_for(cert)],
               "signatories": cert.snapshot.edition.signatories or []}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def qr_data_uri(verify_url: str) -> str:
    """The QR code for the verify URL (error correction M, the standard quiet zone of four modules), as a
    PNG data URI of one pixel a module. The certificate draws it without smoothing (image-rendering:
    pixelated), so each module prints as a sharp square, as sharp as a vector drawing.

    zxing-cpp encodes it (libzint's encoder, in C) in about 0.1 ms, where segno, in Python, takes about
    4 ms, most of it scoring the eight masks; and WeasyPrint draws a PNG in about 1 ms, an SVG's path
    in about 6: together half a batch certificate's time (bench/certificates.py)."""
    pixels = zxingcpp.create_barcode(verify_url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=True)
    height, width = memoryview(pixels).shape
    out = io.BytesIO()
    Image.frombuffer("L", (width, height), bytes(pixels), "raw", "L", 0, 1).convert("1").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def certificate_context(cert: Certificate, verify_url: str, verify_form_url: str) -> dict:
    langs = languages_for(cert)
    return {
        "serial": cert.serial,
        "kind": cert.kind.value,
        "verify_url": verify_url,
        "qr_data_uri": qr_data_uri(verify_url),
        "blocks": [statement(cert, lang, verify_form_url) for lang in langs],
        "signatories": [
            {"name": s.get("name", ""), "titles": [(lang, s.get(f"title_{lang}", "")) for lang in langs]}
            for s in cert.snapshot.edition.signatories or []
        ],
    }


def render_certificate_pdf(cert: Certificate, verify_url: str, verify_form_url: str) -> bytes:
    html = render_template("certificates/certificate.html", **certificate_context(cert, verify_url, verify_form_url))
    return html_to_pdf(html)


REVOKE_REASON = (10, 500)


def revoke(cert: Certificate, reason: str, actor) -> Certificate:
    """Withdraw an issued certificate with a reason, shown on its verification page. Only once."""
    reason = (reason or "").strip()
    if cert.revoked_at is not None:
        raise InvalidInput(_l("This certificate has already been revoked."))
    if not REVOKE_REASON[0] <= len(reason) <= REVOKE_REASON[1]:
        raise InvalidInput(_l("Write the reason for revoking (10 to 500 characters); it is shown publicly."))
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason
    audit.record("certificate.revoke", cert, actor=actor,
                 before={"serial": cert.serial, "revoked_at": None, "revoked_reason": None},
                 after={"serial": cert.serial, "revoked_at": cert.revoked_at, "revoked_reason": reason})
    return cert


def reissue(cert: Certificate, actor) -> Certificate:
    """A fresh certificate (new serial) for a revoked one: same entry, kind, place and snapshot."""
    if cert.revoked_at is None:
        raise InvalidInput(_l("Only a revoked certificate can be reissued."))
    if cert.snapshot.superseded:
        raise Conflict(_l("The results behind this certificate were corrected; the correction issued new "
                          "certificates already."))
    fresh = Certificate(serial=new_serial(cert.snapshot.edition.year), institution_id=cert.institution_id,
                        entry_id=cert.entry_id, snapshot=cert.snapshot, kind=cert.kind, place=cert.place)
    db.session.add(fresh)
    audit.record("certificate.reissue", fresh, actor=actor,
                 before={"serial": cert.serial, "revoked_reason": cert.revoked_reason},
                 after={"serial": fresh.serial, "replaces": cert.serial, "kind": cert.kind.value,
                        "place": cert.place, "entry": cert.entry_id, "snapshot": cert.snapshot_id})
    return fresh
