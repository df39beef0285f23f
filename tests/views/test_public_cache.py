"""The shared cache of the public ranking: the rendered table is reused, a correction shows at
once, no viewer ever gets another viewer's page, and app instances share it through Redis."""

import json
import uuid

import pytest
import redis
from cachetools import TTLCache
from sqlalchemy import event

from awards import create_app
from awards.enums import ScorecardStatus
from awards.extensions import cache, db
from awards.models import Assignment, Entry, ResultSnapshot, Scorecard
from awards.services import judging, public_results, results
from tests.conftest import CSRF_RE, AuthActions, IsolatedClient, _config, user

EN = {"Accept-Language": "en"}
SW = {"Accept-Language": "sw"}
RANKING = "/results/psw-2026/innovation"
ORGANISER = "mratibu@tuzo.example"
REDIS_URL = "redis://127.0.0.1:6379/0"


def logged_in(app, email: str):
    """A browser of its own (its own cookies), logged in as ``email``."""
    client = app.test_client()
    assert AuthActions(client).login(email).status_code == 302
    return client


@pytest.fixture
def rankings_built(monkeypatch):
    """Counts how often the public ranking rows are shaped from the snapshot (once per cache miss)."""
    calls = []
    original = public_results.public_ranking

    def counting(snapshot, public_places):
        calls.append(snapshot.sha256)
        return original(snapshot, public_places)

    monkeypatch.setattr(public_results, "public_ranking", counting)
    return calls


def current_snapshot() -> ResultSnapshot:
    return db.session.execute(db.select(ResultSnapshot).filter_by(superseded=False)).scalar_one()


def fragment_key(language: str) -> str:
    category = current_snapshot().category
    key = public_results.ranking_key(category.edition.slug, category.code)
    return public_results.results_fragment_key(key, language)


def ranking_table(html: str) -> str:
    return html[html.index('<table class="ranking">'):html.index("</table>")]


def test_the_second_request_reuses_the_rendered_ranking(client, demo, rankings_built):
    first = client.get(RANKING, headers=EN)
    second = client.get(RANKING, headers=EN)  # no If-None-Match: a full page again
    assert first.status_code == second.status_code == 200
    assert len(rankings_built) == 1
    assert ranking_table(first.get_data(as_text=True)) == ranking_table(second.get_data(as_text=True))
    for row in json.loads(current_snapshot().standings)["rows"]:
        assert row["institution"]["name"] in second.get_data(as_text=True)
    client.get(RANKING, headers=SW)  # another language is another fragment
    assert len(rankings_built) == 2
    key = fragment_key("en")
    assert ranking_table(first.get_data(as_text=True)) in cache.get(key)


def publish_correction() -> tuple[ResultSnapshot, ResultSnapshot]:
    """A judge's card for the leader is sent back and scored at the bottom, then the correction is
    published. Returns the old and the new snapshot."""
    old = current_snapshot()
    leader = json.loads(old.standings)["rows"][0]
    card = db.session.execute(
        db.select(Scorecard).join(Scorecard.assignment)
        .filter(Assignment.entry_id == leader["entry_id"], Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(Scorecard.id).limit(1)
    ).scalar_one()
    judging.reopen_scorecard(card, reason="The scores were typed for the wrong entry.", actor=user(ORGANISER))
    criteria = db.session.get(Entry, leader["entry_id"]).category.criteria
    judging.save_scorecard(card.assignment, scores={c.code: c.scale_min for c in criteria}, comments={},
                           comment="", version=card.version, submit=True, actor=card.assignment.judge)
    new = results.publish_category(old.category, actor=user(ORGANISER),
                                   correction_reason="One judge's scores were entered for the wrong entry.")
    db.session.commit()
    assert new.sha256 != old.sha256
    return old, new


def test_a_correction_shows_the_new_ranking_at_once(client, demo, rankings_built):
    before = client.get(RANKING, headers=EN).get_data(as_text=True)
    old, new = publish_correction()
    leader = json.loads(old.standings)["rows"][0]
    after = client.get(RANKING, headers=EN).get_data(as_text=True)
    assert len(rankings_built) == 2  # the new snapshot is a new key: computed again, not served stale
    new_leader = json.loads(new.standings)["rows"][0]
    assert ranking_table(after) != ranking_table(before)
    assert new_leader["score"] != leader["score"] or new_leader["entry_id"] != leader["entry_id"]
    assert "These results were corrected" in after and "These results were corrected" not in before


def test_each_process_keeps_the_lookup_for_public_lookup_seconds(app, client, demo):
    """The production memo (PUBLIC_LOOKUP_SECONDS, awards.cache.recent) on a clock of the test's own:
    within its life a correction is not yet seen by this process; after it, it is."""
    now = [0.0]
    app.extensions["tuzo_recent_lookups"] = TTLCache(maxsize=1024, ttl=1.0, timer=lambda: now[0])
    queries = []

    def count(conn, cursor, statement, *args):
        queries.append(statement)

    before = client.get(RANKING, headers=EN)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(RANKING, headers=EN).get_data() == before.get_data()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert not [q for q in queries if q.lstrip().upper().startswith("SELECT")]  # page and lookup both kept
    publish_correction()
    now[0] = 0.9
    assert "These results were corrected" not in client.get(RANKING, headers=EN).get_data(as_text=True)
    assert client.get("/results/psw-2026/no-such-category").status_code == 404  # nothing found: not kept
    now[0] = 1.01
    assert "These results were corrected" in client.get(RANKING, headers=EN).get_data(as_text=True)


def test_viewers_never_get_each_others_page(app, demo):
    judge, officer = "juma.salim@tuzo.example", "afisa@mnh.example"
    app.test_client_class = IsolatedClient  # each request in its own app context, as in production
    anonymous = app.test_client()
    pages = {}
    for email in (judge, officer):
        client = logged_in(app, email)
        pages[email] = client.get(RANKING, headers=EN).get_data(as_text=True)
    pages[""] = anonymous.get(RANKING, headers=EN).get_data(as_text=True)
    names = {email: user(email).name for email in (judge, officer)}
    tokens = {who: set(CSRF_RE.findall(html)) for who, html in pages.items()}
    assert names[judge] in pages[judge] and names[officer] in pages[officer]
    assert names[judge] not in pages[officer] and names[officer] not in pages[judge]
    assert not any(name in pages[""] for name in names.values())
    assert tokens[judge] and tokens[officer] and not tokens[""]  # an anonymous page carries no token
    assert not (tokens[judge] & tokens[officer])
    # The shared part is the same for all three, and what is cached holds nobody's name or token.
    assert ranking_table(pages[judge]) == ranking_table(pages[officer]) == ranking_table(pages[""])
    cached = cache.get(fragment_key("en"))
    assert cached and not any(name in cached for name in names.values())
    assert "csrf_token" not in cached and "logout" not in cached.lower()


def test_podium_only_is_its_own_cache_entry(client, demo, rankings_built):
    rows = json.loads(current_snapshot().standings)["rows"]
    fourth = next(r for r in rows if r["rank"] > 3)
    assert fourth["institution"]["name"] in client.get(RANKING, headers=EN).get_data(as_text=True)
    demo.public_places = 3
    db.session.commit()
    html = client.get(RANKING, headers=EN).get_data(as_text=True)
    assert fourth["institution"]["name"] not in html and "Other entries that took part" in html
    assert len(rankings_built) == 2


@pytest.fixture
def redis_app(_schema):
    """Another app instance on the test database whose cache is Redis; its engine is closed after."""
    made = []

    def make(prefix: str, url: str = REDIS_URL):
        instance = create_app(_config(_schema) | {"REDIS_URL": url, "CACHE_KEY_PREFIX": prefix})
        instance.test_client_class = IsolatedClient
        made.append(instance)
        return instance

    yield make
    for instance in made:
        with instance.app_context():
            db.engine.dispose()


def test_two_app_instances_share_the_ranking_through_redis(redis_app, demo, rankings_built):
    prefix = f"tuzo:test-{uuid.uuid4().hex}:"
    store = redis.Redis.from_url(REDIS_URL)
    first, second = redis_app(prefix), redis_app(prefix)
    assert first.config["CACHE_TYPE"] == second.config["CACHE_TYPE"] == "RedisCache"
    try:
        one = first.test_client().get(RANKING, headers=EN)
        assert one.status_code == 200 and len(rankings_built) == 1
        keys = [k.decode() for k in store.scan_iter(match=f"{prefix}*")]
        # The rendered results, and the whole page an anonymous visitor gets.
        assert sorted(keys) == sorted([prefix + fragment_key("en"), next(k for k in keys if ":page:" in k)])
        two = second.test_client().get(RANKING, headers=EN)
        assert two.status_code == 200
        assert len(rankings_built) == 1  # the second instance found the first one's table in Redis
        assert ranking_table(one.get_data(as_text=True)) == ranking_table(two.get_data(as_text=True))
    finally:
        for key in store.scan_iter(match=f"{prefix}*"):
            store.delete(key)
        store.close()


def test_the_page_works_when_redis_is_down(redis_app, demo, rankings_built):
    down = redis_app(f"tuzo:test-{uuid.uuid4().hex}:", url="redis://127.0.0.1:1/0")
    client = down.test_client()
    for _ in range(2):
        resp = client.get(RANKING, headers=EN)
        assert resp.status_code == 200 and '<table class="ranking">' in resp.get_data(as_text=True)
    assert len(rankings_built) == 2  # nothing cached: built each time


def test_a_renamed_category_shows_at_once(client, demo, rankings_built):
    client.get(RANKING, headers=EN)
    category = current_snapshot().category
    category.name_en = "Innovation in public services (renamed)"
    db.session.commit()
    html = client.get(RANKING, headers=EN).get_data(as_text=True)
    assert "<h1>Innovation in public services (renamed)</h1>" in html
    assert len(rankings_built) == 2


def test_anonymous_visitors_share_the_whole_page(app, client, demo, monkeypatch):
    """Rendered once per publication and language for every anonymous visitor: no template, no
    cookie; a logged-in viewer, a visitor with a message waiting or a query string gets their own."""
    from awards.views import public

    renders = []
    original = public.render_template
    monkeypatch.setattr(public, "render_template", lambda *a, **k: renders.append(a[0]) or original(*a, **k))
    first = client.get(RANKING, headers=EN)
    again = app.test_client().get(RANKING, headers=EN)  # another visitor, no cookie
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data() and "Set-Cookie" not in first.headers
    assert renders == ["public/_category_results.html", "public/category_results.html"]
    assert app.test_client().get(RANKING, headers=SW).status_code == 200 and len(renders) == 4  # Swahili: its own
    assert app.test_client().get(RANKING + "?x=1", headers=EN).status_code == 200 and len(renders) == 5

    officer = logged_in(app, "afisa@mnh.example")
    page = officer.get(RANKING, headers=EN).get_data(as_text=True)
    assert user("afisa@mnh.example").name in page and len(renders) == 6


def test_the_language_switch_needs_a_token_only_when_logged_in(app, client, demo):
    """Anonymous: the choice only touches the visitor's own session. Logged in: it is saved on the
    account, so a cross-site post without the token is refused."""
    resp = client.post("/language", data={"lang": "en", "next": RANKING})
    assert resp.status_code == 302 and resp.headers["Location"] == RANKING
    assert "English" in client.get(RANKING).get_data(as_text=True)

    member = logged_in(app, "afisa@mnh.example")
    before = user("afisa@mnh.example").locale
    assert member.post("/language", data={"lang": "en" if before == "sw" else "sw", "next": "/"}).status_code == 303
    db.session.expire_all()
    assert user("afisa@mnh.example").locale == before
