"""Sessions end after SESSION_IDLE_MINUTES without a request and SESSION_ABSOLUTE_HOURS after login:
pages send the user back to login with a message, the JSON autosave answers 401 with the message
(the scoring page keeps its draft), and nothing changes on the server. The clock is moved, never waited."""

from datetime import timedelta

import pytest

from awards.extensions import db
from awards.services import accounts
from tests.conftest import csrf_token, user
from tests.views.test_slice import ASHA, mnh_booth_assignment

EN = {"Accept-Language": "en"}


@pytest.fixture
def clock(monkeypatch):
    """accounts.now, moved by hand: clock.advance(minutes=...)."""
    class Clock:
        moment = accounts.now()

        def advance(self, **delta):
            self.moment += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(accounts, "now", lambda: fake.moment)
    return fake


def test_an_idle_session_ends(client, auth, demo, clock):
    auth.login(ASHA)
    clock.advance(minutes=119)
    assert client.get("/judging/", headers=EN).status_code == 200
    clock.advance(minutes=119)  # idle time counts from the last request
    assert client.get("/judging/", headers=EN).status_code == 200
    clock.advance(minutes=121)
    resp = client.get("/judging/", headers=EN)
    assert resp.status_code == 302 and resp.headers["Location"] == "/login?next=/judging/"
    page = client.get(resp.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Your session has ended; log in again." in page
    # Logged out for good: the next request is anonymous, and nothing was bumped on the server.
    assert client.get("/judging/", headers=EN).headers["Location"].startswith("/login")
    assert user(ASHA).session_version == 1


def test_a_session_ends_after_twelve_hours_however_busy(client, auth, demo, clock):
    auth.login(ASHA)
    for _ in range(7):  # a request every 100 minutes: never idle, 11h40 in all
        clock.advance(minutes=100)
        assert client.get("/judging/", headers=EN).status_code == 200
    clock.advance(minutes=21)  # 12h01 after login
    resp = client.get("/judging/", headers=EN)
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_the_autosave_gets_401_json_when_the_session_has_ended(client, auth, demo, clock):
    auth.login(ASHA)
    token = csrf_token(client, "/")
    url = f"/judging/assignments/{mnh_booth_assignment().id}/autosave"
    db.session.rollback()  # end the test's read before the request writes
    clock.advance(hours=3)
    resp = client.post(url, json={"version": 0, "scores": {"message-theme": "4"}},
                       headers={"X-CSRFToken": token, **EN})
    assert resp.status_code == 401
    assert resp.json == {"error": "Your session has ended; log in again."}
    assert mnh_booth_assignment().scorecard is None  # nothing saved


def test_sessions_from_before_timeouts_are_not_trusted(client, auth, demo):
    auth.login(ASHA)
    with client.session_transaction() as session:
        del session["login_at"]
    assert client.get("/judging/").headers["Location"].startswith("/login")
