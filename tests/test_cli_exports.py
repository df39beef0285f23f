"""`flask --app wsgi awards export`: the console's exports as files, through the CLI runner."""

import csv
import io
import re

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from awards.extensions import db
from awards.models import AuditEvent, Category
from awards.services import exports

ORGANISER = "mratibu@tuzo.example"
EN = {"Accept-Language": "en"}


def count_events() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))


def summary(result) -> dict[str, tuple[int, int]]:
    """The command's line per file: path -> (rows, bytes)."""
    found = re.findall(r"^(.+): (\d+) rows, (\d+) bytes$", result.stdout, re.MULTILINE)
    return {path: (int(rows), int(size)) for path, rows, size in found}


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_results_of_every_category_as_the_console_downloads_them(runner, client, auth, demo, tmp_path):
    auth.login(ORGANISER)
    events = count_events()
    out = tmp_path / "exports"  # created by the command
    result = runner.invoke(args=["awards", "export", "--edition", "psw-2026", "--what", "results",
                                 "--format", "csv", "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Results")  # the progress bar (its label only, without a terminal)
    lines = summary(result)
    assert len(lines) == len(demo.categories) == 5
    assert "5 file(s) written" in result.stdout
    for category in demo.categories:
        download = client.get(f"/admin/exports/categories/{category.id}/results.csv", headers=EN)
        name = re.search(r'filename="(.+)"', download.headers["Content-Disposition"]).group(1)
        path = out / name
        assert path.read_bytes() == download.data  # same name, same bytes
        assert lines[str(path)] == (len(read_csv(download.data)) - 1, len(download.data))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"psw-2026-{c.code}-results.csv" for c in demo.categories)
    assert count_events() == events  # read-only, as in the console: no audit event


def test_one_category_scores_as_xlsx(runner, client, auth, demo, tmp_path):
    auth.login(ORGANISER)
    category = db.session.execute(db.select(Category).filter_by(code="innovation")).scalar_one()
    result = runner.invoke(args=["awards", "export", "--edition", "psw-2026", "--category", "innovation",
                                 "--what", "scores", "--format", "xlsx", "--out", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Scores")
    path = tmp_path / "psw-2026-innovation-scores.xlsx"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    sheet = load_workbook(path).active
    console = load_workbook(io.BytesIO(
        client.get(f"/admin/exports/categories/{category.id}/scores.xlsx", headers=EN).data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows == list(console.iter_rows(values_only=True))
    assert rows[0][-1] == "Judge's total (out of 100)" and len(rows) > 1
    assert sheet.title == console.title == "Scores" and sheet.freeze_panes == "A2"
    assert summary(result) == {str(path): (len(rows) - 1, path.stat().st_size)}


def test_the_audit_trail_in_one_file(runner, client, auth, demo, tmp_path):
    auth.login(ORGANISER)
    console = read_csv(client.get("/admin/exports/audit.csv", headers=EN).data)
    result = runner.invoke(args=["awards", "export", "--what", "audit", "--format", "csv", "--out", str(tmp_path),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Audit log")
    rows = read_csv((tmp_path / "audit-log.csv").read_bytes())
    assert rows == console and len(rows) > 1
    assert summary(result) == {str(tmp_path / "audit-log.csv"): (len(rows) - 1,
                                                                 (tmp_path / "audit-log.csv").stat().st_size)}


def test_headers_default_to_the_default_language(runner, demo, tmp_path):
    result = runner.invoke(args=["awards", "export", "--edition", "psw-2026", "--category", "innovation",
                                 "--what", "results", "--format", "xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with force_locale("sw"):
        category = db.session.execute(db.select(Category).filter_by(code="innovation")).scalar_one()
        header, _ = exports.results_table(category)
    sheet = load_workbook(tmp_path / "psw-2026-innovation-results.xlsx").active
    assert [c.value for c in sheet[1]] == header
    assert header[0] != "Place"  # Swahili, the BABEL_DEFAULT_LOCALE


@pytest.mark.parametrize("args, message", [
    (["--edition", "psw-1999", "--what", "results", "--format", "csv"], "No edition 'psw-1999'"),
    (["--edition", "psw-2026", "--category", "nope", "--what", "scores", "--format", "csv"],
     "No category 'nope' in edition psw-2026 (its categories: best-managed, "),
    (["--edition", "psw-2026", "--what", "results", "--format", "pdf"], "Invalid value for '--format'"),
    (["--edition", "psw-2026", "--what", "entries", "--format", "csv"], "Invalid value for '--what'"),
    (["--what", "scores", "--format", "csv"], "--what scores needs --edition"),
    (["--edition", "psw-2026", "--what", "audit", "--format", "csv"], "leave out --edition and --category"),
    (["--edition", "psw-2026", "--what", "results"], "Missing option '--format'"),
])
def test_bad_input_is_refused_and_nothing_is_written(runner, demo, tmp_path, args, message):
    out = tmp_path / "exports"
    result = runner.invoke(args=["awards", "export", *args, "--out", str(out)])
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert not out.exists()
