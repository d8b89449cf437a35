"""Reports kept as counted: a period's figures are counted once a day (overnight for the usual
periods, or when first opened), and its pages, tables and charts read them.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 17:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kept_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('first', sa.Date(), nullable=False),
        sa.Column('last', sa.Date(), nullable=False),
        sa.Column('counted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sections', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_report')),
        sa.UniqueConstraint('first', 'last', name='uq_kept_report_period'),
    )


def downgrade():
    op.drop_table('kept_report')
