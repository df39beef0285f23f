import hashlib

from flask import Blueprint, current_app, flash, jsonify, make_response, redirect, render_template, request, session
from flask import url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from limits import RateLimitItemPerSecond

from awards.enums import Role
from awards.extensions import csrf, db, limiter
from awards.forms import LanguageForm, LoginForm, LogoutForm
from awards.forms.auth import ResetPasswordForm
from awards.permissions import login_required_any, public
from awards.services import accounts
from awards.services.errors import DomainError, InvalidCredentials
from awards.views._helpers import render_error
from awards.views.errors import seconds_to_retry, too_many_requests

bp = Blueprint("auth", __name__)


def _typed_email() -> str:
    return request.form.get("email", "")[:accounts.MAX_AUDITED_EMAIL]


def _account_key() -> str:
    # Per account: the normalised email typed, hashed so the limiter's storage holds no addresses.
    return hashlib.sha256(accounts.normalise_email(_typed_email()).encode()).hexdigest()


# Login attempts (POST only) per client address and per account, LOGIN_RATE_LIMIT each.
_login_limit_per_address = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"],
                                                scope="login-address", key_func=get_remote_address, methods=["POST"])
_login_limit_per_account = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"],
                                                scope="login-account", key_func=_account_key, methods=["POST"])


@bp.errorhandler(RateLimitExceeded)
def login_throttled(exc):
    """Too many login attempts: say when to try again (in words and Retry-After); audit once per window."""
    db.session.rollback()
    once = RateLimitItemPerSecond(1, exc.limit.limit.get_expiry())
    if limiter.limiter.hit(once, current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "login-throttled-audit",
                           exc.limit.scope, exc.limit.key_func()):
        accounts.login_throttled(_typed_email(), exc.limit.scope)
        db.session.commit()
    return too_many_requests(lambda when: _("Too many login attempts. Try again in %(time)s.", time=when),
                             seconds_to_retry(exc))


def start_session() -> None:
    """Stamp a new login: the idle and absolute timeouts count from here."""
    moment = int(accounts.now().timestamp())
    session["login_at"] = session["seen_at"] = moment


def touch_session() -> bool:
    """False if the session has been idle too long or is too old; otherwise note this request."""
    moment = int(accounts.now().timestamp())
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return False  # a session from before timeouts existed, or tampered with
    config = current_app.config
    if (moment - seen_at > config["SESSION_IDLE_MINUTES"] * 60
            or moment - login_at > config["SESSION_ABSOLUTE_HOURS"] * 3600):
        return False
    if moment - seen_at >= 60:  # at most one new cookie a minute just for this
        session["seen_at"] = moment
    return True


def session_expired_response():
    """Log out (nothing changes on the server) and say so: 401 JSON for scripts, else back to login."""
    logout_user()
    session.clear()
    message = _("Your session has ended; log in again.")
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), 401
    flash(message, "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))

HOME_FOR = {Role.ORGANISER: "admin.dashboard", Role.JUDGE: "judging.dashboard",
            Role.INSTITUTION: "institutions.dashboard"}


def safe_next(target: str | None) -> str | None:
    # Only same-site relative paths: never redirect to another host after login.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
@_login_limit_per_address
@_login_limit_per_account
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except InvalidCredentials as exc:
            db.session.commit()  # the refusal stays in the audit trail
            return render_error(exc, "auth/login.html", form=form)
        session.clear()  # a new session on login
        login_user(user)
        start_session()
        db.session.commit()
        return redirect(safe_next(request.args.get("next")) or url_for(HOME_FOR[user.role]))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required_any
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("public.index"))
    accounts.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("public.index"))


@bp.post("/language")
@public
@csrf.exempt  # the form checks the token itself when there is one (forms.auth.LanguageForm)
def set_language():
    form = LanguageForm()  # checks a CSRF token when the user is logged in (see the form)
    target = safe_next(form.next.data) or url_for("public.index")
    if not form.validate_on_submit():
        flash(_("Unknown language."), "error")
        return redirect(target), 303
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        accounts.set_locale(current_user._get_current_object(), form.lang.data)
        db.session.commit()
    return redirect(target)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Set a new password through a link an organiser issued (single use, RESET_LINK_HOURS)."""
    try:
        link = accounts.reset_link(token)
    except DomainError as exc:
        return _no_store(make_response(render_template("errors/error.html", code=exc.status,
                                                       message=str(exc.message)), exc.status))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except DomainError as exc:
            return _no_store(make_response(render_error(exc, "auth/reset_password.html", form=form, link=link)))
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Your new password is set. Log in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return _no_store(make_response(render_template("auth/reset_password.html", form=form, link=link), status))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"  # the page's address is the secret
    return response


def load_user(user_id: str):
    from awards.models import User

    ident, _, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
