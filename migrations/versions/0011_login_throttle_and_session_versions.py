"""Console logins: growing delays per address and per account instead of a lockout, and a
server-side session version per user.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('source_address', sa.String(length=45), nullable=False),
        sa.Column('account_key', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_source_address'), ['source_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_account_key'), ['account_key'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.String(length=32), nullable=True))
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('session_version')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_account_key'))
        batch_op.drop_index(batch_op.f('ix_login_failure_source_address'))
        batch_op.drop_index(batch_op.f('ix_login_failure_at'))
    op.drop_table('login_failure')
