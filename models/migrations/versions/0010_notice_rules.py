"""the notices exactly (issue 21): a campaign's further rules (who may bring the paper, how the
fee is paid, who defends), declaration windows beside paper windows, a checklist item's details
(scope, filled or handwritten, its parts, whose stamps), the watermark and each part's verdict,
who brought the paper, and the unit's own items checked once per unit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('campaign', sa.Column('rules', sa.JSON(), nullable=False, server_default='{}'))
    op.add_column('paper_window', sa.Column('kind', sa.String(length=16), nullable=False,
                                            server_default='paper'))
    op.add_column('paper_window', sa.Column('levels', sa.JSON(), nullable=False,
                                            server_default='[]'))
    op.add_column('checklist_item', sa.Column('details', sa.JSON(), nullable=False,
                                              server_default='{}'))
    op.add_column('item_verdict', sa.Column('watermark_ok', sa.Boolean(), nullable=True))
    op.add_column('item_verdict', sa.Column('parts', sa.JSON(), nullable=True))
    op.add_column('dossier_visit', sa.Column('brought_by', sa.String(length=16), nullable=False,
                                             server_default=''))
    op.create_table('unit_item_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('item_key', sa.String(length=60), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('desk', sa.String(length=40), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_unit_item_check_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['clerk_id'], ['desk_user.id'], name=op.f('fk_unit_item_check_clerk_id_desk_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_item_check'))
    )
    with op.batch_alter_table('unit_item_check', schema=None) as batch_op:
        batch_op.create_index('ix_unit_item_check_unit', ['campaign_id', 'unit', 'item_key'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unit_item_check', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_item_check_unit')
    op.drop_table('unit_item_check')
    columns = (('dossier_visit', 'brought_by'), ('item_verdict', 'parts'),
               ('item_verdict', 'watermark_ok'), ('checklist_item', 'details'),
               ('paper_window', 'kind'), ('paper_window', 'levels'), ('campaign', 'rules'))
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite >= 3.35 drops a plain column in place. A batch copy would drop and recreate
        # campaign, which other tables' foreign keys refer to (refused with foreign keys on).
        for table, column in columns:
            op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
        return
    for table, column in columns:
        op.drop_column(table, column)
