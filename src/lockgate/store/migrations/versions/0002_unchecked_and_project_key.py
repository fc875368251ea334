"""What a stage could not check, and a stable project identity on runs.

`stage_results.unchecked`: [{what, reason, count, fix}, ...] (never silently clean).
`runs.project_key`: a stable identity of the project (configured id, else the git remote, else the
name), so two teams' folders named alike do not share history in one team store.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_results") as batch:
        batch.add_column(
            sa.Column("unchecked", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("project_key", sa.Text(), nullable=True))
        batch.create_index("ix_runs_project_key_started", ["project_key", "started"])


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_index("ix_runs_project_key_started")
        batch.drop_column("project_key")
    with op.batch_alter_table("stage_results") as batch:
        batch.drop_column("unchecked")
