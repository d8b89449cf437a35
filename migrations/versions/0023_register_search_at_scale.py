"""The national register: trigram indexes for "contains" name searches on PostgreSQL.

A name search matches any part of the carer's or a cared-for person's name, lower-cased. On
PostgreSQL a GIN trigram index (the pg_trgm extension) on each lower-cased name finds those rows
without reading every plan; creating the extension needs a role allowed to (a superuser, or the
database's owner on PostgreSQL 13 and later, pg_trgm being a trusted extension). SQLite has no
such index and is left as it was.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 09:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_contingency_plan_carer_name_trgm', 'contingency_plan', 'carer_name'),
    ('ix_cared_for_person_name_trgm', 'cared_for_person', 'name'),
)


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for name, table, column in INDEXES:
        op.execute(f'CREATE INDEX {name} ON {table} USING gin (lower({column}) gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    # The extension stays: something else in the database may use it, and it holds no data.
    for name, _table, _column in INDEXES:
        op.execute(f'DROP INDEX {name}')
