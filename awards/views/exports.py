"""The organiser's exports: results, the score matrix and the audit log (CSV, XLSX), and the
results report PDF of a category. Read-only downloads; services build the tables."""

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _

from awards.enums import Role
from awards.extensions import db
from awards.i18n import lang
from awards.models import Category
from awards.permissions import role_required
from awards.services import exports, reports
from awards.services.errors import DomainError
from awards.views._helpers import pdf_download

bp = Blueprint("exports", __name__, url_prefix="/admin/exports")

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(name: str, header, rows, sheet_title: str, fmt: str) -> Response:
    return Response(exports.render(header, rows, fmt, sheet_title), mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        "Cache-Control": "private, no-store",
    })


def _category(category_id: int, fmt: str | None = None) -> Category:
    if fmt is not None and fmt not in MIMETYPES:
        abort(404)
    return db.get_or_404(Category, category_id)


@bp.get("/categories/<int:category_id>/results.<fmt>")
@role_required(Role.ORGANISER)
def results(category_id: int, fmt: str):
    return _download(*exports.category_export(_category(category_id, fmt), "results"), fmt)


@bp.get("/categories/<int:category_id>/scores.<fmt>")
@role_required(Role.ORGANISER)
def scores(category_id: int, fmt: str):
    return _download(*exports.category_export(_category(category_id, fmt), "scores"), fmt)


@bp.get("/audit.<fmt>")
@role_required(Role.ORGANISER)
def audit(fmt: str):
    if fmt not in MIMETYPES:
        abort(404)
    try:
        header, rows = exports.audit_table(request.args)
    except DomainError as exc:
        return Response(str(exc.message), status=exc.status, mimetype="text/plain")
    return _download("audit-log", header, rows, _("Audit log"), fmt)


@bp.get("/categories/<int:category_id>/report.pdf")
@role_required(Role.ORGANISER)
def report(category_id: int):
    category = _category(category_id)
    pdf = reports.render_report_pdf(category, lang=lang())
    return pdf_download(pdf, f"{exports.file_slug(f'{category.edition.slug}-{category.code}-report')}.pdf")
