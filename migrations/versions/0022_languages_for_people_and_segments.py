"""Languages: the language each contact and duty officer is asked in, the language of each ask
and of each caller, which machine-drafted catalogs a coordinator has marked reviewed, the
council's recorded prompts, the carer's preferred language as a choice and large print, and the
SMS segments each text costs.

Languages are a setting (emergency/wording/languages.py), not a vocabulary: adding one is a
catalog and a settings entry, with no migration, so the columns hold a BCP 47 code unchecked.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 05:00:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

PEOPLE = ('emergency_contact', 'duty_officer', 'page')
# The languages configured in this revision, by the names a carer's free text may give them.
NAMED = {'en': ('english', 'en', ''), 'cy': ('welsh', 'cymraeg', 'cy'), 'pl': ('polish', 'polski', 'pl'),
         'ur': ('urdu', 'ur', 'اردو')}


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
    op.create_table(
        'recorded_prompt',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('language', sa.String(length=12), nullable=False),
        sa.Column('audio', sa.LargeBinary(), nullable=False),
        sa.Column('content_type', sa.String(length=20), nullable=False),
        sa.Column('uploaded_by', sa.String(length=100), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', 'language', name=op.f('pk_recorded_prompt')),
    )
    # The carer's preferred language becomes a choice: a configured language's code, or "other"
    # with what was written. Free text that names a language becomes its code.
    # Added in place (no batch copy of the table, which other tables refer to).
    op.add_column('contingency_plan', sa.Column('carer_other_language', sa.String(length=50), nullable=True))
    op.add_column('contingency_plan', sa.Column('carer_large_print', sa.Boolean(), server_default=sa.false(),
                                                nullable=False))
    said = "lower(trim(carer_preferred_language))"
    for code, names in NAMED.items():
        listed = ", ".join(f"'{name}'" for name in names)
        op.execute(f"UPDATE contingency_plan SET carer_preferred_language = '{code}' WHERE {said} IN ({listed})")
    known = ", ".join(f"'{code}'" for code in NAMED)
    op.execute(f"UPDATE contingency_plan SET carer_other_language = trim(carer_preferred_language), "
               f"carer_preferred_language = 'other' WHERE carer_preferred_language NOT IN ({known})")
    # What each text costs in SMS segments, counted as it is queued (texts queued before: none).
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('segments', sa.SmallInteger(), nullable=True))


@contextmanager
def reflecting_past_the_username_index():
    """SQLite's batch mode reflects the tables around the one it rebuilds, and cannot reflect the
    expression index on lower(username); this revision never rebuilds user_account."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        yield


def _sqlite_foreign_keys(on: bool) -> None:
    """Dropping a column makes SQLite's batch mode copy the table and drop the old one, which
    fails while other rows refer to it: foreign keys off (outside a transaction) meanwhile, then
    a foreign key check, then on again (as in revision 0014)."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()
    if on:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rebuilding tables broke foreign keys: {broken[:5]}")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def downgrade():
    _sqlite_foreign_keys(on=False)
    try:
        with reflecting_past_the_username_index():
            _downgrade()
    finally:
        _sqlite_foreign_keys(on=True)


def _downgrade():
    op.drop_table('recorded_prompt')
    names = {'en': 'English', 'cy': 'Welsh', 'pl': 'Polish', 'ur': 'Urdu'}
    for code, name in names.items():
        op.execute(f"UPDATE contingency_plan SET carer_preferred_language = '{name}' "
                   f"WHERE carer_preferred_language = '{code}'")
    op.execute("UPDATE contingency_plan SET carer_preferred_language = coalesce(carer_other_language, 'English') "
               "WHERE carer_preferred_language = 'other'")
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.drop_column('carer_large_print')
        batch_op.drop_column('carer_other_language')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('segments')
    op.drop_table('language_review')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('caller_language')
    for table in PEOPLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('language')
