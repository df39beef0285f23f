"""The schema the migrations build is the schema the models declare (what `flask db check` checks)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from awards.extensions import db


def test_the_migrations_build_the_models_schema(app):
    # The suite's database was built by the real migrations (conftest._schema).
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
