"""payments: attempt number, one live payment per dossier, one void per payment, and the
database refuses to update or delete a payment

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "payments are never edited or deleted: void or refund with a new row"


def upgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt', sa.Integer(), nullable=False, server_default='0'))
    op.create_index('uq_payment_dossier_attempt', 'payment', ['dossier_id', 'attempt'],
                    unique=True, sqlite_where=sa.text("kind = 'payment'"),
                    postgresql_where=sa.text("kind = 'payment'"))
    op.create_index('uq_payment_one_void', 'payment', ['original_id'], unique=True,
                    sqlite_where=sa.text("kind = 'void'"),
                    postgresql_where=sa.text("kind = 'void'"))
    if op.get_bind().dialect.name == "sqlite":
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER payment_no_{what.lower()} BEFORE {what} ON payment "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    else:
        op.execute(f"""CREATE FUNCTION payment_immutable() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER payment_immutable BEFORE UPDATE OR DELETE ON payment "
                   "FOR EACH ROW EXECUTE FUNCTION payment_immutable()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS payment_no_update")
        op.execute("DROP TRIGGER IF EXISTS payment_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS payment_immutable ON payment")
        op.execute("DROP FUNCTION IF EXISTS payment_immutable()")
    op.drop_index('uq_payment_one_void', table_name='payment')
    op.drop_index('uq_payment_dossier_attempt', table_name='payment')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('attempt')
