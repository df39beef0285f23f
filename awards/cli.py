"""`flask --app wsgi awards ...`: set up the database, load the demo, create users.

Each command commits once at the end, like a request; a failure rolls everything back.
"""

import sys
from datetime import date

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from awards import seeding
from awards.enums import Role
from awards.extensions import db
from awards.services import accounts, audit, institutions
from awards.services.errors import DomainError
from awards.services import imports as csv_imports

awards_cli = AppGroup("awards", help="Tuzo commands.")


def _fail(exc: DomainError):
    db.session.rollback()
    raise click.ClickException(str(exc.message))


@awards_cli.command("init")
@click.option("--year", type=int, default=None, help="Edition year (default: the next Public Service Week).")
def init_command(year):
    """Migrate the database and load the five categories into edition psw-<year>."""
    upgrade()
    year = year or seeding.next_edition_year(date.today())
    try:
        edition, created = seeding.init_edition(year)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    state = "created" if created else "already there"
    click.echo(f"Database ready. Edition {edition.slug} ({len(edition.categories)} categories): {state}.")


@awards_cli.command("demo")
def demo_command():
    """Load the demo edition (psw-2026), open next year's for entries, and print the accounts."""
    try:
        edition, created = seeding.load_demo()
        following, opened = seeding.load_next_edition()
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Demo edition {edition.slug}: {'loaded' if created else 'already loaded'}.")
    if opened:
        click.echo(f"Edition {following.slug} is open for entries until {following.submissions_deadline:%d %B %Y}.")
    click.echo("Demo accounts (demo only, never in production):")
    for email, role, password in seeding.demo_accounts():
        click.echo(f"  {role:<12} {email:<32} {password}")


@awards_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--institution", "acronym", default=None, help="Institution acronym (staff and a judge's home).")
@click.option("--name", default="", help="Full name (default: the email).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when not given.")
def create_user_command(email, role, acronym, name, password):
    """Create a user: organiser, judge or institution staff."""
    institution = None
    if acronym:
        institution = institutions.get_institution(acronym)
        if institution is None:
            raise click.ClickException(f"No institution with acronym {acronym!r}.")
    try:
        user = accounts.create_user(email, name=name or email, role=Role(role), password=password,
                                    institution=institution)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


audit_cli = AppGroup("audit", help="The audit trail.")
awards_cli.add_command(audit_cli)


@audit_cli.command("verify")
def audit_verify_command():
    """Check the audit trail's hash chain; name the first event that was altered or removed."""
    from awards.models import AuditEvent

    count = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    broken = audit.verify_chain()
    if broken is not None:
        event = db.session.get(AuditEvent, broken)
        raise click.ClickException(
            f"The audit trail is broken at event #{event.id} ({event.action} on {event.object_type} "
            f"{event.object_id}, {event.created_at:%Y-%m-%d %H:%M:%S} UTC): it was changed, or the event "
            f"before it was removed."
        )
    click.echo(f"Audit trail intact: {count} events, hash chain verified.")


def _report_import(result, noun: str) -> None:
    """Print an import's counts, or every bad row and exit with status 1 (nothing was imported)."""
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            click.echo(f"line {error.line}: {error.reason}", err=True)
        raise click.ClickException(f"{len(result.errors)} bad row(s): nothing was imported.")
    db.session.commit()
    click.echo(f"{noun}: {result.created} created, {result.skipped} unchanged ({result.rows} rows).")


def _import(service, file, label: str):
    """Run an import with a progress bar over the file's rows (on stderr: stdout keeps the results)."""
    data = file.read(csv_imports.MAX_BYTES + 1)
    with click.progressbar(length=0, label=label, show_pos=True, file=sys.stderr) as bar:
        def progress(done, total):
            bar.length = total
            bar.update(done - bar.pos)

        return service(data, progress=progress)


@awards_cli.command("import-institutions")
@click.argument("file", type=click.File("rb"))
def import_institutions_command(file):
    """Import institutions from a CSV file: acronym,name,type,parent (all or nothing)."""
    try:
        result = _import(csv_imports.import_institutions, file, "Institutions")
    except DomainError as exc:
        _fail(exc)
    _report_import(result, "Institutions")


@awards_cli.command("import-judges")
@click.argument("file", type=click.File("rb"))
@click.option("--passwords-out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the new judges' initial passwords to this CSV (email,initial_password) "
                   "instead of printing them.")
def import_judges_command(file, passwords_out):
    """Import judges from a CSV file: email,name,institution,specialities (all or nothing)."""
    try:
        result = _import(csv_imports.import_judges, file, "Judges")
    except DomainError as exc:
        _fail(exc)
    _report_import(result, "Judges")
    if result.accounts and passwords_out:
        import csv
        import os

        try:  # readable by this user only
            fd = os.open(passwords_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["email", "initial_password"])
                writer.writerows((a.email, a.initial_password) for a in result.accounts)
        except OSError as exc:
            click.echo(f"Could not write {passwords_out} ({exc}); printing the passwords instead.", err=True)
            passwords_out = None
        else:
            click.echo(f"Initial passwords written to {passwords_out}: hand each to its judge privately.")
    if result.accounts and not passwords_out:
        click.echo("Initial passwords (shown once; hand each to its judge privately):")
        for account in result.accounts:
            click.echo(f"  {account.email:<40} {account.initial_password}")


rubrics_cli = AppGroup("rubrics", help="Categories and rubrics as a file in the seeds format.")
awards_cli.add_command(rubrics_cli)


def _edition(slug: str):
    from awards.services import editions

    edition = editions.get_edition(slug)
    if edition is None:
        raise click.ClickException(f"No edition {slug!r}.")
    return edition


@rubrics_cli.command("export")
@click.option("--edition", "slug", required=True, help="The edition's short name, e.g. psw-2027.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (default: standard output).")
def rubrics_export_command(slug, out):
    """Write an edition's categories and rubrics as TOML (the seeds format)."""
    from awards.services import rubrics

    text = rubrics.export_toml(_edition(slug))
    if out is None:
        click.echo(text, nl=False)
        return
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"Rubrics of {slug} written to {out}.")


@rubrics_cli.command("import")
@click.option("--edition", "slug", required=True, help="The edition's short name, e.g. psw-2027.")
@click.argument("file", type=click.File("rb"))
def rubrics_import_command(slug, file):
    """Replace an edition's categories and rubrics from a TOML file (all or nothing)."""
    from awards.services import rubrics

    edition = _edition(slug)
    try:
        categories = rubrics.replace_rubrics(edition, rubrics.parse_toml(file.read(rubrics.MAX_BYTES + 1)),
                                             actor=None)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()
    click.echo(f"Rubrics of {slug} replaced: {len(categories)} categories.")


@awards_cli.command("certificates")
@click.option("--edition", "slug", required=True, help="The edition's short name, e.g. psw-2026.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, writable=True),
              help="Folder for <serial>.pdf, all-certificates.pdf and manifest.json.")
@click.option("--base-url", default=None,
              help="Public address the QR codes point to, e.g. https://tuzo.example (default: SERVER_NAME).")
def certificates_command(slug, out_dir, base_url):
    """Write the edition's current certificates as PDFs; re-running renders only what changed."""
    import time
    from pathlib import Path
    from urllib.parse import urlsplit

    from flask import current_app, url_for

    from awards.services import certificate_batch

    edition = _edition(slug)
    if base_url is None and current_app.config.get("SERVER_NAME"):
        base_url = f"{current_app.config.get('PREFERRED_URL_SCHEME', 'http')}://{current_app.config['SERVER_NAME']}"
    if not base_url:
        raise click.ClickException("Give --base-url (the public address in the QR codes) or set SERVER_NAME.")
    address = urlsplit(base_url)
    if address.scheme not in ("http", "https") or not address.netloc or address.query or address.fragment:
        raise click.ClickException(f"--base-url must be an http or https address such as https://tuzo.example, "
                                   f"not {base_url!r}: phones open the QR codes only with one.")
    base_url = base_url.rstrip("/")
    started = time.perf_counter()
    # Paths from the URL map, prefixed with the public address (SERVER_NAME would win over a base_url).
    with current_app.test_request_context():
        with click.progressbar(length=0, label="Certificates", show_pos=True) as bar:
            def progress(done, total):
                bar.length = total
                bar.update(done - bar.pos)

            result = certificate_batch.issue_edition(
                edition, Path(out_dir), progress=progress,
                verify_url_for=lambda serial: base_url + url_for("public.verify", serial=serial, _external=False),
                verify_form_url=base_url + url_for("public.verify_form", _external=False),
            )
    click.echo(f"{len(result.issued)} issued, {len(result.skipped)} skipped (up to date), "
               f"{len(result.removed)} removed (superseded or revoked) in {time.perf_counter() - started:.1f} s.")
    if result.total:
        click.echo(f"Combined PDF: {result.combined}; manifest: {result.manifest}.")
    else:
        click.echo(f"Edition {edition.slug} has no certificates that verify as valid: they are issued when a "
                   f"category's results are published. Manifest: {result.manifest}.")


@awards_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup_command(file):
    """Write one archive (.tar.gz) with the database, every evidence file and a manifest of hashes."""
    from pathlib import Path

    from awards.services import backup

    try:
        summary = backup.backup(Path(file))
    except DomainError as exc:
        _fail(exc)
    db.session.commit()  # the system.backup audit event
    click.echo(f"Backup written to {summary.archive}: {summary.dialect} database at revision {summary.revision}, "
               f"{sum(summary.tables.values())} rows in {len(summary.tables)} tables, {summary.files} evidence files.")


@awards_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(file, force):
    """Restore an archive written by `awards backup` (stop the app server first)."""
    from pathlib import Path

    from awards.services import backup

    try:
        summary = backup.restore(Path(file), force=force)
    except DomainError as exc:
        _fail(exc)
    db.session.commit()  # the system.restore audit event
    click.echo(f"Restored {summary.archive}: {summary.dialect} database at revision {summary.revision}.")
    for name, count in sorted(summary.tables.items()):
        click.echo(f"  {name:<32} {count:>8} rows")
    click.echo(f"{summary.files} evidence files restored; row counts and file hashes verified.")


@awards_cli.command("export")
@click.option("--edition", "slug", default=None, help="The edition's short name, e.g. psw-2026 (results and scores).")
@click.option("--category", "code", default=None,
              help="One category's code, e.g. innovation (default: every category of the edition).")
@click.option("--what", type=click.Choice(["results", "scores", "audit"]), required=True,
              help="results and scores: one file per category; audit: the whole audit trail in one file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, writable=True),
              help="Folder for the files, named as the console's downloads (created if missing).")
@click.option("--lang", type=click.Choice(["sw", "en"]), default=None,
              help="Language of the column names and texts (default: BABEL_DEFAULT_LOCALE).")
def export_command(slug, code, what, fmt, out_dir, lang):
    """Write what the console exports (results, score matrix, audit trail) as CSV or XLSX files."""
    import time
    from pathlib import Path

    from flask import current_app
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from awards.services import exports

    if what == "audit":
        if slug or code:
            raise click.UsageError("--what audit exports the whole audit trail: leave out --edition and --category.")
        categories = []
    else:
        if not slug:
            raise click.UsageError(f"--what {what} needs --edition.")
        edition = _edition(slug)
        categories = list(edition.categories)
        if code is not None:
            categories = [c for c in categories if c.code == code]
            if not categories:
                known = ", ".join(c.code for c in edition.categories) or "none"
                raise click.ClickException(f"No category {code!r} in edition {slug} (its categories: {known}).")
        if not categories:
            raise click.ClickException(f"Edition {slug} has no categories: nothing to export.")
    started = time.perf_counter()
    made = []  # (name, body, rows): every file is made before any is written
    labels = {"results": "Results", "scores": "Scores", "audit": "Audit log"}
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            with click.progressbar(length=max(len(categories), 1), label=labels[what], show_pos=True,
                                   file=sys.stderr) as bar:
                if what == "audit":
                    header, rows = exports.audit_table()
                    made.append(("audit-log", exports.render(header, rows, fmt, _("Audit log")), len(rows)))
                    bar.update(1)
                for category in categories:
                    name, header, rows, title = exports.category_export(category, what)
                    made.append((name, exports.render(header, rows, fmt, title), len(rows)))
                    bar.update(1)
        except DomainError as exc:
            _fail(exc)
    directory = Path(out_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        written = [exports.write_file(directory, name, fmt, body, rows) for name, body, rows in made]
    except OSError as exc:
        raise click.ClickException(f"Could not write to {out_dir}: {exc}") from None
    for file in written:
        click.echo(f"{file.path}: {file.rows} rows, {file.bytes} bytes")
    click.echo(f"{len(written)} file(s) written in {time.perf_counter() - started:.1f} s.")
