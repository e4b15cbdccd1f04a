"""bank statements: imported files, their lines, the cashier's matches and dismissals; the
database refuses to update or delete any of them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:04:36
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "bank statements and the decisions on their lines are never edited or deleted"
TABLES = ("bank_statement", "bank_line", "bank_line_dismissal", "bank_match")


def upgrade() -> None:
    op.create_table('bank_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('account', sa.String(length=60), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=False),
    sa.Column('imported_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('credit_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_bank_statement_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['imported_by'], ['desk_user.id'], name=op.f('fk_bank_statement_imported_by_desk_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement')),
    sa.UniqueConstraint('campaign_id', 'sha256', name=op.f('uq_bank_statement_campaign_id_sha256'))
    )
    with op.batch_alter_table('bank_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statement_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('bank_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('txn_date', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('payer_name', sa.String(length=200), nullable=False),
    sa.Column('payer_account', sa.String(length=60), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('serial', sa.String(length=100), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_bank_line_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statement.id'], name=op.f('fk_bank_line_statement_id_bank_statement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_line')),
    sa.UniqueConstraint('campaign_id', 'serial', name=op.f('uq_bank_line_campaign_id_serial'))
    )
    with op.batch_alter_table('bank_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_line_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_bank_line_statement_line', ['statement_id', 'line_no'], unique=False)

    op.create_table('bank_line_dismissal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('dismissed_by', sa.Integer(), nullable=False),
    sa.Column('dismissed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dismissed_by'], ['desk_user.id'], name=op.f('fk_bank_line_dismissal_dismissed_by_desk_user')),
    sa.ForeignKeyConstraint(['line_id'], ['bank_line.id'], name=op.f('fk_bank_line_dismissal_line_id_bank_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_line_dismissal')),
    sa.UniqueConstraint('line_id', name=op.f('uq_bank_line_dismissal_line_id'))
    )
    op.create_table('bank_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_by', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmed_by'], ['desk_user.id'], name=op.f('fk_bank_match_confirmed_by_desk_user')),
    sa.ForeignKeyConstraint(['line_id'], ['bank_line.id'], name=op.f('fk_bank_match_line_id_bank_line')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_bank_match_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_match')),
    sa.UniqueConstraint('line_id', 'attempt', name=op.f('uq_bank_match_line_id_attempt')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_bank_match_payment_id'))
    )
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for what in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    else:
        op.execute(f"""CREATE FUNCTION bank_immutable() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END $$ LANGUAGE plpgsql""")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION bank_immutable()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bank_immutable()")
    op.drop_table('bank_match')
    op.drop_table('bank_line_dismissal')
    with op.batch_alter_table('bank_line', schema=None) as batch_op:
        batch_op.drop_index('ix_bank_line_statement_line')
        batch_op.drop_index(batch_op.f('ix_bank_line_campaign_id'))

    op.drop_table('bank_line')
    with op.batch_alter_table('bank_statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statement_campaign_id'))

    op.drop_table('bank_statement')
