"""The organiser's import page: institutions and judges from CSV files, all or nothing.

A successful judges import shows the new accounts' initial passwords in that response only:
they are not stored anywhere, so reloading the page does not show them again.
"""

from flask import Blueprint, make_response, render_template
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.forms.imports import InstitutionsImportForm, JudgesImportForm
from awards.permissions import role_required
from awards.services import imports
from awards.services.errors import DomainError
from awards.views._helpers import refused

bp = Blueprint("imports", __name__, url_prefix="/admin/imports")


def _page(status: int = 200, **context):
    context.setdefault("institutions_form", InstitutionsImportForm())
    context.setdefault("judges_form", JudgesImportForm())
    response = make_response(render_template("imports/index.html", max_rows=imports.MAX_ROWS,
                                             max_mb=imports.MAX_BYTES // (1024 * 1024), **context), status)
    response.headers["Cache-Control"] = "private, no-store"  # initial passwords must not be cached
    return response


@bp.get("/")
@role_required(Role.ORGANISER)
def index():
    return _page()


@bp.post("/institutions")
@role_required(Role.ORGANISER)
def import_institutions():
    form = InstitutionsImportForm()
    if not form.validate_on_submit():
        return _page(400, institutions_form=form)
    return _run(imports.import_institutions, form.institutions_file.data, institutions_form=form)


@bp.post("/judges")
@role_required(Role.ORGANISER)
def import_judges():
    form = JudgesImportForm()
    if not form.validate_on_submit():
        return _page(400, judges_form=form)
    return _run(imports.import_judges, form.judges_file.data, judges_form=form)


def _run(service, upload, **forms):
    try:
        result = service(upload.read(imports.MAX_BYTES + 1), actor=current_user)
    except DomainError as exc:
        return _page(refused(exc), **forms)
    if result.errors:
        db.session.rollback()
        return _page(400, result=result, filename=upload.filename, **forms)
    db.session.commit()
    return _page(200, result=result, filename=upload.filename)
