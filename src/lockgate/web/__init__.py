"""The dashboard: server-rendered pages with SVG charts, a JSON API and Prometheus metrics."""
