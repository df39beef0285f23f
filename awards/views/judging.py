"""The judge's workspace: assignments and the rubric scoring form."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role, Stage
from awards.extensions import db
from awards.forms import DeclareConflictForm, SignDeclarationForm, make_scorecard_form, parse_autosave, scorecard_initial
from awards.models import ConflictDeclaration, Evidence, Institution
from awards.permissions import role_required
from awards.services import declarations, editions, evidence, judging, score_sheets
from awards.i18n import lang
from awards.services.errors import DomainError, StaleVersion
from awards.views._helpers import edition_or_404, pdf_download, refused, render_error, send_evidence

bp = Blueprint("judging", __name__, url_prefix="/judging")


@bp.get("/")
@role_required(Role.JUDGE)
def dashboard():
    assignments = judging.assignments_for_judge(current_user)
    # The declaration is due for editions being judged, or where the judge already has entries.
    assigned = {a.entry.edition_id for a in assignments}
    states = [declarations.state(current_user, edition) for edition in editions.open_editions()
              if edition.id in assigned or edition.stage in (Stage.JUDGING, Stage.MODERATION)]
    return render_template("judging/dashboard.html", assignments=assignments, declarations=states)


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required(Role.JUDGE)
def score_entry(assignment_id: int):
    assignment = judging.assignment_for_judge_or_none(current_user, assignment_id)
    if assignment is None:
        abort(404)
    if request.method == "GET" and judging.signature_for(current_user, assignment.entry.edition_id) is None:
        flash(_("Before you score, declare your conflicts of interest and sign the declaration."), "info")
        return redirect(url_for("judging.declaration", edition_slug=assignment.entry.edition.slug))
    card = assignment.scorecard
    criteria = assignment.entry.category.criteria
    form = make_scorecard_form(criteria, lang=lang(), **scorecard_initial(card))
    context = {"assignment": assignment, "card": card, "form": form,
               "evidence": evidence.grouped(assignment.entry)}
    if form.is_submitted():
        if not form.validate():
            flash(_("Some answers need fixing; see the messages below."), "error")
            return render_template("judging/score_entry.html", **context), 400
        # Submitting is final, so it needs the tick; without it the typed scores are kept as the draft.
        unconfirmed = form.submit.data and not form.confirm.data
        try:
            card = judging.save_scorecard(
                assignment, scores=form.scores(), comments=form.comments(), comment=form.comment.data or "",
                version=form.version.data, submit=not unconfirmed and form.submit.data, actor=current_user,
            )
        except DomainError as exc:
            return render_error(exc, "judging/score_entry.html", **context)
        db.session.commit()
        if unconfirmed:
            form.confirm.errors = [_("Tick the box to confirm that you want to submit. Your scores were saved "
                                     "as a draft; nothing was submitted.")]
            form.version.data, form.version.raw_data = card.version, None  # the next post builds on the draft
            flash(_("Some answers need fixing; see the messages below."), "error")
            return render_template("judging/score_entry.html", **{**context, "card": card}), 400
        flash(_("Scorecard submitted. Thank you.") if form.submit.data else _("Draft saved."), "success")
        return redirect(url_for("judging.score_entry", assignment_id=assignment.id))
    return render_template("judging/score_entry.html", **context)


@bp.get("/assignments/<int:assignment_id>/evidence/<int:evidence_id>")
@role_required(Role.JUDGE)
def evidence_file(assignment_id: int, evidence_id: int):
    """A file of the entry's evidence, for the judge assigned to it (404 for anyone else)."""
    assignment = judging.assignment_for_judge_or_none(current_user, assignment_id)
    item = db.session.get(Evidence, evidence_id)
    if assignment is None or item is None or item.entry_id != assignment.entry_id or item.sha256 is None:
        abort(404)
    return send_evidence(item, download=request.args.get("download") == "1")


@bp.post("/assignments/<int:assignment_id>/autosave")
@role_required(Role.JUDGE)
def autosave(assignment_id: int):
    """Save a draft sent as JSON by the scoring page (CSRF token in the X-CSRFToken header)."""
    assignment = judging.assignment_for_judge_or_none(current_user, assignment_id)
    if assignment is None:
        abort(404)
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting: not a draft the page sent
        payload = None
    try:
        values = parse_autosave(payload, assignment.entry.category.criteria)
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


def _declaration_page(edition, conflict_form=None, sign_form=None, status: int = 200):
    conflict_form = conflict_form or DeclareConflictForm()
    conflict_form.set_institutions(declarations.declarable_institutions(current_user, edition))
    return render_template(
        "judging/declaration.html", state=declarations.state(current_user, edition),
        conflict_form=conflict_form, sign_form=sign_form or SignDeclarationForm(),
    ), status


@bp.get("/declarations/<edition_slug>")
@role_required(Role.JUDGE)
def declaration(edition_slug: str):
    return _declaration_page(edition_or_404(edition_slug))


@bp.post("/declarations/<edition_slug>/conflicts")
@role_required(Role.JUDGE)
def declare_conflict(edition_slug: str):
    edition = edition_or_404(edition_slug)
    form = DeclareConflictForm().set_institutions(declarations.declarable_institutions(current_user, edition))
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _declaration_page(edition, conflict_form=form, status=400)
    institution = db.session.get(Institution, form.institution.data)
    try:
        declarations.declare_conflict(current_user, edition, institution, form.reason.data)
    except DomainError as exc:
        return _declaration_page(edition, conflict_form=form, status=refused(exc))
    db.session.commit()
    flash(_("Conflict of interest recorded. You will not see or score this institution's entries."), "success")
    return redirect(url_for("judging.declaration", edition_slug=edition.slug))


@bp.post("/conflicts/<int:declaration_id>/withdraw")
@role_required(Role.JUDGE)
def withdraw_conflict(declaration_id: int):
    declared = db.session.get(ConflictDeclaration, declaration_id)
    if declared is None or declared.judge_id != current_user.id:
        abort(404)
    edition = declared.edition
    try:
        declarations.withdraw_conflict(declared, actor=current_user)
    except DomainError as exc:
        return _declaration_page(edition, status=refused(exc))
    db.session.commit()
    flash(_("The declared conflict was withdrawn."), "success")
    return redirect(url_for("judging.declaration", edition_slug=edition.slug))


@bp.post("/declarations/<edition_slug>/sign")
@role_required(Role.JUDGE)
def sign_declaration(edition_slug: str):
    edition = edition_or_404(edition_slug)
    form = SignDeclarationForm()
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _declaration_page(edition, sign_form=form, status=400)
    try:
        declarations.sign(current_user, edition, signed_name=form.signed_name.data, confirmed=form.confirmed.data)
    except DomainError as exc:
        return _declaration_page(edition, sign_form=form, status=refused(exc))
    db.session.commit()
    flash(_("Declaration signed. You can now score your assigned entries."), "success")
    return redirect(url_for("judging.dashboard"))


@bp.get("/assignments/<int:assignment_id>/score-sheet.pdf")
@role_required(Role.JUDGE)
def score_sheet(assignment_id: int):
    """The entry's rubric on paper for a site visit: blank, or with the judge's own scorecard (?filled=1)."""
    assignment = judging.assignment_for_judge_or_none(current_user, assignment_id)
    if assignment is None:
        abort(404)
    card = assignment.scorecard if request.args.get("filled") == "1" else None
    pdf = score_sheets.render_score_sheet_pdf(assignment.entry, card=card, judge=current_user, lang=lang())
    return pdf_download(pdf, f"score-sheet-{assignment.id}.pdf")
