"""WTForms' and Flask-WTF's own messages ("Not a valid choice.") come in the page's language.

awards.forms.base hands WTForms the app's catalog; awards.forms.builtin_messages keeps the
msgids in every extract. Here: every form uses the base, the list covers the installed WTForms'
catalog, every message survives an extract and has a Swahili translation, and real forms
answer in Swahili on a Swahili page and in English on an English one.
"""

import html
import importlib
import re
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_wtf import FlaskForm

from awards import seeding
from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.forms import builtin_messages
from awards.forms.base import BaseForm
from awards.models import Scorecard
from awards.services import rubrics
from tests.conftest import csrf_token, user
from tests.test_i18n import extract, sw_catalog
from tests.views.test_rubrics import edit_url, form_data

ORGANISER = "mratibu@tuzo.example"
EGA = "afisa@ega.example"
SW = {"Accept-Language": "sw"}
EN = {"Accept-Language": "en"}
SINGULAR = set(builtin_messages.WTFORMS) | set(builtin_messages.FLASK_WTF)
PLURALS = {singular for singular, _plural in builtin_messages.WTFORMS_PLURALS}


def page_text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def errors(resp) -> list[str]:
    """The field errors a page shows (render_field's <p class="error">)."""
    found = re.findall(r'<p class="error" role="alert">([^<]*)</p>', resp.get_data(as_text=True))
    return [html.unescape(text) for text in found]


# -- the mechanism ---------------------------------------------------------------------------------

def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_derives_from_the_base():
    for name in ("auth", "certificates", "declarations", "entries", "imports", "judging", "results", "rubrics"):
        importlib.import_module(f"awards.forms.{name}")  # every form class defined
    ours = [c for c in _subclasses(FlaskForm) if c.__module__.startswith("awards.")]
    assert len(ours) > 15
    assert [c.__qualname__ for c in ours if not issubclass(c, BaseForm)] == []


def test_the_list_covers_the_installed_wtforms_catalog_exactly():
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as fh:
        theirs = [m.id for m in read_po(fh) if m.id]
    assert {m for m in theirs if isinstance(m, str)} == set(builtin_messages.WTFORMS)
    assert {m for m in theirs if not isinstance(m, str)} == set(builtin_messages.WTFORMS_PLURALS)


def test_the_messages_survive_an_extract_and_are_translated(tmp_path):
    extracted = extract(tmp_path)
    assert SINGULAR | PLURALS <= extracted
    catalog = sw_catalog()
    for msgid in SINGULAR | PLURALS:
        message = catalog[msgid]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, msgid
    pair = catalog["Field cannot be longer than %(max)d character."]
    assert pair.id[1] == "Field cannot be longer than %(max)d characters."


@pytest.mark.parametrize("lang, expected", [("sw", "Tokeni ya usalama ya fomu (CSRF) haipo."),
                                            ("en", "The CSRF token is missing.")])
def test_flask_wtfs_csrf_refusal_is_translated(app, lang, expected):
    from awards.forms import LogoutForm

    with app.test_request_context("/logout", method="POST", data={}, headers={"Accept-Language": lang}):
        form = LogoutForm()
        assert not form.validate()
        assert form.csrf_token.errors == [expected]


# -- real forms, both languages --------------------------------------------------------------------

@pytest.mark.parametrize("headers, mine, theirs", [
    (SW, "Sehemu hii isizidi herufi 254.", "Field cannot be longer than 254 characters."),
    (EN, "Field cannot be longer than 254 characters.", "Sehemu hii isizidi herufi 254."),
])
def test_login_form(client, headers, mine, theirs):
    token = csrf_token(client)
    resp = client.post("/login", headers=headers, data={"csrf_token": token, "email": "a" * 250 + "@x.tz",
                                                        "password": "tuzo"})
    assert resp.status_code == 400
    assert mine in errors(resp) and theirs not in page_text(resp)
    # An empty field: the form's own message, in the same language.
    resp = client.post("/login", headers=headers, data={"csrf_token": token, "email": "", "password": "tuzo"})
    expected = "Weka barua pepe yako." if headers is SW else "Enter your email address."
    assert resp.status_code == 400 and expected in errors(resp)


@pytest.fixture
def following(demo):
    edition, _ = seeding.load_next_edition()
    for email in (ORGANISER, EGA):
        user(email).locale = None  # the browser's language decides
    db.session.commit()
    return edition


@pytest.mark.parametrize("headers, not_a_number, out_of_range, english", [
    (SW, "Andika namba sahihi (desimali zinaruhusiwa).", "Uzito lazima uwe kati ya 0 na 100.", False),
    (EN, "Not a valid decimal value.", "The weight must be between 0 and 100.", True),
])
def test_rubric_form_numbers(client, auth, following, headers, not_a_number, out_of_range, english):
    auth.login(ORGANISER)
    category = rubrics.category_of(following, "best-booth")
    token = csrf_token(client, edit_url(following))
    resp = client.post(edit_url(following), headers=headers, data=form_data(category, token, c0_weight="kumi"))
    assert resp.status_code == 400 and not_a_number in errors(resp)
    assert ("Not a valid decimal value." in page_text(resp)) is english
    resp = client.post(edit_url(following), headers=headers, data=form_data(category, token, c0_weight="150"))
    assert resp.status_code == 400 and out_of_range in errors(resp)


@pytest.mark.parametrize("headers, mine, theirs", [
    (SW, "Chaguo hili si sahihi.", "Not a valid choice."),
    (EN, "Not a valid choice.", "Chaguo hili si sahihi."),
])
def test_new_entry_with_a_category_that_is_not_offered(client, auth, following, headers, mine, theirs):
    auth.login(EGA)
    url = f"/institution/editions/{following.slug}/entries/new"
    token = csrf_token(client, url)
    resp = client.post(url, headers=headers, data={"csrf_token": token, "category": "999999", "title": "Mfumo"})
    assert resp.status_code == 400
    assert mine in errors(resp) and theirs not in page_text(resp)


@pytest.mark.parametrize("headers, mine, theirs", [
    (SW, "Sehemu hii lazima iwe na herufi kati ya 10 na 2000.", "Field must be between"),
    (EN, "Field must be between 10 and 2000 characters long.", "Sehemu hii lazima"),
])
def test_reopen_reason_too_short(client, auth, demo, headers, mine, theirs):
    user(ORGANISER).locale = None
    db.session.commit()
    card = db.session.execute(db.select(Scorecard).filter_by(status=ScorecardStatus.SUBMITTED)).scalars().first()
    auth.login(ORGANISER)
    token = csrf_token(client, f"/admin/scorecards/{card.id}")
    resp = client.post(f"/admin/scorecards/{card.id}/reopen", headers=headers,
                       data={"csrf_token": token, "reason": "fupi"})
    assert resp.status_code == 400
    assert mine in errors(resp) and theirs not in page_text(resp)


@pytest.mark.parametrize("headers, mine, theirs", [
    (SW, "Tarehe si sahihi.", "Not a valid date value."),
    (EN, "Not a valid date value.", "Tarehe si sahihi."),
])
def test_audit_filter_with_a_bad_date(client, auth, demo, headers, mine, theirs):
    user(ORGANISER).locale = None
    db.session.commit()
    auth.login(ORGANISER)
    resp = client.get("/admin/audit?from=23-06-2026", headers=headers)
    assert resp.status_code == 400
    assert mine in errors(resp) and theirs not in page_text(resp)
