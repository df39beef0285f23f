"""The institution's pages: entering categories, writing entries, evidence, receipts, certificates.

Entry pages answer 404 to anyone whose entry it is not (another institution, any judge), so
that entries do not leak; the secretariat sees them all.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from awards.enums import EntryStatus, Role
from awards.extensions import db
from awards.forms import NewEntryForm, make_entry_form, parse_evidence
from awards.i18n import lang
from awards.models import Criterion, Evidence
from awards.permissions import role_required
from awards.services import certificates, editions, evidence, institutions, receipts, results
from awards.services import feedback as feedback_reports
from awards.services.errors import DomainError
from awards.views._helpers import edition_or_404, pdf_download, refused, render_error, send_evidence

bp = Blueprint("institutions", __name__, url_prefix="/institution")


@bp.get("/")
@role_required(Role.INSTITUTION)
def dashboard():
    institution = current_user.institution
    entries = institutions.entries_for_institution(institution.id)
    openings = [(edition, institutions.categories_open_to(institution, edition))
                for edition in editions.open_editions() if institutions.submissions_open(edition)]
    published = results.published_category_ids(e.category_id for e in entries)
    return render_template(
        "institutions/dashboard.html", entries=entries, openings=openings, published=published,
        certs=certificates.certificates_for_institution(institution.id),
    )


def _entry_or_404(entry_id: int):
    entry = institutions.entry_for(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


def _entry_page(entry, form=None, status: int = 200):
    return render_template(
        "institutions/entry.html", entry=entry, form=form or make_entry_form(entry), groups=evidence.grouped(entry),
        open=institutions.submissions_open(entry.edition), word_limit=institutions.word_limit,
        count_words=institutions.count_words,
    ), status


def _back_to(entry):
    return redirect(url_for("institutions.entry", entry_id=entry.id))


@bp.route("/editions/<edition_slug>/entries/new", methods=["GET", "POST"])
@role_required(Role.INSTITUTION)
def new_entry(edition_slug: str):
    edition = edition_or_404(edition_slug)
    institution = current_user.institution
    choices = institutions.categories_open_to(institution, edition)
    form = NewEntryForm(category=request.args.get("category", type=int)).set_categories(choices)
    context = {"edition": edition, "form": form, "open": institutions.submissions_open(edition)}
    if form.is_submitted():
        if not form.validate():
            flash(_("Some answers need fixing; see the messages below."), "error")
            return render_template("institutions/new_entry.html", **context), 400
        category = next(c for c in choices if c.id == form.category.data)
        try:
            entry = institutions.create_entry(
                institution, category, title=form.title.data, summary=form.summary.data or "",
                innovation_name=form.innovation_name.data, actor=current_user,
            )
        except DomainError as exc:
            return render_error(exc, "institutions/new_entry.html", **context)
        db.session.commit()
        flash(_("Entry created as a draft. Write about each criterion and add your evidence, then submit."),
              "success")
        return _back_to(entry)
    return render_template("institutions/new_entry.html", **context)


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def entry(entry_id: int):
    entry = _entry_or_404(entry_id)
    form = make_entry_form(entry)
    if not form.is_submitted():
        return _entry_page(entry, form)
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _entry_page(entry, form, status=400)
    try:
        _save_texts(entry, form)
    except DomainError as exc:
        return _entry_page(entry, form, status=refused(exc))
    db.session.commit()
    flash(_("Entry saved."), "success")
    return _back_to(entry)


@bp.post("/entries/<int:entry_id>/evidence")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def add_evidence(entry_id: int):
    """Add a file or link for a criterion (or the whole entry), saving the texts sent with it."""
    entry = _entry_or_404(entry_id)
    form = make_entry_form(entry)
    try:
        wanted = parse_evidence(request.form, request.files)
    except DomainError as exc:
        return _entry_page(entry, form, status=refused(exc))
    criterion = None
    if wanted.criterion_id is not None:
        criterion = db.session.get(Criterion, wanted.criterion_id)
        if criterion is None or criterion.category_id != entry.category_id:
            abort(404)
    if not form.validate():
        flash(_("Some answers need fixing; see the messages below."), "error")
        return _entry_page(entry, form, status=400)
    common = {"actor": current_user, "criterion": criterion, "privacy_confirmed": wanted.privacy_confirmed}
    try:
        if entry.status is EntryStatus.DRAFT:
            _save_texts(entry, form)
        if wanted.upload is not None:
            evidence.add_file(entry, stream=wanted.upload.stream, filename=wanted.upload.filename, **common)
        if wanted.url:
            evidence.add_link(entry, url=wanted.url, text=wanted.text, **common)
    except DomainError as exc:
        # Nothing is kept, but the page comes back with everything typed, to fix and send again.
        return _entry_page(entry, form, status=refused(exc))
    db.session.commit()
    flash(_("Evidence added."), "success")
    return redirect(url_for("institutions.entry", entry_id=entry.id,
                            _anchor=f"criterion-{criterion.id}" if criterion else "evidence"))


def _save_texts(entry, form) -> None:
    institutions.update_entry(entry, title=form.title.data, summary=form.summary.data or "",
                              innovation_name=form.innovation_name.data, narratives=form.narratives(),
                              actor=current_user)


@bp.post("/entries/<int:entry_id>/evidence/<int:evidence_id>/delete")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def delete_evidence(entry_id: int, evidence_id: int):
    entry = _entry_or_404(entry_id)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.entry_id != entry.id:
        abort(404)
    try:
        evidence.delete(item, actor=current_user)
    except DomainError as exc:
        return _entry_page(entry, status=refused(exc))
    db.session.commit()
    flash(_("Evidence removed."), "success")
    return _back_to(entry)


@bp.get("/entries/<int:entry_id>/evidence/<int:evidence_id>")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def evidence_file(entry_id: int, evidence_id: int):
    entry = _entry_or_404(entry_id)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.entry_id != entry.id or item.sha256 is None:
        abort(404)
    return send_evidence(item, download=request.args.get("download") == "1")


def _entry_action(entry_id: int, action, message: str):
    entry = _entry_or_404(entry_id)
    try:
        action(entry, actor=current_user)
    except DomainError as exc:
        return _entry_page(entry, status=refused(exc))
    db.session.commit()
    flash(message, "success")
    return _back_to(entry)


@bp.post("/entries/<int:entry_id>/submit")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def submit_entry(entry_id: int):
    return _entry_action(entry_id, institutions.submit_entry,
                         _("Entry submitted. Download your receipt below and keep it."))


@bp.post("/entries/<int:entry_id>/return-to-draft")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def return_to_draft(entry_id: int):
    return _entry_action(entry_id, institutions.return_to_draft,
                         _("The entry is a draft again. Submit it again before the deadline."))


@bp.post("/entries/<int:entry_id>/withdraw")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def withdraw_entry(entry_id: int):
    return _entry_action(entry_id, institutions.withdraw_entry,
                         _("The entry was withdrawn. You can enter this category again before the deadline."))


@bp.get("/entries/<int:entry_id>/receipt.pdf")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def receipt(entry_id: int):
    entry = _entry_or_404(entry_id)
    if entry.status is not EntryStatus.SUBMITTED:
        abort(404)
    return pdf_download(receipts.render_receipt_pdf(entry, lang()), f"receipt-entry-{entry.id}.pdf")


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


@bp.get("/entries/<int:entry_id>/feedback")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def feedback(entry_id: int):
    """The entry's feedback report once its category is published; before that, a plain "not yet"."""
    entry = _entry_or_404(entry_id)
    report = feedback_reports.feedback_for(entry, lang())
    published = report is not None or results.is_published(entry.category)
    return render_template("institutions/feedback.html", entry=entry, report=report, published=published)


@bp.get("/entries/<int:entry_id>/feedback.pdf")
@role_required(Role.INSTITUTION, Role.ORGANISER, Role.JUDGE)
def feedback_pdf(entry_id: int):
    entry = _entry_or_404(entry_id)
    report = feedback_reports.feedback_for(entry, lang())
    if report is None:
        abort(404)
    return pdf_download(feedback_reports.render_feedback_pdf(report), f"feedback-{entry.id}.pdf")
