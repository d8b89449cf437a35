"""GOV.UK Notify as a second way out: each outbox message records the provider it was handed
to; provider health holds each provider's circuit breaker, and knows Notify.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 12:00:00

"""
import warnings
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

# The purposes as they stand in this revision (a migration never imports the app): a reply to a
# text received through Notify goes out as a message of its own.
PURPOSES = ('ask', 'fallback', 'covered', 'too_late', 'details', 'caller_confirmation', 'caller_update', 'survey',
            'hand_over', 'kept_text_reply', 'dead_letter_alert', 'coordinator_alert', 'provider_outage_alert',
            'rota_gap_alert', 'consent', 'review_list', 'review_reminder')


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
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with reflecting_past_the_username_index(), op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider', sa.String(length=10), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_purpose_known'), type_='check')
        batch_op.create_check_constraint('purpose_known', one_of('purpose', (*PURPOSES, 'text_reply')))
    # Every message already handed over went through the one provider of its channel.
    op.execute("UPDATE outbox_message SET provider = CASE WHEN channel = 'email' THEN 'email' ELSE 'twilio' END "
               "WHERE provider_id IS NOT NULL AND provider_id NOT LIKE 'local-%'")
    op.execute("UPDATE outbox_message SET provider = 'local' WHERE provider_id LIKE 'local-%'")
    with op.batch_alter_table('provider_health', schema=None) as batch_op:
        batch_op.add_column(sa.Column('circuit', sa.String(length=9), server_default='closed', nullable=False))
        batch_op.add_column(sa.Column('circuit_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('probe_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('ck_provider_health_provider_known'), type_='check')
        batch_op.create_check_constraint('provider_known', "provider IN ('twilio', 'email', 'notify')")
        batch_op.create_check_constraint('circuit_known', "circuit IN ('closed', 'open', 'half_open')")


def downgrade():
    op.execute("DELETE FROM provider_health WHERE provider = 'notify'")
    with op.batch_alter_table('provider_health', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_provider_health_circuit_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_provider_health_provider_known'), type_='check')
        batch_op.create_check_constraint('provider_known', "provider IN ('twilio', 'email')")
        batch_op.drop_column('probe_at')
        batch_op.drop_column('circuit_changed_at')
        batch_op.drop_column('circuit')
    op.execute("DELETE FROM outbox_message WHERE purpose = 'text_reply'")
    with reflecting_past_the_username_index(), op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_purpose_known'), type_='check')
        batch_op.create_check_constraint('purpose_known', one_of('purpose', PURPOSES))
        batch_op.drop_column('provider')
