from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from awards.enums import Role
from awards.extensions import db
from awards.forms import LanguageForm, LoginForm, LogoutForm
from awards.permissions import login_required_any, public
from awards.services import accounts
from awards.services.errors import InvalidCredentials
from awards.views._helpers import render_error

bp = Blueprint("auth", __name__)

HOME_FOR = {Role.ORGANISER: "admin.dashboard", Role.JUDGE: "judging.dashboard",
            Role.INSTITUTION: "institutions.dashboard"}


def safe_next(target: str | None) -> str | None:
    # Only same-site relative paths: never redirect to another host after login.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except InvalidCredentials as exc:
            return render_error(exc, "auth/login.html", form=form)
        session.clear()  # a new session on login
        login_user(user)
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
def set_language():
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("public.index")
    if not form.validate_on_submit():
        flash(_("Unknown language."), "error")
        return redirect(target), 303
    session["lang"] = form.lang.data
    if current_user.is_authenticated:
        accounts.set_locale(current_user._get_current_object(), form.lang.data)
        db.session.commit()
    return redirect(target)


def load_user(user_id: str):
    from awards.models import User

    ident, _, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
