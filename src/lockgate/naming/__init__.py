"""Naming policy: one convention for repositories, packages, images, infrastructure and settings."""
