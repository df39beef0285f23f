"""Nothing acknowledged is ever lost: 20 judges' browsers autosave against the real server
(gunicorn, 2 workers), the server is killed with SIGKILL, restarted, and every value it
answered 200 for is still there. No request fails with a 5xx and no worker ever hits
"database is locked" (SQLite writers take the write lock up front: awards.app._sqlite_pragmas).

Runs on a fresh SQLite file, or on a fresh PostgreSQL database next to
AWARDS_TEST_DATABASE_URL's when the suite runs on PostgreSQL.
"""

import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from awards import create_app
from awards.extensions import db
from tests.conftest import CSRF_RE, PG_URL
from tests.e2e.conftest import _flask, _free_port, _healthy, _server_env

ROOT = Path(__file__).resolve().parents[2]
JUDGES = 5
CARDS_PER_JUDGE = 4  # 20 clients: each owns one assignment (its own scorecard), 4 share a judge's login
SAVES_PER_CLIENT = 10  # 200 autosaves in all
STARTUP_TIMEOUT = 30.0
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
PASSWORD = "Durability-" + secrets.token_urlsafe(12)


def _scratch_database(tmp_path, suffix: str) -> str:
    """A fresh database: a SQLite file, or on PostgreSQL <test database>_<suffix>, dropped and created."""
    if not PG_URL:
        return "sqlite:///" + str(tmp_path / f"tuzo-{suffix}.sqlite")
    import psycopg

    parts = urllib.parse.urlsplit(PG_URL.replace("postgresql+psycopg://", "postgresql://", 1))
    name = parts.path.lstrip("/") + "_" + suffix
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path="/" + name).geturl()


def _app(url: str, upload_dir: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32),
                       "UPLOAD_DIR": str(upload_dir), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


@dataclass
class Client:
    """One browser tab: a judge's scorecard, and what the server acknowledged for each field."""

    judge: str
    assignment_id: int
    codes: list[str]
    scale: list[str]
    version: int = 0
    acked: dict = field(default_factory=dict)  # field -> last value answered 200
    statuses: list[int] = field(default_factory=list)


def _prepare(url: str, upload_dir: Path) -> list[Client]:
    """Five new judges, each signed and assigned to four entries still being judged in the demo."""
    from awards.enums import Role, Stage
    from awards.models import Entry, User
    from awards.services import accounts, declarations, editions, judging

    app = _app(url, upload_dir)
    with app.app_context():
        edition = editions.get_edition("psw-2026")
        assert edition.stage is Stage.JUDGING
        organiser = db.session.execute(db.select(User).filter_by(role=Role.ORGANISER)).scalars().first()
        entries = [e for e in db.session.execute(db.select(Entry).order_by(Entry.id)).scalars()
                   if e.edition_id == edition.id and not judging.category_is_published(e.category)]
        assert len(entries) >= CARDS_PER_JUDGE
        plan = []
        for j in range(JUDGES):
            email = f"durability{j}@tuzo.example"
            judge = accounts.create_user(email, name=f"Durability Judge {j}", role=Role.JUDGE, password=PASSWORD)
            declarations.sign(judge, edition, signed_name=judge.name, confirmed=True)
            for k in range(CARDS_PER_JUDGE):
                entry = entries[(j * CARDS_PER_JUDGE + k) % len(entries)]
                assignment = judging.assign_judge(judge, entry, actor=organiser)
                criteria = entry.category.criteria
                plan.append((email, assignment, criteria))
        db.session.commit()
        clients = []
        for email, assignment, criteria in plan:
            crit = criteria[0]
            steps = int((crit.scale_max - crit.scale_min) / crit.scale_step)
            scale = [str(crit.scale_min + i * crit.scale_step) for i in range(steps + 1)]
            # Only the first criterion's scale is assumed for all: keep to the values every criterion allows.
            for other in criteria:
                scale = [v for v in scale if other.scale_min <= Decimal(v) <= other.scale_max
                         and (Decimal(v) - other.scale_min) % other.scale_step == 0]
            assert scale
            clients.append(Client(email, assignment.id, [c.code for c in criteria], scale))
        db.session.remove()
        db.engine.dispose()
    return clients


class Server:
    """gunicorn in its own process group, so SIGKILL takes the master and every worker at once."""

    def __init__(self, env: dict, log: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS="2")
        self.log = log
        self.proc = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                                         cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(self.base + "/healthz"):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail("gunicorn did not start. Its output:\n" + self.log.read_text(errors="replace"),
                            pytrace=False)
            time.sleep(0.1)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)


def _login(base: str, email: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    html = opener.open(base + "/login", timeout=30).read().decode()
    token = CSRF_RE.search(html).group(1)
    body = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
    with opener.open(base + "/login", data=body, timeout=30) as resp:
        assert "/login" not in resp.geturl(), f"{email} could not log in"
    return opener


def _autosave(opener, base: str, client: Client, token: str, body: dict):
    request = urllib.request.Request(
        f"{base}/judging/assignments/{client.assignment_id}/autosave", data=json.dumps(body).encode(),
        method="POST", headers={"Content-Type": "application/json", "X-CSRFToken": token})
    try:
        with opener.open(request, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def _run_client(opener, base: str, index: int, client: Client, start: threading.Event) -> None:
    html = opener.open(f"{base}/judging/assignments/{client.assignment_id}", timeout=30).read().decode()
    token = CSRF_RE.search(html).group(1)
    start.wait()
    for n in range(SAVES_PER_CLIENT):
        code = client.codes[n % len(client.codes)]
        value = client.scale[(index + n) % len(client.scale)]
        note = f"client {index} save {n} on {code}"
        comment = f"client {index} save {n}"
        status, answer = _autosave(opener, base, client, token, {
            "version": client.version, "scores": {code: value}, "comments": {code: note}, "comment": comment})
        client.statuses.append(status)
        if status == 200:
            client.version = answer["version"]
            client.acked.update({("score", code): Decimal(value), ("note", code): note, "comment": comment,
                                 "version": answer["version"]})


def _stored(url: str, upload_dir: Path, clients: list[Client]) -> dict[int, dict]:
    from awards.models import Assignment

    app = _app(url, upload_dir)
    found = {}
    with app.app_context():
        for client in clients:
            card = db.session.get(Assignment, client.assignment_id).scorecard
            values = {} if card is None else {"comment": card.comment, "version": card.version}
            for row in card.scores if card else []:
                if row.value is not None:
                    values[("score", row.criterion.code)] = row.value
                if row.comment:
                    values[("note", row.criterion.code)] = row.comment
            found[client.assignment_id] = values
        db.session.remove()
        db.engine.dispose()
    return found


@pytest.mark.slow
def test_every_acknowledged_autosave_survives_sigkill(tmp_path):
    url = _scratch_database(tmp_path, "durability")
    upload_dir = tmp_path / "uploads"
    env = _server_env(url)
    env["AWARDS_UPLOAD_DIR"] = str(upload_dir)
    for command in ("init", "demo"):
        done = subprocess.run(_flask("awards", command), cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"awards {command}:\n{done.stdout}\n{done.stderr}"
    clients = _prepare(url, upload_dir)
    assert len(clients) == JUDGES * CARDS_PER_JUDGE

    log = tmp_path / "gunicorn.log"
    server = Server(env, log)
    server.start()
    try:
        openers = {email: _login(server.base, email) for email in {c.judge for c in clients}}
        start = threading.Event()
        threads = [threading.Thread(target=_run_client, args=(openers[c.judge], server.base, i, c, start))
                   for i, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        start.set()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
    finally:
        server.kill()  # SIGKILL: no worker gets to finish, flush or close anything

    statuses = [s for c in clients for s in c.statuses]
    assert len(statuses) == JUDGES * CARDS_PER_JUDGE * SAVES_PER_CLIENT
    assert [s for s in statuses if s >= 500] == []
    assert statuses.count(200) == len(statuses), sorted(set(statuses))
    output = log.read_text(errors="replace")
    assert "database is locked" not in output
    assert "Traceback" not in output

    # After the crash, the database holds the last acknowledged value of every field.
    stored = _stored(url, upload_dir, clients)
    for client in clients:
        assert stored[client.assignment_id] == client.acked, f"assignment {client.assignment_id}"

    # And the restarted server agrees: each client's next autosave builds on its last acknowledged version.
    server = Server(env, log)
    server.start()
    try:
        for email, opener in {email: _login(server.base, email) for email in openers}.items():
            for client in (c for c in clients if c.judge == email):
                html = opener.open(f"{server.base}/judging/assignments/{client.assignment_id}",
                                   timeout=30).read().decode()
                assert VERSION_RE.search(html).group(1) == str(client.version)
                assert client.acked["comment"] in html
    finally:
        server.kill()


def _write_lock_taken(url: str) -> bool:
    """True when another connection cannot take SQLite's write lock right now."""
    import sqlite3

    other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()


def test_sqlite_writers_take_the_write_lock_before_reading(app):
    """Requests that may write hold the write lock from their first read (BEGIN IMMEDIATE), GET pages
    read in a deferred transaction; outside a request (the CLI) reads run on their own and the lock
    is taken at the first write."""
    from awards.enums import InstitutionType
    from awards.models import Institution

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        assert db.engine.dialect.name == "postgresql"  # nothing SQLite-specific happens on PostgreSQL
        return
    db.session.rollback()

    def after_read():
        db.session.execute(text("SELECT count(*) FROM institutions"))
        in_transaction = db.session.connection().connection.driver_connection.in_transaction
        return in_transaction, _write_lock_taken(url)

    with app.test_request_context("/", method="POST"):
        assert after_read() == (True, True)
        db.session.rollback()
    with app.test_request_context("/", method="GET"):
        assert after_read() == (True, False)
        db.session.rollback()
    assert after_read() == (False, False)  # no request: the CLI, scripts
    db.session.add(Institution(name="Written", acronym="WRI", type=InstitutionType.AGENCY))
    db.session.flush()
    assert _write_lock_taken(url)
    db.session.rollback()
    assert not _write_lock_taken(url)


def test_savepoints_still_work(app):
    """A nested transaction (SAVEPOINT) rolls back on its own; the outer transaction commits."""
    from awards.models import Institution
    from awards.enums import InstitutionType

    db.session.add(Institution(name="Outer", acronym="OUT", type=InstitutionType.AGENCY))
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            db.session.add(Institution(name="Inner", acronym="INN", type=InstitutionType.AGENCY))
            db.session.flush()
            raise RuntimeError("roll the savepoint back")
    db.session.commit()
    assert db.session.execute(db.select(Institution.acronym).order_by(Institution.acronym)).scalars().all() == ["OUT"]
