"""Public pages: published results and certificate verification. They read snapshots only."""

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, url_for

from awards.extensions import db
from awards.forms import VerifyForm
from awards.models import Category, Edition, ResultSnapshot
from awards.permissions import public
from awards.services import certificates, results

bp = Blueprint("public", __name__)


@bp.get("/")
@public
def index():
    published = db.session.execute(
        db.select(ResultSnapshot).filter_by(superseded=False)
        .join(ResultSnapshot.category).join(ResultSnapshot.edition)
        .order_by(Edition.year.desc(), Category.position)
    ).scalars().all()
    return render_template("public/index.html", published=published, verify_form=VerifyForm())


@bp.get("/results/<edition_slug>/<category_code>")
@public
def category_results(edition_slug: str, category_code: str):
    category = db.first_or_404(
        db.select(Category).join(Category.edition).filter(Edition.slug == edition_slug, Category.code == category_code)
    )
    snapshot = results.current_snapshot(category)
    if snapshot is None:
        abort(404)
    return render_template("public/category_results.html", category=category, snapshot=snapshot,
                           standings=results.snapshot_standings(snapshot))


@bp.get("/verify")
@public
def verify_form():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("public.verify", serial=certificates.normalise_serial(form.serial.data)))
    return render_template("public/verify_form.html", form=form), (400 if request.args else 200)


@bp.get("/verify/<serial>")
@public
def verify(serial: str):
    cert = certificates.get_certificate(serial)
    if cert is None:
        return render_template("public/verify_not_found.html", serial=serial[:64], form=VerifyForm()), 404
    return render_template("public/verify.html", cert=cert, status=certificates.status(cert),
                           statements=[certificates.statement(cert, lang) for lang in ("sw", "en")])


@bp.get("/sw.js")
@public
def service_worker():
    """Served from the root so its scope covers the judging pages."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/healthz")
@public
def healthz():
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
