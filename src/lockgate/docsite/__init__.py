"""The docs site: a static, self-contained, offline site built from what the project already has."""
