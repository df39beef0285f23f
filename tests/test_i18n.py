"""Every user-facing string is in the Swahili catalog, translated."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
SW_PO = ROOT / "awards" / "translations" / "sw" / "LC_MESSAGES" / "messages.po"


def extract(tmp_path: Path, source_root: Path = ROOT) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.*", "-o", str(pot), "--no-location", str(source_root)],
        check=True, cwd=source_root, capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def sw_catalog() -> dict[str, str]:
    with SW_PO.open("rb") as fh:
        return {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(fh) if m.id}


def test_every_extracted_string_has_a_swahili_translation(tmp_path):
    catalog = sw_catalog()
    extracted = extract(tmp_path)
    assert len(extracted) > 100
    assert "web link, opens in a new tab" in extracted  # templates/_macros is scanned too
    missing = sorted(extracted - set(catalog))
    assert missing == [], "strings not in the Swahili catalog (run pybabel extract/update):\n" + "\n".join(missing)
    untranslated = sorted(k for k in extracted if not catalog[k].string or catalog[k].fuzzy)
    assert untranslated == [], "untranslated or fuzzy Swahili messages:\n" + "\n".join(untranslated)


def test_placeholders_survive_translation():
    import re

    pattern = re.compile(r"%\(\w+\)[sd]")
    for msgid, message in sw_catalog().items():
        # A plural entry (WTForms' messages) has one string per plural form; each keeps the placeholders.
        for string in message.string if isinstance(message.string, tuple) else (message.string,):
            if string:
                assert sorted(pattern.findall(msgid)) == sorted(pattern.findall(string)), msgid


def test_the_check_fails_on_a_string_outside_the_catalog(tmp_path):
    """A new template string that nobody translated is caught by the same extraction."""
    source = tmp_path / "src"
    (source / "awards" / "templates").mkdir(parents=True)
    (source / "awards" / "templates" / "new.html").write_text('{{ _("A sentence nobody has translated yet") }}')
    extracted = extract(tmp_path, source)
    assert extracted - set(sw_catalog()) == {"A sentence nobody has translated yet"}


@pytest.mark.parametrize("lang, text", [("sw", "Ingia"), ("en", "Log in")])
def test_pages_come_in_the_chosen_language(client, lang, text):
    resp = client.get("/login", headers={"Accept-Language": lang})
    assert resp.status_code == 200
    assert f'<html lang="{lang}">' in resp.get_data(as_text=True)
    assert f"<h1>{text}</h1>" in resp.get_data(as_text=True)


def test_language_switch_is_remembered(client):
    # An anonymous visitor's page has no token to send (tests/views/test_public_cache.py: a logged-in
    # user's choice, saved on the account, needs one).
    resp = client.post("/language", data={"lang": "en", "next": "/verify"}, headers={"Accept-Language": "sw"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/verify")
    # The browser still prefers Swahili, but the choice wins on every later page.
    assert "<h1>Verify a certificate</h1>" in client.get("/verify", headers={"Accept-Language": "sw"}).get_data(as_text=True)
    assert client.post("/language", data={"lang": "fr"}).status_code == 303


def test_a_logged_in_users_choice_is_stored(client, auth, demo):
    from awards.extensions import db
    from tests.conftest import csrf_token, user

    auth.login("afisa@mnh.example")
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "lang": "en", "next": "/"})
    db.session.expire_all()
    assert user("afisa@mnh.example").locale == "en"
