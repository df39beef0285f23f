"""The institution's pages: its entries and its certificates."""

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from awards.enums import Role
from awards.permissions import role_required
from awards.services import certificates, institutions
from awards.views._helpers import pdf_download

bp = Blueprint("institutions", __name__, url_prefix="/institution")


@bp.get("/")
@role_required(Role.INSTITUTION)
def dashboard():
    return render_template(
        "institutions/dashboard.html",
        entries=institutions.entries_for_institution(current_user.institution_id),
        certs=certificates.certificates_for_institution(current_user.institution_id),
    )


@bp.get("/certificates/<serial>.pdf")
@role_required(Role.INSTITUTION, Role.ORGANISER)
def download_certificate(serial: str):
    cert = certificates.get_certificate(serial)
    if cert is None or (current_user.role is Role.INSTITUTION and cert.institution_id != current_user.institution_id):
        abort(404)
    pdf = certificates.render_certificate_pdf(
        cert,
        verify_url=url_for("public.verify", serial=cert.serial, _external=True),
        verify_form_url=url_for("public.verify_form", _external=True),
    )
    return pdf_download(pdf, f"{cert.serial}.pdf")
