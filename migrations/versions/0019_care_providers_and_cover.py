"""Care providers (their districts and what they can do) and emergency cover: asks by text,
cover booked for an incident with its reminders and outcome, the provider's details link, and
referrals to adult social care. Three new message purposes.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 04:55:50

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# The purposes as they stand before this revision (a migration never imports the app).
PURPOSES = ('ask', 'fallback', 'covered', 'too_late', 'details', 'caller_confirmation', 'caller_update', 'survey',
            'hand_over', 'kept_text_reply', 'dead_letter_alert', 'coordinator_alert', 'provider_outage_alert',
            'rota_gap_alert', 'consent', 'review_list', 'review_reminder', 'text_reply', 'letter',
            'mobile_code', 'application_decision')
COVER_PURPOSES = ('cover_ask', 'cover_update', 'social_care_referral')


def one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


@contextmanager
def reflecting_past_the_username_index():
    """SQLite's batch mode cannot reflect the expression index on lower(username); this
    revision never rebuilds user_account."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index",
                                category=sa.exc.SAWarning)
        yield


def set_purposes(purposes):
    with reflecting_past_the_username_index(), op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_purpose_known'), type_='check')
        batch_op.create_check_constraint('purpose_known', one_of('purpose', purposes))


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    set_purposes((*PURPOSES, *COVER_PURPOSES))
    op.create_table('care_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('bookings_phone', sa.String(length=20), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('hourly_rate', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('contract_ends_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('hourly_rate >= 0', name=op.f('ck_care_provider_hourly_rate_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_care_provider'))
    )
    with op.batch_alter_table('care_provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_care_provider_mobile'), ['mobile'], unique=False)

    op.create_table('provider_capability',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('capability', sa.String(length=20), nullable=False),
    sa.CheckConstraint("capability IN ('personal_care', 'sitting', 'overnight', 'live_in', 'dementia', 'learning_disability', 'children')", name=op.f('ck_provider_capability_capability_known')),
    sa.ForeignKeyConstraint(['provider_id'], ['care_provider.id'], name=op.f('fk_provider_capability_provider_id_care_provider')),
    sa.PrimaryKeyConstraint('provider_id', 'capability', name=op.f('pk_provider_capability'))
    )
    op.create_table('provider_district',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['care_provider.id'], name=op.f('fk_provider_district_provider_id_care_provider')),
    sa.PrimaryKeyConstraint('provider_id', 'district', name=op.f('pk_provider_district'))
    )
    with op.batch_alter_table('provider_district', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_district_district'), ['district'], unique=False)

    op.create_table('cover_ask',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('mode', sa.String(length=13), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capabilities', sa.JSON(), nullable=False),
    sa.Column('asked_by', sa.String(length=80), nullable=False),
    sa.Column('asked_by_user_id', sa.Integer(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("mode IN ('one_at_a_time', 'all_at_once')", name=op.f('ck_cover_ask_mode_known')),
    sa.CheckConstraint("status IN ('waiting', 'open', 'accepted', 'declined', 'timed_out', 'covered', 'too_late', 'closed')", name=op.f('ck_cover_ask_status_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_cover_ask_ends_after_start')),
    sa.ForeignKeyConstraint(['asked_by_user_id'], ['user_account.id'], name=op.f('fk_cover_ask_asked_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_cover_ask_incident_id_incident')),
    sa.ForeignKeyConstraint(['provider_id'], ['care_provider.id'], name=op.f('fk_cover_ask_provider_id_care_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_ask'))
    )
    with op.batch_alter_table('cover_ask', schema=None) as batch_op:
        batch_op.create_index('ix_cover_ask_answer_by', ['answer_by'], unique=False, postgresql_where=sa.text("status = 'open'"))
        batch_op.create_index(batch_op.f('ix_cover_ask_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cover_ask_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('uq_cover_ask_open_phone_code', ['phone', 'code'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('cover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('ask_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=5), nullable=False),
    sa.Column('booked_by', sa.String(length=5), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booked_by_user', sa.String(length=80), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('planned_end_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('extended_by', sa.String(length=80), nullable=True),
    sa.Column('extended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_12h_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_2h_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=8), nullable=True),
    sa.Column('ended_by_name', sa.String(length=200), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('home_claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("booked_by IN ('text', 'phone')", name=op.f('ck_cover_booked_by_known')),
    sa.CheckConstraint("ended_by IN ('console', 'provider', 'carer')", name=op.f('ck_cover_ended_by_known')),
    sa.CheckConstraint("outcome IN ('carer_back', 'family_or_friends', 'hospital', 'longer_term_care', 'residential_care', 'died', 'other')", name=op.f('ck_cover_outcome_known')),
    sa.CheckConstraint("status IN ('live', 'ended')", name=op.f('ck_cover_status_known')),
    sa.CheckConstraint('planned_end_at > starts_at', name=op.f('ck_cover_ends_after_start')),
    sa.ForeignKeyConstraint(['ask_id'], ['cover_ask.id'], name=op.f('fk_cover_ask_id_cover_ask')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_cover_incident_id_incident')),
    sa.ForeignKeyConstraint(['provider_id'], ['care_provider.id'], name=op.f('fk_cover_provider_id_care_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover'))
    )
    with op.batch_alter_table('cover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cover_booked_at'), ['booked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cover_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cover_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('uq_cover_live_incident', ['incident_id'], unique=True, sqlite_where=sa.text("status = 'live'"), postgresql_where=sa.text("status = 'live'"))

    op.create_table('cover_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cover_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cover_id'], ['cover.id'], name=op.f('fk_cover_link_cover_id_cover')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cover_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_cover_link_token_hash'))
    )
    with op.batch_alter_table('cover_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cover_link_cover_id'), ['cover_id'], unique=False)

    op.create_table('social_care_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('cover_id', sa.Integer(), nullable=True),
    sa.Column('referred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('referred_by', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('sent_to', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['cover_id'], ['cover.id'], name=op.f('fk_social_care_referral_cover_id_cover')),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_social_care_referral_incident_id_incident')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_social_care_referral'))
    )
    with op.batch_alter_table('social_care_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_social_care_referral_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_social_care_referral_referred_at'), ['referred_at'], unique=False)



def downgrade():
    op.execute(f"DELETE FROM outbox_message WHERE {one_of('purpose', COVER_PURPOSES)}")
    set_purposes(PURPOSES)
    with op.batch_alter_table('social_care_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_social_care_referral_referred_at'))
        batch_op.drop_index(batch_op.f('ix_social_care_referral_incident_id'))

    op.drop_table('social_care_referral')
    with op.batch_alter_table('cover_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cover_link_cover_id'))

    op.drop_table('cover_link')
    with op.batch_alter_table('cover', schema=None) as batch_op:
        batch_op.drop_index('uq_cover_live_incident', sqlite_where=sa.text("status = 'live'"), postgresql_where=sa.text("status = 'live'"))
        batch_op.drop_index(batch_op.f('ix_cover_provider_id'))
        batch_op.drop_index(batch_op.f('ix_cover_incident_id'))
        batch_op.drop_index(batch_op.f('ix_cover_booked_at'))

    op.drop_table('cover')
    with op.batch_alter_table('cover_ask', schema=None) as batch_op:
        batch_op.drop_index('uq_cover_ask_open_phone_code', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_cover_ask_provider_id'))
        batch_op.drop_index(batch_op.f('ix_cover_ask_incident_id'))
        batch_op.drop_index('ix_cover_ask_answer_by', postgresql_where=sa.text("status = 'open'"))

    op.drop_table('cover_ask')
    with op.batch_alter_table('provider_district', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_district_district'))

    op.drop_table('provider_district')
    op.drop_table('provider_capability')
    with op.batch_alter_table('care_provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_care_provider_mobile'))

    op.drop_table('care_provider')
