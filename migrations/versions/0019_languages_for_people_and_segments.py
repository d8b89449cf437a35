"""Languages: the language each contact and duty officer is asked in, the language of each ask
and of each caller, which machine-drafted catalogs a coordinator has marked reviewed, and the
SMS segments each text costs.

Languages are a setting (emergency/wording/languages.py), not a vocabulary: adding one is a
catalog and a settings entry, with no migration, so the columns hold a BCP 47 code unchecked.

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-06 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0016'
branch_labels = None
depends_on = None

PEOPLE = ('emergency_contact', 'duty_officer', 'page')


def upgrade():
    for table in PEOPLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('language', sa.String(length=12), server_default='en', nullable=False))
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_language', sa.String(length=12), server_default='en', nullable=False))
    op.create_table(
        'language_review',
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('reviewed_by', sa.String(length=100), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_language_review')),
    )
    # What each text costs in SMS segments, counted as it is queued (texts queued before: none).
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('segments', sa.SmallInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('segments')
    op.drop_table('language_review')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('caller_language')
    for table in PEOPLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
