"""lockgate: quality gates between a team's code and production."""

__version__ = "0.1.0"
