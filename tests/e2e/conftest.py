"""Fixtures for the browser tests: a real Tuzo server and the system Chromium.

`live_server` migrates a fresh database with `flask awards init`, loads the demo with
`flask awards demo` and serves the app with `flask run` on a free port, exactly as a person
would. AWARDS_E2E_DATABASE_URL runs it on PostgreSQL instead of a SQLite file (CI does);
the public schema is dropped and recreated first so runs are repeatable.

Chromium comes from Debian (`apt-get install chromium`); never `playwright install`.
Without it the tests are skipped, unless AWARDS_REQUIRE_BROWSER=1 (CI), then they fail.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
MISSING_CHROMIUM = ("Chromium not found: install it with `apt-get install chromium` (Debian) "
                    "to run the browser tests")
LOCALE = "en-GB"
STARTUP_TIMEOUT = 20.0


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        if os.environ.get("AWARDS_REQUIRE_BROWSER") == "1":
            pytest.fail(MISSING_CHROMIUM, pytrace=False)
        pytest.skip(MISSING_CHROMIUM)
    return str(CHROMIUM)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reset_postgres(url: str) -> None:
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def _server_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWARDS_", "FLASK_"))}
    env.update({
        "AWARDS_DATABASE_URL": database_url,
        "AWARDS_SECRET_KEY": secrets.token_hex(32),
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return resp.status == 200 and resp.read().decode() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def live_server(chromium_path, tmp_path_factory):
    """The base URL (http://127.0.0.1:<port>) of a real Tuzo server with the demo loaded."""
    tmp = tmp_path_factory.mktemp("live-server")
    database_url = os.environ.get("AWARDS_E2E_DATABASE_URL")
    if database_url:
        _reset_postgres(database_url)
    else:
        database_url = "sqlite:///" + str(tmp / "tuzo-e2e.sqlite")
    env = _server_env(database_url)
    env["AWARDS_UPLOAD_DIR"] = str(tmp / "uploads")

    for command in ("init", "demo"):
        done = subprocess.run(_flask("awards", command), cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120)
        if done.returncode != 0:
            pytest.fail(f"`flask awards {command}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                        pytrace=False)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(_flask("run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"),
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(base + "/healthz"):
            if proc.poll() is not None or time.monotonic() > deadline:
                why = f"exited with {proc.returncode}" if proc.poll() is not None else "did not answer /healthz"
                pytest.fail(f"The Tuzo server {why} within {STARTUP_TIMEOUT:.0f} s. Its output:\n"
                            + log_path.read_text(errors="replace"), pytrace=False)
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Opens fresh browser contexts (no cookies): English, downloads allowed, 1280x900.

    Service workers are blocked unless asked for: once one controls a page, Chromium stops
    reporting that page's form posts to Playwright (expect_response would time out at random).
    The offline test asks for them.
    """
    contexts = []

    def make(service_workers: str = "block"):
        context = browser.new_context(locale=LOCALE, accept_downloads=True, service_workers=service_workers,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS
