"""Consent by text: one row per text asking a contact to agree to be named in a plan.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    op.create_table(
        'consent_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('asked_by', sa.String(length=80), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'agreed', 'refused', 'closed')",
                           name=op.f('ck_consent_request_status_known')),
        sa.ForeignKeyConstraint(['contact_id'], ['emergency_contact.id'],
                                name=op.f('fk_consent_request_contact_id_emergency_contact'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['contingency_plan.id'],
                                name=op.f('fk_consent_request_plan_id_contingency_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_request')),
    )
    with op.batch_alter_table('consent_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_request_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_request_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_request_status'), ['status'], unique=False)
    op.create_index('uq_consent_request_open_phone_code', 'consent_request', ['phone', 'code'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_table('consent_request')
