"""print job payload hash, desk, last attempt

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:42:09.303836
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Jobs saved before this revision had no payload column value: keep them, empty.
    op.execute("UPDATE print_job SET payload = x'' WHERE payload IS NULL"
                if op.get_bind().dialect.name == "sqlite"
                else "UPDATE print_job SET payload = ''::bytea WHERE payload IS NULL")
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('payload_sha256', sa.String(length=64), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('last_attempt_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('payload',
               existing_type=sa.LargeBinary(),
               nullable=False)



def downgrade() -> None:
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.alter_column('payload',
               existing_type=sa.LargeBinary(),
               nullable=True)
        batch_op.drop_column('last_attempt_at')
        batch_op.drop_column('payload_sha256')
        batch_op.drop_column('desk')

