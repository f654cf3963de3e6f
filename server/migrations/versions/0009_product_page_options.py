"""What a shop's public product pages show buyers: the phone (call, Zalo), channel links, the VietQR.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OPTIONS = ('show_phone', 'show_channels', 'show_vietqr')


def upgrade():
    # Off for every shop, those there already included: only the owner turns them on.
    with op.batch_alter_table('sellers', schema=None) as batch_op:
        for option in OPTIONS:
            batch_op.add_column(sa.Column(option, sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('sellers', schema=None) as batch_op:
        for option in reversed(OPTIONS):
            batch_op.drop_column(option)
