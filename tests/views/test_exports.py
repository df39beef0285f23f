"""The organiser's exports: results and score matrix (CSV, XLSX), the audit log, the report PDF.

Innovation is published in the demo. Who may download is in the access matrix.
"""

import csv
import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from pypdf import PdfReader

from awards.enums import ScorecardStatus
from awards.extensions import db
from awards.models import Assignment, Category, CriterionScore, Entry, Scorecard
from awards.services import reports, results
from tests.conftest import plain_data

ORGANISER = "mratibu@tuzo.example"
EN = {"Accept-Language": "en"}
CENT = Decimal("0.01")


def category(code: str) -> Category:
    return db.session.execute(db.select(Category).filter_by(code=code)).scalar_one()


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_results_xlsx_matches_the_published_results(client, auth, demo):
    auth.login(ORGANISER)
    cat = category("innovation")
    standings = results.snapshot_standings(results.current_snapshot(cat))
    resp = client.get(f"/admin/exports/categories/{cat.id}/results.xlsx", headers=EN)
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="psw-2026-innovation-results.xlsx"'
    assert resp.headers["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Place", "Tied", "Institution")
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    ranked = rows[1:1 + len(standings["rows"])]
    assert len(ranked) == len(standings["rows"]) > 0
    for got, want in zip(ranked, standings["rows"], strict=True):
        place, _, institution, acronym, _, judges, score, _ = got
        assert isinstance(place, int) and isinstance(score, (int, float))  # numeric cells, not text
        assert (place, institution, acronym, judges) == (want["rank"], want["institution"]["name"],
                                                        want["institution"]["acronym"], want["judges"])
        assert Decimal(str(score)).quantize(CENT) == Decimal(want["score"]).quantize(CENT)
    # The public page shows the same figures.
    public = client.get("/results/psw-2026/innovation", headers=EN)
    assert public.status_code == 200
    page = public.get_data(as_text=True)
    for (place, _, institution, _, _, _, score, _) in ranked:
        assert institution in page and f"{Decimal(str(score)).quantize(CENT):,}" in page


def test_results_csv_lists_unranked_entries_after_the_ranked(client, auth, demo):
    auth.login(ORGANISER)
    cat = category("best-booth")  # not published: the live preview
    preview = results.compute_results(cat)
    resp = client.get(f"/admin/exports/categories/{cat.id}/results.csv", headers=EN)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = read_csv(resp.data)
    assert len(rows) == 1 + len(preview["rows"]) + len(preview["unranked"])
    assert [r[2] for r in rows[1:]] == [r["institution"]["name"] for r in preview["rows"] + preview["unranked"]]
    for row in rows[1 + len(preview["rows"]):]:
        assert row[0] == "" and "required scorecards submitted" in row[-1]


def test_unknown_format_is_404(client, auth, demo):
    auth.login(ORGANISER)
    cat = category("innovation")
    assert client.get(f"/admin/exports/categories/{cat.id}/results.pdf").status_code == 404
    assert client.get("/admin/exports/audit.json").status_code == 404


def submitted_scores(cat: Category) -> list[CriterionScore]:
    return db.session.execute(
        db.select(CriterionScore).join(CriterionScore.scorecard).join(Scorecard.assignment).join(Assignment.entry)
        .filter(Entry.category_id == cat.id, Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(CriterionScore.id)
    ).scalars().all()


def test_score_matrix_has_one_row_per_criterion_score_and_guards_formulas(client, auth, demo):
    cat = category("innovation")
    scores = submitted_scores(cat)
    assert scores
    scores[0].comment = '=HYPERLINK("http://evil.example","click")'
    scores[1].comment = "-2+3"
    db.session.commit()
    auth.login(ORGANISER)
    rows = read_csv(client.get(f"/admin/exports/categories/{cat.id}/scores.csv", headers=EN).data)
    header, body = rows[0], rows[1:]
    assert header[-1] == "Judge's total (out of 100)"
    assert len(body) == len(scores)
    comments = [r[8] for r in body]
    assert '\'=HYPERLINK("http://evil.example","click")' in comments and "'-2+3" in comments
    assert not any(c.startswith(("=", "+", "-", "@")) for c in comments)
    # Each card's total is the same on all of its rows.
    totals = {}
    for r in body:
        totals.setdefault((r[0], r[3]), set()).add(r[9])
    assert all(len(t) == 1 and t != {""} for t in totals.values())

    # In XLSX the comment is a text cell, not a formula; scores are numbers.
    resp = client.get(f"/admin/exports/categories/{cat.id}/scores.xlsx", headers=EN)
    sheet = load_workbook(io.BytesIO(resp.data)).active
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(scores)
    hyperlink = next(row[8] for row in cells if str(row[8].value).startswith("=HYPERLINK"))
    assert hyperlink.data_type == "s"
    assert all(row[7].data_type == "n" for row in cells)


def test_audit_export_filters_by_action_prefix(client, auth, demo):
    auth.login(ORGANISER)
    rows = read_csv(client.get("/admin/exports/audit.csv?action=scorecard.", headers=EN).data)
    assert rows[0][:4] == ["Event", "Time (UTC)", "Actor", "Action"]
    assert len(rows) > 1 and all(r[3].startswith("scorecard.") for r in rows[1:])
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r[1]) for r in rows[1:])
    everything = read_csv(client.get("/admin/exports/audit.csv", headers=EN).data)
    assert len(everything) > len(rows)
    sheet = load_workbook(io.BytesIO(client.get("/admin/exports/audit.xlsx?action=scorecard.").data)).active
    assert sheet.max_row == len(rows)
    assert client.get("/admin/exports/audit.csv?from=yesterday").status_code == 400
    assert len(read_csv(client.get("/admin/exports/audit.csv?to=2000-01-01").data)) == 1


def test_report_pdf_carries_the_ranking_and_the_page_shows_the_same_chart(client, auth, demo):
    cat = category("innovation")
    standings = results.snapshot_standings(results.current_snapshot(cat))
    context = reports.report_context(cat, "en")
    assert plain_data(context)
    assert context["published"] and context["chart_svg"].startswith("<svg")
    assert [r["institution"] for r in context["rows"]] == [r["institution"]["name"] for r in standings["rows"]]
    assert context["chart_svg"] in reports.render_report_html(cat, "en")

    auth.login(ORGANISER)
    resp = client.get(f"/admin/exports/categories/{cat.id}/report.pdf", headers=EN)
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"] == 'attachment; filename="psw-2026-innovation-report.pdf"'
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages))
    positions = [text.find(r["institution"]["name"]) for r in standings["rows"]]
    assert -1 not in positions and positions == sorted(positions)
    assert "Results report" in text and context["sha256"] in text.replace(" ", "")

    page = client.get(f"/admin/categories/{cat.id}/results", headers=EN).get_data(as_text=True)
    assert context["chart_svg"] in page
