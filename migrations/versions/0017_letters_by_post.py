"""Letters by post: the outbox's letter channel (through GOV.UK Notify, or the console's print
queue), and each letter's PDF, postage and plan; a review letter posted to a carer with no
mobile is a notice of its own, sent once per plan per due date.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:00:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# The vocabularies as they stand in this revision (a migration never imports the app).
PURPOSES = ('ask', 'fallback', 'covered', 'too_late', 'details', 'caller_confirmation', 'caller_update', 'survey',
            'hand_over', 'kept_text_reply', 'dead_letter_alert', 'coordinator_alert', 'provider_outage_alert',
            'rota_gap_alert', 'consent', 'review_list', 'review_reminder', 'text_reply')
CHANNELS = ('sms', 'call', 'email')
ADDRESSED = "(channel = 'email' AND to_email IS NOT NULL) OR (channel <> 'email' AND to_number IS NOT NULL)"
ADDRESSED_OR_A_LETTER = ("(channel = 'email' AND to_email IS NOT NULL) OR channel = 'letter' "
                         "OR (channel NOT IN ('email', 'letter') AND to_number IS NOT NULL)")


@contextmanager
def reflecting_past_the_username_index():
    """SQLite's batch mode reflects the tables around the one it rebuilds, and cannot reflect the
    expression index on lower(username); this revision never rebuilds user_account."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        yield


def one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def _outbox_message_vocabularies(channels, purposes, addressed, channel_length):
    with reflecting_past_the_username_index(), op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_purpose_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_addressed'), type_='check')
        batch_op.alter_column('channel', type_=sa.String(length=channel_length), existing_nullable=False)
        batch_op.create_check_constraint('channel_known', one_of('channel', channels))
        batch_op.create_check_constraint('purpose_known', one_of('purpose', purposes))
        batch_op.create_check_constraint('addressed', addressed)


def upgrade():
    _outbox_message_vocabularies((*CHANNELS, 'letter'), (*PURPOSES, 'letter'), ADDRESSED_OR_A_LETTER, 6)
    op.create_table(
        'outbox_letter',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('pages', sa.SmallInteger(), nullable=False),
        sa.Column('postage', sa.String(length=7), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('queued_by_id', sa.Integer(), nullable=True),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('posted_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("postage IN ('first', 'second', 'economy')", name=op.f('ck_outbox_letter_postage_known')),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'],
                                name=op.f('fk_outbox_letter_message_id_outbox_message')),
        sa.ForeignKeyConstraint(['plan_id'], ['contingency_plan.id'],
                                name=op.f('fk_outbox_letter_plan_id_contingency_plan')),
        sa.ForeignKeyConstraint(['queued_by_id'], ['user_account.id'],
                                name=op.f('fk_outbox_letter_queued_by_id_user_account')),
        sa.ForeignKeyConstraint(['posted_by_id'], ['user_account.id'],
                                name=op.f('fk_outbox_letter_posted_by_id_user_account')),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_outbox_letter')),
    )
    op.create_index(op.f('ix_outbox_letter_plan_id'), 'outbox_letter', ['plan_id'], unique=False)
    _review_notice_kinds(('coordinators', 'carer', 'carer_letter'))


def _review_notice_kinds(kinds):
    with reflecting_past_the_username_index(), op.batch_alter_table('plan_review_notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_plan_review_notice_kind_known'), type_='check')
        batch_op.create_check_constraint('kind_known', one_of('kind', kinds))


def downgrade():
    op.execute("DELETE FROM plan_review_notice WHERE kind = 'carer_letter'")
    _review_notice_kinds(('coordinators', 'carer'))
    op.drop_index(op.f('ix_outbox_letter_plan_id'), table_name='outbox_letter')
    op.drop_table('outbox_letter')
    op.execute("DELETE FROM outbox_message WHERE channel = 'letter'")
    _outbox_message_vocabularies(CHANNELS, PURPOSES, ADDRESSED, 5)
