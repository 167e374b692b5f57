"""optimistic version on household and work order

Issue 9 §3: the two registers staff edit at the same moment get a row version
(SQLAlchemy version_id_col); existing rows start at 1.

Revision ID: da2447ff78ce
Revises: 5e21feb2dc2d
Create Date: 2026-12-01 10:53:46.701119

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'da2447ff78ce'
down_revision = '5e21feb2dc2d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))



def downgrade():
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.drop_column('version')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_column('version')

