"""Tenancy API: tenancy and rent-account look-ups for a council housing team (sample data only)."""

__version__ = "1.0.0"
