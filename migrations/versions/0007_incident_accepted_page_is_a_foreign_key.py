"""An incident's accepted page is a real foreign key to the page that won.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_incident_accepted_page_id_page'), 'page', ['accepted_page_id'], ['id'])


def downgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incident_accepted_page_id_page'), type_='foreignkey')
