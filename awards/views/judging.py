"""The judge's workspace: assignments and the rubric scoring form."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.forms import make_scorecard_form, parse_autosave, scorecard_initial
from awards.permissions import role_required
from awards.services import judging
from awards.services.errors import DomainError, StaleVersion
from awards.i18n import lang
from awards.views._helpers import render_error

bp = Blueprint("judging", __name__, url_prefix="/judging")


@bp.get("/")
@role_required(Role.JUDGE)
def dashboard():
    assignments = judging.assignments_for_judge(current_user)
    return render_template("judging/dashboard.html", assignments=assignments)


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def score_entry(assignment_id: int):
    assignment = judging.assignment_for_judge_or_none(current_user, assignment_id)
    if assignment is None:
        abort(404)
    card = assignment.scorecard
    criteria = assignment.entry.category.criteria
    form = make_scorecard_form(criteria, lang=lang(), **scorecard_initial(card))
    context = {"assignment": assignment, "card": card, "form": form}
    if form.is_submitted():
        if not form.validate():
            flash(_("Some answers need fixing; see the messages below."), "error")
            return render_template("judging/score_entry.html", **context), 400
        try:
            judging.save_scorecard(
                assignment, scores=form.scores(), comments=form.comments(), comment=form.comment.data or "",
                version=form.version.data, submit=form.submit.data, actor=current_user,
            )
        except DomainError as exc:
            return render_error(exc, "judging/score_entry.html", **context)
        db.session.commit()
        flash(_("Scorecard submitted. Thank you.") if form.submit.data else _("Draft saved."), "success")
        return redirect(url_for("judging.score_entry", assignment_id=assignment.id))
    return render_template("judging/score_entry.html", **context)


@bp.post("/assignments/<int:assignment_id>/autosave")
@role_required(Role.JUDGE)
def autosave(assignment_id: int):
    """Save a draft sent as JSON by the scoring page (CSRF token in the X-CSRFToken header)."""
    assignment = judging.assignment_for_judge_or_none(current_user, assignment_id)
    if assignment is None:
        abort(404)
    try:
        values = parse_autosave(request.get_json(silent=True), assignment.entry.category.criteria)
        card = judging.save_scorecard(assignment, submit=False, actor=current_user, **values)
    except DomainError as exc:
        db.session.rollback()
        body = {"error": str(exc.message)}
        if isinstance(exc, StaleVersion) and assignment.scorecard is not None:
            # The stored draft, so the page can tell "my earlier save got through but its answer was
            # lost" (same content: adopt the version) from a real conflict (keep both, tell the judge).
            body["scorecard"] = judging.scorecard_data(assignment.scorecard)
        return jsonify(body), exc.status
    db.session.commit()
    return jsonify({"version": card.version, "status": card.status.value, "saved_at": card.updated_at.isoformat()})
