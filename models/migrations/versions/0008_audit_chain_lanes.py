"""audit chain lanes: an event's place is (chain_lane, chain_seq), so desks write events at
once, each transaction into a lane of its own; every event written so far is in lane 0 and keeps
its hash

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.audit import chain_in_id_order

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = "audit events are never edited or deleted"


def _sqlite_triggers() -> None:
    """SQLite rebuilds the table in a batch and its triggers go with the old one: again, as 0007
    made them."""
    op.execute("DROP TRIGGER IF EXISTS audit_event_sealed")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    op.execute("CREATE TRIGGER audit_event_sealed BEFORE UPDATE ON audit_event "
               f"WHEN OLD.hash IS NOT NULL BEGIN SELECT RAISE(ABORT, '{SEALED}'); END")
    op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
               f"BEGIN SELECT RAISE(ABORT, '{SEALED}'); END")


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_lane', sa.SmallInteger(), server_default='0',
                                      nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_audit_event_chain_seq'), type_='unique')
        batch_op.create_unique_constraint('uq_audit_event_chain_lane_seq',
                                          ['chain_lane', 'chain_seq'])
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()


def downgrade() -> None:
    """One chain again: every event re-chained in id order (the order they were written in)."""
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.execute("DROP TRIGGER IF EXISTS audit_event_sealed" if sqlite
               else "ALTER TABLE audit_event DISABLE TRIGGER audit_event_sealed")
    op.execute("UPDATE audit_event SET chain_seq = NULL, prev_hash = NULL, hash = NULL")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_event_chain_lane_seq', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_chain_seq'), ['chain_seq'])
        batch_op.drop_column('chain_lane')
    chain_in_id_order(conn)
    if sqlite:
        _sqlite_triggers()
    else:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_sealed")
