"""Dates, times and numbers are written for the page's language (awards.i18n's formats).

Swahili pages say "23 Juni 2026", English ones "23 June 2026" (day month year in both, as in
Tanzania); times are East Africa Time (the app's BABEL_DEFAULT_TIMEZONE) and say so ("EAT"),
except the audit trail, which is in UTC like its filters and exports; numbers of 1000 and more
carry the grouping separator; scores keep exactly two decimals. No raw ISO date is left in
what a person reads: <time datetime> and other attributes, input values, scripts and <code>
(the audit trail's JSON, machine data shown as it is) are not visible text.
"""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from awards import i18n
from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, Category, Entry, Institution, ResultSnapshot, User
from tests.conftest import user

ORGANISER = "mratibu@tuzo.example"
JUMA = "juma.salim@tuzo.example"  # submitted his MNH best-booth scorecard
MNH = "afisa@mnh.example"  # MNH's best-booth entry is submitted, with three files
EGA = "afisa@ega.example"  # e-GA's innovation entry is in the published ranking
HEADERS = {"sw": {"Accept-Language": "sw"}, "en": {"Accept-Language": "en"}}
MONTHS = {
    "sw": ("Januari", "Februari", "Machi", "Aprili", "Mei", "Juni", "Julai", "Agosti", "Septemba", "Oktoba",
           "Novemba", "Desemba"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Published 22 June 2026 at 22:30 UTC: already 23 June (01:30) in Dar es Salaam.
PUBLISHED = datetime(2026, 6, 22, 22, 30, tzinfo=UTC)
PUBLISHED_DAY = {"sw": "23 Juni 2026", "en": "23 June 2026"}
PUBLISHED_MOMENT = {"sw": "23 Juni 2026 01:30 EAT", "en": "23 June 2026, 01:30 EAT"}
# The demo's deadlines are 23:59 in Dar es Salaam (20:59 UTC).
SUBMISSIONS_DEADLINE = {"sw": "15 Mei 2026 23:59 EAT", "en": "15 May 2026, 23:59 EAT"}
JUDGING_DEADLINE = {"sw": "14 Juni 2026 23:59 EAT", "en": "14 June 2026, 23:59 EAT"}


def day_pattern(lang: str) -> str:
    return r"\d{1,2} (?:" + "|".join(MONTHS[lang]) + r") \d{4}"


def moment_pattern(lang: str, zone: str = "EAT", seconds: bool = False) -> re.Pattern:
    clock = r"\d{2}:\d{2}" + (r":\d{2}" if seconds else "")
    return re.compile(day_pattern(lang) + ("," if lang == "en" else "") + " " + clock + " " + zone)


class _Visible(HTMLParser):
    """The text a person reads: text nodes only (never attributes, so no input values or
    <time datetime>), without <script>, <style>, <template> and <code>."""

    HIDDEN = {"script", "style", "template", "code"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in self.HIDDEN

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    parser = _Visible()
    parser.feed(resp.get_data(as_text=True))
    return " ".join(" ".join(parser.parts).split())


def pdf_text(resp) -> str:
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages).split())


def assert_no_iso_date(text: str) -> None:
    assert not ISO_DATE.search(text), ISO_DATE.search(text).group(0) + " in: " + text[:300]


def other(lang: str) -> str:
    return "en" if lang == "sw" else "sw"


@pytest.fixture
def published(demo):
    """The demo's published innovation ranking, dated across midnight in Dar es Salaam; the
    browser's language decides (no stored choice)."""
    snapshot = db.session.execute(db.select(ResultSnapshot).join(ResultSnapshot.category)
                                  .filter(Category.code == "innovation")).scalar_one()
    snapshot.published_at = PUBLISHED
    for account in db.session.execute(db.select(User)).scalars():
        account.locale = None
    db.session.commit()
    return snapshot


def login(client, email: str, lang: str) -> None:
    from tests.conftest import csrf_token

    resp = client.post("/login", headers=HEADERS[lang], data={
        "email": email, "password": "tuzo-demo-2026", "csrf_token": csrf_token(client)})
    assert resp.status_code == 302


# -- the helpers ------------------------------------------------------------------------------------

def test_the_formats_of_each_language(app):
    with app.test_request_context():
        for lang in ("sw", "en"):
            with force_locale(lang):
                assert i18n.format_day(PUBLISHED) == PUBLISHED_DAY[lang]  # the local date
                assert i18n.format_day(date(2026, 6, 23)) == PUBLISHED_DAY[lang]
                assert i18n.format_moment(PUBLISHED) == PUBLISHED_MOMENT[lang]
                assert i18n.format_number(5000) == "5,000"
                assert i18n.format_number(Decimal("12.50")) == "12.5"
        assert i18n.format_moment(PUBLISHED, "sw", utc=True, seconds=True) == "22 Juni 2026 22:30:00 UTC"
        assert i18n.format_moment(PUBLISHED, "en", utc=True, seconds=True) == "22 June 2026, 22:30:00 UTC"
        assert i18n.format_size(14292, "sw") == "KB 14" and i18n.format_size(14292, "en") == "14 KB"
        assert i18n.format_size(369, "sw") == "baiti 369" and i18n.format_size(369, "en") == "369 bytes"
        assert i18n.format_size(1572864, "en") == "1.5 MB"


def test_a_score_keeps_its_two_decimals_and_is_never_rounded_again(app):
    with app.test_request_context():
        assert i18n.format_score(Decimal("91.3"), "sw") == "91.30"
        assert i18n.format_score("1091.25", "en") == "1,091.25"
        # Rounding is awards.scoring.to_decimal's job: more places stay visible instead of rounding twice.
        assert i18n.format_score(Decimal("91.335"), "en") == "91.335"


# -- pages -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["sw", "en"])
def test_public_results(client, published, lang):
    for url in ("/results/psw-2026/innovation", "/results/psw-2026"):
        text = visible_text(client.get(url, headers=HEADERS[lang]))
        assert PUBLISHED_DAY[lang] in text and PUBLISHED_DAY[other(lang)] not in text
        assert "June 23" not in text and "22 Juni" not in text and "22 June" not in text
        assert re.search(r"\b\d{1,3}\.\d{2}\b", text)  # the scores, two decimals
        assert_no_iso_date(text)


@pytest.mark.parametrize("lang", ["sw", "en"])
def test_a_judges_deadline_is_local_time_and_says_so(client, published, lang):
    login(client, JUMA, lang)
    text = visible_text(client.get("/judging/", headers=HEADERS[lang]))
    assert JUDGING_DEADLINE[lang] in text
    assert moment_pattern(lang).search(text.split(JUDGING_DEADLINE[lang])[0])  # the declaration's date
    assert_no_iso_date(text)


@pytest.mark.parametrize("lang", ["sw", "en"])
def test_an_institutions_entry_and_its_receipt(client, published, lang):
    entry = db.session.execute(
        db.select(Entry).join(Entry.institution).join(Entry.category)
        .filter(Institution.acronym == "MNH", Category.code == "best-booth", Entry.edition_id == published.edition_id)
    ).scalar_one()
    login(client, MNH, lang)
    text = visible_text(client.get(f"/institution/entries/{entry.id}", headers=HEADERS[lang]))
    assert SUBMISSIONS_DEADLINE[lang] in text
    assert moment_pattern(lang).search(text.split(SUBMISSIONS_DEADLINE[lang])[0])  # when it was submitted
    sizes = {"sw": ("KB 14", "KB 20", "baiti 369"), "en": ("14 KB", "20 KB", "369 bytes")}[lang]
    assert all(size in text for size in sizes), sizes
    assert_no_iso_date(text)

    receipt = pdf_text(client.get(f"/institution/entries/{entry.id}/receipt.pdf", headers=HEADERS[lang]))
    assert "14,292" in receipt and "20,470" in receipt  # bytes, with the grouping separator
    assert moment_pattern(lang).search(receipt)
    assert_no_iso_date(receipt)


@pytest.mark.parametrize("lang", ["sw", "en"])
def test_the_organisers_pages(client, published, lang):
    login(client, ORGANISER, lang)
    imports = visible_text(client.get("/admin/imports/", headers=HEADERS[lang]))
    assert "5,000" in imports and "5000" not in imports
    assert_no_iso_date(imports)

    audit = visible_text(client.get("/admin/audit", headers=HEADERS[lang]))
    assert moment_pattern(lang, zone="UTC", seconds=True).search(audit)
    assert_no_iso_date(audit)

    users = visible_text(client.get("/admin/users", headers=HEADERS[lang]))
    assert moment_pattern(lang).search(users)  # the organiser's own last login, just now
    assert_no_iso_date(users)

    category = published.category
    results = visible_text(client.get(f"/admin/categories/{category.id}/results", headers=HEADERS[lang]))
    assert re.search(r"\b\d{1,3}\.\d{2}\b", results)
    assert_no_iso_date(results)

    report = pdf_text(client.get(f"/admin/exports/categories/{category.id}/report.pdf", headers=HEADERS[lang]))
    assert PUBLISHED_MOMENT[lang] in report
    assert len(moment_pattern(lang).findall(report)) == 2  # published, and generated just now
    assert_no_iso_date(report)


@pytest.mark.parametrize("lang", ["sw", "en"])
def test_the_feedback_report_page_and_pdf(client, published, lang):
    entry = db.session.execute(
        db.select(Entry).join(Entry.institution).filter(Institution.acronym == "E-GA",
                                                        Entry.category_id == published.category_id)
    ).scalar_one()
    login(client, EGA, lang)
    page = visible_text(client.get(f"/institution/entries/{entry.id}/feedback", headers=HEADERS[lang]))
    pdf = pdf_text(client.get(f"/institution/entries/{entry.id}/feedback.pdf", headers=HEADERS[lang]))
    for text in (page, pdf):
        assert PUBLISHED_DAY[lang] in text and PUBLISHED_DAY[other(lang)] not in text
        assert re.search(r"\b\d{1,3}\.\d{2}\b", text)
        assert_no_iso_date(text)


@pytest.mark.parametrize("lang", ["sw", "en"])
def test_a_filled_score_sheet(client, published, lang):
    assignment = db.session.execute(
        db.select(Assignment).join(Assignment.entry).join(Entry.institution).join(Entry.category)
        .filter(Assignment.judge_id == user(JUMA).id, Institution.acronym == "MNH", Category.code == "best-booth",
                Entry.edition_id == published.edition_id)
    ).scalar_one()
    assert assignment.scorecard.status is ScorecardStatus.SUBMITTED
    login(client, JUMA, lang)
    text = pdf_text(client.get(f"/judging/assignments/{assignment.id}/score-sheet.pdf?filled=1",
                               headers=HEADERS[lang]))
    printed = {"sw": "Imechapishwa kutoka Tuzo tarehe", "en": "Printed from Tuzo on"}[lang]
    assert re.search(re.escape(printed) + " " + day_pattern(lang), text), text[-300:]
    assert re.search(r"\b\d{1,3}\.\d{2}\b", text)  # the weighted total
    assert_no_iso_date(text)
