"""Coordinator email: an email address per user, emails in the outbox; provider health, so a
Twilio outage is seen (banner, /health) rather than burning the escalation.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'provider_health',
        sa.Column('provider', sa.String(length=10), nullable=False),
        sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("provider IN ('twilio', 'email')", name=op.f('ck_provider_health_provider_known')),
        sa.PrimaryKeyConstraint('provider', name=op.f('pk_provider_health')),
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('to_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=True))
        batch_op.alter_column('to_number', existing_type=sa.String(length=20), nullable=True)
        batch_op.alter_column('channel', existing_type=sa.String(length=4), type_=sa.String(length=5),
                              existing_nullable=False)
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_known'), type_='check')
        batch_op.create_check_constraint('channel_known', "channel IN ('sms', 'call', 'email')")
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'unknown', 'cancelled')"
        )
        batch_op.create_check_constraint(
            'addressed',
            "(channel = 'email' AND to_email IS NOT NULL) OR (channel <> 'email' AND to_number IS NOT NULL)",
        )


def downgrade():
    op.execute("DELETE FROM outbox_message WHERE channel = 'email'")
    op.execute("UPDATE outbox_message SET status = 'failed' WHERE status = 'cancelled'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_addressed'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_status_known'), type_='check')
        batch_op.create_check_constraint(
            'status_known', "status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'unknown')"
        )
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_known'), type_='check')
        batch_op.create_check_constraint('channel_known', "channel IN ('sms', 'call')")
        batch_op.alter_column('channel', existing_type=sa.String(length=5), type_=sa.String(length=4),
                              existing_nullable=False)
        batch_op.alter_column('to_number', existing_type=sa.String(length=20), nullable=False)
        batch_op.drop_column('subject')
        batch_op.drop_column('to_email')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email')
    op.drop_table('provider_health')
