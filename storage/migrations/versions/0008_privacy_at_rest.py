"""privacy at rest: legal hold and retention marks on tickets, per-reporter abuse limits

Content columns keep their types: sealed values are written by the app (it holds DATA_KEY,
the migration does not). Plaintext from before stays readable and is sealed on its next write
or by `lapor-tppo rotate-key` (see docs/privacy.md).

Revision ID: 0008_privacy_at_rest
Revises: 0007_case_link
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UTCDateTime


revision = '0008_privacy_at_rest'
down_revision = '0007_case_link'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy): ticket_events points at `tickets`.
    op.add_column('tickets', sa.Column('legal_hold', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    op.add_column('tickets', sa.Column('purged_at', UTCDateTime(), nullable=True))
    op.create_table('reporter_limits',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('tokens', sa.Float(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('reports', sa.Integer(), nullable=False),
    sa.Column('window_at', UTCDateTime(), nullable=False),
    sa.Column('told_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_index('ix_reporter_limits_at', 'reporter_limits', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reporter_limits_at', table_name='reporter_limits')
    op.drop_table('reporter_limits')
    op.drop_column('tickets', 'purged_at')
    op.drop_column('tickets', 'legal_hold')
