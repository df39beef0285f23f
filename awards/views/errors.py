"""Error pages in the user's language. Bad input is a 4xx with a message, never a 500."""

import math
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_babel import format_decimal, format_timedelta
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from awards.extensions import db, limiter
from awards.forms import LanguageForm, LogoutForm
from awards.services.errors import DomainError

bp = Blueprint("errors", __name__)


def _messages():
    return {
        400: _("The request could not be understood. Check what you entered and try again."),
        403: _("You do not have access to this page."),
        404: _("We could not find that page."),
        405: _("That action is not allowed here."),
        409: _("This was changed by someone else. Reload the page and try again."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Wait a moment and try again."),
        500: _("Something went wrong on our side. Your last change was not saved; please try again."),
    }


def _render(code: int, message: str | None = None):
    # The page's own forms (language, log out) would fill themselves from the request's body; a body
    # that is too large, malformed or of the wrong shape must not be read again to show its error.
    unbound = {name: partial(form, formdata=None)
               for name, form in (("language_form", LanguageForm), ("logout_form", LogoutForm))}
    return render_template("errors/error.html", code=code,
                           message=message or _messages().get(code, _messages()[400]), **unbound), code


# The largest id a row can have (a 32-bit signed INTEGER column on PostgreSQL).
MAX_ID = 2**31 - 1
# The endpoints that read a JSON body themselves (and answer its errors in JSON). Every other
# endpoint takes form data: Flask-WTF would read a JSON body as the form's fields, and fail with a
# 500 on an array, a string, a malformed body or an infinite number.
READS_JSON = {"judging.autosave"}


def _has_nul(value) -> bool:
    """A NUL character: never in real text, and PostgreSQL refuses it in any text column."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


@bp.app_url_value_preprocessor
def url_values_in_range(endpoint, values):
    """An <int:...> id that no row can have, or a NUL in a URL, is a 404 before any view sends it
    to the database (where it would overflow the column type, or be refused, with a 500)."""
    if values and any(isinstance(v, int) and not 0 < v <= MAX_ID or _has_nul(v) for v in values.values()):
        abort(404)


@bp.before_app_request
def readable_input():
    """Bodies and query strings the views can read: form data (JSON only where READS_JSON) without NULs."""
    body = request.method not in ("GET", "HEAD", "OPTIONS")
    if body and request.is_json and request.endpoint not in READS_JSON:
        abort(400)
    sent = [request.args.to_dict(flat=False)]
    if body and request.is_json:
        try:
            sent.append(request.get_json(silent=True))
        except RecursionError:
            pass  # absurdly nested: the view refuses it
    elif body:
        sent += [request.form.to_dict(flat=False), [f.filename or "" for f in request.files.values()]]
    if _has_nul(sent):
        if request.is_json:
            return {"error": _messages()[400]}, 400
        abort(400)


@bp.app_errorhandler(CSRFError)
def csrf_error(exc):
    db.session.rollback()
    message = _("Your form has expired or was not sent from this site. Go back, reload the page and try again.")
    if request.is_json:
        return {"error": message}, 400
    return _render(400, message)


@bp.app_errorhandler(DomainError)
def domain_error(exc):
    db.session.rollback()
    return _render(exc.status, str(exc.message))


def seconds_to_retry(exc: RateLimitExceeded) -> int:
    """When the limit lets the client in again: at least a second, never longer than its window."""
    window = exc.limit.limit.get_expiry()
    current = limiter.current_limit
    wait = math.ceil(current.reset_at - time.time()) if current is not None else window
    return min(max(1, int(wait)), window)


def too_many_requests(message_for: Callable[[str], str], wait: int):
    """A 429 that says when to try again, in words (``message_for(time)``) and in Retry-After."""
    message = message_for(format_timedelta(timedelta(seconds=wait), granularity="second"))
    if request.accept_mimetypes.best == "application/json":
        response = make_response({"error": message}, 429)
    else:
        response = make_response(_render(429, message))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.app_errorhandler(RateLimitExceeded)
def rate_limited(exc):
    """Too many certificate lookups from one address (logins have their own handler in views.auth)."""
    db.session.rollback()
    return too_many_requests(
        lambda when: _("Too many certificate checks from your connection. Try again in %(time)s.", time=when),
        seconds_to_retry(exc))


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(exc):
    """A body over MAX_CONTENT_LENGTH: say the limit, as JSON to the autosave and as a page to a form."""
    db.session.rollback()
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    if limit >= 1024 * 1024:
        size = _("%(number)s MB", number=format_decimal(round(limit / (1024 * 1024), 1)))
    else:
        size = _("%(number)s KB", number=format_decimal(max(1, round(limit / 1024))))
    message = _("What you sent is too large: the limit is %(size)s. Send less, or a smaller file.", size=size)
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return {"error": message}, 413
    return _render(413, message)


@bp.app_errorhandler(HTTPException)
def http_error(exc):
    db.session.rollback()
    if exc.code is None or exc.code < 400:
        return exc
    if request.accept_mimetypes.best == "application/json":
        return {"error": _messages().get(exc.code, exc.description)}, exc.code
    return _render(exc.code)


@bp.app_errorhandler(500)
def server_error(exc):
    db.session.rollback()
    return _render(500)
