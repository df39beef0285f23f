"""Error pages in the user's language. Bad input is a 4xx with a message, never a 500."""

import math
import time
from datetime import timedelta

from flask import Blueprint, make_response, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from awards.extensions import db, limiter
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
    return render_template("errors/error.html", code=code,
                           message=message or _messages().get(code, _messages()[400])), code


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


@bp.app_errorhandler(RateLimitExceeded)
def rate_limited(exc):
    """Too many certificate lookups from one address: say when to try again, in words and in Retry-After."""
    db.session.rollback()
    current = limiter.current_limit
    wait = math.ceil(current.reset_at - time.time()) if current is not None else exc.limit.limit.get_expiry()
    wait = min(max(1, int(wait)), exc.limit.limit.get_expiry())  # never longer than the window
    message = _("Too many certificate checks from your connection. Try again in %(time)s.",
                time=format_timedelta(timedelta(seconds=wait), granularity="second"))
    if request.accept_mimetypes.best == "application/json":
        response = make_response({"error": message}, 429)
    else:
        response = make_response(_render(429, message))
    response.headers["Retry-After"] = str(wait)
    return response


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
