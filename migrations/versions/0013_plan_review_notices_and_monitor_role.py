"""Plan reviews: a carer may opt out of the reminder text, and each notice of a due review is
recorded once per plan per due date. Users: a monitor role that may only read /metrics.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 19:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_texts_opt_out', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        'plan_review_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('coordinators', 'carer')", name=op.f('ck_plan_review_notice_kind_known')),
        sa.ForeignKeyConstraint(['plan_id'], ['contingency_plan.id'],
                                name=op.f('fk_plan_review_notice_plan_id_contingency_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_review_notice')),
        sa.UniqueConstraint('plan_id', 'due_on', 'kind', name='uq_plan_review_notice_once'),
    )
    with op.batch_alter_table('plan_review_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_review_notice_plan_id'), ['plan_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_account_role_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_user_account_role_known'), "role IN ('admin', 'coordinator', 'duty_officer', 'monitor')")


def downgrade():
    op.execute("DELETE FROM api_token WHERE user_id IN (SELECT id FROM user_account WHERE role = 'monitor')")
    op.execute("DELETE FROM user_account WHERE role = 'monitor'")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_account_role_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_user_account_role_known'),
                                         "role IN ('admin', 'coordinator', 'duty_officer')")
    with op.batch_alter_table('plan_review_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_review_notice_plan_id'))
    op.drop_table('plan_review_notice')
    with op.batch_alter_table('contingency_plan', schema=None) as batch_op:
        batch_op.drop_column('review_texts_opt_out')
