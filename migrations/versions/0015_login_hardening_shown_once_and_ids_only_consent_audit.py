"""Logins: usernames unique whatever their case (accounts whose names clash are renamed, and
the upgrade says which), failed logins from known devices counted apart; new secrets kept
server-side until shown once; consent audit lines cut back to what they did, without names
or numbers.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 10:00:00

"""
import logging

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')


def upgrade():
    _rename_names_that_clash()
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('uq_user_account_username_lower', [sa.text('lower(username)')], unique=True)
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('known_device', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'shown_once',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.String(length=200), nullable=False),
        sa.Column('what', sa.String(length=200), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_shown_once_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shown_once')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_shown_once_key_hash')),
    )
    with op.batch_alter_table('shown_once', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shown_once_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shown_once_user_id'), ['user_id'], unique=False)
    _cut_consent_audit_lines_back()


def _rename_names_that_clash():
    """The oldest account keeps its name; a later one whose name differs only in case becomes
    name-<id>. Nothing else about it changes (its password, tokens and role stay): the upgrade
    logs each rename so that an admin can tell its owner, or deactivate it if nobody should have it."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, username FROM user_account ORDER BY id")).all()
    taken = {name.lower() for _, name in rows}
    kept = set()
    for user_id, name in rows:
        if name.lower() not in kept:
            kept.add(name.lower())
            continue
        new_name = f"{name}-{user_id}"[:80]
        while new_name.lower() in taken:
            new_name = f"{new_name[:78]}-x"
        taken.add(new_name.lower())
        bind.execute(sa.text("UPDATE user_account SET username = :new WHERE id = :id"), {"new": new_name, "id": user_id})
        log.warning("user %s: renamed %r to %r, because usernames are now the same in any case and an older "
                    "account is called that; tell its owner, or deactivate it (flask users set-active %s no)",
                    user_id, name, new_name, new_name)


def _cut_consent_audit_lines_back():
    """The append-only log's triggers are set aside for these statements, as in 0008: the lines
    named the contact and their number; they keep what happened."""
    statements = (
        "UPDATE audit_event SET detail = '' WHERE action = 'plan.consent_asked' AND detail <> ''",
        "UPDATE audit_event SET detail = CASE WHEN detail LIKE '%: agreed by text%' THEN 'agreed by text' "
        "ELSE 'refused by text' END WHERE action = 'plan.consent_replied' AND detail LIKE '%by text%'",
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        for statement in statements:
            op.execute(statement)
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        op.execute("DROP TRIGGER audit_event_no_delete")
        for statement in statements:
            op.execute(statement)
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )


def downgrade():
    with op.batch_alter_table('shown_once', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shown_once_user_id'))
        batch_op.drop_index(batch_op.f('ix_shown_once_created_at'))
    op.drop_table('shown_once')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_column('known_device')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('uq_user_account_username_lower')
