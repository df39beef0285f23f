"""Login attempts are rate limited per client address and per account (the email typed), only
POSTs count, the 429 page speaks the user's language with Retry-After, the throttling is audited,
and with Redis storage separate app instances (processes) share one count."""

import uuid

import pytest
import redis

from awards import create_app
from awards.config import Defaults
from awards.extensions import db
from awards.models import AuditEvent
from tests.conftest import CSRF_RE, IsolatedClient, _config

EN = {"Accept-Language": "en"}
REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def limited_client(app, _schema):
    """Clients of new apps with the production login limit (the suite's own limit is very high)."""
    made = []

    def make(**config):
        limited = create_app({**_config(_schema), "LOGIN_RATE_LIMIT": Defaults.LOGIN_RATE_LIMIT, **config})
        limited.test_client_class = IsolatedClient
        made.append(limited)
        return limited.test_client()

    yield make
    for limited in made:
        with limited.app_context():
            db.engine.dispose()


def token_for(client) -> str:
    return CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)


def attempt(client, token, email, address="192.0.2.1", headers=EN):
    return client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong-password"},
                       headers=headers, environ_base={"REMOTE_ADDR": address})


def throttled_events():
    rows = db.session.execute(db.select(AuditEvent.after).filter_by(action="user.login_throttled")).scalars().all()
    db.session.rollback()
    return rows


def test_the_eleventh_attempt_from_one_address_is_refused(limited_client):
    client = limited_client()
    token = token_for(client)
    for n in range(10):  # ten different accounts, so only the per-address limit can refuse
        assert attempt(client, token, f"guess{n}@tuzo.example").status_code == 401
    resp = attempt(client, token, "guess10@tuzo.example")
    assert resp.status_code == 429
    assert 1 <= int(resp.headers["Retry-After"]) <= 5
    assert "Too many login attempts" in resp.get_data(as_text=True)
    sw = attempt(client, token, "guess11@tuzo.example", headers={"Accept-Language": "sw"})
    assert sw.status_code == 429 and "Too many login attempts" not in sw.get_data(as_text=True)
    assert "Retry-After" in sw.headers
    # Another address is not affected, and the throttling is audited once for the window.
    assert attempt(client, token, "guess12@tuzo.example", address="192.0.2.2").status_code == 401
    assert throttled_events() == [{"email": "guess10@tuzo.example", "limit": "login-address"}]


def test_the_eleventh_attempt_on_one_account_is_refused_from_any_address(limited_client):
    client = limited_client()
    token = token_for(client)
    for n in range(10):
        assert attempt(client, token, "Target@tuzo.example", address=f"198.51.100.{n}").status_code == 401
    # The same account, normalised (case, spaces), from yet another address.
    resp = attempt(client, token, "  target@TUZO.example ", address="198.51.100.99")
    assert resp.status_code == 429 and "Retry-After" in resp.headers
    assert attempt(client, token, "other@tuzo.example", address="198.51.100.98").status_code == 401
    assert throttled_events() == [{"email": "  target@TUZO.example ", "limit": "login-account"}]


def test_only_posts_count(limited_client):
    client = limited_client()
    for _ in range(25):
        assert client.get("/login").status_code == 200
    token = token_for(client)
    assert attempt(client, token, "someone@tuzo.example").status_code == 401


@pytest.mark.parametrize("storage, shared", [(REDIS_URL, True), ("memory://", False)])
def test_redis_storage_shares_the_count_between_app_instances(limited_client, storage, shared):
    prefix = f"tuzo-test-{uuid.uuid4().hex}"
    first = limited_client(RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix)
    token = token_for(first)
    for _ in range(6):
        assert attempt(first, token, "shared@tuzo.example").status_code == 401
    second = limited_client(RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix)  # another process
    token = token_for(second)
    for _ in range(4):
        assert attempt(second, token, "shared@tuzo.example").status_code == 401
    # The eleventh attempt overall: refused only when both instances count in the same storage.
    assert attempt(second, token, "shared@tuzo.example").status_code == (429 if shared else 401)
    if shared:
        server = redis.Redis.from_url(REDIS_URL)
        keys = list(server.scan_iter(f"*{prefix}*"))
        assert keys  # the counts really are in Redis
        server.delete(*keys)


def test_the_redis_url_is_used_for_the_limiter_unless_it_has_its_own(_schema):
    base = _config(_schema)
    assert create_app({**base, "REDIS_URL": REDIS_URL}).config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    own = create_app({**base, "REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": "redis://10.0.0.9:6379"})
    assert own.config["RATELIMIT_STORAGE_URI"] == "redis://10.0.0.9:6379"
    assert create_app(base).config["RATELIMIT_STORAGE_URI"] == "memory://"
