"""money and accounts (issue 20): a live payment's bank/POS/QR reference is unique in the
database (reference_seq, a partial unique index that a void releases); a void or refund is
refused in a day closed for the desk of the payment it corrects; a desk name with invisible or
control characters or spaces at its ends is refused on money rows; accounts can be made to
change their password at the next login

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAYMENT_UPDATE = "payments are never edited or deleted: void or refund with a new row"
DAY_CLOSED = "day closed: no payment, void or refund can be dated into a closed day"
HANDED_OVER = "handed over: the dossier is read-only"
BAD_DESK = "desk name not normalised: no invisible or control characters, no spaces at its ends"

# 0006's condition, and now the desk of the payment a void or refund corrects too: a void
# changes the figures of the desk that took the money
CLOSED_DAY_0006 = ("EXISTS (SELECT 1 FROM day_close d WHERE d.campaign_id = NEW.campaign_id "
                   "AND d.business_date = NEW.business_date AND d.desk IN (NEW.desk, '') "
                   "AND d.status = 'closed')")
CLOSED_DAY = ("EXISTS (SELECT 1 FROM day_close d WHERE d.campaign_id = NEW.campaign_id "
              "AND d.business_date = NEW.business_date AND d.status = 'closed' "
              "AND (d.desk IN (NEW.desk, '') OR d.desk = "
              "(SELECT o.desk FROM payment o WHERE o.id = NEW.original_id)))")
HANDED = "(SELECT status FROM dossier WHERE id = NEW.dossier_id) = 'handed_over'"

# What models.text.clean_desk_name removes and the database refuses: C0 and C1 controls, DEL,
# the soft hyphen, zero-width and bidi format characters, word joiners, BOM, Mongolian vowel
# separator (code point ranges)
INVISIBLE = [(0x01, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x180E, 0x180E), (0x200B, 0x200F),
             (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF)]


def _pg_class() -> str:
    return "[" + "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}"
                         for a, b in INVISIBLE) + "]"


def _sqlite_class() -> str:
    parts = []
    for a, b in INVISIBLE:
        parts.append(f"char({a})" if a == b else f"char({a}) || '-' || char({b})")
    return "'*[' || " + " || ".join(parts) + " || ']*'"


def bad_desk(dialect: str, column: str = "NEW.desk") -> str:
    if dialect == "sqlite":
        return f"({column} GLOB {_sqlite_class()} OR {column} <> trim({column}))"
    return f"({column} ~ E'{_pg_class()}' OR {column} <> btrim({column}))"


def _seq_backfill() -> str:
    return ("UPDATE payment SET reference_seq = (SELECT COUNT(*) FROM payment p "
            "WHERE p.campaign_id = payment.campaign_id AND p.method = payment.method "
            "AND p.reference = payment.reference AND p.kind = 'payment' AND p.id < payment.id) "
            "WHERE kind = 'payment' AND reference <> ''")


def upgrade() -> None:
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    op.add_column('payment', sa.Column('reference_seq', sa.Integer(), nullable=True))  # in place
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS payment_no_update")
        op.execute(_seq_backfill())
        op.execute("CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment "
                   f"BEGIN SELECT RAISE(ABORT, '{PAYMENT_UPDATE}'); END")
    else:
        op.execute("ALTER TABLE payment DISABLE TRIGGER payment_immutable")
        op.execute(_seq_backfill())
        op.execute("ALTER TABLE payment ENABLE TRIGGER payment_immutable")
    # every payment with a reference has its own place among the payments of that reference:
    # a second live one would take the place the first has (a void frees nothing, but the
    # next payment of the reference takes the next place)
    op.create_index('uq_payment_reference_seq', 'payment',
                    ['campaign_id', 'method', 'reference', 'reference_seq'], unique=True,
                    sqlite_where=sa.text("kind = 'payment' AND reference <> ''"),
                    postgresql_where=sa.text("kind = 'payment' AND reference <> ''"))

    # ADD COLUMN in place (a batch would rebuild desk_user, which other tables point at)
    op.add_column('desk_user', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.add_column('desk_user', sa.Column('password_changed_at',
                                         models.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column('desk_user', sa.Column('disabled_at', models.types.UTCDateTime(timezone=True),
                                         nullable=True))

    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS payment_day_closed")
        op.execute(f"CREATE TRIGGER payment_day_closed BEFORE INSERT ON payment WHEN {CLOSED_DAY} "
                   f"BEGIN SELECT RAISE(ABORT, '{DAY_CLOSED}'); END")
        for table in ("payment", "day_close"):
            op.execute(f"CREATE TRIGGER {table}_desk_name BEFORE INSERT ON {table} "
                       f"WHEN {bad_desk('sqlite')} BEGIN SELECT RAISE(ABORT, '{BAD_DESK}'); END")
        op.execute("CREATE TRIGGER day_close_desk_name_update BEFORE UPDATE OF desk ON day_close "
                   f"WHEN {bad_desk('sqlite')} BEGIN SELECT RAISE(ABORT, '{BAD_DESK}'); END")
        return

    def refuse(message: str) -> str:
        return f"RAISE EXCEPTION '{message}' USING ERRCODE = 'integrity_constraint_violation';"

    op.execute(f"""CREATE OR REPLACE FUNCTION payment_day_open() RETURNS trigger AS $$
        BEGIN IF {CLOSED_DAY} THEN {refuse(DAY_CLOSED)} END IF;
        IF {HANDED} THEN {refuse(HANDED_OVER)} END IF; RETURN NEW; END $$ LANGUAGE plpgsql""")
    op.execute(f"""CREATE FUNCTION desk_name_normal() RETURNS trigger AS $$
        BEGIN IF {bad_desk('postgresql')} THEN {refuse(BAD_DESK)} END IF; RETURN NEW; END
        $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER payment_desk_name BEFORE INSERT ON payment "
               "FOR EACH ROW EXECUTE FUNCTION desk_name_normal()")
    op.execute("CREATE TRIGGER day_close_desk_name BEFORE INSERT OR UPDATE OF desk ON day_close "
               "FOR EACH ROW EXECUTE FUNCTION desk_name_normal()")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in ("payment_desk_name", "day_close_desk_name", "day_close_desk_name_update",
                     "payment_day_closed"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("CREATE TRIGGER payment_day_closed BEFORE INSERT ON payment WHEN "
                   f"{CLOSED_DAY_0006} BEGIN SELECT RAISE(ABORT, '{DAY_CLOSED}'); END")
    else:
        op.execute("DROP TRIGGER IF EXISTS payment_desk_name ON payment")
        op.execute("DROP TRIGGER IF EXISTS day_close_desk_name ON day_close")
        op.execute("DROP FUNCTION IF EXISTS desk_name_normal()")
        refuse = ("RAISE EXCEPTION '{}' USING ERRCODE = 'integrity_constraint_violation';")
        op.execute(f"""CREATE OR REPLACE FUNCTION payment_day_open() RETURNS trigger AS $$
            BEGIN IF {CLOSED_DAY_0006} THEN {refuse.format(DAY_CLOSED)} END IF;
            IF {HANDED} THEN {refuse.format(HANDED_OVER)} END IF; RETURN NEW; END
            $$ LANGUAGE plpgsql""")
    for column in ('disabled_at', 'password_changed_at', 'must_change_password'):
        # in place (SQLite 3.35+): other tables point at desk_user, a rebuild would break them
        op.execute(f"ALTER TABLE desk_user DROP COLUMN {column}")
    op.drop_index('uq_payment_reference_seq', table_name='payment')
    if sqlite:  # in place (SQLite 3.35+): a rebuilt table would lose its triggers
        op.execute("ALTER TABLE payment DROP COLUMN reference_seq")
    else:
        with op.batch_alter_table('payment', schema=None) as batch_op:
            batch_op.drop_column('reference_seq')
