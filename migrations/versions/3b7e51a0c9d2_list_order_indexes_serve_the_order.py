"""list order indexes serve the order: "deadline missing" as a key of its own; buildings and rooms in natural order (issue 8)

Revision ID: 3b7e51a0c9d2
Revises: c0182d6ef43f
Create Date: 2026-12-01 15:00:00

The lists ordered "complete_due NULLS LAST" (and "due_at NULLS LAST"), which no
SQLite index serves, and the CASE of the order was sent with bound parameters,
which never match the index's literals: the work-order list sorted a million rows
per page (5.7 s). The order is now urgency, "deadline IS NULL", deadline, id, with
literals (app/models/sort_keys.py), and the indexes hold the same keys.
Households and units by building, then room, in natural order (length, text):
ix_building_natural and ix_unit_natural let SQLite walk them instead of sorting.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b7e51a0c9d2'
down_revision = 'c0182d6ef43f'
branch_labels = None
depends_on = None

URGENCY = ("(CASE WHEN (status NOT IN ('accepted', 'dispatched', 'in_progress', 'suspended', 'rework')) THEN 3 "
           "WHEN (severity IN ('emergency', 'major')) THEN 0 WHEN (severity IN ('medium', 'important')) THEN 1 "
           "ELSE 2 END)")
PENDING_FIRST = "(CASE WHEN (status = 'pending') THEN 0 ELSE 1 END)"


def _create(with_null_keys: bool):
    active = sa.text('deleted_on IS NULL')
    no_due = [sa.text('(complete_due IS NULL)')] if with_null_keys else []
    no_due_at = [sa.text('(due_at IS NULL)')] if with_null_keys else []
    op.create_index('ix_work_order_urgency', 'work_order', [sa.text(URGENCY), *no_due, 'complete_due', 'id'],
                    unique=False, sqlite_where=active, postgresql_where=active)
    op.create_index('ix_approval_pending_due', 'approval', [sa.text(PENDING_FIRST), *no_due_at, 'due_at', 'id'],
                    unique=False)


def _drop():
    op.drop_index('ix_approval_pending_due', table_name='approval')
    op.drop_index('ix_work_order_urgency', table_name='work_order')


def upgrade():
    _drop()
    _create(with_null_keys=True)
    op.create_index('ix_building_natural', 'building', [sa.text('length(name)'), 'name', 'id'], unique=False)
    op.create_index('ix_unit_natural', 'unit', ['building_id', sa.text('length(room_no)'), 'room_no', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_unit_natural', table_name='unit')
    op.drop_index('ix_building_natural', table_name='building')
    _drop()
    _create(with_null_keys=False)
