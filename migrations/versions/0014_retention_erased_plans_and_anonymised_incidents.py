"""Retention and erasure: when a plan was erased, when an incident was anonymised.

Revision ID: 0014
Revises: 0006
Create Date: 2026-11-23 19:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
