"""Invitations accepted by the person invited; atomic rate counters; OTP tries counted before checking;
refresh-token reuse detection.

Cohort members who had not accepted yet become pending cohort invitations.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ONE_TARGET = (
    "(kind = 'cohort' AND cohort_id IS NOT NULL AND seller_id IS NULL AND union_id IS NULL)"
    " OR (kind = 'cooperative' AND seller_id IS NOT NULL AND cohort_id IS NULL AND union_id IS NULL)"
    " OR (kind = 'union_trainer' AND union_id IS NOT NULL AND cohort_id IS NULL AND seller_id IS NULL)"
)


def upgrade():
    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('seller_id', sa.Integer(), nullable=True),
    sa.Column('union_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sms_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(ONE_TARGET, name=op.f('ck_invitations_one_target')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_invitations_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_invitations_seller_id_sellers')),
    sa.ForeignKeyConstraint(['union_id'], ['union_branches.id'], name=op.f('fk_invitations_union_id_union_branches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_invited_by_id'), ['invited_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitations_union_id'), ['union_id'], unique=False)
    op.create_index(
        'uq_invitations_pending', 'invitations',
        ['phone', 'kind', sa.text('coalesce(cohort_id, seller_id, union_id)')], unique=True,
        sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"),
    )

    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counters'))
    )

    with op.batch_alter_table('otp_challenges', schema=None) as batch_op:
        batch_op.alter_column('failed_attempts', new_column_name='attempts')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_refresh_jti', sa.String(length=36), nullable=True))

    # Households invited to a cohort who had not answered yet: pending invitations to their phone.
    op.execute(
        "INSERT INTO invitations (kind, phone, cohort_id, invited_by_id, created_at, status) "
        "SELECT 'cohort', users.phone, cohort_members.cohort_id, cohort_members.enrolled_by_id, "
        "cohort_members.enrolled_at, 'pending' "
        "FROM cohort_members JOIN users ON users.id = cohort_members.user_id "
        "WHERE cohort_members.accepted_at IS NULL AND users.phone IS NOT NULL"
    )
    op.execute("DELETE FROM cohort_members WHERE accepted_at IS NULL")


def downgrade():
    op.execute(
        "INSERT INTO cohort_members (cohort_id, user_id, enrolled_by_id, enrolled_at) "
        "SELECT invitations.cohort_id, users.id, invitations.invited_by_id, invitations.created_at "
        "FROM invitations JOIN users ON users.phone = invitations.phone "
        "WHERE invitations.kind = 'cohort' AND invitations.status = 'pending'"
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('previous_refresh_jti')
    with op.batch_alter_table('otp_challenges', schema=None) as batch_op:
        batch_op.alter_column('attempts', new_column_name='failed_attempts')
    op.drop_table('rate_counters')
    op.drop_index('uq_invitations_pending', table_name='invitations')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_union_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_seller_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_phone'))
        batch_op.drop_index(batch_op.f('ix_invitations_invited_by_id'))
        batch_op.drop_index(batch_op.f('ix_invitations_cohort_id'))
    op.drop_table('invitations')
