"""Fixtures in the shape of flaskr's tests: app, client, runner, plus a database and the demo.

The schema is built once per run by the real Alembic migrations. Each test then starts
from empty tables. The demo is loaded through the services once per run and restored from a
copy of its rows for each later test that asks for it. AWARDS_TEST_DATABASE_URL runs the suite
on PostgreSQL (CI does).
"""

import atexit
import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import Integer, text

from awards import create_app
from awards.extensions import db
from awards.models import User

DEMO_PASSWORD = "tuzo-demo-2026"
PG_URL = os.environ.get("AWARDS_TEST_DATABASE_URL")


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Compile the catalogs as `make` does, so running pytest directly sees the current .po files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parents[1] / "awards" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src, mo.open("wb") as dst:
                write_mo(dst, read_po(src))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if PG_URL:
        return PG_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "tuzo-test.sqlite")


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(_config(database_url))
    with app.app_context():
        if PG_URL:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return database_url


# Evidence files for the whole run (content-addressed, so tests never collide), removed at exit.
UPLOAD_DIR = tempfile.mkdtemp(prefix="tuzo-test-uploads-")
atexit.register(shutil.rmtree, UPLOAD_DIR, ignore_errors=True)


def _config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-for-the-suite-only-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        # Fast hashing in tests; the production default is checked in tests/test_config.py.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "tuzo.test",
        "UPLOAD_DIR": UPLOAD_DIR,
        # The suite looks certificates up often; tests/views/test_public.py checks a tiny limit.
        "VERIFY_RATE_LIMIT": "1000 per minute",
        # Many logins per test; tests/trust/test_auth_rate_limit.py checks the real limit.
        "LOGIN_RATE_LIMIT": "1000 per second",
        # Tests publish and look at once; tests/views/test_public_cache.py checks the production memo.
        "PUBLIC_LOOKUP_SECONDS": 0,
    }


@pytest.fixture
def app(_schema):
    app = create_app(_config(_schema))
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        _empty_tables()
        # Prepared certificates belong to the rows just deleted (evidence files are content-addressed).
        shutil.rmtree(Path(UPLOAD_DIR) / "certificates", ignore_errors=True)
        db.engine.dispose()


@contextlib.contextmanager
def audit_guard_lifted(conn):
    """Lift the database's append-only guard on audit_events for this connection's transaction,
    as only someone with the database owner's rights can (tests: emptying tables, tampering)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # triggers do not fire
        yield
        return
    # pysqlite (legacy transaction control) opens a transaction only before DML, so a DROP TRIGGER
    # sent first would commit on its own and a rollback could lose the triggers: start one first.
    conn.execute(text("DELETE FROM audit_events WHERE 0"))
    triggers = conn.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")).all()
    for name, _sql in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        conn.execute(text(sql))


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn, audit_guard_lifted(conn):
        if PG_URL:
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    The test holds an app context for its own queries; without this, requests would share
    its `g` (Flask-WTF caches the CSRF token there) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo edition (psw-2026), loaded through the services like `awards demo` does.

    The first test of the run loads it; later tests get the same rows back (`_DemoCopy`),
    since loading it through the services costs seconds and restoring a copy milliseconds.
    """
    from awards import seeding
    from awards.models import Edition

    global _demo_copy
    empty = _DemoCopy.tables_empty()  # else a fixture added rows first: load it for real
    if empty and _demo_copy is not None:
        return db.session.get(Edition, _demo_copy.restore())
    edition, _ = seeding.load_demo()
    db.session.commit()
    if empty:
        _demo_copy = _DemoCopy.take(edition.id)
    return edition


class _DemoCopy:
    """Every table's rows right after the demo was loaded into empty tables, and its evidence files.

    Restoring inserts the same rows with the same ids (the audit chain and the published snapshot's
    hashes stay valid), moves PostgreSQL's id sequences past them, and puts back any evidence file
    a test deleted.
    """

    def __init__(self, edition_id: int, rows: dict, files: dict[str, bytes]):
        self.edition_id, self.rows, self.files = edition_id, rows, files

    @staticmethod
    def tables_empty() -> bool:
        with db.engine.connect() as conn:
            return not any(conn.execute(db.select(t).limit(1)).first() for t in db.metadata.sorted_tables)

    @classmethod
    def take(cls, edition_id: int) -> "_DemoCopy":
        from awards.models import Evidence
        from awards.services.evidence import file_store

        with db.engine.connect() as conn:
            rows = {t: [dict(r) for r in conn.execute(db.select(t)).mappings()] for t in db.metadata.sorted_tables}
        store = file_store()
        shas = db.session.execute(db.select(Evidence.sha256).where(Evidence.sha256.is_not(None))).scalars()
        files = {sha: store.path(sha).read_bytes() for sha in set(shas)}
        return cls(edition_id, rows, files)

    def restore(self) -> int:
        from awards.services.evidence import file_store

        with db.engine.begin() as conn:
            for table, rows in self.rows.items():
                if rows:
                    conn.execute(table.insert(), rows)
            if PG_URL:
                for table in self.rows:
                    for column in table.primary_key.columns:
                        if isinstance(column.type, Integer):
                            conn.execute(text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                f"coalesce(max({column.name}), 0) + 1, false) FROM {table.name}"))
        store = file_store()
        for sha, data in self.files.items():
            if not store.exists(sha):
                store.put_bytes(data, max_bytes=len(data))
        return self.edition_id


_demo_copy: _DemoCopy | None = None


def user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEMO_PASSWORD, follow: bool = False):
        token = csrf_token(self._client)
        return self._client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                                 follow_redirects=follow)

    def logout(self):
        token = csrf_token(self._client, "/")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


def plain_data(value) -> bool:
    """True when a template context holds only primitives (no model objects that reach the database)."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_data(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_data(v) for v in value)
    return value is None or isinstance(value, (str, int, bool))
