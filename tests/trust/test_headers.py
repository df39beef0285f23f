"""Browser hardening: security headers on every HTML page for each role, HSTS only over HTTPS,
cookie flags (Secure and the __Host- name with HTTPS on), CSRF on forms and JSON, and session
cookies that stop working after logout or when the user is disabled."""

import pytest

from awards import create_app
from awards.extensions import db
from tests.conftest import CSRF_RE, IsolatedClient, _config, csrf_token, user
from tests.views.test_slice import ASHA, mnh_booth_assignment

@pytest.fixture
def make_app(app, _schema):
    """New apps with extra settings; their connections are closed afterwards."""
    made = []

    def make(**config):
        made.append(create_app({**_config(_schema), **config}))
        made[-1].test_client_class = IsolatedClient
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


PAGES = {
    None: ["/", "/login", "/verify", "/reset/unknown-token", "/no-such-page"],
    "afisa@mnh.example": ["/institution/"],
    ASHA: ["/judging/", "/admin/"],  # the last one is a 403 page
    "mratibu@tuzo.example": ["/admin/", "/admin/users", "/admin/audit"],
}


def directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in csp.split(";") if part.strip()}


def header_problems(resp) -> list[str]:
    """What an HTML response over plain http lacks of the hardening headers (the access matrix
    checks every route's HTML answers with this, for every actor)."""
    csp = directives(resp.headers.get("Content-Security-Policy", ""))
    wanted = {
        "X-Content-Type-Options": resp.headers.get("X-Content-Type-Options") == "nosniff",
        "Referrer-Policy": resp.headers.get("Referrer-Policy") == "same-origin",
        "CSP object-src 'none'": csp.get("object-src") == "object-src 'none'",
        "CSP base-uri 'none'": csp.get("base-uri") == "base-uri 'none'",
        "CSP frame-ancestors 'none'": csp.get("frame-ancestors") == "frame-ancestors 'none'",
        "CSP form-action 'self'": csp.get("form-action") == "form-action 'self'",
        "no inline script allowed": all("'unsafe-inline'" not in csp.get(name, "") and "'unsafe-eval'" not in
                                        csp.get(name, "") for name in ("default-src", "script-src")),
        "no inline <script>": "<script>" not in resp.get_data(as_text=True),
        "no HSTS over http": "Strict-Transport-Security" not in resp.headers,
    }
    return [f"missing {name}" for name, ok in wanted.items() if not ok]


@pytest.mark.parametrize("email", list(PAGES))
def test_every_html_page_has_the_security_headers(client, auth, demo, email):
    if email:
        auth.login(email)
    for path in PAGES[email]:
        resp = client.get(path)
        assert resp.mimetype == "text/html", path
        assert header_problems(resp) == [], path


def test_hsts_only_over_https(client):
    secure = client.get("/", base_url="https://tuzo.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/", base_url="http://tuzo.test").headers


def test_behind_a_proxy_the_forwarded_scheme_counts(make_app):
    resp = make_app(PROXY_FIX=True).test_client().get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert "Strict-Transport-Security" in resp.headers
    assert "Strict-Transport-Security" not in make_app().test_client().get(
        "/", headers={"X-Forwarded-Proto": "https"}).headers  # without PROXY_FIX the header is not trusted


def login_cookie(client) -> str:
    token = csrf_token(client)
    resp = client.post("/login", data={
        "csrf_token": token, "email": "afisa@mnh.example", "password": "tuzo-demo-2026"})
    assert resp.status_code == 302
    return resp.headers["Set-Cookie"]


def test_session_cookie_flags(client, demo):
    cookie = login_cookie(client)
    assert cookie.startswith("session=") and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "; Secure" not in cookie  # http://127.0.0.1:5000 must keep working by default


def test_with_https_the_cookie_is_secure_and_host_only(make_app, demo):
    secure_app = make_app(HTTPS=True)
    assert secure_app.config["PREFERRED_URL_SCHEME"] == "https"
    client = secure_app.test_client()
    page = client.get("/login", base_url="https://tuzo.test")
    assert "__Host-tuzo=" in page.headers["Set-Cookie"]
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    resp = client.post("/login", base_url="https://tuzo.test", data={
        "csrf_token": token, "email": "afisa@mnh.example", "password": "tuzo-demo-2026"})
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith("__Host-tuzo=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; Path=/" in cookie and "SameSite=Lax" in cookie
    assert "Domain=" not in cookie


def test_posts_without_a_csrf_token_are_refused(client, auth, demo):
    resp = client.post("/login", data={"email": "afisa@mnh.example", "password": "tuzo-demo-2026"})
    assert resp.status_code == 400 and client.get("/institution/").status_code == 302
    auth.login(ASHA)
    url = f"/judging/assignments/{mnh_booth_assignment().id}/autosave"
    db.session.rollback()
    resp = client.post(url, json={"version": 0, "scores": {"message-theme": "4"}}, headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and "Your form has expired" in resp.json["error"]
    assert mnh_booth_assignment().scorecard is None


def replay(client, cookie_value):
    client.set_cookie("session", cookie_value, domain="tuzo.test")
    return client.get("/institution/")


def test_an_old_session_cookie_is_refused_after_logout(client, auth, demo):
    auth.login("afisa@mnh.example")
    old = client.get_cookie("session", domain="tuzo.test").value
    auth.logout()
    resp = replay(client, old)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_an_old_session_cookie_is_refused_after_the_user_is_disabled(app, client, auth, demo):
    auth.login("afisa@mnh.example")
    old = client.get_cookie("session", domain="tuzo.test").value
    assert replay(client, old).status_code == 200
    officer_id = user("afisa@mnh.example").id
    db.session.rollback()
    organiser = app.test_client()
    organiser.post("/login", data={"csrf_token": csrf_token(organiser), "email": "mratibu@tuzo.example",
                                   "password": "tuzo-demo-2026"})
    assert organiser.post(f"/admin/users/{officer_id}/disable",
                          data={"csrf_token": csrf_token(organiser, "/")}).status_code == 302
    resp = replay(client, old)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
