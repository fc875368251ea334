"""Delivery metrics: DORA's four keys from production deployments, the commits they shipped and
incidents, with the performance bands of each DORA report year."""
