"""Shared helpers for lockgate's own tests."""
