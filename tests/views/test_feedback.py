"""The institution's feedback report after publication: per-criterion scores against the category
median, the judges' comments without their names, place, total and certificates; HTML and PDF.

Innovation is published in the demo (MNH's entry is ranked); best-booth is not. PDFs cost about
half a second each, so the tests render few.
"""

import html
import io
import re
from decimal import ROUND_HALF_UP, Decimal

from pypdf import PdfReader

from awards.enums import EntryStatus, ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, Category, Certificate, Entry, Institution, Scorecard
from awards.services import results
from tests.conftest import plain_data

MNH = "afisa@mnh.example"
NHIF = "afisa@nhif.example"
ORGANISER = "mratibu@tuzo.example"
ASHA = "asha.mwinyi@tuzo.example"  # not on the innovation panel
BARAKA = "baraka.mushi@tuzo.example"  # on the innovation panel: scored MNH's entry, still a judge
EN = {"Accept-Language": "en"}
SW = {"Accept-Language": "sw"}
CENT = Decimal("0.01")


def entry_of(acronym: str, category: str) -> Entry:
    return db.session.execute(
        db.select(Entry).join(Entry.institution).join(Entry.category)
        .filter(Institution.acronym == acronym, Category.code == category)
    ).scalar_one()


def submitted_cards(entry: Entry) -> list[Scorecard]:
    return list(db.session.execute(
        db.select(Scorecard).join(Scorecard.assignment)
        .filter(Assignment.entry_id == entry.id, Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(Scorecard.id)
    ).scalars())


def expected_figures(entry: Entry) -> list[tuple[str, str, str, str]]:
    """(criterion name, mean, median, signed difference) per criterion, from the stored rows,
    worked out here with Decimals: the mean of the entry's scores, the median of every entry's means."""
    entries = db.session.execute(
        db.select(Entry).filter_by(category_id=entry.category_id, status=EntryStatus.SUBMITTED)
    ).scalars().all()
    means: dict[int, dict[int, Decimal]] = {}
    for other in entries:
        by_criterion: dict[int, list[Decimal]] = {}
        for card in submitted_cards(other):
            for row in card.scores:
                by_criterion.setdefault(row.criterion_id, []).append(Decimal(row.value))
        if by_criterion:
            means[other.id] = {cid: sum(values) / len(values) for cid, values in by_criterion.items()}
    assert entry.id in means and len(means) >= 2
    figures = []
    for criterion in entry.category.criteria:
        ordered = sorted(m[criterion.id] for m in means.values())
        middle = len(ordered) // 2
        median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        mean = means[entry.id][criterion.id]
        difference = (mean - median).quantize(CENT, rounding=ROUND_HALF_UP)
        signed = f"+{difference}" if difference > 0 else str(difference)
        figures.append((criterion.name_en, str(mean.quantize(CENT, rounding=ROUND_HALF_UP)),
                        str(median.quantize(CENT, rounding=ROUND_HALF_UP)), signed))
    return figures


def squash(text: str) -> str:
    return " ".join(text.split())


def page_text(resp) -> str:
    """The page's visible text, tags dropped and whitespace collapsed."""
    body = resp.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def pdf_text(data: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def add_comments(entry: Entry) -> tuple[list[str], list[str]]:
    """Distinctive comments on two of the entry's (submitted, published) scorecards."""
    first, second = submitted_cards(entry)[:2]
    criteria = entry.category.criteria
    by_criterion = {row.criterion_id: row for row in second.scores}
    first_rows = {row.criterion_id: row for row in first.scores}
    first_rows[criteria[0].id].comment = "Zeta: the SMS reminders clearly cut missed appointments."
    by_criterion[criteria[0].id].comment = "Alpha: baseline waiting times are well documented."
    by_criterion[criteria[2].id].comment = "Show the impact on patients outside Dar es Salaam."
    second.comment = "Mfumo mzuri; ongezeni takwimu za wagonjwa wa vijijini."
    db.session.commit()
    return ([criteria[0].name_en, criteria[2].name_en],
            ["Alpha: baseline waiting times are well documented.",
             "Zeta: the SMS reminders clearly cut missed appointments.",
             "Show the impact on patients outside Dar es Salaam.",
             "Mfumo mzuri; ongezeni takwimu za wagonjwa wa vijijini."])


def judge_names(entry: Entry) -> list[str]:
    names = [card.assignment.judge.name for card in submitted_cards(entry)]
    assert len(names) == 3
    return names


def test_the_report_shows_the_engines_figures_and_anonymous_comments(client, auth, demo):
    entry = entry_of("MNH", "innovation")
    _, comments = add_comments(entry)
    figures = expected_figures(entry)
    names = judge_names(entry)
    certs = db.session.execute(db.select(Certificate).filter_by(entry_id=entry.id)).scalars().all()
    assert certs

    auth.login(MNH)
    resp = client.get(f"/institution/entries/{entry.id}/feedback", headers=EN)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    text = page_text(resp)
    rows = re.findall(r"<tr>(.*?)</tr>", body.split('<table class="feedback">')[1].split("</table>")[0], re.S)[1:]
    assert len(rows) == len(figures)
    for row, (name, mean, median, difference) in zip(rows, figures):
        cells = [squash(html.unescape(re.sub(r"<[^>]+>", " ", cell)))
                 for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[0].startswith(html.unescape(name)), (cells, name)
        assert cells[1] == mean and cells[2] == median, (name, cells, mean, median)
        assert cells[3].split()[0] == difference, (name, cells, difference)
    for comment in comments:
        assert comment in text
    # Alphabetical within a criterion, not by judge: Alpha (second card) before Zeta (first card).
    assert text.index("Alpha: baseline") < text.index("Zeta: the SMS")
    for name in names:
        assert name not in body
    assert "Judges' names are withheld" in text
    row = next(r for r in results.snapshot_standings(results.current_snapshot(entry.category))["rows"]
               if r["entry_id"] == entry.id)
    assert f"Place {row['rank']} of 5 ranked entries" in text
    assert f"Score: {row['score']} out of 100" in text
    assert "Judges who scored this entry: 3." in text
    for cert in certs:
        assert cert.serial in body
    assert f"/institution/entries/{entry.id}/feedback.pdf" in body

    resp = client.get(f"/institution/entries/{entry.id}/feedback.pdf", headers=EN)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="feedback-{entry.id}.pdf"'
    assert resp.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(resp.data)
    assert "Feedback report" in text and squash(entry.title) in text
    for name, mean, median, difference in figures:
        assert squash(html.unescape(name)) in text, name
        assert re.search(re.escape(f"{mean} {median} {difference}") + r" (above|below|at) the median", text), \
            (name, mean, median, difference)
    for comment in comments:
        assert comment in text
    for name in names:
        assert name not in text
    for cert in certs:
        assert cert.serial in text


def test_the_organiser_sees_the_report_and_judges_get_404(client, auth, demo):
    entry = entry_of("MNH", "innovation")
    auth.login(ORGANISER)
    assert client.get(f"/institution/entries/{entry.id}/feedback", headers=EN).status_code == 200
    auth.logout()
    # A judge, on the panel or not, reads entries through assignments only: not here.
    for judge in (ASHA, BARAKA):
        auth.login(judge)
        assert client.get(f"/institution/entries/{entry.id}/feedback").status_code == 404
        assert client.get(f"/institution/entries/{entry.id}/feedback.pdf").status_code == 404
        auth.logout()


def test_another_institution_gets_404(client, auth, demo):
    entry = entry_of("MNH", "innovation")
    auth.login(NHIF)
    assert client.get(f"/institution/entries/{entry.id}/feedback").status_code == 404
    assert client.get(f"/institution/entries/{entry.id}/feedback.pdf").status_code == 404
    assert client.get("/institution/entries/999999/feedback").status_code == 404
    # Its own published entry is fine.
    own = entry_of("NHIF", "innovation")
    assert client.get(f"/institution/entries/{own.id}/feedback").status_code == 200


def test_an_unpublished_category_says_not_yet_and_has_no_pdf(client, auth, demo):
    entry = entry_of("MNH", "best-booth")
    auth.login(MNH)
    resp = client.get(f"/institution/entries/{entry.id}/feedback", headers=EN)
    assert resp.status_code == 200
    text = page_text(resp)
    assert "The results of this category are not published yet." in text
    assert "Category median" not in text
    assert client.get(f"/institution/entries/{entry.id}/feedback.pdf", headers=EN).status_code == 404


def test_an_entry_left_out_of_the_published_results_says_so(client, auth, demo):
    # A draft that never reached judging, in the published innovation category.
    published = entry_of("MNH", "innovation")
    dcc = db.session.execute(db.select(Institution).filter_by(acronym="DCC")).scalar_one()
    draft = Entry(edition_id=published.edition_id, category_id=published.category_id, institution=dcc,
                  title="Rasimu ambayo haikuwasilishwa", status=EntryStatus.DRAFT)
    db.session.add(draft)
    db.session.commit()
    auth.login(ORGANISER)
    resp = client.get(f"/institution/entries/{draft.id}/feedback", headers=EN)
    assert resp.status_code == 200
    assert "This entry is not in the published results of its category" in page_text(resp)
    assert client.get(f"/institution/entries/{draft.id}/feedback.pdf").status_code == 404


def test_the_report_comes_in_swahili(client, auth, demo):
    entry = entry_of("MNH", "innovation")
    auth.login(MNH)
    resp = client.get(f"/institution/entries/{entry.id}/feedback", headers=SW)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert '<html lang="sw">' in body
    headings = [squash(html.unescape(re.sub(r"<[^>]+>", " ", h))) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", body, re.S)]
    assert "Ripoti ya mrejesho" in headings
    assert "Alama zako kwa kila kigezo" in headings
    assert "Walichoandika majaji" in headings
    assert "Vyeti" in headings
    text = page_text(resp)
    assert "Wastani wa kati wa kipengele" in text
    assert "Feedback report" not in body and "Your scores by criterion" not in body
    # The criterion names come in Swahili too.
    for criterion in entry.category.criteria:
        assert squash(criterion.name_sw) in text


def test_the_report_is_plain_data(app, demo):
    from awards.services import feedback

    entry = entry_of("MNH", "innovation")
    with app.test_request_context():
        report = feedback.feedback_for(entry, "en")
        assert feedback.feedback_for(entry_of("MNH", "best-booth"), "en") is None

    assert plain_data(report)
    assert report["result"]["ranked"] is True and report["judges"] == 3 and report["entries"] == 5
    assert [c["code"] for c in report["criteria"]] == [c.code for c in entry.category.criteria]
