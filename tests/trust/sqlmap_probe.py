"""SQL injection probe: sqlmap against the public inputs and the login form of a running Tuzo.

    .venv/bin/python tests/trust/sqlmap_probe.py      (or: make security)

Starts gunicorn on a free loopback port with a fresh demo database (SQLite in a temporary
directory; AWARDS_DATABASE_URL=postgresql://... to probe PostgreSQL instead), with rate limits
raised so sqlmap is not throttled, then runs sqlmap --batch on each target and fails (exit 1)
if sqlmap reports any injectable parameter, or if a run did not end with sqlmap's verdict.
Not part of pytest: it takes minutes.
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SQLMAP = [str(BIN / "sqlmap")] if (BIN / "sqlmap").exists() else [sys.executable, "-m", "sqlmap"]
# Level 2 also tries the Cookie and User-Agent headers; risk 1 never sends statements that could
# change data. Boolean-blind, error-based and UNION techniques: time-based blind would multiply the
# run time for no gain here (every query is parameterised, so a time delay cannot get in either).
SQLMAP_OPTIONS = ["--batch", "--level=2", "--risk=1", "--technique=BEU", "--timeout=10", "--retries=1",
                  "--flush-session", "--disable-coloring"]
# sqlmap's final word. (Its progress lines may say a parameter "appears to be ... injectable" before
# its own false-positive check refutes it; only a confirmed injection point is a finding.)
INJECTABLE = re.compile(r"identified the following injection point", re.I)
VERDICT = re.compile(r"do not appear to be injectable|does not seem to be injectable", re.I)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # nosec B310: our own loopback server
                if resp.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def a_serial(database_url: str, env: dict) -> str:
    """A real certificate number, so the lookups are probed on a page that exists."""
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute("SELECT serial FROM certificates ORDER BY id LIMIT 1").fetchone()[0]
    code = ("from awards import create_app; from awards.extensions import db; from awards.models import Certificate\n"
            "with create_app().app_context(): print(db.session.execute(db.select(Certificate.serial)).scalars().first())")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def targets(base: str, serial: str) -> list[tuple[str, list[str]]]:
    """(what, sqlmap arguments): * marks an injection point in a URL path."""
    return [
        ("POST /login (email, password; fresh CSRF token each request)",
         ["-u", f"{base}/login", "--data", "email=afisa%40mnh.example&password=wrong-password&csrf_token=x",
          "-p", "email,password", "--csrf-token=csrf_token", f"--csrf-url={base}/login",
          "--ignore-code=401",  # a wrong password is a 401 page: the normal answer here
          # The login answers no query data, so UNION tests are moot; level 1 (no header tests) keeps
          # the CSRF round trips to a few minutes.
          "--level=1", "--technique=BE"]),
        ("GET /verify/<serial>", ["-u", f"{base}/verify/{serial}*"]),
        ("GET /verify?serial=", ["-u", f"{base}/verify?serial={serial}", "-p", "serial"]),
        ("GET /results/<edition>", ["-u", f"{base}/results/psw-2026*"]),
        ("GET /results/<edition>/<category>", ["-u", f"{base}/results/psw-2026*/innovation*"]),
        ("GET /results/<edition>/<category>.csv", ["-u", f"{base}/results/psw-2026*/innovation*.csv"]),
        ("GET /results/<edition>/<category>.json", ["-u", f"{base}/results/psw-2026*/innovation*.json"]),
    ]


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tuzo-sqlmap-") as tmp:
        tmp = Path(tmp)
        database_url = os.environ.get("AWARDS_DATABASE_URL") or f"sqlite:///{tmp / 'tuzo.sqlite'}"
        env = {
            **os.environ,
            "AWARDS_DATABASE_URL": database_url,
            "AWARDS_SECRET_KEY": os.urandom(32).hex(),
            "AWARDS_UPLOAD_DIR": str(tmp / "uploads"),
            "AWARDS_LOGIN_RATE_LIMIT": "1000 per second",
            "AWARDS_VERIFY_RATE_LIMIT": "1000 per second",
        }
        flask = [str(BIN / "flask"), "--app", "wsgi", "awards"]
        subprocess.run([*flask, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run([*flask, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
        serial = a_serial(database_url, env)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        (tmp / "gunicorn.conf.py").write_text("")  # not the project's: its bind and worker count
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(tmp / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "8", "--log-level", "warning", "wsgi:app"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(tmp / "gunicorn.log", "w"))
        findings, unclear = [], []
        try:
            wait_for(f"{base}/healthz")
            for what, args in targets(base, serial):
                t0 = time.monotonic()
                threads = [] if "--csrf-token=csrf_token" in args else ["--threads=4"]  # sqlmap: one or the other
                run = subprocess.run([*SQLMAP, *SQLMAP_OPTIONS, *threads, f"--output-dir={tmp / 'sqlmap'}", *args],
                                     cwd=tmp, capture_output=True, text=True, timeout=900)
                output = run.stdout + run.stderr
                injectable = INJECTABLE.search(output)
                verdict = VERDICT.search(output)
                print(f"{what}: {time.monotonic() - t0:.0f} s, "
                      f"{'INJECTABLE' if injectable else 'no injectable parameter' if verdict else 'NO VERDICT'}")
                if injectable:
                    findings.append(f"{what}:\n{output[-4000:]}")
                elif not verdict:
                    unclear.append(f"{what}:\n{output[-4000:]}")
            errors = (tmp / "gunicorn.log").read_text()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    print(f"sqlmap probe: {len(targets('', ''))} targets in {time.monotonic() - started:.0f} s")
    for block in findings + unclear:
        print(block, file=sys.stderr)
    if "Traceback" in errors:
        print(f"The server failed while probed:\n{errors[-4000:]}", file=sys.stderr)
    return 1 if findings or unclear or "Traceback" in errors else 0


if __name__ == "__main__":
    sys.exit(main())
