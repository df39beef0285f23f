"""The organiser's categories and rubrics: view, edit one category, download or upload the rubric file.

Every save goes through services.rubrics.replace_rubrics, so the form and the file obey the
same rules (weights sum to 100, descriptors in both languages, frozen once judging opens).
"""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.forms.rubrics import RubricUploadForm, make_category_rubric_form
from awards.permissions import role_required
from awards.services import editions, rubrics
from awards.services.errors import DomainError, NotAllowed
from awards.views._helpers import edition_or_404, render_error

bp = Blueprint("rubrics", __name__, url_prefix="/admin/editions/<edition_slug>/rubrics")


def _index_context(edition, form=None) -> dict:
    return {"edition": edition, "frozen": rubrics.is_frozen(edition), "form": form or RubricUploadForm(),
            "levels_for": editions.levels_for, "max_mb": rubrics.MAX_BYTES // (1024 * 1024)}


@bp.get("")
@role_required(Role.ORGANISER)
def index(edition_slug: str):
    edition = edition_or_404(edition_slug)
    return render_template("rubrics/index.html", **_index_context(edition))


@bp.get("/rubrics.toml")
@role_required(Role.ORGANISER)
def download(edition_slug: str):
    edition = edition_or_404(edition_slug)
    return Response(rubrics.export_toml(edition), mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{edition.slug}-rubrics.toml"',
        "Cache-Control": "private, no-store",
    })


@bp.post("/upload")
@role_required(Role.ORGANISER)
def upload(edition_slug: str):
    edition = edition_or_404(edition_slug)
    form = RubricUploadForm()
    try:
        if rubrics.is_frozen(edition):  # before the form: a frozen rubric refuses any upload
            raise NotAllowed(_("Rubrics are frozen once judging opens."))
        if not form.validate_on_submit():
            return render_template("rubrics/index.html", **_index_context(edition, form)), 400
        document = rubrics.parse_toml(form.rubric_file.data.read(rubrics.MAX_BYTES + 1))
        rubrics.replace_rubrics(edition, document, actor=current_user)
    except DomainError as exc:
        return render_error(exc, "rubrics/index.html", **_index_context(edition, form))
    db.session.commit()
    flash(_("The categories and rubrics were replaced from %(file)s.", file=form.rubric_file.data.filename),
          "success")
    return redirect(url_for("rubrics.index", edition_slug=edition.slug))


@bp.route("/<code>", methods=["GET", "POST"])
@role_required(Role.ORGANISER)
def edit_category(edition_slug: str, code: str):
    edition = edition_or_404(edition_slug)
    category = rubrics.category_of(edition, code)
    if category is None:
        abort(404)
    frozen = rubrics.is_frozen(edition)
    form = make_category_rubric_form(category.criteria, read_only=frozen)
    context = {"edition": edition, "category": category, "form": form, "frozen": frozen}
    if form.is_submitted():
        try:
            if frozen:
                raise NotAllowed(_("Rubrics are frozen once judging opens."))
            if not form.validate():
                return render_template("rubrics/edit_category.html", **context), 400
            document = rubrics.export_document(edition)
            form.apply_to(document, category.code)
            rubrics.replace_rubrics(edition, document, actor=current_user)
        except DomainError as exc:
            return render_error(exc, "rubrics/edit_category.html", **context)
        db.session.commit()
        flash(_("The rubric was saved."), "success")
        return redirect(url_for("rubrics.index", edition_slug=edition.slug))
    return render_template("rubrics/edit_category.html", **context)
