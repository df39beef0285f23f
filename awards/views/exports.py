"""The organiser's exports: results, the score matrix and the audit log (CSV, XLSX), and the
results report PDF of a category. Read-only downloads; services build the tables."""

import re

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


def _slug(text: str) -> str:
    """Plain ASCII for a file name: letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "export"


def _download(header, rows, fmt: str, name: str, sheet_title: str) -> Response:
    if fmt == "csv":
        body = exports.to_csv(header, rows)
    else:
        body = exports.to_xlsx(header, rows, sheet_title)
    return Response(body, mimetype=MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{_slug(name)}.{fmt}"',
        "Cache-Control": "private, no-store",
    })


def _category(category_id: int, fmt: str | None = None) -> Category:
    if fmt is not None and fmt not in MIMETYPES:
        abort(404)
    return db.get_or_404(Category, category_id)


@bp.get("/categories/<int:category_id>/results.<fmt>")
@role_required(Role.ORGANISER)
def results(category_id: int, fmt: str):
    category = _category(category_id, fmt)
    header, rows = exports.results_table(category)
    return _download(header, rows, fmt, f"{category.edition.slug}-{category.code}-results", _("Results"))


@bp.get("/categories/<int:category_id>/scores.<fmt>")
@role_required(Role.ORGANISER)
def scores(category_id: int, fmt: str):
    category = _category(category_id, fmt)
    header, rows = exports.score_matrix(category)
    return _download(header, rows, fmt, f"{category.edition.slug}-{category.code}-scores", _("Scores"))


@bp.get("/audit.<fmt>")
@role_required(Role.ORGANISER)
def audit(fmt: str):
    if fmt not in MIMETYPES:
        abort(404)
    try:
        header, rows = exports.audit_table(request.args)
    except DomainError as exc:
        return Response(str(exc.message), status=exc.status, mimetype="text/plain")
    return _download(header, rows, fmt, "audit-log", _("Audit log"))


@bp.get("/categories/<int:category_id>/report.pdf")
@role_required(Role.ORGANISER)
def report(category_id: int):
    category = _category(category_id)
    pdf = reports.render_report_pdf(category, lang=lang())
    return pdf_download(pdf, f"{_slug(f'{category.edition.slug}-{category.code}-report')}.pdf")
