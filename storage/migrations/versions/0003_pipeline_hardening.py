"""outbox lease owners, in-order flag, supersede key, stalled flag; shared send budget

Revision ID: 0003_pipeline_hardening
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_pipeline_hardening'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_owner', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('in_order', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
        batch_op.add_column(sa.Column('supersede', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('stalled', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # A lease used to be a time only; rows leased by a run that died are free again.
    op.execute("UPDATE outbox SET locked_until = NULL WHERE status = 'pending'")

    op.create_table('send_budget',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('times', sa.JSON(), nullable=False),
    sa.Column('paused_until', sa.Float(), nullable=True),
    sa.Column('last_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('send_budget')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('stalled')
        batch_op.drop_column('supersede')
        batch_op.drop_column('in_order')
        batch_op.drop_column('lease_owner')
