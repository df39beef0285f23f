"""A national-scale edition for the benchmarks, built straight into a database.

    .venv/bin/python bench/national.py sqlite:////tmp/national.sqlite

Five categories (the Public Service Week rubrics: six criteria each), 200 submitted entries per
category, seven judges per entry, every scorecard submitted, all five categories published
through ``results.publish_category`` (the real snapshot and certificates), then one scorecard per
judge reopened so the judges' autosave works while the public pages show published results.

Speed over ceremony: the bulk rows (institutions, judges, entries, assignments, scorecards,
scores) go in with SQLAlchemy bulk inserts, not through the services, and leave no audit events.
They are still valid rows for the app: judges have accounts that log in (a fast pbkdf2 hash of
PASSWORD), signed declarations, no conflicts of interest, and scores on each criterion's scale.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

YEAR = 2031
SLUG = f"psw-{YEAR}"
PASSWORD = "bench-national-2031"
ORGANISER = "mratibu@bench.example"
SECRET_KEY = "bench-secret-key-for-a-throwaway-database-0123456789"


@dataclass
class National:
    slug: str
    categories: list[str]
    entries: int
    judges: list[str]  # emails
    password: str
    # judge email -> the assignment id of their reopened scorecard (the autosave target)
    reopened: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def config(url: str, upload_dir: str) -> dict:
    """The app configuration the benches use in-process (never TESTING: the server runs without it)."""
    return {
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_DIR": upload_dir,
    }


def quiet() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # SQLite keeps NUMERIC as float; the app quantises on read (pyproject ignores the same warning).
    warnings.filterwarnings("ignore", message="Dialect sqlite\\+pysqlite does \\*not\\* support Decimal")


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):  # alembic's INFO lines
        upgrade()


def build(app, *, entries: int = 200, judges_per_entry: int = 7, panel: int = 14) -> National:
    """Build the edition into the app's (migrated, empty) database; returns what the benches need."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from awards import seeding
    from awards.enums import EntryStatus, InstitutionType, Role, ScorecardStatus, Stage
    from awards.extensions import db
    from awards.models import (
        Assignment, CriterionScore, DeclarationSignature, Entry, Institution, Scorecard, User,
    )
    from awards.models._types import utcnow
    from awards.services import results

    assert panel >= judges_per_entry and panel % 2 == 0 and judges_per_entry <= panel // 2
    started = time.perf_counter()
    with app.app_context():
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        organiser = User(email=ORGANISER, name="Mratibu wa Benchi", password_hash=password_hash,
                         role=Role.ORGANISER, locale="sw")
        db.session.add(organiser)
        edition, _ = seeding.init_edition(YEAR)
        edition.public_places = None  # every place public: the heaviest ranking page
        db.session.flush()
        categories = list(edition.categories)
        now = utcnow()

        def bulk(model, rows):
            db.session.execute(sa.insert(model), rows)

        # Institutions: one entry each per category (unique per category). Agencies may enter all five.
        bulk(Institution, [{"name": f"Taasisi ya Umma {i:03d}", "acronym": f"TU{i:03d}", "type": InstitutionType.AGENCY}
                           for i in range(entries)])
        inst_ids = list(db.session.execute(sa.select(Institution.id).order_by(Institution.id)).scalars())
        n_judges = panel * len(categories)
        emails = [f"jaji{j:03d}@bench.example" for j in range(n_judges)]
        bulk(User, [{"email": e, "name": f"Jaji {j:03d}", "password_hash": password_hash, "role": Role.JUDGE,
                     "locale": "sw"} for j, e in enumerate(emails)])
        judge_ids = dict(db.session.execute(sa.select(User.email, User.id).filter(User.email.in_(emails))).all())
        bulk(DeclarationSignature, [{"judge_id": judge_ids[e], "edition_id": edition.id, "signed_name": f"Jaji {j:03d}",
                                     "declared_institution_ids": [], "signed_at": now} for j, e in enumerate(emails)])
        submitted = now - timedelta(days=30)
        bulk(Entry, [{"edition_id": edition.id, "category_id": c.id, "institution_id": inst_ids[i],
                      "title": f"{c.code} {i:03d}: huduma bora kwa wananchi", "summary": "Muhtasari wa benchi.",
                      "innovation_name": f"Ubunifu {i:03d}" if c.names_innovation else None,
                      "status": EntryStatus.SUBMITTED, "created_at": submitted, "submitted_at": submitted}
                     for c in categories for i in range(entries)])
        entry_ids = {(cid, iid): eid for eid, cid, iid in db.session.execute(
            sa.select(Entry.id, Entry.category_id, Entry.institution_id).filter_by(edition_id=edition.id))}

        # Each entry gets judges_per_entry distinct judges of its category's panel.
        plan = []  # (category index, entry index, judge index in panel)
        for ci, c in enumerate(categories):
            for i in range(entries):
                for k in range(judges_per_entry):
                    plan.append((ci, i, (i + 2 * k) % panel))
        bulk(Assignment, [{"judge_id": judge_ids[emails[ci * panel + p]], "entry_id": entry_ids[categories[ci].id,
                                                                                               inst_ids[i]],
                           "created_at": submitted} for ci, i, p in plan])
        assignment_ids = {(a_judge, a_entry): aid for aid, a_judge, a_entry in db.session.execute(
            sa.select(Assignment.id, Assignment.judge_id, Assignment.entry_id))}
        bulk(Scorecard, [{"assignment_id": aid, "status": ScorecardStatus.SUBMITTED, "version": 2, "comment": "",
                          "updated_at": submitted, "submitted_at": submitted} for aid in assignment_ids.values()])
        card_of = dict(db.session.execute(sa.select(Scorecard.assignment_id, Scorecard.id)).all())

        # Scores on each criterion's scale: the entry's strength, the judge's leniency and a fixed
        # wobble (no randomness: every run measures the same data).
        rows = []
        for ci, i, p in plan:
            card = card_of[assignment_ids[judge_ids[emails[ci * panel + p]], entry_ids[categories[ci].id, inst_ids[i]]]]
            strength = (i * 37) % 11 / Decimal(2)  # 0 .. 5
            for c_index, crit in enumerate(categories[ci].criteria):
                wobble = Decimal((i * 7 + p * 3 + c_index * 5) % 3 - 1)
                value = min(max((strength + wobble + (p % 3 - 1)).quantize(Decimal(1)), crit.scale_min), crit.scale_max)
                rows.append({"scorecard_id": card, "criterion_id": crit.id, "value": value, "comment": ""})
        bulk(CriterionScore, rows)
        edition.stage = Stage.JUDGING
        db.session.commit()

        organiser = db.session.merge(organiser)
        for category in categories:
            results.publish_category(category, actor=organiser)
        db.session.commit()

        # One scorecard per judge sent back (as an organiser would, with a reason): the autosave target.
        reopened = {}
        for ci, i, p in plan:
            email = emails[ci * panel + p]
            if email not in reopened:
                reopened[email] = assignment_ids[judge_ids[email], entry_ids[categories[ci].id, inst_ids[i]]]
        db.session.execute(
            sa.update(Scorecard).where(Scorecard.assignment_id.in_(list(reopened.values())))
            .values(status=ScorecardStatus.REOPENED, reopen_reason="Benchi: tafadhali hakiki alama zako tena.",
                    reopened_at=now, reopened_by_id=organiser.id))
        db.session.commit()
        national = National(slug=edition.slug, categories=[c.code for c in categories], entries=entries,
                            judges=emails, password=PASSWORD, reopened=reopened)
    national.seconds = time.perf_counter() - started
    return national


def create(url: str, upload_dir: str, **kwargs):
    """A migrated database at ``url`` with the national edition: (app, National)."""
    from awards import create_app

    quiet()
    app = create_app(config(url, upload_dir))
    migrate(app)
    return app, build(app, **kwargs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="an empty database, e.g. sqlite:////tmp/national.sqlite")
    parser.add_argument("--upload-dir", default="/tmp/tuzo-bench-uploads")
    parser.add_argument("--entries", type=int, default=200)
    args = parser.parse_args(argv)
    Path(args.upload_dir).mkdir(parents=True, exist_ok=True)
    _, national = create(args.url, args.upload_dir, entries=args.entries)
    print(f"national edition {national.slug}: {len(national.categories)} categories x {national.entries} entries, "
          f"{len(national.judges)} judges, built in {national.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
