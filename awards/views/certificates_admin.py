"""The organiser's certificate console: every certificate of an edition with its status, revoking
one with a public reason, reissuing a revoked one under a new serial, and the edition's
certificates prepared a chunk at a time (with a progress bar) for one ZIP download."""

import tempfile

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.forms.certificates import ReissueForm, RevokeForm
from awards.i18n import format_number
from awards.models import Certificate
from awards.permissions import role_required
from awards.services import certificate_prep, certificates
from awards.services.errors import DomainError
from awards.views._helpers import edition_or_404, refused

bp = Blueprint("certificates_admin", __name__, url_prefix="/admin/certificates")

ZIP_IN_MEMORY = 32 * 1024 * 1024  # larger archives spill to a temporary file
PAGE = 100  # certificates listed per page


def _verify_urls():
    return {
        "verify_url_for": lambda serial: url_for("public.verify", serial=serial, _external=True),
        "verify_form_url": url_for("public.verify_form", _external=True),
    }


def _page(edition, *, status: int = 200, failed: Certificate | None = None, revoke_form=None, reissue_form=None):
    """The edition's certificates page. After a refused revoke or reissue, only that certificate is
    listed, with the form and its messages as they were sent."""
    categories = list(edition.categories)
    category = None
    page = max(request.args.get("page", 1, type=int), 1)
    serial = certificates.normalise_serial(request.args.get("serial", "")) if failed is None else failed.serial
    if failed is not None:
        certs, more = [failed], False
    elif serial:
        cert = certificates.get_certificate(serial)
        certs, more = ([cert] if cert is not None and cert.snapshot.edition_id == edition.id else []), False
    else:
        category_id = request.args.get("category", type=int)
        category = next((c for c in categories if c.id == category_id), None)
        rows = certificate_prep.edition_certificates(edition, category_id=category.id if category else None,
                                                     offset=(page - 1) * PAGE, limit=PAGE + 1)
        certs, more = rows[:PAGE], len(rows) > PAGE
    any_certificate = bool(certs) or certificate_prep.has_certificates(edition)
    return render_template(
        "certificates/console.html", edition=edition, certs=certs, more=more, page=page, category=category,
        categories=categories, serial=serial, any_certificate=any_certificate,
        status_of=certificates.status, failed=failed, revoke_form=revoke_form, reissue_form=reissue_form,
        progress=certificate_prep.progress(edition, **_verify_urls()),
        chunk=certificate_prep.CHUNK, blank_revoke=RevokeForm(formdata=None), blank_reissue=ReissueForm(formdata=None),
    ), status


@bp.get("/editions/<edition_slug>")
@role_required(Role.ORGANISER)
def edition(edition_slug: str):
    return _page(edition_or_404(edition_slug))


@bp.post("/editions/<edition_slug>/prepare")
@role_required(Role.ORGANISER)
def prepare(edition_slug: str):
    """Render the next chunk of the edition's certificates. Answers JSON {done, total, ready} to the
    page's script (Accept: application/json), else goes back to the page, which shows the progress."""
    edition = edition_or_404(edition_slug)
    wants_json = request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
    # No form fields: CSRFProtect has already checked the token (400 without one).
    progress = certificate_prep.prepare(edition, actor=current_user, limit=certificate_prep.CHUNK, **_verify_urls())
    db.session.commit()
    if wants_json:
        return jsonify(progress.as_json())
    if progress.ready:
        flash(_("All %(total)s certificates are ready to download.", total=format_number(progress.total)), "success")
    else:
        flash(_("%(done)s of %(total)s certificates prepared. Press “Continue preparing” for the rest.",
                done=format_number(progress.done), total=format_number(progress.total)), "info")
    return redirect(url_for("certificates_admin.edition", edition_slug=edition.slug), code=303)


@bp.get("/editions/<edition_slug>.zip")
@role_required(Role.ORGANISER)
def edition_zip(edition_slug: str):
    """The edition's current certificates: one PDF each, the combined PDF and manifest.json (serial ->
    sha256 of the PDF and of the published results it states), packed from the prepared folder;
    whatever is not prepared yet is rendered first (the console's progress bar avoids that wait)."""
    edition = edition_or_404(edition_slug)
    certificate_prep.prepare(edition, actor=None, limit=None, **_verify_urls())  # a GET records no event
    archive = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)
    certificate_prep.write_zip(edition, archive)
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


def _back_to(cert: Certificate):
    """The console page showing this certificate, in its new state."""
    return redirect(url_for("certificates_admin.edition", edition_slug=cert.snapshot.edition.slug, serial=cert.serial))


@bp.post("/<serial>/revoke")
@role_required(Role.ORGANISER)
def revoke(serial: str):
    cert = _certificate_or_404(serial)
    edition = cert.snapshot.edition
    form = RevokeForm()
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _page(edition, status=400, failed=cert, revoke_form=form)
    try:
        certificates.revoke(cert, form.reason.data, current_user)
    except DomainError as exc:
        status = refused(exc)
        return _page(edition, status=status, failed=_certificate_or_404(serial), revoke_form=form)
    db.session.commit()
    flash(_("Certificate %(serial)s is revoked. Its verification page now says so, with the reason.",
            serial=cert.serial), "success")
    return _back_to(cert)


@bp.post("/<serial>/reissue")
@role_required(Role.ORGANISER)
def reissue(serial: str):
    cert = _certificate_or_404(serial)
    edition = cert.snapshot.edition
    form = ReissueForm()
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _page(edition, status=400, failed=cert, reissue_form=form)
    try:
        fresh = certificates.reissue(cert, current_user)
    except DomainError as exc:
        status = refused(exc)
        return _page(edition, status=status, failed=_certificate_or_404(serial), reissue_form=form)
    db.session.commit()
    flash(_("Certificate %(old)s was reissued as %(new)s.", old=serial, new=fresh.serial), "success")
    return _back_to(fresh)

