"""Delivery metrics: the commits each production deployment shipped, incident titles, import keys.

`changes`: one row per commit a production deployment shipped first, with its lead time.
`change_sets`: per deployment, how its changes were read from git (state, and the basis: the
deployments before it), so they are read again only when that basis changes.
`deployments.import_key` / `incidents.import_key`: where an imported record came from (a tag, a
file row), so importing again never duplicates. `incidents.title`: what happened.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN / CREATE INDEX on both backends: a batch "move and copy" of
    # deployments would fire ON DELETE SET NULL on incidents.cause_deployment_id under SQLite
    op.add_column("deployments", sa.Column("import_key", sa.Text(), nullable=True))
    op.create_index(
        op.f("ix_deployments_service_import_key"),
        "deployments",
        ["service", "import_key"],
        unique=True,
    )
    op.add_column(
        "incidents", sa.Column("title", sa.Text(), nullable=False, server_default=sa.text("''"))
    )
    op.add_column("incidents", sa.Column("import_key", sa.Text(), nullable=True))
    op.create_index(
        op.f("ix_incidents_service_import_key"), "incidents", ["service", "import_key"], unique=True
    )
    op.create_table(
        "change_sets",
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("commits", sa.Integer(), nullable=False),
        sa.Column("squash_unresolved", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_change_sets_deployment_id_deployments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("deployment_id", name=op.f("pk_change_sets")),
    )
    op.create_index(op.f("ix_change_sets_service"), "change_sets", ["service"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("commit_sha", sa.Text(), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lead_seconds", sa.Double(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployments.id"],
            name=op.f("fk_changes_deployment_id_deployments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_deployment_id"), "changes", ["deployment_id"])
    op.create_index(  # covering: lead-time medians read the index only
        op.f("ix_changes_service_deployed_at_lead_seconds"),
        "changes",
        ["service", "deployed_at", "lead_seconds"],
    )
    op.create_index(op.f("ix_changes_service_commit_sha"), "changes", ["service", "commit_sha"])


def downgrade() -> None:
    op.drop_table("changes")
    op.drop_table("change_sets")
    op.drop_index(op.f("ix_incidents_service_import_key"), table_name="incidents")
    op.drop_column("incidents", "import_key")  # SQLite >= 3.35 drops a column in place
    op.drop_column("incidents", "title")
    op.drop_index(op.f("ix_deployments_service_import_key"), table_name="deployments")
    op.drop_column("deployments", "import_key")
