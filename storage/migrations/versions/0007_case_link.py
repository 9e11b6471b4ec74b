"""case-system link: outbound events, per-ticket link state, inbound webhook ids, state

Revision ID: 0007_case_link
Revises: 0006_evidence
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UTCDateTime


revision = '0007_case_link'
down_revision = '0006_evidence'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.String(length=40), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('ticket_status', sa.String(length=16), nullable=True),
    sa.Column('payload', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
    sa.Column('lease_owner', sa.BigInteger(), nullable=True),
    sa.Column('locked_until', UTCDateTime(), nullable=True),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('last_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('webhook_id')
    )
    op.create_index('ix_case_events_ticket', 'case_events', ['ticket_ref', 'status', 'id'],
                    unique=False)
    op.create_index('ix_case_events_due', 'case_events', ['status', 'next_attempt_at'],
                    unique=False)
    op.create_table('case_links',
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('fingerprint', sa.JSON(), nullable=False),
    sa.Column('sent_status', sa.String(length=16), nullable=True),
    sa.Column('confirmed_at', UTCDateTime(), nullable=True),
    sa.Column('case_status', sa.String(length=16), nullable=True),
    sa.Column('case_id', sa.String(length=64), nullable=True),
    sa.Column('case_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('ticket_ref')
    )
    op.create_table('case_inbound',
    sa.Column('webhook_id', sa.String(length=128), nullable=False),
    sa.Column('received_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('webhook_id')
    )
    op.create_index(op.f('ix_case_inbound_received_at'), 'case_inbound', ['received_at'],
                    unique=False)
    op.create_table('case_state',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('case_state')
    op.drop_index(op.f('ix_case_inbound_received_at'), table_name='case_inbound')
    op.drop_table('case_inbound')
    op.drop_table('case_links')
    op.drop_index('ix_case_events_due', table_name='case_events')
    op.drop_index('ix_case_events_ticket', table_name='case_events')
    op.drop_table('case_events')
