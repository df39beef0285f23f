"""The organiser's import page: uploads, the table of bad rows, and initial passwords shown once."""

import io
import re

import pytest

from awards.enums import Role
from awards.extensions import db
from awards.models import Institution, User
from awards.services import accounts
from tests.conftest import csrf_token
from tests.services.test_imports import institution_rows, institutions_csv, judges_csv

PAGE = "/admin/imports/"
ORGANISER, PASSWORD = "org@tuzo.example", "a-long-passphrase"


@pytest.fixture
def organiser(app, client, auth):
    accounts.create_user(ORGANISER, name="Mratibu", role=Role.ORGANISER, password=PASSWORD)
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # English unless a test asks otherwise
    auth.login(ORGANISER, PASSWORD)


def upload(client, endpoint: str, field: str, data: bytes, name: str = "file.csv"):
    token = csrf_token(client, PAGE)
    return client.post(f"{PAGE}{endpoint}", data={"csrf_token": token, field: (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("lang, heading, nothing", [
    ("en", "Import institutions and judges", "nothing is imported"),
    ("sw", "Ingiza taasisi na waamuzi", "hakuna kitakachoingizwa"),
])
def test_the_page_comes_in_both_languages(client, organiser, lang, heading, nothing):
    resp = client.get(PAGE, headers={"Accept-Language": lang})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f"<h1>{heading}</h1>" in html and nothing in html
    assert "acronym,name,type,parent" in html and "email,name,institution,specialities" in html
    assert resp.headers["Cache-Control"] == "private, no-store"


def test_the_console_links_to_the_import_page(client, organiser):
    assert f'href="{PAGE}"' in client.get("/admin/").get_data(as_text=True)


def test_a_bad_file_answers_400_with_every_bad_row(client, organiser):
    rows = institution_rows()
    rows[7][2] = "parastatal"
    rows[150][0] = ""
    resp = upload(client, "institutions", "institutions_file", institutions_csv(rows), "taasisi.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Nothing was imported. Fix these rows in taasisi.csv" in html
    assert "200 rows read: 2 refused (listed below), so nothing was imported. The other 198 rows are fine." in html
    lines = re.findall(r'<tr><td class="num">(\d+)</td>', html)
    assert lines == ["9", "152"]
    assert "Unknown institution type parastatal" in html and "The acronym column is empty." in html
    assert count(Institution) == 0


def test_no_file_or_no_csrf_token_is_refused(client, organiser):
    token = csrf_token(client, PAGE)
    resp = client.post(f"{PAGE}judges", data={"csrf_token": token})
    assert resp.status_code == 400 and "Choose a CSV file to import." in resp.get_data(as_text=True)
    resp = client.post(f"{PAGE}judges", data={"judges_file": (io.BytesIO(judges_csv()), "j.csv")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and count(User) == 1


def test_a_good_judges_file_shows_the_initial_passwords_once(client, auth, organiser):
    resp = upload(client, "institutions", "institutions_file", institutions_csv())
    assert resp.status_code == 200 and "200 rows read: 200 added, 0 already there unchanged." in resp.get_data(as_text=True)
    resp = upload(client, "judges", "judges_file", judges_csv())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "30 rows read: 30 added, 0 already there unchanged." in html
    assert resp.headers["Cache-Control"] == "private, no-store"
    table = html.split('id="initial-passwords"')[1]
    passwords = dict(re.findall(r"<tr><td>([^<]+)</td><td>[^<]*</td><td><code>([^<]+)</code></td></tr>", table))
    assert len(passwords) == 30
    # Not on the page again, and a re-upload changes nothing and shows none.
    again = client.get(PAGE).get_data(as_text=True)
    assert "initial-passwords" not in again and passwords["judge05@tuzo.example"] not in again
    resp = upload(client, "judges", "judges_file", judges_csv())
    assert "30 rows read: 0 added, 30 already there unchanged." in resp.get_data(as_text=True)
    assert "initial-passwords" not in resp.get_data(as_text=True)
    # The initial password works.
    auth.logout()
    resp = auth.login("judge05@tuzo.example", passwords["judge05@tuzo.example"])
    assert resp.status_code in (302, 303) and resp.headers["Location"].endswith("/judging/")
    assert client.get("/judging/").status_code == 200
