"""Incidents found by the caller's number: every text to the line looks up the texter's latest
incident (the language they chose, a call of theirs still live), which read every incident.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 12:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_incident_caller_number', 'incident', ['caller_number', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_incident_caller_number', table_name='incident')
