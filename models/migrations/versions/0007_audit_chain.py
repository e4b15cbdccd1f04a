"""audit chain: every audit event carries its place in the chain (chain_seq), the hash of the
event before it and its own; existing events are chained in id order, and each existing
payment gets a payment.sealed event holding its row's digest. The database refuses any change
to a sealed event and any deletion.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.audit import chain_in_id_order, row_seal, single_chain_table
from models.types import utcnow

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = "audit events are never edited or deleted"
BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_chain_seq'), ['chain_seq'])

    conn = op.get_bind()
    # the models' tables for their column types (dates, UTC times) as the desk writes them,
    # limited to the columns that exist at this revision
    from models.audit import SEALED_COLUMNS
    from models.payment import Payment
    event = single_chain_table()  # the table as at this revision
    typed = Payment.__table__  # type: ignore[attr-defined]
    columns = [typed.c[name] for name in SEALED_COLUMNS["payment"]]
    now = utcnow()
    last = 0
    while True:  # payments made before the chain: one sealing event each
        rows = conn.execute(sa.select(*columns).where(typed.c.id > last)
                            .order_by(typed.c.id).limit(BATCH)).mappings().all()
        if not rows:
            break
        conn.execute(sa.insert(event), [{
            "at": now, "actor_id": None, "actor_name": "migration 0007", "action": "payment.sealed",
            "entity": "payment", "entity_id": r["receipt_code"], "campaign_id": r["campaign_id"],
            "desk": "", "detail": {"row": row_seal("payment", dict(r))}} for r in rows])
        last = int(rows[-1]["id"])
    chain_in_id_order(conn)

    if conn.dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_event_sealed BEFORE UPDATE ON audit_event "
                   f"WHEN OLD.hash IS NOT NULL BEGIN SELECT RAISE(ABORT, '{SEALED}'); END")
        op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                   f"BEGIN SELECT RAISE(ABORT, '{SEALED}'); END")
        return
    op.execute(f"""CREATE FUNCTION audit_event_sealed() RETURNS trigger AS $$
        BEGIN
          IF TG_OP = 'DELETE' OR OLD.hash IS NOT NULL THEN
            RAISE EXCEPTION '{SEALED}' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER audit_event_sealed BEFORE UPDATE OR DELETE ON audit_event "
               "FOR EACH ROW EXECUTE FUNCTION audit_event_sealed()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_sealed")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_sealed ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_sealed()")
    op.execute("DELETE FROM audit_event WHERE action = 'payment.sealed' "
               "AND actor_name = 'migration 0007'")
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_chain_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('chain_seq')
