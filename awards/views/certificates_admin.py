"""The organiser's certificate console: every current certificate of an edition as one ZIP,
revoking a certificate with a public reason, and reissuing a revoked one under a new serial."""

import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.forms.certificates import RevokeForm
from awards.models import Certificate
from awards.permissions import role_required
from awards.services import certificate_batch, certificates
from awards.services.errors import DomainError
from awards.views._helpers import edition_or_404, refused

bp = Blueprint("certificates_admin", __name__, url_prefix="/admin/certificates")

ZIP_IN_MEMORY = 32 * 1024 * 1024  # larger archives spill to a temporary file


def _verify_urls():
    return {
        "verify_url_for": lambda serial: url_for("public.verify", serial=serial, _external=True),
        "verify_form_url": url_for("public.verify_form", _external=True),
    }


@bp.get("/editions/<edition_slug>.zip")
@role_required(Role.ORGANISER)
def edition_zip(edition_slug: str):
    """The edition's current certificates, rendered in batches: one PDF each, the combined PDF and
    manifest.json (serial -> sha256 of the PDF and of the published results it states)."""
    edition = edition_or_404(edition_slug)
    archive = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)
    with tempfile.TemporaryDirectory(prefix="tuzo-certificates-") as tmp:
        certificate_batch.issue_edition(edition, Path(tmp), **_verify_urls())
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(tmp).iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    zf.write(path, f"{edition.slug}-certificates/{path.name}")
    archive.seek(0)
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=f"{edition.slug}-certificates.zip", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _certificate_or_404(serial: str) -> Certificate:
    cert = certificates.get_certificate(serial)
    if cert is None:
        abort(404)
    return cert


def _refused_page(cert: Certificate, status: int):
    """The certificate's verification page with the message, and the refusal's status."""
    return render_template("public/verify.html", cert=cert, status=certificates.status(cert),
                           statements=[certificates.statement(cert, lang) for lang in ("sw", "en")]), status


@bp.post("/<serial>/revoke")
@role_required(Role.ORGANISER)
def revoke(serial: str):
    cert = _certificate_or_404(serial)
    form = RevokeForm()
    if not form.validate():
        db.session.rollback()
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _refused_page(cert, 400)
    try:
        certificates.revoke(cert, form.reason.data, current_user)
    except DomainError as exc:
        return _refused_page(cert, refused(exc))
    db.session.commit()
    flash(_("Certificate %(serial)s is revoked. Its verification page now says so, with the reason.",
            serial=cert.serial), "success")
    return redirect(url_for("public.verify", serial=cert.serial))


@bp.post("/<serial>/reissue")
@role_required(Role.ORGANISER)
def reissue(serial: str):
    cert = _certificate_or_404(serial)
    # No form fields: CSRFProtect has already checked the token (400 without one).
    try:
        fresh = certificates.reissue(cert, current_user)
    except DomainError as exc:
        status = refused(exc)
        cert = _certificate_or_404(serial)
        return _refused_page(cert, status)
    db.session.commit()
    flash(_("Certificate %(old)s was reissued as %(new)s.", old=serial, new=fresh.serial), "success")
    return redirect(url_for("public.verify", serial=fresh.serial))
