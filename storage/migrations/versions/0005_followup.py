"""follow-up: receipt hashes, opt-in contacts, staff/reporter messages, wrong-guess counts

Revision ID: 0005_followup
Revises: 0004_staff_triage
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UTCDateTime


revision = '0005_followup'
down_revision = '0004_staff_triage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('receipts',
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('lookup', sa.String(length=8), nullable=False),
    sa.Column('hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_ref')
    )
    op.create_index(op.f('ix_receipts_lookup'), 'receipts', ['lookup'], unique=False)
    op.create_table('followup_contacts',
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('sealed_chat', sa.LargeBinary(), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('ticket_ref')
    )
    op.create_table('ticket_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('sealed_text', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_ticket_messages_ticket', 'ticket_messages', ['ticket_ref', 'id'],
                    unique=False)
    op.create_table('receipt_misses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_receipt_misses_scope', 'receipt_misses', ['scope', 'at'], unique=False)
    op.create_index('ix_receipt_misses_at', 'receipt_misses', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_receipt_misses_at', table_name='receipt_misses')
    op.drop_index('ix_receipt_misses_scope', table_name='receipt_misses')
    op.drop_table('receipt_misses')
    op.drop_index('ix_ticket_messages_ticket', table_name='ticket_messages')
    op.drop_table('ticket_messages')
    op.drop_table('followup_contacts')
    op.drop_index(op.f('ix_receipts_lookup'), table_name='receipts')
    op.drop_table('receipts')
