"""The organiser's console (first cut): editions, categories, ranking preview and publication."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.forms import PublishForm, ReopenForm
from awards.i18n import lang
from awards.models import Category, Edition, Entry, Scorecard
from awards.permissions import role_required
from awards.services import analysis, judging, results, score_sheets
from awards.services.errors import DomainError
from awards.views._helpers import pdf_download, refused, render_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required(Role.ORGANISER)
def dashboard():
    editions = db.session.execute(db.select(Edition).order_by(Edition.year.desc())).scalars().all()
    published = {c.id for e in editions for c in e.categories if results.current_snapshot(c) is not None}
    return render_template("admin/dashboard.html", editions=editions, published=published)


@bp.get("/categories/<int:category_id>/results")
@role_required(Role.ORGANISER)
def category_results(category_id: int):
    category = db.get_or_404(Category, category_id)
    return render_template("admin/category_results.html", **_results_context(category))


@bp.post("/categories/<int:category_id>/publish")
@role_required(Role.ORGANISER)
def publish_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = PublishForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that you want to publish."), "error")
        return render_template("admin/category_results.html", **_results_context(category, form)), 400
    try:
        results.publish_category(category, actor=current_user)
    except DomainError as exc:
        return render_error(exc, "admin/category_results.html", **_results_context(category, form))
    db.session.commit()
    flash(_("Results published. Certificates have been issued."), "success")
    return redirect(url_for("public.category_results", edition_slug=category.edition.slug,
                            category_code=category.code))


def _results_context(category: Category, form: PublishForm | None = None) -> dict:
    snapshot = results.current_snapshot(category)
    inputs = results.load_inputs(category)  # one load of the scorecards for the preview and the analysis
    preview = results.compute_results(category, inputs) if snapshot is None else results.snapshot_standings(snapshot)
    return {"category": category, "snapshot": snapshot, "form": form or PublishForm(), "preview": preview,
            "analysis": analysis.analyse_category(category, inputs),
            "reopened": judging.reopened_scorecards(category)}


@bp.get("/scorecards/<int:scorecard_id>")
@role_required(Role.ORGANISER)
def scorecard(scorecard_id: int):
    return _scorecard_page(db.get_or_404(Scorecard, scorecard_id), ReopenForm())


@bp.post("/scorecards/<int:scorecard_id>/reopen")
@role_required(Role.ORGANISER)
def reopen_scorecard(scorecard_id: int):
    card = db.get_or_404(Scorecard, scorecard_id)
    form = ReopenForm()
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _scorecard_page(card, form, 400)
    try:
        judging.reopen_scorecard(card, reason=form.reason.data, actor=current_user)
    except DomainError as exc:
        return _scorecard_page(card, form, refused(exc))
    db.session.commit()
    flash(_("Scorecard reopened. The judge will see your reason on the scoring page."), "success")
    return redirect(url_for("admin.scorecard", scorecard_id=card.id))


@bp.get("/entries/<int:entry_id>/score-sheet.pdf")
@role_required(Role.ORGANISER)
def score_sheet(entry_id: int):
    """A blank paper score sheet for an entry, for the secretariat to print for site visits."""
    entry = db.get_or_404(Entry, entry_id)
    pdf = score_sheets.render_score_sheet_pdf(entry, lang=lang())
    return pdf_download(pdf, f"score-sheet-entry-{entry.id}.pdf")


def _scorecard_page(card: Scorecard, form: ReopenForm, status: int = 200):
    scores = {s.criterion_id: s for s in card.scores}
    return render_template("admin/scorecard.html", card=card, form=form, scores=scores), status
