"""The application factory: config, extensions, blueprints, CLI, errors. No I/O here."""

import functools
import os
from pathlib import Path

from babel import Locale
from flask import Flask, abort, has_request_context, request, session
from flask_login import current_user

from awards.cache import init_cache
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
    _configure_security(app)
    app.config["UPLOAD_DIR"] = app.config.get("UPLOAD_DIR") or os.path.join(app.instance_path, "uploads")
    _check_secret(app)

    register_extensions(app)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx: trust one proxy's X-Forwarded-For (client address, rate limits) and -Proto (HTTPS).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
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


def _configure_security(app: Flask) -> None:
    # One Redis for everything: the rate limiter uses AWARDS_REDIS_URL unless given its own storage.
    if app.config.get("REDIS_URL") and app.config.get("RATELIMIT_STORAGE_URI", "memory://") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    if app.config.get("HTTPS"):
        # "__Host-" cookies are only accepted when Secure, for the whole site (Path=/) and without Domain.
        app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-tuzo", SESSION_COOKIE_PATH="/",
                          SESSION_COOKIE_DOMAIN=None, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")


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
    return _parsed_locale(_select_language())


@functools.lru_cache(maxsize=8)
def _parsed_locale(language: str) -> Locale:
    """Flask-Babel parses a language code into a Locale on every request unless given one."""
    return Locale.parse(language)


def _select_language() -> str:
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
    init_cache(app)
    from awards.views.auth import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    _sqlite_pragmas(app)


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite: WAL, foreign keys, a busy timeout, and the write lock taken before a transaction reads.

    A deferred transaction that reads and then writes cannot upgrade its read snapshot when another
    connection has written meanwhile: SQLite answers SQLITE_BUSY at once ("database is locked"),
    whatever busy_timeout says. So, following SQLAlchemy's pysqlite recipe ("Serializable isolation /
    Savepoints / Transactional DDL"), pysqlite's own transaction handling is switched off and the
    engine emits BEGIN itself:

    - requests that may write (not GET/HEAD/OPTIONS): BEGIN IMMEDIATE, which waits (up to
      busy_timeout) for the write lock before the first read, so their reads and writes are one
      serialisable unit;
    - GET/HEAD/OPTIONS: a plain deferred BEGIN, so read-heavy pages are not serialised;
    - no request (the CLI, scripts, the test suite's own session): BEGIN IMMEDIATE just before the
      first statement that writes; reads before it run on their own, as pysqlite always did. A
      command that only reads never holds the write lock, so it never blocks the server.

    Listeners go on this app's engines only (never the global Engine class), once per engine.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engines = list(db.engines.values())  # created by init_app; nothing is connected here
    for engine in engines:
        if engine.dialect.name != "sqlite" or engine.dialect.driver != "pysqlite":
            continue
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine, "before_cursor_execute", _sqlite_before_write)


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SQLITE_NOT_WRITES = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN")


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT from pysqlite: the engine emits them
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(conn) -> None:
    # Straight to the driver, like pysqlite's own BEGIN: statement listeners (query counts) never see it.
    if has_request_context():
        begin = "BEGIN" if request.method in READ_ONLY_METHODS else "BEGIN IMMEDIATE"
        conn.connection.driver_connection.execute(begin)
    # Outside a request the transaction starts at its first write: _sqlite_before_write.


def _sqlite_before_write(conn, cursor, statement, _parameters, _context, _executemany) -> None:
    if (conn.in_transaction() and not conn.connection.dbapi_connection.in_transaction
            and not statement.lstrip().upper().startswith(_SQLITE_NOT_WRITES)):
        cursor.execute("BEGIN IMMEDIATE")


def register_blueprints(app: Flask) -> None:
    from awards.views import admin, auth, console, errors, exports, imports, institutions, judging, public, rubrics
    from awards.views import certificates_admin

    for module in (public, auth, judging, institutions, admin, console, imports, exports, rubrics,
                   certificates_admin, errors):
        app.register_blueprint(module.bp)


def register_hooks(app: Flask) -> None:
    from awards.i18n import lang, localized, method_label, stage_label, template_filters

    app.jinja_env.filters.update(template_filters())  # |day, |moment, |number, |score, |filesize

    @app.before_request
    def enforce_access():
        """Deny by default: an endpoint without @public or @role_required answers 404."""
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if declared_access(view) is None:
            abort(404)
        return None

    @app.before_request
    def end_expired_session():
        """Idle and absolute session timeouts (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS)."""
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        from awards.views.auth import session_expired_response, touch_session

        return session_expired_response() if not touch_session() else None

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
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            "form-action 'self'",
        )
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.vary.add("Cookie")
        return response
