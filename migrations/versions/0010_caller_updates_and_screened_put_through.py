"""Callers kept informed and calls that reach a person: when the caller is next told "still
looking", and the put-through calls (who is rung in order, which leg was taken).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_update_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_incident_caller_update_due', ['caller_update_at'], unique=False,
                              postgresql_where='caller_update_at IS NOT NULL')
    op.create_table(
        'put_through',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=True),
        sa.Column('call_sid', sa.String(length=64), nullable=True),
        sa.Column('people', sa.JSON(), nullable=False),
        sa.Column('taken_leg', sa.SmallInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_put_through_incident_id_incident')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_put_through')),
    )
    with op.batch_alter_table('put_through', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_put_through_incident_id'), ['incident_id'], unique=False)


def downgrade():
    with op.batch_alter_table('put_through', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_put_through_incident_id'))
    op.drop_table('put_through')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_caller_update_due', postgresql_where='caller_update_at IS NOT NULL')
        batch_op.drop_column('caller_update_at')
