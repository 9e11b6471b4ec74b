"""conversations per flow; timers; tracked message ids; outbox track/fill/on_fail

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UTCDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Conversation state is now kept per flow; every existing row is an intake conversation.
    # A new table copied across, rather than altering the primary key in place, works the same
    # on SQLite and PostgreSQL.
    _conversations('conversations_v2', ['flow', 'key'])
    op.execute('INSERT INTO conversations_v2 (flow, "key", state, updated_at) '
               'SELECT \'intake\', "key", state, updated_at FROM conversations')
    op.drop_table('conversations')
    op.rename_table('conversations_v2', 'conversations')
    op.create_index('ix_conversations_updated', 'conversations', ['updated_at'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('track', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('fill', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('on_fail', sa.String(length=32), nullable=True))

    op.create_table('timers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=96), nullable=False),
    sa.Column('due_at', UTCDateTime(), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('done_at', UTCDateTime(), nullable=True),
    sa.Column('error', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index('ix_timers_due', ['status', 'due_at'], unique=False)

    op.create_table('tracked_messages',
    sa.Column('track', sa.String(length=64), nullable=False),
    sa.Column('result_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('track')
    )


def downgrade() -> None:
    op.drop_table('tracked_messages')
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timers_due')
    op.drop_table('timers')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('on_fail')
        batch_op.drop_column('fill')
        batch_op.drop_column('track')
    op.drop_index('ix_conversations_updated', table_name='conversations')
    _conversations('conversations_v1', ['key'])
    op.execute('INSERT INTO conversations_v1 ("key", state, updated_at) '
               'SELECT "key", state, updated_at FROM conversations WHERE flow = \'intake\'')
    op.drop_table('conversations')
    op.rename_table('conversations_v1', 'conversations')


def _conversations(name: str, primary_key: list[str]) -> None:
    flow = [sa.Column('flow', sa.String(length=16), nullable=False)] if 'flow' in primary_key \
        else []
    op.create_table(name,
    *flow,
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint(*primary_key, name=f'pk_{name}')
    )
