"""The catalog and the feed at national scale: an index for each one's order, trigram search on PostgreSQL.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_products_catalog_order', 'products', ['published_at', 'id'], unique=False,
                    sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
    op.create_index('ix_products_feed_order', 'products', ['updated_at', 'id'], unique=False,
                    sqlite_where=sa.text('published_at IS NOT NULL'),
                    postgresql_where=sa.text('published_at IS NOT NULL'))
    if op.get_bind().dialect.name == 'postgresql':
        # pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index('ix_products_search_trgm', 'products', [sa.text("(' ' || search_text) gin_trgm_ops")],
                        unique=False, postgresql_using='gin', postgresql_where=sa.text("status = 'published'"))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_products_search_trgm', table_name='products')
    op.drop_index('ix_products_feed_order', table_name='products')
    op.drop_index('ix_products_catalog_order', table_name='products')
