"""Advisory sources: one interface, one module per implementation (OSV service, local OSV directory)."""
