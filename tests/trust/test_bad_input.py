"""Bad input never gives a 5xx, and saves nothing.

Every POST route in the URL map gets garbage from someone who may use it, with a valid CSRF
token: forms whose every field is malformed (empty, negative, huge numbers, NaN, odd digits,
huge strings, NUL bytes), JSON of every wrong shape, uploads of junk, and unknown or out-of-range
ids in the URL. Each answer must be below 500, and no table may change but for audit events of
refusals. The judge's autosave is then fuzzed with Hypothesis: random JSON, and dicts with the
right keys and wrong values; the stored scorecard is either unchanged or validly changed.
"""

import importlib
import io
import inspect
import json
import pkgutil
import re
from decimal import Decimal

import pytest
from flask import url_for
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.fields.core import UnboundField

import awards.forms
from awards import create_app
from awards.enums import ScorecardStatus, Stage
from awards.extensions import db
from awards.models import Assignment, AuditEvent, Criterion, DeclarationSignature, Entry
from awards.services import judging
from awards.services.editions import levels_for, plain
from awards.views.errors import READS_JSON
from tests.conftest import csrf_token, user
from tests.views import test_access_matrix as matrix

objects = matrix.objects  # the access matrix's demo objects (a fixture), so its url_args apply here

HUGE = "x" * 30_000
GARBAGE = ["", " ", "-1", "-0.5", "1.5", "\u00b2", "NaN", "-Infinity", "1e999", "2147483648",
           "99999999999999999999999999", "[]", "null", "\x00", "<b>", "\u00fc\u00ef", HUGE]
JSON_GARBAGE = [b"{", b"[]", b"null", b'"x"', b"1e999", b'{"version": "1"}', b'{"version": 1e400}',
                b'{"version": -1, "scores": []}', b'{"version": 0, "scores": {"x": {"y": []}}}',
                b"[" * 50_000 + b"]" * 50_000, b"\xff\xfe\x00"]
TEXT_GARBAGE = ["", HUGE, "\x00"]
OUT_OF_RANGE_IDS = [0, 2**31, 2**63, 10**30]
# Actions whose only input is the POST itself, or a confirmation box (any value ticks it): log out,
# an organiser issuing a reset link, publishing a category or preparing the next certificates.
# Garbage sent with them is ignored and the action is done, so only their status is checked.
NO_INPUT = {"auth.logout", "admin.issue_reset_link", "admin.publish_category", "certificates_admin.prepare"}
# Audit events that a refusal may leave (e.g. a failed login); anything else is a write.
DENIAL = re.compile(r"(denied|refused|fail|rejected|locked|throttl|rate)", re.I)


def form_fields():
    """(name, unbound field) of every field of every form class in awards.forms."""
    for info in pkgutil.iter_modules(awards.forms.__path__):
        module = importlib.import_module(f"awards.forms.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm):
                for attr in dir(cls):
                    field = getattr(cls, attr, None)
                    if isinstance(field, UnboundField):
                        yield field.kwargs.get("name") or attr, field


def form_field_names() -> set[str]:
    """The names of every form field, and of the fields views read directly."""
    return {"email", "password", "entry_id", "judge_id", "judges_per_entry", "public_places", "stage", "add",
            "lang", "next", "version", "comment"} | {name for name, _ in form_fields()}


def text_field_names() -> set[str]:
    return {"comment", "reason"} | {name for name, field in form_fields() if issubclass(field.field_class, StringField)}


def file_field_names() -> set[str]:
    names = {"file", "file-entry"}
    for info in pkgutil.iter_modules(awards.forms.__path__):
        source = inspect.getsource(importlib.import_module(f"awards.forms.{info.name}"))
        names.update(re.findall(r"(\w+)\s*=\s*FileField\(", source))
    return names


def per_criterion_names(ids) -> set[str]:
    return {f"{prefix}{i}" for i in ids for prefix in ("score_", "comment_", "narrative_", "url-", "text-",
                                                       "privacy-")}


def table_state() -> dict[str, list]:
    """Every row of every table, so that any insert, update or delete shows."""
    db.session.expire_all()
    state = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name == "audit_events":
                continue
            rows = conn.execute(select(table)).all()
            state[table.name] = sorted(map(repr, rows))
        conn.rollback()
    return state


def done(value):
    """End the test's own read transaction (on SQLite it holds the write lock the requests need)."""
    db.session.rollback()
    return value


def audit_count() -> int:
    return done(db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def new_audit_actions(since: int) -> list[str]:
    return done(list(db.session.execute(
        select(AuditEvent.action).order_by(AuditEvent.id).offset(since)).scalars()))


def post_routes(app):
    return sorted({(rule.endpoint, rule.rule) for rule in app.url_map.iter_rules() if "POST" in rule.methods})


def actor_for(endpoint: str) -> str:
    """Someone the access matrix lets through to the route (not refused with 403/404 or sent to log in)."""
    expected = matrix.MATRIX[(endpoint, "POST")]
    prefer = {"judging": matrix.J, "institutions": matrix.I, "auth": matrix.A}.get(endpoint.split(".")[0], matrix.O)
    for actor in [prefer, *matrix.ACTORS]:
        if expected.get(actor, expected.get("*")) not in (403, 404, matrix.LOGIN):
            return actor
    return prefer


def build_url(app, endpoint: str, rule: str, args: dict, override: dict | None = None) -> str:
    converters = app.url_map._rules_by_endpoint[endpoint][0]._converters
    values = {}
    for name, converter in converters.items():
        values[name] = args.get(name, 999_999 if type(converter).__name__ == "IntegerConverter" else "no-such")
    values.update(override or {})
    with app.test_request_context():
        return url_for(endpoint, **values, _external=False)


def test_every_post_route_has_an_actor(app):
    routes = post_routes(app)
    assert sorted(r for group in ROUTES.values() for r in group) == routes
    assert len(routes) >= 25
    for endpoint, _ in routes:
        assert (endpoint, "POST") in matrix.MATRIX, endpoint


def garbage_requests(app, endpoint, rule, url, args, token, fields, texts, files):
    requests = []
    for i, value in enumerate(GARBAGE):
        # Free text is never odd in itself, so text fields get what is wrong for any text: nothing,
        # too much, a NUL byte. Every other field gets the odd value.
        data = {name: TEXT_GARBAGE[i % len(TEXT_GARBAGE)] if name in texts else value for name in fields}
        requests.append((url, {"data": {**data, "csrf_token": token}}))
        if value in ("-1", "NaN", "1e999", "[]"):
            # Every field once more as two values; and "Add" pointing at the odd value.
            requests.append((url, {"data": {**{n: [v, "1"] for n, v in data.items()}, "add": value,
                                            "csrf_token": token}}))
    # Every form route refuses any JSON the same way (errors.readable_input); the autosave reads it.
    for body in JSON_GARBAGE if endpoint in READS_JSON else JSON_GARBAGE[:3]:
        requests.append((url, {"data": body, "headers": {"Content-Type": "application/json", "X-CSRFToken": token}}))
    junk = {name: (io.BytesIO(b"\x00\xffnot,a\ncsv\xfe" * 100), "../../etc/pass\x00wd") for name in files}
    requests.append((url, {"data": {**{n: "" for n in fields}, "add": "entry", "privacy-entry": "y", **junk,
                                    "csrf_token": token}, "content_type": "multipart/form-data"}))
    for name, converter in app.url_map._rules_by_endpoint[endpoint][0]._converters.items():
        if type(converter).__name__ == "IntegerConverter":
            for bad in OUT_OF_RANGE_IDS:
                requests.append((build_url(app, endpoint, rule, args, {name: bad}), {"data": {"csrf_token": token}}))
    return requests


def routes_by_actor() -> dict[str, list]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    grouped: dict[str, list] = {}
    for endpoint, rule in post_routes(app):
        grouped.setdefault(actor_for(endpoint), []).append((endpoint, rule))
    # The routes that do change something run last, so the others all start from the demo as loaded.
    return {actor: sorted(routes, key=lambda r: (r[0] in NO_INPUT, r)) for actor, routes in grouped.items()}


ROUTES = routes_by_actor()


@pytest.mark.parametrize("actor", sorted(ROUTES))
def test_garbage_to_every_post_route_is_refused_and_saves_nothing(app, client, auth, objects, actor):
    criteria = done(db.session.execute(select(Criterion.id)).scalars().all())
    fields = sorted(form_field_names() | per_criterion_names(criteria[:40]))
    texts = text_field_names() | {n for n in fields if n.startswith(("comment_", "narrative_", "text-"))}
    files = sorted(file_field_names() | {f"file-{i}" for i in criteria[:40]})
    targets = []
    for endpoint, rule in ROUTES[actor]:
        args = matrix.url_args(endpoint, actor, objects)
        targets.append((endpoint, rule, args, build_url(app, endpoint, rule, args)))
    done(None)
    if matrix.ACTORS[actor]:
        auth.login(matrix.ACTORS[actor])
    token = csrf_token(client, "/" if matrix.ACTORS[actor] else "/login")  # anonymous pages carry none
    before, audit_before = table_state(), audit_count()

    failures = []
    for endpoint, rule, args, url in targets:
        for target, kwargs in garbage_requests(app, endpoint, rule, url, args, token, fields, texts, files):
            resp = client.post(target, **kwargs)
            if resp.status_code >= 500:
                failures.append(f"{endpoint}: {resp.status_code} for {str(kwargs.get('data'))[:120]!r} to {target}")
            resp.close()
            if endpoint == "auth.logout" and matrix.ACTORS[actor]:
                auth.login(matrix.ACTORS[actor])
        if endpoint in NO_INPUT:
            continue  # see NO_INPUT; the routes after it are NO_INPUT too
        if table_state() != before:
            failures.append(f"{endpoint}: garbage changed the stored data")
            before = table_state()
        writes = [a for a in new_audit_actions(audit_before) if not DENIAL.search(a)]
        if writes:
            failures.append(f"{endpoint}: garbage was audited as {writes}")
        audit_before = audit_count()
    assert len(targets) >= 1
    assert failures == []


# --- The judge's autosave, fuzzed ---------------------------------------------------------------

JUDGE = matrix.ACTORS[matrix.J]
CURRENT = object()  # stands for the scorecard's current version, so most drafts get past the lock


@pytest.fixture
def draft_assignment(demo, auth, client):
    """A judge's assignment that can still be scored (judging open, declaration signed, no scorecard)."""
    judge = user(JUDGE)
    rows = db.session.execute(select(Assignment).filter_by(judge_id=judge.id)).scalars()
    assignment = next(a for a in rows if a.scorecard is None and a.entry.edition.stage is Stage.JUDGING
                      and not judging.category_is_published(a.entry.category))
    if judging.signature_for(judge, assignment.entry.edition_id) is None:
        db.session.add(DeclarationSignature(judge=judge, edition_id=assignment.entry.edition_id,
                                            signed_name=judge.name))
        db.session.commit()
    assignment_id = done(assignment.id)
    auth.login(JUDGE)
    return assignment_id


def stored(assignment_id: int):
    db.session.expire_all()
    card = db.session.get(Assignment, assignment_id).scorecard
    return done(None if card is None else judging.scorecard_data(card))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
score_values = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=-10**30, max_value=10**30).map(str)
    | st.floats() | st.decimals().map(str)
    | st.sampled_from(["", "NaN", "sNaN", "-Infinity", "1e999999", "-0", "4.0000001", "2.5", "\u0663", "\u00b2", "x"])
    | st.lists(st.integers(), max_size=2) | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


def payloads(valid: dict[str, set[str]]):
    code = st.integers(0, 7).flatmap(lambda i: st.sampled_from(sorted(valid)) if i else (
        st.sampled_from(["", "nope", "__proto__"]) | st.text(max_size=10)))
    levels = st.sampled_from(sorted(set().union(*valid.values())))
    def mostly(good, bad):  # three in four draws are well formed, so many drafts get to the rules
        return st.integers(0, 3).flatmap(lambda i: good if i else bad)

    keyed = st.fixed_dictionaries({
        "version": mostly(st.just(CURRENT), json_values | st.integers(min_value=-2**70, max_value=2**70)),
        "scores": mostly(st.dictionaries(code, mostly(levels, score_values), max_size=6), json_values),
        "comments": mostly(st.dictionaries(code, st.text(max_size=30), max_size=4),
                           json_values | st.dictionaries(code, st.just("y" * 2001) | json_values, min_size=1)),
        "comment": mostly(st.text(max_size=30), json_values | st.just("z" * 5001)),
    })
    return st.integers(0, 3).flatmap(lambda i: keyed if i else json_values)


def test_autosave_fuzz_never_fails_and_stores_only_valid_drafts(app, client, draft_assignment):
    category = db.session.get(Assignment, draft_assignment).entry.category
    valid = done({c.code: {plain(level) for level, _ in levels_for(c)} for c in category.criteria})
    url = f"/judging/assignments/{draft_assignment}/autosave"
    token = csrf_token(client, "/")
    seen = {"saved": 0, "refused": 0}

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(payload=payloads(valid))
    def run(payload):
        before = stored(draft_assignment)
        if isinstance(payload, dict) and payload.get("version") is CURRENT:
            payload = {**payload, "version": before["version"] if before else 0}
        body = json.dumps(payload)  # NaN and Infinity included: Python's JSON reads them
        resp = client.post(url, data=body, headers={"Content-Type": "application/json", "X-CSRFToken": token})
        assert resp.status_code < 500, body[:300]
        assert resp.is_json and resp.status_code in (200, 400, 403, 409), (resp.status_code, body[:300])
        after = stored(draft_assignment)
        if resp.status_code != 200:
            seen["refused"] += 1
            assert "error" in resp.get_json()
            assert after == before
            return
        seen["saved"] += 1
        assert after["version"] == resp.get_json()["version"] and after["status"] == ScorecardStatus.DRAFT.value
        assert after["version"] > (before["version"] if before else 0)
        for code, value in after["scores"].items():
            assert value is None or value in valid[code], (code, value)
            sent = (payload["scores"] or {}).get(code, "absent")  # null or {} for no scores is a valid draft
            if sent != "absent":
                assert value == (None if sent in (None, "") else plain(Decimal(str(sent))))
        if isinstance(payload.get("comment"), str):
            assert after["comment"] == payload["comment"].strip()

    run()
    assert seen["saved"] > 5 and seen["refused"] > 50, seen
    assert db.session.execute(select(func.count()).select_from(Entry)).scalar_one() > 0


ODD_NUMBERS = ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "1e999999", "1e-999999", "4.0000000000000000000001",
               "99999999999999999999999999999", "-1", "0x4", "4_0", 10**40, -(10**40), 2.5e308, True, [], {}]


def test_autosave_refuses_odd_numbers_and_keeps_the_draft(client, draft_assignment):
    category = db.session.get(Assignment, draft_assignment).entry.category
    code = done(category.criteria[0].code)
    token = csrf_token(client, "/")
    for value in ODD_NUMBERS:
        resp = client.post(f"/judging/assignments/{draft_assignment}/autosave",
                           json={"version": 0, "scores": {code: value}}, headers={"X-CSRFToken": token})
        assert resp.status_code == 400 and resp.get_json()["error"], value
    assert stored(draft_assignment) is None


def test_a_body_over_the_size_limit_is_a_413_that_says_the_limit(app, client, auth, objects, draft_assignment):
    """MAX_CONTENT_LENGTH: a page for a form (the evidence upload), JSON for the autosave; nothing saved."""
    app.config["MAX_CONTENT_LENGTH"] = 4096
    entry_id = done(objects["entry"].id)
    before = table_state()
    token = csrf_token(client, "/")  # the judge (draft_assignment logged in)
    resp = client.post(f"/judging/assignments/{draft_assignment}/autosave", json={"version": 0, "comment": "x" * 9000},
                       headers={"X-CSRFToken": token})
    assert resp.status_code == 413 and resp.is_json
    assert re.search(r"\b(4 KB|KB 4)\b", resp.get_json()["error"])

    auth.login(matrix.ACTORS[matrix.I])
    token = csrf_token(client, "/")
    upload = {"csrf_token": token, "add": "entry", "privacy-entry": "y",
              "file-entry": (io.BytesIO(b"%PDF-1.4\n" + b"0" * 9000), "evidence.pdf")}
    for language, words in (("en", "the limit is 4 KB"), ("sw", "kikomo ni KB 4")):
        client.post("/language", data={"csrf_token": token, "lang": language, "next": "/"})
        resp = client.post(f"/institution/entries/{entry_id}/evidence", data=upload,
                           content_type="multipart/form-data")
        assert resp.status_code == 413 and resp.mimetype == "text/html"
        assert words in resp.get_data(as_text=True)
        upload["file-entry"] = (io.BytesIO(b"%PDF-1.4\n" + b"0" * 9000), "evidence.pdf")
    after = table_state()
    after["users"] = before["users"]  # the language choice is kept on the account
    assert after == before
