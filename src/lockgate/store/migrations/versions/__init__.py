"""Store schema revisions, oldest first; the newest must match migrate.HEAD."""
