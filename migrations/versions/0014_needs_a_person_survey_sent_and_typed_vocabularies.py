"""State that was hidden: "needs a person" is a status with a typed reason (it was status open
with stage done, its reason only in words on the timeline), "survey sent" a timestamp (it was
a timeline row), and an incident that reached nobody says so. The stored vocabularies (how an
incident came in, how people are asked, who was asked, timeline kinds, message purposes) get
check constraints; a hand-over message names its incident, and the duty officers handed an
incident are recorded (they may open it in the console).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 12:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The vocabularies as they stand in this revision: a migration never imports the app.
INCIDENT_STATUSES = ('open', 'accepted', 'resolved', 'cancelled', 'exhausted', 'needs_person')
OLD_INCIDENT_STATUSES = ('open', 'accepted', 'resolved', 'cancelled', 'exhausted')
REASONS = ('no_card', 'unknown_card', 'unreadable_card', 'plan_not_active', 'fault')
ORIGINS = ('sms', 'voice', 'console')
ASK_CHANNELS = ('sms', 'call', 'both')
ASKED = ('contact', 'officer', 'fallback')
EVENT_KINDS = ('opened', 'joined', 'note', 'needs a person', "caller's text", 'caller told', 'caller rang again',
               'duty officer told', 'nobody reached', 'coordinators alerted', 'asked', 'accepted', 'late accept',
               'declined', 'failed', 'no_answer', 'delivery failed', 'exhausted', 'details viewed', 'put through',
               'resolved', 'cancelled', 'survey sent', 'survey answered', 'engine error')
PURPOSES = ('ask', 'fallback', 'covered', 'too_late', 'details', 'caller_confirmation', 'caller_update', 'survey',
            'hand_over', 'kept_text_reply', 'dead_letter_alert', 'coordinator_alert', 'provider_outage_alert',
            'rota_gap_alert', 'consent', 'review_list', 'review_reminder')
# What the timeline's "needs a person" line said, for each reason; every wording ever written.
REASON_WORDS = (
    ('unreadable_card', '%could not be read%'),
    ('plan_not_active', '%whose plan is%'),
    ('unknown_card', '%unknown card%'),
    ('fault', "%software%"),
    ('no_card', '%no card number%'),
)


def one_of(column, values):
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{column} IN ({quoted})"


def _sqlite_foreign_keys(on: bool) -> None:
    """SQLite cannot add a check constraint to a table: batch mode copies the table into a new
    one and drops the old, and with foreign keys enforced that drop fails while other rows
    refer to it. SQLite's own recipe: foreign keys off (outside a transaction) while the
    tables are rebuilt, then a foreign key check, then on again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    raw = bind.connection.dbapi_connection
    if raw.in_transaction:
        raw.commit()  # SQLite's DDL is not transactional here anyway; earlier revisions are done
    if on:
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rebuilding tables broke foreign keys: {broken[:5]}")
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    _sqlite_foreign_keys(on=False)
    try:
        _upgrade()
    finally:
        _sqlite_foreign_keys(on=True)


def downgrade():
    _sqlite_foreign_keys(on=False)
    try:
        _downgrade()
    finally:
        _sqlite_foreign_keys(on=True)


def _upgrade():
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=10), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('needs_person_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('nobody_reached_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('survey_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(op.f('ck_incident_status_known'), type_='check')

    # Incidents the line handed to a person have no escalation (no rounds); their reason was
    # only in words on the timeline. Rows whose words were erased (anonymised) keep none.
    reason = "CASE " + " ".join(
        f"WHEN EXISTS (SELECT 1 FROM incident_event e WHERE e.incident_id = incident.id "
        f"AND e.kind = 'needs a person' AND e.detail LIKE '{pattern}') THEN '{value}'"
        for value, pattern in REASON_WORDS) + " END"
    op.execute(f"UPDATE incident SET needs_person_reason = {reason} WHERE rounds = 0")
    op.execute("UPDATE incident SET status = 'needs_person' WHERE status = 'open' AND stage = 'done'")
    op.execute("UPDATE incident SET survey_sent_at = (SELECT MIN(e.at) FROM incident_event e "
               "WHERE e.incident_id = incident.id AND e.kind = 'survey sent')")
    # Any kind of line not in the vocabulary becomes a note that keeps its words.
    op.execute(f"UPDATE incident_event SET detail = kind || ': ' || detail, kind = 'note' "
               f"WHERE NOT ({one_of('kind', EVENT_KINDS)})")

    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_incident_status_known'), one_of('status', INCIDENT_STATUSES))
        batch_op.create_check_constraint(op.f('ck_incident_channel_known'), one_of('channel', ORIGINS))
        batch_op.create_check_constraint(op.f('ck_incident_channels_known'), one_of('channels', ASK_CHANNELS))
        batch_op.create_check_constraint(op.f('ck_incident_needs_person_reason_known'),
                                         one_of('needs_person_reason', REASONS))
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_page_who_known'), one_of('who', ASKED))
        batch_op.create_check_constraint(op.f('ck_page_channels_known'), one_of('channels', ASK_CHANNELS))
    with op.batch_alter_table('incident_event', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_incident_event_kind_known'), one_of('kind', EVENT_KINDS))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_incident_id'), ['incident_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_incident_id_incident'), 'incident',
                                    ['incident_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_outbox_message_purpose_known'), one_of('purpose', PURPOSES))
    op.create_table(
        'hand_over',
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=False),
        sa.Column('told_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], name=op.f('fk_hand_over_incident_id_incident')),
        sa.ForeignKeyConstraint(['officer_id'], ['duty_officer.id'], name=op.f('fk_hand_over_officer_id_duty_officer')),
        sa.PrimaryKeyConstraint('incident_id', 'officer_id', name=op.f('pk_hand_over')),
    )
    with op.batch_alter_table('hand_over', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hand_over_officer_id'), ['officer_id'], unique=False)


def _downgrade():
    with op.batch_alter_table('hand_over', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hand_over_officer_id'))
    op.drop_table('hand_over')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_purpose_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_incident_id_incident'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_incident_id'))
        batch_op.drop_column('incident_id')
    with op.batch_alter_table('incident_event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_incident_event_kind_known'), type_='check')
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_page_channels_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_page_who_known'), type_='check')
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_incident_needs_person_reason_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_incident_channels_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_incident_channel_known'), type_='check')
        batch_op.drop_constraint(op.f('ck_incident_status_known'), type_='check')
    # Back to the old encoding: open with stage done; the reason stays in the timeline's words.
    op.execute("UPDATE incident SET status = 'open', stage = 'done' WHERE status = 'needs_person'")
    with op.batch_alter_table('incident', schema=None) as batch_op:
        batch_op.drop_column('survey_sent_at')
        batch_op.drop_column('nobody_reached_at')
        batch_op.drop_column('needs_person_reason')
        batch_op.alter_column('status', existing_type=sa.String(length=20), type_=sa.String(length=10),
                              existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_incident_status_known'), one_of('status', OLD_INCIDENT_STATUSES))
