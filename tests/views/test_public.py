"""The public results: pages, open data, cache validators, the public places setting, the
OpenAPI document and the rate limit on certificate lookups. Everything is read from snapshots."""

import csv
import io
import json
import re

import pytest
from sqlalchemy import event

from awards import create_app, scoring
from awards.extensions import db
from awards.models import AuditEvent, Edition, Entry, ResultSnapshot
from awards.openapi import document
from tests.conftest import _config, csrf_token

EN = {"Accept-Language": "en"}
SW = {"Accept-Language": "sw"}
ORGANISER = "mratibu@tuzo.example"
RANKING = "/results/psw-2026/innovation"


def snapshot_rows() -> list[dict]:
    snapshot = db.session.execute(db.select(ResultSnapshot).filter_by(superseded=False)).scalar_one()
    return json.loads(snapshot.standings)["rows"]


def podium_only(demo):
    demo.public_places = 3
    db.session.commit()


def test_index_lists_editions_with_published_results(client, demo):
    resp = client.get("/", headers=EN)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'href="/results/psw-2026"' in html and "Public Service Week Competition 2026" in html
    assert "Innovation in service delivery" in html


def test_index_without_publication_lists_no_edition(client, demo):
    db.session.execute(db.update(ResultSnapshot).values(superseded=True))
    db.session.commit()
    html = client.get("/", headers=EN).get_data(as_text=True)
    assert 'href="/results/psw-2026"' not in html and "No results have been published yet" in html
    assert client.get("/results/psw-2026").status_code == 404


def test_edition_page_shows_podiums_and_unpublished_categories(client, demo):
    resp = client.get("/results/psw-2026", headers=EN)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    innovation = html[html.index(f'href="{RANKING}"'):]
    innovation = innovation[:innovation.index("</section>")]
    assert "Published" in innovation
    rows = snapshot_rows()
    for row in rows[:3]:
        assert f'class="podium podium-{row["rank"]}"' in innovation and row["institution"]["name"] in innovation
    for row in rows[3:]:
        assert row["institution"]["name"] not in innovation  # the podium only
    booth = html[html.index("Best booth or pavilion"):]
    assert booth[:booth.index("</section>")].count("Not published yet") == 1
    assert client.get("/results/no-such-edition").status_code == 404


def test_ranking_page_reads_the_snapshot_only(app, client, demo, monkeypatch):
    client.get(RANKING)  # warm up (templates compiled); in Swahili, so the English page is built below
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def forbidden(*args, **kwargs):
        raise AssertionError("the public page must not compute standings")

    monkeypatch.setattr(scoring, "compute_standings", forbidden)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        resp = client.get(RANKING, headers=EN)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    # What the page depends on (plain columns, one query), then category, edition and snapshot with its
    # standings to build the page (one query).
    assert len(statements) == 2, statements
    assert all("scorecard" not in s.lower() for s in statements)
    # Built once, the page is served from the cache: one query, to know the current publication.
    statements.clear()
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(RANKING, headers=EN).get_data() == resp.get_data()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements


def without_tokens(body: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" type="hidden" value="[^"]*"', b'name="csrf_token"', body)


@pytest.mark.parametrize("path", [RANKING, f"{RANKING}.csv", f"{RANKING}.json", "/results/psw-2026", "/"])
def test_a_matching_if_none_match_gets_304(client, demo, path):
    first = client.get(path, headers=EN)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    assert "Cookie" in first.headers["Vary"]
    again = client.get(path, headers={**EN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    stale = client.get(path, headers={**EN, "If-None-Match": '"something-else"'})
    # The same page again; only the language form's CSRF token may differ (it carries a timestamp).
    assert stale.status_code == 200 and without_tokens(stale.data) == without_tokens(first.data)


def test_the_etag_changes_with_language_and_public_places(client, demo):
    en = client.get(RANKING, headers=EN)
    sw = client.get(RANKING, headers=SW)
    assert en.headers["ETag"] != sw.headers["ETag"]
    assert "Accept-Language" in en.headers["Vary"] and "Cookie" in en.headers["Vary"]
    assert client.get(RANKING, headers={**SW, "If-None-Match": en.headers["ETag"]}).status_code == 200
    data = client.get(f"{RANKING}.json")
    podium_only(demo)
    assert client.get(RANKING, headers=EN).headers["ETag"] != en.headers["ETag"]
    assert client.get(f"{RANKING}.json", headers={"If-None-Match": data.headers["ETag"]}).status_code == 200


def test_open_data_matches_the_snapshot(client, demo):
    rows = snapshot_rows()
    resp = client.get(f"{RANKING}.csv")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert lines[0] == ["place", "tied", "institution", "acronym", "entry", "score", "judges"]
    assert lines[1:] == [[str(r["rank"]), "true" if r["tied"] else "false", r["institution"]["name"],
                          r["institution"]["acronym"], r["title"], r["score"], str(r["judges"])] for r in rows]
    data = client.get(f"{RANKING}.json").get_json()
    snapshot = db.session.execute(db.select(ResultSnapshot)).scalar_one()
    assert data["sha256"] == snapshot.sha256 and data["public_places"] is None and data["other_entries"] == 0
    assert [(r["place"], r["institution"], r["score"]) for r in data["rows"]] == [
        (r["rank"], r["institution"]["name"], r["score"]) for r in rows]
    assert client.get("/results/psw-2026/best-booth.json").status_code == 404  # not published
    assert client.get("/results/psw-2026/best-booth.csv").status_code == 404


def test_podium_only_keeps_later_places_private(client, auth, demo):
    rows = snapshot_rows()
    later = [r for r in rows if r["rank"] > 3]
    assert len(later) >= 2  # the demo has a 4th and a 5th place
    podium_only(demo)
    html = client.get(RANKING, headers=EN).get_data(as_text=True)
    for row in rows[:3]:
        assert row["institution"]["name"] in html
    for row in later:
        assert row["institution"]["name"] not in html and row["title"] not in html
    assert f"Other entries that took part: {len(later)}." in html
    body = client.get(f"{RANKING}.csv").get_data(as_text=True)
    data = client.get(f"{RANKING}.json").get_json()
    assert [r["place"] for r in data["rows"]] == [1, 2, 3] and data["other_entries"] == len(later)
    assert data["public_places"] == 3
    for row in later:
        assert row["institution"]["name"] not in body and row["institution"]["name"] not in json.dumps(data)
    # The institution still sees its own place on its own pages.
    last = later[-1]
    entry = db.session.get(Entry, last["entry_id"])
    officer = entry.institution.acronym.lower()
    auth.login(f"afisa@{officer}.example")
    page = client.get(f"/institution/entries/{entry.id}/feedback", headers=EN).get_data(as_text=True)
    assert f"Place {last['rank']} of {len(rows)} ranked entries" in page


def test_organiser_chooses_the_public_places(client, auth, demo):
    auth.login(ORGANISER)
    dashboard = client.get("/admin/", headers=EN).get_data(as_text=True)
    assert 'action="/admin/editions/psw-2026/public-places"' in dashboard
    token = csrf_token(client, "/admin/")
    url = "/admin/editions/psw-2026/public-places"
    assert client.post(url, data={"csrf_token": token, "public_places": "7"}, headers=EN).status_code == 400
    resp = client.post(url, data={"csrf_token": token, "public_places": "3"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Edition, demo.id).public_places == 3
    event_ = db.session.execute(db.select(AuditEvent).filter_by(action="edition.public_places")).scalar_one()
    assert event_.before == {"public_places": None} and event_.after == {"public_places": 3}
    assert client.post(url, data={"csrf_token": token, "public_places": "all"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Edition, demo.id).public_places is None


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_document_matches_the_app(app, client, demo):
    resp = client.get("/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc == json.loads(json.dumps(document())) and doc["openapi"].startswith("3.1")
    routed = {_openapi_path(r.rule) for r in app.url_map.iter_rules()}
    assert set(doc["paths"]) - routed == set()
    schemas = doc["components"]["schemas"]
    data = client.get(f"{RANKING}.json").get_json()
    results = schemas["CategoryResults"]
    assert set(results["required"]) <= set(data) and set(data) <= set(results["properties"])
    for key in ("edition", "category"):
        assert set(results["properties"][key]["required"]) <= set(data[key])
    row_schema = schemas["ResultRow"]
    types = {"integer": int, "boolean": bool, "string": str}
    for row in data["rows"]:
        assert set(row) == set(row_schema["required"]) == set(row_schema["properties"])
        for key, spec in row_schema["properties"].items():
            assert isinstance(row[key], types[spec["type"]]), key
            if "pattern" in spec:
                assert re.fullmatch(spec["pattern"], row[key])


def test_certificate_lookups_are_rate_limited(_schema):
    app = create_app({**_config(_schema), "VERIFY_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    for _ in range(3):
        assert client.get("/verify", headers=EN).status_code == 200
    resp = client.get("/verify/PSW-2026-0000-0000-0000", headers=EN)  # the two lookups share one budget
    assert resp.status_code == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 60
    assert "Too many certificate checks" in resp.get_data(as_text=True)
    sw = client.get("/verify", headers=SW)
    assert sw.status_code == 429 and "Too many certificate checks" not in sw.get_data(as_text=True)
    assert client.get("/", headers=EN).status_code == 200  # the other pages are not limited
    with app.app_context():
        db.engine.dispose()
