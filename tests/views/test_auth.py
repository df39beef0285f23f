"""Logging in and out: wrong password, missing fields, CSRF, sessions ended on logout."""

from awards.extensions import db
from awards.models import AuditEvent
from tests.conftest import AuthActions, csrf_token, user


def audit_count():
    count = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    db.session.rollback()  # end the test's read, so the requests that follow may write
    return count


def failed_logins():
    events = db.session.execute(db.select(AuditEvent).filter_by(action="user.login_failed")
                                .order_by(AuditEvent.id)).scalars().all()
    found = [(e.object_type, e.object_id, e.actor_id, e.after) for e in events]
    db.session.rollback()
    return found


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
    # The two refusals are in the audit trail (the email typed, never the password); nothing else is.
    assert audit_count() == before + 2
    officer_id = str(user("afisa@mnh.example").id)
    assert failed_logins() == [("User", officer_id, None, {"email": "afisa@mnh.example"}),
                               ("User", None, None, {"email": "nobody@tuzo.example"})]
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


# Organiser user management: the list, disable (ends sessions at once) and enable, all audited.

def post_as(client, path):
    return client.post(path, data={"csrf_token": csrf_token(client, "/")}, headers={"Accept-Language": "en"})


def test_the_organiser_lists_users_with_role_institution_status_and_last_login(client, auth, demo):
    auth.login("afisa@mnh.example")
    auth.logout()
    auth.login("mratibu@tuzo.example")
    assert 'href="/admin/users"' in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/users", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = page.split("afisa@mnh.example", 1)[1].split("</tr>", 1)[0]
    assert "Institution staff" in row and "MNH" in row and "Active" in row and "Never" not in row
    judge_row = page.split("juma.salim@tuzo.example", 1)[1].split("</tr>", 1)[0]
    assert "Judge" in judge_row and "Never" in judge_row


def test_disabling_a_user_ends_their_sessions_and_enabling_lets_them_back(app, client, auth, demo):
    from tests.conftest import IsolatedClient

    app.test_client_class = IsolatedClient
    judge = app.test_client()
    token = csrf_token(judge)
    judge.post("/login", data={"csrf_token": token, "email": "juma.salim@tuzo.example", "password": "tuzo-demo-2026"})
    assert judge.get("/judging/").status_code == 200
    judge_id, organiser_id = user("juma.salim@tuzo.example").id, user("mratibu@tuzo.example").id
    db.session.rollback()

    auth.login("mratibu@tuzo.example")
    resp = post_as(client, f"/admin/users/{judge_id}/disable")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/users"
    assert judge.get("/judging/").headers["Location"].startswith("/login")  # at once, not at the next login
    assert AuthActions(judge).login("juma.salim@tuzo.example").status_code == 401

    resp = post_as(client, f"/admin/users/{organiser_id}/disable")
    assert resp.status_code == 400 and "You cannot disable your own account." in resp.get_data(as_text=True)
    assert post_as(client, f"/admin/users/{judge_id}/enable").status_code == 302
    assert AuthActions(judge).login("juma.salim@tuzo.example").status_code == 302

    events = db.session.execute(db.select(AuditEvent).filter(AuditEvent.action.in_(["user.disable", "user.enable"]))
                                .order_by(AuditEvent.id)).scalars().all()
    assert [(e.action, e.object_id, e.actor_id) for e in events] == [
        ("user.disable", str(judge_id), organiser_id), ("user.enable", str(judge_id), organiser_id)]
    assert user("mratibu@tuzo.example").active


def test_a_refused_role_is_audited(client, auth, demo):
    auth.login("juma.salim@tuzo.example")
    assert client.get("/admin/users").status_code == 403
    assert post_as(client, "/admin/users/1/disable").status_code == 403
    events = db.session.execute(db.select(AuditEvent).filter_by(action="access.denied")
                                .order_by(AuditEvent.id)).scalars().all()
    judge = user("juma.salim@tuzo.example")
    assert [(e.actor_id, e.after) for e in events] == [
        (judge.id, {"endpoint": "admin.users", "method": "GET"}),
        (judge.id, {"endpoint": "admin.disable_user", "method": "POST"})]
    assert user("mratibu@tuzo.example").active
