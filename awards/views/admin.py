"""The organiser's console (first cut): editions, categories, ranking preview and publication."""

from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role, Stage
from awards.extensions import db
from awards.forms import AuditFilterForm, CorrectionForm, PublishForm, ReopenForm
from awards.i18n import lang, stage_label
from awards.forms.auth import UserActionForm
from awards.models import Category, Edition, Entry, Scorecard, User
from awards.permissions import role_required
from awards.services import accounts, analysis, audit, editions, judging, results, score_sheets
from awards.services.reports import chart_svg
from awards.services.errors import DomainError
from awards.views._helpers import edition_or_404, pdf_download, refused, render_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@role_required(Role.ORGANISER)
def dashboard():
    return _dashboard()


def _dashboard(status: int = 200):
    all_editions = db.session.execute(db.select(Edition).order_by(Edition.year.desc())).scalars().all()
    published = results.published_category_ids(c.id for e in all_editions for c in e.categories)
    return render_template("admin/dashboard.html", editions=all_editions, published=published,
                           next_stages=editions.next_stages), status


@bp.post("/editions/<edition_slug>/stage")
@role_required(Role.ORGANISER)
def change_stage(edition_slug: str):
    edition = edition_or_404(edition_slug)
    try:
        target = Stage(request.form.get("stage", ""))
    except ValueError:
        flash(_("Choose a stage."), "error")
        return _dashboard(400)
    try:
        editions.change_stage(edition, target, actor=current_user)
    except DomainError as exc:
        return _dashboard(refused(exc))
    db.session.commit()
    flash(_("%(edition)s is now in the stage: %(stage)s.", edition=edition.slug, stage=stage_label(target)),
          "success")
    return redirect(url_for("admin.dashboard"))


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


@bp.post("/categories/<int:category_id>/correct")
@role_required(Role.ORGANISER)
def correct_category(category_id: int):
    category = db.get_or_404(Category, category_id)
    form = CorrectionForm()
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return render_template("admin/category_results.html", **_results_context(category, correction=form)), 400
    try:
        results.publish_category(category, actor=current_user, correction_reason=form.reason.data)
    except DomainError as exc:
        return render_error(exc, "admin/category_results.html", **_results_context(category, correction=form))
    db.session.commit()
    flash(_("Correction published. The earlier ranking and its certificates are marked superseded."), "success")
    return redirect(url_for("public.category_results", edition_slug=category.edition.slug,
                            category_code=category.code))


def _results_context(category: Category, form: PublishForm | None = None,
                     correction: CorrectionForm | None = None) -> dict:
    snapshot = results.current_snapshot(category)
    inputs = results.load_inputs(category)  # one load of the scorecards for the preview and the analysis
    preview = results.compute_results(category, inputs) if snapshot is None else results.snapshot_standings(snapshot)
    return {"category": category, "snapshot": snapshot, "form": form or PublishForm(), "preview": preview,
            "analysis": analysis.analyse_category(category, inputs),
            "reopened": judging.reopened_scorecards(category),
            "correction": correction or CorrectionForm(), "history": results.snapshots_of(category),
            "chart_svg": chart_svg(preview)}


AUDIT_PAGE = 100


@bp.get("/audit")
@role_required(Role.ORGANISER)
def audit_log():
    """The audit trail, newest first, with filters, and whether its hash chain holds."""
    form = AuditFilterForm(request.args)
    events, page, more = [], max(request.args.get("page", 1, type=int), 1), False
    if form.validate():
        query = audit.search(
            action=form.action.data or "", actor_email=form.actor.data or "", object_type=form.object_type.data or "",
            since=datetime.combine(form.since.data, time(), UTC) if form.since.data else None,
            until=datetime.combine(form.until.data + timedelta(days=1), time(), UTC) if form.until.data else None,
        )
        rows = db.session.execute(query.offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)).scalars().all()
        events, more = rows[:AUDIT_PAGE], len(rows) > AUDIT_PAGE
    status = 200 if not form.errors else 400
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/audit.html", form=form, events=events, page=page, more=more, args=args,
                           broken=audit.verify_chain()), status


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


@bp.post("/editions/<edition_slug>/public-places")
@role_required(Role.ORGANISER)
def set_public_places(edition_slug: str):
    """Whether the places after the podium are public ("all") or only the first three ("3")."""
    edition = edition_or_404(edition_slug)
    choice = {"all": None, "3": 3}
    if request.form.get("public_places") not in choice:
        flash(_("Choose whether all places are public or only the first three."), "error")
        return _dashboard(400)
    try:
        editions.set_public_places(edition, choice[request.form["public_places"]], current_user)
    except DomainError as exc:
        return _dashboard(refused(exc))
    db.session.commit()
    flash(_("Public places saved for %(edition)s.", edition=edition.slug), "success")
    return redirect(url_for("admin.dashboard"))


# User management: disable or enable accounts, issue password reset links (there is no mail server).

@bp.get("/users")
@role_required(Role.ORGANISER)
def users():
    return _users_page()


def _users_page(status: int = 200):
    return render_template("admin/users.html", users=accounts.list_users(), last_logins=accounts.last_logins(),
                           form=UserActionForm()), status


def _user_action(user_id: int, action):
    """Load the user, check the form's CSRF token, run the service, commit."""
    target = db.get_or_404(User, user_id)
    if not UserActionForm().validate_on_submit():
        return None, _users_page(400)
    try:
        result = action(target, actor=current_user._get_current_object())
    except DomainError as exc:
        return None, _users_page(refused(exc))
    db.session.commit()
    return (target, result), None


@bp.post("/users/<int:user_id>/disable")
@role_required(Role.ORGANISER)
def disable_user(user_id: int):
    done, failed = _user_action(user_id, accounts.disable_user)
    if failed:
        return failed
    flash(_("%(email)s is disabled and logged out everywhere.", email=done[0].email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/enable")
@role_required(Role.ORGANISER)
def enable_user(user_id: int):
    done, failed = _user_action(user_id, accounts.enable_user)
    if failed:
        return failed
    flash(_("%(email)s can log in again.", email=done[0].email), "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/reset-link")
@role_required(Role.ORGANISER)
def issue_reset_link(user_id: int):
    """Show a new single-use reset link once, for the organiser to pass on; only its hash is stored."""
    done, failed = _user_action(user_id, accounts.issue_reset_link)
    if failed:
        return failed
    target, token = done
    response = make_response(render_template(
        "admin/users_reset_link.html", user=target, hours=current_app.config["RESET_LINK_HOURS"],
        url=url_for("auth.reset_password", token=token, _external=True)))
    response.headers["Cache-Control"] = "no-store"
    return response
