"""`flask --app wsgi awards ...`: set up the database, load the demo, create users.

Each command commits once at the end, like a request; a failure rolls everything back.
"""

from datetime import date

import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from awards import seeding
from awards.enums import Role
from awards.extensions import db
from awards.services import accounts, institutions
from awards.services.errors import DomainError

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
