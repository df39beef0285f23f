"""`awards backup` and `awards restore`: a round trip gives back every row and every evidence file;
a damaged archive, or a database that already holds data (without --force), is refused unchanged.

Runs on the suite's database (SQLite, or PostgreSQL with AWARDS_TEST_DATABASE_URL, restoring into
a scratch database next to it)."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select

from awards import create_app
from awards.extensions import db
from awards.models import AuditEvent
from awards.storage import FileStore
from tests.conftest import UPLOAD_DIR, _config
from tests.trust.test_durability import _scratch_database

PDF = b"%PDF-1.4\n% backup test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SYSTEM_EVENTS = ("system.backup", "system.restore")


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.glob("??/??/*") if p.is_file()}


def _rows(url: str) -> dict[str, list]:
    """Every table's rows ordered by primary key (audit events of backups and restores aside)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            out = {}
            for table in [*db.metadata.sorted_tables]:
                query = select(table).order_by(*table.primary_key.columns)
                if table.name == AuditEvent.__tablename__:
                    query = query.where(table.c.action.not_in(SYSTEM_EVENTS))
                out[table.name] = [tuple(row) for row in conn.execute(query)]
            out["alembic_version"] = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
            out["_tables"] = sorted(inspect(conn).get_table_names())
        return out
    finally:
        engine.dispose()


@pytest.fixture
def source(app, demo):
    """The demo plus two more evidence files in the store."""
    store = FileStore(Path(UPLOAD_DIR))
    store.put_bytes(PDF, max_bytes=10_000)
    store.put_bytes(b"code,score\nA,4\nB,5\n", max_bytes=10_000)
    return app


@pytest.fixture
def target(tmp_path):
    url = _scratch_database(tmp_path, "restore")
    app = create_app(dict(_config(url), UPLOAD_DIR=str(tmp_path / "restored-uploads")))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _cli(app, *args):
    """Run a command against ``app`` (the CLI would otherwise use the app context already pushed)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["awards", *args])
        db.session.remove()
    return result


def test_round_trip_restores_every_row_and_file(source, target, runner, tmp_path):
    archive = tmp_path / "tuzo.tar.gz"
    result = runner.invoke(args=["awards", "backup", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = set(tar.getnames())
    assert manifest["alembic_revision"] and manifest["tables"]["entries"] > 0
    assert names == {"manifest.json", *manifest["files"]}
    stored = _files(Path(UPLOAD_DIR))
    assert {f"uploads/{rel}": sha for rel, sha in stored.items()}.items() <= manifest["files"].items()
    assert len(stored) >= 7  # the demo's evidence and the two above
    assert runner.invoke(args=["awards", "audit", "verify"]).exit_code == 0  # after system.backup
    source_url = source.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()

    result = _cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "verified" in result.output
    target_url = target.config["SQLALCHEMY_DATABASE_URI"]
    assert _rows(target_url) == _rows(source_url)
    assert _files(Path(target.config["UPLOAD_DIR"])) == stored
    verify = _cli(target, "audit", "verify")
    assert verify.exit_code == 0, verify.output
    with target.app_context():
        actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)).scalar()
        db.session.remove()
    assert actions == "system.restore"

    # Restoring again over data is refused without --force, and works with it (PostgreSQL: --clean).
    result = _cli(target, "restore", str(archive))
    assert result.exit_code != 0 and "not empty" in result.output
    result = _cli(target, "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert _rows(target_url) == _rows(source_url)
    assert _cli(target, "audit", "verify").exit_code == 0


def test_restore_refuses_a_non_empty_database_without_force(source, runner, tmp_path):
    archive = tmp_path / "tuzo.tar.gz"
    assert runner.invoke(args=["awards", "backup", str(archive)]).exit_code == 0
    url = source.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    before = _rows(url)
    result = runner.invoke(args=["awards", "restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output and "--force" in result.output
    assert _rows(url) == before


def _rewrite(archive: Path, out: Path, change) -> None:
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read()
            data = change(info.name, data)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("damage", ["database", "evidence", "truncated"])
def test_a_damaged_archive_is_refused_and_nothing_changes(source, target, runner, tmp_path, damage):
    archive = tmp_path / "tuzo.tar.gz"
    assert runner.invoke(args=["awards", "backup", str(archive)]).exit_code == 0
    db.session.remove()
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        def change(name, data):
            hit = name.startswith("database.") if damage == "database" else name.startswith("uploads/")
            return data[:-1] + bytes([data[-1] ^ 1]) if hit else data

        _rewrite(archive, bad, change)
    target_url = target.config["SQLALCHEMY_DATABASE_URI"]
    before = _rows_or_none(target_url)
    result = _cli(target, "restore", "--force", str(bad))
    assert result.exit_code != 0
    assert ("does not match" in result.output) if damage != "truncated" else ("damaged" in result.output)
    assert "nothing was changed" in result.output.lower()
    assert _rows_or_none(target_url) == before
    assert not Path(target.config["UPLOAD_DIR"]).exists() or _files(Path(target.config["UPLOAD_DIR"])) == {}


def _rows_or_none(url):
    """The target's tables (none yet in a fresh database)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return sorted(inspect(conn).get_table_names())
    finally:
        engine.dispose()
