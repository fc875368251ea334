"""Advisory sources: one interface, one module per implementation (OSV service, local OSV directory)."""

DEFAULT_URL = (
    "https://api.osv.dev"  # the OSV service; here so the stage's options need no HTTP import
)
