"""list order indexes: the work-order list by urgency, approvals pending first by due date (issue 7)

Revision ID: 5e21feb2dc2d
Revises: c8391693a0fa
Create Date: 2026-12-01 11:10:00

Expression indexes: the expressions are app/models/sort_keys.py, rendered
exactly as the list query's ORDER BY renders them (an expression index only
serves a query that repeats it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e21feb2dc2d'
down_revision = 'c8391693a0fa'
branch_labels = None
depends_on = None

URGENCY = ("(CASE WHEN (status NOT IN ('accepted', 'dispatched', 'in_progress', 'suspended', 'rework')) THEN 3 "
           "WHEN (severity IN ('emergency', 'major')) THEN 0 WHEN (severity IN ('medium', 'important')) THEN 1 "
           "ELSE 2 END)")
PENDING_FIRST = "(CASE WHEN (status = 'pending') THEN 0 ELSE 1 END)"


def upgrade():
    active = sa.text('deleted_on IS NULL')
    op.create_index('ix_work_order_urgency', 'work_order', [sa.text(URGENCY), 'complete_due', 'id'],
                    unique=False, sqlite_where=active, postgresql_where=active)
    op.create_index('ix_approval_pending_due', 'approval', [sa.text(PENDING_FIRST), 'due_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_approval_pending_due', table_name='approval')
    op.drop_index('ix_work_order_urgency', table_name='work_order')
