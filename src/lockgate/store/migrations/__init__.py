"""Alembic environment of the store, configured from code (no alembic.ini)."""
