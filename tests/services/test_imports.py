"""Bulk import of institutions and judges from CSV (awards.services.imports): all or nothing, idempotent."""

import csv
import io

import pytest
from werkzeug.security import check_password_hash

from awards.config import Defaults
from awards.enums import InstitutionType, Role
from awards.extensions import db
from awards.models import AuditEvent, Institution, User
from awards.services import accounts, audit, imports, institutions
from awards.services.errors import InvalidInput

MINISTRIES = ["MOH", "MOE", "MOW", "MOF", "MOA"]
REGIONS = ["RS-DSM", "RS-ARUSHA", "RS-DODOMA", "RS-MWANZA", "RS-MBEYA", "RS-TANGA", "RS-KIGOMA", "RS-MTWARA"]


def institution_rows() -> list[list[str]]:
    """200 rows: 5 ministries with 15 agencies each, 8 regional secretariats with 12 LGAs each, and
    16 bodies without a parent. Children come before their parents in the file."""
    rows = []
    for m in MINISTRIES:
        rows += [[f"{m}-AG{i:02d}", f"Agency {i} of {m}", "agency", m] for i in range(15)]
    for r in REGIONS:
        rows += [[f"{r}-LGA{i:02d}", f"Halmashauri {i} ya {r}", "lga", r] for i in range(12)]
    rows += [[m, f"Ministry {m}", "ministry", ""] for m in MINISTRIES]
    rows += [[r, f"Sekretarieti ya Mkoa {r}", "regional_secretariat", ""] for r in REGIONS]
    rows += [[f"IND{i:02d}", f"Independent body {i}", "independent_department" if i % 2 else "public_corporation",
              ""] for i in range(16)]
    assert len(rows) == 200
    return rows


def judge_rows() -> list[list[str]]:
    """30 judges: every third has a home institution, every other one specialities."""
    rows = []
    for i in range(30):
        home = f"MOH-AG{i:02d}" if i % 3 == 0 and i < 15 else ("RS-DSM-LGA01" if i % 3 == 0 else "")
        specs = "innovation;best-booth" if i % 2 == 0 else ""
        rows.append([f"judge{i:02d}@tuzo.example", f"Mwamuzi {i:02d}", home, specs])
    return rows


def to_csv(header: list[str], rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def institutions_csv(rows=None, **kwargs) -> bytes:
    return to_csv(["acronym", "name", "type", "parent"], institution_rows() if rows is None else rows, **kwargs)


def judges_csv(rows=None, **kwargs) -> bytes:
    return to_csv(["email", "name", "institution", "specialities"], judge_rows() if rows is None else rows, **kwargs)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def reasons(result) -> list[tuple[int, str]]:
    return [(e.line, str(e.reason)) for e in result.errors]


def test_institutions_import_links_parents_defined_later_in_the_file(app):
    result = imports.import_institutions(institutions_csv())
    db.session.commit()
    assert (result.ok, result.rows, result.created, result.skipped) == (True, 200, 200, 0)
    assert count(Institution) == 200
    moh = institutions.get_institution("MOH")
    assert moh.type is InstitutionType.MINISTRY and moh.parent is None
    assert sorted(c.acronym for c in moh.children) == [f"MOH-AG{i:02d}" for i in range(15)]
    lga = institutions.get_institution("RS-DSM-LGA03")
    assert lga.type is InstitutionType.LGA and lga.parent.acronym == "RS-DSM"
    # One audit event per institution, and one summary of the file; the chain holds.
    assert count(AuditEvent) == 201
    summary = db.session.execute(db.select(AuditEvent).filter_by(action="import.institutions")).scalar_one()
    assert summary.after["created"] == 200 and summary.after["skipped"] == 0 and len(summary.after["sha256"]) == 64
    assert audit.verify_chain() is None


def test_reimporting_the_same_files_changes_nothing_and_writes_no_audit_event(app):
    imports.import_institutions(institutions_csv())
    imports.import_judges(judges_csv())
    db.session.commit()
    before = (count(Institution), count(User), count(AuditEvent))
    again = imports.import_institutions(institutions_csv())
    judges_again = imports.import_judges(judges_csv())
    db.session.commit()
    assert (again.ok, again.created, again.skipped) == (True, 0, 200)
    assert (judges_again.ok, judges_again.created, judges_again.skipped, judges_again.accounts) == (True, 0, 30, [])
    assert (count(Institution), count(User), count(AuditEvent)) == before


def test_semicolons_bom_and_blank_lines_are_accepted(app):
    data = institutions_csv([["MOH", "Wizara ya Afya", "Ministry", ""], ["", "", "", ""],
                             ["mnh", "Hospitali ya Taifa Muhimbili; Dar", "agency", "moh"]], delimiter=";", bom=True)
    result = imports.import_institutions(data)
    assert result.ok and result.created == 2
    assert institutions.get_institution("MNH").parent.acronym == "MOH"
    assert institutions.get_institution("MNH").name == "Hospitali ya Taifa Muhimbili; Dar"


def test_one_bad_row_among_200_imports_nothing_and_names_that_line(app):
    rows = institution_rows()
    rows[120][2] = "parastatal"  # file line 122 (the header is line 1)
    result = imports.import_institutions(institutions_csv(rows))
    assert reasons(result) == [(122, "Unknown institution type parastatal. Use one of: ministry, "
                                     "independent_department, agency, regional_secretariat, lga, public_corporation.")]
    assert result.created == 0
    assert count(Institution) == 0 and count(AuditEvent) == 0


def test_every_bad_row_is_reported(app):
    institutions.create_institution(name="Ministry of Health", acronym="MOH", type=InstitutionType.MINISTRY)
    db.session.commit()
    rows = [
        ["MOH", "Ministry of Health", "ministry", ""],         # 2: identical to the stored one: fine
        ["", "No acronym", "agency", ""],                      # 3
        ["NAME", "", "agency", ""],                            # 4
        ["DUP", "First", "agency", ""],                        # 5
        ["DUP", "Second", "agency", ""],                       # 6
        ["ORPHAN", "Orphan", "agency", "NOWHERE"],             # 7
        ["X" * 33, "Too long", "agency", ""],                  # 8
        ["A1", "Loop one", "agency", "A2"],                    # 9
        ["A2", "Loop two", "agency", "A1"],                    # 10
        ["SELF", "Self", "agency", "self"],                    # 11
        ["WIDE", "Wide", "agency", "", "extra"],               # 12
    ]
    data = institutions_csv(rows)
    result = imports.import_institutions(data)
    assert reasons(result) == [
        (3, "The acronym column is empty."),
        (4, "The name column is empty."),
        (6, "The acronym DUP is already on line 5."),
        (7, "Unknown parent NOWHERE: it is neither in the database nor in this file."),
        (8, "The acronym is too long: at most 32 characters."),
        (9, "The parent chain loops back on itself: A1 → A2 → A1."),
        (10, "The parent chain loops back on itself: A2 → A1 → A2."),
        (11, "The parent chain loops back on itself: SELF → SELF."),
        (12, "This row has 5 values; the header has 4 columns."),
    ]
    assert count(Institution) == 1


def test_an_existing_acronym_with_other_details_is_refused_not_updated(app):
    institutions.create_institution(name="Ministry of Health", acronym="MOH", type=InstitutionType.MINISTRY)
    db.session.commit()
    result = imports.import_institutions(institutions_csv([["MOH", "Wizara ya Afya", "agency", ""],
                                                           ["NEW", "New", "agency", "MOH"]]))
    assert reasons(result) == [(2, "MOH already exists with a different name, type; an import never changes it.")]
    assert institutions.get_institution("MOH").name == "Ministry of Health" and count(Institution) == 1


def test_file_limits_and_headers(app, monkeypatch):
    with pytest.raises(InvalidInput, match="too large"):
        imports.import_institutions(b"acronym,name,type,parent\n" + b"x" * imports.MAX_BYTES)
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    with pytest.raises(InvalidInput, match="too many rows: at most 10"):
        imports.import_institutions(institutions_csv())
    with pytest.raises(InvalidInput, match="missing: parent"):
        imports.import_institutions(b"acronym,name,type\nMOH,Ministry,ministry\n")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        imports.import_institutions("acronym,name,type,parent\nMOH,Wizara \u00e9,ministry,\n".encode("latin-1"))
    with pytest.raises(InvalidInput, match="header row"):
        imports.import_institutions(b"")


def test_judges_import_creates_judges_with_working_initial_passwords(app):
    imports.import_institutions(institutions_csv())
    result = imports.import_judges(judges_csv())
    db.session.commit()
    assert (result.ok, result.created, result.skipped, len(result.accounts)) == (True, 30, 0, 30)
    judge = db.session.execute(db.select(User).filter_by(email="judge00@tuzo.example")).scalar_one()
    assert judge.role is Role.JUDGE and judge.institution.acronym == "MOH-AG00"
    assert judge.specialities == ["innovation", "best-booth"]
    assert db.session.execute(db.select(User).filter_by(email="judge01@tuzo.example")).scalar_one().institution is None
    account = result.accounts[0]
    assert len(account.initial_password) >= 16
    assert check_password_hash(judge.password_hash, account.initial_password)
    assert accounts.authenticate(account.email, account.initial_password) == judge
    # Never stored in plain: not in the hash, not in any audit event.
    events = db.session.execute(db.select(AuditEvent)).scalars().all()
    assert not any(a.initial_password in str(e.before) + str(e.after) for e in events for a in result.accounts)
    assert [e.after["created"] for e in events if e.action == "import.judges"] == [30]


def test_generated_passwords_take_the_fast_hash_and_chosen_ones_the_slow_one(app):
    """Production settings: an imported judge's random initial password (128 bits) is hashed with
    GENERATED_PASSWORD_HASH_METHOD, not stretched with scrypt (0.6 s each); a password the judge then
    chooses is hashed with PASSWORD_HASH_METHOD."""
    app.config["PASSWORD_HASH_METHOD"] = Defaults.PASSWORD_HASH_METHOD
    app.config["GENERATED_PASSWORD_HASH_METHOD"] = Defaults.GENERATED_PASSWORD_HASH_METHOD
    imports.import_institutions(institutions_csv())
    result = imports.import_judges(judges_csv(judge_rows()[:3]))
    db.session.commit()
    account = result.accounts[0]
    judge = db.session.execute(db.select(User).filter_by(email=account.email)).scalar_one()
    assert len(account.initial_password) >= 22  # 16 random bytes, URL-safe base64
    assert judge.password_hash.startswith(Defaults.GENERATED_PASSWORD_HASH_METHOD + "$")
    assert accounts.authenticate(account.email, account.initial_password) == judge
    assert accounts.hash_password("a password someone chose").startswith("scrypt:131072:8:1$")


def test_bad_judge_rows_are_all_reported_and_nothing_is_written(app):
    officer_home = institutions.create_institution(name="Hospital", acronym="MNH", type=InstitutionType.AGENCY)
    accounts.create_user("afisa@mnh.example", name="Afisa", role=Role.INSTITUTION, password="a-long-passphrase",
                         institution=officer_home)
    accounts.create_user("old.judge@tuzo.example", name="Old Judge", role=Role.JUDGE, password="a-long-passphrase")
    db.session.commit()
    users_before, events_before = count(User), count(AuditEvent)
    rows = [
        ["ok@tuzo.example", "Fine", "MNH", "innovation"],       # 2
        ["not-an-email", "Bad", "", ""],                        # 3
        ["ok@tuzo.example", "Twice", "", ""],                   # 4
        ["x@tuzo.example", "Far", "NOPE", ""],                  # 5
        ["AFISA@mnh.example", "Afisa", "MNH", ""],              # 6
        ["old.judge@tuzo.example", "Renamed", "", ""],          # 7
        ["y@tuzo.example", "", "", "Not_A_Code"],               # 8
        ["old.judge@tuzo.example", "Old Judge", "", ""],        # 9: a duplicate of line 7 in the file
    ]
    result = imports.import_judges(judges_csv(rows))
    assert reasons(result) == [
        (3, "not-an-email is not a valid email address."),
        (4, "The email ok@tuzo.example is already on line 2."),
        (5, "Unknown institution NOPE."),
        (6, "afisa@mnh.example belongs to an account that is not a judge's; use another email."),
        (7, "The judge old.judge@tuzo.example already exists with a different name; an import never changes it."),
        (8, "The name column is empty."),
        (8, "Unknown speciality not_a_code. Use category codes such as: innovation."),
        (9, "The email old.judge@tuzo.example is already on line 7."),
    ]
    assert result.accounts == [] and count(User) == users_before and count(AuditEvent) == events_before


def test_specialities_are_checked_against_the_editions_categories(app, demo):
    result = imports.import_judges(judges_csv([["a@tuzo.example", "A", "", "innovation; hiv-aids"],
                                               ["b@tuzo.example", "B", "", "cooking"]]))
    assert [line for line, _ in reasons(result)] == [3]
    assert "Unknown speciality cooking" in reasons(result)[0][1] and "best-booth" in reasons(result)[0][1]
    good = imports.import_judges(judges_csv([["a@tuzo.example", "A", "MOH", "innovation; hiv-aids"]]))
    assert good.ok and good.created == 1


def test_progress_counts_each_row_once_it_is_checked_and_written(app):
    seen = []
    result = imports.import_institutions(institutions_csv(), progress=lambda done, total: seen.append((done, total)))
    db.session.commit()
    assert result.created == 200
    # Checked first (nothing new is done yet), then one step per institution written.
    assert seen == [(0, 200)] + [(n, 200) for n in range(0, 201)]
    seen.clear()
    rows = judge_rows()[:5]
    imports.import_judges(judges_csv(rows), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 5)] + [(n, 5) for n in range(0, 6)]
    db.session.commit()
    # Known rows are done once checked; a file with a bad row is done at once, writing nothing.
    seen.clear()
    imports.import_judges(judges_csv(rows + [["new@tuzo.example", "Mpya", "", ""]]),
                          progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 6), (5, 6), (6, 6)]
    db.session.rollback()
    seen.clear()
    bad = imports.import_institutions(institutions_csv([["X1", "", "agency", ""], ["X2", "Two", "agency", ""]]),
                                      progress=lambda done, total: seen.append((done, total)))
    assert bad.bad_rows == 1 and seen == [(0, 2), (2, 2)]
