"""Fixtures for the browser tests: a real Tuzo server and the system Chromium.

`live_server` migrates a fresh database with `flask awards init`, loads the demo with
`flask awards demo` and serves the app with `flask run` on a free port, exactly as a person
would. AWARDS_E2E_DATABASE_URL runs it on PostgreSQL instead of a SQLite file (CI does);
the public schema is dropped and recreated first so runs are repeatable.

Chromium comes from Debian (`apt-get install chromium`); never `playwright install`.
Without it the tests are skipped, unless AWARDS_REQUIRE_BROWSER=1 (CI), then they fail.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
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
    with serve_demo(tmp, database_url) as base:
        yield base


@contextlib.contextmanager
def serve_demo(tmp: Path, database_url: str):
    """`flask awards init`, `flask awards demo`, then `flask run` on a free port until the block ends."""
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


# ---- Page checks: every page the browser tests are served goes through axe-core and the Nu checker ----
#
# Each test's browser contexts report every top-level HTML document the live server answers
# (the response body exactly as served, after GETs and POSTs alike) to one `page_checks`
# collector. tests/e2e/test_zz_a11y_report.py, which runs last, checks them all at once: axe-core
# (WCAG 2.2 A and AA rules) on each document replayed in Chromium with the server's own CSS and
# scripts, and one run of the Nu HTML Checker over all of them. Identical documents (the CSRF
# token aside) are checked once.

NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_TABS = 3
# Starts axe in the page and keeps the promise of its violations, without waiting for it.
AXE_START = """tags => { window.__tuzoAxe = axe.run(document, {runOnly: {type: "tag", values: tags},
  resultTypes: ["violations"]}).then(r => r.violations.map(v => ({id: v.id, help: v.help, impact: v.impact,
  nodes: v.nodes.map(n => [n.target.join(" "), n.html.slice(0, 200), n.failureSummary])}))); }"""
MISSING_TOOLS = "axe-core or vnu-jar missing from node_modules: run `make install` (npm ci)"
LIVE_ORIGIN = re.compile(r"^http://127\.0\.0\.1:\d+/")
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')
# The header's links say who is logged in (the same in both languages).
ROLE_LINKS = (("organiser", 'href="/admin/"'), ("judge", 'href="/judging/"'), ("institution", 'href="/institution/"'))


@dataclass
class Document:
    url: str
    role: str
    lang: str
    html: str
    test: str


@dataclass
class PageChecks:
    documents: dict[str, Document] = field(default_factory=dict)  # by content key
    visits: list[tuple[str, str]] = field(default_factory=list)  # (role, url) of every document served
    unreadable: list[str] = field(default_factory=list)
    current_test: str = ""
    nu_files: dict[str, Document] = field(default_factory=dict)  # by file name, for the Nu checker

    def capture(self, route) -> None:
        """Route handler: fetches each top-level document itself, keeps the body, then serves it."""
        request = route.request
        if not _top_document(request) or _multipart(request):  # Chromium keeps uploaded files from route.fetch
            route.continue_()
            return
        try:
            response = route.fetch(max_redirects=0)
        except Exception:  # noqa: BLE001 - the server is gone: let Chromium show it
            route.continue_()
            return
        if self._wanted(response.status, response.headers.get("content-type")):
            self._keep(request.url, response.text())
        route.fulfill(response=response)

    def record(self, response, uploads_only: bool = False) -> None:
        """Response listener, for contexts with service workers (which routes cannot see) and for uploads.

        Reads the body after the fact: Chromium may have dropped it if the page already moved on.
        """
        request = response.request
        if (not _top_document(request) or (uploads_only and not _multipart(request))
                or not LIVE_ORIGIN.match(response.url)
                or not self._wanted(response.status, response.header_value("content-type"))):
            return
        try:
            html = response.text()
        except Exception as exc:  # noqa: BLE001 - the page went away before Chromium kept the body
            self.unreadable.append(f"{response.url} ({str(exc).splitlines()[0]})")
            return
        self._keep(response.url, html)

    @staticmethod
    def _wanted(status: int, content_type: str | None) -> bool:
        return not 300 <= status < 400 and (content_type or "").startswith("text/html")

    def _keep(self, url: str, html: str) -> None:
        role = next((name for name, link in ROLE_LINKS if link in html), "anonymous")
        lang = m.group(1) if (m := re.search(r'<html lang="([^"]+)"', html)) else "?"
        self.visits.append((role, url))
        key = hashlib.sha256(CSRF_VALUE.sub(r'\1"', html).encode()).hexdigest()
        self.documents.setdefault(key, Document(url, role, lang, html, self.current_test))

    def run_axe(self, browser) -> list[str]:
        """axe-core on every document, replayed as served; one line per violating element.

        A few tabs take turns so that axe runs in one while the next document loads in another.
        """
        docs = list(self.documents.values())
        problems = []
        # bypass_csp: the app's CSP (rightly) refuses injected scripts; tests only.
        context = browser.new_context(locale=LOCALE, bypass_csp=True, service_workers="block",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        context.add_init_script(path=str(AXE_JS))
        tabs = []
        for _ in range(AXE_TABS):
            tab, served = context.new_page(), {}
            tab.route(LIVE_ORIGIN, _replayer(served))
            tabs.append((tab, served))
        try:
            for start in range(0, len(docs), AXE_TABS):
                batch = list(zip(tabs, docs[start:start + AXE_TABS]))
                for (tab, served), doc in batch:
                    served.update(url=doc.url, html=doc.html)
                    tab.goto(doc.url, wait_until="load")
                    tab.evaluate(AXE_START, AXE_TAGS)
                for (tab, _served), doc in batch:
                    for v in tab.evaluate("() => window.__tuzoAxe"):
                        for target, snippet, summary in v["nodes"]:
                            problems.append(f"axe {v['id']} ({v['impact']}) at {doc.url} [{doc.role}, {doc.lang}; "
                                            f"{doc.test}]: {v['help']}\n    element {target}: {snippet}\n    "
                                            + (summary or "").replace("\n", " "))
        finally:
            context.close()
        return problems

    def start_nu(self, workdir: Path):
        """Starts the Nu HTML Checker, one JVM for all the documents as served; `nu_errors` reads it."""
        self.nu_files = {}
        for n, doc in enumerate(self.documents.values()):
            path = workdir / f"page-{n:03d}.html"
            path.write_text(doc.html, encoding="utf-8")
            self.nu_files[path.name] = doc
        return subprocess.Popen(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                                 *self.nu_files], cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def nu_errors(self, proc) -> list[str]:
        """One line per error the Nu checker started by `start_nu` found."""
        out, err = proc.communicate(timeout=300)
        try:
            report = err or out
            messages = json.loads(report[report.find("{"):])["messages"]  # after any JVM notice
        except (ValueError, KeyError):
            return [f"the Nu checker failed ({proc.returncode}): {err[-2000:]}"]
        problems = []
        for message in messages:
            doc = self.nu_files.get(message.get("url", "").rsplit("/", 1)[-1])
            where = f"{doc.url} [{doc.role}, {doc.lang}; {doc.test}]" if doc else message.get("url")
            problems.append(f"Nu {message.get('type')} at {where} line {message.get('lastLine')}: "
                            f"{message.get('message')}\n    {(message.get('extract') or '').strip()[:200]}")
        return problems


def _top_document(request) -> bool:
    """A page's own document, not a frame's, a sub-resource or a service worker's fetch."""
    if request.resource_type != "document" or request.service_worker is not None:
        return False
    return request.frame.parent_frame is None


def _multipart(request) -> bool:
    return (request.header_value("content-type") or "").startswith("multipart/")


def _replayer(served: dict):
    """A route handler that answers the document served["url"] with served["html"]."""
    def replay(route):
        if route.request.resource_type == "document" and route.request.url == served.get("url"):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=served["html"])
        else:
            route.continue_()
    return replay


@pytest.fixture(scope="session")
def page_checks() -> PageChecks:
    return PageChecks()


@pytest.fixture(autouse=True)
def _name_page_checks(request, page_checks):
    page_checks.current_test = request.node.nodeid
    yield


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARY:
        terminalreporter.write_line(line)


SUMMARY: list[str] = []  # the a11y line, shown at the end of the run


@pytest.fixture
def new_context(browser, page_checks):
    """Opens fresh browser contexts (no cookies): English, downloads allowed, 1280x900.

    Service workers are blocked unless asked for: once one controls a page, Chromium stops
    reporting that page's form posts to Playwright (expect_response would time out at random).
    The offline test asks for them.
    """
    contexts = []

    def make(service_workers: str = "block", locale: str = LOCALE, viewport: dict | None = None,
             check_pages: bool = True):
        """check_pages=False for a server that is gone before the page checks replay its pages."""
        context = browser.new_context(locale=locale, accept_downloads=True, service_workers=service_workers,
                                      viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        if not check_pages:
            pass
        elif service_workers == "block":
            context.route(LIVE_ORIGIN, page_checks.capture)
            context.on("response", lambda response: page_checks.record(response, uploads_only=True))
        else:
            context.on("response", page_checks.record)
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
