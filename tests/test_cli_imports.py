"""`flask --app wsgi awards import-institutions / import-judges`, through the CLI runner."""

import csv

from awards.extensions import db
from awards.models import AuditEvent, Institution, User
from awards.services import accounts
from tests.services.test_imports import institution_rows, institutions_csv, judges_csv


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_import_commands_print_counts_and_are_idempotent(runner, tmp_path):
    inst, judges, out = tmp_path / "institutions.csv", tmp_path / "judges.csv", tmp_path / "passwords.csv"
    inst.write_bytes(institutions_csv())
    judges.write_bytes(judges_csv())
    result = runner.invoke(args=["awards", "import-institutions", str(inst)])
    assert result.exit_code == 0, result.output
    assert "Institutions: 200 created, 0 unchanged (200 rows)." in result.output
    assert result.stderr.startswith("Institutions\n")  # the progress bar (its label only, without a terminal)
    result = runner.invoke(args=["awards", "import-judges", str(judges), "--passwords-out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Judges: 30 created, 0 unchanged (30 rows)." in result.output
    with out.open(newline="", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert len(written) == 30 and written[0]["email"] == "judge00@tuzo.example"
    assert written[0]["initial_password"] not in result.output
    assert (out.stat().st_mode & 0o077) == 0  # readable by its owner only
    judge = db.session.execute(db.select(User).filter_by(email="judge00@tuzo.example")).scalar_one()
    assert accounts.authenticate("judge00@tuzo.example", written[0]["initial_password"]) == judge
    db.session.rollback()

    events = count(AuditEvent)
    again = runner.invoke(args=["awards", "import-institutions", str(inst)])
    assert "Institutions: 0 created, 200 unchanged" in again.output
    again = runner.invoke(args=["awards", "import-judges", str(judges)])
    assert again.exit_code == 0 and "Judges: 0 created, 30 unchanged" in again.output
    assert "Initial passwords" not in again.output
    assert count(AuditEvent) == events


def test_judges_passwords_are_printed_without_passwords_out(runner, tmp_path):
    judges = tmp_path / "judges.csv"
    judges.write_bytes(judges_csv([["solo@tuzo.example", "Solo", "", ""]]))
    result = runner.invoke(args=["awards", "import-judges", str(judges)])
    assert result.exit_code == 0, result.output
    assert "Initial passwords (shown once" in result.output and "solo@tuzo.example" in result.output


def test_bad_rows_are_listed_and_nothing_is_imported(runner, tmp_path):
    rows = institution_rows()
    rows[10][3] = "NOWHERE"
    rows[50][1] = ""
    path = tmp_path / "institutions.csv"
    path.write_bytes(institutions_csv(rows))
    result = runner.invoke(args=["awards", "import-institutions", str(path)])
    assert result.exit_code == 1
    assert "line 12: Unknown parent NOWHERE" in result.output
    assert "line 52: The name column is empty." in result.output
    assert "2 bad row(s): nothing was imported." in result.output
    assert count(Institution) == 0


def test_a_file_level_problem_is_reported(runner, tmp_path):
    path = tmp_path / "judges.csv"
    path.write_bytes(b"email,name\nx@tuzo.example,X\n")
    result = runner.invoke(args=["awards", "import-judges", str(path)])
    assert result.exit_code == 1 and "missing: institution, specialities" in result.output
