"""GOV.UK Notify as a second way out: each outbox message records the provider it was handed
to; provider health holds each provider's circuit breaker, and knows Notify.

Revision ID: 0019
Revises: 0013
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider', sa.String(length=10), nullable=True))
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
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('provider')
