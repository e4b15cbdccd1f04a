"""day close and handover: the count's who and when, the committee's handovers, the fee's
track and level on each payment and the campaign on each visit, with the tally's covering
indexes; the database refuses a payment
dated into a closed day or for a handed-over dossier, and any change to a closed day, a
handover or a handed-over dossier

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DAY_CLOSED = "day closed: no payment, void or refund can be dated into a closed day"
HANDED_OVER = "handed over: the dossier is read-only"
CLOSE_LOCKED = "a closed day is never edited or deleted"
HANDOVER_FIXED = "a handover is never edited or deleted"
PAYMENT_UPDATE = "payments are never edited or deleted: void or refund with a new row"

CLOSED_DAY = ("EXISTS (SELECT 1 FROM day_close d WHERE d.campaign_id = NEW.campaign_id "
              "AND d.business_date = NEW.business_date AND d.desk IN (NEW.desk, '') "
              "AND d.status = 'closed')")
HANDED = "(SELECT status FROM dossier WHERE id = NEW.dossier_id) = 'handed_over'"


def upgrade() -> None:
    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('handover_no', sa.Integer(), nullable=False),
    sa.Column('receiver', sa.String(length=100), nullable=False),
    sa.Column('dossier_count', sa.Integer(), nullable=False),
    sa.Column('dossier_codes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('handed_by_id', sa.Integer(), nullable=False),
    sa.Column('handed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_handover_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['handed_by_id'], ['desk_user.id'], name=op.f('fk_handover_handed_by_id_desk_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover')),
    sa.UniqueConstraint('campaign_id', 'handover_no', name=op.f('uq_handover_campaign_id_handover_no'))
    )
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('day_close', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('counted_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_day_close_counted_by_id_desk_user'), 'desk_user', ['counted_by_id'], ['id'])

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handover_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dossier_handover_id'), ['handover_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossier_handover_id_handover'), 'handover', ['handover_id'], ['id'])

    # visits carry their campaign (backfilled) so a day's visits are one index range
    with op.batch_alter_table('dossier_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
    op.execute("UPDATE dossier_visit SET campaign_id = "
               "(SELECT campaign_id FROM dossier WHERE dossier.id = dossier_visit.dossier_id)")
    with op.batch_alter_table('dossier_visit', schema=None) as batch_op:
        batch_op.alter_column('campaign_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_dossier_visit_campaign_id_campaign'), 'campaign', ['campaign_id'], ['id'])
        batch_op.create_index('ix_dossier_visit_day', ['campaign_id', 'at', 'outcome', 'desk'], unique=False)

    # payment: add columns in place (no table rebuild, so migration 0004's triggers stay)
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('track', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('level', sa.String(length=16), server_default='', nullable=False))
    sqlite = op.get_bind().dialect.name == "sqlite"
    backfill = ("UPDATE payment SET track = (SELECT track FROM dossier WHERE dossier.id = payment.dossier_id), "
                "level = (SELECT level FROM dossier WHERE dossier.id = payment.dossier_id)")
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS payment_no_update")
        op.execute(backfill)
        op.execute("CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment "
                   f"BEGIN SELECT RAISE(ABORT, '{PAYMENT_UPDATE}'); END")
    else:
        op.execute("ALTER TABLE payment DISABLE TRIGGER payment_immutable")
        op.execute(backfill)
        op.execute("ALTER TABLE payment ENABLE TRIGGER payment_immutable")
    op.create_index('ix_payment_day', 'payment', ['campaign_id', 'business_date', 'kind', 'method', 'desk', 'cashier_id', 'track', 'level', 'amount_fen', 'receipt_no'], unique=False)

    if sqlite:
        def trigger(name: str, when: str, table: str, condition: str, message: str) -> None:
            op.execute(f"CREATE TRIGGER {name} BEFORE {when} ON {table} WHEN {condition} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
        trigger("payment_day_closed", "INSERT", "payment", CLOSED_DAY, DAY_CLOSED)
        trigger("payment_handed_over", "INSERT", "payment", HANDED, HANDED_OVER)
        trigger("day_close_no_update", "UPDATE", "day_close", "OLD.status = 'closed'", CLOSE_LOCKED)
        trigger("day_close_no_delete", "DELETE", "day_close", "OLD.status = 'closed'", CLOSE_LOCKED)
        trigger("dossier_handed_over", "UPDATE", "dossier", "OLD.status = 'handed_over'", HANDED_OVER)
        trigger("dossier_no_delete", "DELETE", "dossier", "OLD.status = 'handed_over'", HANDED_OVER)
        trigger("handover_no_update", "UPDATE", "handover", "1", HANDOVER_FIXED)
        trigger("handover_no_delete", "DELETE", "handover", "1", HANDOVER_FIXED)
        return

    def function(name: str, body: str) -> None:
        op.execute(f"""CREATE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN {body} END $$ LANGUAGE plpgsql""")

    def refuse(message: str) -> str:
        return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"

    function("payment_day_open",
             f"IF {CLOSED_DAY} THEN {refuse(DAY_CLOSED)} END IF; "
             f"IF {HANDED} THEN {refuse(HANDED_OVER)} END IF; RETURN NEW;")
    op.execute("CREATE TRIGGER payment_day_open BEFORE INSERT ON payment "
               "FOR EACH ROW EXECUTE FUNCTION payment_day_open()")
    function("day_close_locked",
             f"IF OLD.status = 'closed' THEN {refuse(CLOSE_LOCKED)} END IF; "
             "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;")
    op.execute("CREATE TRIGGER day_close_locked BEFORE UPDATE OR DELETE ON day_close "
               "FOR EACH ROW EXECUTE FUNCTION day_close_locked()")
    function("dossier_read_only",
             f"IF OLD.status = 'handed_over' THEN {refuse(HANDED_OVER)} END IF; "
             "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW;")
    op.execute("CREATE TRIGGER dossier_read_only BEFORE UPDATE OR DELETE ON dossier "
               "FOR EACH ROW EXECUTE FUNCTION dossier_read_only()")
    function("handover_fixed", refuse(HANDOVER_FIXED))
    op.execute("CREATE TRIGGER handover_fixed BEFORE UPDATE OR DELETE ON handover "
               "FOR EACH ROW EXECUTE FUNCTION handover_fixed()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("payment_day_closed", "payment_handed_over", "day_close_no_update",
                     "day_close_no_delete", "dossier_handed_over", "dossier_no_delete",
                     "handover_no_update", "handover_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for name, table in (("payment_day_open", "payment"), ("day_close_locked", "day_close"),
                            ("dossier_read_only", "dossier"), ("handover_fixed", "handover")):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index('ix_payment_day', table_name='payment')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_column('level')
        batch_op.drop_column('track')
    with op.batch_alter_table('dossier_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_visit_day')
        batch_op.drop_constraint(batch_op.f('fk_dossier_visit_campaign_id_campaign'), type_='foreignkey')
        batch_op.drop_column('campaign_id')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dossier_handover_id_handover'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dossier_handover_id'))
        batch_op.drop_column('handover_id')
    with op.batch_alter_table('day_close', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_day_close_counted_by_id_desk_user'), type_='foreignkey')
        batch_op.drop_column('counted_at')
        batch_op.drop_column('counted_by_id')
    op.drop_table('handover')
