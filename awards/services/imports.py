"""Bulk import of institutions and judges from CSV files (the organiser's console and the CLI).

All or nothing: every row is checked first, and a file with any bad row writes nothing; the
result lists every bad row (its line in the file, the header being line 1) with its reason.
Rows identical to what the database already holds are skipped, so importing the same file
twice changes nothing, and writes no audit event the second time. An import never updates an
existing institution or user: a row that differs from the stored one is a bad row.

Each created row goes through create_institution / create_user (so each is audited), then one
``import.institutions`` / ``import.judges`` event summarises the file (its sha256 and counts).
New judges get a random initial password, returned once in the result and stored only hashed.
"""

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from awards.enums import InstitutionType, Role
from awards.extensions import db
from awards.i18n import format_number
from awards.models import Category, Institution, User
from awards.services import audit
from awards.services.accounts import create_user, generate_password, normalise_email
from awards.services.errors import InvalidInput
from awards.services.institutions import create_institution

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
INSTITUTION_COLUMNS = ("acronym", "name", "type", "parent")
JUDGE_COLUMNS = ("email", "name", "institution", "specialities")
# Column sizes of the models (institutions.name, institutions.acronym, users.email, users.name).
MAX_LENGTH = {"acronym": 32, "name": 200, "parent": 32, "email": 254, "institution": 32}
EMAIL_RE = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
CODE_RE = re.compile(r"^[a-z0-9-]+$")


class RowError(NamedTuple):
    line: int
    reason: object  # a lazy translatable string


# progress(done, total): called with the file's row count as total; a row is done once it is
# checked and, if new, written (writing is the slow part: a judge's password is hashed).
Progress = Callable[[int, int], None] | None


def _report(progress: Progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


class NewAccount(NamedTuple):
    email: str
    name: str
    initial_password: str


@dataclass
class ImportResult:
    kind: str  # "institutions" or "judges"
    rows: int = 0
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)  # judges only; plain passwords, shown once

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        """Rows with at least one problem (a row may have several)."""
        return len({error.line for error in self.errors})


@dataclass(frozen=True)
class CsvFile:
    """The audited object of a summary event: the file, named by its content hash."""

    id: str


class _Row(NamedTuple):
    line: int
    values: dict[str, str]


def _read_csv(data: bytes, columns: tuple[str, ...]) -> list[_Row]:
    """Decode and split the file; raise InvalidInput for problems with the file as a whole."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(_l("The file is too large: at most %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(_l("The file is not UTF-8 text. Save it as \"CSV UTF-8\" and try again.")) from None
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InvalidInput(_l("The file is empty: the first line must be the header row (%(columns)s).",
                              columns=",".join(columns)))
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in columns if c not in header]
    if missing:
        raise InvalidInput(_l("The header row must name the columns %(columns)s; missing: %(missing)s.",
                              columns=",".join(columns), missing=", ".join(missing)))
    index = {c: header.index(c) for c in columns}
    rows: list[_Row] = []
    line = reader.line_num
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows
        if len(rows) >= MAX_ROWS:
            raise InvalidInput(_l("The file has too many rows: at most %(n)s. Split it into smaller files.",
                                  n=format_number(MAX_ROWS)))
        if len(cells) > len(header):
            rows.append(_Row(start, {"__width__": str(len(cells))}))
            continue
        cells = cells + [""] * (len(header) - len(cells))
        rows.append(_Row(start, {c: cells[i].strip() for c, i in index.items()}))
    return rows


def _width_error(row: _Row, columns) -> RowError | None:
    if "__width__" in row.values:
        return RowError(row.line, _l("This row has %(found)s values; the header has %(expected)d columns.",
                                     found=row.values["__width__"], expected=len(columns)))
    return None


def _field_errors(row: _Row, required: tuple[str, ...]) -> list[RowError]:
    errors = []
    for column in required:
        if not row.values[column]:
            errors.append(RowError(row.line, _l("The %(column)s column is empty.", column=column)))
    for column, limit in MAX_LENGTH.items():
        if len(row.values.get(column, "")) > limit:
            errors.append(RowError(row.line, _l("The %(column)s is too long: at most %(n)d characters.",
                                                column=column, n=limit)))
    return errors


def _summarise(action: str, data: bytes, result: ImportResult, actor) -> None:
    if result.created:  # a re-import that changes nothing leaves no trace in the audit trail
        audit.record(action, CsvFile(hashlib.sha256(data).hexdigest()), actor=actor,
                     after={"sha256": hashlib.sha256(data).hexdigest(), "rows": result.rows,
                            "created": result.created, "skipped": result.skipped})


# -- institutions -----------------------------------------------------------------------------

def import_institutions(data: bytes, *, actor: User | None = None, progress: Progress = None) -> ImportResult:
    """Import ``acronym,name,type,parent`` rows. Nothing is written if ``result.errors``."""
    rows = _read_csv(data, INSTITUTION_COLUMNS)
    result = ImportResult("institutions", rows=len(rows))
    _report(progress, 0, len(rows))
    existing = {i.acronym: i for i in db.session.execute(db.select(Institution)).scalars()}
    types = [t.value for t in InstitutionType]
    good: dict[str, dict] = {}  # acronym -> cleaned row, in file order
    seen: dict[str, int] = {}  # acronym -> first line
    parents: dict[str, str | None] = {}  # every acronym in the file -> its parent's acronym
    for row in rows:
        width = _width_error(row, INSTITUTION_COLUMNS)
        if width:
            result.errors.append(width)
            continue
        errors = _field_errors(row, ("acronym", "name", "type"))
        acronym = row.values["acronym"].upper()
        parent = row.values["parent"].upper() or None
        kind = row.values["type"].lower()
        if row.values["type"] and kind not in types:
            errors.append(RowError(row.line, _l("Unknown institution type %(value)s. Use one of: %(types)s.",
                                                value=row.values["type"], types=", ".join(types))))
        if acronym:
            if acronym in seen:
                errors.append(RowError(row.line, _l("The acronym %(acronym)s is already on line %(line)d.",
                                                    acronym=acronym, line=seen[acronym])))
            else:
                seen[acronym] = row.line
                parents[acronym] = parent
        result.errors.extend(errors)
        if not errors:
            good[acronym] = {"line": row.line, "acronym": acronym, "name": row.values["name"],
                             "type": InstitutionType(kind), "parent": parent}
    to_create = []
    for acronym, item in good.items():
        parent = item["parent"]
        if parent is not None and parent not in parents and parent not in existing:
            result.errors.append(RowError(item["line"], _l(
                "Unknown parent %(parent)s: it is neither in the database nor in this file.", parent=parent)))
            continue
        chain = _loop(acronym, parents, existing)
        if chain:
            result.errors.append(RowError(item["line"], _l(
                "The parent chain loops back on itself: %(chain)s.", chain=" → ".join(chain))))
            continue
        stored = existing.get(acronym)
        if stored is None:
            to_create.append(item)
            continue
        differ = [name for name, same in (
            ("name", stored.name == item["name"]), ("type", stored.type is item["type"]),
            ("parent", (stored.parent.acronym if stored.parent else None) == parent)) if not same]
        if differ:
            result.errors.append(RowError(item["line"], _l(
                "%(acronym)s already exists with a different %(fields)s; an import never changes it.",
                acronym=acronym, fields=", ".join(differ))))
        else:
            result.skipped += 1
    result.errors.sort(key=lambda e: e.line)
    if result.errors:
        _report(progress, len(rows), len(rows))
        return result
    done = len(rows) - len(to_create)
    _report(progress, done, len(rows))
    # Parents before children, whatever the order in the file.
    created = dict(existing)
    pending = list(to_create)
    while pending:
        ready = [i for i in pending if i["parent"] is None or i["parent"] in created]
        if not ready:  # cannot happen after the checks above
            raise InvalidInput(_l("The parent chain loops back on itself: %(chain)s.", chain=pending[0]["acronym"]))
        for item in ready:
            created[item["acronym"]] = create_institution(
                name=item["name"], acronym=item["acronym"], type=item["type"],
                parent=created[item["parent"]] if item["parent"] else None, actor=actor)
            done += 1
            _report(progress, done, len(rows))
        pending = [i for i in pending if i not in ready]
    result.created = len(to_create)
    _summarise("import.institutions", data, result, actor)
    return result


def _loop(acronym: str, parents: dict[str, str | None], existing: dict[str, Institution]) -> list[str] | None:
    """The chain from ``acronym`` back to itself if its parents loop (file rows first), else None."""
    chain, current = [acronym], acronym
    for _ in range(len(parents) + len(existing) + 1):
        if current in parents:
            current = parents[current]
        elif current in existing:
            stored = existing[current].parent
            current = stored.acronym if stored else None
        else:
            current = None
        if current is None:
            return None
        chain.append(current)
        if current == acronym:
            return chain
        if current in chain[:-1]:
            return None  # a loop further up, reported on its own rows
    return None


# -- judges -----------------------------------------------------------------------------------

def _known_codes() -> set[str] | None:
    """Category codes of every edition, or None when there are none yet (then any code shape goes)."""
    codes = set(db.session.execute(db.select(Category.code).distinct()).scalars())
    return codes or None


def _specialities(text: str) -> list[str]:
    out: list[str] = []
    for part in text.split(";"):
        code = part.strip().lower()
        if code and code not in out:
            out.append(code)
    return out


def import_judges(data: bytes, *, actor: User | None = None, progress: Progress = None) -> ImportResult:
    """Import ``email,name,institution,specialities`` rows. Nothing is written if ``result.errors``.

    ``result.accounts`` holds each new judge's initial password, in plain text, this once only."""
    rows = _read_csv(data, JUDGE_COLUMNS)
    result = ImportResult("judges", rows=len(rows))
    _report(progress, 0, len(rows))
    institutions = {i.acronym: i for i in db.session.execute(db.select(Institution)).scalars()}
    codes = _known_codes()
    seen: dict[str, int] = {}
    to_create = []
    for row in rows:
        width = _width_error(row, JUDGE_COLUMNS)
        if width:
            result.errors.append(width)
            continue
        errors = _field_errors(row, ("email", "name"))
        email = normalise_email(row.values["email"])
        acronym = row.values["institution"].upper() or None
        specialities = _specialities(row.values["specialities"])
        if email and not EMAIL_RE.match(email):
            errors.append(RowError(row.line, _l("%(email)s is not a valid email address.", email=email)))
        elif email in seen:
            errors.append(RowError(row.line, _l("The email %(email)s is already on line %(line)d.",
                                                email=email, line=seen[email])))
        elif email:
            seen[email] = row.line
        if acronym and acronym not in institutions:
            errors.append(RowError(row.line, _l("Unknown institution %(acronym)s.", acronym=acronym)))
        for code in specialities:
            if (codes is not None and code not in codes) or (codes is None and not CODE_RE.match(code)):
                errors.append(RowError(row.line, _l(
                    "Unknown speciality %(code)s. Use category codes such as: %(codes)s.",
                    code=code, codes=", ".join(sorted(codes)) if codes else "innovation")))
        if errors:
            result.errors.extend(errors)
            continue
        stored = db.session.execute(db.select(User).filter_by(email=email)).scalar()
        if stored is None:
            to_create.append((email, row.values["name"], institutions.get(acronym) if acronym else None,
                              specialities))
            continue
        if stored.role is not Role.JUDGE:
            result.errors.append(RowError(row.line, _l(
                "%(email)s belongs to an account that is not a judge's; use another email.", email=email)))
            continue
        differ = [name for name, same in (
            ("name", stored.name == row.values["name"]),
            ("institution", (stored.institution.acronym if stored.institution else None) == acronym),
            ("specialities", sorted(stored.specialities or []) == sorted(specialities))) if not same]
        if differ:
            result.errors.append(RowError(row.line, _l(
                "The judge %(email)s already exists with a different %(fields)s; an import never changes it.",
                email=email, fields=", ".join(differ))))
        else:
            result.skipped += 1
    result.errors.sort(key=lambda e: e.line)
    if result.errors:
        _report(progress, len(rows), len(rows))
        return result
    done = len(rows) - len(to_create)
    _report(progress, done, len(rows))
    for email, name, institution, specialities in to_create:
        password = generate_password()
        user = create_user(email, name=name, role=Role.JUDGE, password=password, institution=institution,
                           actor=actor, generated_password=True)
        user.specialities = specialities
        result.accounts.append(NewAccount(email, user.name, password))
        done += 1
        _report(progress, done, len(rows))
    result.created = len(to_create)
    _summarise("import.judges", data, result, actor)
    return result
