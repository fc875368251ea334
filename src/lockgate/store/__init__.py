"""The run store: run history, deployments, incidents and metrics in SQLite or PostgreSQL."""

from lockgate.store.repository import MetricPoint, Store

__all__ = ["MetricPoint", "Store"]
