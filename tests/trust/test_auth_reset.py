"""Organiser-issued password reset links: shown once, only the SHA-256 stored, single use, valid
RESET_LINK_HOURS, replaced by a newer link; using one ends the user's sessions; all audited
without the token or the password."""

import hashlib
import json
import re
from datetime import timedelta

import pytest

from awards.extensions import db
from awards.models import AuditEvent, PasswordResetLink
from awards.services import accounts
from tests.conftest import DEMO_PASSWORD, IsolatedClient, csrf_token, user

EN = {"Accept-Language": "en"}
OFFICER = "afisa@mnh.example"
ORGANISER = "mratibu@tuzo.example"
NEW_PASSWORD = "mvua ya vuli imefika mapema"
LINK_RE = re.compile(r'value="(https?://tuzo\.test/reset/([A-Za-z0-9_-]+))"')


@pytest.fixture
def organiser(client, auth, demo):
    auth.login(ORGANISER)
    officer_id = user(OFFICER).id
    db.session.rollback()

    def issue():
        resp = client.post(f"/admin/users/{officer_id}/reset-link", data={"csrf_token": csrf_token(client, "/")},
                           headers=EN)
        assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
        assert "It works once, for 24 hours" in resp.get_data(as_text=True)
        return LINK_RE.search(resp.get_data(as_text=True)).group(2)

    return issue


def new_client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def set_password(client, token, password=NEW_PASSWORD, confirm=None):
    form = client.get(f"/reset/{token}", headers=EN)
    assert form.status_code == 200
    token_field = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    return client.post(f"/reset/{token}", headers=EN, data={
        "csrf_token": token_field, "password": password, "confirm": password if confirm is None else confirm})


def login(client, email, password):
    return client.post("/login", data={"csrf_token": csrf_token(client), "email": email, "password": password})


def test_a_reset_link_sets_a_new_password_once_and_ends_sessions(app, organiser):
    elsewhere = new_client(app)  # the officer, logged in on another machine
    assert login(elsewhere, OFFICER, DEMO_PASSWORD).status_code == 302
    token = organiser()
    link = db.session.execute(db.select(PasswordResetLink)).scalar_one()
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert link.expires_at - link.issued_at == timedelta(hours=24)
    db.session.rollback()

    visitor = new_client(app)
    page = visitor.get(f"/reset/{token}", headers=EN)
    assert page.headers["Cache-Control"] == "no-store" and OFFICER in page.get_data(as_text=True)
    resp = set_password(visitor, token, confirm="something else entirely")
    assert resp.status_code == 400 and "The two passwords are not the same." in resp.get_data(as_text=True)
    resp = set_password(visitor, token, password="password123")
    assert resp.status_code == 400 and "too common" in resp.get_data(as_text=True)
    resp = set_password(visitor, token)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"

    assert elsewhere.get("/institution/").headers["Location"].startswith("/login")  # logged out everywhere
    assert login(new_client(app), OFFICER, DEMO_PASSWORD).status_code == 401
    assert login(new_client(app), OFFICER, NEW_PASSWORD).status_code == 302
    used = visitor.get(f"/reset/{token}", headers=EN)
    assert used.status_code == 410 and "expired or has already been used" in used.get_data(as_text=True)

    events = db.session.execute(db.select(AuditEvent).filter(AuditEvent.action.in_(
        ["user.reset_link_issued", "user.password_reset"])).order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, e.actor.email) for e in events] == [("user.reset_link_issued", ORGANISER),
                                                          ("user.password_reset", OFFICER)]
    trail = json.dumps([[e.before, e.after] for e in db.session.execute(db.select(AuditEvent)).scalars()])
    assert token not in trail and link.token_sha256 not in trail and NEW_PASSWORD not in trail


def test_unknown_expired_and_replaced_links_are_refused(app, organiser, monkeypatch):
    visitor = new_client(app)
    unknown = visitor.get("/reset/" + "x" * 43, headers=EN)
    assert unknown.status_code == 404 and "This password reset link is not valid" in unknown.get_data(as_text=True)

    older = organiser()
    newer = organiser()  # issuing a new link retires the older unused one
    assert visitor.get(f"/reset/{older}", headers=EN).status_code == 410
    assert visitor.get(f"/reset/{newer}", headers=EN).status_code == 200

    later = accounts.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(accounts, "now", lambda: later)
    expired = visitor.get(f"/reset/{newer}", headers=EN)
    assert expired.status_code == 410 and "Ask the organisers for a new one" in expired.get_data(as_text=True)
    sw = visitor.get(f"/reset/{newer}", headers={"Accept-Language": "sw"})
    assert sw.status_code == 410 and "Ask the organisers" not in sw.get_data(as_text=True)
