"""Logging in and out: wrong password, missing fields, CSRF, sessions ended on logout."""

from awards.extensions import db
from awards.models import AuditEvent
from tests.conftest import csrf_token, user


def audit_count():
    return db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))


def test_login_lands_on_the_role_home(auth, demo):
    for email, home in [("mratibu@tuzo.example", "/admin/"), ("asha.mwinyi@tuzo.example", "/judging/"),
                        ("afisa@mnh.example", "/institution/")]:
        resp = auth.login(email)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(home), email
        auth.logout()


def test_login_keeps_a_safe_next_only(client, demo):
    token = csrf_token(client)
    resp = client.post("/login?next=//evil.example/x", data={"csrf_token": token, "email": "afisa@mnh.example",
                                                            "password": "tuzo-demo-2026"})
    assert resp.headers["Location"].endswith("/institution/")


def test_wrong_password_missing_field_and_no_csrf(client, demo):
    token = csrf_token(client)
    before = audit_count()
    resp = client.post("/login", data={"csrf_token": token, "email": "afisa@mnh.example", "password": "wrong-one"},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 401 and "Wrong email or password." in resp.get_data(as_text=True)
    resp = client.post("/login", data={"csrf_token": token, "email": "nobody@tuzo.example", "password": "x" * 10},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 401 and "Wrong email or password." in resp.get_data(as_text=True)
    resp = client.post("/login", data={"csrf_token": token, "email": "afisa@mnh.example"},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400 and "Enter your password." in resp.get_data(as_text=True)
    resp = client.post("/login", data={"email": "afisa@mnh.example", "password": "tuzo-demo-2026"})
    assert resp.status_code == 400
    assert audit_count() == before
    assert client.get("/institution/").status_code == 302  # still not logged in


def test_logout_ends_the_session_on_the_server(client, auth, demo):
    auth.login("afisa@mnh.example")
    cookie = client.get_cookie("session", domain="tuzo.test").value
    assert client.get("/institution/").status_code == 200
    assert client.get("/logout").status_code == 405  # no state change on GET
    auth.logout()
    assert user("afisa@mnh.example").session_version == 2
    # Replaying the old cookie does not bring the session back.
    client.set_cookie("session", cookie, domain="tuzo.test")
    assert client.get("/institution/").status_code == 302


def test_a_disabled_user_cannot_log_in(client, auth, demo):
    officer = user("afisa@mnh.example")
    officer.active = False
    db.session.commit()
    assert auth.login("afisa@mnh.example").status_code == 401
