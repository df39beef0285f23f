"""Paper score sheets: the rubric as a PDF for site visits, blank or with the judge's own scorecard.

Each PDF costs about half a second, so the tests render as few as they can (four in all).
"""

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pypdfium2
from pypdf import PdfReader

from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, Category, Entry, Institution
from awards.services import judging, score_sheets
from awards.services.editions import levels_for
from tests.conftest import csrf_token, plain_data, user

ASHA = "asha.mwinyi@tuzo.example"  # MNH best-booth: not started; NHIF best-booth: a partial draft
JUMA = "juma.salim@tuzo.example"  # also on the MNH best-booth panel, submitted
NEEMA = "neema.kweka@tuzo.example"  # not on the best-booth panel
ORGANISER = "mratibu@tuzo.example"


def booth_entry(acronym: str) -> Entry:
    return db.session.execute(
        db.select(Entry).join(Entry.institution).join(Entry.category)
        .filter(Institution.acronym == acronym, Category.code == "best-booth")
    ).scalar_one()


def assignment_of(email: str, entry: Entry) -> Assignment:
    return db.session.execute(
        db.select(Assignment).filter_by(entry_id=entry.id, judge_id=user(email).id)
    ).scalar_one()


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace collapsed (lines wrap anywhere a space is)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def squash(text: str) -> str:
    return " ".join(text.split())


def set_language(client, lang: str) -> None:
    resp = client.post("/language", data={"csrf_token": csrf_token(client, "/"), "lang": lang, "next": "/"})
    assert resp.status_code == 302


def assert_pdf_download(resp, filename: str) -> None:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert resp.data.startswith(b"%PDF-")


def assert_blank_sheet(text: str, entry: Entry, lang: str) -> None:
    criteria = entry.category.criteria
    assert squash(entry.title) in text
    for criterion in criteria:
        assert squash(getattr(criterion, f"name_{lang}")) in text, criterion.code
        for level, descriptor in levels_for(criterion):
            assert squash(descriptor[lang]) in text, (criterion.code, level)
    assert "☒" not in text
    assert text.count("☐") == sum(len(levels_for(c)) for c in criteria)


def test_blank_sheet_in_swahili_and_english(client, auth, demo):
    entry = booth_entry("MNH")
    assignment = assignment_of(ASHA, entry)
    assert assignment.scorecard is None
    auth.login(ASHA)
    url = f"/judging/assignments/{assignment.id}/score-sheet.pdf"

    set_language(client, "sw")
    resp = client.get(url)
    assert_pdf_download(resp, f"score-sheet-{assignment.id}.pdf")
    text = pdf_text(resp.data)
    assert_blank_sheet(text, entry, "sw")
    assert "Fomu ya alama" in text and "Sahihi ya jaji" in text and "Ukurasa 1 kati ya" in text
    assert "Asha Mwinyi" in text
    assert "Banda la Muhimbili" in text and "Hospitali ya Taifa Muhimbili (MNH)" in text
    assert "Imechapishwa kutoka Tuzo" not in text

    # Asking for the filled sheet before there is a scorecard gives the blank one.
    set_language(client, "en")
    resp = client.get(url + "?filled=1")
    assert_pdf_download(resp, f"score-sheet-{assignment.id}.pdf")
    text = pdf_text(resp.data)
    assert_blank_sheet(text, entry, "en")
    assert "Score sheet" in text and "Judge's signature" in text and "Page 1 of" in text
    assert "Weighted total (out of 100)" in text
    assert "Printed from Tuzo" not in text


def test_filled_sheet_shows_only_the_judges_own_scorecard_and_the_exact_total(client, auth, demo):
    entry = booth_entry("MNH")
    criteria = entry.category.criteria
    levels = [Decimal(v) for v in ("3", "5", "2", "4", "1", "4")][: len(criteria)]
    assignment = assignment_of(ASHA, entry)
    judging.save_scorecard(
        assignment, scores={c.code: v for c, v in zip(criteria, levels)},
        comments={criteria[0].code: "Kaulimbiu inaonekana wazi kutoka pande zote."},
        comment="Foleni ndefu kwenye meza ya usajili.", version=0, submit=False, actor=user(ASHA),
    )
    # Blind judging: another judge's comments on the same entry must never reach this sheet.
    other = assignment_of(JUMA, entry).scorecard
    assert other is not None and other.status is ScorecardStatus.SUBMITTED
    other.comment = "SIRI-YA-JAJI-MWINGINE overall"
    other.scores[0].comment = "SIRI-YA-JAJI-MWINGINE criterion"
    db.session.commit()

    db.session.expire_all()
    card = assignment_of(ASHA, entry).scorecard
    expected = Decimal(0)
    for row in card.scores:
        c = row.criterion
        expected += (row.value - c.scale_min) / (c.scale_max - c.scale_min) * c.weight
    expected = expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = f"{expected:,.2f}"  # a score shows exactly two decimals

    auth.login(ASHA)
    set_language(client, "en")
    resp = client.get(f"/judging/assignments/{assignment.id}/score-sheet.pdf?filled=1")
    assert_pdf_download(resp, f"score-sheet-{assignment.id}.pdf")
    text = pdf_text(resp.data)
    assert "SIRI-YA-JAJI-MWINGINE" not in text
    assert text.count("☒") == len(criteria)
    for criterion, value in zip(criteria, levels):
        descriptor = dict(levels_for(criterion))[value]["en"]
        assert f"☒ {value} {squash(descriptor)}" in text, criterion.code
    assert "Kaulimbiu inaonekana wazi kutoka pande zote." in text
    assert "Foleni ndefu kwenye meza ya usajili." in text
    assert re.search(r"Weighted total \(out of 100\) " + re.escape(shown) + r" ", text), (shown, text[-400:])
    assert f"scorecard version {card.version}, status: Draft." in text
    assert "Printed from Tuzo on" in text and "Asha Mwinyi" in text


def test_context_of_a_partial_draft_has_no_total_and_only_primitives(app, demo):
    entry = booth_entry("NHIF")
    card = assignment_of(ASHA, entry).scorecard
    assert card.status is ScorecardStatus.DRAFT
    with app.test_request_context():
        context = score_sheets.score_sheet_context(entry, card=card, judge=user(ASHA), lang="sw")

    assert plain_data(context)
    chosen = [c["chosen"] for c in context["criteria"]]
    assert sum(v is not None for v in chosen) == 3 and None in chosen
    assert context["total"] is None
    assert "hali: Rasimu" in context["printed"]
    assert context["labels"]["total"] == "Jumla ya alama kwa uzito (kati ya 100)"


def test_a_judge_cannot_print_someone_elses_sheet(client, auth, demo):
    entry = booth_entry("MNH")
    assignment = assignment_of(ASHA, entry)
    auth.login(NEEMA)
    for query in ("", "?filled=1"):
        assert client.get(f"/judging/assignments/{assignment.id}/score-sheet.pdf{query}").status_code == 404
    assert client.get("/judging/assignments/999999/score-sheet.pdf").status_code == 404
    assert client.get(f"/admin/entries/{entry.id}/score-sheet.pdf").status_code == 403


def test_organiser_prints_a_blank_sheet_that_renders(client, auth, demo):
    entry = booth_entry("NHIF")  # has a draft scorecard, which an organiser's blank sheet must not show
    auth.login(ORGANISER)
    set_language(client, "sw")
    assert client.get("/admin/entries/999999/score-sheet.pdf").status_code == 404
    resp = client.get(f"/admin/entries/{entry.id}/score-sheet.pdf")
    assert_pdf_download(resp, f"score-sheet-entry-{entry.id}.pdf")
    text = pdf_text(resp.data)
    assert_blank_sheet(text, entry, "sw")
    assert "Asha Mwinyi" not in text and "Imechapishwa kutoka Tuzo" not in text

    page = pypdfium2.PdfDocument(resp.data)[0]
    width, height = page.get_size()
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 portrait, in points
    image = page.render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.01 * image.width * image.height  # text, boxes and lines, not a blank page
