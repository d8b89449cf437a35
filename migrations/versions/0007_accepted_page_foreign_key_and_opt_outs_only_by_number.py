"""An incident's accepted page is a real foreign key to the page that won; an officer's SMS
opt-out is read from the opt-out list of numbers only (the copy on the officer went stale when
their mobile changed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_incident_accepted_page_id_page'), 'page', ['accepted_page_id'], ['id'])
    with op.batch_alter_table('duty_officer', schema=None) as batch_op:
        batch_op.drop_column('sms_opted_out_at')


def downgrade():
    with op.batch_alter_table('duty_officer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_opted_out_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incident_accepted_page_id_page'), type_='foreignkey')
