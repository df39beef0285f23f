"""The organiser's console for running an edition: stages, judge assignment and progress."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import Role
from awards.extensions import db
from awards.models import Assignment, Category, Entry, User
from awards.permissions import role_required
from awards.services import assignment, judging, progress
from awards.services.errors import DomainError, InvalidInput
from awards.views._helpers import edition_or_404, refused
from awards.views.errors import MAX_ID

bp = Blueprint("console", __name__, url_prefix="/admin")


@bp.get("/editions/<edition_slug>/progress")
@role_required(Role.ORGANISER)
def progress_page(edition_slug: str):
    edition = edition_or_404(edition_slug)
    return render_template("admin/progress.html", edition=edition, report=progress.edition_progress(edition))


def _assignments_page(category: Category, status: int = 200):
    entries = assignment.entries_of(category)
    panel = assignment.judges()
    conflicts = {j.id: judging.conflicted_institution_ids(j, category.edition_id) for j in panel}
    rows = db.session.execute(
        db.select(Assignment).join(Assignment.entry).filter(Entry.category_id == category.id)
    ).scalars().all()
    on_entry: dict[int, list[Assignment]] = {}
    for row in rows:
        on_entry.setdefault(row.entry_id, []).append(row)
    return render_template(
        "admin/assignments.html", category=category, entries=entries, panel=panel, on_entry=on_entry,
        conflicts=conflicts, in_category=assignment.loads(category.edition_id, category.id),
        in_edition=assignment.loads(category.edition_id),
    ), status


@bp.get("/categories/<int:category_id>/assignments")
@role_required(Role.ORGANISER)
def assignments(category_id: int):
    return _assignments_page(db.get_or_404(Category, category_id))


@bp.post("/categories/<int:category_id>/assignments/auto")
@role_required(Role.ORGANISER)
def auto_assign(category_id: int):
    category = db.get_or_404(Category, category_id)
    try:
        plan = assignment.assign_automatically(category, judges_per_entry=request.form.get("judges_per_entry", 0, type=int),
                                               actor=current_user)
    except DomainError as exc:
        return _assignments_page(category, refused(exc))
    db.session.commit()
    flash(_("%(n)d assignments made.", n=len(plan.created)), "success")
    if plan.short:
        flash(_("%(n)d entries still lack judges: not enough judges without a conflict.", n=len(plan.short)), "error")
    return redirect(url_for("console.assignments", category_id=category.id))


@bp.post("/categories/<int:category_id>/assignments")
@role_required(Role.ORGANISER)
def add_assignment(category_id: int):
    category = db.get_or_404(Category, category_id)
    entry, judge = _sent_row(Entry, "entry_id"), _sent_row(User, "judge_id")
    try:
        if entry is None or entry.category_id != category.id or judge is None:
            raise InvalidInput(_("Choose an entry and a judge."))
        judging.assign_judge(judge, entry, actor=current_user)
    except DomainError as exc:
        return _assignments_page(category, refused(exc))
    db.session.commit()
    flash(_("%(judge)s now judges %(entry)s.", judge=judge.name, entry=entry.institution.name), "success")
    return redirect(url_for("console.assignments", category_id=category.id, _anchor=f"entry-{entry.id}"))


def _sent_row(model, field: str):
    """The row whose id the form sent, or None (also for an id no row can have, which the database
    would refuse with an error)."""
    number = request.form.get(field, 0, type=int)
    return db.session.get(model, number) if 0 < number <= MAX_ID else None


@bp.post("/assignments/<int:assignment_id>/delete")
@role_required(Role.ORGANISER)
def remove_assignment(assignment_id: int):
    row = db.get_or_404(Assignment, assignment_id)
    category = row.entry.category
    try:
        assignment.unassign(row, actor=current_user)
    except DomainError as exc:
        return _assignments_page(category, refused(exc))
    db.session.commit()
    flash(_("Assignment removed."), "success")
    return redirect(url_for("console.assignments", category_id=category.id))
