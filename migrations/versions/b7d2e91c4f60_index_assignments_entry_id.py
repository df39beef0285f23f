"""index assignments.entry_id

Revision ID: b7d2e91c4f60
Revises: ee09e3b82cdb
Create Date: 2026-12-07 14:40:00

A category's scorecards are reached from its entries; without this index SQLite scanned every
scorecard of the database for each category when computing results (bench/results.py).

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d2e91c4f60'
down_revision = 'ee09e3b82cdb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignments_entry_id'), ['entry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignments_entry_id'))
