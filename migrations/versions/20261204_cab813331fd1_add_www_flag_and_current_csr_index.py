"""Add the www-variant flag, field-change versions and one current CSR per ticket

Revision ID: cab813331fd1
Revises: 0a4f744e5b10
Create Date: 2026-12-04 16:13:27.897177

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cab813331fd1'
down_revision = '0a4f744e5b10'
branch_labels = None
depends_on = None

# Plain ALTER TABLE instead of batch mode: SQLite (3.35 and later) adds and
# drops these columns in place, whereas batch mode would recreate "tickets",
# which the foreign keys of the other tables forbid once rows exist.


def upgrade():
    op.add_column(
        'field_changes',
        sa.Column('ticket_version', sa.Integer(), server_default='0', nullable=False),
    )
    op.add_column(
        'tickets',
        sa.Column(
            'add_www_variant', sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )
    op.create_index(
        'uq_issued_csrs_current_per_ticket',
        'issued_csrs',
        ['ticket_id'],
        unique=True,
        sqlite_where=sa.text('voided_at IS NULL'),
        postgresql_where=sa.text('voided_at IS NULL'),
    )


def downgrade():
    op.drop_index('uq_issued_csrs_current_per_ticket', table_name='issued_csrs')
    op.drop_column('tickets', 'add_www_variant')
    op.drop_column('field_changes', 'ticket_version')
