"""staff register, duty roster, triage columns, audit log (append-only), notes, referrals,
flood digests

Revision ID: 0003_staff_triage
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

from storage.types import UTCDateTime


revision = '0004_staff_triage'
down_revision = '0003_pipeline_hardening'
branch_labels = None
depends_on = None

# Tables whose rows the database itself keeps from being changed or deleted.
APPEND_ONLY = ('audit_log', 'ticket_events')
_REFUSAL = 'audit rows are append-only'


def upgrade() -> None:
    op.create_table('staff',
    sa.Column('user_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('added_at', UTCDateTime(), nullable=False),
    sa.Column('removed_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('roster_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('start', sa.String(length=5), nullable=False),
    sa.Column('end', sa.String(length=5), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('duty_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('starts_at', UTCDateTime(), nullable=False),
    sa.Column('ends_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_duty_overrides_ends', 'duty_overrides', ['ends_at'], unique=False)
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=32), nullable=False),
    sa.Column('actor_name', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_ticket', 'audit_log', ['ticket_ref', 'id'], unique=False)
    op.create_table('ticket_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('author', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_ticket_notes_ticket_ref'), 'ticket_notes', ['ticket_ref'],
                    unique=False)
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('agency', sa.String(length=16), nullable=False),
    sa.Column('referred_at', UTCDateTime(), nullable=False),
    sa.Column('referred_by', sa.BigInteger(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('outcome_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_referrals_ticket_ref'), 'referrals', ['ticket_ref'], unique=False)
    op.create_table('digest_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_ref', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('posted_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_digest_items_waiting', 'digest_items', ['posted_at', 'id'], unique=False)
    # Plain ADD COLUMN (no table copy): SQLite would otherwise have to drop `tickets`, which
    # ticket_events points at.
    for column in (sa.Column('assignee_id', sa.BigInteger(), nullable=True),
                   sa.Column('acknowledged_at', UTCDateTime(), nullable=True),
                   sa.Column('acknowledged_by', sa.BigInteger(), nullable=True),
                   sa.Column('closed_at', UTCDateTime(), nullable=True),
                   sa.Column('closed_by', sa.BigInteger(), nullable=True),
                   sa.Column('routing', sa.JSON(), nullable=True)):
        op.add_column('tickets', column)
    op.create_index('ix_tickets_status', 'tickets', ['status', 'created_at'], unique=False)
    op.add_column('outbox', sa.Column('priority', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""CREATE FUNCTION refuse_audit_change() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{_REFUSAL} (%)', TG_TABLE_NAME; END;
            $$ LANGUAGE plpgsql""")
        for table in APPEND_ONLY:
            op.execute(f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} '
                       'FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()')
            op.execute(f'CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} '
                       'FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()')
        return
    for table in APPEND_ONLY:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{_REFUSAL}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in APPEND_ONLY:
            op.execute(f'DROP TRIGGER {table}_append_only ON {table}')
            op.execute(f'DROP TRIGGER {table}_no_truncate ON {table}')
        op.execute('DROP FUNCTION refuse_audit_change()')
    else:
        for table in APPEND_ONLY:
            for event in ('update', 'delete'):
                op.execute(f'DROP TRIGGER {table}_no_{event}')
    op.drop_column('outbox', 'priority')
    op.drop_index('ix_tickets_status', table_name='tickets')
    for name in ('routing', 'closed_by', 'closed_at', 'acknowledged_by', 'acknowledged_at',
                 'assignee_id'):
        op.drop_column('tickets', name)  # native DROP COLUMN (SQLite 3.35+): no table copy
    op.drop_index('ix_digest_items_waiting', table_name='digest_items')
    op.drop_table('digest_items')
    op.drop_index(op.f('ix_referrals_ticket_ref'), table_name='referrals')
    op.drop_table('referrals')
    op.drop_index(op.f('ix_ticket_notes_ticket_ref'), table_name='ticket_notes')
    op.drop_table('ticket_notes')
    op.drop_index('ix_audit_log_ticket', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index('ix_duty_overrides_ends', table_name='duty_overrides')
    op.drop_table('duty_overrides')
    op.drop_table('roster_shifts')
    op.drop_table('staff')
