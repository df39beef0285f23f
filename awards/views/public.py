"""Public pages: published results and certificate verification. They read snapshots only."""

from flask import (Blueprint, abort, current_app, jsonify, make_response, redirect, render_template, request,
                   send_from_directory, session, url_for)
from flask_login import current_user
from markupsafe import Markup

from awards.cache import recent, shared_fragment
from awards.extensions import db, limiter
from awards.forms import VerifyForm
from awards.i18n import lang
from awards.models import Edition
from awards.permissions import public
from awards.services import certificates, public_results

bp = Blueprint("public", __name__)

# Certificate lookups share one budget per client address (config VERIFY_RATE_LIMIT), so the
# serial numbers cannot be guessed by brute force; a 429 page says when to try again.
_verify_limit = limiter.shared_limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify")


@bp.get("/")
@public
def index():
    overview = public_results.published_overview()
    tag = public_results.etag("index", lang(), _viewer(), *(
        (e.name_sw, e.name_en, c.name_sw, c.name_en, sha) for e, cats in overview for c, sha in cats))
    return _cached(tag, lambda: render_template("public/index.html", overview=overview, verify_form=VerifyForm()))


@bp.get("/results/<edition_slug>")
@public
def edition_results(edition_slug: str):
    edition = db.first_or_404(db.select(Edition).filter_by(slug=edition_slug))
    snapshots = public_results.edition_snapshots(edition)
    if not snapshots:
        abort(404)
    tag = public_results.etag("edition", edition.slug, edition.name_sw, edition.name_en, lang(),
                              edition.public_places, _viewer(),
                              *((s.sha256, s.category.name_sw, s.category.name_en) for s in snapshots.values()))

    def page():
        podiums = {cid: public_results.podium(s) for cid, s in snapshots.items()}
        return render_template("public/edition_results.html", edition=edition, snapshots=snapshots,
                               podiums=podiums)

    return _cached(tag, page)


@bp.get("/results/<edition_slug>/<category_code>")
@public
def category_results(edition_slug: str, category_code: str):
    key = _published_or_404(edition_slug, category_code)
    fragment_key = public_results.results_fragment_key(key, lang())
    # Everything the page shows (the publication, names, places shown, language) and who views it.
    tag = public_results.etag("ranking", fragment_key, _viewer())

    def page():
        category, snapshot = public_results.category_and_snapshot_of(key)
        # The results (ranking table and all) are most of the work and the same for every viewer of this
        # publication in this language: cached and shared across workers (awards.cache). For a
        # logged-in viewer the page around them (their name, form tokens) is rendered per request.
        content = shared_fragment(
            fragment_key,
            lambda: render_template("public/_category_results.html", category=category, snapshot=snapshot,
                                    ranking=public_results.public_ranking(snapshot, key.public_places)))
        return render_template("public/category_results.html", category=category,
                               content_html=Markup(content))  # nosec B704: our own autoescaped template's output

    return _cached(tag, page)


@bp.get("/results/<edition_slug>/<category_code>.csv")
@public
def category_results_csv(edition_slug: str, category_code: str):
    key = _published_or_404(edition_slug, category_code)

    def body():
        category, snapshot = public_results.category_and_snapshot_of(key)
        csv = public_results.open_data_csv(public_results.open_data(category, snapshot))
        return current_app.response_class(csv, mimetype="text/csv", headers={
            "Content-Disposition": f'inline; filename="{key.edition_slug}-{key.code}.csv"'})

    return _cached(public_results.etag("csv", key.sha256, key.public_places), body, open_data=True)


@bp.get("/results/<edition_slug>/<category_code>.json")
@public
def category_results_json(edition_slug: str, category_code: str):
    key = _published_or_404(edition_slug, category_code)
    return _cached(public_results.etag("json", key.sha256, key.public_places),
                   lambda: jsonify(public_results.open_data(*public_results.category_and_snapshot_of(key))),
                   open_data=True)


@bp.get("/openapi.json")
@public
def openapi():
    from awards.openapi import document

    response = jsonify(document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _published_or_404(edition_slug: str, category_code: str):
    """The category's ranking_key (what its published results depend on), or 404."""
    key = public_results.ranking_key(edition_slug, category_code)
    if key is None:
        abort(404)
    return key


def _viewer() -> str:
    """Pages show who is logged in, so each viewer has their own validator."""
    return current_user.get_id() if current_user.is_authenticated else ""


def _same_for_every_visitor() -> bool:
    """An anonymous visitor with nothing in the session but a chosen language, and no query string:
    their page holds nothing of their own (no name, no form token, no message), only the language."""
    return not current_user.is_authenticated and set(session) <= {"lang"} and not request.query_string


def _cached(tag: str, build, *, open_data: bool = False):
    """Answer 304 to a matching If-None-Match without building the body; otherwise build it and
    send the ETag. Anonymous pages and open data may be kept by shared caches for a minute;
    a logged-in viewer's page (their name, their form tokens) only by their own browser."""
    if tag in request.if_none_match:
        response = current_app.response_class(status=304)
    elif not open_data and _same_for_every_visitor():
        # The whole page, shared by every such visitor (awards.cache): no database work beyond the
        # lookup that made the tag, no template rendering. The tag names the publication, the
        # language and the places shown, so a correction is a new entry at once. A page asked for
        # again within a second comes from this process's memory, without a trip to Redis.
        key = f"page:{request.path}:{tag}"
        response = make_response(recent(key, lambda: shared_fragment(key, build)))
    else:
        response = make_response(build())
    # The headers as plain strings: these pages are the busiest of announcement day, and Werkzeug's
    # header objects (cache_control, vary) parse and rebuild the header on every access.
    response.headers["ETag"] = f'"{tag}"'
    shared = open_data or not current_user.is_authenticated
    response.headers["Cache-Control"] = f"{'public' if shared else 'private'}, max-age=60"
    # The open data is the same in every language.
    response.headers["Vary"] = "Cookie" if open_data else "Accept-Language, Cookie"
    if open_data:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/verify")
@public
@_verify_limit
def verify_form():
    form = VerifyForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("public.verify", serial=certificates.normalise_serial(form.serial.data)))
    return render_template("public/verify_form.html", form=form), (400 if request.args else 200)


@bp.get("/verify/<serial>")
@public
@_verify_limit
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
