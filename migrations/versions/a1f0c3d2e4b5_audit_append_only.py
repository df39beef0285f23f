"""audit trail append-only: the database refuses UPDATE and DELETE on audit_events

Revision ID: a1f0c3d2e4b5
Revises: ccc0262c7d82
Create Date: 2026-11-23 15:50:00

The application only ever inserts audit events (services.audit). These triggers make the
database itself refuse changes, so a bug or a stray SQL session cannot quietly rewrite
history; the hash chain (``awards audit verify``) still detects what someone with the rights
to drop the triggers might do.
"""
from alembic import op


revision = 'a1f0c3d2e4b5'
down_revision = 'ccc0262c7d82'
branch_labels = None
depends_on = None

MESSAGE = "audit_events is append-only"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END $$""")
        op.execute("""CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
                      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""")
        op.execute("""CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
                      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
                           BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER audit_events_no_update_delete ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        op.execute("DROP TRIGGER audit_events_no_update")
        op.execute("DROP TRIGGER audit_events_no_delete")
