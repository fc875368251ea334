"""Tests of lockgate.store."""
