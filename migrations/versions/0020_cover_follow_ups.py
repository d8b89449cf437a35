"""Cover follow-ups: an ask may be undelivered (its text failed, or the number texted STOP) or
withdrawn (the provider was deactivated); cover a provider ended by DONE without saying how has
its outcome "to be recorded", which the console then asks for.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 06:00:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# The vocabularies as they stand in this revision (a migration never imports the app).
ASK_STATUSES = ('waiting', 'open', 'accepted', 'declined', 'timed_out', 'covered', 'too_late', 'closed')
NEW_ASK_STATUSES = ('undelivered', 'withdrawn')
OUTCOMES = ('carer_back', 'family_or_friends', 'hospital', 'longer_term_care', 'residential_care', 'died', 'other')
NEW_OUTCOMES = ('to_be_recorded',)

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


@contextmanager
def reflecting_past_the_username_index():
    """SQLite's batch mode reflects the tables around the one it rebuilds, and cannot reflect the
    expression index on lower(username); this revision never rebuilds user_account."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        yield


def _partial_indexes(create: bool):
    """The partial indexes are dropped around SQLite's rebuild (which would lose their WHERE)
    and made again as they were."""
    open_only, live_only = sa.text("status = 'open'"), sa.text("status = 'live'")
    if create:
        op.create_index('uq_cover_ask_open_phone_code', 'cover_ask', ['phone', 'code'], unique=True,
                        sqlite_where=open_only, postgresql_where=open_only)
        op.create_index('ix_cover_ask_answer_by', 'cover_ask', ['answer_by'], unique=False,
                        postgresql_where=open_only)
        op.create_index('uq_cover_live_incident', 'cover', ['incident_id'], unique=True,
                        sqlite_where=live_only, postgresql_where=live_only)
    else:
        op.drop_index('uq_cover_ask_open_phone_code', table_name='cover_ask')
        op.drop_index('ix_cover_ask_answer_by', table_name='cover_ask')
        op.drop_index('uq_cover_live_incident', table_name='cover')


def _vocabularies(ask_statuses, outcomes, status_length):
    _partial_indexes(create=False)
    with reflecting_past_the_username_index(), op.batch_alter_table('cover_ask', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cover_ask_status_known'), type_='check')
        batch_op.alter_column('status', type_=sa.String(length=status_length), existing_nullable=False)
        batch_op.create_check_constraint('status_known', one_of('status', ask_statuses))
    with reflecting_past_the_username_index(), op.batch_alter_table('cover', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cover_outcome_known'), type_='check')
        batch_op.create_check_constraint('outcome_known', one_of('outcome', outcomes))
    _partial_indexes(create=True)


def upgrade():
    _vocabularies(ASK_STATUSES + NEW_ASK_STATUSES, OUTCOMES + NEW_OUTCOMES, 12)


def downgrade():
    op.execute("UPDATE cover_ask SET status = 'closed' WHERE status IN ('undelivered', 'withdrawn')")
    op.execute("UPDATE cover SET outcome = 'other', outcome_note = 'the provider texted DONE' "
               "WHERE outcome = 'to_be_recorded'")
    _vocabularies(ASK_STATUSES, OUTCOMES, 10)
