"""The carer's review link: the link in the review reminder (single use, expiring, kept as a
hash), and the mobile codes that confirm the plan's mobile for it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 06:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'carer_review_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('based_on_version', sa.Integer(), nullable=True),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=12), nullable=True),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('unchanged', 'changed')",
                           name=op.f('ck_carer_review_link_outcome_known')),
        sa.ForeignKeyConstraint(['plan_id'], ['contingency_plan.id'],
                                name=op.f('fk_carer_review_link_plan_id_contingency_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_carer_review_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_carer_review_link_token_hash')),
    )
    with op.batch_alter_table('carer_review_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carer_review_link_plan_id'), ['plan_id'], unique=False)
    with op.batch_alter_table('mobile_code', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_link_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_mobile_code_review_link_id_carer_review_link'),
                                    'carer_review_link', ['review_link_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_mobile_code_review_link_id'), ['review_link_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mobile_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mobile_code_review_link_id'))
        batch_op.drop_constraint(batch_op.f('fk_mobile_code_review_link_id_carer_review_link'), type_='foreignkey')
        batch_op.drop_column('review_link_id')
    with op.batch_alter_table('carer_review_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carer_review_link_plan_id'))
    op.drop_table('carer_review_link')
