"""Scale-out shown, not claimed: two separate gunicorn servers on different ports share one
database (PostgreSQL when the suite runs on it, else a SQLite file) and one Redis.

A session made on one works on the other (same secret), a score saved through one is read
through the other, and login attempts are counted across both: the rate limit trips on the
attempt that crosses the limit counted over both servers, which neither saw alone.
"""

import http.cookiejar
import json
import re
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import CSRF_RE, DEMO_PASSWORD
from tests.e2e.conftest import _flask, _server_env
from tests.trust.test_durability import Server, _scratch_database

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"
LIMIT = 5
JUDGE = "asha.mwinyi@tuzo.example"  # the demo leaves her MNH booth card not started
ASSIGNMENT_RE = re.compile(r'href="/judging/assignments/(\d+)"')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
CODE_RE = re.compile(r'class="criterion" data-code="([a-z0-9-]+)"')


class Browser:
    """A cookie jar and the requests one person's browser makes, to whichever server."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, url: str, data: dict | None = None, json_body: dict | None = None, token: str = ""):
        headers = {"Accept-Language": "en"}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.update({"Content-Type": "application/json", "X-CSRFToken": token})
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=20) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def login(self, base: str, email: str, password: str) -> int:
        _, page = self.request(base + "/login")
        return self.request(base + "/login", data={"email": email, "password": password,
                                                   "csrf_token": CSRF_RE.search(page).group(1)})[0]


@pytest.fixture
def two_servers(tmp_path):
    url = _scratch_database(tmp_path, "scale")
    env = _server_env(url)
    env.update({
        "AWARDS_UPLOAD_DIR": str(tmp_path / "uploads"),  # one shared store, as the README asks
        "AWARDS_REDIS_URL": REDIS,
        "AWARDS_RATELIMIT_KEY_PREFIX": "tuzo-test-" + secrets.token_hex(6),  # this run's counts only
        "AWARDS_RATELIMIT_STRATEGY": "moving-window",
        "AWARDS_LOGIN_RATE_LIMIT": f"{LIMIT} per hour",
    })
    for command in ("init", "demo"):
        subprocess.run(_flask("awards", command), cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    servers = [Server(env, tmp_path / f"server-{name}.log") for name in ("a", "b")]
    try:
        for server in servers:
            server.start()
        yield [server.base for server in servers]
    finally:
        for server in servers:
            server.kill()


def test_two_servers_share_sessions_scores_and_login_limits(two_servers):
    a, b = two_servers
    judge = Browser()
    assert judge.login(a, JUDGE, DEMO_PASSWORD) == 200  # redirected to the dashboard, on server A

    # The session cookie made by A works on B.
    status, dashboard = judge.request(b + "/judging/")
    assert status == 200 and "Asha" in dashboard
    # A card the judge can still change (the demo leaves some not started or in draft): its page
    # loads the autosave script, which a submitted card's page does not.
    for assignment in ASSIGNMENT_RE.findall(dashboard):
        _, page = judge.request(f"{a}/judging/assignments/{assignment}")
        if "js/scorecard.js" in page:
            break
    else:
        pytest.fail("the demo judge has no card left to change")

    # A draft saved through A ...
    token, version = CSRF_RE.search(page).group(1), int(VERSION_RE.search(page).group(1))
    codes = list(dict.fromkeys(CODE_RE.findall(page)))
    scores = {code: "3" for code in codes}
    draft = {"scores": scores, "comments": {}, "comment": "Saved through server A", "version": version}
    status, body = judge.request(f"{a}/judging/assignments/{assignment}/autosave", json_body=draft, token=token)
    assert status == 200, body
    saved = json.loads(body)["version"]
    assert saved > version

    # ... is what B holds: a save on B with the old version is refused and shows A's draft,
    # and the page B serves carries A's comment and version.
    status, body = judge.request(f"{b}/judging/assignments/{assignment}/autosave", json_body=draft, token=token)
    assert status == 409
    assert json.loads(body)["scorecard"]["comment"] == "Saved through server A"
    _, page_b = judge.request(f"{b}/judging/assignments/{assignment}")
    assert "Saved through server A" in page_b and int(VERSION_RE.search(page_b).group(1)) == saved

    # Wrong passwords for one account, alternating between the servers. The judge's login above
    # counted once for this address, so the address reaches LIMIT on the (LIMIT - 1)th wrong attempt:
    # A has seen 3 attempts and B 2 by then, so only a shared count can trip it.
    stranger = Browser()
    statuses = [stranger.login((a, b)[n % 2], "mratibu@tuzo.example", "not-the-password") for n in range(LIMIT)]
    assert statuses[-1] == 429 and all(400 <= s < 500 and s != 429 for s in statuses[:-1]), statuses
    # And the limit holds on both servers from now on, even with the right password.
    assert stranger.login(a, "mratibu@tuzo.example", DEMO_PASSWORD) == 429
    assert stranger.login(b, "mratibu@tuzo.example", DEMO_PASSWORD) == 429
