"""Retention and erasure: when a plan was erased, when an incident was anonymised; audit lines
written earlier with the accepter's name and number, or an archive's free-text reason, cut back
to ids.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


NAMING_THE_ACCEPTER = "('plan.details_viewed_by_accepter', 'plan.details_read_to_accepter')"


def upgrade():
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    _cut_audit_lines_back_to_ids()


def _cut_audit_lines_back_to_ids():
    """The one rewrite the append-only log ever gets: personal data it should never have held
    ("incident 7, Susan Hughes (+44...)" becomes "incident 7"). Its triggers are set aside for
    these two statements and restored in the same migration."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        op.execute("UPDATE audit_event SET detail = split_part(detail, ',', 1) "
                   f"WHERE action IN {NAMING_THE_ACCEPTER} AND detail LIKE 'incident %,%'")
        op.execute("UPDATE audit_event SET detail = '' WHERE action = 'plan.archived' AND detail <> ''")
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
        op.execute("UPDATE audit_event SET detail = substr(detail, 1, instr(detail, ',') - 1) "
                   f"WHERE action IN {NAMING_THE_ACCEPTER} AND detail LIKE 'incident %,%'")
        op.execute("UPDATE audit_event SET detail = '' WHERE action = 'plan.archived' AND detail <> ''")
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
