"""Dependency scanning for the `deps` stage: lock-file parsers, advisory sources, version ranges, SBOM."""
