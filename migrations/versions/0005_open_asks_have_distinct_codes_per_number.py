"""Open asks to one number have distinct reply codes, enforced by a partial unique index.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    # If two open asks to one number already share a code, this fails and changes nothing:
    # close one of them (a coordinator decides which) and run the upgrade again.
    op.create_index('uq_page_open_phone_code', 'page', ['phone', 'code'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('uq_page_open_phone_code', table_name='page')
