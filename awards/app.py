"""The application factory: config, extensions, blueprints, CLI, errors. No I/O here."""

import os
from pathlib import Path

from flask import Flask, abort, has_request_context, request, session
from flask_login import current_user

from awards.config import DEV_SECRET_KEY, Defaults
from awards.extensions import babel, csrf, db, limiter, login_manager, migrate
from awards.permissions import declared_access

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


class InsecureConfig(RuntimeError):
    pass


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("AWARDS")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _configure_database(app)
    app.config["UPLOAD_DIR"] = app.config.get("UPLOAD_DIR") or os.path.join(app.instance_path, "uploads")
    _check_secret(app)

    register_extensions(app)
    register_blueprints(app)
    register_hooks(app)
    from awards.cli import awards_cli

    app.cli.add_command(awards_cli)
    return app


def _configure_database(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + os.path.join(app.instance_path, "tuzo.sqlite")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _check_secret(app: Flask) -> None:
    if app.debug or app.testing:
        return
    secret = app.config.get("SECRET_KEY")
    if not secret or secret == DEV_SECRET_KEY or len(str(secret)) < 32:
        raise InsecureConfig(
            "Set AWARDS_SECRET_KEY to a random value of at least 32 characters "
            "(python -c 'import secrets; print(secrets.token_hex(32))'), or run with --debug for development."
        )


def _select_locale():
    if not has_request_context():
        return "en"  # the CLI speaks English, like its --help
    langs = current_app_languages()
    if current_user and current_user.is_authenticated and current_user.locale in langs:
        return current_user.locale
    if session.get("lang") in langs:
        return session["lang"]
    return request.accept_languages.best_match(langs) or langs[0]


def current_app_languages():
    from flask import current_app

    return list(current_app.config["LANGUAGES"])


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)
    from awards.views.auth import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    _sqlite_pragmas(app)


def _sqlite_pragmas(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every SQLite test
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()


def register_blueprints(app: Flask) -> None:
    from awards.views import admin, auth, console, errors, exports, imports, institutions, judging, public, rubrics
    from awards.views import certificates_admin

    for module in (public, auth, judging, institutions, admin, console, imports, exports, rubrics,
                   certificates_admin, errors):
        app.register_blueprint(module.bp)


def register_hooks(app: Flask) -> None:
    from awards.i18n import lang, localized, method_label, stage_label

    @app.before_request
    def enforce_access():
        """Deny by default: an endpoint without @public or @role_required answers 404."""
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if declared_access(view) is None:
            abort(404)
        return None

    @app.context_processor
    def template_helpers():
        from awards.forms import LanguageForm, LogoutForm

        return {"localized": localized, "lang": lang, "language_form": LanguageForm,
                "logout_form": LogoutForm, "method_label": method_label, "stage_label": stage_label}

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        response.vary.add("Cookie")
        return response
