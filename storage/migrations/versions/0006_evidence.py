"""evidence passed on with each ticket (type, size, SHA-256 of the original); message ids of
private chats for /hapus (48 hours)

Revision ID: 0006_evidence
Revises: 0005_followup
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UTCDateTime


revision = '0006_evidence'
down_revision = '0005_followup'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('mime_type', sa.String(length=200), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('queued_at', UTCDateTime(), nullable=False),
    sa.Column('fetched_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ticket_ref', 'key', name='uq_ticket_evidence_key')
    )
    op.create_index('ix_ticket_evidence_ref', 'ticket_evidence', ['ticket_ref', 'position'],
                    unique=False)
    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_key', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=False),
    sa.Column('sent_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_key', 'message_id', name='uq_chat_messages_id')
    )
    op.create_index('ix_chat_messages_sent', 'chat_messages', ['sent_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_chat_messages_sent', table_name='chat_messages')
    op.drop_table('chat_messages')
    op.drop_index('ix_ticket_evidence_ref', table_name='ticket_evidence')
    op.drop_table('ticket_evidence')
