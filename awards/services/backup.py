"""Backup and restore: one archive holding the database, every stored evidence file and a manifest.

The archive is a gzipped tar:

    manifest.json            format, date, database dialect, Alembic revision, rows per table,
                             and the SHA-256 of every other member
    database.sqlite          SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump          PostgreSQL: ``pg_dump --format=custom`` of the configured database
    uploads/ab/cd/<sha256>   the content-addressed evidence store (awards.storage.FileStore)

A restore checks every member against the manifest before it changes anything, refuses to
overwrite a database that holds rows unless forced, restores the database (SQLite backup API,
or ``pg_restore --clean --if-exists --no-owner --single-transaction``) and the files, then
checks the row counts and the files' hashes again. The operator commands are in awards.cli;
they speak English, like the rest of the CLI. Stop the app server while restoring.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import column, create_engine, func, inspect, select, table, text
from sqlalchemy.pool import NullPool
from sqlalchemy.engine import make_url

from awards.extensions import db
from awards.services import audit
from awards.services.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(DomainError):
    """An archive that cannot be written or restored; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    archive: Path
    dialect: str
    revision: str | None
    tables: dict[str, int]
    files: int


# --- backup ---------------------------------------------------------------------------------


def backup(archive: Path, *, actor=None) -> Summary:
    """Write the archive (atomically: a partial file never takes its name) and record system.backup."""
    archive = Path(archive)
    dialect = db.engine.dialect.name
    if dialect not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {dialect}.")
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    db.session.rollback()  # the dump must not wait for, or miss, this session's own transaction
    with tempfile.TemporaryDirectory(prefix="tuzo-backup-") as tmp:
        dump = Path(tmp) / DATABASE_MEMBERS[dialect]
        if dialect == "sqlite":
            revision, tables = _dump_sqlite(dump)
        else:
            revision, tables = _dump_postgresql(dump)
        members = {DATABASE_MEMBERS[dialect]: dump}
        members.update({f"{UPLOADS}/{rel}": path for rel, path in _stored_files(upload_dir)})
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "dialect": dialect,
            "alembic_revision": revision,
            "tables": tables,
            "files": {name: _sha256(path) for name, path in sorted(members.items())},
        }
        partial = archive.with_name(archive.name + ".part")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
                for name, path in sorted(members.items()):
                    tar.add(path, arcname=name, recursive=False, filter=_plain_member)
            with open(partial, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, archive)
        finally:
            partial.unlink(missing_ok=True)
    audit.record("system.backup", None, object_type="System", actor=actor,
                 after={"archive": archive.name, "sha256": _sha256(archive), "files": len(members) - 1,
                        "alembic_revision": revision})
    return Summary(archive, dialect, revision, tables, len(members) - 1)


def _dump_sqlite(target: Path) -> tuple[str | None, dict[str, int]]:
    source = db.engine.url.database
    if not source or source == ":memory:" or not Path(source).is_file():
        raise BackupError(f"The configured SQLite database {source!r} is not a file: there is nothing to back up.")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # a consistent snapshot, even while the app writes
    finally:
        src.close()
        dst.close()
    return _sqlite_counts(target)


def _sqlite_counts(path: Path) -> tuple[str | None, dict[str, int]]:
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return _counts(conn)
    finally:
        engine.dispose()


def _dump_postgresql(target: Path) -> tuple[str | None, dict[str, int]]:
    """pg_dump and the row counts see the same snapshot, exported from a REPEATABLE READ transaction."""
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
        revision, tables = _counts(conn)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], "pg_dump")
        conn.rollback()
    return revision, tables


def _counts(conn) -> tuple[str | None, dict[str, int]]:
    names = sorted(inspect(conn).get_table_names())
    tables = {name: conn.execute(select(func.count()).select_from(table(name))).scalar() for name in names}
    revision = None
    if "alembic_version" in tables:
        revision = conn.execute(select(column("version_num")).select_from(table("alembic_version"))).scalar()
    return revision, tables


def _stored_files(upload_dir: Path):
    """(relative posix path, absolute path) of every file of the content-addressed store."""
    if not upload_dir.is_dir():
        return
    for path in sorted(upload_dir.glob("??/??/*")):
        rel = PurePosixPath(path.relative_to(upload_dir).as_posix())
        if path.is_file() and not path.is_symlink() and _is_store_name(rel):
            yield str(rel), path


def _is_store_name(rel: PurePosixPath) -> bool:
    parts = rel.parts
    if len(parts) != 3:
        return False
    a, b, name = parts
    return (len(name) == 64 and all(c in "0123456789abcdef" for c in name)
            and a == name[:2] and b == name[2:4])


def _plain_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o640
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


# --- restore --------------------------------------------------------------------------------


def restore(archive: Path, *, force: bool = False) -> Summary:
    """Restore the archive into the configured database and UPLOAD_DIR; record system.restore.

    Every member is checked against the manifest before anything changes. A database that
    already holds rows is only overwritten with ``force``.
    """
    dialect = db.engine.dialect.name
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with tempfile.TemporaryDirectory(prefix="tuzo-restore-") as tmp:
        manifest, extracted = _unpack(Path(archive), Path(tmp))
        if manifest["dialect"] != dialect:
            raise BackupError(f"The archive holds a {manifest['dialect']} database; the configured database "
                              f"is {dialect}. Restore into the same kind of database.")
        db.session.rollback()
        rows = _rows_in(dialect)
        if rows and not force:
            raise BackupError(f"The configured database is not empty ({rows} rows). Nothing was changed; "
                              f"add --force to replace its contents with the archive's.")
        dump = extracted[DATABASE_MEMBERS[dialect]]
        db.session.remove()
        db.engine.dispose()  # no pooled connection may keep the old database's pages or schema
        if dialect == "sqlite":
            _restore_sqlite(dump)
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(dump)],
                 "pg_restore")
        db.engine.dispose()
        files = {name[len(UPLOADS) + 1:]: path for name, path in extracted.items() if name.startswith(UPLOADS + "/")}
        for rel, path in files.items():
            _install_file(path, upload_dir / rel)

    revision, tables = _current_counts()
    if tables != manifest["tables"]:
        differing = sorted(name for name in set(tables) | set(manifest["tables"])
                           if tables.get(name) != manifest["tables"].get(name))
        raise BackupError(f"The restored database's row counts differ from the archive's in: {', '.join(differing)}.")
    for rel in files:
        expected = manifest["files"][f"{UPLOADS}/{rel}"]
        if _sha256(upload_dir / rel) != expected:
            raise BackupError(f"The restored file {rel} does not match the archive.")
    audit.record("system.restore", None, object_type="System",
                 after={"archive": Path(archive).name, "created_at": manifest["created_at"], "files": len(files),
                        "alembic_revision": revision, "rows": sum(tables.values())})
    return Summary(Path(archive), dialect, revision, tables, len(files))


def _unpack(archive: Path, into: Path) -> tuple[dict, dict[str, Path]]:
    """Extract every member into ``into`` after checking it against the manifest; refuse any mismatch."""
    try:
        tar = tarfile.open(archive, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{archive} is not a Tuzo backup archive (a .tar.gz): {exc}.") from None
    extracted: dict[str, Path] = {}
    manifest = None
    try:
        with tar:
            for info in tar:
                name = info.name
                if not info.isfile() or not _safe_member(name):
                    raise BackupError(f"The archive holds an unexpected member {name!r}: refused.")
                if name in extracted or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"The archive holds {name!r} twice: refused.")
                stream = tar.extractfile(info)
                if name == MANIFEST:
                    manifest = _read_manifest(stream.read())
                    continue
                target = into / f"m{len(extracted)}"
                with open(target, "wb") as out:
                    shutil.copyfileobj(stream, out, CHUNK)
                extracted[name] = target
    except (OSError, EOFError, tarfile.TarError, zlib.error) as exc:
        raise BackupError(f"The archive is damaged ({exc}): refused, nothing was changed.") from None
    if manifest is None:
        raise BackupError("The archive has no manifest.json: refused, nothing was changed.")
    listed = manifest["files"]
    if set(listed) != set(extracted):
        missing, extra = sorted(set(listed) - set(extracted)), sorted(set(extracted) - set(listed))
        raise BackupError(f"The archive does not match its manifest (missing: {missing[:3]}, not listed: "
                          f"{extra[:3]}): refused, nothing was changed.")
    for name, path in extracted.items():
        if _sha256(path) != listed[name]:
            raise BackupError(f"{name} in the archive does not match the SHA-256 in its manifest: the archive is "
                              f"corrupted or was altered. Refused, nothing was changed.")
    if manifest["dialect"] not in DATABASE_MEMBERS or DATABASE_MEMBERS[manifest["dialect"]] not in extracted:
        raise BackupError("The archive holds no database: refused, nothing was changed.")
    return manifest, extracted


def _read_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise BackupError("The archive's manifest.json cannot be read: refused, nothing was changed.") from None
    if not (isinstance(manifest, dict) and manifest.get("format") == FORMAT
            and isinstance(manifest.get("files"), dict) and isinstance(manifest.get("tables"), dict)):
        raise BackupError("The archive's manifest.json is not one this version of Tuzo writes: refused.")
    return manifest


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    if name == MANIFEST or name in DATABASE_MEMBERS.values():
        return True
    return (path.parts[:1] == (UPLOADS,) and not path.is_absolute()
            and _is_store_name(PurePosixPath(*path.parts[1:])))


def _rows_in(dialect: str) -> int:
    """Rows in the configured database, Alembic's bookkeeping aside: 0 for a new or only migrated one."""
    _revision, tables = _current_counts()
    return sum(count for name, count in tables.items() if name != "alembic_version")


def _current_counts() -> tuple[str | None, dict[str, int]]:
    with db.engine.connect() as conn:
        result = _counts(conn)
        conn.rollback()
    return result


def _restore_sqlite(dump: Path) -> None:
    target = db.engine.url.database
    if not target or target == ":memory:":
        raise BackupError("The configured SQLite database is in memory: there is nothing to restore into.")
    src = sqlite3.connect(dump)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # replaces every page of the target, in one step for other connections
    finally:
        src.close()
        dst.close()


def _install_file(source: Path, target: Path) -> None:
    if target.is_file() and _sha256(target) == _sha256(source):
        return
    target.parent.mkdir(0o750, parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restore")
    shutil.copyfile(source, partial)
    os.chmod(partial, 0o640)
    os.replace(partial, target)


# --- helpers --------------------------------------------------------------------------------


def _libpq() -> tuple[str, dict]:
    """The configured database as libpq reads it (postgresql://..., without the password) and the
    environment for pg_dump and pg_restore (PGPASSWORD, so it never shows in the process list)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(command: list[str], tool: str) -> None:
    dsn, env = _libpq()
    try:
        done = subprocess.run([*command, f"--dbname={dsn}"], capture_output=True, text=True, check=False, env=env)
    except FileNotFoundError:
        raise BackupError(f"{tool} was not found: install the PostgreSQL client tools "
                          f"(Debian: apt-get install postgresql-client), of the server's major version.") from None
    if done.returncode != 0:
        raise BackupError(f"{tool} failed ({done.returncode}): {done.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
